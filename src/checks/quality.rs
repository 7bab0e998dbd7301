//! Sharpness, noise and JPEG blockiness on the face, at the scale the output will have.

use image::{GrayImage, RgbImage};

use super::{no_single_face, Context, Hints, RuleResult};
use crate::error::Result;
use crate::resample::{resample, Rect};

/// The face resampled to this width: about the face width on the 480×640 output.
const FACE_SIDE: u32 = 256;

fn luma(img: &RgbImage) -> GrayImage {
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        image::Luma([crate::colour::luma(img.get_pixel(x, y).0).round() as u8])
    })
}

/// Variance of the 4-neighbour Laplacian: high when edges are crisp.
fn laplacian_variance(g: &GrayImage) -> f64 {
    let (w, h) = g.dimensions();
    let at = |x: u32, y: u32| f64::from(g.get_pixel(x, y).0[0]);
    let mut values = Vec::new();
    for y in 1..h.saturating_sub(1) {
        for x in 1..w.saturating_sub(1) {
            values.push(at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4.0 * at(x, y));
        }
    }
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n
}

/// Immerkær's fast noise estimate: σ from the response to a Laplacian-difference mask, which
/// cancels smooth structure and keeps pixel noise.
fn noise_sigma(g: &GrayImage) -> f64 {
    let (w, h) = g.dimensions();
    if w < 3 || h < 3 {
        return 0.0;
    }
    let at = |x: u32, y: u32| f64::from(g.get_pixel(x, y).0[0]);
    let mut sum = 0.0;
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let v = at(x - 1, y - 1) - 2.0 * at(x, y - 1) + at(x + 1, y - 1) - 2.0 * at(x - 1, y)
                + 4.0 * at(x, y)
                - 2.0 * at(x + 1, y)
                + at(x - 1, y + 1)
                - 2.0 * at(x, y + 1)
                + at(x + 1, y + 1);
            sum += v.abs();
        }
    }
    (std::f64::consts::PI / 2.0).sqrt() * sum / (6.0 * f64::from(w - 2) * f64::from(h - 2))
}

/// Mean gradient across 8-pixel block edges ÷ mean gradient elsewhere, both directions, on the
/// photo's own pixel grid (where JPEG blocks are).
fn blockiness(g: &GrayImage) -> f64 {
    let (w, h) = g.dimensions();
    let (mut edge, mut edge_n, mut inner, mut inner_n) = (0.0, 0u64, 0.0, 0u64);
    let at = |x: u32, y: u32| f64::from(g.get_pixel(x, y).0[0]);
    for y in 0..h {
        for x in 1..w {
            let d = (at(x, y) - at(x - 1, y)).abs();
            if x % 8 == 0 {
                (edge, edge_n) = (edge + d, edge_n + 1);
            } else {
                (inner, inner_n) = (inner + d, inner_n + 1);
            }
        }
    }
    for y in 1..h {
        for x in 0..w {
            let d = (at(x, y) - at(x, y - 1)).abs();
            if y % 8 == 0 {
                (edge, edge_n) = (edge + d, edge_n + 1);
            } else {
                (inner, inner_n) = (inner + d, inner_n + 1);
            }
        }
    }
    if edge_n == 0 || inner_n == 0 || inner == 0.0 {
        return 1.0;
    }
    (edge / edge_n as f64) / (inner / inner_n as f64)
}

pub(crate) fn run(ctx: &Context, out: &mut Vec<RuleResult>) -> Result<()> {
    let Some(face) = ctx.face else {
        for (id, unit) in [
            ("image.sharpness", "var"),
            ("image.noise", "σ"),
            ("image.compression", "ratio"),
        ] {
            out.push(no_single_face(id, unit));
        }
        return Ok(());
    };
    let img = &ctx.photo.image;
    let (iw, ih) = (img.width() as f32, img.height() as f32);
    let b = face.bbox;
    let (x0, y0) = (b.x.max(0.0), b.y.max(0.0));
    let (x1, y1) = ((b.x + b.width).min(iw), (b.y + b.height).min(ih));
    if x1 - x0 < 8.0 || y1 - y0 < 8.0 {
        for (id, unit) in [
            ("image.sharpness", "var"),
            ("image.noise", "σ"),
            ("image.compression", "ratio"),
        ] {
            out.push(super::not_evaluated(
                id,
                unit,
                "人脸区域太小。",
                "The face region is too small.",
            ));
        }
        return Ok(());
    }
    let region = Rect {
        left: x0.into(),
        top: y0.into(),
        width: (x1 - x0).into(),
        height: (y1 - y0).into(),
    };
    let h = ((FACE_SIDE as f32 * (y1 - y0) / (x1 - x0)).round() as u32).max(8);
    let face_img = luma(&resample(img, region, FACE_SIDE, h)?);
    let face_box = Some(face.bbox);
    out.push(ctx.judge(
        "image.sharpness",
        laplacian_variance(&face_img),
        "var",
        &Hints {
            ok: ("照片清晰。", "The photo is sharp."),
            low: (
                "照片模糊：请对焦在脸上，拿稳手机，光线不足时更容易糊。",
                "The photo is blurred: focus on the face, hold the phone steady, use more light.",
            ),
            high: ("照片清晰。", "The photo is sharp."),
        },
        face_box,
    ));
    out.push(ctx.judge(
        "image.noise",
        noise_sigma(&face_img),
        "σ",
        &Hints {
            ok: ("噪点正常。", "Noise is low."),
            low: ("噪点正常。", "Noise is low."),
            high: (
                "噪点太多：光线太暗，请到更亮的地方拍摄。",
                "Too much noise: the light is too dim, shoot somewhere brighter.",
            ),
        },
        face_box,
    ));
    // Blockiness needs the file's own grid: the face box snapped outwards to 8 px, unresampled.
    let (gx0, gy0) = ((x0 as u32) / 8 * 8, (y0 as u32) / 8 * 8);
    let crop = image::imageops::crop_imm(
        img,
        gx0,
        gy0,
        (x1 as u32).saturating_sub(gx0),
        (y1 as u32).saturating_sub(gy0),
    )
    .to_image();
    out.push(ctx.judge(
        "image.compression",
        blockiness(&luma(&crop)),
        "ratio",
        &Hints {
            ok: ("没有明显压缩痕迹。", "No visible compression artefacts."),
            low: ("没有明显压缩痕迹。", "No visible compression artefacts."),
            high: (
                "照片被反复压缩、有方块痕迹：请使用相机原图，不要用聊天软件转发后的图片。",
                "Heavy JPEG blocks: use the camera original, not a copy sent through a chat app.",
            ),
        },
        face_box,
    ));
    Ok(())
}
