//! The crop of the standardised photo: [`best_crop`](crate::framing::best_crop) on the head, then
//! a refusal, with the constraint named, when even the best crop misses a range or leaves the
//! photo. A non-compliant file is never produced silently.

use serde::Serialize;

use crate::analysis::Face;
use crate::error::{Error, Result};
use crate::framing::{best_crop, Crop, HeadFrame, Prediction};
use crate::preset::{thresholds, Preset};

/// Where the output comes from in the source and where the head lands on it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Framing {
    /// The source rectangle (upright photo pixels) and output pixels per source pixel.
    pub crop: Crop,
    /// Crown, eye line, face width and centring on the output, as planned.
    pub predicted: Prediction,
    /// Rotation applied to the source to level the eyes, degrees counter-clockwise (0 unless the
    /// preset allows rotation; the presets we ship do not). The crop is in the turned photo.
    pub rotation_deg: f32,
}

/// Source pixels a crop may stray outside the photo (rounding of the scale grid).
const EDGE_SLACK_PX: f32 = 0.5;
/// Output pixels a planned value may miss its range by (the scale grid's step).
const RANGE_SLACK_PX: f32 = 0.5;

/// Plan the crop for `face` in a `width × height` photo, or say which constraint cannot be met.
pub fn plan(face: &Face, width: u32, height: u32, preset: &Preset) -> Result<Framing> {
    let head = HeadFrame::of(face).ok_or(Error::NoCrown)?;
    if face.geometry.crown_at_edge {
        return Err(Error::CannotFrame {
            constraint: "geometry.crown",
            measured: 0.0,
            min: preset.geometry.crown_px.map_or(0.0, |r| r[0]),
            max: preset.geometry.crown_px.map_or(0.0, |r| r[1]),
        });
    }
    let geo = &preset.geometry;
    let (crop, p) = best_crop(&head, width, height, &preset.output, geo);
    let ranges = [
        ("geometry.crown", p.crown_px, geo.crown_px),
        ("geometry.eye_line", p.eye_line_px, geo.eye_line_px),
        ("geometry.face_width", p.face_width_px, geo.face_width_px),
    ];
    for (constraint, measured, range) in ranges {
        if let Some([min, max]) = range {
            if measured < min - RANGE_SLACK_PX || measured > max + RANGE_SLACK_PX {
                return Err(Error::CannotFrame {
                    constraint,
                    measured,
                    min,
                    max,
                });
            }
        }
    }
    if let Some(max) = thresholds(preset)
        .get("geometry.centered")
        .and_then(|t| t.max)
    {
        let max = max as f32;
        if p.centre_offset_px.abs() > max {
            return Err(Error::CannotFrame {
                constraint: "geometry.centered",
                measured: p.centre_offset_px.abs(),
                min: 0.0,
                max,
            });
        }
    }
    let (w, h) = (width as f32, height as f32);
    let below = if geo.allow_fill_below_shoulders {
        0.0
    } else {
        crop.top + crop.height - h
    };
    let above = if geo.allow_fill_above_head && !head.crown_cut {
        0.0
    } else {
        -crop.top
    };
    let overflow = [-crop.left, above, crop.left + crop.width - w, below]
        .into_iter()
        .fold(0.0f32, f32::max);
    if overflow > EDGE_SLACK_PX {
        return Err(Error::CannotFrame {
            constraint: "framing.photo_edge",
            measured: overflow * crop.scale,
            min: 0.0,
            max: 0.0,
        });
    }
    Ok(Framing {
        crop,
        predicted: p,
        rotation_deg: 0.0,
    })
}
