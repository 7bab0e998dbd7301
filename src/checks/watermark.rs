//! capture.watermark: the small white text or logo that beauty and social apps stamp near the
//! bottom edge (轻颜's "轻/颜", "小红书号：…", 美图秀秀), which shows that the photo went through
//! such an app ("不得美颜修图") and would stay in the standardised photo.
//!
//! On a copy 720 px on its short side (at most 1440 on its long side), in the bottom fifth: thin bright strokes (a white top-hat:
//! lightness above its 9×9 opening), nearly colourless, grouped into lines of several glyph-sized
//! parts that reach the bottom tenth, stand alone (no strokes in a ring around them) and are
//! sharp. The score is the best line's lightness above its surroundings. White text on a light
//! background, dark or grey watermarks, and very small ones on small photos are not seen; a white
//! print at the very bottom of a garment can look the same, so this only warns.

use image::RgbImage;

use super::blobs::{blobs, Blob};
use super::{not_evaluated, Context, Hints, RuleResult};
use crate::analysis::BoxF;
use crate::float::{max, min};
use crate::resample::{resample_shrinking, Rect};

const ID: &str = "capture.watermark";
const UNIT: &str = "ΔY";

/// The working copy's short side, and the most its long side may be (a photo of extreme shape,
/// 1×600 say, is scaled to this instead of being enlarged into hundreds of megapixels).
const SHORT_SIDE: f32 = 720.0;
const MAX_LONG_SIDE: f32 = 1440.0;
/// Rows looked at: the bottom fifth; a line must reach the bottom tenth.
const BAND_FROM: f32 = 0.80;
const LINE_REACHES: f32 = 0.90;
/// Half the opening's window (9×9), and the margin of rows above the band it needs.
const OPEN_HALF: usize = 4;
/// A stroke: top-hat at least this, bright, and nearly colourless (max − min of R, G, B).
const STROKE_TOP_HAT: f32 = 40.0;
const STROKE_BRIGHT: f32 = 150.0;
const STROKE_COLOUR: f32 = 60.0;
/// A glyph part: at least this many stroke pixels, at most this tall and wide.
const PART_MIN_AREA: usize = 4;
const PART_MAX: (usize, usize) = (120, 80);
/// Parts this close (±5 across, ±1 down) join one line.
const JOIN: (usize, usize) = (5, 1);

pub(super) fn run(ctx: &Context, out: &mut Vec<RuleResult>) {
    let Some(bottom) = bottom_copy(&ctx.photo.image) else {
        out.push(not_evaluated(
            ID,
            UNIT,
            "无法读取照片底部，未检查水印：请确认照片上没有 App 水印。",
            "The bottom of the photo could not be read, so watermarks were not checked: make sure it carries none.",
        ));
        return;
    };
    let (score, found) = score(&bottom).map_or((0.0, None), |(s, b)| (s, Some((b, bottom.scale))));
    let region = found.map(|((x0, y0, x1, y1), scale)| BoxF {
        x: x0 as f32 / scale,
        y: y0 as f32 / scale,
        width: (x1 - x0 + 1) as f32 / scale,
        height: (y1 - y0 + 1) as f32 / scale,
    });
    out.push(ctx.judge(
        ID,
        f64::from(score),
        UNIT,
        &Hints {
            ok: ("照片底部未见美颜或社交 App 的水印。", "No beauty or social app watermark near the bottom of the photo."),
            low: ("照片底部未见美颜或社交 App 的水印。", "No beauty or social app watermark near the bottom of the photo."),
            high: ("照片底部有类似美颜或社交 App 的水印文字：请使用相机拍摄的原图，不要用美颜 App 处理过或从网上下载的图片。", "Text like a beauty or social app's watermark near the bottom: use the camera's original photo, not one from a beauty app or the web."),
        },
        region,
    ));
}

/// The bottom of the photo that the rule reads, at `SHORT_SIDE` on its short side: only the rows
/// from a little above the band down (a 12 MP photo is not resampled whole for them).
struct Bottom {
    copy: RgbImage,
    /// Copy pixels per photo pixel.
    scale: f32,
    /// The copy's first row, and the whole photo's height, in copy pixels.
    first: usize,
    height: usize,
}

