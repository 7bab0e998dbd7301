//! Photo specifications as data. Every threshold the pipeline uses comes from a [`Preset`]; the
//! built-in ones are the JSON files in `presets/`, embedded at compile time, each with a `sources`
//! map saying where its numbers come from. Callers may pass their own preset as JSON.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

const BUILTIN: &[&str] = &[
    include_str!("../presets/chsi-graduation.json"),
    include_str!("../presets/id-card.json"),
    include_str!("../presets/social-security.json"),
    include_str!("../presets/one-inch.json"),
    include_str!("../presets/two-inch.json"),
];

/// The id of the preset used when none is named.
pub const DEFAULT_PRESET: &str = "chsi-graduation";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Preset {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    /// Where each group of numbers comes from (free text, shown in docs and reports).
    #[serde(default)]
    pub sources: BTreeMap<String, String>,
    pub output: OutputSpec,
    pub geometry: GeometrySpec,
    pub background: BackgroundSpec,
    pub pose: PoseSpec,
    /// Free automatic pre-checks per order, where the collector has such a rule.
    #[serde(default)]
    pub free_prechecks: Option<u32>,
    /// Check thresholds overriding `presets/checks.json`, by rule id.
    #[serde(default)]
    pub checks: BTreeMap<String, Threshold>,
    /// Bounds of the global corrections standardisation may make.
    #[serde(default)]
    pub corrections: CorrectionSpec,
    /// How to take the photo, as the collector's guide asks (拍照要求): the page shows these
    /// before the first capture and on request.
    #[serde(default)]
    pub instructions: Vec<Instruction>,
    /// The collector's common rejection reasons (审核不通过原因), offered to the reviewer as ready
    /// sentences the graduate can act on.
    #[serde(default)]
    pub rejection_reasons: Vec<RejectionReason>,
}

/// One common rejection reason: a stable id, a short label for the reviewer's button, and the
/// sentence the graduate reads, in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct RejectionReason {
    pub id: String,
    pub label_zh: String,
    pub label_en: String,
    pub zh: String,
    pub en: String,
}

/// One item of the photo instructions: a stable id (the page draws its good and bad example by
/// it) and the text in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Instruction {
    pub id: String,
    pub zh: String,
    pub en: String,
}

/// The global corrections standardisation may make (nothing local: no retouching).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct CorrectionSpec {
    /// Largest exposure change, in stops.
    pub max_exposure_ev: f32,
    /// Median face-skin L* outside this band is moved towards it (as far as the stops allow).
    pub face_lightness: [f32; 2],
    /// Largest white-balance gain change per channel (0.06 = ±6 %).
    pub max_white_balance: f32,
    /// The old background counts as a neutral reference for white balance below this C*ab.
    pub neutral_chroma: f32,
}

impl Default for CorrectionSpec {
    fn default() -> CorrectionSpec {
        CorrectionSpec {
            max_exposure_ev: 0.5,
            face_lightness: [55.0, 80.0],
            max_white_balance: 0.06,
            neutral_chroma: 10.0,
        }
    }
}

/// A bound on what a check measures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    /// How far the measurement itself may be off. A value outside `min`..`max` by no more than
    /// this is a `warn` (perhaps out of range), beyond it a `fail`. For rules whose estimator
    /// cannot resolve the standard's own bound, so that they neither pass what they cannot see
    /// nor fail what they cannot be sure of.
    #[serde(default)]
    pub tolerance: Option<f64>,
    /// The measure is a screening heuristic (it finds likely cases, with misses and false
    /// alarms): out of range is a `warn`, never a `fail`.
    #[serde(default)]
    pub screening: bool,
    /// The confident band of a screening measure: a value beyond `fail_min` or `fail_max` is one
    /// no clearly acceptable photo of the tuning part reaches (scripts/eval), so it is a `fail`
    /// with its fix, not a warning; between the allowed range and these it warns.
    #[serde(default)]
    pub fail_min: Option<f64>,
    #[serde(default)]
    pub fail_max: Option<f64>,
    /// Where the number comes from.
    #[serde(default)]
    pub note: String,
}

