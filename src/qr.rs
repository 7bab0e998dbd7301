//! Reading the 图像采集码 (a QR code) from a screenshot or a camera frame, with rqrr.
//!
//! The payload is opaque to the client (the collector encrypts it; the server decrypts it), so
//! this module only finds and decodes the symbol and hands back its text. The first readable
//! symbol wins: a screenshot of the 学信网 page holds exactly one code.

use image::GrayImage;

use crate::{Error, Photo};

/// Longest payload accepted: the QR maximum in bytes (version 40, level L). A longer text cannot
/// come from a real symbol and is refused rather than passed on.
pub const MAX_PAYLOAD_BYTES: usize = 2953;

/// Longest side the detector works on. A code that fills a useful part of a screenshot or a
/// 12 MP frame keeps > 3 px per module at this size, and the finder search stays fast.
const MAX_SIDE: u32 = 1600;

/// The text of the first QR code found in `photo`.
pub fn decode_photo(photo: &Photo) -> Result<String, Error> {
    let grey = image::imageops::grayscale(&photo.image);
    let longest = grey.width().max(grey.height());
    if longest <= MAX_SIDE {
        return decode_grey(&grey);
    }
    let k = MAX_SIDE as f32 / longest as f32;
    let (w, h) = (
        ((grey.width() as f32 * k).round() as u32).max(1),
        ((grey.height() as f32 * k).round() as u32).max(1),
    );
    decode_grey(&image::imageops::resize(
        &grey,
        w,
        h,
        image::imageops::FilterType::Triangle,
    ))
}

/// The text of the first QR code found in a grey image.
///
/// rqrr 0.11 can panic inside its grid search on degenerate finder-pattern groups (an `assert!`
/// on projected coordinates; upstream issue WanzenBug/rqrr#54, also seen on real monitor photos).
/// Natively the panic is caught here and becomes `qr.unreadable`. In WASM panics abort, so the
/// shell runs QR decoding in its own worker instance (`www/qr-worker.js`), where a trap costs
/// only that worker.
pub fn decode_grey(grey: &GrayImage) -> Result<String, Error> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| search(grey))).unwrap_or_else(
            |_| {
                Err(Error::QrUnreadable {
                    detail: "the QR decoder failed on this image".into(),
                })
            },
        )
    }
    #[cfg(target_arch = "wasm32")]
    {
        search(grey)
    }
}

fn search(grey: &GrayImage) -> Result<String, Error> {
    let mut prepared = rqrr::PreparedImage::prepare(grey.clone());
    let grids = prepared.detect_grids();
    if grids.is_empty() {
        return Err(Error::QrNotFound);
    }
    let mut last = None;
    for grid in grids {
        match grid.decode() {
            Ok((_, text)) => return payload(text),
            Err(e) => last = Some(e.to_string()),
        }
    }
    Err(Error::QrUnreadable {
        detail: last.unwrap_or_default(),
    })
}

/// Checks a decoded payload: not empty, not longer than a symbol can hold, no control characters
/// (which no collection code contains and which would end up in the page and the request).
pub fn payload(text: String) -> Result<String, Error> {
    let bad = |detail: &str| Error::QrUnreadable {
        detail: detail.to_string(),
    };
    if text.is_empty() {
        return Err(bad("empty payload"));
    }
    if text.len() > MAX_PAYLOAD_BYTES {
        return Err(bad("payload longer than a QR code holds"));
    }
    if text.chars().any(char::is_control) {
        return Err(bad("control characters in the payload"));
    }
    Ok(text)
}
