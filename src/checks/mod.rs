//! Compliance checks: every rule of the collection standard, judged on the device, each with what
//! it measured, the allowed range (from the preset's thresholds), and a fix-it hint in Chinese and
//! English. A rule that cannot be judged says `not_evaluated` and why, never `pass`.
//!
//! Rule groups, one module each:
//! - `framing`: face.count, input.resolution, framing.margins, geometry.*
//! - `face`: pose.* (pose.shoulders in `shoulders`), eyes.open, mouth.closed, expression.neutral
//! - `lighting`: lighting.*, color.cast
//! - `quality`: image.sharpness, image.noise, image.compression
//! - `scene`: background.*, clothing.*
//! - `attire`: glasses.* (`glasses`), head.covering (`head_covering`), accessories.jewellery
//!   (`jewellery`), ears.visible (`ears`), forehead.visible (`forehead`), clothing.neckline
//!   (`neckline`), clothing.collar (`collar`), face.makeup (`makeup`), eyes.coloured_lenses (`lenses`); `face_frame` holds
//!   the face's axes and the cheeks' skin colour they share
//! - `blobs`: connected sets of pixels, for the jewellery and watermark rules
//! - `capture`: capture.selfie, capture.beautified, capture.rephoto, capture.watermark
//!   (`watermark`)

mod attire;
mod blobs;
mod capture;
mod collar;
pub mod display;
mod ears;
mod face;
mod face_frame;
mod forehead;
mod framing;
mod glasses;
mod head_covering;
mod jewellery;
mod lenses;
mod lighting;
mod makeup;
mod neckline;
mod quality;
mod scene;
mod shoulders;
mod watermark;

use std::collections::BTreeMap;

use image::RgbImage;
use serde::Serialize;

use crate::analysis::regions::{self, Region, RegionMap};
use crate::analysis::{Analysis, BoxF, Face};
use crate::error::Result;
use crate::input::Photo;
use crate::preset::{thresholds, Preset, Threshold};
use crate::resample::average_within;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    NotEvaluated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    Warn,
}

/// The allowed range of a measurement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct AllowedRange {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// One rule's outcome (the public report contract: keep ids and fields stable).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct RuleResult {
    pub id: &'static str,
    pub status: Status,
    pub measured: Option<f64>,
    pub allowed: Option<AllowedRange>,
    pub unit: &'static str,
    pub hint_zh: String,
    pub hint_en: String,
    /// Where the problem is, in source pixels, for the overlay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<BoxF>,
    /// Title, value and range as people read them (filled once the rule's id is final).
    #[serde(flatten)]
    pub shown: display::Shown,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Report {
    pub preset: String,
    pub faces: usize,
    pub verdict: Verdict,
    /// What to do, in a sentence ("2 项需要修改；1 项可能不合格，请对照提示检查。").
    pub summary_zh: String,
    pub summary_en: String,
    /// What the graduate confirms before submitting, for what no pixel can tell ("我确认：未化妆、
    /// 未佩戴美瞳。"): those rules stay `not_evaluated` in `rules` but count in neither the summary
    /// nor the verdict.
    pub confirm_zh: String,
    pub confirm_en: String,
    pub rules: Vec<RuleResult>,
}

impl Report {
    pub fn rule(&self, id: &str) -> Option<&RuleResult> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// Hints for a rule: what to say when it passes, when the value is too low, and too high.
pub(crate) struct Hints {
    pub ok: (&'static str, &'static str),
    pub low: (&'static str, &'static str),
    pub high: (&'static str, &'static str),
}

/// What every rule may read.
pub(crate) struct Context<'a> {
    pub photo: &'a Photo,
    pub analysis: &'a Analysis,
    pub thresholds: BTreeMap<String, Threshold>,
    pub preset: &'a Preset,
    /// The face, when there is exactly one.
    pub face: Option<&'a Face>,
    /// A copy of the photo at most `STATS_SIDE` on its long side, for colour statistics.
    pub small: RgbImage,
    /// Source pixels per `small` pixel.
    pub k: f32,
    /// Region labels on `small`'s grid (with one face and a mask).
    pub regions: Option<RegionMap>,
}

const STATS_SIDE: u32 = 512;

impl Context<'_> {
    /// Judge `measured` against the rule's threshold ([`judge_threshold`]).
    pub fn judge(
        &self,
        id: &'static str,
        measured: f64,
        unit: &'static str,
        hints: &Hints,
        region: Option<BoxF>,
    ) -> RuleResult {
        judge_threshold(&self.thresholds, id, measured, unit, hints, region)
    }

    /// Pixels of `small` labelled `region`.
    pub fn pixels_in(&self, region: Region) -> Vec<[u8; 3]> {
        let Some(map) = &self.regions else {
            return Vec::new();
        };
        map.labels
            .iter()
            .zip(self.small.pixels())
            .filter(|(l, _)| **l == region)
            .map(|(_, p)| p.0)
            .collect()
    }
}

