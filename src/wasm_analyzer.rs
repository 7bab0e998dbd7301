//! The JavaScript face of the analyzer: decoding, encoding, QR codes, `Analyzer` (analysis,
//! checks, standardisation, the live guide) and `PhotoJob`. A thin adapter like `wasm_api.rs`,
//! whose helpers it uses; behind the `analyzer-api` feature (on by default) so that the page's
//! light module, built without it, holds only the flow.

use wasm_bindgen::prelude::*;

use crate::wasm_api::{err, preset, to_js};
use crate::{Error, Limits, Photo, Preset};

// The objects this adapter builds itself (typed arrays beside the serialised Rust values).
#[wasm_bindgen(typescript_custom_section)]
const TS_RESULTS: &str = r#"
/** `encode` / `encodeRgba`: the file's facts and its bytes. */
export type EncodedFile = EncodedJpeg & { jpeg: Uint8Array<ArrayBuffer> };
/** `standardize`: the standardised photo, its own check, and its pixels and file. */
export interface StandardizedPhoto {
    report: StandardizeReport;
    /** The flow's `standardised` payload: the file's own check. */
    summary: CheckSummary;
    transform: Framing;
    width: number;
    height: number;
    rgba: Uint8ClampedArray<ArrayBuffer>;
    /** Absent in a preview. */
    jpeg?: Uint8Array<ArrayBuffer>;
}
/** `checkAndStandardize`: the report, and the standardised photo or why there is none. */
export interface CheckedAndStandardized {
    report: Report;
    summary: CheckSummary;
    standardized: StandardizedPhoto | null;
    standardizeError: ErrorInfo | null;
}
/** `overlayRgba`: the analysis, and the photo with it drawn on. */
export interface Overlay {
    analysis: Analysis;
    overlay: ImageData;
}
"#;

/// `{ ...EncodedJpeg, jpeg: Uint8Array }`: the metadata as a plain object plus the file bytes.
fn encoded_to_js(encoded: &crate::EncodedJpeg) -> Result<JsValue, JsValue> {
    let object = to_js(encoded)?;
    let bytes = js_sys::Uint8Array::from(encoded.bytes.as_slice());
    js_sys::Reflect::set(&object, &JsValue::from_str("jpeg"), &bytes)?;
    Ok(object)
}

fn encode_photo(photo: &Photo, preset_id: &str) -> Result<JsValue, JsValue> {
    let preset = preset(preset_id)?;
    let encoded = crate::centre_crop_encode(&photo.image, &preset.output).map_err(err)?;
    encoded_to_js(&encoded)
}

/// Decode a file, centre-crop it to the preset's size and encode it to the preset's file spec.
/// Returns `{ jpeg: Uint8Array, quality, size_bytes, width, height, dpi, attempts }`.
#[wasm_bindgen(unchecked_return_type = "EncodedFile")]
pub fn encode(
    bytes: &[u8],
    #[wasm_bindgen(unchecked_param_type = "PresetId")] preset_id: &str,
) -> Result<JsValue, JsValue> {
    let photo = crate::decode(bytes, &Limits::default()).map_err(err)?;
    encode_photo(&photo, preset_id)
}

/// The same from canvas pixels (`ImageData.data`), which the browser decoded for us.
#[wasm_bindgen(js_name = encodeRgba, unchecked_return_type = "EncodedFile")]
pub fn encode_rgba(
    rgba: &[u8],
    width: u32,
    height: u32,
    #[wasm_bindgen(unchecked_param_type = "PresetId")] preset_id: &str,
) -> Result<JsValue, JsValue> {
    let photo = Photo::from_rgba(rgba, width, height, &Limits::default()).map_err(err)?;
    encode_photo(&photo, preset_id)
}

fn mode(live: Option<bool>) -> crate::analysis::Mode {
    if live == Some(true) {
        crate::analysis::Mode::Live
    } else {
        crate::analysis::Mode::Full
    }
}

/// The text of the 图像采集码 in an image file (an album screenshot). Throws `qr.not_found`,
/// `qr.unreadable`, or the input errors of any photo.
#[wasm_bindgen(js_name = decodeQr)]
pub fn decode_qr(bytes: &[u8]) -> Result<String, JsValue> {
    let photo = crate::decode(bytes, &Limits::default()).map_err(err)?;
    crate::qr::decode_photo(&photo).map_err(err)
}

