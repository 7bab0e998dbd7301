//! Pixels → model inputs. Each model wants a fixed square of normalised RGB; this module makes
//! it from the photo without aliasing: big downscales go through `fast_image_resize` first, and
//! only the final (at most ~1.5×) step is bilinear.

use image::RgbImage;

use super::Point;
use crate::error::Result;
use crate::resample::{full, resample, Rect};

/// How model-input pixels map back to the image they were made from:
/// `image = origin + u_axis * u + v_axis * v` for input pixel coordinates (u, v).
#[derive(Debug, Clone, Copy)]
pub struct InputTransform {
    pub origin: Point,
    pub u_axis: Point,
    pub v_axis: Point,
}

impl InputTransform {
    pub fn to_image(&self, u: f32, v: f32) -> Point {
        Point {
            x: self.origin.x + self.u_axis.x * u + self.v_axis.x * v,
            y: self.origin.y + self.u_axis.y * u + self.v_axis.y * v,
        }
    }

    /// Image pixels per input pixel.
    pub fn scale(&self) -> f32 {
        self.u_axis.x.hypot(self.u_axis.y)
    }
}

/// Values per channel: `pixel / 255 * scale + offset` ([0, 1] or [-1, 1]).
#[derive(Debug, Clone, Copy)]
pub struct Normalise {
    pub scale: f32,
    pub offset: f32,
}

pub const UNIT: Normalise = Normalise {
    scale: 1.0,
    offset: 0.0,
};
pub const SIGNED: Normalise = Normalise {
    scale: 2.0,
    offset: -1.0,
};

fn to_tensor(img: &RgbImage, norm: Normalise) -> Vec<f32> {
    img.as_raw()
        .iter()
        .map(|&c| f32::from(c) / 255.0 * norm.scale + norm.offset)
        .collect()
}

/// Fit the whole image into `size × size` keeping its aspect ratio, centred, padded with black.
pub fn letterbox(img: &RgbImage, size: u32, norm: Normalise) -> Result<(Vec<f32>, InputTransform)> {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let scale = (size as f32 / w).min(size as f32 / h);
    let (fw, fh) = (
        ((w * scale).round() as u32).clamp(1, size),
        ((h * scale).round() as u32).clamp(1, size),
    );
    let fitted = resample(img, full(img), fw, fh)?;
    let (ox, oy) = ((size - fw) / 2, (size - fh) / 2);
    let mut canvas = RgbImage::new(size, size);
    image::imageops::replace(&mut canvas, &fitted, i64::from(ox), i64::from(oy));
    let (sx, sy) = (w / fw as f32, h / fh as f32);
    let transform = InputTransform {
        origin: Point {
            x: -(ox as f32) * sx,
            y: -(oy as f32) * sy,
        },
        u_axis: Point { x: sx, y: 0.0 },
        v_axis: Point { x: 0.0, y: sy },
    };
    Ok((to_tensor(&canvas, norm), transform))
}

/// Squash the whole image into `width × height` (the selfie model is trained on stretched frames).
pub fn stretch(img: &RgbImage, width: u32, height: u32, norm: Normalise) -> Result<Vec<f32>> {
    Ok(to_tensor(&resample(img, full(img), width, height)?, norm))
}

/// A `size`-pixel square of the image centred on `centre`, `side` image pixels wide, rotated by
/// `angle` (radians, clockwise in image coordinates) so that the crop's x axis runs along it.
/// Outside the image is black.
pub fn rotated_crop(
    img: &RgbImage,
    centre: Point,
    side: f32,
    angle: f32,
    size: u32,
    norm: Normalise,
) -> Result<(Vec<f32>, InputTransform)> {
    let step = side / size as f32; // image pixels per crop pixel
    let (cos, sin) = (angle.cos(), angle.sin());
    let u_axis = Point {
        x: cos * step,
        y: sin * step,
    };
    let v_axis = Point {
        x: -sin * step,
        y: cos * step,
    };
    let half = size as f32 / 2.0;
    let origin = Point {
        x: centre.x - u_axis.x * half - v_axis.x * half,
        y: centre.y - u_axis.y * half - v_axis.y * half,
    };
    let transform = InputTransform {
        origin,
        u_axis,
        v_axis,
    };

    // Shrink the region first when the crop would skip pixels, so bilinear sampling sees a
    // properly filtered image.
    let (source, to_source): (std::borrow::Cow<RgbImage>, Box<dyn Fn(Point) -> Point>) =
        if step > 1.5 {
            let reach = side * std::f32::consts::FRAC_1_SQRT_2 + 2.0;
            let left = (centre.x - reach).floor().max(0.0);
            let top = (centre.y - reach).floor().max(0.0);
            let right = (centre.x + reach).ceil().min(img.width() as f32);
            let bottom = (centre.y + reach).ceil().min(img.height() as f32);
            if right - left < 2.0 || bottom - top < 2.0 {
                return Ok((vec![norm.offset; (size * size * 3) as usize], transform));
            }
            let (w, h) = (
                ((right - left) / step).ceil().max(1.0) as u32,
                ((bottom - top) / step).ceil().max(1.0) as u32,
            );
            let region = Rect {
                left: left.into(),
                top: top.into(),
                width: (right - left).into(),
                height: (bottom - top).into(),
            };
            let small = resample(img, region, w, h)?;
            let (kx, ky) = (w as f32 / (right - left), h as f32 / (bottom - top));
            (
                std::borrow::Cow::Owned(small),
                Box::new(move |p: Point| Point {
                    x: (p.x - left) * kx,
                    y: (p.y - top) * ky,
                }),
            )
        } else {
            (std::borrow::Cow::Borrowed(img), Box::new(|p| p))
        };

    let mut out = Vec::with_capacity((size * size * 3) as usize);
    for v in 0..size {
        for u in 0..size {
            let p = to_source(transform.to_image(u as f32 + 0.5, v as f32 + 0.5));
            let rgb = bilinear(&source, p.x - 0.5, p.y - 0.5);
            out.extend(rgb.iter().map(|&c| c / 255.0 * norm.scale + norm.offset));
        }
    }
    Ok((out, transform))
}

/// Bilinear sample at pixel-centre coordinates; black outside the image.
fn bilinear(img: &RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (w, h) = (img.width() as i64, img.height() as i64);
    let (x0, y0) = (x.floor() as i64, y.floor() as i64);
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let px = |xi: i64, yi: i64| -> [f32; 3] {
        if xi < 0 || yi < 0 || xi >= w || yi >= h {
            [0.0; 3]
        } else {
            let p = img.get_pixel(xi as u32, yi as u32).0;
            [f32::from(p[0]), f32::from(p[1]), f32::from(p[2])]
        }
    };
    let (a, b, c, d) = (
        px(x0, y0),
        px(x0 + 1, y0),
        px(x0, y0 + 1),
        px(x0 + 1, y0 + 1),
    );
    std::array::from_fn(|i| {
        let top = a[i] + (b[i] - a[i]) * fx;
        let bottom = c[i] + (d[i] - c[i]) * fx;
        top + (bottom - top) * fy
    })
}