/// Judge `measured` against rule `id`'s threshold in `thresholds`: out of its range a `fail`,
/// except a screening measure outside its confident band and a value within the estimator's
/// tolerance, which warn (`not_evaluated` where the preset has no threshold for it).
pub(crate) fn judge_threshold(
    thresholds: &BTreeMap<String, Threshold>,
    id: &'static str,
    measured: f64,
    unit: &'static str,
    hints: &Hints,
    region: Option<BoxF>,
) -> RuleResult {
    let Some(t) = thresholds.get(id) else {
        return no_threshold(id, unit);
    };
    let mut result = judge_range(
        id,
        measured,
        unit,
        AllowedRange {
            min: t.min,
            max: t.max,
        },
        hints,
        region,
    );
    if t.screening {
        // A screening measure points at something to look at; it rejects only in its
        // confident band, where no acceptable photo it was tuned on reads.
        let confident =
            t.fail_min.is_some_and(|m| measured < m) || t.fail_max.is_some_and(|m| measured > m);
        if result.status == Status::Fail && !confident {
            result.status = Status::Warn;
        } else if result.status == Status::Fail {
            result
                .hint_zh
                .push_str("（读数远超合格照片的范围：请按此修改后重拍。）");
            result.hint_en.push_str(
                " (The reading is far beyond what acceptable photos read: change this and retake.)",
            );
        }
    } else if let Some(tol) = t.tolerance {
        let near =
            t.min.is_none_or(|m| measured >= m - tol) && t.max.is_none_or(|m| measured <= m + tol);
        if result.status == Status::Fail && near {
            // Within the estimator's own error: say so, so a user already doing it right is
            // not sent chasing a bias.
            result.status = Status::Warn;
            result
                .hint_zh
                .push_str("（在测量误差范围内：如已做到，可忽略此提示。）");
            result
                .hint_en
                .push_str(" (Within the measurement's error: if you already do, ignore this.)");
        }
    }
    result
}

/// The upper middle of `values` (the one at `len / 2` once sorted), selected without sorting them
/// all; `None` when there are none.
pub(crate) fn median(values: &mut [f32]) -> Option<f32> {
    let middle = values.len() / 2;
    (!values.is_empty()).then(|| *values.select_nth_unstable_by(middle, f32::total_cmp).1)
}

/// Of two readings of one rule (parts measured apart, each against its own limit), the one the
/// rule reports: a failure over a warning over `not_evaluated` over a pass (a pass must cover
/// every part); of two alike, the one nearer its limit.
pub(crate) fn worse(a: RuleResult, b: RuleResult) -> RuleResult {
    let rank = |r: &RuleResult| match r.status {
        Status::Fail => 3,
        Status::Warn => 2,
        Status::NotEvaluated => 1,
        Status::Pass => 0,
    };
    // How far towards (or past) its limit a reading is: 1 at the limit.
    let nearness = |r: &RuleResult| {
        let (Some(m), Some(allowed)) = (r.measured, r.allowed) else {
            return 0.0;
        };
        let high = allowed
            .max
            .filter(|&max| max > 0.0)
            .map_or(0.0, |max| m / max);
        let low = allowed.min.filter(|_| m > 0.0).map_or(0.0, |min| min / m);
        f64::max(high, low)
    };
    match rank(&a).cmp(&rank(&b)) {
        std::cmp::Ordering::Greater => a,
        std::cmp::Ordering::Less => b,
        std::cmp::Ordering::Equal if nearness(&b) > nearness(&a) => b,
        std::cmp::Ordering::Equal => a,
    }
}

/// Fill each rule's readable side ([`display::shown`]), once its id is final.
pub(crate) fn show(rules: &mut [RuleResult]) {
    for r in rules {
        r.shown = display::shown(r);
    }
}

/// Judge `measured` against an explicit range.
pub(crate) fn judge_range(
    id: &'static str,
    measured: f64,
    unit: &'static str,
    allowed: AllowedRange,
    hints: &Hints,
    region: Option<BoxF>,
) -> RuleResult {
    let low = allowed.min.is_some_and(|m| measured < m);
    let high = allowed.max.is_some_and(|m| measured > m);
    let (status, (zh, en)) = match (low, high) {
        (true, _) => (Status::Fail, hints.low),
        (_, true) => (Status::Fail, hints.high),
        _ => (Status::Pass, hints.ok),
    };
    RuleResult {
        id,
        status,
        measured: Some(round(measured)),
        allowed: Some(allowed),
        unit,
        hint_zh: zh.to_string(),
        hint_en: en.to_string(),
        region: (status != Status::Pass).then_some(region).flatten(),
        shown: display::Shown::default(),
    }
}

