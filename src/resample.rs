//! High-quality resampling of a region of a photo to an exact output size (Lanczos3 via
//! `fast_image_resize`, which has SIMD paths natively and in WASM).

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::RgbImage;

use crate::error::{Error, Result};

/// A rectangle in source pixels; may be fractional.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

/// The largest rectangle of the output's aspect ratio centred in the source.
pub fn centre_crop(src_width: u32, src_height: u32, out_width: u32, out_height: u32) -> Rect {
    let (sw, sh) = (f64::from(src_width), f64::from(src_height));
    let aspect = f64::from(out_width) / f64::from(out_height);
    let (width, height) = if sw / sh > aspect {
        (sh * aspect, sh)
    } else {
        (sw, sw / aspect)
    };
    Rect {
        left: (sw - width) / 2.0,
        top: (sh - height) / 2.0,
        width,
        height,
    }
}

/// The whole of an image as a region.
pub fn full(image: &RgbImage) -> Rect {
    Rect {
        left: 0.0,
        top: 0.0,
        width: f64::from(image.width()),
        height: f64::from(image.height()),
    }
}

/// The image shrunk so its long side is at most `max_side`, each small pixel the plain average
/// of the source pixels it covers (a box filter), or borrowed as it is when it already fits, with
/// the factor from the copy's pixels back to the original's. For the models' working copy and
/// for colour statistics: Lanczos' sharpening buys nothing there (the models resample again to
/// 128–256 px; the analysis of Grace Hopper at 3072×3600 moves by under 0.3 % of the face width)
/// and its wide kernel costs about six times the work on a 12 MP photo.
pub fn average_within(
    image: &RgbImage,
    max_side: u32,
) -> Result<(std::borrow::Cow<'_, RgbImage>, f32)> {
    let long = image.width().max(image.height());
    if long <= max_side {
        return Ok((std::borrow::Cow::Borrowed(image), 1.0));
    }
    let k = max_side as f32 / long as f32;
    let w = ((image.width() as f32 * k).round() as u32).max(1);
    let h = ((image.height() as f32 * k).round() as u32).max(1);
    let small = resample_with(image, full(image), w, h, FilterType::Box)?;
    Ok((
        std::borrow::Cow::Owned(small),
        image.width() as f32 / w as f32,
    ))
}

/// Resample `region` of `src` to `out_width × out_height` with Lanczos3. The region must lie
/// inside the source.
pub fn resample(src: &RgbImage, region: Rect, out_width: u32, out_height: u32) -> Result<RgbImage> {
    resample_with(src, region, out_width, out_height, FilterType::Lanczos3)
}

/// [`resample`] for a region much larger than its output (a zone of a 12 MP photo): an area
/// average to twice the output size first, then Lanczos3 from there. The average removes only
/// detail finer than half an output pixel, which Lanczos3 would remove too, so the result stays
/// close to a direct pass; but a direct Lanczos3 reads about six times the shrink factor of source
/// pixels for every output pixel, so on a large shrink the two steps cost a fraction of it.
pub fn resample_shrinking(
    src: &RgbImage,
    region: Rect,
    out_width: u32,
    out_height: u32,
) -> Result<RgbImage> {
    let (mid_w, mid_h) = (out_width * 2, out_height * 2);
    if region.width < 2.0 * f64::from(mid_w) || region.height < 2.0 * f64::from(mid_h) {
        return resample(src, region, out_width, out_height);
    }
    let mid = resample_with(src, region, mid_w, mid_h, FilterType::Box)?;
    resample(&mid, full(&mid), out_width, out_height)
}

fn resample_with(
    src: &RgbImage,
    region: Rect,
    out_width: u32,
    out_height: u32,
    filter: FilterType,
) -> Result<RgbImage> {
    let fail = |detail: String| Error::Encode { detail };
    let src_view = ImageRef::new(src.width(), src.height(), src.as_raw(), PixelType::U8x3)
        .map_err(|e| fail(e.to_string()))?;
    let mut dst = Image::new(out_width, out_height, PixelType::U8x3);
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(filter))
        .crop(
            region.left,
            region.top,
            trim_rounding(region.left, region.width, src.width()),
            trim_rounding(region.top, region.height, src.height()),
        );
    Resizer::new()
        .resize(&src_view, &mut dst, &options)
        .map_err(|e| fail(e.to_string()))?;
    RgbImage::from_raw(out_width, out_height, dst.into_vec())
        .ok_or_else(|| fail("resampled buffer has the wrong size".into()))
}

