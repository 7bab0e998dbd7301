//! The alpha matte: the segmentation model's soft mask (256×256 over the whole photo, far coarser
//! than hair) refined against the photo itself with a colour guided filter (He, Sun and Tang,
//! "Guided Image Filtering", and its fast subsampled form). The filter fits, in every window,
//! alpha as a linear function of the pixel's colour, so where the photo has an edge (a hair
//! strand, a collar) the matte takes that edge, and where it has none it stays smooth: no hard
//! cut-out line and no halo of the coarse mask.

use image::RgbImage;

use super::boxfilter::{Plane, Upsampler};
use super::foreground::smoothstep;
use crate::analysis::PersonMask;
use crate::framing::Crop;

/// How the matte is refined. The full mode works on a grid twice the output's; preview on the
/// output's own grid with a smaller window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatteParams {
    /// Window radius on the working grid, in pixels.
    pub radius: usize,
    /// Regularisation: larger keeps the coarse mask, smaller follows the photo's edges more.
    pub eps: f32,
    /// Coefficients are fitted on a grid this many times coarser (the fast guided filter).
    pub subsample: usize,
}

/// Full mode: a 16-px window at twice the output resolution spans about 8 output pixels, wide
/// enough to bridge the coarse mask's transition; `eps` 1e-4 lets colour edges of about 1 %
/// contrast steer the matte (1e-3 left the mask's blur around the hair, 1e-5 changed little more).
pub const FULL: MatteParams = MatteParams {
    radius: 16,
    eps: 1e-4,
    subsample: 4,
};

pub const PREVIEW: MatteParams = MatteParams {
    radius: 8,
    eps: 1e-4,
    subsample: 4,
};

/// Alpha values below this are snapped to 0: the filter leaves a faint residue far from any
/// edge, which would tint the new background. (Nothing is snapped to 1: a pixel kept at 0.97
/// goes through decontamination, one pushed to 1 would keep its share of the old wall.)
const SNAP: f32 = 0.04;
/// Coarse-mask values outside the transition band: below, the refined matte is 0, above, 1.
const SURE_OUT: f32 = 0.03;
const SURE_IN: f32 = 0.999;
const BAND_MAX: f32 = 0.999;
/// Radius of the two box means (together a tent `4r + 1` working pixels wide) that smooth the
/// coarse mask for the band's ends: a mask cell spans 4–8 working pixels.
const SURE_BLUR: usize = 2;
/// Smoothed coarse-mask value from which the band's alpha rises towards 1 (reached at `SURE_IN`).
const SURE_RAMP: f32 = 0.9;

/// The person mask sampled on the working grid that covers `crop` (`width × height` pixels).
pub fn coarse(mask: &PersonMask, crop: &Crop, width: u32, height: u32) -> Plane {
    coarse_with(
        |xs, ys| mask.grid(xs, ys),
        mask.image_height as f32,
        crop,
        width,
        height,
    )
}

/// [`coarse`] from any person-probability lookup in source pixels (0 above the photo) over a
/// photo `image_height` pixels high: `grid(xs, ys)` gives the values at every `(x, y)`, row by
/// row (so a bilinear lookup works out each column's and each row's part once).
pub fn coarse_with(
    grid: impl Fn(&[f32], &[f32]) -> Vec<f32>,
    image_height: f32,
    crop: &Crop,
    width: u32,
    height: u32,
) -> Plane {
    let (sx, sy) = (crop.width / width as f32, crop.height / height as f32);
    let xs: Vec<f32> = (0..width)
        .map(|x| crop.left + (x as f32 + 0.5) * sx)
        .collect();
    // Below the photo (filled area) the mask's last row continues, like the pixels do; above it,
    // the lookup gives 0: filled headroom is background.
    let ys: Vec<f32> = (0..height)
        .map(|y| (crop.top + (y as f32 + 0.5) * sy).min(image_height - 0.5))
        .collect();
    Plane::new(width as usize, height as usize, grid(&xs, &ys))
}

