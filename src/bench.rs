//! Stage timings for the benchmark, with the clock passed in so the same code measures natively
//! (`Instant`) and in the browser (`performance.now()`); the library itself never reads a clock.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::runtime::RtenNetwork;
use crate::analysis::{Analysis, Analyzer, Mode, ModelBytes};
use crate::colour::linear;
use crate::error::Result;
use crate::input::Photo;
use crate::preset::parse_hex_color;
use crate::resample::resample_linear_planes;
use crate::standardize::{self, crop, cut, foreground, matte, verify, Options, Quality};
use crate::{centre_crop_encode, decode, encode_to_spec, Limits, Preset};

/// Median milliseconds per stage for one input photo.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct StageTimings {
    pub width: u32,
    pub height: u32,
    pub runs: usize,
    /// Loading (parsing and preparing) each model from bytes.
    pub load_ms: BTreeMap<&'static str, f64>,
    pub decode_ms: f64,
    pub working_copy_ms: f64,
    pub detect_ms: f64,
    pub mesh_ms: f64,
    pub segment_ms: f64,
    /// The whole `Analyzer::analyze` call (working copy, detection, mesh, mask, geometry).
    pub analyze_ms: f64,
    /// `analyze` in live mode (detection, one mesh pass, no mask): the live-guide frame.
    pub live_ms: f64,
    /// A live frame while the face is tracked from the previous frame (one mesh pass, no
    /// detection): what the guide pays on most frames.
    pub live_tracked_ms: f64,
    /// Every compliance rule on the analysed photo (analysis not included).
    pub check_ms: f64,
    /// `check_ms` by part: `context` (statistics copy and region labels), then each rule group.
    pub check_groups_ms: BTreeMap<&'static str, f64>,
    /// Centre crop, resample and size-searched JPEG encode to the CHSI spec.
    pub encode_ms: f64,
    /// The native "floor" the whole pipeline is compared with: `decode_ms + encode_ms` (decode
    /// and a plain crop-resample-encode of the same photo to the same output).
    pub floor_ms: f64,
    /// Standardisation stages and whole-pipeline figures; `None` when standardisation refused
    /// this photo (then `standardize_na` says why).
    #[serde(flatten)]
    pub standardize: Option<StandardizeTimings>,
    /// Why standardisation was not timed on this photo (`code: message`), if it was not.
    pub standardize_na: Option<String>,
}

/// Median milliseconds of each standardisation stage (full quality unless named otherwise).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct StandardizeTimings {
    /// `standardize::crop::plan`: the framing.
    pub framing_ms: f64,
    /// `standardize::cut`: crop and Lanczos3 resample onto the working grid.
    pub cut_ms: f64,
    /// `matte::coarse` + `matte::refine` (guided filter) + `colourline::decide` (with the linear
    /// channels it reads, which the pipeline then hands on to the composite) on the working grid,
    /// + `face::floor` + `unsure::share` (what the matte kept unsure, for the closed loop).
    pub matte_ms: f64,
    /// `foreground::linear_channels` + `foreground::composite`: decontaminate and composite.
    pub composite_ms: f64,
    /// `resample_linear_planes` from the working grid to the output size, of the composite and of
    /// the photo itself from the shoulders down (the edge measure's reference); 0 when equal.
    pub downscale_ms: f64,
    /// `encode_to_spec` on the rendered output: JPEG with the size search.
    pub encode_spec_ms: f64,
    /// The closed loop on the file as the pipeline runs it: decode, the analysis mapped onto the
    /// file, geometry and background judged.
    pub verify_ms: f64,
    /// The same with the file analysed again by the networks (`ClosedLoop::Redetect`).
    pub verify_redetect_ms: f64,
    /// Working grid the matte ran on.
    pub matte_width: u32,
    pub matte_height: u32,
    /// Whole `standardize_analyzed`, full quality (render, encode, closed-loop re-analysis).
    pub standardize_ms: f64,
    /// Whole `standardize_analyzed` in preview quality.
    pub preview_ms: f64,
    /// From the file's bytes: decode, analyze, check, `standardize_analyzed` (full).
    pub pipeline_ms: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Time every stage on `jpeg`: one warm-up, then the median of `runs`.
