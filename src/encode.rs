//! JPEG output to a collector's file spec: exact density in the JFIF header, baseline, sRGB, and a
//! size search for the highest quality whose file lands inside the allowed byte window. The file
//! is never padded to reach a minimum size: a reviewer's tools see through padding, and so do we.

use image::RgbImage;
use jpeg_encoder::{ChromaSubsamplingMethod, ColorType, Encoder, PixelDensity, SamplingFactor};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::preset::OutputSpec;

/// An encoded file and the settings that produced it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct EncodedJpeg {
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub size_bytes: usize,
    pub quality: u8,
    pub width: u32,
    pub height: u32,
    pub dpi: u16,
    /// JPEG encodes tried by the size search.
    pub attempts: u32,
}

/// Encode once at a fixed quality: baseline, 4:2:0 chroma (box-averaged, as libjpeg does), the
/// standard Huffman tables, and the density written into the JFIF header.
///
/// jpeg-encoder 0.7.1's optimised Huffman tables produce files that decode to garbage (mean
/// error ≈ 94 levels, in zune-jpeg and elsewhere): they are off, and a test holds the decoded
/// output to the input.
pub fn encode_jpeg(image: &RgbImage, quality: u8, dpi: u16) -> Result<Vec<u8>> {
    let fail = |detail: String| Error::Encode { detail };
    let (width, height) = (
        u16::try_from(image.width()).map_err(|_| fail("wider than 65535 px".into()))?,
        u16::try_from(image.height()).map_err(|_| fail("taller than 65535 px".into()))?,
    );
    let mut out = Vec::with_capacity(64 * 1024);
    let mut encoder = Encoder::new(&mut out, quality.clamp(1, 100));
    encoder.set_density(PixelDensity::dpi(dpi));
    encoder.set_sampling_factor(SamplingFactor::R_4_2_0);
    encoder.set_chroma_subsampling_method(ChromaSubsamplingMethod::Average);
    encoder
        .encode(image.as_raw(), width, height, ColorType::Rgb)
        .map_err(|e| fail(e.to_string()))?;
    Ok(out)
}

/// The highest quality in `[spec.min_quality, 100]` whose file size is inside the spec's window.
///
/// File size grows with quality, so a binary search finds the boundary in about seven encodes.
/// If even the lowest allowed quality is too big, or even quality 100 too small, or the window is
/// so narrow that one quality step jumps over it, the error says which.
pub fn encode_to_spec(image: &RgbImage, spec: &OutputSpec) -> Result<EncodedJpeg> {
    let (min_bytes, max_bytes) = spec.byte_range();
    let mut attempts = 0;
    let mut encode = |q: u8| {
        attempts += 1;
        encode_jpeg(image, q, spec.dpi)
    };
    let unreachable = |detail: String| Error::SizeUnreachable {
        min_quality: spec.min_quality,
        min_kb: spec.min_kb.unwrap_or(0),
        max_kb: spec.max_kb.unwrap_or(0),
        detail,
    };
    let lowest_q = spec.min_quality.clamp(1, 100);

    let best = encode(100)?;
    let (quality, bytes) = if best.len() as u64 <= max_bytes {
        (100, best)
    } else {
        let lowest = encode(lowest_q)?;
        if lowest.len() as u64 > max_bytes {
            return Err(unreachable(format!(
                "quality {lowest_q} already gives {} bytes, above the {max_bytes}-byte maximum",
                lowest.len()
            )));
        }
        // Invariant: `lo` fits, `hi` does not.
        let (mut lo, mut lo_bytes, mut hi) = (lowest_q, lowest, 100u8);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            let candidate = encode(mid)?;
            if candidate.len() as u64 <= max_bytes {
                (lo, lo_bytes) = (mid, candidate);
            } else {
                hi = mid;
            }
        }
        (lo, lo_bytes)
    };
    if (bytes.len() as u64) < min_bytes {
        let why = if quality == 100 {
            format!(
                "quality 100 gives only {} bytes, below the {min_bytes}-byte minimum",
                bytes.len()
            )
        } else {
            format!(
                "quality {quality} gives {} bytes and quality {} exceeds {max_bytes}: the window is too narrow",
                bytes.len(),
                quality + 1
            )
        };
        return Err(unreachable(why));
    }
    Ok(EncodedJpeg {
        size_bytes: bytes.len(),
        bytes,
        quality,
        width: image.width(),
        height: image.height(),
        dpi: spec.dpi,
        attempts,
    })
}

/// Centre-crop to the spec's aspect ratio, resample to its exact size and size-search encode.
/// The plain framing used before face analysis exists (and by `gradphoto encode`).
pub fn centre_crop_encode(image: &RgbImage, spec: &OutputSpec) -> Result<EncodedJpeg> {
    let region =
        crate::resample::centre_crop(image.width(), image.height(), spec.width, spec.height);
    let resized = crate::resample::resample(image, region, spec.width, spec.height)?;
    encode_to_spec(&resized, spec)
}
