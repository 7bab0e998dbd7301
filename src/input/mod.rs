//! Getting pixels in: files (JPEG, PNG, WebP) and raw RGBA from a browser canvas.
//!
//! - `sniff`: recognise the container and read the JPEG header facts decoders hide.
//! - `decode`: bytes → upright RGB under [`Limits`].
//! - `exif`: the EXIF fields the checks use.

mod decode;
pub mod exif;
pub mod sniff;

pub use decode::{decode, probe};
pub use exif::ExifSummary;

use image::RgbImage;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Input caps, checked before any pixel buffer is allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted width × height (default 50 MP: above every phone's normal mode).
    pub max_pixels: u64,
    /// Largest accepted file (default 30 MB).
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pixels: 50_000_000,
            max_bytes: 30 * 1024 * 1024,
        }
    }
}

impl Limits {
    pub fn check_dimensions(&self, width: u32, height: u32) -> Result<()> {
        if width == 0 || height == 0 {
            return Err(Error::ZeroDimensions);
        }
        if u64::from(width) * u64::from(height) > self.max_pixels {
            return Err(Error::TooManyPixels {
                width,
                height,
                max_pixels: self.max_pixels,
            });
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Jpeg,
    Png,
    Webp,
    /// Raw RGBA handed over from a canvas `ImageData` (already decoded by the browser).
    Rgba,
}

/// Which camera took a frame, as the browser reports it (`MediaTrackSettings.facingMode`): the
/// front camera means a selfie, which the collection guide forbids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum CameraFacing {
    /// The front camera (`"user"`).
    User,
    /// The rear camera (`"environment"`).
    Environment,
}

impl CameraFacing {
    /// From the browser's `facingMode` string; `None` for anything else (unknown, `left`, ...).
    pub fn parse(mode: &str) -> Option<CameraFacing> {
        match mode {
            "user" => Some(CameraFacing::User),
            "environment" => Some(CameraFacing::Environment),
            _ => None,
        }
    }
}

/// What we know about where the pixels came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct SourceInfo {
    pub format: SourceFormat,
    pub file_bytes: u64,
    /// Dimensions as stored in the file, before EXIF orientation.
    pub stored_width: u32,
    pub stored_height: u32,
    /// Dimensions of the upright image we work on.
    pub width: u32,
    pub height: u32,
    /// EXIF orientation that was applied (1 = none).
    pub orientation: u16,
    pub exif: ExifSummary,
    /// The camera that took the frame, where the host says so (camera captures have no EXIF).
    pub camera: Option<CameraFacing>,
}

/// An upright 8-bit sRGB photo and its provenance: the input of every later stage.
#[derive(Debug, Clone)]
pub struct Photo {
    pub image: RgbImage,
    pub info: SourceInfo,
}

impl Photo {
    /// Wrap pixels produced elsewhere (tests, derived images).
    pub fn from_rgb(image: RgbImage) -> Photo {
        let (width, height) = image.dimensions();
        Photo {
            info: SourceInfo {
                format: SourceFormat::Rgba,
                file_bytes: 0,
                stored_width: width,
                stored_height: height,
                width,
                height,
                orientation: 1,
                exif: ExifSummary::default(),
                camera: None,
            },
            image,
        }
    }

    /// The same photo, taken by the camera `camera` (the host reports it with a camera frame).
    pub fn with_camera(mut self, camera: Option<CameraFacing>) -> Photo {
        self.info.camera = camera;
        self
    }

    /// Accept RGBA bytes as a canvas `ImageData` holds them. Alpha is ignored: canvas frames from a
    /// camera are opaque.
    pub fn from_rgba(rgba: &[u8], width: u32, height: u32, limits: &Limits) -> Result<Photo> {
        limits.check_dimensions(width, height)?;
        let expected = u64::from(width) * u64::from(height) * 4;
        if rgba.len() as u64 != expected {
            return Err(Error::InvalidPixels {
                width,
                height,
                expected,
                got: rgba.len() as u64,
            });
        }
        let mut rgb = vec![0u8; rgba.len() / 4 * 3];
        for (to, from) in rgb.chunks_exact_mut(3).zip(rgba.chunks_exact(4)) {
            to.copy_from_slice(&from[..3]);
        }
        let image = RgbImage::from_raw(width, height, rgb).ok_or(Error::InvalidPixels {
            width,
            height,
            expected,
            got: rgba.len() as u64,
        })?;
        Ok(Photo::from_rgb(image))
    }
}