/// `len`, less what `start + len` passes `size` by when that is a rounding (under a thousandth of
/// a pixel): callers compute their regions in f32, and the resizer refuses a crop that passes the
/// edge by any amount. A real overshoot is left for the resizer to refuse.
fn trim_rounding(start: f64, len: f64, size: u32) -> f64 {
    let over = start + len - f64::from(size);
    if over > 0.0 && over < 1e-3 {
        len - over
    } else {
        len
    }
}

/// Resample a linear-light RGB image, given as three planes (`width × height` each, row by row),
/// to `out_width × out_height` with Lanczos3, each plane on its own, the result interleaved.
/// Downscaling in linear light keeps thin dark strands (hair against a light background) from
/// thickening or darkening, as gamma-space filtering does.
pub fn resample_linear_planes(
    planes: [&[f32]; 3],
    width: u32,
    height: u32,
    out_width: u32,
    out_height: u32,
) -> Result<Vec<f32>> {
    resample_linear_rows(planes, width, height, out_width, out_height, 0)
}

/// [`resample_linear_planes`], only the output's rows from `from_row` on (interleaved, `out_width
/// × (out_height − from_row)`): each is the same row the whole resample would give, away from the
/// crop's first few rows, where the filter's reach is cut.
pub fn resample_linear_rows(
    planes: [&[f32]; 3],
    width: u32,
    height: u32,
    out_width: u32,
    out_height: u32,
    from_row: u32,
) -> Result<Vec<f32>> {
    let fail = |detail: String| Error::Encode { detail };
    let from_row = from_row.min(out_height);
    let rows = out_height - from_row;
    let mut out = vec![0.0f32; out_width as usize * rows as usize * 3];
    if rows == 0 {
        return Ok(out);
    }
    let same_size = (width, height) == (out_width, out_height);
    let skip = from_row as usize * width as usize;
    for (c, plane) in planes.into_iter().enumerate() {
        let resized;
        let values: &[f32] = if same_size {
            &plane[skip..]
        } else {
            let src = ImageRef::new(width, height, bytemuck::cast_slice(plane), PixelType::F32)
                .map_err(|e| fail(e.to_string()))?;
            let mut dst = Image::new(out_width, rows, PixelType::F32);
            let scale = f64::from(height) / f64::from(out_height);
            let top = f64::from(from_row) * scale;
            let options = ResizeOptions::new()
                .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
                .crop(
                    0.0,
                    top,
                    f64::from(width),
                    trim_rounding(top, f64::from(rows) * scale, height),
                );
            Resizer::new()
                .resize(&src, &mut dst, &options)
                .map_err(|e| fail(e.to_string()))?;
            resized = dst;
            bytemuck::cast_slice(resized.buffer())
        };
        for (k, v) in values.iter().enumerate() {
            out[3 * k + c] = *v;
        }
    }
    Ok(out)
}

