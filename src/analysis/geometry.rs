//! Measurements derived from the mesh and the person mask, in image pixels: what the compliance
//! checks and the crop are computed from.

use serde::Serialize;

use super::expression::Expression;
use super::mesh;
use super::pose::{self, HeadPose};
use super::segment::PersonMask;
use super::Point;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct FaceGeometry {
    /// Centre of each eye's contour (subject's right eye is on the image's left).
    pub eye_right: Point,
    pub eye_left: Point,
    pub eye_mid: Point,
    pub inter_eye_px: f32,
    /// Angle of the line from the right eye to the left eye, degrees, positive when the left eye
    /// (image right) is lower.
    pub eye_line_deg: f32,
    pub cheek_right: Point,
    pub cheek_left: Point,
    /// Cheek to cheek (mesh points 234 and 454).
    pub face_width_px: f32,
    pub chin: Point,
    /// Inner-lip gap ÷ mouth width: about 0 closed, > 0.08 lips apart (teeth likely visible).
    pub mouth_open_ratio: f32,
    /// Lid gap ÷ eye width per eye: ≈ 0.25–0.35 open, < 0.1 closed.
    pub eye_open_right: f32,
    pub eye_open_left: f32,
    /// Lid gap ÷ eye width of the narrower-open eye from the iris model's eye contour (which
    /// follows closing lids, where the mesh does not): `None` without that model (a live frame,
    /// or an analyzer that has not loaded it).
    pub eyelid_gap: Option<f32>,
    /// The expression classifier's probabilities (`expression.neutral`): `None` without that
    /// model (a live frame, or an analyzer that has not loaded it).
    pub expression: Option<Expression>,
    pub pose: Option<HeadPose>,
    /// Unit vector from the chin towards the top of the head.
    pub up: Point,
    /// Top of the hair along the face's vertical axis, from the person mask.
    pub crown: Option<Point>,
    /// The mask still covers the head where the image ends: the head is cut off at the top.
    pub crown_at_edge: bool,
}

fn centre(points: &[[f32; 3]], idx: &[usize]) -> Point {
    let n = idx.len() as f32;
    let (sx, sy) = idx.iter().fold((0.0, 0.0), |(x, y), &i| {
        (x + points[i][0], y + points[i][1])
    });
    Point {
        x: sx / n,
        y: sy / n,
    }
}

pub fn measure(points: &[[f32; 3]], mask: Option<&PersonMask>) -> FaceGeometry {
    let p = |i: usize| Point {
        x: points[i][0],
        y: points[i][1],
    };
    let eye_right = centre(points, &mesh::RIGHT_EYE_CONTOUR);
    let eye_left = centre(points, &mesh::LEFT_EYE_CONTOUR);
    let eye_mid = Point {
        x: (eye_right.x + eye_left.x) / 2.0,
        y: (eye_right.y + eye_left.y) / 2.0,
    };
    let (cheek_right, cheek_left, chin) =
        (p(mesh::CHEEK_RIGHT), p(mesh::CHEEK_LEFT), p(mesh::CHIN));
    let ratio =
        |a: usize, b: usize, c: usize, d: usize| p(a).dist(p(b)) / p(c).dist(p(d)).max(1e-3);
    // "Up" is perpendicular to the eye line, pointing away from the chin.
    let along = Point {
        x: eye_left.x - eye_right.x,
        y: eye_left.y - eye_right.y,
    }
    .unit();
    let mut up = Point {
        x: along.y,
        y: -along.x,
    };
    if (chin.x - eye_mid.x) * up.x + (chin.y - eye_mid.y) * up.y > 0.0 {
        up = Point { x: -up.x, y: -up.y };
    }
    let (crown, crown_at_edge) = match mask {
        Some(m) => {
            let (crown, at_edge) = find_crown(m, eye_mid, up, chin.dist(eye_mid));
            let half = cheek_right.dist(cheek_left) / 2.0;
            (
                crown,
                at_edge || crown.is_some_and(|c| head_touches_top(m, c, half)),
            )
        }
        None => (None, false),
    };
    FaceGeometry {
        eye_right,
        eye_left,
        eye_mid,
        inter_eye_px: eye_right.dist(eye_left),
        eye_line_deg: (eye_left.y - eye_right.y)
            .atan2(eye_left.x - eye_right.x)
            .to_degrees(),
        cheek_right,
        cheek_left,
        face_width_px: cheek_right.dist(cheek_left),
        chin,
        mouth_open_ratio: ratio(
            mesh::LIP_INNER_UPPER,
            mesh::LIP_INNER_LOWER,
            mesh::MOUTH_RIGHT,
            mesh::MOUTH_LEFT,
        ),
        eye_open_right: ratio(
            mesh::RIGHT_EYE_UPPER,
            mesh::RIGHT_EYE_LOWER,
            mesh::RIGHT_EYE_OUTER,
            mesh::RIGHT_EYE_INNER,
        ),
        eye_open_left: ratio(
            mesh::LEFT_EYE_UPPER,
            mesh::LEFT_EYE_LOWER,
            mesh::LEFT_EYE_OUTER,
            mesh::LEFT_EYE_INNER,
        ),
        eyelid_gap: None,
        expression: None,
        pose: pose::estimate(points),
        up,
        crown,
        crown_at_edge,
    }
}

/// Whether the person mask reaches the photo's top row within `half` (half a face width) of the
/// crown's column: the head goes on above the photo there, though the walk up the face's axis
/// (through a parting, or beside a tilted head's highest point) ended inside it.
fn head_touches_top(mask: &PersonMask, crown: Point, half: f32) -> bool {
    let step = (mask.image_width as f32 / mask.width as f32).max(1.0);
    let mut x = (crown.x - half).max(0.0);
    while x <= (crown.x + half).min(mask.image_width as f32 - 1.0) {
        if mask.at(x, 0.5) >= 0.5 {
            return true;
        }
        x += step;
    }
    false
}

/// Walk from between the eyes along `up` through the person mask; the crown is where the mask
/// ends for good (a gap shorter than 4 % of the eye–chin distance, e.g. light through thin hair,
/// does not end it). Returns the crown and whether the walk ran off the image still inside the
/// person.
fn find_crown(mask: &PersonMask, start: Point, up: Point, eye_chin: f32) -> (Option<Point>, bool) {
    let step = 0.5_f32.max(mask.image_height as f32 / mask.height as f32 / 2.0);
    let max_gap = (eye_chin * 0.04).max(step * 2.0);
    let limit = eye_chin * 4.0;
    let (mut last_inside, mut gap, mut t) = (None, 0.0, 0.0);
    while t < limit {
        let q = Point {
            x: start.x + up.x * t,
            y: start.y + up.y * t,
        };
        if q.x < 0.0
            || q.y < 0.0
            || q.x >= mask.image_width as f32
            || q.y >= mask.image_height as f32
        {
            // Off the image: cut off only if we were still inside the person.
            return (last_inside, gap == 0.0 && last_inside.is_some());
        }
        if mask.at(q.x, q.y) >= 0.5 {
            last_inside = Some(q);
            gap = 0.0;
        } else {
            gap += step;
            if gap > max_gap && last_inside.is_some() {
                break;
            }
        }
        t += step;
    }
    (last_inside, false)
}
