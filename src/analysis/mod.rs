//! Face analysis: where the face is, its 468-point mesh, head pose, and the person mask.
//!
//! Stages, each its own module:
//! - `preprocess`: photo → normalised model inputs (letterbox, stretch, rotated crop).
//! - `detect`: BlazeFace anchors, decoding and weighted NMS (short range; full range only when
//!   short range finds nothing).
//! - `landmarks`: the face mesh on an eye-levelled crop, refined by a second, mesh-centred pass.
//! - `segment`: the selfie person mask.
//! - `pose`: yaw / pitch / roll by fitting a canonical 3-D face to the mesh.
//! - `geometry`: eye centres, face width, chin, mouth and eye opening, crown.
//! - `eyes`: the eyelids from the iris model, which follows closing lids where the mesh does not.
//! - `expression`: the seven-way expression classifier (`fer`'s model) on fer's own face crop.
//! - `regions`: background / face / hair / neck / clothing labels.
//! - `runtime`: the inference runtime behind one small trait.
//! - `mesh`: named mesh indices.

pub mod detect;
pub mod expression;
pub mod eyes;
pub mod geometry;
pub mod landmarks;
pub mod mesh;
pub mod pose;
pub mod preprocess;
pub mod regions;
pub mod runtime;
pub mod segment;
pub mod track;

use image::RgbImage;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::resample::average_within;
pub use detect::Detection;
pub use expression::Expression;
pub use geometry::FaceGeometry;
pub use pose::HeadPose;
use runtime::{Network, RtenNetwork};
pub use segment::PersonMask;

/// A point in image pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

impl Point {
    pub fn dist(self, o: Point) -> f32 {
        (self.x - o.x).hypot(self.y - o.y)
    }

    pub fn unit(self) -> Point {
        let n = self.x.hypot(self.y).max(1e-6);
        Point {
            x: self.x / n,
            y: self.y / n,
        }
    }

    fn scaled(self, k: f32) -> Point {
        Point {
            x: self.x * k,
            y: self.y * k,
        }
    }
}

/// An axis-aligned box in image pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct BoxF {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl BoxF {
    pub fn contains(&self, p: Point) -> bool {
        p.x >= self.x && p.y >= self.y && p.x <= self.x + self.width && p.y <= self.y + self.height
    }
}

/// The model files, as bytes (the browser fetches them; native code may embed or read them).
pub struct ModelBytes {
    pub detector: Vec<u8>,
    pub landmarks: Vec<u8>,
    pub segmenter: Vec<u8>,
    /// Used only when the short-range detector finds no face, so it may come later: without it,
    /// a photo with no face at close range is [`Error::FullRangeNeeded`](crate::Error) (load it
    /// with [`Analyzer::load_full_range`] and analyse again) and a live frame has no face.
    pub detector_full_range: Option<Vec<u8>>,
    /// MediaPipe's iris model, for the eyelids (`eyes.open`). It may come later too: without it
    /// a photo's eyelids are not measured (`eyes.open` says `not_evaluated`); load it with
    /// [`Analyzer::load_iris`]. Live frames never use it.
    pub iris: Option<Vec<u8>>,
    /// The expression classifier (`expression.neutral`), loaded like the iris model: without it
    /// the expression is read from the mouth corners alone. Live frames never use it.
    pub expression: Option<Vec<u8>>,
}

#[cfg(feature = "embed-models")]
impl ModelBytes {
    /// The models in `models/`, compiled into the binary (CLI and benchmarks).
    pub fn embedded() -> ModelBytes {
        ModelBytes {
            detector: include_bytes!("../../models/face_detection_short_range_w16.onnx").to_vec(),
            landmarks: include_bytes!("../../models/face_landmark_w16.onnx").to_vec(),
            segmenter: include_bytes!("../../models/selfie_segmentation_fixed_w16.onnx").to_vec(),
            detector_full_range: Some(
                include_bytes!("../../models/face_detection_full_range_w16.onnx").to_vec(),
            ),
            iris: Some(include_bytes!("../../models/iris_landmark_w16.onnx").to_vec()),
            expression: Some(include_bytes!("../../models/expression_fer.onnx").to_vec()),
        }
    }
}