/// The same from canvas pixels (a camera frame where `BarcodeDetector` is missing).
#[wasm_bindgen(js_name = decodeQrRgba)]
pub fn decode_qr_rgba(rgba: &[u8], width: u32, height: u32) -> Result<String, JsValue> {
    let photo = Photo::from_rgba(rgba, width, height, &Limits::default()).map_err(err)?;
    crate::qr::decode_photo(&photo).map_err(err)
}

/// Face analysis with the models loaded once. JS fetches the model files (see `loader.js` in the
/// package for a fetch with progress) and passes their bytes.
#[wasm_bindgen(js_name = Analyzer)]
pub struct JsAnalyzer {
    inner: crate::Analyzer,
    /// The live guide's face from the previous camera frame (see `analysis::track`).
    live: std::cell::RefCell<crate::analysis::track::Tracker>,
}

impl JsAnalyzer {
    fn job(
        &self,
        photo: Photo,
        preset_id: &str,
        background: Option<String>,
    ) -> Result<JsPhotoJob, JsValue> {
        let options = crate::standardize::Options {
            background,
            ..Default::default()
        };
        Ok(JsPhotoJob {
            inner: Some(crate::job::Job::new(photo, preset(preset_id)?, options)),
        })
    }

    fn analyze_and_standardize(
        &self,
        photo: &Photo,
        preset_id: &str,
        background: Option<String>,
        preview: bool,
    ) -> Result<JsValue, JsValue> {
        let preset = preset(preset_id)?;
        let analysis = self.inner.analyze(&photo.image).map_err(err)?;
        let done = self
            .standardize_photo(photo, &analysis, &preset, background, preview)
            .map_err(err)?;
        standardized_to_js(&done)
    }

    fn check_photo(&self, photo: &Photo, preset_id: &str) -> Result<JsValue, JsValue> {
        let preset = preset(preset_id)?;
        let analysis = self.inner.analyze(&photo.image).map_err(err)?;
        to_js(&crate::check(photo, &analysis, &preset).map_err(err)?)
    }

    fn standardize_photo(
        &self,
        photo: &Photo,
        analysis: &crate::Analysis,
        preset: &Preset,
        background: Option<String>,
        preview: bool,
    ) -> Result<crate::Standardized, Error> {
        let options = crate::standardize::Options {
            background,
            quality: if preview {
                crate::standardize::Quality::Preview
            } else {
                crate::standardize::Quality::Full
            },
            ..Default::default()
        };
        crate::standardize::standardize_analyzed(&self.inner, photo, analysis, preset, &options)
    }
}

fn set(object: &JsValue, key: &str, value: &JsValue) -> Result<(), JsValue> {
    js_sys::Reflect::set(object, &JsValue::from_str(key), value).map(|_| ())
}

/// `{ report, transform, width, height, rgba: Uint8ClampedArray, jpeg?: Uint8Array }`.
fn standardized_to_js(s: &crate::Standardized) -> Result<JsValue, JsValue> {
    let object: JsValue = js_sys::Object::new().into();
    set(&object, "report", &to_js(&s.report)?)?;
    // The flow's `standardised` payload: the file's own check, which the flow refuses on `fail`.
    set(
        &object,
        "summary",
        &to_js(&crate::flow::CheckSummary::from_rules(
            s.report.verdict,
            &s.report.rules,
        ))?,
    )?;
    set(&object, "transform", &to_js(&s.report.framing)?)?;
    set(&object, "width", &JsValue::from(s.image.width()))?;
    set(&object, "height", &JsValue::from(s.image.height()))?;
    let rgba: Vec<u8> = s
        .image
        .pixels()
        .flat_map(|p| [p.0[0], p.0[1], p.0[2], 255])
        .collect();
    set(
        &object,
        "rgba",
        &js_sys::Uint8ClampedArray::from(rgba.as_slice()),
    )?;
    if let Some(jpeg) = &s.jpeg {
        set(&object, "jpeg", &js_sys::Uint8Array::from(jpeg.as_slice()))?;
    }
    Ok(object)
}

