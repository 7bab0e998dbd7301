//! Person segmentation (MediaPipe selfie model): a soft mask of the person, at the model's
//! 256×256 over the whole (stretched) photo, sampled bilinearly in image coordinates.

use image::RgbImage;
use serde::Serialize;

use super::preprocess::{stretch, UNIT};
use super::runtime::Network;
use crate::error::Result;

pub const INPUT_SIZE: u32 = 256;

/// Person probability in [0, 1] on a grid covering the whole image.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct PersonMask {
    pub width: u32,
    pub height: u32,
    /// Dimensions of the image the mask covers.
    pub image_width: u32,
    pub image_height: u32,
    /// Row-major alpha values, `width × height`.
    #[serde(skip)]
    pub alpha: Vec<f32>,
}

/// One axis of a bilinear lookup: the two neighbouring mask cells and the second one's weight.
/// A grid of lookups (a row of a coarse matte) computes each column's and each row's once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tap {
    lo: usize,
    hi: usize,
    frac: f32,
}

/// The [`Tap`] for image coordinate `v` on an axis of `image` pixels and `cells` mask cells;
/// `None` outside the image.
fn tap(v: f32, image: u32, cells: u32) -> Option<Tap> {
    if v < 0.0 || v >= image as f32 {
        return None;
    }
    let g = (v / image as f32 * cells as f32 - 0.5).clamp(0.0, (cells - 1) as f32);
    let lo = g.floor() as usize;
    Some(Tap {
        lo,
        hi: (lo + 1).min(cells as usize - 1),
        frac: g - lo as f32,
    })
}

impl PersonMask {
    /// Alpha at image coordinates (bilinear); 0 outside the image.
    pub fn at(&self, x: f32, y: f32) -> f32 {
        match (self.tap_x(x), self.tap_y(y)) {
            (Some(tx), Some(ty)) => self.at_taps(tx, ty),
            _ => 0.0,
        }
    }

    pub fn tap_x(&self, x: f32) -> Option<Tap> {
        tap(x, self.image_width, self.width)
    }

    pub fn tap_y(&self, y: f32) -> Option<Tap> {
        tap(y, self.image_height, self.height)
    }

    /// [`at`](Self::at) at every `(x, y)`, row by row, each column's and row's taps worked out
    /// once, and each column's value along the two mask rows a run of grid rows falls between
    /// (a fine grid has several rows between two mask rows).
    pub fn grid(&self, xs: &[f32], ys: &[f32]) -> Vec<f32> {
        let cols: Vec<_> = xs.iter().map(|&x| self.tap_x(x)).collect();
        let mut out = Vec::with_capacity(xs.len() * ys.len());
        let (mut top, mut bottom) = (vec![0.0; xs.len()], vec![0.0; xs.len()]);
        let mut between = None;
        for &y in ys {
            let Some(ty) = self.tap_y(y) else {
                out.resize(out.len() + xs.len(), 0.0);
                continue;
            };
            if between != Some((ty.lo, ty.hi)) {
                for ((col, t), b) in cols.iter().zip(&mut top).zip(&mut bottom) {
                    if let Some(tx) = col {
                        (*t, *b) = (self.along_row(*tx, ty.lo), self.along_row(*tx, ty.hi));
                    }
                }
                between = Some((ty.lo, ty.hi));
            }
            out.extend(cols.iter().zip(&top).zip(&bottom).map(|((col, &t), &b)| {
                if col.is_some() {
                    t + (b - t) * ty.frac
                } else {
                    0.0
                }
            }));
        }
        out
    }

    /// [`at`](Self::at) where the column's and the row's taps are known.
    pub fn at_taps(&self, tx: Tap, ty: Tap) -> f32 {
        let (top, bottom) = (self.along_row(tx, ty.lo), self.along_row(tx, ty.hi));
        top + (bottom - top) * ty.frac
    }

    /// The mask along row `row`, interpolated between the column's two cells.
    fn along_row(&self, tx: Tap, row: usize) -> f32 {
        let a = |xx: usize| self.alpha[row * self.width as usize + xx];
        a(tx.lo) + (a(tx.hi) - a(tx.lo)) * tx.frac
    }

    /// The mask resampled to `width × height` over the same image, as 8-bit alpha.
    pub fn to_u8(&self, width: u32, height: u32) -> Vec<u8> {
        let (sx, sy) = (
            self.image_width as f32 / width as f32,
            self.image_height as f32 / height as f32,
        );
        (0..height)
            .flat_map(|y| (0..width).map(move |x| (x, y)))
            .map(|(x, y)| {
                (self.at((x as f32 + 0.5) * sx, (y as f32 + 0.5) * sy) * 255.0).round() as u8
            })
            .collect()
    }
}

pub fn run(
    net: &dyn Network,
    img: &RgbImage,
    image_width: u32,
    image_height: u32,
) -> Result<PersonMask> {
    let input = stretch(img, INPUT_SIZE, INPUT_SIZE, UNIT)?;
    let outputs = net.run(input, INPUT_SIZE as usize, INPUT_SIZE as usize)?;
    let cells = (INPUT_SIZE * INPUT_SIZE) as usize;
    let alpha = super::runtime::output(&outputs, 0, cells, "segmentation")?
        .iter()
        .map(|v| v.clamp(0.0, 1.0))
        .collect::<Vec<_>>();
    Ok(PersonMask {
        width: INPUT_SIZE,
        height: INPUT_SIZE,
        image_width,
        image_height,
        alpha,
    })
}
