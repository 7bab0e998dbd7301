//! The 图像采集码 read from a screenshot-like image, and the live camera guide on controlled
//! changes of a real photo (moved, scaled, darkened, tilted). Runs natively and in headless
//! Chromium.

mod common;

use common::*;
use gradphoto::analysis::Mode;
use gradphoto::guide::{guide, Guide, GuideStatus};
use gradphoto::{Error, Photo, Preset};
use image::{imageops, Rgb, RgbImage};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// A QR symbol of `text`, `scale` px per module, with the standard 4-module quiet zone.
fn qr_image(text: &str, scale: u32) -> RgbImage {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let n = code.width() as u32;
    let colors = code.to_colors();
    let side = (n + 8) * scale;
    RgbImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / scale, y / scale);
        let dark = mx >= 4
            && my >= 4
            && mx < n + 4
            && my < n + 4
            && colors[((my - 4) * n + mx - 4) as usize] == qrcode::Color::Dark;
        if dark {
            Rgb([20, 20, 20])
        } else {
            Rgb([250, 250, 250])
        }
    })
}

/// A "screenshot": the photo as page background with the code pasted on it.
fn screenshot_with(text: &str) -> RgbImage {
    let mut page = imageops::resize(&grace(), 750, 1334, imageops::FilterType::Triangle);
    imageops::overlay(&mut page, &qr_image(text, 8), 150, 500);
    page
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn reads_the_code_from_a_screenshot_file() {
    let code = "GP1-2026-000001";
    let jpeg = jpeg_with_exif(&screenshot_with(code), None);
    let photo = gradphoto::decode(&jpeg, &gradphoto::Limits::default()).unwrap();
    assert_eq!(gradphoto::qr::decode_photo(&photo).unwrap(), code);
    // A long opaque payload, as the real encrypted codes are, also from a 12 MP frame (downscaled
    // before the search).
    let long = "CHSI:".to_string() + &"Zq9x".repeat(60);
    let mut frame = imageops::resize(&grace(), 4032, 3024, imageops::FilterType::Nearest);
    imageops::overlay(&mut frame, &qr_image(&long, 16), 800, 400);
    assert_eq!(
        gradphoto::qr::decode_photo(&Photo::from_rgb(frame)).unwrap(),
        long
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn no_code_and_bad_payloads_are_typed_errors() {
    let plain = Photo::from_rgb(grace());
    assert_eq!(gradphoto::qr::decode_photo(&plain), Err(Error::QrNotFound));
    assert_eq!(
        gradphoto::qr::decode_photo(&plain).unwrap_err().code(),
        "qr.not_found"
    );
    // Control characters would reach the page and the request: refused.
    let bad = Photo::from_rgb(screenshot_with("GP1\u{7}2026"));
    let e = gradphoto::qr::decode_photo(&bad).unwrap_err();
    assert_eq!(e.code(), "qr.unreadable");
    assert!(e.message_zh().contains("二维码"));
    assert!(gradphoto::qr::payload(String::new()).is_err());
    assert!(gradphoto::qr::payload("x".repeat(3000)).is_err());
}

/// The input the `qr` fuzz target found: rqrr panics in its grid search (rqrr#54). Natively the
/// panic is contained and typed; in WASM it would trap, which is why the shell decodes QR codes
/// in a worker.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_qr_decoders_known_panic_is_a_typed_error() {
    let data = include_bytes!("data/qr-rqrr-panic.bin");
    let width = u32::from(data[0]) + 1;
    let pixels = &data[1..];
    let height = (pixels.len() as u32 / width).max(1);
    let mut buf = pixels.to_vec();
    buf.resize((width * height) as usize, 255);
    let grey = image::GrayImage::from_raw(width, height, buf).unwrap();
    let e = gradphoto::qr::decode_grey(&grey).unwrap_err();
    assert_eq!(e.code(), "qr.unreadable");
    // The same pixels as a PNG "screenshot" (what the browser test picks from the album).
    let png = include_bytes!("data/qr-rqrr-panic.png");
    let photo = gradphoto::decode(png, &gradphoto::Limits::default()).unwrap();
    assert_eq!(
        gradphoto::qr::decode_photo(&photo).unwrap_err().code(),
        "qr.unreadable"
    );
    // The same thread decodes a real code afterwards.
    let ok = Photo::from_rgb(screenshot_with("GP1-2026-000001"));
    assert_eq!(gradphoto::qr::decode_photo(&ok).unwrap(), "GP1-2026-000001");
}

fn chsi() -> Preset {
    Preset::builtin("chsi-graduation").unwrap()
}

fn live(img: &RgbImage) -> Guide {
    let analysis = analyzer().analyze_with(img, Mode::Live).unwrap();
    guide(img, &analysis, &chsi(), None)
}

/// The middle of a preset range, at the 2× scale of a 960×1280 frame (the output is 480×640).
fn target(range: Option<[f32; 2]>) -> f32 {
    let [lo, hi] = range.unwrap();
    lo + hi
}

/// A 4:3 portrait camera frame (960×1280, mid-grey) with Grace scaled so her face is `ratio`
/// times the width the guide wants there (the middle of the preset's face-width range, at 2×)
/// and her eyes at (`eye_x`, `eye_y`). Where she is comes from her own analysis.
fn frame(ratio: f32, eye_x: f32, eye_y: f32) -> RgbImage {
    let g = grace();
    let a = analyzer().analyze_with(&g, Mode::Live).unwrap();
    let geo = &a.faces[0].geometry;
    let k = ratio * target(chsi().geometry.face_width_px) / geo.face_width_px;
    let scaled = imageops::resize(
        &g,
        (g.width() as f32 * k) as u32,
        (g.height() as f32 * k) as u32,
        imageops::FilterType::Triangle,
    );
    let mut out = RgbImage::from_pixel(960, 1280, Rgb([128, 128, 128]));
    let x = (eye_x - geo.eye_mid.x * k).round() as i64;
    let y = (eye_y - geo.eye_mid.y * k).round() as i64;
    imageops::overlay(&mut out, &scaled, x, y);
    out
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn guide_says_what_to_change() {
    // The target eye line: the middle of CHSI's eye-line range at 2× (500 px from the top).
    let eyes = target(chsi().geometry.eye_line_px);
    let good = live(&frame(1.0, 480.0, eyes));
    assert_eq!(good.hint.code, "guide.ready", "{good:?}");
    assert!(good.ready && good.status == GuideStatus::Ok);
    // The same well-placed frame from the front camera: a selfie, whatever the framing.
    let img = frame(1.0, 480.0, eyes);
    let analysis = analyzer().analyze_with(&img, Mode::Live).unwrap();
    let front = guide(
        &img,
        &analysis,
        &chsi(),
        Some(gradphoto::CameraFacing::User),
    );
    assert_eq!(front.hint.code, "guide.rear_camera", "{front:?}");
    assert!(front.hint.zh.contains("后置摄像头"));
    assert!(!front.ready && front.status == GuideStatus::Adjust);
    let rear = guide(
        &img,
        &analysis,
        &chsi(),
        Some(gradphoto::CameraFacing::Environment),
    );
    assert_eq!(rear.hint.code, "guide.ready");
    let scale = good.scale.unwrap();
    assert!((0.93..1.07).contains(&scale), "{scale}");
    assert!(good.oval.rx > 200.0 && good.oval.cx == 480.0);

    let far = live(&frame(0.7, 480.0, eyes));
    assert_eq!(far.hint.code, "guide.closer");
    assert!(far.scale.unwrap() < 0.8);
    let near = live(&frame(1.3, 480.0, eyes));
    assert_eq!(near.hint.code, "guide.further");
    assert!(near.scale.unwrap() > 1.2);
    // Her face right of centre in the frame: she must move to the frame's left.
    assert_eq!(live(&frame(1.0, 700.0, eyes)).hint.code, "guide.move_left");
    assert_eq!(live(&frame(1.0, 260.0, eyes)).hint.code, "guide.move_right");
    assert_eq!(
        live(&frame(1.0, 480.0, eyes - 200.0)).hint.code,
        "guide.camera_up"
    );
    assert_eq!(
        live(&frame(1.0, 480.0, eyes + 200.0)).hint.code,
        "guide.camera_down"
    );
    // Tilted by 15°: the roll limit is 8°.
    let tilted = live(&rotate(&frame(1.0, 480.0, eyes), 15.0));
    assert_eq!(tilted.hint.code, "guide.level", "{tilted:?}");
    // Two stops darker: too dark for the exposure floor.
    let dark = frame(1.0, 480.0, eyes);
    let dark = RgbImage::from_fn(960, 1280, |x, y| {
        let p = dark.get_pixel(x, y).0;
        Rgb(p.map(|v| (v as f32 * 0.25) as u8))
    });
    assert_eq!(live(&dark).hint.code, "guide.more_light");

    let blank = live(&RgbImage::from_pixel(640, 480, Rgb([90, 90, 90])));
    assert_eq!(blank.status, GuideStatus::NoFace);
    assert_eq!(blank.hint.code, "guide.no_face");
    assert!(!blank.ready);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_live_guide_tracks_the_face_between_frames() {
    use gradphoto::analysis::track::{Tracker, REDETECT_EVERY};
    let eyes = target(chsi().geometry.eye_line_px);
    let still = frame(1.0, 480.0, eyes);
    let mut tracker = Tracker::new();
    let first = tracker.analyze(analyzer(), &still).unwrap();
    assert_ne!(first.detector, "tracked");
    let second = tracker.analyze(analyzer(), &still).unwrap();
    assert_eq!(second.detector, "tracked");
    let (g1, g2) = (&first.faces[0].geometry, &second.faces[0].geometry);
    let moved = (g1.eye_mid.x - g2.eye_mid.x).hypot(g1.eye_mid.y - g2.eye_mid.y);
    assert!(moved < 3.0, "{moved}");
    assert!((g1.face_width_px / g2.face_width_px - 1.0).abs() < 0.03);
    assert_eq!(
        guide(&still, &second, &chsi(), None).hint.code,
        guide(&still, &first, &chsi(), None).hint.code
    );
    // The person moves 40 px right and 20 px down: followed without detection.
    let shifted = frame(1.0, 520.0, eyes + 20.0);
    let third = tracker.analyze(analyzer(), &shifted).unwrap();
    assert_eq!(third.detector, "tracked");
    let g3 = &third.faces[0].geometry;
    assert!(
        (g3.eye_mid.x - g1.eye_mid.x - 40.0).abs() < 4.0,
        "{}",
        g3.eye_mid.x
    );
    assert!(
        (g3.eye_mid.y - g1.eye_mid.y - 20.0).abs() < 4.0,
        "{}",
        g3.eye_mid.y
    );
    // The person leaves: lost, detected again (nothing found), then found again by detection.
    let empty = RgbImage::from_pixel(960, 1280, Rgb([128, 128, 128]));
    let gone = tracker.analyze(analyzer(), &empty).unwrap();
    assert!(gone.faces.is_empty());
    assert_eq!(gone.detector, "none");
    assert_ne!(
        tracker.analyze(analyzer(), &still).unwrap().detector,
        "tracked"
    );
    // While tracked, detection still runs every REDETECT_EVERY frames.
    let runs: Vec<&str> = (0..=REDETECT_EVERY)
        .map(|_| tracker.analyze(analyzer(), &still).unwrap().detector)
        .collect();
    assert_eq!(
        runs.iter().filter(|d| **d != "tracked").count(),
        1,
        "{runs:?}"
    );
}

/// The guide a page gets before the face mesh has loaded: from the detector's keypoints alone.
fn detected(img: &RgbImage) -> Guide {
    let faces = analyzer().detect_live(img).unwrap();
    gradphoto::guide::guide_detected(img, &faces, &chsi(), None)
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_guide_from_the_detector_alone_says_what_the_mesh_guide_says() {
    let eyes = target(chsi().geometry.eye_line_px);
    let good = frame(1.0, 480.0, eyes);
    let frames = [
        good.clone(),
        frame(0.7, 480.0, eyes),
        frame(1.3, 480.0, eyes),
        frame(1.0, 700.0, eyes),
        frame(1.0, 260.0, eyes),
        frame(1.0, 480.0, eyes - 200.0),
        frame(1.0, 480.0, eyes + 200.0),
        rotate(&frame(1.0, 480.0, eyes), 15.0),
        RgbImage::from_fn(960, 1280, |x, y| {
            let p = good.get_pixel(x, y).0;
            Rgb(p.map(|v| (v as f32 * 0.25) as u8))
        }),
        RgbImage::from_pixel(640, 480, Rgb([90, 90, 90])),
    ];
    let codes: Vec<&str> = frames.iter().map(|f| detected(f).hint.code).collect();
    assert_eq!(
        codes,
        [
            "guide.ready",
            "guide.closer",
            "guide.further",
            "guide.move_left",
            "guide.move_right",
            "guide.camera_up",
            "guide.camera_down",
            "guide.level",
            "guide.more_light",
            "guide.no_face",
        ]
    );
    let good = detected(&frames[0]);
    assert!(good.ready && !good.mesh);
    assert!(live(&frames[0]).mesh);
    // Her face's width read from the ears is the mesh's within a few per cent.
    let (by_keypoints, by_mesh) = (good.scale.unwrap(), live(&frames[0]).scale.unwrap());
    assert!(
        (by_keypoints / by_mesh - 1.0).abs() < 0.05,
        "{by_keypoints} vs {by_mesh}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_analyzer_with_the_detector_alone_refuses_a_photo_until_the_mesh_loads() {
    let models = models();
    let mut a = gradphoto::Analyzer::detector_only(models.detector).unwrap();
    assert!(!a.has_mesh());
    let img = grace();
    assert!(matches!(a.analyze(&img), Err(Error::ModelsNotLoaded)));
    assert!(matches!(
        a.analyze_with(&img, Mode::Live),
        Err(Error::ModelsNotLoaded)
    ));
    assert_eq!(a.detect_live(&img).unwrap().len(), 1);
    a.load_mesh(models.landmarks, models.segmenter).unwrap();
    assert!(a.has_mesh());
    let analysis = a.analyze(&img).unwrap();
    assert_eq!(analysis.faces.len(), 1);
    assert!(analysis.mask.is_some());
}