#[wasm_bindgen(js_class = Analyzer)]
impl JsAnalyzer {
    /// Load the models: short-range detector, face mesh, person segmentation, and optionally the
    /// full-range detector (used only when the short-range one finds no face), the iris model
    /// (the eyelids of a checked photo; without it `eyes.open` says `not_evaluated`) and the
    /// expression classifier (without it `expression.neutral` reads the mouth corners alone).
    /// The mesh and the segmentation may come later (both `undefined`, then `loadMesh`): the
    /// live guide works from the detector's keypoints meanwhile, and a photo is
    /// `model.not_loaded`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        detector: Vec<u8>,
        landmarks: Option<Vec<u8>>,
        segmenter: Option<Vec<u8>>,
        detector_full_range: Option<Vec<u8>>,
        iris: Option<Vec<u8>>,
        expression: Option<Vec<u8>>,
    ) -> Result<JsAnalyzer, JsValue> {
        let build = || -> crate::Result<crate::Analyzer> {
            let mut a = crate::Analyzer::detector_only(detector)?;
            match (landmarks, segmenter) {
                (Some(landmarks), Some(segmenter)) => a.load_mesh(landmarks, segmenter)?,
                (None, None) => {}
                _ => return Err(Error::ModelsNotLoaded),
            }
            if let Some(bytes) = detector_full_range {
                a.load_full_range(bytes)?;
            }
            if let Some(bytes) = iris {
                a.load_iris(bytes)?;
            }
            if let Some(bytes) = expression {
                a.load_expression(bytes)?;
            }
            Ok(a)
        };
        build()
            .map(|inner| JsAnalyzer {
                inner,
                live: Default::default(),
            })
            .map_err(err)
    }

    /// Load the face mesh and the person segmentation later, for an analyzer made without them.
    #[wasm_bindgen(js_name = loadMesh)]
    pub fn load_mesh(&mut self, landmarks: Vec<u8>, segmenter: Vec<u8>) -> Result<(), JsValue> {
        self.inner.load_mesh(landmarks, segmenter).map_err(err)
    }

    /// Whether the face mesh and the person segmentation are loaded.
    #[wasm_bindgen(js_name = hasMesh)]
    pub fn has_mesh(&self) -> bool {
        self.inner.has_mesh()
    }

    /// Load the full-range detector later: an analyzer made without it reports
    /// `model.full_range_needed` for a photo with no face at close range (load it, then analyse
    /// again), and no face on such a live frame.
    #[wasm_bindgen(js_name = loadFullRange)]
    pub fn load_full_range(&mut self, bytes: Vec<u8>) -> Result<(), JsValue> {
        self.inner.load_full_range(bytes).map_err(err)
    }

    /// Whether the full-range detector is loaded.
    #[wasm_bindgen(js_name = hasFullRange)]
    pub fn has_full_range(&self) -> bool {
        self.inner.has_full_range()
    }

    /// Load the expression classifier later (for `expression.neutral`).
    #[wasm_bindgen(js_name = loadExpression)]
    pub fn load_expression(&mut self, bytes: Vec<u8>) -> Result<(), JsValue> {
        self.inner.load_expression(bytes).map_err(err)
    }

    /// Whether the expression classifier is loaded.
    #[wasm_bindgen(js_name = hasExpression)]
    pub fn has_expression(&self) -> bool {
        self.inner.has_expression()
    }

    /// Load the iris model later (the eyelids of a checked photo; live frames never need it).
    #[wasm_bindgen(js_name = loadIris)]
    pub fn load_iris(&mut self, bytes: Vec<u8>) -> Result<(), JsValue> {
        self.inner.load_iris(bytes).map_err(err)
    }

    /// Whether the iris model is loaded.
    #[wasm_bindgen(js_name = hasIris)]
    pub fn has_iris(&self) -> bool {
        self.inner.has_iris()
    }

    /// Decode a file and analyse it.
    #[wasm_bindgen(unchecked_return_type = "Analysis")]
    pub fn analyze(&self, bytes: &[u8]) -> Result<JsValue, JsValue> {
        let photo = crate::decode(bytes, &Limits::default()).map_err(err)?;
        to_js(&self.inner.analyze(&photo.image).map_err(err)?)
    }

    /// Analyse canvas pixels (`ImageData.data`). `live = true` is the camera-guide mode:
    /// detection and one mesh pass, no person mask.
    #[wasm_bindgen(js_name = analyzeRgba, unchecked_return_type = "Analysis")]
    pub fn analyze_rgba(
        &self,
        rgba: &[u8],
        width: u32,
        height: u32,
        live: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        let photo = Photo::from_rgba(rgba, width, height, &Limits::default()).map_err(err)?;
        to_js(
            &self
                .inner
                .analyze_with(&photo.image, mode(live))
                .map_err(err)?,
        )
    }

    /// Decode a file (keeping its EXIF, which the capture rules read), analyse it and judge it
    /// against a preset (built-in id or JSON). Returns the report object.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn check(
        &self,
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "PresetId")] preset_id: &str,
    ) -> Result<JsValue, JsValue> {
        let photo = crate::decode(bytes, &Limits::default()).map_err(err)?;
        self.check_photo(&photo, preset_id)
    }

    /// The same from canvas pixels (no EXIF: the capture rules say `not_evaluated`).
    #[wasm_bindgen(js_name = checkRgba, unchecked_return_type = "Report")]
    pub fn check_rgba(
        &self,
        rgba: &[u8],
        width: u32,
        height: u32,
        #[wasm_bindgen(unchecked_param_type = "PresetId")] preset_id: &str,
    ) -> Result<JsValue, JsValue> {
        let photo = Photo::from_rgba(rgba, width, height, &Limits::default()).map_err(err)?;
        self.check_photo(&photo, preset_id)
    }

    /// Decode a file and standardise it: flat background (the preset's, or `background`
    /// `#RRGGBB`), crop to the preset's geometry, the file spec's JPEG, the closed-loop check.
    /// Returns `{ jpeg: Uint8Array, rgba, width, height, report, transform }`; a photo that
    /// cannot be framed throws the typed error (`standardize.cannot_frame`, …).
    #[wasm_bindgen(unchecked_return_type = "StandardizedPhoto")]
    pub fn standardize(
        &self,
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "PresetId")] preset_id: &str,
        background: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let photo = crate::decode(bytes, &Limits::default()).map_err(err)?;
        self.analyze_and_standardize(&photo, preset_id, background, false)
    }

    /// The same from canvas pixels; `preview = true` is the fast mode for the live UI (matte on
    /// the output grid, no file, no closed loop).
    #[wasm_bindgen(js_name = standardizeRgba, unchecked_return_type = "StandardizedPhoto")]
    pub fn standardize_rgba(
        &self,
        rgba: &[u8],
        width: u32,
        height: u32,
        #[wasm_bindgen(unchecked_param_type = "PresetId")] preset_id: &str,
        background: Option<String>,
        preview: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        let photo = Photo::from_rgba(rgba, width, height, &Limits::default()).map_err(err)?;
        self.analyze_and_standardize(&photo, preset_id, background, preview == Some(true))
    }

    /// One analysis, both answers: the compliance report and the standardised photo.
    /// Returns `{ report, summary, standardized | null, standardizeError | null }`: a photo that
    /// cannot be standardised is an expected outcome (the report says why), not a thrown error.
    /// `summary` is the flow's `precheck_completed` payload (verdict and failing rule ids), made
    /// here so the shell passes it on unchanged.
    #[wasm_bindgen(js_name = checkAndStandardize, unchecked_return_type = "CheckedAndStandardized")]
    pub fn check_and_standardize(
        &self,
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "PresetId")] preset_id: &str,
        background: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let mut job = self.start_job(bytes, preset_id, background)?;
        job.run(self)
    }

    /// The same from canvas pixels (a camera capture). No EXIF: `facing` is the camera that took
    /// the frame as the browser reports it (`"user"` front, `"environment"` rear), which
    /// `capture.selfie` judges; without it that rule says `not_evaluated`.
    #[wasm_bindgen(js_name = checkAndStandardizeRgba, unchecked_return_type = "CheckedAndStandardized")]
    pub fn check_and_standardize_rgba(
        &self,
        rgba: &[u8],
        width: u32,
        height: u32,
        #[wasm_bindgen(unchecked_param_type = "PresetId")] preset_id: &str,
        background: Option<String>,
        #[wasm_bindgen(unchecked_param_type = "CameraFacing | null | undefined")] facing: Option<
            String,
        >,
    ) -> Result<JsValue, JsValue> {
        let mut job = self.start_job_rgba(rgba, width, height, preset_id, background, facing)?;
        job.run(self)
    }

    /// `checkAndStandardize` a stage at a time: decodes the photo and returns a `PhotoJob`, whose
    /// `step(analyzer)` runs the next stage (`analyse`, `check`, `standardise`) and whose
    /// `finish()` gives the same object as `checkAndStandardize`. A worker returns to its event
    /// loop between steps, to show the stage and to drop a job a newer photo superseded (`free()`).
    #[wasm_bindgen(js_name = startJob)]
    pub fn start_job(
        &self,
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "PresetId")] preset_id: &str,
        background: Option<String>,
    ) -> Result<JsPhotoJob, JsValue> {
        let photo = crate::decode(bytes, &Limits::default()).map_err(err)?;
        self.job(photo, preset_id, background)
    }

    /// `startJob` from canvas pixels (a camera capture), as `checkAndStandardizeRgba`.
    #[wasm_bindgen(js_name = startJobRgba)]
    pub fn start_job_rgba(
        &self,
        rgba: &[u8],
        width: u32,
        height: u32,
        #[wasm_bindgen(unchecked_param_type = "PresetId")] preset_id: &str,
        background: Option<String>,
        #[wasm_bindgen(unchecked_param_type = "CameraFacing | null | undefined")] facing: Option<
            String,
        >,
    ) -> Result<JsPhotoJob, JsValue> {
        let photo = Photo::from_rgba(rgba, width, height, &Limits::default())
            .map_err(err)?
            .with_camera(facing.as_deref().and_then(crate::CameraFacing::parse));
        self.job(photo, preset_id, background)
    }

    /// The live camera guide for one frame: `{ status, ready, hint: { code, zh, en }, oval:
    /// { cx, cy, rx, ry }, scale, mesh }` in frame pixels (live analysis: no person mask). Call
    /// it on consecutive frames of one camera: the face is tracked from frame to frame (detection
    /// runs only when it is lost, and every few frames). `facing`: the camera in use (`"user"`
    /// front: the hint asks for the rear camera). Before `loadMesh`, from the detector alone
    /// (`mesh: false`).
    #[wasm_bindgen(unchecked_return_type = "Guide")]
    pub fn guide(
        &self,
        rgba: &[u8],
        width: u32,
        height: u32,
        #[wasm_bindgen(unchecked_param_type = "PresetId")] preset_id: &str,
        #[wasm_bindgen(unchecked_param_type = "CameraFacing | null | undefined")] facing: Option<
            String,
        >,
    ) -> Result<JsValue, JsValue> {
        let preset = preset(preset_id)?;
        let photo = Photo::from_rgba(rgba, width, height, &Limits::default()).map_err(err)?;
        let camera = facing.as_deref().and_then(crate::CameraFacing::parse);
        if !self.inner.has_mesh() {
            let faces = self.inner.detect_live(&photo.image).map_err(err)?;
            return to_js(&crate::guide::guide_detected(
                &photo.image,
                &faces,
                &preset,
                camera,
            ));
        }
        let analysis = self
            .live
            .try_borrow_mut()
            .map_err(|_| JsValue::from_str("Analyzer.guide re-entered"))?
            .analyze(&self.inner, &photo.image)
            .map_err(err)?;
        to_js(&crate::guide::guide(
            &photo.image,
            &analysis,
            &preset,
            camera,
        ))
    }

    /// Analyse canvas pixels and draw the result on them: `{ analysis, overlay }`, where
    /// `overlay` is an `ImageData` of the same size, ready for `putImageData`.
    #[wasm_bindgen(js_name = overlayRgba, unchecked_return_type = "Overlay")]
    pub fn overlay_rgba(
        &self,
        rgba: &[u8],
        width: u32,
        height: u32,
        live: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        let photo = Photo::from_rgba(rgba, width, height, &Limits::default()).map_err(err)?;
        let analysis = self
            .inner
            .analyze_with(&photo.image, mode(live))
            .map_err(err)?;
        let drawn = crate::overlay::draw(&photo.image, &analysis);
        let pixels: Vec<u8> = drawn
            .pixels()
            .flat_map(|p| [p.0[0], p.0[1], p.0[2], 255])
            .collect();
        let overlay = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
            wasm_bindgen::Clamped(&pixels),
            width,
            height,
        )?;
        let object: JsValue = js_sys::Object::new().into();
        set(&object, "analysis", &to_js(&analysis)?)?;
        set(&object, "overlay", &overlay)?;
        Ok(object)
    }
}

