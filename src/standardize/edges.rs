//! How clean the cut-out's edge is on the standardised photo, read off the file's own pixels
//! where the shoulders meet the flat background: a reviewer looking at 1:1 sees a staircase (the
//! coarse segmentation grid showing through) or a band of colours between clothing and
//! background long before a head geometry that is a pixel off.
//!
//! Along each column beside the neck, from the background down into the shoulder, the edge is
//! where the colour's distance from the flat background crosses half the shoulder's own; only
//! columns with a clear contrast and a gentle slope are read (a steep edge is crossed at a slant
//! by a column and would read wide).
//! - `steps`: the edge line against its own smoothed self (Gaussian, σ 3 px), as an RMS in
//!   pixels. A fabric edge is smooth; a grid's steps leave a saw-tooth of a pixel or more.
//! - `band`: the share of the columns where two or more pixels dwell part-way (45–92 %) from the
//!   background's colour to the shoulder's, changing less than 8 % to the next. A photographed
//!   edge, sharp or soft, ramps through; a matte that cannot decide leaves a plateau of one blend
//!   (a dark shirt's edge as a teal stripe on blue). Given the matte (the closed loop has it),
//!   only pixels it composited from both count: an opaque pixel shows the photo's own colour, and
//!   a garment's shading or rim light dwelling part-way is not a band.

use image::RgbImage;
use serde::Serialize;

use crate::analysis::PersonMask;

/// The edge figures of one standardised photo.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct EdgeQuality {
    /// Columns whose shoulder edge could be read.
    pub columns: usize,
    /// RMS distance of the edge from its smoothed self, px; `None` without a run of 16 columns.
    pub steps_px: Option<f32>,
    /// Share of the readable columns with a plateau of blended colour across the edge; `None`
    /// without readable columns.
    pub band_share: Option<f32>,
}

/// Colour distance (RGB, 0–441) under which a pixel is the flat background.
const BACKGROUND: f32 = 14.0;
/// Least distance of the shoulder's colour from the background for its edge to be read.
const CONTRAST: f32 = 60.0;
/// Steepest edge read, as rows per column.
const MAX_SLOPE: f32 = 1.5;
/// Shortest run of neighbouring readable columns the step measure uses, and the margin at each
/// end of a run where the smoothing has too few neighbours.
const MIN_RUN: usize = 16;
const RUN_MARGIN: usize = 6;
const SMOOTH_SIGMA: f32 = 3.0;
/// The part of the way from the background's colour to the shoulder's where a pixel is blended,
/// and the change to the next pixel under which it dwells there.
const PART_WAY: (f32, f32) = (0.45, 0.92);
const FLAT: f32 = 0.08;
/// Matte alpha from which a pixel is the person's own colour, not a blend with the background.
const OPAQUE: f32 = 0.97;
/// Pixels dwelling part-way that make a column's plateau.
const PLATEAU: usize = 2;

/// One column's reading: the edge's row (sub-pixel) and how many pixels along the column dwell
/// part-way between the background's colour and the shoulder's.
#[derive(Clone, Copy)]
struct Crossing {
    row: f32,
    plateau: usize,
}

