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
//!   background's colour to the shoulder's, changing less than 8 % to the next. A crisp edge
//!   ramps through; a matte that cannot decide leaves a plateau of one blend (a dark shirt's
//!   edge as a teal stripe on blue). Given the matte (the closed loop has it), only pixels it
//!   composited from both count: an opaque pixel shows the photo's own colour, and a garment's
//!   shading or rim light dwelling part-way is not a band.
//!
//! Both are judged against the photo itself where it is given ([`Context::source`]: the same
//! crop, uncomposited): the same detectors read the photo's own edge against its own wall, in
//! the same column. A photographed edge can be soft, lit from behind or frayed, and a cut-out
//! that keeps it is right: read on the corpus's photos themselves, uncut, the plateau trips on
//! 16–20 of the 63–65 whose wall can be read, the saw-tooth on 1–4 (`scripts/edges.mjs`, its
//! rows "the photo"). So a column is a band only where the output dwells on more pixels than
//! the photo did, and the steps are the smaller of the output's edge against its smoothed self
//! and against the photo's edge (a saw-tooth both have, of fabric or hair, cancels; a grid's the
//! photo lacks shows in both). Where the photo's edge cannot be read (a busy or low-contrast
//! wall), the output is judged alone.

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
    /// Share of the readable columns with a plateau of blended colour across the edge (beyond
    /// the photo's own, where it was read); `None` without readable columns.
    pub band_share: Option<f32>,
    /// Of `columns`, those read against the photo's own edge.
    pub against_source: usize,
    /// The same detectors on the photo's own edge in those columns (a control: how a
    /// photographed edge reads, uncut); `None` where too few were read.
    pub photo_steps_px: Option<f32>,
    pub photo_band_share: Option<f32>,
    /// How far the output's edge lies outside the photo's own, px (the median over the columns
    /// read against the photo; negative: inside). A cut-out that keeps a strip of the old wall
    /// along the shoulder shows it as a rim of the wall's colour on the new one, which neither
    /// the steps nor the band see; `None` where too few columns were read against the photo.
    pub outside_px: Option<f32>,
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
/// Fewest columns read against the photo for the output's edge to be placed against its own.
const MIN_OUTSIDE: usize = 8;

/// What the edge measure reads beside the image, where known.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The alpha the image was composited with, over the image.
    pub matte: Option<&'a PersonMask>,
    /// The photo itself on the image's grid, uncomposited: its own edge is the reference.
    pub source: Option<&'a RgbImage>,
}

/// One column's reading: the edge's row (sub-pixel), how many pixels along the column dwell
/// part-way between the background's colour and the shoulder's, and the same of the photo's own
/// edge in that column where it could be read.
#[derive(Clone, Copy)]
struct Crossing {
    row: f32,
    plateau: usize,
    source: Option<(f32, usize)>,
}

/// RGB distance between two colours.
fn distance(p: [u8; 3], q: [f32; 3]) -> f32 {
    (0..3)
        .map(|c| (f32::from(p[c]) - q[c]).powi(2))
        .sum::<f32>()
        .sqrt()
}

/// Where a column's normalised `profile` (starting at row `from`) crosses half, and how many of
/// its pixels dwell part-way (those `counts` lets count).
fn read_profile(profile: &[f32], from: i64, counts: impl Fn(i64) -> bool) -> Option<(f32, usize)> {
    let mid = profile.windows(2).enumerate().find_map(|(i, p)| {
        (p[0] < 0.5 && p[1] >= 0.5).then(|| (from + i as i64) as f32 + (0.5 - p[0]) / (p[1] - p[0]))
    })?;
    let plateau = profile
        .windows(2)
        .enumerate()
        .filter(|(i, p)| {
            (PART_WAY.0..=PART_WAY.1).contains(&p[0])
                && (p[1] - p[0]).abs() <= FLAT
                && counts(from + *i as i64)
        })
        .count();
    Some((mid, plateau))
}