/// One face: detection, mesh and what is measured from them, all in source-image pixels.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Face {
    pub score: f32,
    pub bbox: BoxF,
    /// Right eye, left eye, nose tip, mouth centre, right ear, left ear.
    pub keypoints: [Point; 6],
    /// 468 × (x, y, z); z in the same pixel scale, smaller is nearer the camera.
    pub landmarks: Vec<[f32; 3]>,
    /// The mesh model's confidence that its crop holds a face.
    pub landmark_score: f32,
    pub geometry: FaceGeometry,
}

/// Everything the checks and standardisation need to know about a photo.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Analysis {
    pub image_width: u32,
    pub image_height: u32,
    /// Best first.
    pub faces: Vec<Face>,
    /// Which detector found the faces: `"short_range"`, `"full_range"` or `"none"`.
    pub detector: &'static str,
    /// The person mask; `None` in [`Mode::Live`].
    pub mask: Option<PersonMask>,
}

impl Analysis {
    /// Whether this analysis can describe `image`: the same size, full meshes, a mask of the
    /// size it says. [`crate::check`] and standardisation call it first, so an analysis built by
    /// hand or kept from another photo is a typed error instead of an out-of-range index.
    pub fn validate_for(&self, image: &RgbImage) -> Result<()> {
        let bad = |detail: String| Err(Error::AnalysisMismatch { detail });
        if (self.image_width, self.image_height) != image.dimensions() {
            return bad(format!(
                "made for {}×{}, the photo is {}×{}",
                self.image_width,
                self.image_height,
                image.width(),
                image.height()
            ));
        }
        if let Some(face) = self.faces.iter().find(|f| f.landmarks.len() < 468) {
            return bad(format!(
                "a face has {} landmarks, not 468",
                face.landmarks.len()
            ));
        }
        if let Some(mask) = &self.mask {
            if mask.alpha.len() != (mask.width as usize) * (mask.height as usize)
                || (mask.image_width, mask.image_height) != image.dimensions()
            {
                return bad("the person mask does not fit".into());
            }
        }
        Ok(())
    }
}

/// How much work `analyze` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Everything: both mesh passes and the person mask (crown, regions). For checks and output.
    #[default]
    Full,
    /// The live camera guide: detection and one mesh pass, no person mask (so no crown). About a
    /// third of the full cost; enough for "closer / further / level your head".
    Live,
}

/// Face-presence score below which a tracked face counts as lost.
pub const TRACK_MIN_PRESENCE: f32 = 0.5;

/// A face in image pixels from a mesh and its box and keypoints in working-copy pixels (`k`
/// image pixels per working pixel). `None` for an incomplete mesh.
fn face_from(
    score: f32,
    bbox: BoxF,
    keypoints: [Point; 6],
    mesh: &landmarks::Mesh,
    k: f32,
    mask: Option<&PersonMask>,
) -> Option<Face> {
    let landmarks: Vec<[f32; 3]> = mesh
        .points
        .iter()
        .map(|p| [p[0] * k, p[1] * k, p[2] * k])
        .collect();
    if landmarks.len() < 468 {
        return None;
    }
    let geometry = geometry::measure(&landmarks, mask);
    Some(Face {
        score,
        bbox: BoxF {
            x: bbox.x * k,
            y: bbox.y * k,
            width: bbox.width * k,
            height: bbox.height * k,
        },
        keypoints: keypoints.map(|p| p.scaled(k)),
        landmarks,
        landmark_score: mesh.presence,
        geometry,
    })
}

fn load_iris(bytes: Vec<u8>) -> Result<RtenNetwork> {
    RtenNetwork::load(
        "iris_landmark",
        bytes,
        &["output_eyes_contours_and_brows", "output_iris"],
    )
}

fn load_expression(bytes: Vec<u8>) -> Result<RtenNetwork> {
    RtenNetwork::load("expression", bytes, &["Identity"])
}

