//! Any bytes → `decode` under the default limits (50 MP / 30 MB), EXIF included. A panic, an
//! abort or an allocation beyond libFuzzer's `-rss_limit_mb` is a finding; a typed error is not.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match gradphoto::decode(data, &gradphoto::Limits::default()) {
        Ok(photo) => {
            let (w, h) = photo.image.dimensions();
            assert!(w > 0 && h > 0);
            assert_eq!((w, h), (photo.info.width, photo.info.height));
            assert!((1..=8).contains(&photo.info.orientation));
        }
        Err(e) => {
            assert!(!e.code().is_empty());
            assert!(!e.message_en().is_empty() && !e.message_zh().is_empty());
        }
    }
    // The EXIF reader on its own, as if `data` were the raw TIFF block of an APP1 / eXIf chunk.
    let summary = gradphoto::input::exif::read_exif(data.to_vec());
    if let Some(o) = summary.orientation {
        assert!((1..=8).contains(&o));
    }
});
