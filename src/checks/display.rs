//! How a rule's outcome reads to people: its title (`presets/rules.json`), the measured value with
//! a sensible precision and a unit people know ("74 %", "262 px", "1.3 档"), the allowed range as
//! "≤ 25 %" or "50–110 px", a summary of a report that says what to do ("2 项需要修改；1 项可能
//! 不合格，请对照提示检查"), and the confirmation asked before submitting. The id and the raw numbers stay in the report for the details view and the JSON.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::{AllowedRange, RuleResult, Status};

/// The readable side of a rule's outcome, in both languages.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Shown {
    pub title_zh: String,
    pub title_en: String,
    /// The measured value with its unit; `None` when nothing was measured.
    pub value_zh: Option<String>,
    pub value_en: Option<String>,
    /// The allowed range; `None` when the rule has none.
    pub allowed_zh: Option<String>,
    pub allowed_en: Option<String>,
    /// The value is in a unit only a specialist reads (L*, ΔE, a score): a graduate's view
    /// shows the hint and leaves the numbers to the details.
    pub technical: bool,
}

#[derive(Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
struct Title {
    zh: String,
    en: String,
}

fn titles() -> &'static BTreeMap<String, Title> {
    static TITLES: OnceLock<BTreeMap<String, Title>> = OnceLock::new();
    TITLES.get_or_init(|| {
        serde_json::from_str::<BTreeMap<String, serde_json::Value>>(include_str!(
            "../../presets/rules.json"
        ))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| Some((k, serde_json::from_value(v).ok()?)))
        .collect()
    })
}

/// The rule's title in Chinese and English, or the id itself when `presets/rules.json` has none.
pub fn title(id: &str) -> (String, String) {
    titles().get(id).map_or_else(
        || (id.to_string(), id.to_string()),
        |t| (t.zh.clone(), t.en.clone()),
    )
}

/// Whether `presets/rules.json` names the rule.
pub fn has_title(id: &str) -> bool {
    titles().contains_key(id)
}

/// Units a graduate reads without help (a share, pixels, degrees, stops, face widths, file
/// sizes, a count, a likelihood); every other unit is [`Shown::technical`].
fn plain_language(u: &str) -> bool {
    matches!(
        u,
        "share"
            | "1 - P(neutral)"
            | "px"
            | "°"
            | "EV"
            | "face widths"
            | "faces"
            | "KB"
            | "bytes"
            | "dpi"
    ) || is_flag(u)
}

/// How a unit is shown: a factor, the decimals, and the suffix in each language.
struct Unit {
    factor: f64,
    decimals: usize,
    zh: &'static str,
    en: &'static str,
}

fn unit(u: &str) -> Unit {
    let plain = |decimals| Unit {
        factor: 1.0,
        decimals,
        zh: "",
        en: "",
    };
    let suffix = |decimals, s: &'static str| Unit {
        factor: 1.0,
        decimals,
        zh: s,
        en: s,
    };
    match u {
        "share" => Unit {
            factor: 100.0,
            decimals: 0,
            zh: " %",
            en: " %",
        },
        // The expression classifier's 1 − P(neutral), as a likelihood in words.
        "1 - P(neutral)" => Unit {
            factor: 100.0,
            decimals: 0,
            zh: " % 可能不自然",
            en: " % likely not neutral",
        },
        "px" => suffix(0, " px"),
        "°" => suffix(0, "°"),
        "ΔE" => suffix(0, " ΔE"),
        "ΔL*" | "L*" => suffix(0, " L*"),
        "EV" => Unit {
            factor: 1.0,
            decimals: 1,
            zh: " 档",
            en: " stops",
        },
        "×" => suffix(1, "×"),
        "face widths" => Unit {
            factor: 1.0,
            decimals: 2,
            zh: " 倍脸宽",
            en: " face widths",
        },
        "faces" => Unit {
            factor: 1.0,
            decimals: 0,
            zh: " 张",
            en: "",
        },
        "KB" => suffix(1, " KB"),
        "bytes" => Unit {
            factor: 1.0,
            decimals: 0,
            zh: " 字节",
            en: " bytes",
        },
        "dpi" => suffix(0, " dpi"),
        "σ" => suffix(1, ""),
        "glasses score" => plain(0),
        _ => plain(2),
    }
}

