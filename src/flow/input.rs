//! Pure checks of what the graduate types and what the host passes in.
//!
//! Everything here is a plain function of its input, used both when an event is applied and when
//! saved progress is resumed, so a value that the flow would refuse as input is refused in a saved
//! state too. Limits are generous bounds against junk and memory abuse, not business rules.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::{CodeLook, Field, FlowError, InputProblem, Last4Problem};

/// Longest school name (the longest Chinese university names are about 30 characters).
pub const MAX_SCHOOL_NAME_CHARS: usize = 100;
/// Longest education category (开放教育, 普通全日制, ...).
pub const MAX_CATEGORY_CHARS: usize = 50;
/// Most school-name suggestions kept from the server.
pub const MAX_SUGGESTIONS: usize = 50;
/// Longest login session string the host hands over.
pub const MAX_SESSION_CHARS: usize = 4096;
/// Longest 图像采集码 payload (a QR code holds at most 4296 alphanumeric characters).
pub const MAX_CODE_CHARS: usize = 4296;
/// Shortest 图像采集码 payload: an encrypted token is never this short, a stray QR code often is.
pub const MIN_CODE_CHARS: usize = 12;
/// Hosts whose links may carry the code (the collector's own pages). Any other link is another QR
/// code: a WeChat contact, a payment code, a web page.
pub const CODE_LINK_HOSTS: [&str; 2] = ["chsi.com.cn", "chsi.cn"];
/// Longest masked student record (the server's display string).
pub const MAX_RECORD_CHARS: usize = 4096;
/// Longest payment order id.
pub const MAX_ORDER_CHARS: usize = 256;
/// Longest photo reference: an id or a hash, never the image itself.
pub const MAX_PHOTO_REF_CHARS: usize = 128;
/// Longest check rule id (`geometry.eye_line` and the like).
pub const MAX_RULE_ID_CHARS: usize = 64;
/// Most failing rule ids kept in a check summary.
pub const MAX_FAILING_RULES: usize = 64;
/// Longest rejection reason from the reviewer.
pub const MAX_REASON_CHARS: usize = 1000;