/// The photo's own edge in column `x` of `source`, near the output's (first non-background row
/// `first`): against the photo's wall just above it, where that wall is even and the shoulder
/// stands out from it as clearly as the output's must.
fn source_edge(source: &RgbImage, x: i64, first: i64) -> Option<(f32, usize)> {
    let h = source.height() as i64;
    if first - 10 < 0 || first + 8 >= h {
        return None;
    }
    let px = |y: i64| source.get_pixel(x as u32, y as u32).0;
    let above: Vec<[u8; 3]> = (first - 10..first - 5).map(px).collect();
    let wall: [f32; 3] = std::array::from_fn(|c| {
        let mut v: Vec<f32> = above.iter().map(|p| f32::from(p[c])).collect();
        crate::checks::median(&mut v).unwrap_or(0.0)
    });
    if above.iter().any(|&p| distance(p, wall) >= BACKGROUND) {
        return None;
    }
    let profile = profile(|y| distance(px(y), wall), first)?;
    read_profile(&profile, first - 4, |_| true)
}

/// A column's profile over rows `first − 4 ..= first + 8` (`first`: its first row off the wall):
/// each pixel's distance from the wall (`dist`) over the shoulder's own a few rows in, capped at
/// 1. `None` where the shoulder does not stand out from the wall by [`CONTRAST`].
fn profile(dist: impl Fn(i64) -> f32, first: i64) -> Option<Vec<f32>> {
    let mut inside: Vec<f32> = (first + 4..=first + 8).map(&dist).collect();
    let level = crate::checks::median(&mut inside)?;
    if level < CONTRAST {
        return None;
    }
    Some(
        (first - 4..=first + 8)
            .map(|y| (dist(y) / level).min(1.0))
            .collect(),
    )
}

