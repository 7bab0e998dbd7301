//! The 468-point face mesh. As MediaPipe does, the model sees a square crop around the face,
//! rotated so the eyes are level; a second pass re-centres the crop on the first pass's mesh,
//! which is what MediaPipe's tracking does between video frames.

use image::RgbImage;

use super::detect::Detection;
use super::mesh;
use super::preprocess::{rotated_crop, UNIT};
use super::runtime::Network;
use super::Point;
use crate::error::Result;

pub const INPUT_SIZE: u32 = 192;
/// The crop is this many times the face's size (MediaPipe's ROI scale).
const ROI_SCALE: f32 = 1.5;

/// Where to crop for the landmark model.
#[derive(Debug, Clone, Copy)]
pub struct Roi {
    pub centre: Point,
    pub side: f32,
    /// Radians, clockwise in image coordinates: the direction from the right eye to the left.
    pub angle: f32,
}

impl Roi {
    pub fn from_detection(d: &Detection) -> Roi {
        let (r, l) = (d.keypoints[0], d.keypoints[1]);
        Roi {
            centre: Point {
                x: d.bbox.x + d.bbox.width / 2.0,
                y: d.bbox.y + d.bbox.height / 2.0,
            },
            side: d.bbox.width.max(d.bbox.height) * ROI_SCALE,
            angle: (l.y - r.y).atan2(l.x - r.x),
        }
    }

    /// The ROI around a mesh: its bounding box in the eye-aligned frame, scaled like MediaPipe.
    pub fn from_mesh(points: &[[f32; 3]]) -> Roi {
        let p = |i: usize| Point {
            x: points[i][0],
            y: points[i][1],
        };
        let (r, l) = (p(mesh::RIGHT_EYE_OUTER), p(mesh::LEFT_EYE_OUTER));
        let angle = (l.y - r.y).atan2(l.x - r.x);
        let (cos, sin) = (angle.cos(), angle.sin());
        let (mut u0, mut u1, mut v0, mut v1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for q in points {
            let (u, v) = (q[0] * cos + q[1] * sin, -q[0] * sin + q[1] * cos);
            (u0, u1, v0, v1) = (u0.min(u), u1.max(u), v0.min(v), v1.max(v));
        }
        let (cu, cv) = ((u0 + u1) / 2.0, (v0 + v1) / 2.0);
        Roi {
            centre: Point {
                x: cu * cos - cv * sin,
                y: cu * sin + cv * cos,
            },
            side: (u1 - u0).max(v1 - v0) * ROI_SCALE,
            angle,
        }
    }
}

/// The mesh in image pixels (x, y, and z in the same pixel scale; smaller z is nearer the
/// camera) and the model's face-presence probability.
pub struct Mesh {
    pub points: Vec<[f32; 3]>,
    pub presence: f32,
}

pub fn run(net: &dyn Network, img: &RgbImage, roi: &Roi) -> Result<Mesh> {
    let (input, transform) = rotated_crop(img, roi.centre, roi.side, roi.angle, INPUT_SIZE, UNIT)?;
    let outputs = net.run(input, INPUT_SIZE as usize, INPUT_SIZE as usize)?;
    let (raw, presence) = (
        super::runtime::output(&outputs, 0, 468 * 3, "landmarks")?,
        outputs
            .get(1)
            .and_then(|v| v.first())
            .copied()
            .unwrap_or(0.0),
    );
    let scale = transform.scale();
    let points = raw
        .chunks_exact(3)
        .take(468)
        .map(|q| {
            let p = transform.to_image(q[0], q[1]);
            [p.x, p.y, q[2] * scale]
        })
        .collect::<Vec<_>>();
    Ok(Mesh {
        points,
        presence: 1.0 / (1.0 + (-presence).exp()),
    })
}