/// The edge quality of `image` on the flat `background`, beside a face whose chin is at
/// `chin` (output px), centred at `centre_x`, `face_width` px wide. `matte`, where given, is the
/// alpha the image was composited with, over the image.
pub fn measure(
    image: &RgbImage,
    matte: Option<&PersonMask>,
    background: [u8; 3],
    chin: [f32; 2],
    centre_x: f32,
    face_width: f32,
) -> EdgeQuality {
    let (w, h) = (image.width() as i64, image.height() as i64);
    let top = (chin[1] - 0.2 * face_width).max(0.0) as i64;
    let inner = 0.6 * face_width;
    let left_end = (centre_x - inner).floor() as i64;
    let right_start = (centre_x + inner).ceil() as i64;
    let distance = |x: i64, y: i64| {
        let p = image.get_pixel(x as u32, y as u32).0;
        let d: f32 = (0..3)
            .map(|c| (f32::from(p[c]) - f32::from(background[c])).powi(2))
            .sum();
        d.sqrt()
    };
    let column = |x: i64| -> Option<Crossing> {
        if top >= h - 12 || distance(x, top) >= BACKGROUND {
            return None;
        }
        let first = (top..h - 10).find(|&y| distance(x, y) >= 2.0 * BACKGROUND)?;
        let mut inside: Vec<f32> = (first + 4..=first + 8).map(|y| distance(x, y)).collect();
        let level = crate::checks::median(&mut inside)?;
        if level < CONTRAST {
            return None;
        }
        let profile: Vec<f32> = (first - 4..=first + 8)
            .map(|y| (distance(x, y.max(0)) / level).min(1.0))
            .collect();
        let at = |share: f32| {
            profile.windows(2).enumerate().find_map(|(i, p)| {
                (p[0] < share && p[1] >= share)
                    .then(|| (first - 4 + i as i64) as f32 + (share - p[0]) / (p[1] - p[0]))
            })
        };
        let mid = at(0.5)?;
        // Pixels that dwell part-way: blended, and hardly changing towards the shoulder's colour.
        // With the matte, only pixels it composited from both count: an opaque pixel shows the
        // photo's own colour (a garment's shading, rim light), however part-way it reads.
        let composited =
            |y: i64| matte.is_none_or(|m| m.at(x as f32 + 0.5, y as f32 + 0.5) < OPAQUE);
        let plateau = profile
            .windows(2)
            .enumerate()
            .filter(|(i, p)| {
                (PART_WAY.0..=PART_WAY.1).contains(&p[0])
                    && (p[1] - p[0]).abs() <= FLAT
                    && composited(first - 4 + *i as i64)
            })
            .count();
        Some(Crossing { row: mid, plateau })
    };
    let mut runs: Vec<Vec<Crossing>> = Vec::new();
    let mut plateaus = 0;
    let mut residuals = Vec::new();
    let sides = [(0, left_end.min(w)), (right_start.max(0), w)];
    for (from, to) in sides {
        let mut run: Vec<Crossing> = Vec::new();
        for x in from..to {
            match column(x) {
                Some(c) if run.last().is_none_or(|p| (c.row - p.row).abs() <= 3.0) => run.push(c),
                found => {
                    runs.push(std::mem::take(&mut run));
                    run.extend(found);
                }
            }
        }
        runs.push(run);
    }
    let mut columns = 0;
    for run in runs.iter().filter(|r| r.len() >= 3) {
        let rows: Vec<f32> = run.iter().map(|c| c.row).collect();
        let smooth = gaussian(&rows, SMOOTH_SIGMA);
        // The run's ends have no slope on both sides: they are not read.
        for (i, c) in run.iter().enumerate().take(run.len() - 1).skip(1) {
            let slope = (smooth[i + 1] - smooth[i - 1]) / 2.0;
            if slope.abs() > MAX_SLOPE {
                continue;
            }
            columns += 1;
            plateaus += usize::from(c.plateau >= PLATEAU);
            if run.len() >= MIN_RUN && (RUN_MARGIN..run.len() - RUN_MARGIN).contains(&i) {
                residuals.push(rows[i] - smooth[i]);
            }
        }
    }
    let steps_px = (residuals.len() >= MIN_RUN - 2 * RUN_MARGIN)
        .then(|| (residuals.iter().map(|r| r * r).sum::<f32>() / residuals.len() as f32).sqrt());
    let band_share = (columns > 0).then(|| plateaus as f32 / columns as f32);
    EdgeQuality {
        columns,
        steps_px,
        band_share,
    }
}

