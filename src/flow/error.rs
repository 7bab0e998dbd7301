//! What can go wrong in the collection flow, as one typed [`FlowError`].
//!
//! Like [`crate::Error`], every variant has a stable `code()` for the JS shell and tests, and a
//! Chinese and an English message that say what to do next. No message ever repeats what the user
//! typed: the last-4 digits, names and tokens stay out of errors, logs and bug reports.

use std::fmt;

use serde::Serialize;

use super::event::EventKind;
use super::state::Stage;
use crate::checks::display::title;
use crate::error::ErrorInfo;

/// Everything the flow refuses. After any of these the flow's state is exactly what it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FlowError {
    /// The event exists but not at this step (e.g. submitting before standardising).
    #[error("'{event}' is not possible at step '{stage}'")]
    WrongOrder { event: EventKind, stage: Stage },
    /// The photo is approved (or published): nothing may change any more.
    #[error("the photo is approved and locked, '{event}' is refused")]
    Locked { event: EventKind },
    /// A photo step before the one payment.
    #[error("'{event}' needs the collection service to be paid first")]
    NotPaid { event: EventKind },
    /// The code or the last 4 while the server found no record for the school and category.
    #[error("no student record has this school name and category, '{event}' waits for a matching school")]
    SchoolUnmatched { event: EventKind },
    /// The last 4 characters of the ID number failed the local check.
    #[error("the last 4 ID characters are not valid: {problem}")]
    InvalidLast4 { problem: Last4Problem },
    /// Some other typed-in or host-supplied value is empty, too long or malformed.
    #[error("the {field} is not valid: {problem}")]
    InvalidInput { field: Field, problem: InputProblem },
    /// What was scanned is not a 图像采集码 (another QR code: a link, text, a stray short code).
    #[error("the scanned QR code is not a collection code ({looks_like})")]
    NotACode { looks_like: CodeLook },
    /// Every free automatic pre-check of this order is used.
    #[error("all {limit} free automatic pre-checks of this order are used")]
    PrecheckLimit { limit: u32 },
    /// Standardising straight after capture while free pre-checks remain.
    #[error("run the automatic pre-check before standardising")]
    PrecheckRequired,
    /// The standardised file failed its own check (a crop or background the pipeline could not
    /// get right): it is not offered for submission. Rule ids only, never image content.
    #[error("the standardised photo failed its own check ({})", failing.join(", "))]
    StandardisedFailed { failing: Vec<String> },
    /// Saved progress that is damaged, inconsistent or tampered with.
    #[error("the saved progress is not valid: {detail}")]
    StateInvalid { detail: String },
    /// Saved progress from a schema this build does not know.
    #[error("the saved progress has schema version {}, this version reads {supported}", found.map_or("none".to_string(), |v| v.to_string()))]
    SchemaUnsupported { found: Option<u64>, supported: u32 },
    /// An event object the host built that is not one of [`super::Event`]'s shapes.
    #[error("the event is not valid: {detail}")]
    EventInvalid { detail: String },
}

/// Why a last-4 entry was refused. Positions and counts only, never the characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Last4Problem {
    /// Not exactly 4 characters once spaces and brackets are removed.
    WrongLength { chars: usize },
    /// One of the first three is not a digit (1-based position).
    NotDigit { position: u8 },
    /// The fourth is neither a digit nor a check letter (X, or A for Hong Kong).
    BadCheckCharacter,
}

/// What a QR code that is not a 图像采集码 looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum CodeLook {
    /// A link to a host other than the collector's (a web page, a WeChat contact, a payment).
    Link,
    /// Text with spaces or non-ASCII characters.
    Text,
    /// Too short to be an encrypted token.
    TooShort,
}

impl fmt::Display for CodeLook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CodeLook::Link => "a link",
            CodeLook::Text => "text",
            CodeLook::TooShort => "too short",
        })
    }
}

/// Which value an [`FlowError::InvalidInput`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Session,
    SchoolName,
    Category,
    Suggestion,
    Code,
    Record,
    Order,
    Photo,
    CheckRule,
    Reason,
}

/// What is wrong with an [`FlowError::InvalidInput`] value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InputProblem {
    Empty,
    TooLong { max_chars: usize },
    TooMany { max: usize },
    BadCharacters,
    Inconsistent,
}

