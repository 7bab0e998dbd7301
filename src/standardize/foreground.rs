//! Colour decontamination and compositing, in linear light. Where alpha is fractional (hair
//! strands, the soft edge of a collar) a pixel is a mix of the person and the old wall:
//! `I = αF + (1−α)B`. Pasting `I` over a new colour keeps the old wall's share, which shows as a
//! grey or white fringe around the hair on blue. So the old background `B` is estimated locally
//! (the mean of nearby pixels that are surely background), `F` solved from the equation, and where
//! alpha is too small for that to be stable, `F` is taken from nearby surely-foreground pixels.

use image::RgbImage;

use super::boxfilter::{Plane, Upsampler};
use crate::colour::linear_table;
use crate::float::{max, min};

/// Alpha below which a pixel is surely background, for the local wall colour. Surely person is
/// alpha exactly 1: the matte gives that only where the coarse mask is saturated, away from the
/// edge, so edge pixels carrying some wall never count as the person's colour.
const SURE_BACKGROUND: f32 = 0.1;
/// The local estimates average over a window of this radius, in working pixels: wide enough to
/// reach across the matte's transition band into sure pixels on both sides.
const LOCAL_RADIUS: usize = 24;
pub(super) const SUBSAMPLE: usize = 4;

pub(super) fn smoothstep(lo: f32, hi: f32, x: f32) -> f32 {
    let t = ((x - lo) / (hi - lo)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Whether a matte value is surely background ([`SURE_BACKGROUND`]) or surely person (1).
fn sure_background(a: f32) -> bool {
    a < SURE_BACKGROUND
}

fn sure_person(a: f32) -> bool {
    a >= 1.0
}

/// The local mean of each channel over the pixels where `keep(alpha)`, with `fallback` where
/// none is near, and the share of such pixels in each window; all on the grid shrunk by
/// `SUBSAMPLE` (sample them with an [`Upsampler`]).
pub(super) fn local_mean(
    channels: &[Plane; 3],
    alpha: &Plane,
    keep: impl Fn(f32) -> bool + Copy,
    fallback: [f32; 3],
) -> ([Plane; 3], Plane) {
    let r = LOCAL_RADIUS / SUBSAMPLE;
    let wm = alpha.shrink_kept(keep, None, SUBSAMPLE).box_mean(r);
    let means = std::array::from_fn(|c| {
        let num = alpha
            .shrink_kept(keep, Some(&channels[c]), SUBSAMPLE)
            .box_mean(r);
        num.map2(&wm, |n, d| if d > 1e-3 { n / d } else { fallback[c] })
    });
    (means, wm)
}

/// The mean of each channel over the pixels where `keep(alpha)`, if any. One pass keeps the four
/// running sums side by side (each adds the same values in the same order as a pass of its own).
fn global_mean(
    channels: &[Plane; 3],
    alpha: &Plane,
    keep: impl Fn(f32) -> bool + Copy,
) -> Option<[f32; 3]> {
    let (mut total, mut sums) = (0.0f32, [0.0f32; 3]);
    let [r, g, b] = channels.each_ref().map(|p| &p.data);
    for (k, a) in alpha.data.iter().enumerate() {
        if keep(*a) {
            total += 1.0;
            sums[0] += r[k];
            sums[1] += g[k];
            sums[2] += b[k];
        }
    }
    (total > 0.0).then(|| sums.map(|s| s / total))
}

/// Least share of the person, as colour reads it, with which a pixel steepened to more is
/// unmixed ([`composite`]).
const UNMIX_FROM: f32 = 0.5;

/// Linear chroma (distance from grey) of a wall saturated enough to spill onto everything near it.
const SATURATED_WALL: f32 = 0.3;

/// In the transition band, no pixel may be tinted towards the wall's hue more than the person
/// nearby is: the excess along the wall's chroma direction is removed (what chroma-key "despill"
/// does for green screens, for any clearly coloured wall). Grey walls have no hue to spill.
///
/// Inside the band every pixel is treated so; pixels the matte calls fully person only next to a
/// saturated wall (chroma ≥ `SATURATED_WALL`: a green screen, a blue cloth backdrop), whose spill
/// tints dark garments visibly. A muted wall (Grace Hopper's blue-grey) leaves them alone, so a
/// navy cap keeps its colour.
fn despill(f: [f32; 3], f_near: [f32; 3], wall: [f32; 3], min_chroma: f32) -> [f32; 3] {
    let grey = (wall[0] + wall[1] + wall[2]) / 3.0;
    let u: [f32; 3] = wall.map(|v| v - grey);
    let n = (u[0] * u[0] + u[1] * u[1] + u[2] * u[2]).sqrt();
    if n < min_chroma {
        return f;
    }
    let u = u.map(|v| v / n);
    let excess = max((0..3).map(|c| (f[c] - f_near[c]) * u[c]).sum::<f32>(), 0.0);
    std::array::from_fn(|c| (f[c] - excess * u[c]).clamp(0.0, 1.0))
}

/// The photo's channels in linear light.
pub fn linear_channels(image: &RgbImage) -> [Plane; 3] {
    let table = linear_table();
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut planes: [Vec<f32>; 3] = std::array::from_fn(|_| Vec::with_capacity(w * h));
    for p in image.as_raw().chunks_exact(3) {
        for (plane, &v) in planes.iter_mut().zip(p) {
            plane.push(table[usize::from(v)]);
        }
    }
    planes.map(|data| Plane::new(w, h, data))
}

/// Mean linear colour of the surely-background pixels (the old wall), if any.
pub fn old_background(channels: &[Plane; 3], alpha: &Plane) -> Option<[f32; 3]> {
    global_mean(channels, alpha, sure_background)
}

/// Working pixels inwards (along the matte's rise) at which a rim pixel's colour is compared.
const RIM_DEPTH: f32 = 4.0;

/// The pixels (indices, ascending) that steepening made more opaque than colour says they are
/// made of (`blend`, from [`UNMIX_FROM`] up: below, the division amplifies noise), and whose
/// colour is a rim's: unlike the person's a few pixels further in, by at least half as much as
/// it is unlike the person's colour nearby (`near_fg`); with that colour further in. A light
/// garment's own edge (a metal ring, piping, a white collar) on a light wall reads as a blend
/// too, but it goes on inwards; the wall's share in a dark jacket's outermost pixels does not.
fn rim_pixels(
    channels: &[Plane; 3],
    alpha: &Plane,
    blend: &Plane,
    near_fg: &[Plane; 3],
    up: &Upsampler,
) -> Vec<(usize, [f32; 3])> {
    let (w, h) = (alpha.width, alpha.height);
    let at = |p: &Plane, x: usize, y: usize| p.data[y * w + x];
    let d2 = |p: [f32; 3], q: [f32; 3]| (0..3).map(|c| (p[c] - q[c]).powi(2)).sum::<f32>();
    (0..w * h)
        .filter(|&k| (UNMIX_FROM..alpha.data[k]).contains(&blend.data[k]))
        .filter_map(|k| {
            let (x, y) = (k % w, k / w);
            let (xl, xr) = (x.saturating_sub(1), (x + 1).min(w - 1));
            let (yu, yd) = (y.saturating_sub(1), (y + 1).min(h - 1));
            let (gx, gy) = (
                at(alpha, xr, y) - at(alpha, xl, y),
                at(alpha, x, yd) - at(alpha, x, yu),
            );
            let norm = (gx * gx + gy * gy).sqrt();
            if norm < 1e-4 {
                return None;
            }
            let step = |v: usize, g: f32, n: usize| {
                (v as f32 + RIM_DEPTH * g / norm)
                    .round()
                    .clamp(0.0, (n - 1) as f32) as usize
            };
            let (xi, yi) = (step(x, gx, w), step(y, gy, h));
            let i: [f32; 3] = std::array::from_fn(|c| channels[c].data[k]);
            let inner: [f32; 3] = std::array::from_fn(|c| at(&channels[c], xi, yi));
            let f_near: [f32; 3] = std::array::from_fn(|c| up.at(&near_fg[c], x, y));
            (d2(i, inner) >= 0.25 * d2(i, f_near)).then_some((k, inner))
        })
        .collect()
}

/// Estimate the foreground colour, apply the global `gains` (exposure × white balance) to it,
/// and composite over `background` (linear RGB). `old_wall` is [`old_background`] of the same
/// channels and matte. Each pixel's colour is unmixed with `blend` where given (what the pixel
/// is made of, before the matte was steepened: [`super::colourline::Decided`]) and composited
/// with `alpha`: a pixel steepened to opaque that is part wall shows the person's colour, not
/// the wall's share. The result replaces `channels`, pixel by pixel:
/// each pixel reads only its own values and the local estimates made before the loop, so no
/// second full-size image is needed (on a 50 MP photo the pipeline's peak memory is here).
pub fn composite(
    mut channels: [Plane; 3],
    alpha: &Plane,
    blend: Option<&Plane>,
    old_wall: Option<[f32; 3]>,
    background: [f32; 3],
    gains: [f32; 3],
) -> [Plane; 3] {
    let (w, h) = (alpha.width, alpha.height);
    let bg_mean = old_wall.unwrap_or(background);
    let fg_mean = global_mean(&channels, alpha, sure_person).unwrap_or([0.5; 3]);
    let (old, wall_share) = local_mean(&channels, alpha, sure_background, bg_mean);
    let (near_fg, _) = local_mean(&channels, alpha, sure_person, fg_mean);
    let up = Upsampler::new(SUBSAMPLE, wall_share.width, wall_share.height, w, h);
    let rims = blend.map_or_else(Vec::new, |b| rim_pixels(&channels, alpha, b, &near_fg, &up));
    let mut rims = rims.into_iter().peekable();
    for k in 0..w * h {
        let a = alpha.data[k];
        if a <= 0.0 {
            // Pure background: nothing of the person to estimate.
            for c in 0..3 {
                channels[c].data[k] = background[c];
            }
            continue;
        }
        let (x, y) = (k % w, k / w);
        let i: [f32; 3] = std::array::from_fn(|c| channels[c].data[k]);
        let share = up.at(&wall_share, x, y);
        // A rim pixel ([`rim_pixels`]) is unmixed with colour's share too.
        while rims.next_if(|r| r.0 < k).is_some() {}
        let rim = rims
            .next_if(|r| r.0 == k)
            .and_then(|(_, inner)| Some((blend?.data[k], inner)));
        let mut f = i;
        // The local estimates are needed on the soft edge and wherever the wall is near.
        if a < 1.0 || share > 0.0 {
            let b: [f32; 3] = std::array::from_fn(|c| up.at(&old[c], x, y));
            let f_near: [f32; 3] = std::array::from_fn(|c| up.at(&near_fg[c], x, y));
            let unmixed = |u: f32| -> [f32; 3] {
                std::array::from_fn(|c| {
                    let solved = ((i[c] - (1.0 - u) * b[c]) / max(u, 0.01)).clamp(0.0, 1.0);
                    let t = smoothstep(0.3, 0.9, u);
                    t * solved + (1.0 - t) * f_near[c]
                })
            };
            if a < 1.0 {
                f = unmixed(a);
                // Taken only as far as it moves the pixel towards the person's own colour a few
                // pixels in, never past it nor aside: along hair, whose strands are darker than
                // the local mean of hair and skin, colour underrates the share and the full
                // unmixing overshoots into a dark, purple or saturated fringe; towards that
                // local mean, a grey jacket's edge took a dark line.
                if let Some((u, inner)) = rim {
                    let by_colour = unmixed(u);
                    let towards: [f32; 3] = std::array::from_fn(|c| inner[c] - f[c]);
                    let n2: f32 = towards.iter().map(|v| v * v).sum();
                    if n2 > 1e-6 {
                        let t = ((0..3)
                            .map(|c| (by_colour[c] - f[c]) * towards[c])
                            .sum::<f32>()
                            / n2)
                            .clamp(0.0, 1.0);
                        f = std::array::from_fn(|c| f[c] + t * towards[c]);
                    }
                }
            }
            if share > 0.0 {
                let min_chroma = if a < 1.0 { 0.1 } else { SATURATED_WALL };
                f = despill(f, f_near, b, min_chroma);
            }
        }
        for c in 0..3 {
            channels[c].data[k] = a * min(f[c] * gains[c], 1.0) + (1.0 - a) * background[c];
        }
    }
    channels
}
