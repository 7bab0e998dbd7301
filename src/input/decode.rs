//! Bytes → upright 8-bit RGB, with every limit enforced before pixels are allocated.
//!
//! Order matters: size of the file, then the container (HEIC/GIF named, not "unknown"), then the
//! header (dimensions, bit depth, CMYK, animation), and only then the decoder allocates.

use std::io::Cursor;

use image::codecs::jpeg::JpegDecoder;
use image::codecs::png::PngDecoder;
use image::codecs::webp::WebPDecoder;
use image::{ColorType, DynamicImage, ImageDecoder, ImageError, RgbImage};

use super::exif::{read_exif, ExifSummary};
use super::sniff::{jpeg_header, png_dimensions, sniff, Sniffed};
use super::{Limits, Photo, SourceFormat, SourceInfo};
use crate::error::{Error, Result};

/// What the PNG decoder may allocate for everything but the pixels (real ICC profiles and XMP
/// are at most a few MB).
const PNG_METADATA_BYTES: u64 = 64 * 1024 * 1024;

/// Decode a JPEG, PNG or WebP file into an upright RGB photo.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Photo> {
    let (info, image) = read(bytes, limits, Want::Pixels)?;
    let image = image.ok_or_else(|| corrupt("the decoder gave no pixels"))?;
    Ok(Photo { info, image })
}

/// What [`decode`] would say of the file (format, upright size, EXIF), and every refusal it
/// makes before the pixels, without decoding them: a 12 MP JPEG in a few milliseconds, so a page
/// can answer at once on its own thread. A scan that is damaged inside is found by [`decode`].
pub fn probe(bytes: &[u8], limits: &Limits) -> Result<SourceInfo> {
    read(bytes, limits, Want::Info).map(|(info, _)| info)
}

#[derive(Clone, Copy, PartialEq)]
enum Want {
    Info,
    Pixels,
}

fn read(bytes: &[u8], limits: &Limits, want: Want) -> Result<(SourceInfo, Option<RgbImage>)> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    if bytes.len() as u64 > limits.max_bytes {
        return Err(Error::TooManyBytes {
            bytes: bytes.len() as u64,
            max: limits.max_bytes,
        });
    }
    let size = bytes.len() as u64;
    match sniff(bytes) {
        Sniffed::Jpeg => {
            let header = jpeg_header(bytes)
                .ok_or_else(|| corrupt("JPEG markers end before the image data"))?;
            if header.components == 4 {
                return Err(Error::Cmyk);
            }
            if header.precision > 8 {
                return Err(Error::HighBitDepth {
                    bits: header.precision,
                });
            }
            if !header.complete {
                return Err(corrupt(
                    "the JPEG ends before its end-of-image marker (truncated)",
                ));
            }
            let decoder = JpegDecoder::new(Cursor::new(bytes)).map_err(map_image_error)?;
            finish(decoder, SourceFormat::Jpeg, size, limits, want)
        }
        Sniffed::Png => {
            let (width, height) =
                png_dimensions(bytes).ok_or_else(|| corrupt("PNG has no IHDR header"))?;
            limits.check_dimensions(width, height)?;
            // The png crate's own allocation budget covers what it buffers besides pixels
            // (ancillary chunks, the inflated ICC profile, one row), not the image: without it a
            // 1 MB file with a deflate-bombed iCCP chunk allocates 1 GB. Pixels are capped in
            // `finish`.
            let mut png_limits = image::Limits::no_limits();
            png_limits.max_alloc = Some(PNG_METADATA_BYTES);
            let decoder =
                PngDecoder::with_limits(Cursor::new(bytes), png_limits).map_err(map_image_error)?;
            if decoder.is_apng().map_err(map_image_error)? {
                return Err(Error::Animated);
            }
            finish(decoder, SourceFormat::Png, size, limits, want)
        }
        Sniffed::WebP => {
            let decoder = WebPDecoder::new(Cursor::new(bytes)).map_err(map_image_error)?;
            if decoder.has_animation() {
                return Err(Error::Animated);
            }
            finish(decoder, SourceFormat::Webp, size, limits, want)
        }
        Sniffed::Unsupported(name) => Err(Error::UnsupportedFormat {
            format: name.to_string(),
        }),
        Sniffed::Unknown => Err(Error::UnsupportedFormat {
            format: "unknown".to_string(),
        }),
    }
}

fn finish(
    mut decoder: impl ImageDecoder,
    format: SourceFormat,
    file_bytes: u64,
    limits: &Limits,
    want: Want,
) -> Result<(SourceInfo, Option<RgbImage>)> {
    let (stored_width, stored_height) = decoder.dimensions();
    limits.check_dimensions(stored_width, stored_height)?;
    match decoder.color_type() {
        ColorType::L16 | ColorType::La16 | ColorType::Rgb16 | ColorType::Rgba16 => {
            return Err(Error::HighBitDepth { bits: 16 })
        }
        ColorType::Rgb32F | ColorType::Rgba32F => return Err(Error::HighBitDepth { bits: 32 }),
        _ => {}
    }
    let exif = match decoder.exif_metadata() {
        Ok(Some(raw)) => read_exif(raw),
        _ => ExifSummary::default(),
    };
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let info = |width: u32, height: u32| SourceInfo {
        format,
        file_bytes,
        stored_width,
        stored_height,
        width,
        height,
        orientation: exif_orientation_code(orientation),
        exif: exif.clone(),
        camera: None,
    };
    if want == Want::Info {
        // Orientations 5–8 turn the picture a quarter: the upright size swaps the stored one.
        let (width, height) = if exif_orientation_code(orientation) >= 5 {
            (stored_height, stored_width)
        } else {
            (stored_width, stored_height)
        };
        return Ok((info(width, height), None));
    }
    let mut io_limits = image::Limits::default();
    io_limits.max_image_width = Some(stored_width);
    io_limits.max_image_height = Some(stored_height);
    // The decoded buffer is at most 4 bytes a pixel; allow the decoder's own scratch on top.
    io_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8));
    decoder.set_limits(io_limits).map_err(map_image_error)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(map_image_error)?;
    image.apply_orientation(orientation);
    let rgb = flatten_to_rgb(image);
    Ok((info(rgb.width(), rgb.height()), Some(rgb)))
}

/// Transparent pixels (PNG exports from editors) become white, like paper, not black.
fn flatten_to_rgb(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let (w, h) = rgba.dimensions();
    RgbImage::from_fn(w, h, |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u32::from(p[3]);
        let over_white = |c: u8| ((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
        image::Rgb([over_white(p[0]), over_white(p[1]), over_white(p[2])])
    })
}

fn exif_orientation_code(o: image::metadata::Orientation) -> u16 {
    use image::metadata::Orientation::*;
    match o {
        NoTransforms => 1,
        FlipHorizontal => 2,
        Rotate180 => 3,
        FlipVertical => 4,
        Rotate90FlipH => 5,
        Rotate90 => 6,
        Rotate270FlipH => 7,
        Rotate270 => 8,
    }
}

fn corrupt(detail: &str) -> Error {
    Error::Corrupt {
        detail: detail.to_string(),
    }
}

fn map_image_error(e: ImageError) -> Error {
    match e {
        ImageError::Unsupported(u) => Error::UnsupportedFormat {
            format: u.to_string(),
        },
        ImageError::Limits(l) => Error::Corrupt {
            detail: format!("decoder limit: {l}"),
        },
        other => Error::Corrupt {
            detail: other.to_string(),
        },
    }
}
