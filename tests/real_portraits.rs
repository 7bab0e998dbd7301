//! The reworked rules on photos of real people (`../shared/portraits`, labelled in
//! `eval/portraits.json`): each rule passes the acceptable photos an examiner would let through,
//! catches the violations, and where its measure is uncertain warns instead of failing. Also
//! controlled changes of those photos (darkened, washed out, blurred, recompressed, enlarged).
//! Runs natively and in headless Chromium; where `../shared/portraits` is absent (a user's
//! machine) every test says it skipped and passes.

mod common;

use common::*;
use gradphoto::checks::Status;
use image::RgbImage;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// A sharp copy enlarged by `k` (Lanczos3), as a phone's digital zoom or an upscaler makes it.
fn enlarged(img: &RgbImage, k: u32) -> RgbImage {
    let full = gradphoto::resample::Rect {
        left: 0.0,
        top: 0.0,
        width: img.width().into(),
        height: img.height().into(),
    };
    gradphoto::resample::resample(img, full, img.width() * k, img.height() * k).unwrap()
}

fn recompressed(img: &RgbImage, quality: u8) -> RgbImage {
    let bytes = gradphoto::encode::encode_jpeg(img, quality, 72).unwrap();
    gradphoto::decode(&bytes, &Default::default())
        .unwrap()
        .image
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn exposure_is_fair_to_dark_and_light_skin() {
    // Each at its own correct exposure: two men with dark skin (face median L* 31 and 32), two
    // with light skin (65 and 61). The same photos at ×0.35 and washed out fail.
    let photos = [
        ("ppp-008 (dark skin)", portrait!("ppp-008.jpg")),
        ("uniface-man2 (dark skin)", portrait!("uniface-man2.jpg")),
        ("ppp-013 (light skin)", portrait!("ppp-013.jpg")),
        ("ppp-009 (light skin)", portrait!("ppp-009.jpg")),
    ];
    for (name, photo) in photos {
        let Some(img) = photo else { continue };
        let (s0, l0) = status(&img, "lighting.exposure");
        let dark = map(&img, |_, _, p| scale_px(p, 0.35));
        let (s1, l1) = status(&dark, "lighting.exposure");
        let washed = map(&img, |_, _, p| {
            p.map(|c| 255 - ((255.0 - f32::from(c)) * 0.35) as u8)
        });
        let (s2, l2) = status(&washed, "lighting.exposure");
        assert_eq!(
            (s0, s1, s2),
            (Status::Pass, Status::Fail, Status::Fail),
            "{name}: as taken {l0}, ×0.35 {l1}, washed out {l2}"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_half_lit_face_fails_evenness_and_side_light_passes() {
    // uniface-man1: studio light from one side, his left cheek about 3 stops darker (阴阳脸).
    // facexlib-test2: window light from one side, 1.3 stops: an ordinary portrait.
    let (Some(half), Some(side)) = (
        portrait!("uniface-man1.jpg"),
        portrait!("facexlib-test2.jpg"),
    ) else {
        return;
    };
    let (s0, e0) = status(&half, "lighting.even");
    let (s1, e1) = status(&side, "lighting.even");
    assert_eq!((s0, s1), (Status::Fail, Status::Pass), "{e0} {e1}");
    assert!(e0 > 2.5 && e1 < 1.6, "{e0} {e1}");
}

/// 阴阳脸 made to measure: one half of an evenly lit real face (the image's left of the eyes'
/// midpoint, with a soft edge a tenth of the face wide) darkened by 1, 2 and 3 stops in linear
/// light. The reading follows the shade one for one; soft side light (1 EV, a 2:1 ratio) passes,
/// a half-lit face (2 EV and more) fails.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn controlled_half_shade_fails_from_two_stops_and_soft_side_light_passes() {
    let Some(even) = portrait!("ppp-000.jpg") else {
        return;
    };
    let g = analyzer().analyze(&even).unwrap().faces[0].geometry.clone();
    let (mid, fw) = (g.eye_mid.x, g.face_width_px);
    let shaded = |ev: f32| {
        map(&even, |x, _, p| {
            let t = ((mid - x as f32) / (0.1 * fw) + 0.5).clamp(0.0, 1.0);
            let k = 2f32.powf(-ev * t);
            p.map(|c| {
                let v = f32::from(c) / 255.0;
                let lin = if v <= 0.04045 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                } * k;
                let s = if lin <= 0.003_130_8 {
                    lin * 12.92
                } else {
                    1.055 * lin.powf(1.0 / 2.4) - 0.055
                };
                (s * 255.0 + 0.5).clamp(0.0, 255.0) as u8
            })
        })
    };
    let (s0, e0) = status(&even, "lighting.even");
    let got: Vec<(Status, f64)> = [1.0, 2.0, 3.0]
        .map(|ev| status(&shaded(ev), "lighting.even"))
        .to_vec();
    assert_eq!(s0, Status::Pass, "as taken {e0}");
    assert_eq!(
        got.iter().map(|g| g.0).collect::<Vec<_>>(),
        [Status::Pass, Status::Fail, Status::Fail],
        "{e0} {got:?}"
    );
    for (ev, (_, e)) in [1.0, 2.0, 3.0].iter().zip(&got) {
        assert!((e - e0 - ev).abs() < 0.2, "{ev} EV reads {e} from {e0}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sharpness_is_judged_at_the_output_scale() {
    let (Some(sharp), Some(blurred)) = (portrait!("ppp-008.jpg"), portrait!("codeformer-0763.png"))
    else {
        return;
    };
    let fw = analyzer().analyze(&sharp).unwrap().faces[0]
        .geometry
        .face_width_px;
    // A blur of 1 px per 400 px of face vanishes at the output's 240 px face; 4 px does not.
    let blur = |px_per_400: f32| image::imageops::blur(&sharp, px_per_400 * fw / 400.0);
    let (s0, v0) = status(&sharp, "image.sharpness");
    let (s1, v1) = status(&blur(1.0), "image.sharpness");
    let (s2, v2) = status(&blur(4.0), "image.sharpness");
    let (s3, v3) = status(&blurred, "image.sharpness");
    assert_eq!(
        (s0, s1, s2, s3),
        (Status::Pass, Status::Pass, Status::Fail, Status::Fail),
        "sharp {v0}, 1 px {v1}, 4 px {v2}, codeformer {v3}"
    );
    assert!(v0 > v1 && v1 > v2);
    let hint = report(&blur(4.0))
        .rule("image.sharpness")
        .unwrap()
        .hint_en
        .clone();
    assert!(hint.contains("standard photo"), "{hint}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn recompression_is_judged_at_the_output_scale() {
    // A large face (592 px) saved at quality 60: its 8-px blocks shrink to 3 px at the output
    // and vanish. A small face (155 px) saved at quality 10: its blocks grow and show.
    let (Some(large), Some(small)) = (portrait!("ppp-008.jpg"), portrait!("ppp-013.jpg")) else {
        return;
    };
    let (s0, b0) = status(&recompressed(&large, 60), "image.compression");
    let (s1, b1) = status(&recompressed(&small, 10), "image.compression");
    let (s2, b2) = status(&small, "image.compression");
    assert_eq!(
        (s0, s1, s2),
        (Status::Pass, Status::Fail, Status::Pass),
        "large q60 {b0}, small q10 {b1}, small as taken {b2}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn web_jpegs_and_enlarged_photos_are_not_rephotos_and_a_screen_grid_is() {
    // These two read 0.32 and 0.25 on the autocorrelation's swing that the rule used before.
    let (Some(web), Some(press)) = (
        portrait!("3ddfa-jianzhuguo.jpg"),
        portrait!("pulid-lifeifei.jpg"),
    ) else {
        return;
    };
    let screen = map(&web, |x, y, p| {
        if x % 4 == 0 || y % 4 == 0 {
            scale_px(p, 0.82)
        } else {
            p
        }
    });
    let (s0, r0) = status(&web, "capture.rephoto");
    let (s1, r1) = status(&enlarged(&web, 2), "capture.rephoto");
    let (s2, r2) = status(&press, "capture.rephoto");
    let (s3, r3) = status(&screen, "capture.rephoto");
    assert_eq!(
        (s0, s1, s2, s3),
        (Status::Pass, Status::Pass, Status::Pass, Status::Fail),
        "web {r0}, enlarged {r1}, press {r2}, screen grid {r3}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn navy_clothing_fails_on_the_blue_background() {
    // A navy sweater over a white collar and a navy polo with gold logos: their mean colour is
    // barely blue, most of their pixels are. A white shirt is not.
    let (Some(sweater), Some(polo), Some(white)) = (
        portrait!("pulid-hinton.jpg"),
        portrait!("ppp-polo.jpg"),
        portrait!("ppp-013.jpg"),
    ) else {
        return;
    };
    let r = report(&sweater);
    let c = r.rule("clothing.color").unwrap();
    assert_eq!(
        (c.status, c.unit),
        (Status::Fail, "share"),
        "{:?}",
        c.measured
    );
    assert!(c.hint_en.contains("blue"));
    assert_eq!(status(&polo, "clothing.color").0, Status::Fail);
    assert_eq!(status(&white, "clothing.color").0, Status::Pass);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn stripes_fail_the_pattern_rule_and_heather_passes() {
    let (Some(stripes), Some(heather)) = (
        portrait!("deepface-img49.jpg"),
        portrait!("deepface-img14.jpg"),
    ) else {
        return;
    };
    let (s0, p0) = status(&stripes, "clothing.pattern");
    let (s1, p1) = status(&heather, "clothing.pattern");
    assert_eq!(
        (s0, s1),
        (Status::Fail, Status::Pass),
        "stripes {p0}, heather {p1}"
    );
}
