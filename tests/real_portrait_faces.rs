//! The rules about the face and head on photos of real people (`../shared/portraits`, labelled
//! in `eval/portraits.json`): head covering, pose, mouth and smile, expression, glasses, app
//! watermarks, the shoulder line, closed eyes, warnings fair across skin tones, and the live
//! guide from the detector alone. Runs natively and in headless Chromium; where
//! `../shared/portraits` is absent (a user's machine) every test says it skipped and passes.

mod common;

use common::*;
use gradphoto::checks::Status;
use image::RgbImage;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn hats_warn_the_head_covering_rule_and_bare_heads_pass() {
    // A black fedora pulled down to the brows over black hair (the band and brim hide the
    // forehead) and a pink knit hat; a man with short dark hair.
    let (Some(fedora), Some(knit), Some(bare)) = (
        portrait!("glasses-sunglasses_hat.jpg"),
        portrait!("pulid-zcy.jpg"),
        portrait!("ppp-000.jpg"),
    ) else {
        return;
    };
    let (s0, h0) = status(&fedora, "head.covering");
    let (s1, h1) = status(&knit, "head.covering");
    let (s2, h2) = status(&bare, "head.covering");
    assert_eq!(
        (s0, s1, s2),
        (Status::Warn, Status::Warn, Status::Pass),
        "fedora {h0}, knit hat {h1}, bare {h2}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn pose_turned_heads_fail_and_a_slight_turn_warns() {
    // ppp-headpose: turned far to his left (−33°). ppp-009: frontal. pulid-lifeifei reads +9°:
    // within what frontal portraits read (up to ±10.8°), a warning.
    let (Some(turned), Some(frontal), Some(slight)) = (
        portrait!("ppp-headpose.jpg"),
        portrait!("ppp-009.jpg"),
        portrait!("pulid-lifeifei.jpg"),
    ) else {
        return;
    };
    let (s0, y0) = status(&turned, "pose.yaw");
    let (s1, y1) = status(&frontal, "pose.yaw");
    let (s2, y2) = status(&slight, "pose.yaw");
    assert_eq!(
        (s0, s1, s2),
        (Status::Fail, Status::Pass, Status::Warn),
        "turned {y0}, frontal {y1}, slight {y2}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn teeth_fail_the_mouth_rule_and_closed_full_lips_only_warn() {
    // uniface-portrait1 laughs with her teeth showing (inner-lip gap 0.23 of the mouth's width);
    // ppp-008's lips are closed, but full lips put the mesh's inner-lip points 0.10 apart, as
    // far as a slight parting: a warning asking to check; ppp-013's thin closed lips pass.
    let (Some(teeth), Some(full), Some(closed)) = (
        portrait!("uniface-portrait1.jpg"),
        portrait!("ppp-008.jpg"),
        portrait!("ppp-013.jpg"),
    ) else {
        return;
    };
    let (s0, m0) = status(&teeth, "mouth.closed");
    let (s1, m1) = status(&full, "mouth.closed");
    let (s2, m2) = status(&closed, "mouth.closed");
    assert_eq!(
        (s0, s1, s2),
        (Status::Fail, Status::Warn, Status::Pass),
        "teeth {m0}, full lips {m1}, closed {m2}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_broad_smile_fails_and_a_faint_one_warns() {
    let (Some(broad), Some(faint), Some(neutral)) = (
        portrait!("deepface-img25.jpg"),
        portrait!("ppp-010.jpg"),
        portrait!("ppp-000.jpg"),
    ) else {
        return;
    };
    let (s0, e0) = status(&broad, "expression.neutral");
    let (s1, e1) = status(&faint, "expression.neutral");
    let (s2, e2) = status(&neutral, "expression.neutral");
    assert_eq!(
        (s0, s1, s2),
        (Status::Fail, Status::Warn, Status::Pass),
        "broad {e0}, faint {e1}, neutral {e2}"
    );
}

/// What the mouth corners cannot read, the expression classifier does: an angry frown and a
/// closed-lip grimace fail from it (the corner lift passes both); a closed-lip smile, which it
/// reads like a broad one, only warns; a neutral face passes.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_frown_and_a_grimace_fail_from_the_expression_model_and_a_closed_smile_only_warns() {
    let (Some(anger), Some(grimace), Some(closed_smile), Some(neutral)) = (
        portrait!("inspireface-anger.png"),
        portrait!("arc2face-exp1.png"),
        portrait!("instantid-kaifu.png"),
        portrait!("ppp-000.jpg"),
    ) else {
        return;
    };
    for (name, img) in [("anger", &anger), ("grimace", &grimace)] {
        let r = report(img);
        let e = r
            .rules
            .iter()
            .find(|r| r.id == "expression.neutral")
            .unwrap();
        assert_eq!(e.status, Status::Fail, "{name}: {e:?}");
        assert_eq!(e.unit, "1 - P(neutral)", "{name}: the model's part fails");
        assert!(e.hint_zh.contains("表情不自然"), "{name}: {}", e.hint_zh);
    }
    let (s, v) = status(&closed_smile, "expression.neutral");
    assert_eq!(s, Status::Warn, "closed-lip smile: {v}");
    let (s, v) = status(&neutral, "expression.neutral");
    assert_eq!(s, Status::Pass, "neutral: {v}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sunglasses_fail_and_clear_glasses_pass() {
    let (Some(dark), Some(clear)) = (
        portrait!("glasses-demo3.jpg"),
        portrait!("glasses-eyeglasses.jpg"),
    ) else {
        return;
    };
    let (s0, t0) = status(&dark, "glasses.tinted");
    let (s1, t1) = status(&clear, "glasses.tinted");
    assert_eq!(
        (s0, s1),
        (Status::Fail, Status::Pass),
        "sunglasses {t0}, clear {t1}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn app_watermarks_fail_and_clothing_prints_do_not() {
    // 轻颜's logo in the bottom-left of an arm's-length selfie, and a 小红书号 line bottom right;
    // a shirt with a white print and gold sequins near the bottom edge have none.
    let (Some(qingyan), Some(xiaohongshu), Some(print), Some(sequins)) = (
        portrait!("pulid-pengwei.jpg"),
        portrait!("pulid-zcy.jpg"),
        portrait!("uniface-portrait1.jpg"),
        portrait!("deepface-img47.jpg"),
    ) else {
        return;
    };
    let got =
        [&qingyan, &xiaohongshu, &print, &sequins].map(|img| status(img, "capture.watermark"));
    assert_eq!(
        got.map(|(s, _)| s),
        [Status::Fail, Status::Fail, Status::Pass, Status::Pass],
        "{got:?}"
    );
}

/// 两肩平齐: level shoulders pass; the same photo turned 15° either way moves the reading the
/// turn's way (by about half the turn: the shoulders' tops are read in fixed columns, where a
/// turned slope rises less than a flat line would); real photos with one shoulder raised or the
/// body leaning fail.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_shoulder_line_follows_a_tilt_and_uneven_shoulders_fail() {
    let (Some(level), Some(strapless), Some(leaning)) = (
        portrait!("ppp-000.jpg"),
        portrait!("hpcdavid-strapless.jpg"),
        portrait!("deepface-img34.jpg"),
    ) else {
        return;
    };
    let (s0, v0) = status(&level, "pose.shoulders");
    assert_eq!(s0, Status::Pass, "level {v0}");
    for turn in [-15.0f32, 15.0] {
        let (_, v) = status(&rotate(&level, turn), "pose.shoulders");
        // A counter-clockwise turn (as seen) raises the shoulder on the image's right: the tilt
        // (positive when the right one is lower) falls.
        let moved = (v0 - v) * f64::from(turn.signum());
        assert!(moved >= 0.3 * 15.0, "turned {turn}°: {v0} → {v}");
    }
    for (name, img) in [("strapless", strapless), ("leaning", leaning)] {
        let (s, v) = status(&img, "pose.shoulders");
        assert_eq!(s, Status::Fail, "{name}: {v}");
    }
}

/// Closed eyes and a wink fail `eyes.open`, read from the iris model's eye contour (the mesh's own
/// lids read them 0.15–0.32, like open eyes); open eyes pass; an analyzer without the iris model
/// says `not_evaluated`, never `pass`.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn closed_eyes_and_a_wink_fail_from_the_iris_model_and_open_eyes_pass() {
    let (Some(closed), Some(wink), Some(open), Some(laugh)) = (
        portrait!("inspireface-tilt_eyes_closed.png"),
        portrait!("inspireface-wink.jpg"),
        portrait!("ppp-005.jpg"),
        portrait!("uniface-portrait1.jpg"),
    ) else {
        return;
    };
    for (name, img) in [("closed", &closed), ("wink", &wink)] {
        let (s, v) = status(img, "eyes.open");
        assert_eq!(s, Status::Fail, "{name}: {v}");
        assert!(v < 0.15, "{name}: {v}");
    }
    // A laugh narrows the eyes (0.19) and still passes.
    for (name, img) in [("open", &open), ("laugh", &laugh)] {
        let (s, v) = status(img, "eyes.open");
        assert_eq!(s, Status::Pass, "{name}: {v}");
    }
    let without = gradphoto::Analyzer::new(gradphoto::ModelBytes {
        iris: None,
        ..models()
    })
    .unwrap();
    let photo = gradphoto::Photo::from_rgb(closed);
    let analysis = without.analyze(&photo.image).unwrap();
    assert_eq!(analysis.faces[0].geometry.eyelid_gap, None);
    let report = gradphoto::check(
        &photo,
        &analysis,
        &gradphoto::Preset::builtin("chsi-graduation").unwrap(),
    )
    .unwrap();
    assert_eq!(
        report.rule("eyes.open").unwrap().status,
        Status::NotEvaluated
    );
}

/// Fair to every skin tone: an acceptable photo of a man with dark skin gets no more warnings than
/// comparable photos (the same source, wall and framing) of men with light skin, and exposure,
/// neckline and collar read them all alike. (A navy polo's zip pull once passed as a pendant on a
/// dark-skinned neck: dark, grey fabric read as skin of the cheeks' lightness.)
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn warnings_do_not_depend_on_skin_tone() {
    let (Some(dark), Some(dark2), Some(light), Some(light2)) = (
        portrait!("ppp-008.jpg"),
        portrait!("uniface-man2.jpg"),
        portrait!("ppp-005.jpg"),
        portrait!("ppp-000.jpg"),
    ) else {
        return;
    };
    let warnings = |img: &RgbImage| {
        report(img)
            .rules
            .iter()
            .filter(|r| r.status == Status::Warn)
            .map(|r| r.id)
            .collect::<Vec<_>>()
    };
    let (d, l1, l2) = (warnings(&dark), warnings(&light), warnings(&light2));
    assert!(
        d.len() <= l1.len().max(l2.len()),
        "dark {d:?}, light {l1:?} {l2:?}"
    );
    assert!(!d.contains(&"accessories.jewellery"), "{d:?}");
    for (name, img) in [
        ("ppp-008 (dark)", &dark),
        ("uniface-man2 (dark)", &dark2),
        ("ppp-005 (light)", &light),
        ("ppp-000 (light)", &light2),
    ] {
        let r = report(img);
        assert_eq!(
            r.rule("lighting.exposure").unwrap().status,
            Status::Pass,
            "{name}"
        );
        for id in ["clothing.neckline", "clothing.collar"] {
            let s = r.rule(id).unwrap().status;
            assert!(
                matches!(s, Status::Pass | Status::NotEvaluated),
                "{name} {id}: {s:?}"
            );
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_guide_reads_a_turned_head_from_the_detector_alone_as_from_the_mesh() {
    // ppp-headpose is turned far to his left (the mesh reads about −33°), ppp-009 frontal,
    // pulid-lifeifei slightly (+9°, past the guide's limit). The keypoints' turn, width and eye
    // line follow the mesh's. The constants in guide.rs were fitted on the tuning part, which
    // holds all three: this checks the formula's sign and scale on a strong turn; its figures on
    // the reporting part are in the README.
    let (Some(turned), Some(frontal), Some(slight)) = (
        portrait!("ppp-headpose.jpg"),
        portrait!("ppp-009.jpg"),
        portrait!("pulid-lifeifei.jpg"),
    ) else {
        return;
    };
    let max_yaw = gradphoto::Preset::builtin("chsi-graduation")
        .unwrap()
        .pose
        .max_yaw_deg;
    for img in [&turned, &frontal, &slight] {
        let by_mesh = gradphoto::guide::Head::from_mesh(
            &analyzer()
                .analyze_with(img, gradphoto::analysis::Mode::Live)
                .unwrap()
                .faces[0]
                .geometry,
        );
        let found = analyzer().detect_live(img).unwrap();
        let by_keypoints = gradphoto::guide::Head::from_keypoints(&found[0]);
        let (yaw_k, yaw_m) = (by_keypoints.yaw_deg.unwrap(), by_mesh.yaw_deg.unwrap());
        assert!((yaw_k - yaw_m).abs() < 6.0, "yaw {yaw_k} vs {yaw_m}");
        // The guide asks to face the camera from either reading alike.
        assert_eq!(
            yaw_k.abs() > max_yaw,
            yaw_m.abs() > max_yaw,
            "yaw {yaw_k} vs {yaw_m}"
        );
        let width = by_keypoints.width / by_mesh.width;
        assert!((0.9..1.1).contains(&width), "width {width}");
        let roll = by_keypoints.eye_line_deg - by_mesh.eye_line_deg;
        assert!(roll.abs() < 4.0, "eye line {roll}");
    }
}
