//! Compliance rules on real photos and controlled changes of them: each implemented rule passes
//! on one version and fails on another, and its measured value moves the way the change says.
//! Runs natively and in headless Chromium.

mod common;

use common::*;
use gradphoto::checks::Status;
use gradphoto::{check, Photo, Preset};
use image::{Rgb, RgbImage};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// Region labels at full resolution for the one face in `img`.
fn regions_of(img: &RgbImage) -> gradphoto::analysis::regions::RegionMap {
    let a = analyzer().analyze(img).unwrap();
    let f = &a.faces[0];
    gradphoto::analysis::regions::label(
        a.mask.as_ref().unwrap(),
        &f.landmarks,
        &f.geometry,
        img.width(),
        img.height(),
    )
}

/// Grace Hopper with room above the cap: the shared photo cuts the head close to the top.
fn grace_framed() -> RgbImage {
    let g = grace();
    let pad = 220;
    let top = *g.get_pixel(g.width() - 1, 0);
    RgbImage::from_fn(g.width(), g.height() + pad, |x, y| {
        if y < pad {
            top
        } else {
            *g.get_pixel(x, y - pad)
        }
    })
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_rule_is_reported_and_none_passes_unmeasured() {
    let r = report(&grace());
    let ids: Vec<&str> = r.rules.iter().map(|x| x.id).collect();
    for id in [
        "face.count",
        "input.resolution",
        "framing.margins",
        "framing.half_length",
        "geometry.crown",
        "geometry.eye_line",
        "geometry.face_width",
        "geometry.centered",
        "pose.yaw",
        "pose.pitch",
        "pose.roll",
        "eyes.open",
        "mouth.closed",
        "expression.neutral",
        "ears.visible",
        "forehead.visible",
        "glasses.tinted",
        "glasses.glare",
        "glasses.frame_over_eyes",
        "head.covering",
        "accessories.jewellery",
        "background.uniform",
        "background.shadow",
        "lighting.even",
        "lighting.exposure",
        "lighting.dynamic_range",
        "lighting.hotspots",
        "color.cast",
        "image.sharpness",
        "image.noise",
        "image.compression",
        "clothing.color",
        "clothing.pattern",
        "clothing.neckline",
        "clothing.collar",
        "face.makeup",
        "eyes.coloured_lenses",
        "capture.rephoto",
        "capture.selfie",
        "capture.beautified",
        "capture.watermark",
    ] {
        assert!(ids.contains(&id), "missing {id}");
    }
    for rule in &r.rules {
        if rule.status == Status::Pass || rule.status == Status::Fail {
            assert!(
                rule.measured.is_some() && rule.allowed.is_some(),
                "{} judged without a measurement",
                rule.id
            );
        }
        assert!(
            !rule.hint_zh.is_empty() && !rule.hint_en.is_empty(),
            "{} has no hint",
            rule.id
        );
        // A title people read (presets/rules.json), and the value in words where one was measured.
        assert!(
            gradphoto::checks::display::has_title(rule.id) && !rule.shown.title_en.is_empty(),
            "{} has no title",
            rule.id
        );
        assert_eq!(
            rule.measured.is_some(),
            rule.shown.value_zh.is_some(),
            "{}",
            rule.id
        );
    }
    assert!(r.summary_zh.contains('项') || r.summary_zh.contains("全部通过"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn face_count_one_zero_and_two() {
    let g = grace();
    assert_eq!(rule(&report(&g), "face.count"), (Status::Pass, 1.0));
    let blank = RgbImage::from_pixel(400, 500, Rgb([120, 180, 230]));
    let r = report(&blank);
    assert_eq!(rule(&r, "face.count"), (Status::Fail, 0.0));
    assert_eq!(
        rule(&r, "mouth.closed").0,
        Status::NotEvaluated,
        "no face: other rules cannot judge"
    );
    let two = RgbImage::from_fn(g.width() * 2, g.height(), |x, y| {
        *g.get_pixel(x % g.width(), y)
    });
    assert_eq!(rule(&report(&two), "face.count"), (Status::Fail, 2.0));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn mouth_and_smile_fail_on_the_astronaut_and_pass_on_grace_hopper() {
    let (g, a) = (report(&grace()), report(&astronaut()));
    let (gs, gm) = rule(&g, "mouth.closed");
    let (as_, am) = rule(&a, "mouth.closed");
    assert_eq!((gs, as_), (Status::Pass, Status::Fail));
    assert!(am > gm);
    // The rule reports the worse of two parts (corner lift, expression model), so the two
    // photos' readings may come from different parts: only the verdicts compare.
    let (gs, _) = rule(&g, "expression.neutral");
    let (as_, _) = rule(&a, "expression.neutral");
    assert_eq!((gs, as_), (Status::Pass, Status::Fail));
    assert_eq!(rule(&g, "eyes.open").0, Status::Pass);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_tilted_head_fails_roll() {
    let g = grace_framed();
    let (s0, r0) = rule(&report(&g), "pose.roll");
    let (s1, r1) = rule(&report(&rotate(&g, 12.0)), "pose.roll");
    assert_eq!((s0, s1), (Status::Pass, Status::Fail));
    assert!(r1 > r0 + 9.0);
    assert_eq!(rule(&report(&g), "pose.yaw").0, Status::Pass);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_head_turned_up_or_down_fails_pitch() {
    // Grace Hopper re-rendered on her own mesh: nodding changes the reading about one for one.
    // Her photo as taken reads about +6° (pitch > 0 = face down), inside the band where level
    // heads read on real portraits (−8…+15°, checks.json); a nod of 20° either way leaves it.
    let g = grace();
    let mesh = analyzer().analyze(&g).unwrap().faces[0].landmarks.clone();
    let pitch = |img: &RgbImage| rule(&report(img), "pose.pitch");
    let (s0, p0) = pitch(&g);
    let (s_level, p_level) = pitch(&turn_head(&g, &mesh, -6.0));
    let (s_up, p_up) = pitch(&turn_head(&g, &mesh, -25.0));
    let (s_down, p_down) = pitch(&turn_head(&g, &mesh, 20.0));
    assert_eq!(
        (s_level, s0, s_up, s_down),
        (Status::Pass, Status::Pass, Status::Fail, Status::Fail),
        "pitch {p_level} / {p0} / {p_up} / {p_down}"
    );
    assert!(p_up < p_level - 15.0 && p_level < p0 && p0 + 15.0 < p_down);
    let up = report(&turn_head(&g, &mesh, -25.0));
    let r = up.rule("pose.pitch").unwrap();
    assert!(r.hint_en.contains("tilted up") && r.region.is_some());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn room_above_the_head_decides_the_crown_rule() {
    // Grace's cap nearly touches the top. With headroom filling off, no crop gives the crown its
    // margin; padding the photo above the head does.
    let no_fill = {
        let mut p = Preset::builtin("chsi-graduation").unwrap();
        p.geometry.allow_fill_above_head = false;
        p
    };
    let with = |img: &RgbImage, preset: &Preset| {
        let photo = Photo::from_rgb(img.clone());
        check(&photo, &analyzer().analyze(img).unwrap(), preset).unwrap()
    };
    let (s0, c0) = rule(&with(&grace(), &no_fill), "geometry.crown");
    let framed = with(&grace_framed(), &no_fill);
    let (s1, c1) = rule(&framed, "geometry.crown");
    assert_eq!((s0, s1), (Status::Fail, Status::Pass), "crown {c0} → {c1}");
    assert!(c1 > c0);
    for id in [
        "geometry.eye_line",
        "geometry.face_width",
        "geometry.centered",
        "framing.margins",
    ] {
        assert_eq!(rule(&framed, id).0, Status::Pass, "{id}");
    }
    // The CHSI preset lets standardisation fill the headroom with the new background colour:
    // the unpadded photo passes too.
    assert_eq!(rule(&report(&grace()), "geometry.crown").0, Status::Pass);
    // Cut the cap off at the top: no room at all.
    let g = grace();
    let cut = image::imageops::crop_imm(&g, 0, 90, g.width(), g.height() - 90).to_image();
    let cut_report = report(&cut);
    let (s2, m2) = rule(&cut_report, "framing.margins");
    assert_eq!(s2, Status::Fail, "margin {m2}");
    // A crown cut off by the edge is never filled above.
    assert_eq!(rule(&cut_report, "geometry.crown").0, Status::Fail);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_photo_that_stops_at_the_neck_is_not_half_length() {
    // Grace Hopper's portrait reaches her chest: half-length.
    let g = grace();
    let (s0, m0) = rule(&report(&g), "framing.half_length");
    assert_eq!(s0, Status::Pass, "{m0}");
    // The same photo cut a fifth of a face below the chin: only the neck is left.
    let face = analyzer().analyze(&g).unwrap().faces[0].geometry.clone();
    let bottom = (face.chin.y + 0.2 * face.face_width_px) as u32;
    let cut = image::imageops::crop_imm(&g, 0, 0, g.width(), bottom).to_image();
    let r = report(&cut);
    let (s1, m1) = rule(&r, "framing.half_length");
    assert_eq!(s1, Status::Fail, "{m1}");
    assert!((m1 - 0.2).abs() < 0.05 && m0 > 1.0, "{m0} → {m1}");
    assert!(r
        .rule("framing.half_length")
        .unwrap()
        .hint_zh
        .contains("半身照"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn bare_shoulders_warn_the_neckline_rule() {
    // Grace Hopper's uniform covers her shoulders and chest.
    let g = grace();
    let (s0, m0) = rule(&report(&g), "clothing.neckline");
    assert_eq!(s0, Status::Pass, "{m0}");
    // The same photo with her own cheek colour painted over both shoulders (a strapless top):
    // a warning for the examiner's eye, not a rejection (fabric can be skin-coloured).
    let face = analyzer().analyze(&g).unwrap().faces[0].geometry.clone();
    let fw = face.face_width_px;
    let cheek = {
        let (cx, cy) = (
            (face.cheek_right.x * 0.7 + face.eye_mid.x * 0.3) as u32,
            (face.cheek_right.y * 0.7 + face.chin.y * 0.3) as u32,
        );
        let px: Vec<[u8; 3]> = (0..5)
            .flat_map(|dy| (0..5).map(move |dx| (cx + dx, cy + dy)))
            .map(|(x, y)| g.get_pixel(x, y).0)
            .collect();
        let mean = |c: usize| (px.iter().map(|p| u32::from(p[c])).sum::<u32>() / 25) as u8;
        image::Rgb([mean(0), mean(1), mean(2)])
    };
    let mut bare = g.clone();
    let (top, bottom) = (face.chin.y + 0.5 * fw, face.chin.y + 1.0 * fw);
    for y in (top as u32)..(bottom as u32).min(g.height()) {
        for x in 0..g.width() {
            let across = (x as f32 - face.chin.x).abs();
            if across > 0.35 * fw && across < 1.3 * fw {
                bare.put_pixel(x, y, cheek);
            }
        }
    }
    let r = report(&bare);
    let (s1, m1) = rule(&r, "clothing.neckline");
    assert_eq!(s1, Status::Warn, "{m0} → {m1}");
    assert!(m1 > 0.3 && m0 < 0.1, "{m0} → {m1}");
    assert!(r
        .rule("clothing.neckline")
        .unwrap()
        .hint_zh
        .contains("无袖"));
    assert!(r.rule("clothing.neckline").unwrap().region.is_some());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_open_round_neck_fails_the_collar_rule() {
    // Grace Hopper's collar and tie close the skin below her chin into a narrow V.
    let g = grace();
    let (s0, m0) = rule(&report(&g), "clothing.collar");
    assert_eq!(s0, Status::Pass, "{m0}");
    assert!(m0 < 0.45, "{m0}");
    // The same photo with the collar gone: her own cheek colour painted in a wide U from the chin
    // to the base of the neck, as a crew or round neck shows it. A warning, never a rejection.
    let face = analyzer().analyze(&g).unwrap().faces[0].geometry.clone();
    let fw = face.face_width_px;
    let (cx, cy) = (
        (face.cheek_right.x * 0.7 + face.eye_mid.x * 0.3) as u32,
        (face.cheek_right.y * 0.7 + face.chin.y * 0.3) as u32,
    );
    let cheek = *g.get_pixel(cx, cy);
    let mut open = g.clone();
    for y in (face.chin.y as u32)..((face.chin.y + 0.55 * fw) as u32).min(g.height()) {
        for x in 0..g.width() {
            if (x as f32 - face.chin.x).abs() < 0.3 * fw {
                open.put_pixel(x, y, cheek);
            }
        }
    }
    let r = report(&open);
    let (s1, m1) = rule(&r, "clothing.collar");
    // 0.6 is beyond the confident band (0.49: no clearly satisfied photo of the tuning part reads
    // over 0.393), so it fails with its fix.
    assert_eq!(s1, Status::Fail, "{m0} → {m1}");
    assert!(m1 > 0.5, "{m0} → {m1}");
    let collar = r.rule("clothing.collar").unwrap();
    assert!(collar.hint_zh.contains("有领") && collar.region.is_some());
    // In black and white skin cannot be told from fabric: not judged.
    let grey = image::DynamicImage::ImageLuma8(image::imageops::grayscale(&open)).to_rgb8();
    assert_eq!(
        rule(&report(&grey), "clothing.collar").0,
        Status::NotEvaluated
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn lipstick_fails_the_makeup_rule() {
    // Grace Hopper's own lips: natural.
    let g = grace();
    let (s0, m0) = rule(&report(&g), "face.makeup");
    assert_eq!(s0, Status::Pass, "{m0}");
    // Her lips painted a lipstick red, keeping their light and shade: a warning to look at.
    let face = &analyzer().analyze(&g).unwrap().faces[0];
    let lips: Vec<[f32; 3]> = [61, 291, 0, 17, 13, 14]
        .iter()
        .map(|&i| face.landmarks[i])
        .collect();
    let (x0, x1) = (lips[0][0].min(lips[1][0]), lips[0][0].max(lips[1][0]));
    let (y0, y1) = (lips[2][1], lips[3][1]);
    let mut painted = g.clone();
    for y in (y0 as u32)..=(y1 as u32) {
        for x in (x0 as u32)..=(x1 as u32) {
            let p = g.get_pixel(x, y).0;
            let l = (u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) / 3;
            let shade = |c: u32| (c * l / 128).min(255) as u8;
            painted.put_pixel(x, y, image::Rgb([shade(200), shade(30), shade(50)]));
        }
    }
    let r = report(&painted);
    let (s1, m1) = rule(&r, "face.makeup");
    // Beyond the confident band (19.4 C*ab: natural lips of the tuning part read up to 15.6).
    assert_eq!(s1, Status::Fail, "{m0} → {m1}");
    assert!(m1 > 18.0 && m0 < 15.0, "{m0} → {m1}");
    assert!(r.rule("face.makeup").unwrap().hint_zh.contains("口红"));
    // In black and white the lips cannot be compared with the cheeks: not judged.
    let grey = image::DynamicImage::ImageLuma8(image::imageops::grayscale(&painted)).to_rgb8();
    assert_eq!(rule(&report(&grey), "face.makeup").0, Status::NotEvaluated);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn coloured_lenses_are_reported_as_not_checked() {
    // No measure tells a lens from a natural iris yet (src/checks/lenses.rs): the report says so
    // and reminds the graduate, never `pass`.
    let r = report(&grace());
    let rule = r.rule("eyes.coloured_lenses").unwrap();
    assert_eq!(rule.status, Status::NotEvaluated);
    assert!(rule.hint_zh.contains("美瞳") && rule.hint_en.contains("lenses"));
}

/// Grace Hopper with four white glyphs (口 日 田 日, 2-px strokes, 14 px high, 3 px apart)
/// stamped in the bottom-left corner in `colour`, as a beauty app stamps its name.
fn stamped(colour: [u8; 3]) -> RgbImage {
    let mut img = grace();
    let (left, top, size) = (16u32, 562u32, 14u32);
    let bar = |t: u32| t < 2 || t >= size - 2;
    let middle = |t: u32| (size / 2 - 1..=size / 2).contains(&t);
    for (n, glyph) in ["口", "日", "田", "日"].iter().enumerate() {
        let x0 = left + n as u32 * (size + 3);
        for y in top..top + size {
            for x in x0..x0 + size {
                let (u, v) = (x - x0, y - top);
                let box_edge = bar(u) || bar(v);
                let ink = match *glyph {
                    "口" => box_edge,
                    "日" => box_edge || middle(v),
                    _ => box_edge || middle(u) || middle(v),
                };
                if ink {
                    img.put_pixel(x, y, Rgb(colour));
                }
            }
        }
    }
    img
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn white_text_in_a_corner_fails_the_watermark_rule() {
    // Grace Hopper as she is: nothing near the bottom edge looks like text.
    let (s0, m0) = rule(&report(&grace()), "capture.watermark");
    assert_eq!((s0, m0), (Status::Pass, 0.0));
    // White glyphs stamped on her dark uniform in the bottom-left corner: a warning, with where.
    let r = report(&stamped([250, 250, 250]));
    let (s1, m1) = rule(&r, "capture.watermark");
    // No photo without a stamp reads near 125 on the tuning part (up to 91.8): a stamp fails.
    assert_eq!(s1, Status::Fail, "{m1}");
    let found = r.rule("capture.watermark").unwrap();
    let region = found.region.expect("where the text is");
    assert!(region.x < 40.0 && region.y > 540.0, "{region:?}");
    assert!(found.hint_zh.contains("水印"));
    // The same glyphs in red are not an app's white stamp (a print on clothing, say).
    assert_eq!(
        rule(&report(&stamped([220, 30, 30])), "capture.watermark").0,
        Status::Pass
    );
}

/// A photo whose watermark rule fails is not standardised as if it were clean: the stamp would
/// stay in the file. The job says why instead; the same photo without the stamp is standardised.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_confidently_watermarked_photo_gets_no_standardised_file() {
    use gradphoto::job::Job;
    use gradphoto::standardize::Options;
    let run = |img: RgbImage| {
        Job::new(
            Photo::from_rgb(img),
            Preset::builtin("chsi-graduation").unwrap(),
            Options::default(),
        )
        .run(analyzer())
        .unwrap()
    };
    let stamped = run(stamped([250, 250, 250]));
    assert_eq!(
        stamped.report.rule("capture.watermark").unwrap().status,
        Status::Fail
    );
    let refused = stamped.standardized.unwrap_err();
    assert_eq!(refused.code(), "standardize.watermarked");
    assert!(refused.message_zh().contains("水印") && refused.message_zh().contains("原图"));
    assert!(refused.message_en().contains("original photo"));
    // Without the stamp the same photo is standardised.
    assert!(run(grace()).standardized.is_ok());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn too_few_pixels_fail_resolution() {
    let g = grace_framed();
    let (s0, u0) = rule(&report(&g), "input.resolution");
    let region = gradphoto::resample::Rect {
        left: 0.0,
        top: 0.0,
        width: g.width().into(),
        height: g.height().into(),
    };
    let small = gradphoto::resample::resample(&g, region, g.width() / 2, g.height() / 2).unwrap();
    let (s1, u1) = rule(&report(&small), "input.resolution");
    assert_eq!((s0, s1), (Status::Pass, Status::Fail));
    assert!((u1 / u0 - 2.0).abs() < 0.1, "{u0} → {u1}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn darkening_fails_exposure() {
    let g = grace_framed();
    let (s0, l0) = rule(&report(&g), "lighting.exposure");
    let (s1, l1) = rule(
        &report(&map(&g, |_, _, p| scale_px(p, 0.35))),
        "lighting.exposure",
    );
    assert_eq!((s0, s1), (Status::Pass, Status::Fail));
    assert!(l1 < l0 - 15.0);
    // Washed out: every level lifted towards white, so even her pupils and brows are grey.
    let washed = map(&g, |_, _, p| {
        p.map(|c| 255 - ((255.0 - f32::from(c)) * 0.35) as u8)
    });
    let r = report(&washed);
    let (s2, l2) = rule(&r, "lighting.exposure");
    assert_eq!(s2, Status::Fail, "washed out {l2}");
    assert!(r
        .rule("lighting.exposure")
        .unwrap()
        .hint_en
        .contains("washed out"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn shading_one_side_fails_evenness() {
    let g = grace_framed();
    let base = report(&g);
    let (s0, d0) = rule(&base, "lighting.even");
    // Darken the image's right half from the face's middle (阴阳脸): ×0.45 in sRGB is about
    // 2.5 stops less light on that cheek; ×0.8, about 0.7 stops, is the mild side light that
    // real portraits judged acceptable have (up to 1.4 stops).
    let split = 265;
    let shade = |k: f32| map(&g, |x, _, p| if x > split { scale_px(p, k) } else { p });
    let (s1, d1) = rule(&report(&shade(0.45)), "lighting.even");
    let (s2, d2) = rule(&report(&shade(0.8)), "lighting.even");
    assert_eq!(
        (s0, s1, s2),
        (Status::Pass, Status::Fail, Status::Pass),
        "{d0} {d1} {d2}"
    );
    assert!(d1 > d2 + 1.0 && d2 > d0, "{d0} {d1} {d2}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn flattening_fails_dynamic_range_and_spots_fail_hotspots() {
    let g = grace_framed();
    let base = report(&g);
    let flat = map(&g, |_, _, p| {
        p.map(|c| (128.0 + (f32::from(c) - 128.0) * 0.25) as u8)
    });
    let (s0, r0) = rule(&base, "lighting.dynamic_range");
    let (s1, r1) = rule(&report(&flat), "lighting.dynamic_range");
    assert_eq!((s0, s1), (Status::Pass, Status::Fail));
    assert!(r1 < r0);
    // Specular spots: clipped white patches on the forehead and nose.
    let a = analyzer().analyze(&g).unwrap();
    let f = &a.faces[0];
    let centres = [
        f.landmarks[10],
        f.landmarks[151],
        f.landmarks[9],
        f.landmarks[4],
        f.landmarks[5],
    ];
    let r = f.geometry.face_width_px * 0.09;
    let spotted = map(&g, |x, y, p| {
        let hit = centres
            .iter()
            .any(|c| (x as f32 - c[0]).hypot(y as f32 - c[1]) < r);
        if hit {
            [255, 255, 255]
        } else {
            p
        }
    });
    let (s2, h0) = rule(&base, "lighting.hotspots");
    let (s3, h1) = rule(&report(&spotted), "lighting.hotspots");
    assert_eq!((s2, s3), (Status::Pass, Status::Fail));
    assert!(h1 > h0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_green_cast_fails_colour() {
    let g = grace_framed();
    let (s0, c0) = rule(&report(&g), "color.cast");
    let green = map(&g, |_, _, p| {
        [
            (f32::from(p[0]) * 0.6) as u8,
            p[1],
            (f32::from(p[2]) * 0.7) as u8,
        ]
    });
    let (s1, c1) = rule(&report(&green), "color.cast");
    assert_eq!((s0, s1), (Status::Pass, Status::Fail));
    assert!(c1 > c0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn blur_noise_and_heavy_jpeg_fail_image_quality() {
    let g = grace_framed();
    let base = report(&g);
    let full = gradphoto::resample::Rect {
        left: 0.0,
        top: 0.0,
        width: g.width().into(),
        height: g.height().into(),
    };
    let small = gradphoto::resample::resample(&g, full, g.width() / 6, g.height() / 6).unwrap();
    let back = gradphoto::resample::Rect {
        left: 0.0,
        top: 0.0,
        width: small.width().into(),
        height: small.height().into(),
    };
    let blurred = gradphoto::resample::resample(&small, back, g.width(), g.height()).unwrap();
    let (s0, v0) = rule(&base, "image.sharpness");
    let (s1, v1) = rule(&report(&blurred), "image.sharpness");
    assert_eq!((s0, s1), (Status::Pass, Status::Fail));
    assert!(v1 < v0);

    // Deterministic pseudo-random noise, σ ≈ 25 levels.
    let mut state = 0x2545F491u32;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state % 1000) as f32 / 1000.0
    };
    let noisy = map(&g, |_, _, p| {
        let n = (next() + next() + next() - 1.5) * 50.0;
        p.map(|c| (f32::from(c) + n).clamp(0.0, 255.0) as u8)
    });
    let (s2, n0) = rule(&base, "image.noise");
    let (s3, n1) = rule(&report(&noisy), "image.noise");
    assert_eq!((s2, s3), (Status::Pass, Status::Fail));
    assert!(n1 > n0);

    let heavy = gradphoto::encode::encode_jpeg(&g, 8, 72).unwrap();
    let (s4, b0) = rule(&base, "image.compression");
    let (s5, b1) = rule(
        &report_of(&gradphoto::decode(&heavy, &Default::default()).unwrap()),
        "image.compression",
    );
    assert_eq!((s4, s5), (Status::Pass, Status::Fail));
    assert!(b1 > b0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_plain_wall_passes_the_background_rule_and_flags_warn_it() {
    let (s0, u0) = rule(&report(&grace_framed()), "background.uniform");
    let (wall, _) = grace_on_wall();
    let (s1, u1) = rule(&report(&wall), "background.uniform");
    // Screening (the background is replaced; on real portraits the measure missed busy walls and
    // flagged plain ones): a warning, never a failure.
    assert_eq!((s0, s1), (Status::Warn, Status::Pass), "{u0} → {u1}");
    assert!(u1 < u0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn blue_clothing_fails_on_the_blue_background() {
    use gradphoto::analysis::regions::Region;
    let g = grace_framed();
    let (s0, d0) = rule(&report(&g), "clothing.color");
    let regions = regions_of(&g);
    // Dye the clothing the CHSI light blue, keeping its shading.
    let dyed = map(&g, |x, y, p| {
        if regions.labels[(y * g.width() + x) as usize] == Region::Clothing {
            let l = (u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) as f32 / 3.0 / 255.0;
            let lift = 0.5 + 0.5 * l;
            [
                (100.0 * lift) as u8,
                (197.0 * lift) as u8,
                (255.0 * lift) as u8,
            ]
        } else {
            p
        }
    });
    let (s1, d1) = rule(&report(&dyed), "clothing.color");
    assert_eq!((s0, s1), (Status::Pass, Status::Fail));
    assert!(d1 < d0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn exif_front_camera_and_beauty_apps_fail_capture_rules() {
    let g = grace_framed();
    let photo = |ifd0: Vec<Field>, exif: Vec<Field>| {
        gradphoto::decode(
            &jpeg_with_exif(&g, Some(tiff_exif(&ifd0, &exif))),
            &Default::default(),
        )
        .unwrap()
    };
    let rear = report_of(&photo(
        vec![Field::Ascii(0x0131, "18.1")],
        vec![Field::Ascii(0xA434, "iPhone 15 back camera 6.1mm f/1.6")],
    ));
    let front = report_of(&photo(
        vec![Field::Ascii(0x0131, "Meitu 9.1.0")],
        vec![Field::Ascii(0xA434, "iPhone 15 front camera 2.69mm f/1.9")],
    ));
    assert_eq!(rule(&rear, "capture.selfie"), (Status::Pass, 0.0));
    assert_eq!(rule(&front, "capture.selfie"), (Status::Fail, 1.0));
    assert_eq!(rule(&rear, "capture.beautified"), (Status::Pass, 0.0));
    assert_eq!(rule(&front, "capture.beautified"), (Status::Fail, 1.0));
    // No EXIF: not judged, never passed.
    assert_eq!(rule(&report(&g), "capture.selfie").0, Status::NotEvaluated);
    // A camera frame: judged by the camera the host says took it.
    let taken = |camera| report_of(&Photo::from_rgb(g.clone()).with_camera(Some(camera)));
    let selfie = taken(gradphoto::CameraFacing::User);
    assert_eq!(rule(&selfie, "capture.selfie"), (Status::Fail, 1.0));
    assert!(selfie
        .rule("capture.selfie")
        .unwrap()
        .hint_zh
        .contains("后置摄像头"));
    assert_eq!(
        rule(
            &taken(gradphoto::CameraFacing::Environment),
            "capture.selfie"
        ),
        (Status::Pass, 0.0)
    );
    assert_eq!(
        gradphoto::CameraFacing::parse("user"),
        Some(gradphoto::CameraFacing::User)
    );
    assert_eq!(gradphoto::CameraFacing::parse("left"), None);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn glasses_are_detected_on_grace_hopper_and_judged_for_tint_glare_and_frame() {
    let g = grace_framed();
    let (gr, ar) = (report(&g), report(&astronaut()));
    // Astronaut: no glasses, so every glasses rule passes on the glasses score alone.
    for id in ["glasses.tinted", "glasses.glare", "glasses.frame_over_eyes"] {
        let r = ar.rule(id).unwrap();
        assert_eq!((r.status, r.unit), (Status::Pass, "glasses score"), "{id}");
    }
    // Grace Hopper: glasses found, clear lenses without glare, the frame clear of the eyes.
    assert_eq!(gr.rule("glasses.tinted").unwrap().unit, "ΔL*");
    let (s0, t0) = rule(&gr, "glasses.tinted");
    let (s2, c0) = rule(&gr, "glasses.glare");
    assert_eq!((s0, s2), (Status::Pass, Status::Pass));
    let (s4, f0) = rule(&gr, "glasses.frame_over_eyes");
    assert_eq!(s4, Status::Pass, "frame {f0}");

    let a = analyzer().analyze(&g).unwrap();
    let geo = a.faces[0].geometry.clone();
    let ied = geo.inter_eye_px;
    let in_lens = |x: u32, y: u32| {
        [geo.eye_right, geo.eye_left].iter().any(|e| {
            let (dx, dy) = (
                (x as f32 - e.x) / (0.45 * ied),
                (y as f32 - e.y) / (0.32 * ied),
            );
            dx * dx + dy * dy < 1.0
        })
    };
    let tinted = map(
        &g,
        |x, y, p| if in_lens(x, y) { scale_px(p, 0.55) } else { p },
    );
    let (s1, t1) = rule(&report(&tinted), "glasses.tinted");
    assert_eq!(s1, Status::Fail, "tint {t0} → {t1}");
    assert!(t1 > t0 + 10.0);
    // Glare: white reflections on the lenses beside the eyes.
    let glare = map(&g, |x, y, p| {
        let hit = [geo.eye_right, geo.eye_left].iter().any(|e| {
            (x as f32 - (e.x + 0.25 * ied)).hypot(y as f32 - (e.y - 0.12 * ied)) < 0.09 * ied
        });
        if hit {
            [255, 255, 255]
        } else {
            p
        }
    });
    let (s3, c1) = rule(&report(&glare), "glasses.glare");
    assert_eq!(s3, Status::Warn, "glare {c0} → {c1}");
    assert!(c1 > c0);
    // A frame rim running through the eyes: a dark bar across each eye at its centre line.
    let rim = map(&g, |x, y, p| {
        let hit = [geo.eye_right, geo.eye_left]
            .iter()
            .any(|e| (x as f32 - e.x).abs() < 0.5 * ied && (y as f32 - e.y).abs() < 0.05 * ied);
        if hit {
            [25, 22, 20]
        } else {
            p
        }
    });
    let (s5, f1) = rule(&report(&rim), "glasses.frame_over_eyes");
    assert_eq!(s5, Status::Warn, "frame {f0} → {f1}");
    assert!(f1 > f0 + 0.3, "frame {f0} → {f1}");
}

/// Grace Hopper before a plain wall (her flag background replaced through the person mask).
fn grace_on_wall() -> (RgbImage, gradphoto::Analysis) {
    let g = grace_framed();
    let a = analyzer().analyze(&g).unwrap();
    let mask = a.mask.clone().unwrap();
    let wall = map(&g, |x, y, p| {
        let alpha = mask.at(x as f32 + 0.5, y as f32 + 0.5);
        let wall = [236.0, 236.0, 232.0];
        std::array::from_fn(|i| (f32::from(p[i]) * alpha + wall[i] * (1.0 - alpha)).round() as u8)
    });
    (wall, a)
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_shadow_beside_the_person_warns_the_shadow_rule() {
    let (wall, a) = grace_on_wall();
    let (s0, d0) = rule(&report(&wall), "background.shadow");
    // The person's silhouette shifted right and down by a fifth of a face: where it lands on
    // the wall, the wall is in shadow.
    let mask = a.mask.as_ref().unwrap();
    let shift = a.faces[0].geometry.face_width_px * 0.2;
    let shadowed = map(&wall, |x, y, p| {
        let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
        if mask.at(fx, fy) < 0.3 && mask.at(fx - shift, fy - shift) > 0.5 {
            scale_px(p, 0.7)
        } else {
            p
        }
    });
    let (s1, d1) = rule(&report(&shadowed), "background.shadow");
    assert_eq!((s0, s1), (Status::Pass, Status::Warn), "{d0} → {d1}");
    assert!(d1 > d0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn striped_clothing_fails_the_pattern_rule() {
    use gradphoto::analysis::regions::Region;
    let g = grace_framed();
    let (s0, p0) = rule(&report(&g), "clothing.pattern");
    let regions = regions_of(&g);
    let fw = analyzer().analyze(&g).unwrap().faces[0]
        .geometry
        .face_width_px;
    let clothing =
        |x: u32, y: u32| regions.labels[(y * g.width() + x) as usize] == Region::Clothing;
    // Stripes as a shirt has them: light bands every sixth of a face width, half of it light.
    let period = (fw / 6.0).round() as u32;
    let striped = map(&g, |x, y, p| {
        if clothing(x, y) && x % period < period / 2 {
            p.map(|c| c.saturating_add(110))
        } else {
            p
        }
    });
    // A knit's or heather's texture: strong pixel-to-pixel speckle, plain at any distance.
    let mut state = 0x1234_5678u32;
    let heather = map(&g, |x, y, p| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        if clothing(x, y) {
            p.map(|c| c.saturating_add((state % 60) as u8))
        } else {
            p
        }
    });
    let (s1, p1) = rule(&report(&striped), "clothing.pattern");
    let (s2, p2) = rule(&report(&heather), "clothing.pattern");
    assert_eq!(
        (s0, s1, s2),
        (Status::Pass, Status::Fail, Status::Pass),
        "{p0} → stripes {p1}, heather {p2}"
    );
    assert!(p1 > p0 && p1 > p2 + 5.0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_fringe_down_to_the_eyebrows_fails_the_forehead_rule() {
    let g = grace_framed();
    let (s0, c0) = rule(&report(&g), "forehead.visible");
    let a = analyzer().analyze(&g).unwrap();
    let f = &a.faces[0];
    let fw = f.geometry.face_width_px;
    let top = f.landmarks[10][1] - 0.1 * fw;
    let brow = [70usize, 63, 105, 66, 107, 336, 296, 334, 293, 300]
        .iter()
        .map(|&i| f.landmarks[i][1])
        .fold(f32::MAX, f32::min);
    let cx = f.geometry.eye_mid.x;
    // Dark brown hair with a little strand texture, from above the forehead to the brows.
    let fringe = map(&g, |x, y, p| {
        let (fx, fy) = (x as f32, y as f32);
        if fy > top && fy < brow - 0.02 * fw && (fx - cx).abs() < 0.42 * fw {
            let strand = if x % 5 == 0 { 12 } else { 0 };
            [58 + strand, 42 + strand, 30 + strand]
        } else {
            p
        }
    });
    let (s1, c1) = rule(&report(&fringe), "forehead.visible");
    assert_eq!((s0, s1), (Status::Pass, Status::Fail), "{c0} → {c1}");
    assert!(c1 > c0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_screen_grid_fails_the_rephoto_rule() {
    let g = grace_framed();
    let (s0, r0) = rule(&report(&g), "capture.rephoto");
    // A display's pixel grid as a camera sees it: darker gaps every 4 px in both directions.
    let screen = map(&g, |x, y, p| {
        if x % 4 == 0 || y % 4 == 0 {
            scale_px(p, 0.82)
        } else {
            p
        }
    });
    let (s1, r1) = rule(&report(&screen), "capture.rephoto");
    assert_eq!((s0, s1), (Status::Pass, Status::Fail), "{r0} → {r1}");
    assert!(r1 > r0);
    // One-directional texture (horizontal lines only) is not a screen.
    let lines = map(&g, |_, y, p| if y % 4 == 0 { scale_px(p, 0.82) } else { p });
    assert_eq!(rule(&report(&lines), "capture.rephoto").0, Status::Pass);
}

/// Height above the eye line along the face's up axis, and the top of the brows, for painting
/// on the head.
#[cfg(not(target_arch = "wasm32"))]
fn head_frame(img: &RgbImage) -> (gradphoto::analysis::FaceGeometry, f32) {
    let a = analyzer().analyze(img).unwrap();
    let f = &a.faces[0];
    let g = f.geometry.clone();
    let h = |p: [f32; 3]| (p[0] - g.eye_mid.x) * g.up.x + (p[1] - g.eye_mid.y) * g.up.y;
    let brow_top = [70usize, 63, 105, 66, 107, 336, 296, 334, 293, 300]
        .iter()
        .map(|&i| h(f.landmarks[i]))
        .fold(f32::MIN, f32::max);
    (g, brow_top)
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn grace_hoppers_cap_fails_head_covering_and_bare_hair_passes() {
    let g0 = report(&grace());
    let a = astronaut();
    let (sa, ma) = rule(&report(&a), "head.covering");
    let (sg, mg) = rule(&g0, "head.covering");
    // Screening: short dark hair reads like a cap on some real portraits (up to 0.504 on the
    // tuning part), so 0.25–0.63 only warns; her officer cap (0.743) is beyond that and fails.
    assert_eq!(
        (sg, sa),
        (Status::Fail, Status::Pass),
        "cap {mg}, hair {ma}"
    );
    assert!(mg > ma + 0.3, "cap {mg}, hair {ma}");
    assert!(g0.rule("head.covering").unwrap().region.is_some());
}

/// The variants, native only: each is a full analysis, and together they would hold the browser's
/// main thread past the WASM test runner's request timeout.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn head_covering_passes_black_hair_and_warns_a_painted_cap() {
    use gradphoto::analysis::regions::Region;
    assert_eq!(
        rule(&report(&grace_framed()), "head.covering").0,
        Status::Fail
    );
    let a = astronaut();
    let (_, ma) = rule(&report(&a), "head.covering");
    let regions = regions_of(&a);
    let (geo, brow_top) = head_frame(&a);
    let fw = geo.face_width_px;
    let height = |x: u32, y: u32| {
        (x as f32 - geo.eye_mid.x) * geo.up.x + (y as f32 - geo.eye_mid.y) * geo.up.y
    };
    // Black hair is hair, not a hat: every hair pixel darkened to a black-brown, strands kept.
    let dyed = map(&a, |x, y, p| {
        let label = regions.labels[(y * a.width() + x) as usize];
        let fringe = label == Region::Face && height(x, y) > brow_top + 0.05 * fw;
        if label == Region::Hair || fringe {
            scale_px(p, 0.3)
        } else {
            p
        }
    });
    let (sd, md) = rule(&report(&dyed), "head.covering");
    assert_eq!(sd, Status::Pass, "black hair {md}");
    // A cap painted over her head within the person mask: a navy band from just above the brows,
    // a white crown above it, with a little fabric noise.
    let mut state = 0x9E37_79B9u32;
    let capped = map(&a, |x, y, p| {
        let label = regions.labels[(y * a.width() + x) as usize];
        let h = height(x, y) - brow_top;
        if matches!(label, Region::Hair | Region::Face) && h > 0.08 * fw {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let n = (state % 5) as u8;
            if h < 0.45 * fw {
                [30 + n, 40 + n, 110 + n]
            } else {
                [232 + n, 232 + n, 228 + n]
            }
        } else {
            p
        }
    });
    let (sc, mc) = rule(&report(&capped), "head.covering");
    // 0.53: a likely cap, but inside what short dark hair reads on real portraits, so it warns.
    assert_eq!(sc, Status::Warn, "painted cap {ma} → {mc}");
    assert!(mc > ma + 0.3);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn ears_read_lower_under_hair_but_warn_only_with_no_ear_skin_at_all() {
    let g = grace();
    let r0 = report(&g);
    let (s0, v0) = rule(&r0, "ears.visible");
    // The astronaut's bob covers her ears down to the lobes.
    let (s1, v1) = rule(&report(&astronaut()), "ears.visible");
    // Grace Hopper with her grey hair combed over her right ear (the image's left): every person
    // pixel beside the face from the brows to the nose painted in her hair's grey, with strands.
    let a = analyzer().analyze(&g).unwrap();
    let f = &a.faces[0];
    let (fw, cheek) = (f.geometry.face_width_px, f.geometry.cheek_right);
    let brow = f.landmarks[70][1].min(f.landmarks[105][1]);
    let nose = f.landmarks[1][1];
    let labels = regions_of(&g);
    let covered = map(&g, |x, y, p| {
        let (fx, fy) = (x as f32, y as f32);
        let person = labels.labels[(y * g.width() + x) as usize]
            == gradphoto::analysis::regions::Region::Hair;
        if person
            && fy > brow - 0.1 * fw
            && fy < nose + 0.1 * fw
            && fx < cheek.x + 0.05 * fw
            && fx > cheek.x - 0.35 * fw
        {
            let strand = if (x + y / 3) % 4 == 0 { 14 } else { 0 };
            [176 - strand, 172 - strand, 166 - strand]
        } else {
            p
        }
    });
    let r2 = report(&covered);
    let (s2, v2) = rule(&r2, "ears.visible");
    // The reading falls under hair, but not below what clearly visible ears read on the real
    // portraits (0–0.586: the measure hardly separates them, ROC AUC 0.61), so the default
    // preset warns only where a side has no ear skin at all, and these pass.
    assert_eq!(
        (s0, s1, s2),
        (Status::Pass, Status::Pass, Status::Pass),
        "{v0} {v1} {v2}"
    );
    assert!(v1 < v0 && v2 < v0, "{v0} {v1} {v2}");
    // With the earlier bound of 0.08 (a preset may set it), the covered ear is the one the report
    // points at.
    let mut strict = gradphoto::Preset::builtin("chsi-graduation").unwrap();
    strict.checks.insert(
        "ears.visible".into(),
        gradphoto::preset::Threshold {
            min: Some(0.08),
            screening: true,
            ..Default::default()
        },
    );
    let photo = gradphoto::Photo::from_rgb(covered.clone());
    let analysis = analyzer().analyze(&photo.image).unwrap();
    let r2 = gradphoto::check(&photo, &analysis, &strict).unwrap();
    assert_eq!(r2.rule("ears.visible").unwrap().status, Status::Warn);
    let region = r2.rule("ears.visible").unwrap().region.unwrap();
    assert!(region.x + region.width < f.geometry.eye_mid.x, "{region:?}");
    assert!(r2
        .rule("ears.visible")
        .unwrap()
        .hint_en
        .contains("right ear"));
}

/// A stone in a metal claw setting painted on each earlobe of `img` (centre just outside the
/// jaw outline, at the mouth corners' height).
fn paint_studs(img: &RgbImage, face: &gradphoto::analysis::Face, radius: f32) -> RgbImage {
    let (l, fw) = (&face.landmarks, face.geometry.face_width_px);
    let lobes = [
        (l[132][0] - 0.03 * fw, l[58][1]),
        (l[361][0] + 0.03 * fw, l[288][1]),
    ];
    paint_stones(img, &lobes, radius)
}

/// A stone in a metal claw setting at each of `centres`: a grey ring a third wider than the
/// stone, the stone near-white, both shaded from a highlight up and to the left.
fn paint_stones(img: &RgbImage, centres: &[(f32, f32)], radius: f32) -> RgbImage {
    let mut out = img.clone();
    for &(cx, cy) in centres {
        for (r, dark, light) in [
            (radius * 1.3, [90.0, 90.0, 95.0], [150.0, 150.0, 155.0]),
            (radius, [215.0, 220.0, 230.0], [255.0, 255.0, 255.0]),
        ] {
            out = map(&out, |x, y, p| {
                let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                let cover = (r + 0.5 - (px - cx).hypot(py - cy)).clamp(0.0, 1.0);
                let lit = (1.0 - (px - (cx - 0.35 * r)).hypot(py - (cy - 0.35 * r)) / (1.6 * r))
                    .clamp(0.0, 1.0);
                let mut q = p;
                for c in 0..3 {
                    let shade = dark[c] + (light[c] - dark[c]) * lit;
                    q[c] = (f32::from(p[c]) * (1.0 - cover) + shade * cover).round() as u8;
                }
                q
            });
        }
    }
    out
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn studs_on_the_earlobes_warn_the_jewellery_rule() {
    let g = grace();
    let a = analyzer().analyze(&g).unwrap();
    let f = &a.faces[0];
    let r0 = report(&g);
    let (s0, v0) = rule(&r0, "accessories.jewellery");
    // A 4 mm stone (0.012 of a ~150 mm face) in its setting on each lobe.
    let studded = paint_studs(&g, f, 0.012 * f.geometry.face_width_px);
    let r1 = report(&studded);
    let (s1, v1) = rule(&r1, "accessories.jewellery");
    // A screening rule: it warns, it never fails.
    assert_eq!((s0, s1), (Status::Pass, Status::Warn), "{v0} → {v1}");
    assert!(v1 > v0 + 5.0, "{v0} → {v1}");
    // That is the preset's word, not the code's: without `screening` the same value fails.
    let mut strict = Preset::builtin("chsi-graduation").unwrap();
    let mut t = gradphoto::preset::thresholds(&strict)["accessories.jewellery"].clone();
    t.screening = false;
    strict.checks.insert("accessories.jewellery".into(), t);
    let a1 = analyzer().analyze(&studded).unwrap();
    let r2 = check(&Photo::from_rgb(studded.clone()), &a1, &strict).unwrap();
    assert_eq!(rule(&r2, "accessories.jewellery"), (Status::Fail, v1));
    // The report points at a lobe.
    let region = r1.rule("accessories.jewellery").unwrap().region.unwrap();
    let near = |x: f32, y: f32| {
        (region.x - 3.0..region.x + region.width + 3.0).contains(&x)
            && (region.y - 3.0..region.y + region.height + 3.0).contains(&y)
    };
    let fw = f.geometry.face_width_px;
    assert!(
        near(f.landmarks[132][0] - 0.03 * fw, f.landmarks[58][1])
            || near(f.landmarks[361][0] + 0.03 * fw, f.landmarks[288][1]),
        "{region:?}"
    );
    // The pass hint says what is not looked for.
    let passed = r0.rule("accessories.jewellery").unwrap();
    assert!(passed.hint_en.contains("Thin chains") && passed.hint_zh.contains("细链"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_pendant_on_the_bare_neck_warns_the_jewellery_rule() {
    let g = grace();
    let a = analyzer().analyze(&g).unwrap();
    let f = &a.faces[0];
    let (fw, up, chin) = (f.geometry.face_width_px, f.geometry.up, f.landmarks[152]);
    // A 5 mm stone hanging on the skin of her neck, a fifth of a face below the chin, between
    // the wings of her collar.
    let at = (chin[0] - 0.2 * fw * up.x, chin[1] - 0.2 * fw * up.y);
    let hung = paint_stones(&g, &[at], 0.015 * fw);
    let (s0, v0) = rule(&report(&g), "accessories.jewellery");
    let r1 = report(&hung);
    let found = r1.rule("accessories.jewellery").unwrap();
    assert_eq!((s0, found.status), (Status::Pass, Status::Warn));
    let v1 = found.measured.unwrap();
    assert!(v1 > v0, "{v0} → {v1}");
    assert!(found.hint_en.contains("neck"), "{}", found.hint_en);
    // The report points at the pendant, not at a lobe.
    let region = found.region.unwrap();
    assert!(
        (region.x - 3.0..region.x + region.width + 3.0).contains(&at.0)
            && (region.y - 3.0..region.y + region.height + 3.0).contains(&at.1),
        "{region:?} {at:?}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_photo_cut_below_the_chin_leaves_necklaces_unjudged() {
    // Cut Grace Hopper's portrait a sixth of a face below her chin: the lobes stay in the photo,
    // most of the neck does not, so the rule cannot pass.
    let g = grace();
    let a = analyzer().analyze(&g).unwrap();
    let f = &a.faces[0];
    let bottom = f.landmarks[152][1] + f.geometry.face_width_px / 6.0;
    let cut = image::imageops::crop_imm(&g, 0, 0, g.width(), bottom as u32).to_image();
    let r = report(&cut);
    let rule = r.rule("accessories.jewellery").unwrap();
    assert_eq!(rule.status, Status::NotEvaluated, "{}", rule.hint_en);
    assert!(rule.hint_en.contains("neck"), "{}", rule.hint_en);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_face_too_small_to_show_earrings_is_not_evaluated() {
    // The astronaut's face is 92 px wide: a stud would be a pixel.
    let r = report(&astronaut());
    let rule = r.rule("accessories.jewellery").unwrap();
    assert_eq!(rule.status, Status::NotEvaluated);
    assert!(rule.measured.is_none() && rule.hint_en.contains("too small"));
}