pub fn measure(
    models: &ModelBytes,
    jpeg: &[u8],
    runs: usize,
    now: &dyn Fn() -> f64,
) -> Result<StageTimings> {
    let time = |f: &mut dyn FnMut() -> Result<()>| -> Result<f64> {
        f()?; // warm-up
        let mut samples = Vec::with_capacity(runs);
        for _ in 0..runs.max(1) {
            let start = now();
            f()?;
            samples.push(now() - start);
        }
        Ok(median(samples))
    };
    let mut load_ms = BTreeMap::new();
    let files: [(&'static str, Option<&Vec<u8>>); 6] = [
        ("detector", Some(&models.detector)),
        ("landmarks", Some(&models.landmarks)),
        ("segmenter", Some(&models.segmenter)),
        ("detector_full_range", models.detector_full_range.as_ref()),
        ("iris", models.iris.as_ref()),
        ("expression", models.expression.as_ref()),
    ];
    for (name, bytes) in files {
        if let Some(bytes) = bytes {
            load_ms.insert(
                name,
                time(&mut || RtenNetwork::load(name, bytes.clone(), &[]).map(|_| ()))?,
            );
        }
    }
    let analyzer = Analyzer::new(ModelBytes {
        detector: models.detector.clone(),
        landmarks: models.landmarks.clone(),
        segmenter: models.segmenter.clone(),
        detector_full_range: models.detector_full_range.clone(),
        iris: models.iris.clone(),
        expression: models.expression.clone(),
    })?;
    let photo = decode(jpeg, &Limits::default())?;
    let image = &photo.image;
    let decode_ms = time(&mut || decode(jpeg, &Limits::default()).map(|_| ()))?;
    let working_copy_ms = time(&mut || Analyzer::working_copy(image).map(|_| ()))?;
    let (work, _) = Analyzer::working_copy(image)?;
    let detect_ms = time(&mut || analyzer.detect(&work).map(|_| ()))?;
    let (detections, _) = analyzer.detect(&work)?;
    let mesh_ms = match detections.first() {
        Some(d) => time(&mut || analyzer.mesh(&work, d, Mode::Full).map(|_| ()))?,
        None => f64::NAN,
    };
    let segment_ms = time(&mut || {
        analyzer
            .segment(&work, image.width(), image.height())
            .map(|_| ())
    })?;
    let analyze_ms = time(&mut || analyzer.analyze(image).map(|_| ()))?;
    let live_ms = time(&mut || analyzer.analyze_with(image, Mode::Live).map(|_| ()))?;
    let live = analyzer.analyze_with(image, Mode::Live)?;
    let live_tracked_ms = match live.faces.first() {
        Some(face) => time(&mut || analyzer.analyze_tracked(image, face).map(|_| ()))?,
        None => f64::NAN,
    };
    let preset = Preset::builtin(crate::DEFAULT_PRESET)?;
    let analysis = analyzer.analyze(image)?;
    let check_ms = time(&mut || crate::check(&photo, &analysis, &preset).map(|_| ()))?;
    crate::checks::time_groups(&photo, &analysis, &preset, now)?; // warm-up
    let mut group_samples: BTreeMap<&'static str, Vec<f64>> = BTreeMap::new();
    for _ in 0..runs.max(1) {
        for (name, ms) in crate::checks::time_groups(&photo, &analysis, &preset, now)? {
            group_samples.entry(name).or_default().push(ms);
        }
    }
    let check_groups_ms = group_samples
        .into_iter()
        .map(|(name, v)| (name, median(v)))
        .collect();
    let spec = preset.output.clone();
    let encode_ms = time(&mut || centre_crop_encode(image, &spec).map(|_| ()))?;
    let ctx = Ctx {
        analyzer: &analyzer,
        photo: &photo,
        analysis: &analysis,
        preset: &preset,
        jpeg,
    };
    let (standardize, standardize_na) = match standardize_stages(&ctx, &time) {
        Ok(t) => (Some(t), None),
        Err(e) => (None, Some(format!("{}: {}", e.code(), e.message_en()))),
    };
    Ok(StageTimings {
        width: image.width(),
        height: image.height(),
        runs,
        load_ms,
        decode_ms,
        working_copy_ms,
        detect_ms,
        mesh_ms,
        segment_ms,
        analyze_ms,
        live_ms,
        live_tracked_ms,
        check_ms,
        check_groups_ms,
        encode_ms,
        floor_ms: decode_ms + encode_ms,
        standardize,
        standardize_na,
    })
}

struct Ctx<'a> {
    analyzer: &'a Analyzer,
    photo: &'a Photo,
    analysis: &'a Analysis,
    preset: &'a Preset,
    jpeg: &'a [u8],
}

type Timer<'t> = dyn Fn(&mut dyn FnMut() -> Result<()>) -> Result<f64> + 't;