fn load_full_range(bytes: Vec<u8>) -> Result<RtenNetwork> {
    RtenNetwork::load(
        "face_detection_full_range",
        bytes,
        &["reshaped_regressor_face_4", "reshaped_classifier_face_4"],
    )
}

fn load_landmarks(bytes: Vec<u8>) -> Result<RtenNetwork> {
    RtenNetwork::load("face_landmark", bytes, &["conv2d_21", "conv2d_31"])
}

fn load_segmenter(bytes: Vec<u8>) -> Result<RtenNetwork> {
    RtenNetwork::load("selfie_segmentation", bytes, &["activation_10"])
}

/// The models, loaded once; `analyze` may be called any number of times.
///
/// A page on a slow link may start with the detector alone ([`Analyzer::detector_only`]): the
/// live guide then frames the face from the detector's keypoints
/// ([`crate::guide::guide_detected`]) while the face mesh and the person mask, five times its
/// size, are still on their way; until they are loaded, a photo's analysis is
/// [`Error::ModelsNotLoaded`](crate::Error).
pub struct Analyzer {
    detector: RtenNetwork,
    detector_full_range: Option<RtenNetwork>,
    landmarks: Option<RtenNetwork>,
    segmenter: Option<RtenNetwork>,
    iris: Option<RtenNetwork>,
    expression: Option<RtenNetwork>,
}

/// Analysis runs on a copy no larger than this on its long side: the models' inputs are 128–256
/// px, and 1280 px keeps the face crop for the mesh sharp for any framing we accept.
const WORK_MAX_SIDE: u32 = 1280;
/// Faces beyond this many (best first) are not meshed: a group photo fails anyway.
const MAX_FACES: usize = 4;

impl Analyzer {
    pub fn new(models: ModelBytes) -> Result<Analyzer> {
        let mut analyzer = Analyzer::detector_only(models.detector)?;
        analyzer.load_mesh(models.landmarks, models.segmenter)?;
        analyzer.detector_full_range = models
            .detector_full_range
            .map(load_full_range)
            .transpose()?;
        analyzer.iris = models.iris.map(load_iris).transpose()?;
        analyzer.expression = models.expression.map(load_expression).transpose()?;
        Ok(analyzer)
    }

    /// The short-range detector alone: enough for [`Analyzer::detect`] and the live guide's
    /// first frames. Load the face mesh and the person mask with [`Analyzer::load_mesh`] before
    /// analysing a photo.
    pub fn detector_only(detector: Vec<u8>) -> Result<Analyzer> {
        Ok(Analyzer {
            detector: RtenNetwork::load(
                "face_detection_short_range",
                detector,
                &["regressors", "classificators"],
            )?,
            detector_full_range: None,
            landmarks: None,
            segmenter: None,
            iris: None,
            expression: None,
        })
    }

    /// Load the face mesh and the person segmentation after the detector (see
    /// [`Analyzer::detector_only`]).
    pub fn load_mesh(&mut self, landmarks: Vec<u8>, segmenter: Vec<u8>) -> Result<()> {
        let (landmarks, segmenter) = (load_landmarks(landmarks)?, load_segmenter(segmenter)?);
        self.landmarks = Some(landmarks);
        self.segmenter = Some(segmenter);
        Ok(())
    }

    /// Whether the face mesh and the person segmentation are loaded.
    pub fn has_mesh(&self) -> bool {
        self.landmarks.is_some() && self.segmenter.is_some()
    }

    fn landmark_net(&self) -> Result<&RtenNetwork> {
        self.landmarks.as_ref().ok_or(Error::ModelsNotLoaded)
    }

    /// Load the full-range detector after the others (see [`ModelBytes::detector_full_range`]).
    pub fn load_full_range(&mut self, bytes: Vec<u8>) -> Result<()> {
        self.detector_full_range = Some(load_full_range(bytes)?);
        Ok(())
    }

    /// Load the iris model after the others (see [`ModelBytes::iris`]).
    pub fn load_iris(&mut self, bytes: Vec<u8>) -> Result<()> {
        self.iris = Some(load_iris(bytes)?);
        Ok(())
    }