/// The edge quality of `image` on the flat `background`, beside a face whose chin is at
/// `chin` (output px), centred at `centre_x`, `face_width` px wide.
pub fn measure(
    image: &RgbImage,
    context: Context<'_>,
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
    let flat = background.map(f32::from);
    let dist = |x: i64, y: i64| distance(image.get_pixel(x as u32, y as u32).0, flat);
    let source = context
        .source
        .filter(|s| s.dimensions() == image.dimensions());
    let column = |x: i64| -> Option<Crossing> {
        if top >= h - 12 || dist(x, top) >= BACKGROUND {
            return None;
        }
        let first = (top..h - 10).find(|&y| dist(x, y) >= 2.0 * BACKGROUND)?;
        let profile = profile(|y| dist(x, y.max(0)), first)?;
        // With the matte, only pixels it composited from both count: an opaque pixel shows the
        // photo's own colour (a garment's shading, rim light), however part-way it reads.
        let composited = |y: i64| {
            context
                .matte
                .is_none_or(|m| m.at(x as f32 + 0.5, y as f32 + 0.5) < OPAQUE)
        };
        let (row, plateau) = read_profile(&profile, first - 4, composited)?;
        Some(Crossing {
            row,
            plateau,
            source: source.and_then(|s| source_edge(s, x, first)),
        })
    };
    let mut runs: Vec<Vec<Crossing>> = Vec::new();
    let sides = [(0, left_end.min(w)), (right_start.max(0), w)];
    for (from, to) in sides {
        let mut run: Vec<Crossing> = Vec::new();
        for x in from..to {
            // A run is read one way throughout: against the photo's edge, or alone.
            match column(x) {
                Some(c)
                    if run.last().is_none_or(|p| {
                        (c.row - p.row).abs() <= 3.0 && c.source.is_some() == p.source.is_some()
                    }) =>
                {
                    run.push(c)
                }
                found => {
                    runs.push(std::mem::take(&mut run));
                    run.extend(found);
                }
            }
        }
        runs.push(run);
    }
    let (mut columns, mut plateaus, mut against_source) = (0, 0, 0);
    let (mut residuals, mut own_residuals) = (Vec::new(), Vec::new());
    let (mut photo_plateaus, mut photo_residuals) = (0, Vec::new());
    let mut outside = Vec::new();
    for run in runs.iter().filter(|r| r.len() >= 3) {
        let rows: Vec<f32> = run.iter().map(|c| c.row).collect();
        let smooth = gaussian(&rows, SMOOTH_SIGMA);
        // Against the photo's edge where it was read, the fabric's own saw-tooth cancels.
        let own: Vec<f32> = run
            .iter()
            .map(|c| c.row - c.source.map_or(0.0, |s| s.0))
            .collect();
        let own_smooth = gaussian(&own, SMOOTH_SIGMA);
        let photo: Vec<f32> = run.iter().map(|c| c.source.map_or(0.0, |s| s.0)).collect();
        let photo_smooth = gaussian(&photo, SMOOTH_SIGMA);
        // The run's ends have no slope on both sides: they are not read.
        for (i, c) in run.iter().enumerate().take(run.len() - 1).skip(1) {
            let slope = (smooth[i + 1] - smooth[i - 1]) / 2.0;
            if slope.abs() > MAX_SLOPE {
                continue;
            }
            columns += 1;
            against_source += usize::from(c.source.is_some());
            let beyond_source = c.source.is_none_or(|s| c.plateau > s.1);
            photo_plateaus += usize::from(c.source.is_some_and(|s| s.1 >= PLATEAU));
            outside.extend(c.source.map(|s| s.0 - c.row));
            plateaus += usize::from(c.plateau >= PLATEAU && beyond_source);
            if run.len() >= MIN_RUN && (RUN_MARGIN..run.len() - RUN_MARGIN).contains(&i) {
                residuals.push(rows[i] - smooth[i]);
                own_residuals.push(own[i] - own_smooth[i]);
                if c.source.is_some() {
                    photo_residuals.push(photo[i] - photo_smooth[i]);
                }
            }
        }
    }
    // Steps are the output's (a smooth edge has none, whatever the photo's) and not the photo's
    // (a saw-tooth the output shares with it, of fabric or hair, cancels; a busy wall's noise in
    // the photo's reading does not add to a smooth output's).
    let rms = |r: &[f32]| (r.iter().map(|r| r * r).sum::<f32>() / r.len() as f32).sqrt();
    let steps_px = (residuals.len() >= MIN_RUN - 2 * RUN_MARGIN)
        .then(|| rms(&residuals).min(rms(&own_residuals)));
    let band_share = (columns > 0).then(|| plateaus as f32 / columns as f32);
    EdgeQuality {
        columns,
        steps_px,
        band_share,
        against_source,
        photo_steps_px: (photo_residuals.len() >= MIN_RUN - 2 * RUN_MARGIN)
            .then(|| rms(&photo_residuals)),
        photo_band_share: (against_source > 0)
            .then(|| photo_plateaus as f32 / against_source as f32),
        outside_px: if outside.len() >= MIN_OUTSIDE {
            crate::checks::median(&mut outside)
        } else {
            None
        },
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
        shoulders_on(BLUE, edge, band)
    }

    /// [`shoulders`] on a wall of another colour.
    fn shoulders_on(wall: [u8; 3], edge: impl Fn(f32) -> f32, band: u32) -> RgbImage {
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
                (f32::from(wall[c]) * (1.0 - share) + f32::from(SHIRT[c]) * share).round() as u8
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

    /// `img` with three rows of one blend (a quarter of `wall` left in the shirt) at the top of
    /// the shirt below `edge`.
    fn plateau(mut img: RgbImage, wall: [u8; 3], edge: impl Fn(f32) -> f32) -> RgbImage {
        for x in 0..img.width() {
            let top = edge(x as f32).ceil() as u32;
            for y in top..top + 3 {
                img.put_pixel(
                    x,
                    y,
                    image::Rgb(std::array::from_fn(|c| {
                        ((u32::from(SHIRT[c]) * 3 + u32::from(wall[c])) / 4) as u8
                    })),
                );
            }
        }
        img
    }

    /// The figures of `img` beside a face centred at x 240, chin at row 420, 220 px wide.
    fn read(img: &RgbImage, matte: Option<&PersonMask>) -> EdgeQuality {
        let context = Context {
            matte,
            source: None,
        };
        measure(img, context, BLUE, [240.0, 420.0], 240.0, 220.0)
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
        let q = read(&shoulders(stairs, 1), None);
        assert!(q.steps_px.unwrap() > 0.5, "{q:?}");
        // A soft edge (a 6-px ramp) ramps through: no plateau.
        let q = read(&shoulders(slope, 6), None);
        assert!(q.band_share.unwrap() < 0.05, "{q:?}");
        assert!(q.steps_px.unwrap() < 0.2, "{q:?}");
        let teal = plateau(shoulders(slope, 1), BLUE, slope);
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

    /// Shoulders whose line is quantised to 5-px cells.
    fn stairs(x: f32) -> f32 {
        slope((x / 5.0).floor() * 5.0 + 2.5)
    }

    fn against(img: &RgbImage, source: &RgbImage) -> EdgeQuality {
        let context = Context {
            matte: None,
            source: Some(source),
        };
        measure(img, context, BLUE, [240.0, 420.0], 240.0, 220.0)
    }

    #[test]
    fn what_the_photo_itself_shows_is_neither_a_band_nor_steps() {
        // A frayed, back-lit edge photographed on a grey wall, kept by the cut-out on blue.
        let grey = [200, 200, 200];
        let source = plateau(shoulders_on(grey, stairs, 1), grey, stairs);
        let output = plateau(shoulders(stairs, 1), BLUE, stairs);
        let alone = read(&output, None);
        assert!(alone.band_share.unwrap() > 0.9, "{alone:?}");
        assert!(alone.steps_px.unwrap() > 0.5, "{alone:?}");
        let q = against(&output, &source);
        assert!(q.against_source > 200, "{q:?}");
        assert!(q.band_share.unwrap() < 0.05, "{q:?}");
        assert!(q.steps_px.unwrap() < 0.2, "{q:?}");
        // The photo itself reads as the output would alone.
        assert!(q.photo_band_share.unwrap() > 0.9, "{q:?}");
        assert!(q.photo_steps_px.unwrap() > 0.5, "{q:?}");
    }

    #[test]
    fn a_strip_of_the_old_wall_kept_along_the_shoulder_is_read_as_outside() {
        // Photographed on a dark grey wall; the cut-out keeps two rows of that wall above the
        // shoulder (a dark rim on blue), or cuts two rows into the shoulder.
        let dark = [90, 90, 90];
        let source = shoulders_on(dark, slope, 1);
        let faithful = against(&shoulders(slope, 1), &source);
        assert!(faithful.outside_px.unwrap().abs() < 0.2, "{faithful:?}");
        let mut rim = shoulders(slope, 1);
        for x in 0..480 {
            let top = slope(x as f32 + 0.5).round() as u32;
            for y in top - 2..top {
                rim.put_pixel(x, y, image::Rgb(dark));
            }
        }
        let kept = against(&rim, &source);
        assert!((kept.outside_px.unwrap() - 2.0).abs() < 0.4, "{kept:?}");
        let cut = against(&shoulders(|x| slope(x) + 2.0, 1), &source);
        assert!((cut.outside_px.unwrap() + 2.0).abs() < 0.4, "{cut:?}");
        // Without the photo there is nothing to place the edge against.
        assert_eq!(read(&rim, None).outside_px, None);
    }

    #[test]
    fn a_band_or_steps_the_photo_did_not_have_are_read() {
        let grey = [200, 200, 200];
        let source = shoulders_on(grey, slope, 1);
        let output = plateau(shoulders(stairs, 1), BLUE, stairs);
        let q = against(&output, &source);
        assert!(q.against_source > 200, "{q:?}");
        assert!(q.band_share.unwrap() > 0.9, "{q:?}");
        assert!(q.steps_px.unwrap() > 0.5, "{q:?}");
        // Where the photo's wall is busy, its edge is not read and the output is judged alone.
        let busy = RgbImage::from_fn(480, 640, |x, y| {
            let v = if (x / 2 + y / 2) % 2 == 0 { 120 } else { 220 };
            image::Rgb([v, v, v])
        });
        let q = against(&output, &busy);
        assert_eq!(q.against_source, 0, "{q:?}");
        assert!(q.band_share.unwrap() > 0.9, "{q:?}");
        assert!(q.steps_px.unwrap() > 0.5, "{q:?}");
    }

    #[test]
    fn no_readable_edge_is_none_not_a_number() {
        let flat = RgbImage::from_pixel(480, 640, image::Rgb(BLUE));
        let q = read(&flat, None);
        assert_eq!((q.columns, q.steps_px, q.band_share), (0, None, None));
    }
}