/// The default thresholds merged with the preset's overrides.
pub fn thresholds(preset: &Preset) -> BTreeMap<String, Threshold> {
    let mut out: BTreeMap<String, Threshold> = serde_json::from_str::<
        BTreeMap<String, serde_json::Value>,
    >(include_str!("../presets/checks.json"))
    .unwrap_or_default()
    .into_iter()
    .filter_map(|(k, v)| Some((k, serde_json::from_value(v).ok()?)))
    .collect();
    out.extend(preset.checks.iter().map(|(k, v)| (k.clone(), v.clone())));
    out
}

/// The file the collector accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    pub width: u32,
    pub height: u32,
    /// Written into the JFIF density fields.
    pub dpi: u16,
    /// Lowest acceptable JPEG quality factor (1–100).
    pub min_quality: u8,
    /// File-size window in KB; which KB is `size_unit`'s.
    pub min_kb: Option<u32>,
    pub max_kb: Option<u32>,
    /// How `min_kb` / `max_kb` are read. Collectors' notices say "20–40 KB" without saying which
    /// KB, and their upload pages differ, so CHSI's file must satisfy both readings.
    #[serde(default)]
    pub size_unit: SizeUnit,
    /// Only baseline JPEG is accepted (some collectors' systems refuse progressive files); the
    /// standardised photo is always baseline.
    #[serde(default)]
    pub baseline: bool,
}

/// Which kilobyte a preset's file-size window is in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum SizeUnit {
    /// 1024 bytes, the unit Windows' file properties show.
    #[default]
    Kib,
    /// 1000 bytes, the unit macOS, phones and SI show.
    Kb,
    /// Inside both readings: at least `min_kb` × 1024 and at most `max_kb` × 1000 bytes.
    Both,
}

