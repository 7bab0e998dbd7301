//! Any text → `Preset::from_json`: a valid preset or `Error::InvalidPreset`, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|json: &str| {
    match gradphoto::Preset::from_json(json) {
        Ok(preset) => {
            // What validation promises the pipeline.
            assert!((16..=4096).contains(&preset.output.width));
            assert!((16..=4096).contains(&preset.output.height));
            assert!(preset.background.rgb().is_ok());
            let (min, max) = preset.output.byte_range();
            assert!(min <= max);
            // Round trip: what we accepted, we can write back and read again.
            let again = serde_json::to_string(&preset).expect("serialise");
            assert_eq!(gradphoto::Preset::from_json(&again).as_ref(), Ok(&preset));
        }
        Err(e) => assert_eq!(e.code(), "preset.invalid"),
    }
});
