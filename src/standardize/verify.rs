//! The closed loop: the file is decoded and its geometry, background and file properties judged
//! as a collector would. A standardised photo that fails its own geometry is a bug, and the
//! report says so instead of hiding it.
//!
//! Where the face is on the file follows exactly from the source's analysis and the crop (a scale
//! and a shift), so by default the closed loop maps the analysis onto the file instead of running
//! the three networks again ([`ClosedLoop::Mapped`]): what can still go wrong (the crown the
//! matte kept, the background's colour and evenness, the file's size and density) is read from
//! the file's own pixels either way. [`ClosedLoop::Redetect`] analyses the file again from
//! scratch, an independent check for the tests and `gradphoto standardize --verify`.

use serde::Serialize;

use super::crop::Framing;
use crate::analysis::{Analysis, Analyzer, Face, PersonMask, Point};
use crate::checks::{
    judge_range, judge_threshold, not_evaluated, scene_rules, AllowedRange, Hints, RuleResult,
};
use crate::colour::{delta_e, lab};
use crate::encode::EncodedJpeg;
use crate::error::Result;
use crate::input::{decode, Limits};
use crate::preset::{thresholds, Preset};

/// How the closed loop finds the face on the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum ClosedLoop {
    /// The source's face mapped through the crop, with the matte as the person mask.
    #[default]
    Mapped,
    /// The file analysed again by the networks (about three times the closed loop's cost).
    Redetect,
}

/// What the closed loop measures the file with.
#[derive(Clone, Copy)]
pub enum Locate<'a> {
    /// The source's analysis mapped onto the output ([`mapped`]).
    Mapped(&'a Analysis),
    /// Analyse the decoded file again.
    Redetect(&'a Analyzer),
}

/// `face` of the source photo on the output: landmarks, box and keypoints through the crop's
/// shift and scale, the geometry measured again on them with `alpha` (the matte, any size, over
/// the `width × height` output) as the person mask.
pub fn mapped(
    face: &Face,
    framing: &Framing,
    alpha: &super::boxfilter::Plane,
    width: u32,
    height: u32,
) -> Analysis {
    let c = &framing.crop;
    let to = |p: Point| Point {
        x: (p.x - c.left) * c.scale,
        y: (p.y - c.top) * c.scale,
    };
    let landmarks: Vec<[f32; 3]> = face
        .landmarks
        .iter()
        .map(|&[x, y, z]| {
            let p = to(Point { x, y });
            [p.x, p.y, z * c.scale]
        })
        .collect();
    let mask = PersonMask {
        width: alpha.width as u32,
        height: alpha.height as u32,
        image_width: width,
        image_height: height,
        alpha: alpha.data.clone(),
    };
    let geometry = crate::analysis::geometry::measure(&landmarks, Some(&mask));
    let corner = to(Point {
        x: face.bbox.x,
        y: face.bbox.y,
    });
    let face = Face {
        bbox: crate::analysis::BoxF {
            x: corner.x,
            y: corner.y,
            width: face.bbox.width * c.scale,
            height: face.bbox.height * c.scale,
        },
        keypoints: face.keypoints.map(to),
        landmarks,
        geometry,
        ..face.clone()
    };
    Analysis {
        image_width: width,
        image_height: height,
        faces: vec![face],
        detector: "mapped",
        mask: Some(mask),
    }
}

/// Head geometry measured on the output file, output pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Measured {
    /// `None` where the person's colour at the crown is too close to the background's to tell
    /// where the head ends (a white cap on a white background).
    pub crown_px: Option<f32>,
    pub eye_line_px: f32,
    pub face_width_px: f32,
    pub centre_offset_px: f32,
    /// The largest difference between these and the planned values.
    pub prediction_error_px: f32,
    /// How clean the cut-out's edge is along the shoulders ([`super::edges`]).
    pub edges: super::edges::EdgeQuality,
}

const BUG: Hints = Hints {
    ok: ("标准照符合要求。", "The standardised photo is in range."),
    low: (
        "标准照未达要求（程序缺陷），请反馈并改用其他照片。",
        "The standardised photo is out of range (a bug): please report it and try another photo.",
    ),
    high: (
        "标准照未达要求（程序缺陷），请反馈并改用其他照片。",
        "The standardised photo is out of range (a bug): please report it and try another photo.",
    ),
};

const UNSURE: Hints = Hints {
    ok: (
        "人像与原背景分得清楚。",
        "The cut-out was sure where you end and the old background begins.",
    ),
    low: ("", ""),
    high: (
        "标准照里有一片区域，模型分不清是人还是原来的背景，可能留下了原背景的景物（树木、建筑等）：请仔细看看标准照，最好在纯色墙前重拍。",
        "Over part of the standardised photo the cut-out could not tell you from the scene behind you, and may have kept some of it (trees, a building): look at the photo closely, and best retake it in front of a plain wall.",
    ),
};

fn range(r: [f32; 2]) -> AllowedRange {
    AllowedRange {
        min: Some(r[0].into()),
        max: Some(r[1].into()),
    }
}

