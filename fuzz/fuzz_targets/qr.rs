//! Any bytes → a small grey image → `qr::decode_grey`, and any text → `qr::payload`: a payload
//! that passes its checks, or `qr.not_found` / `qr.unreadable`, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(init: {
    // rqrr's known panic (rqrr#54) is caught inside `qr::decode_grey`; without this the fuzzer's
    // own hook would abort before the catch. Any panic that is not caught still reaches
    // libFuzzer's `catch_unwind` and counts as a crash.
    std::panic::set_hook(Box::new(|_| {}));
}, |data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    // First byte: width (1–256); the rest: pixels, row by row.
    let width = u32::from(data[0]) + 1;
    let pixels = &data[1..];
    let height = (pixels.len() as u32 / width).max(1);
    let mut buf = pixels.to_vec();
    buf.resize((width * height) as usize, 255);
    let Some(grey) = image::GrayImage::from_raw(width, height, buf) else {
        return;
    };
    match gradphoto::qr::decode_grey(&grey) {
        Ok(text) => {
            assert!(!text.is_empty() && text.len() <= gradphoto::qr::MAX_PAYLOAD_BYTES);
            assert!(!text.chars().any(char::is_control));
        }
        Err(e) => assert!(e.code().starts_with("qr."), "{}", e.code()),
    }
    if let Ok(text) = std::str::from_utf8(pixels) {
        match gradphoto::qr::payload(text.to_string()) {
            Ok(t) => assert_eq!(t, text),
            Err(e) => assert_eq!(e.code(), "qr.unreadable"),
        }
    }
});