fn round(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

pub(crate) fn not_evaluated(
    id: &'static str,
    unit: &'static str,
    why_zh: &str,
    why_en: &str,
) -> RuleResult {
    RuleResult {
        id,
        status: Status::NotEvaluated,
        measured: None,
        allowed: None,
        unit,
        hint_zh: why_zh.to_string(),
        hint_en: why_en.to_string(),
        region: None,
        shown: display::Shown::default(),
    }
}

/// Reason used by rules whose threshold is missing from the preset.
pub(crate) fn no_threshold(id: &'static str, unit: &'static str) -> RuleResult {
    not_evaluated(
        id,
        unit,
        "规格预设中没有此项阈值。",
        "The preset has no threshold for this rule.",
    )
}

/// Reason used by rules that need exactly one face.
pub(crate) fn no_single_face(id: &'static str, unit: &'static str) -> RuleResult {
    not_evaluated(
        id,
        unit,
        "需要照片中恰好有一张人脸才能判断。",
        "Needs exactly one face in the photo to judge.",
    )
}

/// What every rule group reads: the photo, its analysis, the thresholds, a small copy for
/// colour statistics and the region labels.
fn context<'a>(
    photo: &'a Photo,
    analysis: &'a Analysis,
    preset: &'a Preset,
) -> Result<Context<'a>> {
    analysis.validate_for(&photo.image)?;
    let (small, k) = average_within(&photo.image, STATS_SIDE)?;
    let small = small.into_owned();
    let face = (analysis.faces.len() == 1).then(|| &analysis.faces[0]);
    let regions = match (face, &analysis.mask) {
        (Some(f), Some(mask)) => Some(regions::label(
            mask,
            &f.landmarks,
            &f.geometry,
            small.width(),
            small.height(),
        )),
        _ => None,
    };
    Ok(Context {
        photo,
        analysis,
        thresholds: thresholds(preset),
        preset,
        face,
        small,
        k,
        regions,
    })
}

/// One group of rules: the rules on one subject (framing, face, attire, …), in report order.
type Group = fn(&Context, &mut Vec<RuleResult>) -> Result<()>;

/// Every group, in the order the report lists them.
const GROUPS: [(&str, Group); 7] = [
    ("framing", framing::run),
    ("face", face::run),
    ("attire", attire::run),
    ("scene", scene::run),
    ("lighting", lighting::run),
    ("quality", quality::run),
    ("capture", capture::run),
];

/// Run every rule on an analysed photo.
pub fn check(photo: &Photo, analysis: &Analysis, preset: &Preset) -> Result<Report> {
    let ctx = context(photo, analysis, preset)?;
    let mut rules = Vec::new();
    for (_, group) in GROUPS {
        group(&ctx, &mut rules)?;
    }
    show(&mut rules);
    let (summary_zh, summary_en) = display::summary(&rules);
    let (confirm_zh, confirm_en) = display::confirmation(&rules);
    let verdict = if rules.iter().any(|r| r.status == Status::Fail) {
        Verdict::Fail
    } else if rules.iter().any(|r| {
        r.status == Status::Warn
            || (r.status == Status::NotEvaluated && !display::confirmed_by_the_graduate(r))
    }) {
        Verdict::Warn
    } else {
        Verdict::Pass
    };
    Ok(Report {
        preset: preset.id.clone(),
        faces: analysis.faces.len(),
        verdict,
        summary_zh,
        summary_en,
        confirm_zh,
        confirm_en,
        rules,
    })
}

/// Milliseconds of each part of [`check`], for the benchmark: `context` (the statistics copy and
/// the region labels every group reads), then each group, in report order. `now` is the
/// caller's clock in milliseconds.
pub fn time_groups(
    photo: &Photo,
    analysis: &Analysis,
    preset: &Preset,
    now: &dyn Fn() -> f64,
) -> Result<Vec<(&'static str, f64)>> {
    let start = now();
    let ctx = context(photo, analysis, preset)?;
    let mut times = vec![("context", now() - start)];
    let mut rules = Vec::new();
    for (name, group) in GROUPS {
        let start = now();
        group(&ctx, &mut rules)?;
        times.push((name, now() - start));
    }
    Ok(times)
}

/// Only the face-count, framing and scene (background) rules: what standardisation's closed loop
/// re-checks on its own output, without the face, lighting, quality and capture groups.
pub(crate) fn scene_rules(
    photo: &Photo,
    analysis: &Analysis,
    preset: &Preset,
) -> Result<Vec<RuleResult>> {
    let ctx = context(photo, analysis, preset)?;
    let mut rules = Vec::new();
    framing::run(&ctx, &mut rules)?;
    scene::run(&ctx, &mut rules)?;
    Ok(rules)
}

/// The box around some points, grown by `pad` of its size.
pub(crate) fn bbox_of(points: &[crate::analysis::Point], pad: f32) -> Option<BoxF> {
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for p in points {
        (x0, y0, x1, y1) = (x0.min(p.x), y0.min(p.y), x1.max(p.x), y1.max(p.y));
    }
    if points.is_empty() {
        return None;
    }
    let (pw, ph) = ((x1 - x0) * pad, (y1 - y0) * pad);
    Some(BoxF {
        x: x0 - pw,
        y: y0 - ph,
        width: x1 - x0 + 2.0 * pw,
        height: y1 - y0 + 2.0 * ph,
    })
}
