//! How much of the standardised photo the person segmentation kept without being sure of it. The
//! model's mask is sure (near 1) over the person and uncertain only in a band a few of its cells
//! wide along their outline; an outdoor scene beside the shoulder (foliage, a building) can come
//! out as a wide field of middling values, which the matte then keeps as if it were the person,
//! and the file shows a block of the old scene on the new colour. Colour cannot tell that field
//! from clothing (a white building beside a white collar), so the closed loop reports it as what
//! it is: an area where the cut-out was a guess ([`share`]), for the graduate to look at.

use super::boxfilter::Plane;
use crate::analysis::PersonMask;

/// Coarse-mask values at or above which the model is sure the pixel is the person.
const SURE: f32 = 0.98;
/// Coarse-mask values between which the model was unsure: below the first it called the pixel
/// the wall (what the matte keeps there follows the photo's own edge), from the second on it was
/// nearly sure of the person.
const UNSURE: (f32, f32) = (0.25, 0.9);
/// How far from the sure core, in mask cells, an unsure pixel is more than the outline's own
/// transition (which spans one to three cells along a head or a shoulder).
const FAR_CELLS: f32 = 4.0;

/// The share of the `width × height` output that the matte kept (`alpha` ≥ ½, on its working
/// grid) where the coarse mask was unsure ([`UNSURE`]) and more than [`FAR_CELLS`] mask cells
/// (`cell_px` output pixels each) from the nearest pixel it was sure of. `coarse_at(w, h)` gives
/// the coarse mask over the output on a `w × h` grid: it is read on one half the output's each
/// way, as a mask cell spans five output pixels or more (a quarter of the work: 7.0 ms natively
/// on the full output grid, 1.6 ms on this one, the same figures over the corpus).
pub fn share(
    coarse_at: impl FnOnce(u32, u32) -> Plane,
    alpha: &Plane,
    cell_px: f32,
    width: u32,
    height: u32,
) -> f32 {
    share_on(
        &coarse_at(width.div_ceil(2), height.div_ceil(2)),
        alpha,
        cell_px / 2.0,
    )
}

/// [`share`] on the grid of `coarse`, whose cells are `cell_px` of its pixels.
fn share_on(coarse: &Plane, alpha: &Plane, cell_px: f32) -> f32 {
    let (w, h) = (coarse.width, coarse.height);
    if w == 0 || h == 0 || alpha.width == 0 || alpha.height == 0 {
        return 0.0;
    }
    let distance = distance_to(coarse, |v| v >= SURE);
    let far = FAR_CELLS * cell_px;
    let (fx, fy) = (
        alpha.width as f32 / w as f32,
        alpha.height as f32 / h as f32,
    );
    let mut kept = 0usize;
    for y in 0..h {
        let ay = ((y as f32 + 0.5) * fy) as usize;
        for x in 0..w {
            let k = y * w + x;
            if !(UNSURE.0..UNSURE.1).contains(&coarse.data[k]) || distance[k] <= far {
                continue;
            }
            let ax = ((x as f32 + 0.5) * fx) as usize;
            let a = alpha.data[ay.min(alpha.height - 1) * alpha.width + ax.min(alpha.width - 1)];
            kept += usize::from(a >= 0.5);
        }
    }
    kept as f32 / (w * h) as f32
}

/// The side of one of `mask`'s cells in pixels of the image it covers (the geometric mean of the
/// cell's two sides).
pub fn cell_px(mask: &PersonMask) -> f32 {
    (mask.image_width as f32 / mask.width.max(1) as f32 * mask.image_height as f32
        / mask.height.max(1) as f32)
        .sqrt()
}

/// Each pixel's distance, in pixels, to the nearest pixel of `plane` where `inside` holds (the
/// 3-4 chamfer metric, within 8 % of the Euclidean distance: the bound it is compared with is a
/// round number of mask cells). Infinite where none holds.
fn distance_to(plane: &Plane, inside: impl Fn(f32) -> bool) -> Vec<f32> {
    let (w, h) = (plane.width, plane.height);
    let mut d: Vec<f32> = plane
        .data
        .iter()
        .map(|&v| if inside(v) { 0.0 } else { f32::INFINITY })
        .collect();
    let (straight, diagonal) = (1.0, 4.0 / 3.0);
    for y in 0..h {
        for x in 0..w {
            let mut best = d[y * w + x];
            if x > 0 {
                best = best.min(d[y * w + x - 1] + straight);
            }
            if y > 0 {
                best = best.min(d[(y - 1) * w + x] + straight);
                if x > 0 {
                    best = best.min(d[(y - 1) * w + x - 1] + diagonal);
                }
                if x + 1 < w {
                    best = best.min(d[(y - 1) * w + x + 1] + diagonal);
                }
            }
            d[y * w + x] = best;
        }
    }
    for y in (0..h).rev() {
        for x in (0..w).rev() {
            let mut best = d[y * w + x];
            if x + 1 < w {
                best = best.min(d[y * w + x + 1] + straight);
            }
            if y + 1 < h {
                best = best.min(d[(y + 1) * w + x] + straight);
                if x + 1 < w {
                    best = best.min(d[(y + 1) * w + x + 1] + diagonal);
                }
                if x > 0 {
                    best = best.min(d[(y + 1) * w + x - 1] + diagonal);
                }
            }
            d[y * w + x] = best;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plane(w: usize, h: usize, f: impl Fn(usize, usize) -> f32) -> Plane {
        Plane::new(w, h, (0..w * h).map(|k| f(k % w, k / w)).collect())
    }

    #[test]
    fn distances_are_close_to_euclidean() {
        let p = plane(41, 41, |x, y| if (x, y) == (20, 20) { 1.0 } else { 0.0 });
        let d = distance_to(&p, |v| v >= 1.0);
        assert_eq!(d[20 * 41 + 20], 0.0);
        assert_eq!(d[20 * 41 + 30], 10.0);
        let diagonal = d[30 * 41 + 30];
        assert!(
            (diagonal - 200f32.sqrt()).abs() < 0.08 * 200f32.sqrt(),
            "{diagonal}"
        );
        assert!(distance_to(&p, |_| false).iter().all(|v| v.is_infinite()));
    }

    #[test]
    fn an_outline_band_is_not_counted_and_a_wide_unsure_field_is() {
        // A sure person on the left half; beyond it the mask falls to 0.5 over 3 px (an
        // outline, cells of 1 px here), or stays at 0.5 for the 20 px to the right (a field).
        let outline = plane(40, 20, |x, _| match x {
            0..20 => 1.0,
            20..23 => 0.5,
            _ => 0.0,
        });
        let field = plane(40, 20, |x, _| if x < 20 { 1.0 } else { 0.5 });
        let kept = plane(80, 40, |_, _| 1.0);
        assert_eq!(share_on(&outline, &kept, 1.0), 0.0);
        // Columns 25..40 are more than 4 cells from the sure half: 15 of 40.
        let s = share_on(&field, &kept, 1.0);
        assert!((s - 15.0 / 40.0).abs() < 0.03, "{s}");
        // What the matte dropped is not counted, and coarser cells reach further.
        assert_eq!(share_on(&field, &plane(80, 40, |_, _| 0.0), 1.0), 0.0);
        assert!(share_on(&field, &kept, 4.0) < s);
        // Over an output twice the field's size each way, read on the half grid: the same share.
        let over_output = share(
            |w, h| {
                plane(
                    w as usize,
                    h as usize,
                    |x, _| if x < 20 { 1.0 } else { 0.5 },
                )
            },
            &kept,
            2.0,
            80,
            40,
        );
        assert_eq!(over_output, s);
    }
}
