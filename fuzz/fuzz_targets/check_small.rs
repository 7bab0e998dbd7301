//! Any bytes → `decode` under tight limits (≤ 256×256) → if it decodes, the full analysis,
//! `check` with the CHSI preset, the live guide, and standardisation in preview mode (a photo
//! it cannot frame is a typed error). The models load once.
#![no_main]

use std::sync::OnceLock;

use gradphoto::{Analyzer, Limits, ModelBytes, Preset};
use libfuzzer_sys::fuzz_target;

fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| Analyzer::new(ModelBytes::embedded()).expect("embedded models load"))
}

fn preset() -> &'static Preset {
    static PRESET: OnceLock<Preset> = OnceLock::new();
    PRESET.get_or_init(|| Preset::builtin(gradphoto::DEFAULT_PRESET).expect("built-in preset"))
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_pixels: 256 * 256,
        max_bytes: 1 << 20,
    };
    let Ok(photo) = gradphoto::decode(data, &limits) else {
        return;
    };
    match analyzer().analyze(&photo.image) {
        Ok(analysis) => {
            match gradphoto::check(&photo, &analysis, preset()) {
                Ok(report) => assert!(!report.rules.is_empty()),
                Err(e) => assert!(!e.message_en().is_empty()),
            }
            let guide = gradphoto::guide::guide(&photo.image, &analysis, preset());
            assert!(guide.oval.rx > 0.0);
            let options = gradphoto::standardize::Options {
                background: None,
                quality: gradphoto::standardize::Quality::Preview,
            };
            match gradphoto::standardize::standardize_analyzed(
                analyzer(),
                &photo,
                &analysis,
                preset(),
                &options,
            ) {
                Ok(done) => assert_eq!(
                    done.image.dimensions(),
                    (preset().output.width, preset().output.height)
                ),
                Err(e) => assert!(!e.code().is_empty() && !e.message_zh().is_empty()),
            }
        }
        Err(e) => assert!(!e.message_en().is_empty()),
    }
});
