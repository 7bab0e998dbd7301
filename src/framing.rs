//! Where the standardised photo's crop goes: the scale and offset that put the crown, the eye
//! line and the face width inside the preset's ranges (aiming at the middle of each), centred on
//! the face, inside the photo. The checks report what this crop predicts; standardisation cuts it.

use serde::Serialize;

use crate::analysis::Face;
use crate::preset::{GeometrySpec, OutputSpec};

/// What the crop needs to know about the head, in source pixels (upright photo).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct HeadFrame {
    pub crown_y: f32,
    pub eye_y: f32,
    pub chin_y: f32,
    pub centre_x: f32,
    pub face_width: f32,
    /// The head runs off the photo's top edge: no headroom may be filled above it.
    pub crown_cut: bool,
}

impl HeadFrame {
    /// `None` when the analysis has no crown (no mask, or the mask missed the head).
    pub fn of(face: &Face) -> Option<HeadFrame> {
        let g = &face.geometry;
        Some(HeadFrame {
            crown_y: g.crown?.y,
            eye_y: g.eye_mid.y,
            chin_y: g.chin.y,
            centre_x: g.eye_mid.x,
            face_width: g.face_width_px,
            crown_cut: g.crown_at_edge,
        })
    }
}

/// A crop of the source: `left, top` in source pixels, `scale` output pixels per source pixel.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Crop {
    pub left: f32,
    pub top: f32,
    pub scale: f32,
    pub width: f32,
    pub height: f32,
}

/// Where the head lands on the output canvas, in output pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Prediction {
    pub crown_px: f32,
    pub eye_line_px: f32,
    pub face_width_px: f32,
    /// Face centre minus canvas centre (negative = left of centre).
    pub centre_offset_px: f32,
    /// Output rows filled below the photo's bottom edge (0 when the photo reaches far enough).
    pub fill_below_px: f32,
    /// Output rows of background filled above the photo's top edge.
    pub fill_above_px: f32,
}

fn mid(r: [f32; 2]) -> f32 {
    (r[0] + r[1]) / 2.0
}

/// How far `v` is outside `r`, in units of the range's width (0 inside).
fn outside(v: f32, r: Option<[f32; 2]>) -> f32 {
    match r {
        Some([lo, hi]) => ((lo - v).max(0.0) + (v - hi).max(0.0)) / (hi - lo).max(1.0),
        None => 0.0,
    }
}

/// Output pixels kept between a planned point and its range's bound where the photo allows it:
/// the file, measured again in the closed loop, puts crown, eye line and cheeks up to about
/// 3 px from where they were planned (`output.prediction_error` in presets/checks.json), so a
/// crown planned at 50.4 px of 50–110 read 49.2 on its file.
const MARGIN_PX: f32 = 3.0;

/// The range less [`MARGIN_PX`] at each end (at most a quarter of its width).
fn inner(r: Option<[f32; 2]>) -> Option<[f32; 2]> {
    r.map(|[lo, hi]| {
        let m = MARGIN_PX.min((hi - lo) / 4.0);
        [lo + m, hi - m]
    })
}

fn off_centre(v: f32, r: Option<[f32; 2]>) -> f32 {
    match r {
        Some([lo, hi]) => (v - mid([lo, hi])) / (hi - lo).max(1.0),
        None => 0.0,
    }
}