/// The guide image as three planes in [0, 1].
fn channel(image: &RgbImage, c: usize) -> Plane {
    let (w, h) = (image.width() as usize, image.height() as usize);
    Plane::new(
        w,
        h,
        image.pixels().map(|p| f32::from(p.0[c]) / 255.0).collect(),
    )
}

/// Refine `coarse` (alpha on the grid of `guide`) with the colour guided filter.
pub fn refine(guide: &RgbImage, coarse: &Plane, params: &MatteParams) -> Plane {
    let (w, h) = (coarse.width, coarse.height);
    let s = params.subsample.max(1);
    let r = (params.radius / s).max(1);
    // One full-size channel at a time: on the working grid each is 4.9 MB, and the pipeline's
    // peak memory falls in this function.
    let i: [Plane; 3] = std::array::from_fn(|c| channel(guide, c).shrink(s));
    let p = coarse.shrink(s);
    let mean = |x: &Plane| x.box_mean(r);
    let mi: [Plane; 3] = std::array::from_fn(|c| mean(&i[c]));
    let mp = mean(&p);
    let cov_ip: [Plane; 3] = std::array::from_fn(|c| {
        let m = mean(&i[c].map2(&p, |a, b| a * b));
        m.map2(&mi[c].map2(&mp, |a, b| a * b), |a, b| a - b)
    });
    // Covariance of the guide's channels: rr, rg, rb, gg, gb, bb.
    let pairs = [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)];
    let var: Vec<Plane> = pairs
        .iter()
        .map(|&(a, b)| {
            let m = mean(&i[a].map2(&i[b], |x, y| x * y));
            m.map2(&mi[a].map2(&mi[b], |x, y| x * y), |x, y| x - y)
        })
        .collect();
    let n = p.data.len();
    let mut a: [Vec<f32>; 3] = std::array::from_fn(|_| Vec::with_capacity(n));
    let mut b = Vec::with_capacity(n);
    for k in 0..n {
        let e = params.eps;
        let (rr, rg, rb, gg, gb, bb) = (
            var[0].data[k] + e,
            var[1].data[k],
            var[2].data[k],
            var[3].data[k] + e,
            var[4].data[k],
            var[5].data[k] + e,
        );
        // Inverse of the symmetric 3×3 covariance by cofactors.
        let (c00, c01, c02) = (gg * bb - gb * gb, gb * rb - rg * bb, rg * gb - gg * rb);
        let (c11, c12, c22) = (rr * bb - rb * rb, rg * rb - rr * gb, rr * gg - rg * rg);
        let det = rr * c00 + rg * c01 + rb * c02;
        let inv = 1.0 / crate::float::max(det, 1e-12);
        let v = [cov_ip[0].data[k], cov_ip[1].data[k], cov_ip[2].data[k]];
        let ak = [
            (c00 * v[0] + c01 * v[1] + c02 * v[2]) * inv,
            (c01 * v[0] + c11 * v[1] + c12 * v[2]) * inv,
            (c02 * v[0] + c12 * v[1] + c22 * v[2]) * inv,
        ];
        b.push(mp.data[k] - ak[0] * mi[0].data[k] - ak[1] * mi[1].data[k] - ak[2] * mi[2].data[k]);
        for c in 0..3 {
            a[c].push(ak[c]);
        }
    }
    let (sw, sh) = (p.width, p.height);
    let a: [Plane; 3] =
        std::array::from_fn(|c| mean(&Plane::new(sw, sh, std::mem::take(&mut a[c]))));
    let b = mean(&Plane::new(sw, sh, b));
    // The coefficients are upsampled only where they are used: in the band.
    let up = Upsampler::new(s, sw, sh, w, h);
    // The band's ends read the coarse mask blurred by about one of its cells. Its iso-lines
    // follow the 256-cell grid, and the band's inner end sits right on the photo's edge where the
    // mask is sharp: pixels there still mixed with the old wall were made person whole, undone
    // by no decontamination, and drew the grid on the file as a staircase of ~5 px steps (a dark
    // line along a pink hat's top). Blurred, the inner end moves a few pixels inside, where the
    // filter decides those pixels and decontamination cleans them.
    let sure = coarse.box_mean(SURE_BLUR).box_mean(SURE_BLUR);
    let data = (0..w * h)
        .map(|k| {
            // Only the coarse mask's transition band is open to the photo's edges: far outside
            // it, a busy wall (a flag, a door frame) must not become person; deep inside it
            // (the mask saturated) the person is whole.
            let c = sure.data[k];
            if c < SURE_OUT {
                return 0.0;
            }
            if c >= SURE_IN {
                return 1.0;
            }
            let (x, y) = (k % w, k / w);
            let px = &guide.as_raw()[3 * k..3 * k + 3];
            let at = |c: usize| f32::from(px[c]) / 255.0;
            let q = up.at(&a[0], x, y) * at(0)
                + up.at(&a[1], x, y) * at(1)
                + up.at(&a[2], x, y) * at(2)
                + up.at(&b, x, y);
            // Inside the band nothing is exactly 1, so decontamination looks at every pixel
            // there (the filter's fit overshoots past 1 right at strong edges).
            let q = ((q - SNAP) / (1.0 - SNAP)).clamp(0.0, BAND_MAX);
            // Towards the band's inner end the matte rises to the person continuously: a jump
            // from the filter's 0.8 to 1 would draw the mask's iso-line on the file.
            let inner = smoothstep(SURE_RAMP, SURE_IN, c);
            q + (BAND_MAX - q) * inner
        })
        .collect();
    let mut alpha = Plane::new(w, h, data);
    fill_enclosed(&mut alpha);
    alpha
}

