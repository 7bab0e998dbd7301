//! The only corrections allowed on a collection photo: global exposure and white balance, within
//! small bounds from the preset, recorded in the report. Nothing local touches the face (no
//! smoothing, reshaping or whitening: those are what reviewers reject as 美颜).

use serde::Serialize;

use super::boxfilter::Plane;
use crate::colour::{lab, srgb};
use crate::preset::CorrectionSpec;

/// What was changed, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Corrections {
    /// Exposure change in stops (0: none).
    pub exposure_ev: f32,
    /// Median L* of the face skin before the change.
    pub face_lightness: Option<f32>,
    /// Per-channel linear gains for white balance (1: none).
    pub white_balance: [f32; 3],
    /// Chroma C*ab of the old background, the reference for white balance; balance is applied
    /// only when it was near-neutral (a white or grey wall shows the light's colour cast).
    pub background_chroma: Option<f32>,
}

impl Corrections {
    pub const NONE: Corrections = Corrections {
        exposure_ev: 0.0,
        face_lightness: None,
        white_balance: [1.0; 3],
        background_chroma: None,
    };

    /// The linear gain per channel, exposure and white balance together.
    pub fn gains(&self) -> [f32; 3] {
        let e = self.exposure_ev.exp2();
        self.white_balance.map(|g| g * e)
    }
}

fn l_star_to_y(l: f32) -> f32 {
    ((l + 16.0) / 116.0).powi(3)
}

fn to_srgb(lin: [f32; 3]) -> [u8; 3] {
    lin.map(srgb)
}

/// Decide the corrections from the face skin (linear pixels inside `face`, a working-grid box)
/// and the old background's mean linear colour.
pub fn decide(
    channels: &[Plane; 3],
    alpha: &Plane,
    face: [usize; 4],
    old_background: Option<[f32; 3]>,
    spec: &CorrectionSpec,
) -> Corrections {
    let [x0, y0, x1, y1] = face;
    let w = alpha.width;
    let mut lightness: Vec<f32> = (y0..y1.min(alpha.height))
        .flat_map(|y| (x0..x1.min(w)).map(move |x| y * w + x))
        .filter(|&k| alpha.data[k] > 0.9)
        .map(|k| {
            lab(to_srgb([
                channels[0].data[k],
                channels[1].data[k],
                channels[2].data[k],
            ]))
            .l
        })
        .collect();
    lightness.sort_by(f32::total_cmp);
    let face_lightness = lightness.get(lightness.len() / 2).copied();
    let exposure_ev = match face_lightness {
        Some(l) if l > 1.0 => {
            let [lo, hi] = spec.face_lightness;
            let target = l.clamp(lo, hi);
            (l_star_to_y(target) / l_star_to_y(l))
                .log2()
                .clamp(-spec.max_exposure_ev, spec.max_exposure_ev)
        }
        _ => 0.0,
    };
    let background_chroma = old_background.map(|b| lab(to_srgb(b)).chroma());
    let white_balance = match (old_background, background_chroma) {
        (Some(b), Some(c)) if c <= spec.neutral_chroma && b.iter().all(|v| *v > 0.02) => {
            let grey = (b[0] + b[1] + b[2]) / 3.0;
            b.map(|v| (grey / v).clamp(1.0 - spec.max_white_balance, 1.0 + spec.max_white_balance))
        }
        _ => [1.0; 3],
    };
    Corrections {
        exposure_ev: (exposure_ev * 100.0).round() / 100.0,
        face_lightness: face_lightness.map(|l| (l * 10.0).round() / 10.0),
        white_balance: white_balance.map(|g| (g * 1000.0).round() / 1000.0),
        background_chroma: background_chroma.map(|c| (c * 10.0).round() / 10.0),
    }
}