/// The same entry points for an `ImageData` (what a canvas's `getImageData` or a decoded
/// `ImageBitmap` drawn on an `OffscreenCanvas` gives), so a page need not unpack it; they copy its
/// pixels once and call the `…Rgba` method.
#[wasm_bindgen(js_class = Analyzer)]
impl JsAnalyzer {
    /// `analyzeRgba` for an `ImageData`.
    #[wasm_bindgen(js_name = analyzeImageData, unchecked_return_type = "Analysis")]
    pub fn analyze_image_data(
        &self,
        image: &web_sys::ImageData,
        live: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        self.analyze_rgba(&image.data(), image.width(), image.height(), live)
    }

    /// `checkRgba` for an `ImageData`.
    #[wasm_bindgen(js_name = checkImageData, unchecked_return_type = "Report")]
    pub fn check_image_data(
        &self,
        image: &web_sys::ImageData,
        #[wasm_bindgen(unchecked_param_type = "PresetId")] preset_id: &str,
    ) -> Result<JsValue, JsValue> {
        self.check_rgba(&image.data(), image.width(), image.height(), preset_id)
    }

    /// `standardizeRgba` for an `ImageData`.
    #[wasm_bindgen(js_name = standardizeImageData, unchecked_return_type = "StandardizedPhoto")]
    pub fn standardize_image_data(
        &self,
        image: &web_sys::ImageData,
        #[wasm_bindgen(unchecked_param_type = "PresetId")] preset_id: &str,
        background: Option<String>,
        preview: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        let (w, h) = (image.width(), image.height());
        self.standardize_rgba(&image.data(), w, h, preset_id, background, preview)
    }

