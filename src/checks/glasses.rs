//! Glasses: detected by the frame's bridge across the nose, then judged for tinted lenses, glare
//! and a frame across the eyes.

use image::RgbImage;

use super::{no_single_face, not_evaluated, Context, Hints, RuleResult};
use crate::analysis::{mesh, BoxF, Face};
use crate::colour::{lightness, luma};
use crate::resample::{resample, Rect};

/// A patch of the photo resampled to `width` columns (height in proportion).
fn patch(img: &RgbImage, x0: f32, y0: f32, x1: f32, y1: f32, width: u32) -> Option<RgbImage> {
    let (x0, y0) = (x0.max(0.0), y0.max(0.0));
    let (x1, y1) = (x1.min(img.width() as f32), y1.min(img.height() as f32));
    if x1 - x0 < 4.0 || y1 - y0 < 4.0 {
        return None;
    }
    let h = ((width as f32 * (y1 - y0) / (x1 - x0)).round() as u32).max(4);
    resample(
        img,
        Rect {
            left: x0.into(),
            top: y0.into(),
            width: (x1 - x0).into(),
            height: (y1 - y0).into(),
        },
        width,
        h,
    )
    .ok()
}

/// Glasses score: the strongest horizontal edge across the nose bridge between the eyes (where a
/// frame's bridge crosses smooth skin), as a percentage of the cheeks' mean luminance so that
/// lighting and skin tone cancel (dark lenses would inflate a spread-based normaliser). The top
/// of the strip stops below the eyebrows.
pub(crate) fn glasses_score(img: &RgbImage, face: &Face) -> Option<f32> {
    let g = &face.geometry;
    let (xi0, xi1) = (
        face.landmarks[mesh::RIGHT_EYE_INNER][0],
        face.landmarks[mesh::LEFT_EYE_INNER][0],
    );
    let ied = g.inter_eye_px;
    let inset = 0.2 * (xi1 - xi0);
    let strip = patch(
        img,
        xi0 + inset,
        g.eye_mid.y - 0.38 * ied,
        xi1 - inset,
        g.eye_mid.y + 0.15 * ied,
        32,
    )?;
    let lum = |x: u32, y: u32| luma(strip.get_pixel(x, y).0);
    let peak = (1..strip.height() - 1)
        .map(|y| {
            (0..strip.width())
                .map(|x| (lum(x, y + 1) - lum(x, y - 1)).abs())
                .sum::<f32>()
                / strip.width() as f32
        })
        .fold(0.0, f32::max);
    // The cheeks, below the eyes and any frame.
    let cheeks: Vec<f32> = [g.eye_right, g.eye_left]
        .iter()
        .filter_map(|e| {
            patch(
                img,
                e.x - 0.2 * ied,
                e.y + 0.7 * ied,
                e.x + 0.2 * ied,
                e.y + 0.85 * ied,
                16,
            )
        })
        .flat_map(|p| p.pixels().map(|q| luma(q.0)).collect::<Vec<_>>())
        .collect();
    let mean = cheeks.iter().sum::<f32>() / cheeks.len().max(1) as f32;
    Some(100.0 * peak / mean.max(1.0))
}