    /// Load the expression classifier after the others (see [`ModelBytes::expression`]).
    pub fn load_expression(&mut self, bytes: Vec<u8>) -> Result<()> {
        self.expression = Some(load_expression(bytes)?);
        Ok(())
    }

    /// Whether the expression classifier is loaded.
    pub fn has_expression(&self) -> bool {
        self.expression.is_some()
    }

    /// Whether the iris model (the eyelids) is loaded.
    pub fn has_iris(&self) -> bool {
        self.iris.is_some()
    }

    /// Whether the full-range detector is loaded.
    pub fn has_full_range(&self) -> bool {
        self.detector_full_range.is_some()
    }

    /// A copy of the photo small enough for the models (each pixel the average of those it
    /// covers), and the factor back to the original.
    pub fn working_copy(image: &RgbImage) -> Result<(std::borrow::Cow<'_, RgbImage>, f32)> {
        average_within(image, WORK_MAX_SIDE)
    }

    /// Faces in `work` (working-copy pixels), short range first, full range as the fallback;
    /// [`Error::FullRangeNeeded`](crate::Error) where the fallback is needed and not loaded.
    pub fn detect(&self, work: &RgbImage) -> Result<(Vec<Detection>, &'static str)> {
        let run = |net: &RtenNetwork, spec: &detect::DetectorSpec| -> Result<Vec<Detection>> {
            let (input, transform) =
                preprocess::letterbox(work, spec.input_size, preprocess::SIGNED)?;
            let size = spec.input_size as usize;
            let out = net.run(input, size, size)?;
            Ok(spec.decode(&out[0], &out[1], &transform))
        };
        let found = run(&self.detector, &detect::SHORT_RANGE)?;
        if !found.is_empty() {
            return Ok((found, "short_range"));
        }
        let full = self
            .detector_full_range
            .as_ref()
            .ok_or(crate::Error::FullRangeNeeded)?;
        let found = run(full, &detect::FULL_RANGE)?;
        if !found.is_empty() {
            return Ok((found, "full_range"));
        }
        Ok((Vec::new(), "none"))
    }

    /// The faces a live frame's detector finds, in image pixels, best first (none where only the
    /// full-range detector could tell): what the guide works from before the mesh is loaded.
    pub fn detect_live(&self, image: &RgbImage) -> Result<Vec<Detection>> {
        let (work, k) = Analyzer::working_copy(image)?;
        let found = match self.detect(&work) {
            Err(Error::FullRangeNeeded) => Vec::new(),
            found => found?.0,
        };
        Ok(found
            .into_iter()
            .map(|d| Detection {
                score: d.score,
                bbox: BoxF {
                    x: d.bbox.x * k,
                    y: d.bbox.y * k,
                    width: d.bbox.width * k,
                    height: d.bbox.height * k,
                },
                keypoints: d.keypoints.map(|p| p.scaled(k)),
            })
            .collect())
    }

    /// The mesh for one detection, in `work` pixels: a detection-based pass, then (in full mode)
    /// a mesh-based one.
    pub fn mesh(
        &self,
        work: &RgbImage,
        detection: &Detection,
        mode: Mode,
    ) -> Result<landmarks::Mesh> {
        let net = self.landmark_net()?;
        let first = landmarks::run(net, work, &landmarks::Roi::from_detection(detection))?;
        if first.points.len() < 468 || mode == Mode::Live {
            return Ok(first);
        }
        landmarks::run(net, work, &landmarks::Roi::from_mesh(&first.points))
    }

    /// The person mask over the whole photo.
    pub fn segment(
        &self,
        work: &RgbImage,
        image_width: u32,
        image_height: u32,
    ) -> Result<PersonMask> {
        let net = self.segmenter.as_ref().ok_or(Error::ModelsNotLoaded)?;
        segment::run(net, work, image_width, image_height)
    }