/// Head geometry on the output canvas, in output pixels from the top edge. `None` where the
/// standard says nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct GeometrySpec {
    pub crown_px: Option<[f32; 2]>,
    pub eye_line_px: Option<[f32; 2]>,
    pub face_width_px: Option<[f32; 2]>,
    /// Whether standardisation may rotate the photo to level the eyes (CHSI: no).
    pub allow_rotation: bool,
    /// Whether area beyond the photo's bottom edge may be filled (below the shoulders).
    pub allow_fill_below_shoulders: bool,
    /// Whether headroom above the crown may be filled with the background colour when the photo
    /// ends above the head. The background is replaced anyway, so photographed and filled headroom
    /// look the same; a crown cut off by the photo's edge is never filled.
    #[serde(default)]
    pub allow_fill_above_head: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct BackgroundSpec {
    /// `#RRGGBB`.
    pub color: String,
    #[serde(default)]
    pub alternatives: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct PoseSpec {
    pub max_yaw_deg: f32,
    pub max_pitch_deg: f32,
    pub max_roll_deg: f32,
}

impl OutputSpec {
    /// The byte window from `min_kb` / `max_kb`, read as `size_unit` says.
    pub fn byte_range(&self) -> (u64, u64) {
        let (per_min, per_max) = match self.size_unit {
            SizeUnit::Kib => (1024, 1024),
            SizeUnit::Kb => (1000, 1000),
            SizeUnit::Both => (1024, 1000),
        };
        let min = self.min_kb.map_or(0, |kb| u64::from(kb) * per_min);
        let max = self.max_kb.map_or(u64::MAX, |kb| u64::from(kb) * per_max);
        (min, max)
    }
}

impl BackgroundSpec {
    pub fn rgb(&self) -> Result<[u8; 3]> {
        parse_hex_color(&self.color)
    }
}

/// `#RRGGBB` → `[r, g, b]`.
pub fn parse_hex_color(s: &str) -> Result<[u8; 3]> {
    let hex = s.strip_prefix('#').unwrap_or(s);
    let bad = || Error::InvalidPreset {
        detail: format!("colour '{s}' is not #RRGGBB"),
    };
    // Hex digits only: `from_str_radix` alone would also take a sign ("#+1+2+3" → [1, 2, 3]),
    // and the byte slicing below needs ASCII.
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
    Ok([byte(0)?, byte(2)?, byte(4)?])
}

impl Preset {
    /// A built-in preset by id.
    pub fn builtin(id: &str) -> Result<Preset> {
        Preset::all_builtin()
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| Error::UnknownPreset {
                id: id.chars().take(64).collect(),
            })
    }

    /// Every built-in preset, in a stable order.
    pub fn all_builtin() -> Vec<Preset> {
        // The embedded files are validated by a unit test, so a failure here is a build defect;
        // skip rather than panic in a user's browser.
        BUILTIN
            .iter()
            .filter_map(|json| Preset::from_json(json).ok())
            .collect()
    }

    /// Parse and validate a custom preset.
    pub fn from_json(json: &str) -> Result<Preset> {
        let preset: Preset = serde_json::from_str(json).map_err(|e| Error::InvalidPreset {
            detail: e.to_string(),
        })?;
        preset.validate()?;
        Ok(preset)
    }

    /// Reject numbers the pipeline could not honour, with the field named.
    pub fn validate(&self) -> Result<()> {
        let fail = |detail: String| Err(Error::InvalidPreset { detail });
        let o = &self.output;
        if self.id.trim().is_empty() {
            return fail("id is empty".into());
        }
        if !(16..=4096).contains(&o.width) || !(16..=4096).contains(&o.height) {
            return fail(format!(
                "output size {}×{} outside 16–4096 px",
                o.width, o.height
            ));
        }
        if o.dpi == 0 {
            return fail("output.dpi is 0".into());
        }
        if !(1..=100).contains(&o.min_quality) {
            return fail(format!(
                "output.min_quality {} outside 1–100",
                o.min_quality
            ));
        }
        if let (Some(min), Some(max)) = (o.min_kb, o.max_kb) {
            // In bytes, as `size_unit` reads them ("both" reads 20 KiB against 40 000 bytes).
            let (low, high) = o.byte_range();
            if low >= high {
                return fail(format!(
                    "output.min_kb {min} is not below max_kb {max} ({low}–{high} bytes)"
                ));
            }
        }
        let g = &self.geometry;
        let ranges = [
            ("geometry.crown_px", g.crown_px, o.height),
            ("geometry.eye_line_px", g.eye_line_px, o.height),
            ("geometry.face_width_px", g.face_width_px, o.width),
        ];
        for (name, range, limit) in ranges {
            if let Some([lo, hi]) = range {
                if !(lo.is_finite()
                    && hi.is_finite()
                    && 0.0 <= lo
                    && lo <= hi
                    && hi <= limit as f32)
                {
                    return fail(format!(
                        "{name} [{lo}, {hi}] is not an increasing range in 0–{limit}"
                    ));
                }
            }
        }
        self.background.rgb()?;
        for alt in &self.background.alternatives {
            parse_hex_color(alt)?;
        }
        let p = &self.pose;
        for (name, v) in [
            ("yaw", p.max_yaw_deg),
            ("pitch", p.max_pitch_deg),
            ("roll", p.max_roll_deg),
        ] {
            if !(v.is_finite() && (0.0..=90.0).contains(&v)) {
                return fail(format!("pose.max_{name}_deg {v} outside 0–90"));
            }
        }
        for (id, t) in &self.checks {
            if t.tolerance.is_some_and(|v| !(v.is_finite() && v >= 0.0)) {
                return fail(format!("checks.{id}.tolerance is not a finite number ≥ 0"));
            }
        }
        let c = &self.corrections;
        let [lo, hi] = c.face_lightness;
        let sane = (0.0..=2.0).contains(&c.max_exposure_ev)
            && (0.0..=0.5).contains(&c.max_white_balance)
            && (0.0..=100.0).contains(&c.neutral_chroma)
            && lo.is_finite()
            && hi.is_finite()
            && 0.0 <= lo
            && lo <= hi
            && hi <= 100.0;
        if !sane {
            return fail(
                "corrections: max_exposure_ev 0–2, max_white_balance 0–0.5, neutral_chroma 0–100, face_lightness an increasing range in 0–100".into(),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_preset_parses_and_validates() {
        for json in BUILTIN {
            let preset = Preset::from_json(json).unwrap();
            assert!(!preset.sources.is_empty(), "{} has no sources", preset.id);
        }
        assert_eq!(Preset::all_builtin().len(), BUILTIN.len());
    }

    #[test]
    fn default_thresholds_parse() {
        let t = thresholds(&Preset::builtin(DEFAULT_PRESET).unwrap());
        assert!(t.len() >= 20, "{}", t.len());
        assert!(t.values().all(|v| v.min.is_some() || v.max.is_some()));
    }

    #[test]
    fn chsi_numbers_match_the_brief() {
        let p = Preset::builtin(DEFAULT_PRESET).unwrap();
        assert_eq!(
            (p.output.width, p.output.height, p.output.dpi),
            (480, 640, 300)
        );
        assert_eq!(p.output.min_quality, 60);
        // "20–40 KB" in either reading: at least 20 KiB, at most 40 000 bytes.
        assert_eq!(p.output.byte_range(), (20_480, 40_000));
        assert_eq!(p.geometry.crown_px, Some([50.0, 110.0]));
        assert_eq!(p.geometry.eye_line_px, Some([200.0, 300.0]));
        assert_eq!(p.geometry.face_width_px, Some([180.0, 300.0]));
        assert_eq!(p.background.rgb().unwrap(), [100, 197, 255]);
        // The guide's photo instructions, each in both languages, ids unique.
        let ids: std::collections::BTreeSet<&str> =
            p.instructions.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids.len(), p.instructions.len());
        for want in [
            "light",
            "wall",
            "helper",
            "framing",
            "face",
            "mouth",
            "accessories",
            "clothes",
            "natural",
        ] {
            assert!(ids.contains(want), "no instruction {want}");
        }
        assert!(p
            .instructions
            .iter()
            .all(|i| !i.zh.is_empty() && !i.en.is_empty()));
        // The common rejection reasons: unique ids, both languages, each short enough to send.
        let ids: std::collections::BTreeSet<&str> =
            p.rejection_reasons.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.len(), p.rejection_reasons.len());
        assert!(ids.len() >= 10 && ids.contains("eye_line") && ids.contains("rephoto"));
        assert!(p
            .rejection_reasons
            .iter()
            .all(|r| !r.en.is_empty() && (1..=60).contains(&r.zh.chars().count())));
    }

    #[test]
    fn invalid_presets_are_typed_errors() {
        let base = include_str!("../presets/chsi-graduation.json");
        let cases = [
            base.replace("\"width\": 480", "\"width\": 0"),
            base.replace("\"min_kb\": 20", "\"min_kb\": 50"),
            base.replace("#64C5FF", "#64C5FZ"),
            base.replace("[200, 300]", "[300, 200]"),
            base.replace("\"min_quality\": 60", "\"min_quality\": 0"),
            "{".to_string(),
            base.replace("\"free_prechecks\"", "\"unexpected\""),
        ];
        for json in cases {
            match Preset::from_json(&json) {
                Err(Error::InvalidPreset { .. }) => {}
                other => panic!("expected InvalidPreset, got {other:?}"),
            }
        }
        assert!(matches!(
            Preset::builtin("nope"),
            Err(Error::UnknownPreset { .. })
        ));
    }
}