/// The standardisation stages, each on the previous one's output, the way `standardize::render`
/// chains them (one planning pass; the corrections' gains taken from a whole run; no eye-levelling
/// rotation, which the default preset forbids).
fn standardize_stages(c: &Ctx, time: &Timer) -> Result<StandardizeTimings> {
    let (photo, preset) = (c.photo, c.preset);
    let full = Options::default();
    let preview = Options {
        quality: Quality::Preview,
        ..Options::default()
    };
    // A whole run first: it refuses photos that cannot be framed before any stage is timed.
    let done = standardize::standardize_analyzed(c.analyzer, photo, c.analysis, preset, &full)?;
    let gains = done.report.corrections.gains();
    let face = c.analysis.faces.first().ok_or(crate::Error::NotOneFace {
        found: c.analysis.faces.len(),
    })?;
    let mask = c.analysis.mask.as_ref().ok_or(crate::Error::NoCrown)?;
    let image = &photo.image;
    let (w, h) = (image.width(), image.height());
    let (ow, oh) = (preset.output.width, preset.output.height);
    let framing_ms = time(&mut || crop::plan(face, w, h, preset).map(|_| ()))?;
    let framing = crop::plan(face, w, h, preset)?;
    let (f, ww, wh) = standardize::working_grid(&framing, Quality::Full, ow, oh);
    let cut_ms = time(&mut || cut(image, &framing, ww, wh).map(|_| ()))?;
    let work = cut(image, &framing, ww, wh)?;
    let matte_of = || {
        let refined = matte::refine(
            &work,
            &matte::coarse(mask, &framing.crop, ww, wh),
            &matte::FULL,
        );
        let standardize::colourline::Decided {
            mut alpha,
            mut blend,
        } = standardize::colourline::decide_with_blend(
            &foreground::linear_channels(&work),
            &refined,
            standardize::eyes_row(face, &framing, f),
            standardize::chin_row(face, &framing, f),
        );
        standardize::face::floor(&mut alpha, face, &framing, f);
        standardize::face::floor(&mut blend, face, &framing, f);
        // The closed loop's figure of what the matte kept unsure, made with the matte.
        let unsure = standardize::unsure::share(
            |w, h| matte::coarse(mask, &framing.crop, w, h),
            &alpha,
            standardize::unsure::cell_px(mask) * framing.crop.scale,
            ow,
            oh,
        );
        (alpha, blend, unsure)
    };
    let matte_ms = time(&mut || {
        matte_of();
        Ok(())
    })?;
    let (alpha, blend, unsure) = matte_of();
    let bg = parse_hex_color(&preset.background.color)?.map(linear);
    let composite_ms = time(&mut || {
        let channels = foreground::linear_channels(&work);
        let old = foreground::old_background(&channels, &alpha);
        foreground::composite(channels, &alpha, Some(&blend), old, bg, gains);
        Ok(())
    })?;
    let channels = foreground::linear_channels(&work);
    // The photo's own channels stay for the edge measure's copy, as the render keeps them.
    let own_channels = channels.clone();
    let old = foreground::old_background(&channels, &alpha);
    let [r, g, b] = foreground::composite(channels, &alpha, Some(&blend), old, bg, gains);
    let edges_from = standardize::edges_from_row(face, &framing);
    let downscale_ms = if (ww, wh) == (ow, oh) {
        0.0
    } else {
        // The composite's, and the photo's own for the edge measure.
        time(&mut || {
            resample_linear_planes([&r.data, &g.data, &b.data], ww, wh, ow, oh)?;
            standardize::on_output_grid(&own_channels, ow, oh, edges_from).map(|_| ())
        })?
    };
    let encode_spec_ms = time(&mut || encode_to_spec(&done.image, &preset.output).map(|_| ()))?;
    let file = encode_to_spec(&done.image, &preset.output)?;
    let rgb = parse_hex_color(&preset.background.color)?;
    let pure = standardize::pure_background(&alpha, ow, oh);
    let on_output = verify::mapped(face, &done.report.framing, &alpha, ow, oh);
    let source = Some(standardize::on_output_grid(
        &own_channels,
        ow,
        oh,
        edges_from,
    )?);
    let closed_loop = |locate: verify::Locate| {
        time(&mut || {
            verify::verify(
                locate,
                &file,
                &done.report.framing,
                preset,
                rgb,
                verify::Made {
                    pure_background: &pure,
                    unsure_share: Some(unsure),
                    edges: standardize::edges::Context {
                        matte: on_output.mask.as_ref(),
                        source: source.as_ref(),
                    },
                },
            )
            .map(|_| ())
        })
    };
    let verify_ms = closed_loop(verify::Locate::Mapped(&on_output))?;
    let verify_redetect_ms = closed_loop(verify::Locate::Redetect(c.analyzer))?;
    let standardize_ms = time(&mut || {
        standardize::standardize_analyzed(c.analyzer, photo, c.analysis, preset, &full).map(|_| ())
    })?;
    let preview_ms = time(&mut || {
        standardize::standardize_analyzed(c.analyzer, photo, c.analysis, preset, &preview)
            .map(|_| ())
    })?;
    let pipeline_ms = time(&mut || {
        let photo = decode(c.jpeg, &Limits::default())?;
        let analysis = c.analyzer.analyze(&photo.image)?;
        crate::check(&photo, &analysis, preset)?;
        standardize::standardize_analyzed(c.analyzer, &photo, &analysis, preset, &full).map(|_| ())
    })?;
    Ok(StandardizeTimings {
        framing_ms,
        cut_ms,
        matte_ms,
        composite_ms,
        downscale_ms,
        encode_spec_ms,
        verify_ms,
        verify_redetect_ms,
        matte_width: ww,
        matte_height: wh,
        standardize_ms,
        preview_ms,
        pipeline_ms,
    })
}