/// Yes-or-no readings (EXIF facts): 1 is yes.
fn is_flag(u: &str) -> bool {
    matches!(u, "front lens" | "beauty app")
}

/// `v` in `u`, without the suffix; a share under 10 % keeps one decimal; no trailing zeros; "−"
/// for minus.
fn number(v: f64, u: &Unit) -> String {
    let x = v * u.factor;
    let decimals = if u.factor == 100.0 && x.abs() < 10.0 && x != 0.0 {
        1
    } else {
        u.decimals
    };
    let mut s = format!("{x:.decimals$}");
    // No trailing zeros ("2.0" reads as 2), and "-0" after rounding reads as 0.
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    if s == "-0" {
        s = "0".into();
    }
    s.replacen('-', "−", 1)
}

fn range(a: &AllowedRange, u: &Unit, zh: bool) -> String {
    let suffix = if zh { u.zh } else { u.en };
    match (a.min, a.max) {
        (Some(lo), Some(hi)) if lo == hi => format!("= {}{suffix}", number(lo, u)),
        (Some(lo), Some(hi)) if lo < 0.0 => {
            format!("{} … {}{suffix}", number(lo, u), number(hi, u))
        }
        (Some(lo), Some(hi)) => format!("{}–{}{suffix}", number(lo, u), number(hi, u)),
        (Some(lo), None) => format!("≥ {}{suffix}", number(lo, u)),
        (None, Some(hi)) => format!("≤ {}{suffix}", number(hi, u)),
        (None, None) => String::new(),
    }
}

/// The readable side of `r`: by its id (title) and unit (value and range).
pub fn shown(r: &RuleResult) -> Shown {
    let (title_zh, title_en) = titles()
        .get(r.id)
        .map_or((r.id.to_string(), r.id.to_string()), |t| {
            (t.zh.clone(), t.en.clone())
        });
    let u = unit(r.unit);
    let (value_zh, value_en) = match r.measured {
        Some(m) if is_flag(r.unit) => {
            let yes = m >= 0.5;
            (
                Some(if yes { "是" } else { "否" }.to_string()),
                Some(if yes { "yes" } else { "no" }.to_string()),
            )
        }
        Some(m) => (
            Some(format!("{}{}", number(m, &u), u.zh)),
            Some(format!("{}{}", number(m, &u), u.en)),
        ),
        None => (None, None),
    };
    let (allowed_zh, allowed_en) = match &r.allowed {
        Some(_) if is_flag(r.unit) => (Some("否".to_string()), Some("no".to_string())),
        Some(a) if a.min.is_some() || a.max.is_some() => {
            (Some(range(a, &u, true)), Some(range(a, &u, false)))
        }
        _ => (None, None),
    };
    Shown {
        title_zh,
        title_en,
        technical: value_zh.is_some() && !plain_language(r.unit),
        value_zh,
        value_en,
        allowed_zh,
        allowed_en,
    }
}

/// What no pixel can tell, asked of the graduate once before submitting instead of warned on
/// every photo: each rule that says so when it could not judge (美瞳; an album photo without EXIF
/// naming its camera or app), with what the graduate confirms, in both languages. Eye make-up is
/// never measured, so "no make-up" is always asked.
const CONFIRMED_BY_THE_GRADUATE: [(&str, &str, &str); 3] = [
    (
        "eyes.coloured_lenses",
        "未佩戴美瞳",
        "I wear no coloured contact lenses",
    ),
    (
        "capture.beautified",
        "未使用美颜或修图",
        "no beauty filter or retouching was used",
    ),
    (
        "capture.selfie",
        "由他人用后置摄像头拍摄",
        "someone else took it with the rear camera",
    ),
];