/// The best crop for `head` in an `image_w × image_h` photo. Scales are searched on a fine grid
/// between what the face width allows; for each, the vertical offset that centres the crown and
/// the eye line in their ranges is taken, then clamped to the photo. The crop with the smallest
/// range violations wins, then the one with the most room ([`MARGIN_PX`]) inside the bounds,
/// then the closest to the middles.
pub fn best_crop(
    head: &HeadFrame,
    image_w: u32,
    image_h: u32,
    out: &OutputSpec,
    geo: &GeometrySpec,
) -> (Crop, Prediction) {
    let (ow, oh) = (out.width as f32, out.height as f32);
    let (iw, ih) = (image_w as f32, image_h as f32);
    let head_h = (head.chin_y - head.crown_y).max(1.0);
    // Scale window: from the face width range, or (no such range) a head filling 45–65 % of
    // the canvas height.
    let (s_lo, s_hi) = match geo.face_width_px {
        Some([lo, hi]) => (lo / head.face_width.max(1.0), hi / head.face_width.max(1.0)),
        None => (0.45 * oh / head_h, 0.65 * oh / head_h),
    };
    let mut best: Option<(f32, Crop, Prediction)> = None;
    const STEPS: usize = 96;
    for i in 0..=STEPS {
        let s = s_lo + (s_hi - s_lo) * i as f32 / STEPS as f32;
        let (w, h) = (ow / s, oh / s);
        // Vertical: the top that puts the crown and eye line at the middles of their ranges.
        let mut aims = Vec::new();
        if let Some(r) = geo.eye_line_px {
            aims.push(head.eye_y - mid(r) / s);
        }
        if let Some(r) = geo.crown_px {
            aims.push(head.crown_y - mid(r) / s);
        }
        let mut top = if aims.is_empty() {
            head.crown_y - 0.12 * h
        } else {
            aims.iter().sum::<f32>() / aims.len() as f32
        };
        let fill_above_ok = geo.allow_fill_above_head && !head.crown_cut;
        if !fill_above_ok {
            top = top.max(0.0);
        }
        let fill_below = if geo.allow_fill_below_shoulders {
            (top + h - ih).max(0.0)
        } else {
            0.0
        };
        if !geo.allow_fill_below_shoulders && top + h > ih {
            top = if fill_above_ok {
                ih - h
            } else {
                (ih - h).max(0.0)
            };
        }
        // Horizontal: centred on the face, shifted only as far as the photo's edges demand.
        let left = (head.centre_x - w / 2.0).clamp(0.0, (iw - w).max(0.0));
        let p = Prediction {
            crown_px: (head.crown_y - top) * s,
            eye_line_px: (head.eye_y - top) * s,
            face_width_px: head.face_width * s,
            centre_offset_px: (head.centre_x - left) * s - ow / 2.0,
            fill_below_px: fill_below * s,
            fill_above_px: (-top).max(0.0) * s,
        };
        let beyond_top = if fill_above_ok { 0.0 } else { (-top).max(0.0) };
        let beyond_bottom = if geo.allow_fill_below_shoulders {
            0.0
        } else {
            (top + h - ih).max(0.0)
        };
        let crop_too_big = (w - iw).max(0.0) + beyond_top + beyond_bottom;
        let violation = outside(p.crown_px, geo.crown_px)
            + outside(p.eye_line_px, geo.eye_line_px)
            + outside(p.face_width_px, geo.face_width_px)
            + p.centre_offset_px.abs() / ow
            + crop_too_big / iw.max(ih);
        // Then, second to any violation of the ranges themselves, room from their bounds.
        let tight = outside(p.crown_px, inner(geo.crown_px))
            + outside(p.eye_line_px, inner(geo.eye_line_px))
            + outside(p.face_width_px, inner(geo.face_width_px));
        let closeness = off_centre(p.crown_px, geo.crown_px).powi(2)
            + off_centre(p.eye_line_px, geo.eye_line_px).powi(2)
            + off_centre(p.face_width_px, geo.face_width_px).powi(2);
        let cost = violation * 1000.0 + tight * 100.0 + closeness;
        if best.as_ref().is_none_or(|(c, _, _)| cost < *c) {
            best = Some((
                cost,
                Crop {
                    left,
                    top,
                    scale: s,
                    width: w,
                    height: h,
                },
                p,
            ));
        }
    }
    let (_, crop, prediction) =
        best.unwrap_or_else(|| unreachable!("the scale grid is never empty"));
    (crop, prediction)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Preset;

    #[test]
    fn a_well_framed_head_lands_mid_range() {
        let p = Preset::builtin("chsi-graduation").unwrap();
        // A 1500×2000 portrait: crown at 300, eyes at 700, face 500 px wide, centred.
        let head = HeadFrame {
            crown_y: 300.0,
            eye_y: 700.0,
            chin_y: 1100.0,
            centre_x: 750.0,
            face_width: 500.0,
            crown_cut: false,
        };
        let (_, pr) = best_crop(&head, 1500, 2000, &p.output, &p.geometry);
        assert!((50.0..=110.0).contains(&pr.crown_px), "{pr:?}");
        assert!((200.0..=300.0).contains(&pr.eye_line_px), "{pr:?}");
        assert!((180.0..=300.0).contains(&pr.face_width_px), "{pr:?}");
        assert!(pr.centre_offset_px.abs() < 1.0);
    }

    #[test]
    fn a_cut_crown_cannot_get_its_margin_an_uncut_one_gets_filled_headroom() {
        let p = Preset::builtin("chsi-graduation").unwrap();
        let head = HeadFrame {
            crown_y: 2.0,
            eye_y: 400.0,
            chin_y: 800.0,
            centre_x: 750.0,
            face_width: 500.0,
            crown_cut: true,
        };
        let (_, pr) = best_crop(&head, 1500, 2000, &p.output, &p.geometry);
        assert!(pr.crown_px < 50.0, "{pr:?}");
        assert_eq!(pr.fill_above_px, 0.0);
        // An uncut crown near the edge gets its headroom filled (the preset allows it).
        let uncut = HeadFrame {
            crown_cut: false,
            ..head
        };
        let (_, pr) = best_crop(&uncut, 1500, 2000, &p.output, &p.geometry);
        assert!((50.0..=110.0).contains(&pr.crown_px), "{pr:?}");
        assert!(pr.fill_above_px > 0.0);
    }
}
