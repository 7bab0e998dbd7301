//! Stage timings for the benchmark, with the clock passed in so the same code measures natively
//! (`Instant`) and in the browser (`performance.now()`); the library itself never reads a clock.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::runtime::RtenNetwork;
use crate::analysis::{Analyzer, Mode, ModelBytes};
use crate::error::Result;
use crate::{centre_crop_encode, decode, Limits, Preset};

/// Median milliseconds per stage for one input photo.
#[derive(Debug, Clone, Serialize)]
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
    /// Every compliance rule on the analysed photo (analysis not included).
    pub check_ms: f64,
    /// Centre crop, resample and size-searched JPEG encode to the CHSI spec.
    pub encode_ms: f64,
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
    let files: [(&'static str, Option<&Vec<u8>>); 4] = [
        ("detector", Some(&models.detector)),
        ("landmarks", Some(&models.landmarks)),
        ("segmenter", Some(&models.segmenter)),
        ("detector_full_range", models.detector_full_range.as_ref()),
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
    let preset = Preset::builtin(crate::DEFAULT_PRESET)?;
    let analysis = analyzer.analyze(image)?;
    let check_ms = time(&mut || crate::check(&photo, &analysis, &preset).map(|_| ()))?;
    let spec = preset.output.clone();
    let encode_ms = time(&mut || centre_crop_encode(image, &spec).map(|_| ()))?;
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
        check_ms,
        encode_ms,
    })
}