    /// `checkAndStandardizeRgba` for an `ImageData`.
    #[wasm_bindgen(
        js_name = checkAndStandardizeImageData,
        unchecked_return_type = "CheckedAndStandardized"
    )]
    pub fn check_and_standardize_image_data(
        &self,
        image: &web_sys::ImageData,
        #[wasm_bindgen(unchecked_param_type = "PresetId")] preset_id: &str,
        background: Option<String>,
        #[wasm_bindgen(unchecked_param_type = "CameraFacing | null | undefined")] facing: Option<
            String,
        >,
    ) -> Result<JsValue, JsValue> {
        let (w, h) = (image.width(), image.height());
        self.check_and_standardize_rgba(&image.data(), w, h, preset_id, background, facing)
    }

    /// `guide` for an `ImageData`.
    #[wasm_bindgen(js_name = guideImageData, unchecked_return_type = "Guide")]
    pub fn guide_image_data(
        &self,
        image: &web_sys::ImageData,
        #[wasm_bindgen(unchecked_param_type = "PresetId")] preset_id: &str,
        #[wasm_bindgen(unchecked_param_type = "CameraFacing | null | undefined")] facing: Option<
            String,
        >,
    ) -> Result<JsValue, JsValue> {
        self.guide(
            &image.data(),
            image.width(),
            image.height(),
            preset_id,
            facing,
        )
    }

    /// `overlayRgba` for an `ImageData`.
    #[wasm_bindgen(js_name = overlayImageData, unchecked_return_type = "Overlay")]
    pub fn overlay_image_data(
        &self,
        image: &web_sys::ImageData,
        live: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        self.overlay_rgba(&image.data(), image.width(), image.height(), live)
    }
}

