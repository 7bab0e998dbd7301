//! Standardisation on the shared photos and controlled changes of them: the exact file spec, the
//! head geometry measured again on the file (mapped and re-detected), a flat background, no fringe of the old background, a
//! stable result when the input moves, and typed refusals. Runs natively and in headless Chromium.

mod common;

use common::*;
use gradphoto::checks::{Status, Verdict};
use gradphoto::colour::{delta_e, lab, linear};
use gradphoto::standardize::{
    self, crop, cut, foreground, matte, verify, ClosedLoop, Options, Quality, Standardized,
};
use gradphoto::{Error, Photo, Preset};
use image::{Rgb, RgbImage};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);

fn chsi() -> Preset {
    Preset::builtin("chsi-graduation").unwrap()
}

fn run(img: &RgbImage, options: &Options) -> Result<Standardized, Error> {
    standardize::standardize(analyzer(), &Photo::from_rgb(img.clone()), &chsi(), options)
}

fn full(img: &RgbImage) -> Standardized {
    run(img, &Options::default()).unwrap()
}

/// SOF0 (baseline) present, no progressive SOF2.
fn is_baseline(jpeg: &[u8]) -> bool {
    let has = |m: u8| jpeg.windows(2).any(|w| w == [0xFF, m]);
    has(0xC0) && !has(0xC2)
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn both_shared_photos_meet_the_chsi_file_spec_and_geometry() {
    for (name, img) in [("grace", grace()), ("astronaut", astronaut())] {
        let out = full(&img);
        let jpeg = out.jpeg.as_ref().unwrap();
        let decoded = gradphoto::decode(jpeg, &Default::default()).unwrap();
        assert_eq!(decoded.image.dimensions(), (480, 640), "{name}");
        assert_eq!(jfif_density(jpeg), Some((1, 300, 300)), "{name}");
        assert!(
            (20_480..=40_000).contains(&jpeg.len()),
            "{name}: {} bytes",
            jpeg.len()
        );
        assert!(is_baseline(jpeg), "{name}");
        let r = &out.report;
        assert_eq!(r.verdict, Verdict::Pass, "{name}: {:#?}", r.rules);
        assert!(
            r.summary_en.contains("meet the spec"),
            "{name}: {}",
            r.summary_en
        );
        for rule in &r.rules {
            assert!(
                gradphoto::checks::display::has_title(rule.id),
                "{name}: {} has no title",
                rule.id
            );
        }
        let m = r.measured.unwrap();
        let crown = m.crown_px.expect("the crown shows against the blue");
        assert!((50.0..=110.0).contains(&crown), "{name}: {m:?}");
        assert!((200.0..=300.0).contains(&m.eye_line_px), "{name}: {m:?}");
        assert!((180.0..=300.0).contains(&m.face_width_px), "{name}: {m:?}");
        assert!(m.prediction_error_px <= 4.0, "{name}: {m:?}");
        // The flat background: the corners are the preset colour.
        let want = lab([0x64, 0xC5, 0xFF]);
        for (x, y) in [(2, 2), (477, 2), (2, 300), (477, 300)] {
            let d = delta_e(lab(decoded.image.get_pixel(x, y).0), want);
            assert!(d < 2.0, "{name} ({x},{y}): ΔE {d}");
        }
        let bg = r
            .rules
            .iter()
            .find(|r| r.id == "output.background_color")
            .unwrap();
        assert_eq!(bg.status, Status::Pass, "{name}: {bg:?}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_custom_background_colour_is_used() {
    let out = run(
        &astronaut(),
        &Options {
            background: Some("#FFFFFF".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(out.report.background, "#FFFFFF");
    let p = out.image.get_pixel(3, 3).0;
    assert!(p.iter().all(|c| *c >= 253), "{p:?}");
    assert!(matches!(
        run(
            &astronaut(),
            &Options {
                background: Some("blue".into()),
                ..Default::default()
            }
        ),
        Err(Error::InvalidPreset { .. })
    ));
}

/// Pixels clearly green: greener than both the blue background and any skin, hair or clothing
/// in the astronaut photo.
fn green_fringe(pixels: impl Iterator<Item = [u8; 3]>) -> usize {
    pixels
        .filter(|p| {
            let [r, g, b] = p.map(i32::from);
            g > r + 40 && g > b + 20
        })
        .count()
}

/// The astronaut pasted on saturated green with the model's soft mask: every edge pixel carries
/// some green, as hair against a coloured wall does.
fn on_green() -> RgbImage {
    let img = astronaut();
    let mask = analyzer().analyze(&img).unwrap().mask.unwrap();
    RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let a = mask.at(x as f32 + 0.5, y as f32 + 0.5);
        let p = img.get_pixel(x, y).0;
        let green = [0.0, 255.0, 0.0];
        Rgb(std::array::from_fn(|c| {
            (a * f32::from(p[c]) + (1.0 - a) * green[c]).round() as u8
        }))
    })
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn no_fringe_of_the_old_background_around_the_hair() {
    let original = astronaut();
    let img = on_green();
    assert!(green_fringe(img.pixels().map(|p| p.0)) > 10_000);
    let out = full(&img);
    if let Ok(p) = std::env::var("GRADPHOTO_DUMP") {
        out.image.save(p).unwrap();
    }
    // The fringe test: no output pixel is closer to the old wall than to the blend of
    // the person (the unpasted photo at that place) and the new background.
    let c = out.report.framing.crop;
    let (green, blue) = (lab([0, 255, 0]), lab([0x64, 0xC5, 0xFF]));
    let mut closer_to_old = Vec::new();
    for (x, y, p) in out.image.enumerate_pixels() {
        let sx = (c.left + (x as f32 + 0.5) / c.scale) as u32;
        let sy = (c.top + (y as f32 + 0.5) / c.scale).max(0.0) as u32;
        let f = original
            .get_pixel(sx.min(original.width() - 1), sy.min(original.height() - 1))
            .0;
        let p_lab = lab(p.0);
        let to_blend = (0..=20)
            .map(|t| {
                let t = t as f32 / 20.0;
                let mix: [u8; 3] = std::array::from_fn(|k| {
                    gradphoto::colour::srgb(
                        t * linear(f[k]) + (1.0 - t) * linear([0x64, 0xC5, 0xFF][k]),
                    )
                });
                delta_e(p_lab, lab(mix))
            })
            .fold(f32::MAX, f32::min);
        if delta_e(p_lab, green) < to_blend.min(delta_e(p_lab, blue)) {
            closer_to_old.push((x, y));
        }
    }
    assert!(closer_to_old.is_empty(), "{closer_to_old:?}");

    // Visible green tint: decontamination removes most of what a plain paste of the same matte
    // leaves (so this part of the test can fail).
    let analysis = analyzer().analyze(&img).unwrap();
    let preset = chsi();
    let framing = crop::plan(&analysis.faces[0], img.width(), img.height(), &preset).unwrap();
    let (w, h) = (480, 640);
    let work = cut(&img, &framing, w, h).unwrap();
    let coarse = matte::coarse(analysis.mask.as_ref().unwrap(), &framing.crop, w, h);
    let alpha = matte::refine(&work, &coarse, &matte::FULL);
    let blue_lin = [0x64, 0xC5, 0xFF].map(linear);
    let channels = foreground::linear_channels(&work);
    let naive = (0..(w * h) as usize).map(|k| {
        let a = alpha.data[k];
        std::array::from_fn(|c| {
            gradphoto::colour::srgb(a * channels[c].data[k] + (1.0 - a) * blue_lin[c])
        })
    });
    let naive_fringe = green_fringe(naive);
    let old = foreground::old_background(&channels, &alpha);
    let clean = foreground::composite(channels.clone(), &alpha, None, old, blue_lin, [1.0; 3]);
    let clean_fringe = green_fringe(
        (0..(w * h) as usize)
            .map(|k| std::array::from_fn(|c| gradphoto::colour::srgb(clean[c].data[k]))),
    );
    assert!(naive_fringe > 1000, "naive paste fringe {naive_fringe}");
    assert!(
        clean_fringe * 4 < naive_fringe,
        "decontaminated {clean_fringe} vs naive {naive_fringe}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_head_cut_off_at_the_top_cannot_be_framed() {
    let g = grace();
    let cut_cap = image::imageops::crop_imm(&g, 0, 90, g.width(), g.height() - 90).to_image();
    match run(&cut_cap, &Options::default()) {
        Err(e @ Error::CannotFrame { .. }) => {
            assert_eq!(e.code(), "standardize.cannot_frame");
            assert!(e.message_zh().contains("头顶"), "{}", e.message_zh());
        }
        other => panic!("expected cannot_frame, got {:?}", other.map(|s| s.report)),
    }
    // Without headroom filling, the unpadded photo cannot get its crown margin either.
    let mut no_fill = chsi();
    no_fill.geometry.allow_fill_above_head = false;
    let r = standardize::standardize(
        analyzer(),
        &Photo::from_rgb(grace()),
        &no_fill,
        &Options::default(),
    );
    assert!(
        matches!(
            r,
            Err(Error::CannotFrame {
                constraint: "geometry.crown",
                ..
            })
        ),
        "{:?}",
        r.map(|s| s.report)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn no_face_is_a_typed_error() {
    let wall = RgbImage::from_pixel(600, 800, Rgb([200, 200, 190]));
    assert!(matches!(
        run(&wall, &Options::default()),
        Err(Error::NotOneFace { found: 0 })
    ));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn preview_renders_the_output_size_without_a_file() {
    let out = run(
        &astronaut(),
        &Options {
            quality: Quality::Preview,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(out.image.dimensions(), (480, 640));
    assert!(out.jpeg.is_none());
    assert_eq!(out.report.verdict, Verdict::Warn);
    assert_eq!(
        (out.report.matte_width, out.report.matte_height),
        (480, 640)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_dark_photo_is_brightened_within_the_bound_and_recorded() {
    let img = astronaut();
    let base = full(&img).report.corrections;
    // −1.5 EV: linear light × 0.35.
    let dark = RgbImage::from_fn(img.width(), img.height(), |x, y| {
        Rgb(img
            .get_pixel(x, y)
            .0
            .map(|c| gradphoto::colour::srgb(linear(c) * 0.35)))
    });
    let c = full(&dark).report.corrections;
    assert!(
        c.face_lightness.unwrap() < base.face_lightness.unwrap() - 10.0,
        "{c:?}"
    );
    assert!(c.exposure_ev > base.exposure_ev + 0.2, "{base:?} → {c:?}");
    assert!(c.exposure_ev <= chsi().corrections.max_exposure_ev);
}

/// Moving or scaling the photo's content does not move the standardised head.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn shifting_or_scaling_the_input_keeps_the_output_geometry() {
    let g = grace();
    let base = full(&g).report;
    let shifted = image::imageops::crop_imm(&g, 40, 0, g.width() - 70, g.height() - 50).to_image();
    let scaled = image::imageops::resize(
        &g,
        g.width() * 3 / 2,
        g.height() * 3 / 2,
        image::imageops::FilterType::Lanczos3,
    );
    let (bp, bm) = (base.framing.predicted, base.measured.unwrap());
    for (name, img) in [("shifted", shifted), ("scaled", scaled)] {
        let r = full(&img).report;
        let (p, m) = (r.framing.predicted, r.measured.unwrap());
        // Scaled, the photo frames the same way: the same head placement to a pixel. (Shifted,
        // it lost room at the side and bottom, so the best crop may differ a little.)
        if name == "scaled" {
            for (what, a, b) in [
                ("planned crown", bp.crown_px, p.crown_px),
                ("planned eyes", bp.eye_line_px, p.eye_line_px),
                ("planned face width", bp.face_width_px, p.face_width_px),
            ] {
                assert!((a - b).abs() <= 1.0, "{name} {what}: {a} → {b}");
            }
        }
        // The files, measured again: within 3 px, each cheek edge (half the width) too; the mesh
        // found on a new file puts the cheeks up to ~1.5 % of the width elsewhere.
        for (what, a, b) in [
            ("crown", bm.crown_px.unwrap(), m.crown_px.unwrap()),
            ("eyes", bm.eye_line_px, m.eye_line_px),
            ("cheek edge", bm.face_width_px / 2.0, m.face_width_px / 2.0),
            ("centre", bm.centre_offset_px, m.centre_offset_px),
        ] {
            assert!((a - b).abs() <= 3.0, "{name} {what}: {a} → {b}");
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_tilted_head_is_levelled_only_where_the_preset_allows_rotation() {
    let tilted = rotate(&astronaut(), 10.0);
    let roll_of = |s: &Standardized| {
        let photo = gradphoto::decode(s.jpeg.as_ref().unwrap(), &Default::default()).unwrap();
        analyzer().analyze(&photo.image).unwrap().faces[0]
            .geometry
            .eye_line_deg
    };
    let kept = full(&tilted);
    assert_eq!(kept.report.framing.rotation_deg, 0.0);
    let mut rotating = chsi();
    rotating.geometry.allow_rotation = true;
    let levelled = standardize::standardize(
        analyzer(),
        &Photo::from_rgb(tilted),
        &rotating,
        &Options::default(),
    )
    .unwrap();
    let turned = levelled.report.framing.rotation_deg;
    assert!(turned.abs() > 4.0, "turned {turned}");
    let (before, after) = (roll_of(&kept), roll_of(&levelled));
    assert!(
        before.abs() > 4.0 && after.abs() < 1.5,
        "roll {before} → {after}"
    );
}

/// The closed loop maps the source's analysis onto the file by default; analysing the file again
/// with the networks, independently, finds the same geometry (over the framable real portraits
/// the two differ by at most 1.1 px at the crown, eye line and centre and 2.6 px at a cheek edge)
/// and the same verdict.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_mapped_closed_loop_agrees_with_redetection() {
    let g = grace();
    let mapped = full(&g).report;
    let redetected = run(
        &g,
        &Options {
            closed_loop: ClosedLoop::Redetect,
            ..Options::default()
        },
    )
    .unwrap()
    .report;
    assert_eq!(mapped.closed_loop, ClosedLoop::Mapped);
    assert_eq!(redetected.closed_loop, ClosedLoop::Redetect);
    // Only a file searched again has its faces counted; mapped, the count is not claimed.
    let counted = |r: &standardize::StandardizeReport| r.rules.iter().any(|r| r.id == "face.count");
    assert!(!counted(&mapped) && counted(&redetected));
    assert_mapped_agrees(&mapped, &redetected, "Grace Hopper");
}

/// Mapped against redetected closed loops of the same photo: the same verdict and rule statuses,
/// the geometry within the mesh's own repeatability.
fn assert_mapped_agrees(
    mapped: &standardize::StandardizeReport,
    redetected: &standardize::StandardizeReport,
    name: &str,
) {
    let (a, b) = (mapped.measured.unwrap(), redetected.measured.unwrap());
    // The crown within the closed loop's own measuring error (EDGE_TOLERANCE_PX, 2.5 px:
    // measuring the file again puts the crown up to ~2 px from the plan); a fringe's wisps at the
    // hair top read 1.75 px apart on hpcyolov8-bangs.jpg.
    for (what, x, y, within) in [
        ("crown", a.crown_px.unwrap(), b.crown_px.unwrap(), 2.5),
        ("eye line", a.eye_line_px, b.eye_line_px, 1.5),
        ("centre", a.centre_offset_px, b.centre_offset_px, 1.5),
        (
            "cheek edge",
            a.face_width_px / 2.0,
            b.face_width_px / 2.0,
            // The mesh found again on a new background places a cheek edge up to 3.1 px from
            // the plan (presets/checks.json, output.prediction_error's note): 3.03 px from the
            // mapped one on facerec-paul_allen_cap.jpg.
            3.1,
        ),
    ] {
        assert!(
            (x - y).abs() <= within,
            "{name} {what}: mapped {x}, redetected {y}"
        );
    }
    for r in &mapped.rules {
        let other = redetected.rules.iter().find(|o| o.id == r.id).unwrap();
        // A value within the mesh's repeatability of its bound may warn one way and pass the other.
        let edge =
            r.id.starts_with("geometry.") && [r.status, other.status].contains(&Status::Warn);
        assert!(
            r.status == other.status || edge,
            "{name} {}: mapped {:?} ({:?}), redetected {:?} ({:?})",
            r.id,
            r.status,
            r.measured,
            other.status,
            other.measured
        );
    }
}

/// Mapped, the closed loop still reads the file's own pixels: a file whose content slid 12 px
/// down (as a crop gone wrong would) puts the crown where the pixels show it, and fails.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_mapped_closed_loop_reads_the_file_itself() {
    let g = grace();
    let preset = chsi();
    let analysis = analyzer().analyze(&g).unwrap();
    let blue = [0x64, 0xC5, 0xFF];
    let r = standardize::render(analyzer(), &g, &analysis, &preset, blue, Quality::Full).unwrap();
    let judge = |image: &RgbImage| {
        let file = gradphoto::encode_to_spec(image, &preset.output).unwrap();
        let on_output = r.on_output();
        let locate = verify::Locate::Mapped(&on_output);
        verify::verify(locate, &file, &r.framing, &preset, blue, r.made(&on_output)).unwrap()
    };
    let (good, rules) = judge(&r.image);
    let status = |rules: &[gradphoto::checks::RuleResult], id: &str| {
        rules.iter().find(|r| r.id == id).unwrap().status
    };
    assert_eq!(status(&rules, "output.prediction_error"), Status::Pass);
    let slid = RgbImage::from_fn(r.image.width(), r.image.height(), |x, y| {
        if y < 12 {
            Rgb(blue)
        } else {
            *r.image.get_pixel(x, y - 12)
        }
    });
    let (bad, rules) = judge(&slid);
    let (c0, c1) = (
        good.unwrap().crown_px.unwrap(),
        bad.unwrap().crown_px.unwrap(),
    );
    assert!((c1 - c0 - 12.0).abs() <= 1.5, "crown {c0} → {c1}");
    assert_eq!(status(&rules, "output.prediction_error"), Status::Fail);
}

fn closed_loop_problems(out: &Standardized) -> Vec<(&'static str, Option<f64>)> {
    out.report
        .rules
        .iter()
        .filter(|r| r.status == Status::Fail)
        .map(|r| (r.id, r.measured))
        .collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_background_the_preset_offers_passes_the_closed_loop() {
    // On white and light grey her white cap read as background to the file's segmentation
    // (crown re-measured at 127 and 111 px, planned 69); on #00A3E6 her cheeks moved 3 px. The
    // crown is now read off the file's pixels against the flat colour, and where the head's top
    // cannot be told from it (a white cap on white) it says so instead of guessing.
    let g = grace();
    let preset = chsi();
    let mut colours = vec![preset.background.color.clone()];
    colours.extend(preset.background.alternatives.iter().cloned());
    for colour in colours {
        let out = run(
            &g,
            &Options {
                background: Some(colour.clone()),
                ..Options::default()
            },
        )
        .unwrap();
        assert_ne!(
            out.report.verdict,
            Verdict::Fail,
            "{colour}: {:?}",
            closed_loop_problems(&out)
        );
        let m = out.report.measured.unwrap();
        assert!(m.prediction_error_px <= 4.0, "{colour}: {m:?}");
        let bg = out
            .report
            .rules
            .iter()
            .find(|r| r.id == "output.background_color")
            .unwrap();
        assert_eq!(bg.status, Status::Pass, "{colour}: {:?}", bg.measured);
    }
}

/// A portrait pasted on a 12 MP light-grey canvas: small in the frame (the photo's own person
/// mask has 13 cells across the face, so the crop is segmented again on its own) and large
/// (the same portrait enlarged 4×). Native only: two 12 MP standardisations.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn a_portrait_on_a_12_mp_canvas_passes_the_closed_loop() {
    let g = grace();
    for k in [1, 4] {
        let small = image::imageops::resize(
            &g,
            g.width() * k,
            g.height() * k,
            image::imageops::FilterType::Lanczos3,
        );
        let mut canvas = RgbImage::from_pixel(4032, 3024, Rgb([222, 222, 222]));
        image::imageops::overlay(
            &mut canvas,
            &small,
            i64::from((4032 - small.width()) / 2),
            i64::from((3024 - small.height()) / 2),
        );
        let jpeg = jpeg_with_exif(&canvas, None);
        let photo = gradphoto::decode(&jpeg, &Default::default()).unwrap();
        let out =
            standardize::standardize(analyzer(), &photo, &chsi(), &Options::default()).unwrap();
        assert_eq!(
            out.report.verdict,
            Verdict::Pass,
            "pasted at {k}×: {:?}",
            closed_loop_problems(&out)
        );
        // The flag behind her is gone: the top corners are the new blue.
        let want = lab([0x64, 0xC5, 0xFF]);
        for (x, y) in [(2, 2), (477, 2)] {
            let d = delta_e(lab(out.image.get_pixel(x, y).0), want);
            assert!(d < 2.0, "pasted at {k}×: corner ({x},{y}) ΔE {d}");
        }
    }
}

/// Every photo of the real-portrait corpus that can be framed passes its own closed loop (a
/// photo at the edge of what its framing allows may warn). Native only, reading the folder at
/// run time; skipped, saying so, where `../shared/portraits` is absent.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_framable_real_portrait_passes_its_closed_loop() {
    #[cfg(not(portraits))]
    println!("skipped: needs ../shared/portraits, which is absent here");
    #[cfg(portraits)]
    {
        let mut files: Vec<_> = std::fs::read_dir(env!("GRADPHOTO_PORTRAITS"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "jpg" || e == "png"))
            .collect();
        files.sort();
        // The photos dealt out over the machine's cores (one after another they were a minute of
        // CI's two): each thread gives how many it framed and which failed.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (framed, failed) = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|t| {
                    let part: Vec<_> = files.iter().skip(t).step_by(threads).collect();
                    scope.spawn(move || closed_loops(&part))
                })
                .collect();
            workers
                .into_iter()
                .fold((0, Vec::new()), |(n, mut all), w| {
                    let (framed, failed) = w.join().unwrap();
                    all.extend(failed);
                    (n + framed, all)
                })
        });
        assert!(framed >= 30, "only {framed} framed");
        assert!(failed.is_empty(), "{failed:#?}");
    }
}

/// `every_framable_real_portrait_passes_its_closed_loop` over some of the photos: how many were
/// framed, and the closed-loop problems of those that failed.
#[cfg(all(not(target_arch = "wasm32"), portraits))]
#[allow(clippy::type_complexity)]
fn closed_loops(
    files: &[&std::path::PathBuf],
) -> (
    usize,
    Vec<(std::path::PathBuf, Vec<(&'static str, Option<f64>)>)>,
) {
    let (mut framed, mut failed) = (0, Vec::new());
    for &path in files {
        let photo = gradphoto::decode(&std::fs::read(path).unwrap(), &Default::default()).unwrap();
        match standardize::standardize(analyzer(), &photo, &chsi(), &Options::default()) {
            Ok(out) => {
                framed += 1;
                if out.report.verdict == Verdict::Fail {
                    failed.push((path.clone(), closed_loop_problems(&out)));
                }
                // And analysed again from scratch, independently of the source's analysis.
                let redetect = Options {
                    closed_loop: ClosedLoop::Redetect,
                    ..Options::default()
                };
                let again = standardize::standardize(analyzer(), &photo, &chsi(), &redetect)
                    .unwrap()
                    .report;
                // A head turned past pose.yaw's fail bound is refused by the check, and the
                // crown of its slanting head top is not repeatable between two fits of the
                // mesh (human-stock_emotions_a2.jpg, yaw 33°: 52.5 px mapped, 45.2 px
                // redetected, the two axes 0.9° apart): compared only where the head
                // faces the camera.
                let analysis = analyzer().analyze(&photo.image).unwrap();
                let turned = gradphoto::check(&photo, &analysis, &chsi())
                    .unwrap()
                    .rule("pose.yaw")
                    .is_some_and(|r| r.status == Status::Fail);
                if !turned {
                    assert_mapped_agrees(&out.report, &again, &format!("{path:?}"));
                }
            }
            // Refused with a reason (two faces, a head cut off, no room): not framable.
            Err(e) => assert!(e.code().starts_with("standardize."), "{path:?}: {e}"),
        }
    }
    (framed, failed)
}

/// A job run a stage at a time (as the browser's worker runs it, yielding between stages) gives
/// what checking and standardising in one go give; asked for its outcome early, it says so.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_job_runs_the_stages_in_order_and_gives_the_same_outcome() {
    use gradphoto::job::{Job, PipelineStage};
    let photo = Photo::from_rgb(grace());
    let early = Job::new(photo.clone(), chsi(), Options::default()).finish();
    assert_eq!(early.unwrap_err().code(), "job.unfinished");
    let mut job = Job::new(photo.clone(), chsi(), Options::default());
    let mut stages = vec![job.next()];
    while job.next() != PipelineStage::Done {
        stages.push(job.step(analyzer()).unwrap());
    }
    assert_eq!(
        stages,
        [
            PipelineStage::Analyse,
            PipelineStage::Check,
            PipelineStage::Standardise,
            PipelineStage::Done
        ]
    );
    let outcome = job.finish().unwrap();
    let analysis = analyzer().analyze(&photo.image).unwrap();
    let report = gradphoto::check(&photo, &analysis, &chsi()).unwrap();
    assert_eq!(outcome.report.verdict, report.verdict);
    assert_eq!(outcome.report.rules.len(), report.rules.len());
    let direct = standardize::standardize(analyzer(), &photo, &chsi(), &Options::default());
    assert_eq!(outcome.standardized.unwrap().jpeg, direct.unwrap().jpeg);
}