fn bottom_copy(img: &RgbImage) -> Option<Bottom> {
    let short = img.width().min(img.height()) as f32;
    let long = img.width().max(img.height()) as f32;
    let scale = (SHORT_SIDE / short.max(1.0)).min(MAX_LONG_SIDE / long.max(1.0));
    let (w, h) = (
        (img.width() as f32 * scale).round().max(1.0) as u32,
        (img.height() as f32 * scale).round().max(1.0) as usize,
    );
    let first = ((BAND_FROM * h as f32).floor() as usize).saturating_sub(2 * OPEN_HALF);
    let top = f64::from(first as f32 / scale);
    let region = Rect {
        left: 0.0,
        top,
        width: f64::from(img.width()),
        height: f64::from(img.height()) - top,
    };
    let copy = resample_shrinking(img, region, w, (h - first).max(1) as u32).ok()?;
    Some(Bottom {
        copy,
        scale,
        first,
        height: h,
    })
}

/// The best watermark line's score and its box in the working scale's pixels (rows counted from
/// the photo's top), if any line passes.
fn score(bottom: &Bottom) -> Option<(f32, (usize, usize, usize, usize))> {
    let copy = &bottom.copy;
    let (w, h) = (copy.width() as usize, bottom.height);
    let band = (BAND_FROM * h as f32).floor() as usize;
    let top = bottom.first;
    let rows = copy.height() as usize;
    // Lightness and colourfulness of the rows from `top` down.
    let (mut luma, mut colour) = (vec![0f32; w * rows], vec![0f32; w * rows]);
    for y in 0..rows {
        for x in 0..w {
            let [r, g, b] = copy.get_pixel(x as u32, y as u32).0.map(f32::from);
            luma[y * w + x] = 0.299 * r + 0.587 * g + 0.114 * b;
            colour[y * w + x] = max(max(r, g), b) - min(min(r, g), b);
        }
    }
    let opened = opening(&luma, w, rows);
    let top_hat: Vec<f32> = luma.iter().zip(&opened).map(|(l, o)| l - o).collect();
    // Strokes, over the band only (rows above it served the opening).
    let skip = band - top;
    let (bw, bh) = (w, h - band);
    let at = |x: usize, y: usize| (y + skip) * w + x;
    let stroke: Vec<bool> = (0..bw * bh)
        .map(|k| {
            let i = at(k % bw, k / bw);
            top_hat[i] >= STROKE_TOP_HAT && luma[i] >= STROKE_BRIGHT && colour[i] <= STROKE_COLOUR
        })
        .collect();
    let parts: Vec<Blob> = blobs(bw, bh, |k| stroke[k])
        .into_iter()
        .filter(|b| {
            b.pixels.len() >= PART_MIN_AREA && b.width() <= PART_MAX.0 && b.height() <= PART_MAX.1
        })
        .collect();
    let mut kept = vec![false; bw * bh];
    for p in &parts {
        for &k in &p.pixels {
            kept[k] = true;
        }
    }
    let joined = dilate(&kept, bw, bh, JOIN);
    let lines = blobs(bw, bh, |k| joined[k]);
    // Which line each pixel of `joined` belongs to.
    let mut line_of = vec![usize::MAX; bw * bh];
    for (n, line) in lines.iter().enumerate() {
        for &k in &line.pixels {
            line_of[k] = n;
        }
    }
    let mut members: Vec<Vec<&Blob>> = vec![Vec::new(); lines.len()];
    for p in &parts {
        members[line_of[p.pixels[0]]].push(p);
    }
    let sample = Sample {
        stroke: &stroke,
        luma: &luma,
        top_hat: &top_hat,
        colour: &colour,
        width: bw,
        height: bh,
        at: &at,
    };
    members
        .iter()
        .filter(|m| !m.is_empty())
        .filter_map(|m| line_score(&sample, m, band, h))
        .max_by(|a, b| a.0.total_cmp(&b.0))
}

/// The band's per-pixel facts, for judging a line.
struct Sample<'a> {
    stroke: &'a [bool],
    luma: &'a [f32],
    top_hat: &'a [f32],
    colour: &'a [f32],
    width: usize,
    height: usize,
    at: &'a dyn Fn(usize, usize) -> usize,
}