/// A photo on its way through the pipeline, from `Analyzer.startJob`.
#[wasm_bindgen(js_name = PhotoJob)]
pub struct JsPhotoJob {
    /// `None` once finished.
    inner: Option<crate::job::Job>,
}

#[wasm_bindgen(js_class = PhotoJob)]
impl JsPhotoJob {
    /// The stage the next `step` runs: `"analyse"`, `"check"`, `"standardise"` or `"done"`.
    #[wasm_bindgen(unchecked_return_type = "PipelineStage")]
    pub fn next(&self) -> String {
        self.inner
            .as_ref()
            .map_or(crate::job::PipelineStage::Done, |j| j.next())
            .as_str()
            .into()
    }

    /// Run the next stage; the stage after it (`"done"` once finished).
    #[wasm_bindgen(unchecked_return_type = "PipelineStage")]
    pub fn step(&mut self, analyzer: &JsAnalyzer) -> Result<String, JsValue> {
        let stage = match self.inner.as_mut() {
            Some(job) => job.step(&analyzer.inner).map_err(err)?,
            None => crate::job::PipelineStage::Done,
        };
        Ok(stage.as_str().into())
    }

    /// The report and the standardised photo (or why there is none), as `checkAndStandardize`
    /// returns them; once, after the last stage.
    #[wasm_bindgen(unchecked_return_type = "CheckedAndStandardized")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        outcome_to_js(&self.take()?.finish().map_err(err)?)
    }
}

