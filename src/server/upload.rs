//! What the server accepts as a submitted photo, checked again whatever the client said: a JPEG
//! of the preset's exact dimensions inside its byte window, whose SHA-256 matches the
//! `X-Content-SHA256` header (so a cut-off or altered transfer is refused, not stored), and that
//! reads cleanly to its end: decoded in strict mode (a truncated or corrupt scan is an error, not
//! grey fill), nothing after the end-of-image marker, 24-bit colour (three components), the
//! preset's density in dots per inch, and baseline coding where the preset asks for it.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
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

/// The most bytes a photo upload may carry: the preset's file-size limit (40 000 for CHSI),
/// never more than the API's general body limit.
pub fn max_photo_bytes(preset: &Preset) -> usize {
    let (_, max) = preset.output.byte_range();
    usize::try_from(max).map_or(super::MAX_BODY, |m| m.min(super::MAX_BODY))
}

fn too_large(len: u64, max: u64) -> ApiError {
    ApiError {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        code: "upload.too_large",
        message_zh: format!("照片 {len} 字节，超过上限 {max} 字节。"),
        message_en: format!("The photo is {len} bytes, more than {max}."),
        ..ApiError::default()
    }
}

/// A photo announced (Content-Length) over the preset's limit is refused before its body is
/// read, with the same answer as one that arrives too large; the route's body limit stops one
/// sent without a length at that many bytes.
pub async fn refuse_oversize_photo(
    State(state): State<super::AppState>,
    request: Request,
    next: Next,
) -> Response {
    let max = max_photo_bytes(&state.config.preset) as u64;
    match super::announced_length(&request) {
        Some(n) if n > max => too_large(n, max).into_response(),
        _ => next.run(request).await,
    }
}

pub fn accept(
    body: &[u8],
    claimed_sha: &str,
    headers: &HeaderMap,
    preset: &Preset,
) -> Result<Accepted, ApiError> {
    let (min, max) = preset.output.byte_range();
    if body.len() as u64 > max {
        return Err(too_large(body.len() as u64, max));
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
    strict_jpeg(body, preset)?;
    let photo = crate::decode(body, &Limits::default()).map_err(|e| ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: "upload.unreadable",
        message_zh: format!("照片无法读取（{}）。", e.code()),
        message_en: format!("The photo cannot be read ({}).", e.code()),
        ..ApiError::default()
    })?;
    let (w, h) = (preset.output.width, preset.output.height);
    if photo.info.format != SourceFormat::Jpeg || photo.info.width != w || photo.info.height != h {
        return Err(bad_dimensions(
            photo.info.width as usize,
            photo.info.height as usize,
            preset,
        ));
    }
    Ok(Accepted {
        sha256,
        width: w,
        height: h,
        photo,
    })
}

fn bad_dimensions(width: usize, height: usize, preset: &Preset) -> ApiError {
    let (w, h) = (preset.output.width, preset.output.height);
    ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: "upload.bad_dimensions",
        message_zh: format!("照片为 {width}×{height} 像素，应为 {w}×{h}。"),
        message_en: format!("The photo is {width}×{height} px; it must be {w}×{h}."),
        ..ApiError::default()
    }
}

/// The JPEG's structure as the collector's standard asks for it (see the module comment).
fn strict_jpeg(body: &[u8], preset: &Preset) -> Result<(), ApiError> {
    use zune_core::bytestream::ZCursor;
    use zune_core::options::DecoderOptions;
    use zune_jpeg::zune_core;
    let refuse = |code: &'static str, zh: &str, en: &str| {
        Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
            zh,
            en,
        ))
    };
    if !body.ends_with(&[0xFF, 0xD9]) {
        return refuse(
            "upload.trailing_data",
            "照片文件在结束标记之后还有其他数据，或文件不完整：请上传标准照原文件。",
            "The file has data after its end marker, or is incomplete: upload the standardised file itself.",
        );
    }
    let damaged = || {
        refuse(
            "upload.damaged",
            "照片文件已损坏（解码出错或数据不完整）：请重新生成标准照后上传。",
            "The photo is damaged (a decoding error or missing data): standardise it again and upload.",
        )
    };
    let strict = |bytes: &[u8]| {
        let options = DecoderOptions::default().set_strict_mode(true);
        let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
        decoder.decode().ok().and(decoder.info())
    };
    // The frame header first: a file declaring other dimensions than the preset's (a 16384 ×
    // 16384 "bomb" in 30 KB would take ~800 MB and seconds to decode) is refused before any
    // pixel is decoded.
    let (w, h) = (preset.output.width as usize, preset.output.height as usize);
    let mut header = zune_jpeg::JpegDecoder::new(ZCursor::new(body));
    match header.decode_headers().ok().and(header.dimensions()) {
        Some(size) if size == (w, h) => {}
        Some((dw, dh)) => return Err(bad_dimensions(dw, dh, preset)),
        None => return damaged(),
    }
    let Some(info) = strict(body) else {
        return damaged();
    };
    // zune-jpeg does not export its frame-type enum; its default value is baseline DCT.
    let baseline = info.sof == Default::default();
    // A cut-off scan followed by an end marker decodes "cleanly" (the decoder stops at the marker
    // and fills the rest), so a baseline file is read once more without its end marker: complete
    // scan data still fills every block, a cut one runs out. (Progressive files need the marker
    // to end their scans, so this reading is for baseline files only.)
    if baseline && strict(&body[..body.len() - 2]).is_none() {
        return damaged();
    }
    if info.components != 3 {
        return refuse(
            "upload.not_colour",
            "照片须为 24 位彩色 JPEG（不能是灰度或 CMYK）。",
            "The photo must be a 24-bit colour JPEG (not greyscale or CMYK).",
        );
    }
    let dpi = preset.output.dpi;
    // Read from the JFIF header (zune-jpeg does not parse it), as the closed loop reads it.
    if crate::standardize::verify::jfif_dpi(body) != Some(f64::from(dpi)) {
        return Err(ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "upload.wrong_density",
            message_zh: format!("照片的分辨率须为 {dpi} dpi（写在 JPEG 文件中）。"),
            message_en: format!("The photo must say {dpi} dpi in its JPEG density."),
            ..ApiError::default()
        });
    }
    if preset.output.baseline && !baseline {
        return refuse(
            "upload.not_baseline",
            "照片须为基线（baseline）JPEG，不能是渐进式：请上传标准照原文件。",
            "The photo must be a baseline JPEG, not progressive: upload the standardised file itself.",
        );
    }
    Ok(())
}

/// The server's own automatic check of an accepted photo, as report JSON for the reviewer.
/// `None` when the photo cannot be analysed (the reviewer then judges it alone).
pub fn report(analyzer: &Analyzer, photo: &Photo, preset: &Preset) -> Option<String> {
    let analysis = analyzer.analyze(&photo.image).ok()?;
    let report = crate::check(photo, &analysis, preset).ok()?;
    serde_json::to_string(&report).ok()
}
