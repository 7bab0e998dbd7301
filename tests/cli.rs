//! The `gradphoto` command line on real files (native only; needs `--features cli`).
#![cfg(all(feature = "cli", not(target_arch = "wasm32")))]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gradphoto"))
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gradphoto-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A real 12 MP JPEG: the Grace Hopper portrait upscaled to 4032×3024 (a phone's 4:3 size).
fn twelve_megapixel_jpeg() -> PathBuf {
    let path = temp("12mp.jpg");
    let img = common::grace();
    let big = gradphoto::resample::resample(
        &img,
        gradphoto::resample::Rect {
            left: 0.0,
            top: 0.0,
            width: 512.0,
            height: 600.0,
        },
        3024,
        4032,
    )
    .unwrap();
    std::fs::write(&path, gradphoto::encode::encode_jpeg(&big, 92, 72).unwrap()).unwrap();
    path
}

#[test]
fn encode_turns_a_12_megapixel_photo_into_the_chsi_file() {
    let src = twelve_megapixel_jpeg();
    let out = temp("out.jpg");
    let o = bin()
        .args(["encode"])
        .arg(&src)
        .arg("-o")
        .arg(&out)
        .arg("--json")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["width"], 480);
    assert_eq!(report["height"], 640);
    let bytes = std::fs::read(&out).unwrap();
    assert!(
        (20_480..=40_000).contains(&bytes.len()),
        "{} bytes",
        bytes.len()
    );
    assert_eq!(common::jfif_density(&bytes), Some((1, 300, 300)));
}

#[test]
fn info_prints_json_with_dimensions() {
    let o = bin()
        .args(["info", "--json"])
        .arg(data("grace_hopper.jpg"))
        .output()
        .unwrap();
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["width"].as_u64(), v["height"].as_u64()),
        (Some(512), Some(600))
    );
    assert_eq!(v["format"], "jpeg");
}

#[test]
fn bad_inputs_exit_2_with_a_typed_error() {
    let truncated = temp("truncated.jpg");
    std::fs::write(
        &truncated,
        &common::GRACE_JPG[..common::GRACE_JPG.len() / 2],
    )
    .unwrap();
    let empty = temp("empty.jpg");
    std::fs::write(&empty, b"").unwrap();
    let heic = temp("photo.heic");
    std::fs::write(&heic, b"\0\0\0\x18ftypheic\0\0\0\0mif1heic").unwrap();
    let huge = temp("huge.png");
    std::fs::write(
        &huge,
        common::png_with_header_size(common::ASTRONAUT_PNG, 100_000, 100_000),
    )
    .unwrap();
    for (file, code) in [
        (&truncated, "input.corrupt"),
        (&empty, "input.empty"),
        (&heic, "input.unsupported_format"),
        (&huge, "input.too_many_pixels"),
    ] {
        let o = bin().args(["info", "--json"]).arg(file).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", file.display());
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["error"]["code"], code, "{}", file.display());
        assert!(!v["error"]["message_zh"].as_str().unwrap().is_empty());
    }
}

#[test]
fn unknown_preset_is_an_input_error() {
    let out = temp("never.jpg");
    let o = bin()
        .arg("encode")
        .arg(data("grace_hopper.jpg"))
        .arg("-o")
        .arg(&out)
        .args(["--preset", "passport-mars"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("preset.unknown"));
    assert!(!out.exists());
}

#[test]
fn standardize_writes_a_verified_file_and_its_report() {
    let out = temp("std.jpg");
    let report = temp("std.json");
    let o = bin()
        .args(["standardize"])
        .arg(data("grace_hopper.jpg"))
        .arg("-o")
        .arg(&out)
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let jpeg = std::fs::read(&out).unwrap();
    let photo = gradphoto::decode(&jpeg, &Default::default()).unwrap();
    assert_eq!(photo.image.dimensions(), (480, 640));
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["verdict"], "pass");
    assert_eq!(r["background"], "#64C5FF");
    let crown = r["measured"]["crown_px"].as_f64().unwrap();
    assert!((50.0..=110.0).contains(&crown), "{crown}");
}

#[test]
fn standardize_says_why_a_photo_cannot_be_framed() {
    let img = common::grace();
    let cut = image::imageops::crop_imm(&img, 0, 90, img.width(), img.height() - 90).to_image();
    let src = temp("cut.png");
    cut.save(&src).unwrap();
    let o = bin()
        .args(["standardize", "--json"])
        .arg(&src)
        .arg("-o")
        .arg(temp("cut-out.jpg"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "standardize.cannot_frame");
}

#[test]
fn batch_standardises_a_folder_and_lists_each_photo() {
    let dir = temp("class");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(data("grace_hopper.jpg"), dir.join("a-grace.jpg")).unwrap();
    std::fs::copy(data("astronaut.png"), dir.join("b-astronaut.png")).unwrap();
    std::fs::write(dir.join("c-broken.jpg"), b"\xFF\xD8\xFF\xE0 not a jpeg").unwrap();
    let out = temp("class-out");
    let o = bin()
        .arg("batch")
        .arg(&dir)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("2 of 3 standardised"), "{stdout}");
    assert!(stdout
        .lines()
        .any(|l| l.starts_with("FAIL") && l.contains("c-broken")));
    assert!(out.join("a-grace.jpg").exists() && out.join("b-astronaut.jpg").exists());
}
