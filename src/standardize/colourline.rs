//! The matte's edge decided by colour where the photo can decide it. The guided filter fits alpha
//! to the coarse mask within each window, so where the mask's transition lies a few pixels off the
//! photo's edge, pixels of a dark shirt keep alpha ≈ 0.7 (composited, a band of the new blue mixed
//! into the shirt), and where the mask's saturated core begins alpha jumps to 1 along the mask's
//! own grid (a staircase of ~5 px steps on the output). Compositing is linear in linear light,
//! `I = αF + (1−α)B`: with the person's colour `F` and the old wall's `B` estimated nearby (from
//! pixels the matte is sure of), a pixel's place on the line from `B` to `F` is its alpha. That
//! is the colour-line model of matting (Levin, Lischinski and Weiss, "A Closed-Form Solution to
//! Natural Image Matting"), applied pixel by pixel with local estimates, and only where it holds:
//! the two colours far enough apart and the pixel near their line. Elsewhere (a white T-shirt on
//! a white wall) the guided filter's alpha stays. (Narrowing its ramp there, tried, did not clean
//! the smear of a white T-shirt on a white wall and moved the crown read off the render with the
//! photo's scale.)

use super::boxfilter::{Plane, Upsampler};
use super::foreground::{linear_channels, local_mean, smoothstep, SUBSAMPLE};
use image::RgbImage;

/// Alpha at or above which a pixel counts as the person's colour, and at or below which as the
/// wall's, for the local estimates.
const SURE_PERSON: f32 = 0.98;
const SURE_WALL: f32 = 0.02;
/// Share of sure pixels a window needs for its estimate to count.
const MIN_SHARE: f32 = 0.02;
/// Distance between the two colours (linear RGB) over which the colour line takes over: under the
/// first the guided filter's alpha stays, over the second the colour decides.
const CONTRAST: (f32, f32) = (0.06, 0.15);
/// Distance of the pixel from the line, as a share of the two colours' distance, over which the
/// model does not hold (a third colour: a collar, a strap, a shadow of another hue).
const OFF_LINE: (f32, f32) = (0.35, 0.2);

/// `alpha` (on the grid of `guide`) with its transition band decided by colour where it can be.
pub fn decide(guide: &RgbImage, alpha: &Plane) -> Plane {
    let (w, h) = (alpha.width, alpha.height);
    let channels = linear_channels(guide);
    let (person, person_share) = local_mean(&channels, alpha, |a| a >= SURE_PERSON, [0.0; 3]);
    let (wall, wall_share) = local_mean(&channels, alpha, |a| a <= SURE_WALL, [0.0; 3]);
    let up = Upsampler::new(SUBSAMPLE, wall_share.width, wall_share.height, w, h);
    let data = (0..w * h)
        .map(|k| {
            let a = alpha.data[k];
            if a <= 0.0 || a >= 1.0 {
                return a;
            }
            let (x, y) = (k % w, k / w);
            if up.at(&person_share, x, y) < MIN_SHARE || up.at(&wall_share, x, y) < MIN_SHARE {
                return a;
            }
            let f: [f32; 3] = std::array::from_fn(|c| up.at(&person[c], x, y));
            let b: [f32; 3] = std::array::from_fn(|c| up.at(&wall[c], x, y));
            let i: [f32; 3] = std::array::from_fn(|c| channels[c].data[k]);
            let d: [f32; 3] = std::array::from_fn(|c| f[c] - b[c]);
            let n2: f32 = d.iter().map(|v| v * v).sum();
            let contrast = n2.sqrt();
            if contrast < CONTRAST.0 {
                return a;
            }
            let t = (0..3).map(|c| (i[c] - b[c]) * d[c]).sum::<f32>() / n2;
            let off: f32 = (0..3)
                .map(|c| (i[c] - b[c] - t * d[c]).powi(2))
                .sum::<f32>()
                .sqrt()
                / contrast;
            let trust = smoothstep(CONTRAST.0, CONTRAST.1, contrast)
                * (1.0 - smoothstep(OFF_LINE.1, OFF_LINE.0, off));
            // Never exactly 1 in the band: decontamination still looks at every pixel there.
            let by_colour = t.clamp(0.0, 0.999);
            trust * by_colour + (1.0 - trust) * a
        })
        .collect();
    Plane::new(w, h, data)
}