/// Alpha at or above which a pixel walls in what it surrounds ([`fill_enclosed`]).
const SOLID: f32 = 0.9;

/// Make the person whole where the matte has a hole the wall cannot reach: pixels that no path of
/// non-solid pixels joins to the top, left or right edge of the frame are inside the person. A
/// head-and-shoulders photo has no wall inside its silhouette, but the segmentation's mask dips
/// where a part of the person shares the wall's colour (a white cap's badge on a white wall, a
/// white shirt between dark lapels), and the new background would show through there. The bottom
/// edge is not a way in: the clothing reaches it, and a white shirt between lapels touches it.
fn fill_enclosed(alpha: &mut Plane) {
    let (w, h) = (alpha.width, alpha.height);
    if w == 0 || h == 0 {
        return;
    }
    let mut reached = vec![false; w * h];
    // Indices as u32 (a working grid is far below 4 G pixels): the stack can hold most of the
    // wall at once, and this is where the pipeline's memory peaks.
    let mut stack: Vec<u32> = Vec::new();
    let seeds = (0..w)
        .chain((0..h).map(|y| y * w))
        .chain((0..h).map(|y| y * w + w - 1));
    for k in seeds {
        if alpha.data[k] < SOLID && !reached[k] {
            reached[k] = true;
            stack.push(k as u32);
        }
    }
    while let Some(k) = stack.pop() {
        let k = k as usize;
        let (x, y) = (k % w, k / w);
        let neighbours = [
            (x > 0).then(|| k - 1),
            (x + 1 < w).then(|| k + 1),
            (y > 0).then(|| k - w),
            (y + 1 < h).then(|| k + w),
        ];
        for n in neighbours.into_iter().flatten() {
            if !reached[n] && alpha.data[n] < SOLID {
                reached[n] = true;
                stack.push(n as u32);
            }
        }
    }
    for (a, r) in alpha.data.iter_mut().zip(&reached) {
        if !r && *a < SOLID {
            *a = 1.0;
        }
    }
}