/// The JFIF density of a JPEG, in dots per inch (`None` without a JFIF header or units).
pub fn jfif_dpi(jpeg: &[u8]) -> Option<f64> {
    let at = jpeg.windows(5).position(|w| w == b"JFIF\0")?;
    let d = jpeg.get(at + 5..at + 12)?;
    let x = f64::from(u16::from_be_bytes([d[3], d[4]]));
    match d[2] {
        1 => Some(x),
        2 => Some(x * 2.54),
        _ => None,
    }
}

/// Output pixels a value measured on the file may fall outside its range and still only warn: the
/// plan may sit half a pixel outside (its scale grid) when no crop has room, and measuring the
/// file again puts the crown and eye line up to about 2 px from the plan.
const EDGE_TOLERANCE_PX: f64 = 2.5;

/// A geometry rule on the file that fails by less than [`EDGE_TOLERANCE_PX`]: the photo left no
/// room, and the measurement cannot tell on which side of the bound it is; a warning that says so,
/// not a bug.
fn at_the_edge(mut r: RuleResult) -> RuleResult {
    let (Some(v), Some(a)) = (r.measured, r.allowed) else {
        return r;
    };
    let miss = a
        .min
        .map_or(0.0, |m| m - v)
        .max(a.max.map_or(0.0, |m| v - m));
    if r.status == crate::checks::Status::Fail && miss <= EDGE_TOLERANCE_PX {
        r.status = crate::checks::Status::Warn;
        r.hint_zh = "标准照中此项恰在允许范围边缘（在测量误差内）：照片没有留出余地，建议重拍时离镜头稍远、头部居中。".into();
        r.hint_en = "This sits at the edge of its range in the standardised photo, within the measurement's error: the photo left no room; when retaking, step back a little and centre the head.".into();
    }
    r
}

/// What the render knows of the file that the file's pixels do not say.
#[derive(Clone, Copy)]
pub struct Made<'a> {
    /// Output pixels composited from the flat colour alone ([`super::pure_background`]).
    pub pure_background: &'a [bool],
    /// The share of the output the matte kept unsure ([`super::unsure::share`]); `None` where
    /// it was not measured.
    pub unsure_share: Option<f32>,
    /// The alpha the file was composited with over the output (as [`mapped`] gives it), to tell
    /// a blend from the photo's own colours, and the photo itself on the output's grid, to tell
    /// the cut-out's edge from the photo's own ([`super::edges`]).
    pub edges: super::edges::Context<'a>,
}