/// The picture content turned counter-clockwise (as seen) by `degrees` about `(cx, cy)`, same
/// canvas, bilinear; uncovered corners take the nearest edge pixel (the matte then decides
/// whether they are background).
pub fn rotate(image: &RgbImage, degrees: f32, cx: f32, cy: f32) -> RgbImage {
    let (w, h) = (image.width() as f32, image.height() as f32);
    let (s, c) = degrees.to_radians().sin_cos();
    RgbImage::from_fn(image.width(), image.height(), |x, y| {
        let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
        // The inverse of a counter-clockwise turn on screen (y down): turn the sample clockwise.
        let sx = (cx + c * dx - s * dy - 0.5).clamp(0.0, w - 1.0);
        let sy = (cy + s * dx + c * dy - 0.5).clamp(0.0, h - 1.0);
        let (x0, y0) = (sx.floor() as u32, sy.floor() as u32);
        let (x1, y1) = (
            (x0 + 1).min(image.width() - 1),
            (y0 + 1).min(image.height() - 1),
        );
        let (fx, fy) = (sx - x0 as f32, sy - y0 as f32);
        let p = |x: u32, y: u32| image.get_pixel(x, y).0.map(f32::from);
        let (a, b, c2, d) = (p(x0, y0), p(x1, y0), p(x0, y1), p(x1, y1));
        image::Rgb(std::array::from_fn(|k| {
            let top = a[k] + (b[k] - a[k]) * fx;
            let bottom = c2[k] + (d[k] - c2[k]) * fx;
            (top + (bottom - top) * fy).round() as u8
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rows_of_a_strip_are_the_whole_resample_s_below_its_first_few() {
        // A 2.6× shrink (a working grid to the output) of three different smooth-and-sharp planes.
        let (w, h, ow, oh) = (130u32, 260u32, 50u32, 100u32);
        let plane = |c: usize| -> Vec<f32> {
            (0..w * h)
                .map(|k| {
                    let (x, y) = ((k % w) as f32, (k / w) as f32);
                    let edge = if y > 0.4 * x + 90.0 { 0.9 } else { 0.1 };
                    edge + 0.05 * ((x + 3.0 * c as f32) * 0.3).sin() * (y * 0.07).cos()
                })
                .collect()
        };
        let planes = [plane(0), plane(1), plane(2)];
        let refs = [&planes[0][..], &planes[1][..], &planes[2][..]];
        let whole = resample_linear_planes(refs, w, h, ow, oh).unwrap();
        let from = 40;
        let strip = resample_linear_rows(refs, w, h, ow, oh, from).unwrap();
        assert_eq!(strip.len(), (ow * (oh - from) * 3) as usize);
        let row = (ow * 3) as usize;
        for y in (from + 4)..oh {
            let a = &whole[y as usize * row..(y as usize + 1) * row];
            let b = &strip[(y - from) as usize * row..(y - from + 1) as usize * row];
            for (p, q) in a.iter().zip(b) {
                assert!((p - q).abs() < 1e-4, "row {y}: {p} against {q}");
            }
        }
        // Same size: the rows themselves.
        let same = resample_linear_rows(refs, w, h, w, h, 200).unwrap();
        assert_eq!(same[0], planes[0][200 * w as usize]);
    }

    #[test]
    fn centre_crop_keeps_aspect_and_centres() {
        let r = centre_crop(4000, 3000, 480, 640);
        assert!((r.width / r.height - 0.75).abs() < 1e-9);
        assert_eq!(r.height, 3000.0);
        assert!((r.left - (4000.0 - 2250.0) / 2.0).abs() < 1e-9);
        let tall = centre_crop(300, 1000, 480, 640);
        assert_eq!((tall.width, tall.height), (300.0, 400.0));
    }

    #[test]
    fn shrinking_through_an_average_stays_close_to_a_direct_lanczos() {
        // Smooth shading with a hard-edged bright disc (a stud), 2000×1600, a region with
        // fractional edges shrunk about 6.6×: the path the jewellery zones of a 12 MP photo take.
        let img = RgbImage::from_fn(2000, 1600, |x, y| {
            let (fx, fy) = (x as f32, y as f32);
            let shade = 128.0 + 90.0 * (fx / 47.0).sin() * (fy / 61.0).cos();
            let disc = (fx - 1013.0).hypot(fy - 777.0) < 14.0;
            let v = if disc { 250.0 } else { shade };
            image::Rgb([v as u8, (v * 0.8) as u8, (255.0 - v) as u8])
        });
        let region = Rect {
            left: 210.4,
            top: 95.7,
            width: 1581.3,
            height: 1323.9,
        };
        let (w, h) = (240, 200);
        let direct = resample(&img, region, w, h).unwrap();
        let fast = resample_shrinking(&img, region, w, h).unwrap();
        let diffs: Vec<i32> = direct
            .as_raw()
            .iter()
            .zip(fast.as_raw())
            .map(|(a, b)| (i32::from(*a) - i32::from(*b)).abs())
            .collect();
        let mean = diffs.iter().sum::<i32>() as f64 / diffs.len() as f64;
        let max = *diffs.iter().max().unwrap();
        assert!(mean < 1.0 && max <= 12, "mean {mean}, max {max}");
        // A region under four times the output goes straight to Lanczos3.
        let small = Rect {
            width: 700.0,
            height: 500.0,
            ..region
        };
        assert_eq!(
            resample_shrinking(&img, small, w, h).unwrap(),
            resample(&img, small, w, h).unwrap()
        );
    }

    #[test]
    fn a_region_past_the_edge_by_a_rounding_is_trimmed_and_a_real_overshoot_refused() {
        let img = RgbImage::from_pixel(100, 80, image::Rgb([10, 20, 30]));
        // 37.3 + 62.7 in f32 arithmetic, as the checks compute their windows.
        let (left, right) = (37.3f32, 100.0f32);
        let region = |width: f64| Rect {
            left: left.into(),
            top: 0.0,
            width,
            height: 80.0,
        };
        let rounded = f64::from(right - left) + 2e-5;
        assert!(resample(&img, region(rounded), 20, 16).is_ok());
        assert!(resample(&img, region(f64::from(right - left) + 1.0), 20, 16).is_err());
    }

    #[test]
    fn resample_keeps_flat_colour() {
        let src = RgbImage::from_pixel(100, 80, image::Rgb([10, 200, 30]));
        let out = resample(&src, centre_crop(100, 80, 30, 40), 30, 40).unwrap();
        assert_eq!(out.dimensions(), (30, 40));
        assert!(out.pixels().all(|p| p.0 == [10, 200, 30]));
    }
}