/// The crown on the refined matte: walking from `start` along `up` (working pixels), the last
/// point with alpha ≥ 0.5 before the matte ends for good (a gap longer than `max_gap` pixels).
/// The matte follows the photo's edges, so this is sharper than the coarse mask's crown, and it
/// is what the output will show.
pub fn crown(alpha: &Plane, start: [f32; 2], up: [f32; 2], max_gap: f32) -> Option<[f32; 2]> {
    let (w, h) = (alpha.width as f32, alpha.height as f32);
    let (mut last, mut gap, mut t) = (None, 0.0, 0.0);
    loop {
        let (x, y) = (start[0] + up[0] * t, start[1] + up[1] * t);
        if x < 0.0 || y < 0.0 || x >= w || y >= h {
            return last;
        }
        if alpha.data[y as usize * alpha.width + x as usize] >= 0.5 {
            last = Some([x, y]);
            gap = 0.0;
        } else {
            gap += 0.5;
            if gap > max_gap && last.is_some() {
                return last;
            }
        }
        t += 0.5;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pink hat's top on a grey wall, sloping, and a coarse mask from 6-px cells (bilinear
    /// between their centres) that calls person every cell whose centre lies up to 3 px above
    /// the hat: the mask saturates a little into the wall, in steps along its grid, as the
    /// segmentation's does where the hat is sharp. No pixel of the wall may be made person.
    #[test]
    fn wall_pixels_under_the_masks_saturated_cells_are_not_made_person() {
        let edge = |x: f32| 40.0 + 0.3 * x;
        let guide = RgbImage::from_fn(96, 96, |x, y| {
            image::Rgb(if y as f32 + 0.5 > edge(x as f32 + 0.5) {
                [230, 100, 130]
            } else {
                [120, 120, 125]
            })
        });
        let cell = 6.0f32;
        let centre = |i: i32| (i as f32 + 0.5) * cell;
        let person = |i: i32, j: i32| f32::from(u8::from(centre(j) > edge(centre(i)) - 3.0));
        let coarse = Plane::new(
            96,
            96,
            (0..96 * 96)
                .map(|k| {
                    let (x, y) = ((k % 96) as f32 + 0.5, (k / 96) as f32 + 0.5);
                    let (gx, gy) = (x / cell - 0.5, y / cell - 0.5);
                    let (i, j) = (gx.floor() as i32, gy.floor() as i32);
                    let (tx, ty) = (gx - i as f32, gy - j as f32);
                    let top = person(i, j) * (1.0 - tx) + person(i + 1, j) * tx;
                    let bottom = person(i, j + 1) * (1.0 - tx) + person(i + 1, j + 1) * tx;
                    top * (1.0 - ty) + bottom * ty
                })
                .collect(),
        );
        let alpha = refine(&guide, &coarse, &FULL);
        let mut worst = (0.0f32, 0, 0);
        for y in 0..96 {
            for x in 0..96 {
                let wall_by = edge(x as f32 + 0.5) - (y as f32 + 0.5);
                let a = alpha.data[y * 96 + x];
                if wall_by >= 1.5 && a > worst.0 {
                    worst = (a, x, y);
                }
            }
        }
        assert!(worst.0 < 0.5, "wall pixel made person: {worst:?}");
    }

    /// A 40×40 matte: a solid disc (the person) reaching the bottom edge, with a soft hole inside
    /// it, a soft notch open to the wall at its left, and a channel from the bottom edge.
    fn person_with_holes() -> Plane {
        let data = (0..40 * 40)
            .map(|k| {
                let (x, y) = ((k % 40) as f32, (k / 40) as f32);
                let inside = (x - 20.0).powi(2) + (y - 26.0).powi(2) < 15.0f32.powi(2) || y > 30.0;
                let hole = (x - 20.0).abs() < 3.0 && (y - 22.0).abs() < 3.0;
                let notch = x < 12.0 && (y - 24.0).abs() < 2.0;
                let channel = (x - 20.0).abs() < 1.5 && y > 32.0;
                match () {
                    _ if hole => 0.3,
                    _ if notch || channel => 0.2,
                    _ if inside => 1.0,
                    _ => 0.0,
                }
            })
            .collect();
        Plane::new(40, 40, data)
    }

    #[test]
    fn a_hole_inside_the_person_is_filled_and_the_wall_is_not() {
        let mut alpha = person_with_holes();
        fill_enclosed(&mut alpha);
        let at = |x: usize, y: usize| alpha.data[y * 40 + x];
        assert_eq!(at(20, 22), 1.0, "the enclosed hole is person");
        assert_eq!(at(2, 2), 0.0, "the wall stays wall");
        assert_eq!(at(8, 24), 0.2, "a notch open to the wall stays soft");
        // Open to the bottom edge only (a white shirt between lapels): person.
        assert_eq!(at(20, 36), 1.0);
    }
}