/// Whether `r` is a rule the graduate confirms before submitting (left unjudged, for want of
/// evidence no pixel holds): it is then neither a warning nor a rule to check by eye.
pub fn confirmed_by_the_graduate(r: &RuleResult) -> bool {
    r.status == Status::NotEvaluated && CONFIRMED_BY_THE_GRADUATE.iter().any(|(id, ..)| *id == r.id)
}

/// The confirmation the graduate ticks before submitting ("我确认：未化妆、未佩戴美瞳……"),
/// in both languages: make-up always, and each rule of [`CONFIRMED_BY_THE_GRADUATE`] the report
/// left unjudged.
pub fn confirmation(rules: &[RuleResult]) -> (String, String) {
    let mut zh = vec!["未化妆"];
    let mut en = vec!["I wear no make-up"];
    for (id, z, e) in CONFIRMED_BY_THE_GRADUATE {
        if rules
            .iter()
            .any(|r| r.id == id && confirmed_by_the_graduate(r))
        {
            zh.push(z);
            en.push(e);
        }
    }
    (
        format!("我确认：{}。", zh.join("、")),
        format!("I confirm: {}.", en.join("; ")),
    )
}

/// What a set of rules asks of the user, in both languages: how many to fix (`fail`), how many
/// may not meet the standard (`warn`: a likely violation, never "nothing to fix"), and how many
/// to check by eye (not judged, other than what the graduate confirms before submitting).
pub fn summary(rules: &[RuleResult]) -> (String, String) {
    let count = |f: &dyn Fn(&RuleResult) -> bool| rules.iter().filter(|r| f(r)).count();
    let fix = count(&|r| r.status == Status::Fail);
    let likely = count(&|r| r.status == Status::Warn);
    let look = count(&|r| r.status == Status::NotEvaluated && !confirmed_by_the_graduate(r));
    let mut zh = Vec::new();
    let mut en = Vec::new();
    if fix > 0 {
        zh.push(format!("{fix} 项需要修改"));
        en.push(format!("{fix} to fix"));
    }
    if likely > 0 {
        zh.push(format!("{likely} 项可能不合格，请对照提示检查"));
        en.push(format!(
            "{likely} may not meet the standard: check them against the hints"
        ));
    }
    if look > 0 {
        zh.push(format!("{look} 项无法自动判断，请自行确认"));
        en.push(format!("{look} could not be judged: check them yourself"));
    }
    if zh.is_empty() {
        return ("全部通过。".into(), "Everything passes.".into());
    }
    (
        format!("{}。", zh.join("；")),
        format!("{}.", en.join("; ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(
        id: &'static str,
        unit: &'static str,
        m: f64,
        min: Option<f64>,
        max: Option<f64>,
    ) -> RuleResult {
        RuleResult {
            id,
            status: Status::Pass,
            measured: Some(m),
            allowed: Some(AllowedRange { min, max }),
            unit,
            hint_zh: String::new(),
            hint_en: String::new(),
            region: None,
            shown: Shown::default(),
        }
    }

    #[test]
    fn values_and_ranges_read_as_people_write_them() {
        let s = shown(&rule("head.covering", "share", 0.748, None, Some(0.25)));
        assert_eq!(s.title_zh, "帽子或头饰");
        assert_eq!(s.value_zh.as_deref(), Some("75 %"));
        assert_eq!(s.allowed_en.as_deref(), Some("≤ 25 %"));
        let s = shown(&rule(
            "geometry.crown",
            "px",
            69.441,
            Some(50.0),
            Some(110.0),
        ));
        assert_eq!(
            (s.value_en.as_deref(), s.allowed_en.as_deref()),
            (Some("69 px"), Some("50–110 px"))
        );
        let s = shown(&rule("pose.pitch", "°", -6.4, Some(-8.0), Some(15.0)));
        assert_eq!(
            (s.value_en.as_deref(), s.allowed_en.as_deref()),
            (Some("−6°"), Some("−8 … 15°"))
        );
        let s = shown(&rule("lighting.even", "EV", 1.26, None, Some(2.0)));
        assert_eq!(
            (s.value_zh.as_deref(), s.value_en.as_deref()),
            (Some("1.3 档"), Some("1.3 stops"))
        );
        let s = shown(&rule("glasses.glare", "share", 0.0016, None, Some(0.01)));
        assert_eq!(
            (s.value_en.as_deref(), s.allowed_en.as_deref()),
            (Some("0.2 %"), Some("≤ 1 %"))
        );
        let s = shown(&rule("face.count", "faces", 1.0, Some(1.0), Some(1.0)));
        assert_eq!(
            (s.value_zh.as_deref(), s.allowed_zh.as_deref()),
            (Some("1 张"), Some("= 1 张"))
        );
        let s = shown(&rule("capture.selfie", "front lens", 1.0, None, Some(0.0)));
        assert_eq!(
            (s.value_zh.as_deref(), s.allowed_zh.as_deref()),
            (Some("是"), Some("否"))
        );
        let s = shown(&rule("pose.roll", "°", -0.2, Some(-8.0), Some(8.0)));
        assert_eq!(s.value_en.as_deref(), Some("0°"));
    }

    #[test]
    fn the_summary_says_what_to_do() {
        let mut rules = vec![
            rule("pose.yaw", "°", 30.0, Some(-5.0), Some(5.0)),
            rule("ears.visible", "share", 0.0, Some(0.08), None),
            rule("eyes.open", "ratio", 0.3, Some(0.15), None),
        ];
        assert_eq!(summary(&rules).0, "全部通过。");
        rules[1].status = Status::Warn;
        assert_eq!(
            summary(&rules).1,
            "1 may not meet the standard: check them against the hints."
        );
        assert!(!summary(&rules).0.contains("无需修改"));
        rules[0].status = Status::Fail;
        assert_eq!(
            summary(&rules).0,
            "1 项需要修改；1 项可能不合格，请对照提示检查。"
        );
        rules[2].status = Status::NotEvaluated;
        assert_eq!(
            summary(&rules).0,
            "1 项需要修改；1 项可能不合格，请对照提示检查；1 项无法自动判断，请自行确认。"
        );
    }

    #[test]
    fn what_no_pixel_tells_is_confirmed_not_warned() {
        let mut lenses = rule("eyes.coloured_lenses", "", 0.0, None, None);
        lenses.status = Status::NotEvaluated;
        let mut selfie = rule("capture.selfie", "", 0.0, None, Some(0.0));
        selfie.status = Status::NotEvaluated;
        let beauty = rule("capture.beautified", "", 0.0, None, Some(0.0));
        let rules = vec![lenses, selfie, beauty];
        assert_eq!(summary(&rules).0, "全部通过。");
        assert_eq!(
            confirmation(&rules).0,
            "我确认：未化妆、未佩戴美瞳、由他人用后置摄像头拍摄。"
        );
        assert_eq!(
            confirmation(&rules).1,
            "I confirm: I wear no make-up; I wear no coloured contact lenses; someone else took it with the rear camera."
        );
    }

    #[test]
    fn specialist_units_are_marked_technical_and_plain_ones_are_not() {
        let with = |unit: &'static str| rule("x.y", unit, 1.0, None, Some(2.0));
        for unit in ["L*", "ΔE", "ΔY", "σ", "ratio", "glasses score"] {
            assert!(shown(&with(unit)).technical, "{unit}");
        }
        for unit in [
            "px",
            "share",
            "°",
            "face widths",
            "KB",
            "1 - P(neutral)",
            "front lens",
        ] {
            assert!(!shown(&with(unit)).technical, "{unit}");
        }
        // Nothing measured: nothing to hide.
        let unmeasured = RuleResult {
            measured: None,
            ..with("ΔE")
        };
        assert!(!shown(&unmeasured).technical);
    }
}