/// `values` smoothed with a Gaussian of `sigma` samples, the kernel renormalised at the ends.
fn gaussian(values: &[f32], sigma: f32) -> Vec<f32> {
    let reach = (3.0 * sigma).ceil() as i64;
    let kernel: Vec<f32> = (-reach..=reach)
        .map(|d| (-(d * d) as f32 / (2.0 * sigma * sigma)).exp())
        .collect();
    let n = values.len() as i64;
    (0..n)
        .map(|i| {
            let (mut sum, mut weight) = (0.0, 0.0);
            for (k, d) in (-reach..=reach).enumerate() {
                let j = i + d;
                if (0..n).contains(&j) {
                    sum += kernel[k] * values[j as usize];
                    weight += kernel[k];
                }
            }
            sum / weight
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLUE: [u8; 3] = [100, 197, 255];
    const SHIRT: [u8; 3] = [20, 20, 24];

    /// A 480×640 canvas: flat blue above a shoulder line `edge(x)` (rows, may be fractional),
    /// black below, each pixel's share of shirt by area (4×4 supersampled), then `blur` rows of
    /// vertical box blur (a band).
    fn shoulders(edge: impl Fn(f32) -> f32, band: u32) -> RgbImage {
        let mut img = RgbImage::from_fn(480, 640, |x, y| {
            let mut share = 0.0;
            for sx in 0..4 {
                for sy in 0..4 {
                    let (fx, fy) = (
                        x as f32 + (sx as f32 + 0.5) / 4.0,
                        y as f32 + (sy as f32 + 0.5) / 4.0,
                    );
                    if fy >= edge(fx) {
                        share += 1.0 / 16.0;
                    }
                }
            }
            image::Rgb(std::array::from_fn(|c| {
                (f32::from(BLUE[c]) * (1.0 - share) + f32::from(SHIRT[c]) * share).round() as u8
            }))
        });
        if band > 1 {
            let src = img.clone();
            for x in 0..480 {
                for y in 0..640u32 {
                    let rows: Vec<u32> =
                        (y.saturating_sub(band / 2)..(y + band - band / 2).min(640)).collect();
                    let px: [u8; 3] = std::array::from_fn(|c| {
                        (rows
                            .iter()
                            .map(|&r| u32::from(src.get_pixel(x, r).0[c]))
                            .sum::<u32>()
                            / rows.len() as u32) as u8
                    });
                    img.put_pixel(x, y, image::Rgb(px));
                }
            }
        }
        img
    }

    /// The figures of `img` beside a face centred at x 240, chin at row 420, 220 px wide.
    fn read(img: &RgbImage, matte: Option<&PersonMask>) -> EdgeQuality {
        measure(img, matte, BLUE, [240.0, 420.0], 240.0, 220.0)
    }

    /// Shoulders sloping down from the neck at 0.45 rows per column.
    fn slope(x: f32) -> f32 {
        480.0 + 0.45 * (x - 240.0).abs()
    }

    #[test]
    fn a_smooth_sharp_edge_reads_clean() {
        let q = read(&shoulders(slope, 1), None);
        assert!(q.columns > 200, "{q:?}");
        assert!(q.steps_px.unwrap() < 0.2, "{q:?}");
        assert!(q.band_share.unwrap() < 0.05, "{q:?}");
    }

    #[test]
    fn a_staircase_and_a_band_are_read_as_such() {
        // The same line quantised to 5-px cells, as a coarse grid leaves it.
        let stairs = |x: f32| slope((x / 5.0).floor() * 5.0 + 2.5);
        let q = read(&shoulders(stairs, 1), None);
        assert!(q.steps_px.unwrap() > 0.5, "{q:?}");
        // A soft edge (a 6-px ramp) ramps through: no plateau.
        let q = read(&shoulders(slope, 6), None);
        assert!(q.band_share.unwrap() < 0.05, "{q:?}");
        assert!(q.steps_px.unwrap() < 0.2, "{q:?}");
        // Three rows of one blend (a quarter of the wall left in the shirt) above the shirt.
        let mut teal = shoulders(slope, 1);
        for x in 0..480u32 {
            let top = slope(x as f32).ceil() as u32;
            for y in top..top + 3 {
                teal.put_pixel(
                    x,
                    y,
                    image::Rgb(std::array::from_fn(|c| {
                        ((u32::from(SHIRT[c]) * 3 + u32::from(BLUE[c])) / 4) as u8
                    })),
                );
            }
        }
        let q = read(&teal, None);
        assert!(q.band_share.unwrap() > 0.9, "{q:?}");
        // With the matte it was composited with: a blend (alpha 0.75 in those rows) is a band;
        // the same colours where the matte is opaque are the shirt's own (rim light, shading).
        let matte = |band_alpha: f32| {
            let data = (0..480 * 640)
                .map(|k| {
                    let (x, y) = ((k % 480) as f32, (k / 480) as f32);
                    let top = slope(x).ceil();
                    match y {
                        y if y < top - 1.0 => 0.0,
                        y if y < top + 3.0 => band_alpha,
                        _ => 1.0,
                    }
                })
                .collect();
            PersonMask {
                width: 480,
                height: 640,
                image_width: 480,
                image_height: 640,
                alpha: data,
            }
        };
        let blended = read(&teal, Some(&matte(0.75)));
        assert!(blended.band_share.unwrap() > 0.9, "{blended:?}");
        let own = read(&teal, Some(&matte(1.0)));
        assert!(own.band_share.unwrap() < 0.05, "{own:?}");
    }

    #[test]
    fn no_readable_edge_is_none_not_a_number() {
        let flat = RgbImage::from_pixel(480, 640, image::Rgb(BLUE));
        let q = read(&flat, None);
        assert_eq!((q.columns, q.steps_px, q.band_share), (0, None, None));
    }
}