    /// Live analysis that follows a face from the previous frame: one mesh pass on the region
    /// the previous mesh gives, no detection (MediaPipe's face-mesh graph tracks the same way).
    /// `None` when the face is lost (the mesh's face-presence score drops below
    /// [`TRACK_MIN_PRESENCE`]), so the caller detects again.
    pub fn analyze_tracked(&self, image: &RgbImage, previous: &Face) -> Result<Option<Analysis>> {
        if previous.landmarks.len() < 468 {
            return Ok(None);
        }
        let (work, k) = Analyzer::working_copy(image)?;
        let in_work: Vec<[f32; 3]> = previous
            .landmarks
            .iter()
            .map(|p| [p[0] / k, p[1] / k, p[2] / k])
            .collect();
        let mesh = landmarks::run(
            self.landmark_net()?,
            &work,
            &landmarks::Roi::from_mesh(&in_work),
        )?;
        if mesh.presence < TRACK_MIN_PRESENCE || mesh.points.len() < 468 {
            return Ok(None);
        }
        let p = |i: usize| Point {
            x: mesh.points[i][0],
            y: mesh.points[i][1],
        };
        let centre = |idx: &[usize]| {
            let n = idx.len() as f32;
            let (x, y) = idx
                .iter()
                .fold((0.0, 0.0), |(x, y), &i| (x + p(i).x, y + p(i).y));
            Point { x: x / n, y: y / n }
        };
        let mouth = Point {
            x: (p(mesh::LIP_INNER_UPPER).x + p(mesh::LIP_INNER_LOWER).x) / 2.0,
            y: (p(mesh::LIP_INNER_UPPER).y + p(mesh::LIP_INNER_LOWER).y) / 2.0,
        };
        let keypoints = [
            centre(&mesh::RIGHT_EYE_CONTOUR),
            centre(&mesh::LEFT_EYE_CONTOUR),
            p(mesh::NOSE_TIP),
            mouth,
            p(mesh::CHEEK_RIGHT),
            p(mesh::CHEEK_LEFT),
        ];
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for q in &mesh.points {
            (x0, y0, x1, y1) = (x0.min(q[0]), y0.min(q[1]), x1.max(q[0]), y1.max(q[1]));
        }
        let bbox = BoxF {
            x: x0,
            y: y0,
            width: x1 - x0,
            height: y1 - y0,
        };
        let faces: Vec<Face> = face_from(mesh.presence, bbox, keypoints, &mesh, k, None)
            .into_iter()
            .collect();
        Ok(Some(Analysis {
            image_width: image.width(),
            image_height: image.height(),
            faces,
            detector: "tracked",
            mask: None,
        }))
    }

    /// The whole analysis of an upright photo.
    pub fn analyze(&self, image: &RgbImage) -> Result<Analysis> {
        self.analyze_with(image, Mode::Full)
    }

    /// The analysis with a chosen amount of work (see [`Mode`]).
    pub fn analyze_with(&self, image: &RgbImage, mode: Mode) -> Result<Analysis> {
        let (work, k) = Analyzer::working_copy(image)?;
        let (detections, detector) = match (self.detect(&work), mode) {
            // A live frame without the fallback: no face, and the frame after is another chance.
            (Err(crate::Error::FullRangeNeeded), Mode::Live) => (Vec::new(), "none"),
            (found, _) => found?,
        };
        let mask = match mode {
            Mode::Full => Some(self.segment(&work, image.width(), image.height())?),
            Mode::Live => None,
        };
        let mut faces = Vec::new();
        for d in detections.iter().take(MAX_FACES) {
            let mesh = self.mesh(&work, d, mode)?;
            let lids = match (&self.iris, mode) {
                (Some(net), Mode::Full) if mesh.points.len() >= 468 => {
                    Some(eyes::narrower_lid_gap(net, &work, &mesh.points)?)
                }
                _ => None,
            };
            let expression = match (&self.expression, mode) {
                (Some(net), Mode::Full) => Some(expression::classify(net, &work, &d.bbox)?),
                _ => None,
            };
            faces.extend(
                face_from(d.score, d.bbox, d.keypoints, &mesh, k, mask.as_ref()).map(|mut f| {
                    f.geometry.eyelid_gap = lids;
                    f.geometry.expression = expression;
                    f
                }),
            );
        }
        Ok(Analysis {
            image_width: image.width(),
            image_height: image.height(),
            faces,
            detector,
            mask,
        })
    }
}
