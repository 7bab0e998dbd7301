//! Following one face across camera frames for the live guide. After a frame with exactly one
//! face, the next frames skip detection and run one mesh pass where the previous mesh was (see
//! [`Analyzer::analyze_tracked`]); detection runs again when the face is lost, when the frame
//! size changes, and every [`REDETECT_EVERY`] frames so a second person stepping in is noticed.

use image::RgbImage;

use super::{Analysis, Analyzer, Face, Mode};
use crate::error::Result;

/// Frames between detections while a face is tracked.
pub const REDETECT_EVERY: u32 = 8;

/// What the live guide remembers between frames: the last face and the frame it came from.
#[derive(Debug, Clone, Default)]
pub struct Tracker {
    last: Option<(Face, (u32, u32))>,
    since_detection: u32,
}

impl Tracker {
    pub fn new() -> Tracker {
        Tracker::default()
    }

    /// Forget the face (a new camera, a new person).
    pub fn reset(&mut self) {
        *self = Tracker::default();
    }

    /// The live analysis of the next frame: tracked when possible, detected otherwise.
    pub fn analyze(&mut self, analyzer: &Analyzer, image: &RgbImage) -> Result<Analysis> {
        let size = image.dimensions();
        let tracked = match &self.last {
            Some((face, dims)) if *dims == size && self.since_detection < REDETECT_EVERY => {
                analyzer.analyze_tracked(image, face)?
            }
            _ => None,
        };
        let analysis = match tracked {
            Some(a) => {
                self.since_detection += 1;
                a
            }
            None => {
                self.since_detection = 0;
                analyzer.analyze_with(image, Mode::Live)?
            }
        };
        self.last = match analysis.faces.as_slice() {
            [face] => Some((face.clone(), size)),
            _ => None,
        };
        Ok(analysis)
    }
}
