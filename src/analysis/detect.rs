//! BlazeFace (MediaPipe face detection): anchors, box decoding and weighted non-maximum
//! suppression. The network predicts offsets from fixed anchor centres; the facts (strides,
//! anchors per cell, offsets in input pixels) are in `models/PROVENANCE.md`.

use serde::Serialize;

use super::preprocess::InputTransform;
use super::{BoxF, Point};

/// One of MediaPipe's two detector variants.
#[derive(Debug, Clone, Copy)]
pub struct DetectorSpec {
    pub input_size: u32,
    /// (stride, anchors per cell) per feature-map layer.
    pub layers: &'static [(u32, u32)],
}

/// Short range: faces within about 2 m, 128×128 input, 896 anchors.
pub const SHORT_RANGE: DetectorSpec = DetectorSpec {
    input_size: 128,
    layers: &[(8, 2), (16, 6)],
};
/// Full range: small or distant faces, 192×192 input, 2304 anchors.
pub const FULL_RANGE: DetectorSpec = DetectorSpec {
    input_size: 192,
    layers: &[(4, 1)],
};

/// Minimum face score to keep, and the overlap above which detections merge (MediaPipe's values).
const MIN_SCORE: f32 = 0.5;
const MERGE_IOU: f32 = 0.3;

/// A detected face in image pixels.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Detection {
    pub score: f32,
    pub bbox: BoxF,
    /// Right eye, left eye, nose tip, mouth centre, right ear tragion, left ear tragion (the
    /// subject's right is on the image's left).
    pub keypoints: [Point; 6],
}

impl DetectorSpec {
    /// Anchor centres in input pixels, in the network's output order.
    fn anchors(&self) -> Vec<(f32, f32)> {
        let mut out = Vec::new();
        for &(stride, per_cell) in self.layers {
            let cells = self.input_size / stride;
            for y in 0..cells {
                for x in 0..cells {
                    for _ in 0..per_cell {
                        out.push((
                            (x as f32 + 0.5) * stride as f32,
                            (y as f32 + 0.5) * stride as f32,
                        ));
                    }
                }
            }
        }
        out
    }

    /// Decode raw outputs (`regressors` [n, 16], `classificators` [n]) into detections in image
    /// pixels, merged by weighted NMS, best first.
    pub fn decode(
        &self,
        regressors: &[f32],
        scores: &[f32],
        transform: &InputTransform,
    ) -> Vec<Detection> {
        let anchors = self.anchors();
        let mut candidates = Vec::new();
        for (i, &(ax, ay)) in anchors.iter().enumerate() {
            let (Some(raw), Some(&logit)) = (regressors.get(i * 16..i * 16 + 16), scores.get(i))
            else {
                break;
            };
            let score = sigmoid(logit.clamp(-100.0, 100.0));
            if score < MIN_SCORE {
                continue;
            }
            let (cx, cy, w, h) = (ax + raw[0], ay + raw[1], raw[2], raw[3]);
            let corner_a = transform.to_image(cx - w / 2.0, cy - h / 2.0);
            let corner_b = transform.to_image(cx + w / 2.0, cy + h / 2.0);
            let keypoints = std::array::from_fn(|k| {
                transform.to_image(ax + raw[4 + 2 * k], ay + raw[5 + 2 * k])
            });
            candidates.push(Detection {
                score,
                bbox: BoxF {
                    x: corner_a.x,
                    y: corner_a.y,
                    width: corner_b.x - corner_a.x,
                    height: corner_b.y - corner_a.y,
                },
                keypoints,
            });
        }
        weighted_nms(candidates)
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// MediaPipe's "weighted" suppression: overlapping candidates are averaged by score rather than
/// discarded, which steadies the box and keypoints.
fn weighted_nms(mut candidates: Vec<Detection>) -> Vec<Detection> {
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut out = Vec::new();
    while let Some(best) = candidates.first().cloned() {
        let (group, rest): (Vec<_>, Vec<_>) = candidates
            .into_iter()
            .partition(|c| iou(&best.bbox, &c.bbox) > MERGE_IOU);
        candidates = rest;
        let total: f32 = group.iter().map(|d| d.score).sum();
        let avg = |f: &dyn Fn(&Detection) -> f32| {
            group.iter().map(|d| f(d) * d.score).sum::<f32>() / total
        };
        out.push(Detection {
            score: best.score,
            bbox: BoxF {
                x: avg(&|d| d.bbox.x),
                y: avg(&|d| d.bbox.y),
                width: avg(&|d| d.bbox.width),
                height: avg(&|d| d.bbox.height),
            },
            keypoints: std::array::from_fn(|k| Point {
                x: avg(&|d| d.keypoints[k].x),
                y: avg(&|d| d.keypoints[k].y),
            }),
        });
    }
    out
}

fn iou(a: &BoxF, b: &BoxF) -> f32 {
    let w = (a.x + a.width).min(b.x + b.width) - a.x.max(b.x);
    let h = (a.y + a.height).min(b.y + b.height) - a.y.max(b.y);
    if w <= 0.0 || h <= 0.0 {
        return 0.0;
    }
    let inter = w * h;
    inter / (a.width * a.height + b.width * b.height - inter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_counts_match_the_models() {
        assert_eq!(SHORT_RANGE.anchors().len(), 896);
        assert_eq!(FULL_RANGE.anchors().len(), 2304);
    }

    #[test]
    fn overlapping_detections_merge() {
        let d = |x: f32, score: f32| Detection {
            score,
            bbox: BoxF {
                x,
                y: 0.0,
                width: 10.0,
                height: 10.0,
            },
            keypoints: [Point { x, y: 0.0 }; 6],
        };
        let merged = weighted_nms(vec![d(0.0, 0.9), d(1.0, 0.6), d(50.0, 0.7)]);
        assert_eq!(merged.len(), 2);
        assert!(merged[0].bbox.x > 0.0 && merged[0].bbox.x < 1.0);
        assert_eq!(merged[1].bbox.x, 50.0);
    }
}