pub(crate) fn run(ctx: &Context, out: &mut Vec<RuleResult>) {
    let ids = [
        ("glasses.tinted", "ΔL*"),
        ("glasses.glare", "share"),
        ("glasses.frame_over_eyes", "share"),
    ];
    let Some(face) = ctx.face else {
        for (id, unit) in ids {
            out.push(no_single_face(id, unit));
        }
        return;
    };
    let img = &ctx.photo.image;
    let (Some(score), Some(limit)) = (
        glasses_score(img, face),
        ctx.thresholds.get("glasses.detected").and_then(|t| t.max),
    ) else {
        for (id, unit) in ids {
            out.push(not_evaluated(
                id,
                unit,
                "无法测量眼镜。",
                "Glasses could not be measured.",
            ));
        }
        return;
    };
    let g = &face.geometry;
    let eyes = BoxF {
        x: g.eye_right.x - 0.6 * g.inter_eye_px,
        y: g.eye_mid.y - 0.4 * g.inter_eye_px,
        width: 2.2 * g.inter_eye_px,
        height: 0.8 * g.inter_eye_px,
    };
    if f64::from(score) <= limit {
        // No glasses: nothing to tint, glare or cover the eyes.
        let no_glasses = Hints {
            ok: ("未佩戴眼镜。", "No glasses."),
            low: ("未佩戴眼镜。", "No glasses."),
            high: ("", ""),
        };
        for (id, _) in ids {
            let mut r = super::judge_range(
                id,
                f64::from(score),
                "glasses score",
                super::AllowedRange {
                    min: None,
                    max: Some(limit),
                },
                &no_glasses,
                None,
            );
            r.allowed = Some(super::AllowedRange {
                min: None,
                max: Some(limit),
            });
            out.push(r);
        }
        return;
    }
    // Glasses: compare the skin seen through the lenses (just below each eye) with the cheek
    // below the frame. Tinted lenses darken the first; glare shows as clipped pixels around the eyes.
    let ied = g.inter_eye_px;
    let mut through = [g.eye_right, g.eye_left]
        .iter()
        .filter_map(|e| {
            patch(
                img,
                e.x - 0.25 * ied,
                e.y + 0.12 * ied,
                e.x + 0.25 * ied,
                e.y + 0.25 * ied,
                16,
            )
        })
        .flat_map(|p| p.pixels().map(|q| lightness(q.0)).collect::<Vec<_>>())
        .collect::<Vec<f32>>();
    let mut cheek = [g.eye_right, g.eye_left]
        .iter()
        .filter_map(|e| {
            patch(
                img,
                e.x - 0.25 * ied,
                e.y + 0.7 * ied,
                e.x + 0.25 * ied,
                e.y + 0.85 * ied,
                16,
            )
        })
        .flat_map(|p| p.pixels().map(|q| lightness(q.0)).collect::<Vec<_>>())
        .collect::<Vec<f32>>();
    match (super::median(&mut through), super::median(&mut cheek)) {
        (Some(t), Some(c)) => out.push(ctx.judge(
            "glasses.tinted",
            f64::from(c - t),
            "ΔL*",
            &Hints {
                ok: ("眼镜镜片无色。", "The lenses are clear."),
                low: ("眼镜镜片无色。", "The lenses are clear."),
                high: (
                    "镜片有颜色或变色：请换无色镜片，或摘下眼镜。",
                    "Tinted or photochromic lenses: wear clear lenses or take the glasses off.",
                ),
            },
            Some(eyes),
        )),
        _ => out.push(not_evaluated(
            "glasses.tinted",
            "ΔL*",
            "镜片区域不完整。",
            "The lens area is cut off.",
        )),
    }
    let around = patch(
        img,
        eyes.x,
        eyes.y,
        eyes.x + eyes.width,
        eyes.y + eyes.height,
        96,
    );
    match around {
        Some(p) => {
            let n = (p.width() * p.height()) as f64;
            let clipped = p.pixels().filter(|q| lightness(q.0) >= 95.0).count() as f64 / n;
            out.push(ctx.judge(
                "glasses.glare",
                clipped,
                "share",
                &Hints {
                    ok: ("镜片没有反光。", "No glare on the lenses."),
                    low: ("镜片没有反光。", "No glare on the lenses."),
                    high: ("镜片反光：请稍微低头或调整光源角度，避免闪光灯。", "Glare on the lenses: tilt the glasses slightly or move the light; no flash."),
                },
                Some(eyes),
            ));
        }
        None => out.push(not_evaluated(
            "glasses.glare",
            "share",
            "镜片区域不完整。",
            "The lens area is cut off.",
        )),
    }
    match frame_over_eyes(img, &face.landmarks) {
        Some(share) => out.push(ctx.judge(
            "glasses.frame_over_eyes",
            f64::from(share),
            "share",
            &Hints {
                ok: ("镜框没有遮挡眼睛。", "The frame does not cover the eyes."),
                low: ("镜框没有遮挡眼睛。", "The frame does not cover the eyes."),
                high: (
                    "镜框遮挡了眼睛：请调整眼镜位置，或摘下眼镜。",
                    "The glasses frame runs across the eyes: push the glasses up or take them off.",
                ),
            },
            Some(eyes),
        )),
        None => out.push(not_evaluated(
            "glasses.frame_over_eyes",
            "share",
            "眼睛太小或未睁开，无法判断镜框位置。",
            "The eyes are too small or not open enough to see where the frame runs.",
        )),
    }
}

/// How much of a row through the eye a dark line covers, at worst over the rows between the lids
/// and over both eyes. Each row runs along the eye line from a quarter of the eye's width beyond
/// the inner corner to as far beyond the outer one: an open eye is dark only over the iris and
/// the lashes at the corners, with sclera inside and skin outside; a rim running across the eye
/// continues across the lens to both sides and darkens the whole row. Sampling along the eye
/// line keeps a tilted head reading the same. `None` when either eye is under 3 px open.
fn frame_over_eyes(img: &RgbImage, landmarks: &[[f32; 3]]) -> Option<f32> {
    use crate::analysis::mesh::*;
    let eyes = [
        (
            RIGHT_EYE_INNER,
            RIGHT_EYE_OUTER,
            RIGHT_EYE_UPPER,
            RIGHT_EYE_LOWER,
        ),
        (
            LEFT_EYE_INNER,
            LEFT_EYE_OUTER,
            LEFT_EYE_UPPER,
            LEFT_EYE_LOWER,
        ),
    ];
    let at = |i: usize| landmarks.get(i).map(|p| (p[0], p[1]));
    let lightness = |x: f32, y: f32| -> Option<f32> {
        let (xi, yi) = (x.round(), y.round());
        (xi >= 0.0 && yi >= 0.0 && (xi as u32) < img.width() && (yi as u32) < img.height())
            .then(|| lightness(img.get_pixel(xi as u32, yi as u32).0))
    };
    let mut worst = 0.0f32;
    for (inner, outer, upper, lower) in eyes {
        let ((ix, iy), (ox, oy)) = (at(inner)?, at(outer)?);
        let ((_, uy), (_, ly)) = (at(upper)?, at(lower)?);
        let gap = ly - uy;
        if gap < 3.0 {
            return None;
        }
        // Middle half of the opening, away from the lashes along each lid.
        let rows: Vec<Vec<f32>> = (0..5)
            .map(|r| {
                let dy = uy + gap * (0.25 + 0.5 * r as f32 / 4.0) - (iy + oy) / 2.0;
                (0..32)
                    .filter_map(|c| {
                        let t = -0.25 + 1.5 * c as f32 / 31.0;
                        lightness(ix + (ox - ix) * t, iy + (oy - iy) * t + dy)
                    })
                    .collect()
            })
            .collect();
        let mut all: Vec<f32> = rows.iter().flatten().copied().collect();
        if all.len() < 48 {
            return None;
        }
        all.sort_by(f32::total_cmp);
        // The bright end of the rows: sclera and the skin beside the eye.
        let bright = all[all.len() * 9 / 10];
        for row in &rows {
            let dark = row.iter().filter(|&&l| l < bright - 25.0).count();
            worst = worst.max(dark as f32 / row.len().max(1) as f32);
        }
    }
    Some(worst)
}
