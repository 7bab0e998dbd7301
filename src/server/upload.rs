//! What the server accepts as a submitted photo, checked again whatever the client said: a
//! baseline JPEG of the preset's exact dimensions inside its byte window, whose SHA-256 matches
//! the `X-Content-SHA256` header (so a cut-off or altered transfer is refused, not stored).

use axum::http::{HeaderMap, StatusCode};
use sha2::{Digest, Sha256};

use super::error::ApiError;
use super::hex;
use crate::input::SourceFormat;
use crate::{Analyzer, Limits, Photo, Preset};

pub struct Accepted {
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    /// The decoded photo, for the server's own check (decoded once, here).
    pub photo: Photo,
}

pub fn accept(
    body: &[u8],
    claimed_sha: &str,
    headers: &HeaderMap,
    preset: &Preset,
) -> Result<Accepted, ApiError> {
    let (min, max) = preset.output.byte_range();
    if body.len() as u64 > max {
        return Err(ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "upload.too_large",
            message_zh: format!("照片 {} 字节，超过上限 {max} 字节。", body.len()),
            message_en: format!("The photo is {} bytes, more than {max}.", body.len()),
            ..ApiError::default()
        });
    }
    let declared = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !declared.eq_ignore_ascii_case("image/jpeg") || !body.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "upload.not_jpeg",
            "只接受 JPEG 照片。",
            "Only a JPEG photo is accepted.",
        ));
    }
    if (body.len() as u64) < min {
        return Err(ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "upload.bad_size",
            message_zh: format!("照片 {} 字节，小于下限 {min} 字节。", body.len()),
            message_en: format!("The photo is {} bytes, less than {min}.", body.len()),
            ..ApiError::default()
        });
    }
    let sha256 = hex(&Sha256::digest(body));
    if !claimed_sha.trim().eq_ignore_ascii_case(&sha256) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "upload.hash_mismatch",
            "照片传输不完整（校验值不符），请重新上传。",
            "The photo did not arrive intact (SHA-256 mismatch): upload it again.",
        ));
    }
    let photo = crate::decode(body, &Limits::default()).map_err(|e| ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: "upload.unreadable",
        message_zh: format!("照片无法读取（{}）。", e.code()),
        message_en: format!("The photo cannot be read ({}).", e.code()),
        ..ApiError::default()
    })?;
    let (w, h) = (preset.output.width, preset.output.height);
    if photo.info.format != SourceFormat::Jpeg || photo.info.width != w || photo.info.height != h {
        return Err(ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "upload.bad_dimensions",
            message_zh: format!(
                "照片为 {}×{} 像素，应为 {w}×{h}。",
                photo.info.width, photo.info.height
            ),
            message_en: format!(
                "The photo is {}×{} px; it must be {w}×{h}.",
                photo.info.width, photo.info.height
            ),
            ..ApiError::default()
        });
    }
    Ok(Accepted {
        sha256,
        width: w,
        height: h,
        photo,
    })
}

/// The server's own automatic check of an accepted photo, as report JSON for the reviewer.
/// `None` when the photo cannot be analysed (the reviewer then judges it alone).
pub fn report(analyzer: &Analyzer, photo: &Photo, preset: &Preset) -> Option<String> {
    let analysis = analyzer.analyze(&photo.image).ok()?;
    let report = crate::check(photo, &analysis, preset).ok()?;
    serde_json::to_string(&report).ok()
}