/// Full-width ASCII forms (U+FF01–U+FF5E) to ASCII and the ideographic space (U+3000) to a
/// space: a Chinese input method types `ＡＢＣ` and `　` where the student record has `ABC` and ` `.
pub fn to_half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Invisible characters that copy-and-paste brings along (zero-width space and joiners, word
/// joiner, byte-order mark) and control characters: they would make an exact match fail while
/// looking identical on screen.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// A school name or category as the server matches it: full-width ASCII → half-width, every run
/// of whitespace (including U+3000 and control characters) → one space, trimmed, invisible
/// characters removed. Chinese characters are kept as typed. Idempotent.
///
/// `"国家开放大学　"` → `"国家开放大学"`, `"ＡＢＣ  大学"` → `"ABC 大学"`.
pub fn normalise_school_name(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.chars().map(to_half_width) {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// The last 4 characters of an ID number, checked and in canonical form (digits, final `X` or
/// `A` upper-case). `Debug` does not print them.
#[derive(Clone, PartialEq, Eq)]
pub struct Last4(String);

impl Last4 {
    /// The canonical 4 characters, to send to the server.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Last4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Last4(****)")
    }
}

/// Check the last 4 ID characters locally, before anything goes to the server.
///
/// Accepted: exactly 4 characters once spaces and brackets are removed (full-width forms are
/// folded first); the first three digits; the fourth a digit, or the check letter `X` (mainland
/// IDs) or `A` (Hong Kong IDs, whose check digit 10 is written A), either case, returned
/// upper-case. Hong Kong and Macau IDs are entered without the brackets, and input with them is
/// accepted: `A123456(7)` → the user types `4567` or `456(7)`.
pub fn validate_last4(input: &str) -> Result<Last4, FlowError> {
    let bad = |problem| FlowError::InvalidLast4 { problem };
    let chars: Vec<char> = input
        .chars()
        .map(to_half_width)
        .filter(|c| !(c.is_whitespace() || is_invisible(*c) || matches!(c, '(' | ')' | '[' | ']')))
        .take(100)
        .collect();
    let [a, b, c, d] = chars[..] else {
        // Counted after removing spaces and brackets, capped by the `take` above.
        return Err(bad(Last4Problem::WrongLength { chars: chars.len() }));
    };
    for (i, ch) in [a, b, c].into_iter().enumerate() {
        if !ch.is_ascii_digit() {
            return Err(bad(Last4Problem::NotDigit {
                position: i as u8 + 1,
            }));
        }
    }
    let last = match d {
        '0'..='9' => d,
        'x' | 'X' => 'X',
        'a' | 'A' => 'A',
        _ => return Err(bad(Last4Problem::BadCheckCharacter)),
    };
    Ok(Last4([a, b, c, last].iter().collect()))
}

/// An opaque string from the host or server (session, code, record, order, reason): kept
/// verbatim, but it must have a visible character, fit `max_chars` and hold no control
/// characters other than line breaks and tabs.
pub(crate) fn check_opaque(field: Field, value: &str, max_chars: usize) -> Result<(), FlowError> {
    let bad = |problem| FlowError::InvalidInput { field, problem };
    if value.trim().is_empty() {
        return Err(bad(InputProblem::Empty));
    }
    if value.chars().count() > max_chars {
        return Err(bad(InputProblem::TooLong { max_chars }));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(bad(InputProblem::BadCharacters));
    }
    Ok(())
}

/// The 图像采集码 as scanned. Its payload is encrypted and opaque, so only what no such code can be
/// is refused: a link to any host but the collector's (WeChat contacts, payment codes, web pages),
/// text with spaces or non-ASCII characters (a note, a name), or a payload too short to be a token.
pub fn check_code(code: &str) -> Result<(), FlowError> {
    check_opaque(Field::Code, code, MAX_CODE_CHARS)?;
    let not_a_code = |looks_like| Err(FlowError::NotACode { looks_like });
    if let Some((scheme, rest)) = code.split_once("://") {
        let host = rest.split(['/', '?', '#', ':']).next().unwrap_or("");
        let ours = CODE_LINK_HOSTS.iter().any(|h| {
            host.eq_ignore_ascii_case(h) || host.to_ascii_lowercase().ends_with(&format!(".{h}"))
        });
        if !(ours && scheme.eq_ignore_ascii_case("https")) {
            return not_a_code(CodeLook::Link);
        }
        return Ok(());
    }
    if code.chars().any(|c| !c.is_ascii_graphic()) {
        return not_a_code(CodeLook::Text);
    }
    if code.chars().count() < MIN_CODE_CHARS {
        return not_a_code(CodeLook::TooShort);
    }
    Ok(())
}

/// The code for display: its first 3 and last 4 characters, the rest hidden ("GP1…0001"), so the
/// graduate can tell it is theirs while a screenshot of the page does not give it away.
pub fn mask_code(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    if chars.len() <= 8 {
        return "•".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// A name-like value typed by the user: normalised, then non-empty and within `max_chars`.
pub(crate) fn check_name(field: Field, value: &str, max_chars: usize) -> Result<String, FlowError> {
    let bad = |problem| FlowError::InvalidInput { field, problem };
    let normal = normalise_school_name(value);
    if normal.is_empty() {
        return Err(bad(InputProblem::Empty));
    }
    if normal.chars().count() > max_chars {
        return Err(bad(InputProblem::TooLong { max_chars }));
    }
    Ok(normal)
}

/// A name-like value in a saved state: it must already be in normal form.
pub(crate) fn check_normal(field: Field, value: &str, max_chars: usize) -> Result<(), FlowError> {
    if check_name(field, value, max_chars)? != value {
        return Err(FlowError::InvalidInput {
            field,
            problem: InputProblem::BadCharacters,
        });
    }
    Ok(())
}

/// A reference to a photo held by the host (an id or a content hash such as `sha256:…`): ASCII
/// letters, digits, `.`, `_`, `:` and `-`, at most [`MAX_PHOTO_REF_CHARS`]. So image bytes, data
/// URLs and page-lifetime blob URLs cannot end up in the saved progress.
pub(crate) fn check_photo_ref(value: &str) -> Result<(), FlowError> {
    check_token(Field::Photo, value, MAX_PHOTO_REF_CHARS)?;
    if value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
    {
        Ok(())
    } else {
        Err(FlowError::InvalidInput {
            field: Field::Photo,
            problem: InputProblem::BadCharacters,
        })
    }
}

/// A rule id from the checks: lower-case ASCII letters, digits, `.`, `_` and `-`.
pub(crate) fn check_rule_id(value: &str) -> Result<(), FlowError> {
    check_token(Field::CheckRule, value, MAX_RULE_ID_CHARS)?;
    if value
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
    {
        Ok(())
    } else {
        Err(FlowError::InvalidInput {
            field: Field::CheckRule,
            problem: InputProblem::BadCharacters,
        })
    }
}

fn check_token(field: Field, value: &str, max_chars: usize) -> Result<(), FlowError> {
    let bad = |problem| FlowError::InvalidInput { field, problem };
    if value.is_empty() {
        return Err(bad(InputProblem::Empty));
    }
    if value.len() > max_chars {
        return Err(bad(InputProblem::TooLong { max_chars }));
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad(InputProblem::BadCharacters));
    }
    Ok(())
}

/// What the user typed into the last-4 box, as carried by an event. Serialises as a plain string;
/// `Debug` does not print it, so logging an event never logs ID characters.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(transparent)]
pub struct Last4Input(pub String);

impl fmt::Debug for Last4Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Last4Input(****)")
    }
}

impl From<&str> for Last4Input {
    fn from(s: &str) -> Self {
        Last4Input(s.to_string())
    }
}

impl From<String> for Last4Input {
    fn from(s: String) -> Self {
        Last4Input(s)
    }
}