impl FlowError {
    /// Stable identifier, e.g. `flow.wrong_order`. The JS shell and tests match on this.
    pub fn code(&self) -> &'static str {
        match self {
            FlowError::WrongOrder { .. } => "flow.wrong_order",
            FlowError::Locked { .. } => "flow.locked",
            FlowError::NotPaid { .. } => "flow.not_paid",
            FlowError::SchoolUnmatched { .. } => "flow.school_unmatched",
            FlowError::InvalidLast4 { .. } => "flow.invalid_last4",
            FlowError::InvalidInput { .. } => "flow.invalid_input",
            FlowError::NotACode { .. } => "flow.not_a_code",
            FlowError::PrecheckLimit { .. } => "flow.precheck_limit",
            FlowError::PrecheckRequired => "flow.precheck_required",
            FlowError::StandardisedFailed { .. } => "flow.standardised_failed",
            FlowError::StateInvalid { .. } => "flow.state_invalid",
            FlowError::SchemaUnsupported { .. } => "flow.schema_unsupported",
            FlowError::EventInvalid { .. } => "flow.event_invalid",
        }
    }

    /// English message with a hint on what to do.
    pub fn message_en(&self) -> String {
        if let FlowError::StandardisedFailed { failing } = self {
            let titles: Vec<String> = failing.iter().map(|id| title(id).1).collect();
            return format!(
                "The standardised photo failed its own check ({}), so it cannot be submitted. Take or pick the photo again: centred, with room above the head, in front of a plain wall.",
                titles.join(", ")
            );
        }
        let hint = match self {
            FlowError::WrongOrder { .. } => {
                "Follow the steps in order; the page only offers the steps possible now."
            }
            FlowError::Locked { .. } => {
                "Nothing can be changed after approval. If something is wrong, contact your school's graduation office."
            }
            FlowError::NotPaid { .. } => {
                "Pay for the collection service first; one payment covers any number of shots."
            }
            FlowError::SchoolUnmatched { .. } => {
                "Check the school's full name and the education category, or pick one of the suggested names."
            }
            FlowError::InvalidLast4 { .. } => {
                "Enter the last 4 characters of your ID number: 3 digits and a digit or X. Hong Kong and Macau IDs: the last 4 characters without the brackets, e.g. A123456(7) → 4567."
            }
            FlowError::InvalidInput { .. } => "Check what was entered and try again.",
            FlowError::NotACode { .. } => {
                "Open the collection code (图像采集码) in the CHSI app and scan it, or pick a screenshot of that page."
            }
            FlowError::PrecheckLimit { .. } => {
                "You can still take, standardise and submit photos; compare them with the photo rules yourself."
            }
            FlowError::PrecheckRequired => {
                "Use the free automatic pre-check on this photo first; it finds most reasons for rejection."
            }
            FlowError::StandardisedFailed { .. } => "", // said above, with the titles
            FlowError::StateInvalid { .. } | FlowError::SchemaUnsupported { .. } => {
                "Start the collection again; payment and review status are kept by the server."
            }
            FlowError::EventInvalid { .. } => "This is a bug in the page that called gradphoto.",
        };
        format!("{self}. {hint}")
    }

    /// Chinese message with a hint on what to do.
    pub fn message_zh(&self) -> String {
        match self {
            FlowError::WrongOrder { event, stage } => format!(
                "当前步骤（{}）不能进行“{}”。请按顺序完成各步骤，页面只提供当前可用的操作。",
                stage.label_zh(),
                event.label_zh()
            ),
            FlowError::Locked { .. } => {
                "照片已审核通过并锁定，不能再做任何修改。如有问题，请联系学校毕业管理部门。".into()
            }
            FlowError::NotPaid { .. } => {
                "请先支付采集服务费；一次支付可拍摄任意多次。".into()
            }
            FlowError::SchoolUnmatched { .. } => {
                "没有找到与该学校名称和学历类别对应的学籍：请核对学校全称和学历类别，或从“您是否要找”中选择。".into()
            }
            FlowError::InvalidLast4 { problem } => {
                let what = match problem {
                    Last4Problem::WrongLength { chars } => {
                        format!("需要 4 个字符，实际为 {chars} 个")
                    }
                    Last4Problem::NotDigit { position } => format!("第 {position} 位应为数字"),
                    Last4Problem::BadCheckCharacter => "最后一位应为数字或 X".into(),
                };
                format!(
                    "证件号后四位无效（{what}）。请输入身份证号码最后 4 位（3 位数字加 1 位数字或 X）；港澳证件输入去掉括号后的最后 4 位，例如 A123456(7) 输入 4567。"
                )
            }
            FlowError::InvalidInput { field, problem } => {
                let what = match problem {
                    InputProblem::Empty => "不能为空".to_string(),
                    InputProblem::TooLong { max_chars } => format!("超过 {max_chars} 个字符"),
                    InputProblem::TooMany { max } => format!("超过 {max} 项"),
                    InputProblem::BadCharacters => "含有不允许的字符".to_string(),
                    InputProblem::Inconsistent => "与当前进度不一致".to_string(),
                };
                format!("{}{what}。请检查后重试。", field.label_zh())
            }
            FlowError::NotACode { looks_like } => {
                let what = match looks_like {
                    CodeLook::Link => "一个网址或其他应用的二维码",
                    CodeLook::Text => "一段文字",
                    CodeLook::TooShort => "一个过短的编码",
                };
                format!("扫到的是{what}，不是学信网的图像采集码。请在学信网 App 中打开“图像采集码”页面扫码，或选择该页面的截图。")
            }
            FlowError::PrecheckLimit { limit } => format!(
                "本订单的 {limit} 次免费自动预检已用完。仍可拍摄、标准化并提交照片，请对照拍摄要求自行检查。"
            ),
            FlowError::PrecheckRequired => {
                "请先对这张照片进行免费自动预检，再进行标准化；预检能发现大多数不合格原因。".into()
            }
            FlowError::StandardisedFailed { failing } => {
                let titles: Vec<String> = failing.iter().map(|id| title(id).0).collect();
                format!(
                    "这张照片生成的标准照未通过自检（{}），不能提交。请重新拍摄或选择照片：人居中、头顶留出空间、背景为纯色墙面。",
                    titles.join("、")
                )
            }
            FlowError::StateInvalid { .. } => {
                "保存的采集进度已损坏或不一致，无法继续使用。请重新开始采集；支付和审核状态以服务器为准。"
                    .into()
            }
            FlowError::SchemaUnsupported { .. } => {
                "保存的采集进度来自不兼容的版本。请重新开始采集；支付和审核状态以服务器为准。".into()
            }
            FlowError::EventInvalid { .. } => "调用页面传入的事件格式错误（页面程序的错误）。".into(),
        }
    }

    /// The plain-data form sent to JS: `{ code, message_zh, message_en }`.
    pub fn info(&self) -> ErrorInfo {
        ErrorInfo {
            code: self.code(),
            message_zh: self.message_zh(),
            message_en: self.message_en(),
        }
    }
}