impl JsPhotoJob {
    /// The job, once: asking for the outcome a second time is the caller's mistake.
    fn take(&mut self) -> Result<crate::job::Job, JsValue> {
        self.inner.take().ok_or_else(|| {
            err(crate::Error::JobUnfinished {
                next: crate::job::PipelineStage::Done.as_str(),
            })
        })
    }

    /// Every remaining stage, then `finish`.
    fn run(&mut self, analyzer: &JsAnalyzer) -> Result<JsValue, JsValue> {
        outcome_to_js(&self.take()?.run(&analyzer.inner).map_err(err)?)
    }
}

/// `{ report, summary, standardized | null, standardizeError | null }`.
fn outcome_to_js(outcome: &crate::job::Outcome) -> Result<JsValue, JsValue> {
    let object: JsValue = js_sys::Object::new().into();
    set(&object, "report", &to_js(&outcome.report)?)?;
    set(
        &object,
        "summary",
        &to_js(&crate::flow::CheckSummary::from_report(&outcome.report))?,
    )?;
    match &outcome.standardized {
        Ok(done) => {
            set(&object, "standardized", &standardized_to_js(done)?)?;
            set(&object, "standardizeError", &JsValue::NULL)?;
        }
        Err(e) => {
            set(&object, "standardized", &JsValue::NULL)?;
            set(&object, "standardizeError", &to_js(&e.info())?)?;
        }
    }
    Ok(object)
}

/// Benchmark every stage on a JPEG inside this WASM instance (`performance.now()` as the clock):
/// one warm-up, then the median of `runs`. Used by `www/bench.html`.
// One positional argument per model file, as `new Analyzer` takes them: a JS options object
// would need its own declaration and conversion for a benchmark entry point.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = benchStages, unchecked_return_type = "StageTimings")]
pub fn bench_stages(
    jpeg: &[u8],
    detector: Vec<u8>,
    landmarks: Vec<u8>,
    segmenter: Vec<u8>,
    detector_full_range: Option<Vec<u8>>,
    iris: Option<Vec<u8>>,
    expression: Option<Vec<u8>>,
    runs: usize,
) -> Result<JsValue, JsValue> {
    // `performance` of a window or a worker alike (web-sys reaches it only through one of them).
    let performance: web_sys::Performance =
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))?.dyn_into()?;
    let now = || performance.now();
    let models = crate::ModelBytes {
        detector,
        landmarks,
        segmenter,
        detector_full_range,
        iris,
        expression,
    };
    to_js(&crate::bench::measure(&models, jpeg, runs, &now).map_err(err)?)
}
