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

impl PersonMask {
    /// Alpha at image coordinates (bilinear); 0 outside the image.
    pub fn at(&self, x: f32, y: f32) -> f32 {
        if x < 0.0 || y < 0.0 || x >= self.image_width as f32 || y >= self.image_height as f32 {
            return 0.0;
        }
        let gx = (x / self.image_width as f32 * self.width as f32 - 0.5)
            .clamp(0.0, (self.width - 1) as f32);
        let gy = (y / self.image_height as f32 * self.height as f32 - 0.5)
            .clamp(0.0, (self.height - 1) as f32);
        let (x0, y0) = (gx.floor() as usize, gy.floor() as usize);
        let (x1, y1) = (
            (x0 + 1).min(self.width as usize - 1),
            (y0 + 1).min(self.height as usize - 1),
        );
        let (fx, fy) = (gx - x0 as f32, gy - y0 as f32);
        let a = |xx: usize, yy: usize| self.alpha[yy * self.width as usize + xx];
        let top = a(x0, y0) + (a(x1, y0) - a(x0, y0)) * fx;
        let bottom = a(x0, y1) + (a(x1, y1) - a(x0, y1)) * fx;
        top + (bottom - top) * fy
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