impl fmt::Display for Last4Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Last4Problem::WrongLength { chars } => write!(f, "{chars} characters instead of 4"),
            Last4Problem::NotDigit { position } => write!(f, "character {position} is not a digit"),
            Last4Problem::BadCheckCharacter => {
                f.write_str("the last character is not a digit or X")
            }
        }
    }
}

impl Field {
    /// The English name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Field::Session => "session",
            Field::SchoolName => "school name",
            Field::Category => "education category",
            Field::Suggestion => "school name suggestion",
            Field::Code => "collection code",
            Field::Record => "student record",
            Field::Order => "payment order",
            Field::Photo => "photo reference",
            Field::CheckRule => "check rule id",
            Field::Reason => "rejection reason",
        }
    }

    fn label_zh(self) -> &'static str {
        match self {
            Field::Session => "登录凭据",
            Field::SchoolName => "学校名称",
            Field::Category => "学历类别",
            Field::Suggestion => "学校名称候选",
            Field::Code => "图像采集码",
            Field::Record => "学籍信息",
            Field::Order => "支付订单",
            Field::Photo => "照片标识",
            Field::CheckRule => "预检规则",
            Field::Reason => "审核意见",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputProblem::Empty => f.write_str("it is empty"),
            InputProblem::TooLong { max_chars } => {
                write!(f, "it is longer than {max_chars} characters")
            }
            InputProblem::TooMany { max } => write!(f, "there are more than {max}"),
            InputProblem::BadCharacters => {
                f.write_str("it contains characters that are not allowed")
            }
            InputProblem::Inconsistent => f.write_str("it does not match the rest of the progress"),
        }
    }
}

/// A serde_json error as a detail that names where and what kind of problem, never the offending
/// value (a saved state or event may hold a session token or the student record).
pub(crate) fn json_detail(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io => "read error".to_string(),
        Category::Syntax => "not JSON".to_string(),
        Category::Eof => "JSON cut off".to_string(),
        Category::Data => {
            // Field names come from the schema or the JSON's keys, not its values: safe to show.
            let msg = e.to_string();
            if msg.starts_with("missing field") || msg.starts_with("unknown field") {
                msg.split(", expected")
                    .next()
                    .unwrap_or("")
                    .split(" at line")
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(80)
                    .collect()
            } else {
                "a value has the wrong type or is not one of the allowed values".to_string()
            }
        }
    };
    format!("{what} (line {}, column {})", e.line(), e.column())
}
