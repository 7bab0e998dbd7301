//! The EXIF fields later checks need (selfie lens, beauty-app software, capture time), read with
//! `kamadak-exif` into plain data. Free-text fields are trimmed and capped so that a hostile file
//! cannot push megabytes of text into a report.

use serde::Serialize;

/// What the camera wrote about itself. Every field is optional: screenshots and edited files
/// often carry none.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct ExifSummary {
    pub make: Option<String>,
    pub model: Option<String>,
    pub lens_model: Option<String>,
    pub software: Option<String>,
    /// Focal length in millimetres, as recorded (not 35 mm-equivalent).
    pub focal_length_mm: Option<f32>,
    pub focal_length_35mm: Option<u32>,
    pub date_time_original: Option<String>,
    /// Raw EXIF orientation tag (1–8) when present.
    pub orientation: Option<u16>,
}

const MAX_TEXT: usize = 128;

/// Parse a raw EXIF block (the TIFF structure, as `image` returns it). Unreadable EXIF is not an
/// error for the photo: we return an empty summary and the checks that need EXIF say so.
pub fn read_exif(raw: Vec<u8>) -> ExifSummary {
    let Ok(exif) = exif::Reader::new().read_raw(raw) else {
        return ExifSummary::default();
    };
    let text = |tag| {
        exif.get_field(tag, exif::In::PRIMARY)
            .and_then(|f| match &f.value {
                exif::Value::Ascii(parts) => {
                    let joined: Vec<u8> = parts.iter().flatten().copied().take(MAX_TEXT).collect();
                    let s = String::from_utf8_lossy(&joined)
                        .trim_matches(['\0', ' '])
                        .to_string();
                    (!s.is_empty()).then_some(s)
                }
                _ => None,
            })
    };
    let uint = |tag| {
        exif.get_field(tag, exif::In::PRIMARY)
            .and_then(|f| f.value.get_uint(0))
    };
    let focal_length_mm = exif
        .get_field(exif::Tag::FocalLength, exif::In::PRIMARY)
        .and_then(|f| match &f.value {
            exif::Value::Rational(r) if !r.is_empty() && r[0].denom != 0 => Some(r[0].to_f32()),
            _ => None,
        })
        .filter(|v| v.is_finite() && *v > 0.0 && *v < 10_000.0);
    ExifSummary {
        make: text(exif::Tag::Make),
        model: text(exif::Tag::Model),
        lens_model: text(exif::Tag::LensModel),
        software: text(exif::Tag::Software),
        focal_length_mm,
        focal_length_35mm: uint(exif::Tag::FocalLengthIn35mmFilm).filter(|v| *v > 0 && *v < 10_000),
        date_time_original: text(exif::Tag::DateTimeOriginal),
        orientation: uint(exif::Tag::Orientation)
            .and_then(|v| u16::try_from(v).ok())
            .filter(|v| (1..=8).contains(v)),
    }
}