/// Decode `file`, locate the face on it, judge it.
pub fn verify(
    locate: Locate<'_>,
    file: &EncodedJpeg,
    framing: &Framing,
    preset: &Preset,
    background: [u8; 3],
    made: Made<'_>,
) -> Result<(Option<Measured>, Vec<RuleResult>)> {
    let Made {
        pure_background,
        unsure_share,
        edges,
    } = made;
    let t = thresholds(preset);
    let allowed = |id: &str| {
        t.get(id).map(|t| AllowedRange {
            min: t.min,
            max: t.max,
        })
    };
    let photo = decode(&file.bytes, &Limits::default())?;
    let redetected;
    let analysis = match locate {
        Locate::Mapped(a) => {
            a.validate_for(&photo.image)?;
            a
        }
        Locate::Redetect(analyzer) => {
            redetected = analyzer.analyze(&photo.image)?;
            &redetected
        }
    };
    let out = &preset.output;
    let mut rules = Vec::new();

    let (min_b, max_b) = out.byte_range();
    rules.push(judge_range(
        "output.file_size",
        file.bytes.len() as f64,
        "bytes",
        AllowedRange {
            min: out.min_kb.map(|_| min_b as f64),
            max: out.max_kb.map(|_| max_b as f64),
        },
        &BUG,
        None,
    ));
    let size_error = f64::from(photo.image.width().abs_diff(out.width))
        + f64::from(photo.image.height().abs_diff(out.height));
    rules.push(judge_range(
        "output.dimensions",
        size_error,
        "px",
        AllowedRange {
            min: None,
            max: Some(0.0),
        },
        &BUG,
        None,
    ));
    rules.push(match jfif_dpi(&file.bytes) {
        Some(dpi) => judge_range(
            "output.dpi",
            dpi,
            "dpi",
            range([f32::from(out.dpi), f32::from(out.dpi)]),
            &BUG,
            None,
        ),
        None => not_evaluated(
            "output.dpi",
            "dpi",
            "文件没有 JFIF 密度。",
            "The file has no JFIF density.",
        ),
    });

    let face = (analysis.faces.len() == 1).then(|| &analysis.faces[0]);
    let p = &framing.predicted;
    let measured = face.map(|face| {
        let g = &face.geometry;
        let axis = super::crown::Axis {
            eye_mid: g.eye_mid,
            up: g.up,
            face_width: g.face_width_px,
            eye_chin: g.eye_mid.dist(g.chin),
        };
        let crown_px = super::crown::visible(&photo.image, &axis, background).map(|c| c.y);
        let m = Measured {
            crown_px,
            eye_line_px: g.eye_mid.y,
            face_width_px: g.face_width_px,
            centre_offset_px: g.eye_mid.x - out.width as f32 / 2.0,
            prediction_error_px: 0.0,
            edges: super::edges::measure(
                &photo.image,
                edges,
                background,
                [g.chin.x, g.chin.y],
                g.eye_mid.x,
                g.face_width_px,
            ),
        };
        // How far each point the standard measures sits from where the plan put it: the crown,
        // the eye line, the face's centre, and each cheek edge (half the width's difference).
        let error = [
            crown_px.map_or(0.0, |c| c - p.crown_px),
            m.eye_line_px - p.eye_line_px,
            (m.face_width_px - p.face_width_px) / 2.0,
            m.centre_offset_px - p.centre_offset_px,
        ]
        .into_iter()
        .fold(0.0f32, |a, d| a.max(d.abs()));
        Measured {
            prediction_error_px: error,
            ..m
        }
    });
    let geo = &preset.geometry;
    let geometry = [
        (
            "geometry.crown",
            measured.and_then(|m| m.crown_px),
            geo.crown_px.map(range),
        ),
        (
            "geometry.eye_line",
            measured.map(|m| m.eye_line_px),
            geo.eye_line_px.map(range),
        ),
        (
            "geometry.face_width",
            measured.map(|m| m.face_width_px),
            geo.face_width_px.map(range),
        ),
        (
            "geometry.centered",
            measured.map(|m| m.centre_offset_px.abs()),
            allowed("geometry.centered"),
        ),
        (
            "output.prediction_error",
            measured.map(|m| m.prediction_error_px),
            allowed("output.prediction_error"),
        ),
    ];
    for (id, value, allowed) in geometry {
        rules.push(match (value, allowed) {
            (Some(v), Some(a)) => at_the_edge(judge_range(id, f64::from(v), "px", a, &BUG, None)),
            (None, _) => not_evaluated(
                id,
                "px",
                "标准照上未能重新检测到人脸和头顶。",
                "The face and crown could not be found again on the output.",
            ),
            (_, None) => not_evaluated(
                id,
                "px",
                "规格未规定此项。",
                "The preset sets no range for this.",
            ),
        });
    }

    // Background: the flat colour asked for, and the scene rules of the checks.
    let scene = scene_rules(&photo, analysis, preset)?;
    let bg_lab = lab(background);
    // Where the plan composited the flat background alone ([`super::pure_background`]), as the
    // 95th percentile: the fill itself, not the few pixels the JPEG's blocks disturb. (The file's
    // own segmentation, used before, counted a light blue gown and wisps of hair as background.)
    // The fill is a few colours (the flat one and the JPEG's small errors around it), so each
    // colour's ΔE is worked out once.
    let colour_error = (pure_background.len() == photo.image.as_raw().len() / 3)
        .then(|| {
            let mut seen = std::collections::HashMap::new();
            let mut d: Vec<f32> = photo
                .image
                .pixels()
                .zip(pure_background)
                .filter(|(_, &pure)| pure)
                .map(|(p, _)| *seen.entry(p.0).or_insert_with(|| delta_e(lab(p.0), bg_lab)))
                .collect();
            let k = d.len() * 95 / 100;
            (k < d.len()).then(|| *d.select_nth_unstable_by(k, f32::total_cmp).1)
        })
        .flatten();
    rules.push(match (colour_error, allowed("output.background_color")) {
        (Some(v), Some(a)) => {
            judge_range("output.background_color", f64::from(v), "ΔE", a, &BUG, None)
        }
        _ => not_evaluated(
            "output.background_color",
            "ΔE",
            "标准照上未能划分背景区域。",
            "The background could not be told apart on the output.",
        ),
    });
    // A screening measure in the preset (warns, never fails): the segmentation's doubt is not
    // proof of a kept scene, as a translucent sleeve is doubtful too.
    rules.push(match unsure_share {
        Some(v) => judge_threshold(
            &t,
            "output.cutout_unsure",
            f64::from(v),
            "share",
            &UNSURE,
            None,
        ),
        None => not_evaluated(
            "output.cutout_unsure",
            "share",
            "预览不计算此项。",
            "The preview does not measure this.",
        ),
    });
    // How many faces the file shows is measured only when the file is searched again; mapped,
    // the one face comes from the photo's own analysis, so the count is not reported as a pass.
    let searched = matches!(locate, Locate::Redetect(_));
    let copied: &[&str] = if searched {
        &["background.uniform", "background.shadow", "face.count"]
    } else {
        &["background.uniform", "background.shadow"]
    };
    for id in copied {
        if let Some(r) = scene.iter().find(|r| r.id == *id) {
            rules.push(r.clone());
        }
    }
    crate::checks::show(&mut rules);
    Ok((measured, rules))
}