/// A line of parts: its lightness above its surroundings when it looks like overlaid text, with
/// its box in the copy's pixels.
fn line_score(
    s: &Sample,
    parts: &[&Blob],
    band: usize,
    h: usize,
) -> Option<(f32, (usize, usize, usize, usize))> {
    let (x0, y0) = (
        parts.iter().map(|p| p.x0).min()?,
        parts.iter().map(|p| p.y0).min()?,
    );
    let (x1, y1) = (
        parts.iter().map(|p| p.x1).max()?,
        parts.iter().map(|p| p.y1).max()?,
    );
    let (bw, bh) = (x1 - x0 + 1, y1 - y0 + 1);
    let area: usize = parts.iter().map(|p| p.pixels.len()).sum();
    let fill = area as f32 / (bw * bh) as f32;
    let big = parts
        .iter()
        .filter(|p| p.pixels.len() as f32 >= (0.02 * area as f32).max(6.0))
        .count();
    let widest = parts.iter().map(|p| p.width()).max()?;
    let text_like = (10..=60).contains(&bh)
        && bw as f32 >= 0.8 * bh as f32
        && big >= 3
        && (0.06..=0.6).contains(&fill)
        && widest as f32 <= 1.5 * bh as f32
        && (band + y1) as f32 >= LINE_REACHES * h as f32;
    if !text_like {
        return None;
    }
    let pixels: Vec<usize> = parts
        .iter()
        .flat_map(|p| p.pixels.iter().copied())
        .collect();
    let median_of = |values: &[f32]| {
        let mut v: Vec<f32> = pixels
            .iter()
            .map(|&k| values[(s.at)(k % s.width, k / s.width)])
            .collect();
        v.sort_by(f32::total_cmp);
        v[v.len() / 2]
    };
    let (top_hat, luma, colour) = (median_of(s.top_hat), median_of(s.luma), median_of(s.colour));
    // The ring around the line: few strokes there (text stands alone), and its lightness.
    let g = (bh / 2).max(4);
    let (rx0, ry0) = (x0.saturating_sub(g), y0.saturating_sub(g));
    let (rx1, ry1) = ((x1 + g).min(s.width - 1), (y1 + g).min(s.height - 1));
    let (mut ring, mut strokes, mut light, mut plain) = (0usize, 0usize, 0f32, 0usize);
    for y in ry0..=ry1 {
        for x in rx0..=rx1 {
            if (x0..=x1).contains(&x) && (y0..=y1).contains(&y) {
                continue;
            }
            ring += 1;
            if s.stroke[y * s.width + x] {
                strokes += 1;
            } else {
                light += s.luma[(s.at)(x, y)];
                plain += 1;
            }
        }
    }
    if ring == 0
        || plain == 0
        || strokes as f32 > 0.03 * ring as f32
        || colour > 40.0
        || top_hat < 60.0
    {
        return None;
    }
    Some((luma - light / plain as f32, (x0, band + y0, x1, band + y1)))
}

/// A grey opening (erosion, then dilation) with a square window, edges replicated.
fn opening(values: &[f32], w: usize, h: usize) -> Vec<f32> {
    let eroded = pass(&pass(values, w, h, true, min), w, h, false, min);
    pass(&pass(&eroded, w, h, true, max), w, h, false, max)
}

/// One 1-D pass of `f` (min or max) over a window of ±`OPEN_HALF`, along rows or columns. The
/// window is clipped at the edges, which for a min or max is the same as replicating them;
/// columns are passed a whole row at a time.
fn pass(
    values: &[f32],
    w: usize,
    h: usize,
    along_rows: bool,
    f: impl Fn(f32, f32) -> f32,
) -> Vec<f32> {
    let mut out = values.to_vec();
    let window = |i: usize, n: usize| i.saturating_sub(OPEN_HALF)..=(i + OPEN_HALF).min(n - 1);
    for (y, out_row) in out.chunks_exact_mut(w.max(1)).enumerate().take(h) {
        if along_rows {
            // Each neighbour at distance d, for the whole row at once.
            let row = &values[y * w..(y + 1) * w];
            for d in 1..=OPEN_HALF.min(w.saturating_sub(1)) {
                for (o, &v) in out_row[d..].iter_mut().zip(row) {
                    *o = f(*o, v);
                }
                for (o, &v) in out_row.iter_mut().zip(&row[d..]) {
                    *o = f(*o, v);
                }
            }
        } else {
            for yy in window(y, h) {
                for (o, &v) in out_row.iter_mut().zip(&values[yy * w..(yy + 1) * w]) {
                    *o = f(*o, v);
                }
            }
        }
    }
    out
}

/// `mask` grown by ±`reach.0` across and ±`reach.1` down, a row at a time.
fn dilate(mask: &[bool], w: usize, h: usize, reach: (usize, usize)) -> Vec<bool> {
    let w1 = w.max(1);
    let mut across = vec![false; w * h];
    for (row, out) in mask.chunks_exact(w1).zip(across.chunks_exact_mut(w1)) {
        for x in (0..w).filter(|&x| row[x]) {
            out[x.saturating_sub(reach.0)..=(x + reach.0).min(w - 1)].fill(true);
        }
    }
    let mut out = vec![false; w * h];
    for (y, out_row) in out.chunks_exact_mut(w1).enumerate() {
        for yy in y.saturating_sub(reach.1)..=(y + reach.1).min(h - 1) {
            for (o, &a) in out_row.iter_mut().zip(&across[yy * w..(yy + 1) * w]) {
                *o |= a;
            }
        }
    }
    out
}
