//! The face is opaque, and its edge below the eyes is a hard one. The person segmentation and
//! the colour line read a pale cheek against a pale wall as partly wall; the guided filter then
//! leaves a ramp as wide as the mask's cells along the jaw, and composited the jaw turns
//! translucent: the new colour shows through a quarter of the face (seen on a real portrait,
//! light make-up on a pale blue-grey wall). The face mesh knows where the face is far better than
//! colour does. So inside its outline, pulled in towards its centre by a margin for the mesh's
//! own error, alpha is at least one; and near the outline below the eyes (cheeks, jaw, chin: no
//! hair is soft there but a strand passing), the ramp is steepened about its middle as it is on
//! clothing ([`super::colourline`]), so the edge stays where the matte put it and is not a
//! half-transparent band. Above the eyes nothing changes: hair and the crown stay as they were.

use super::boxfilter::Plane;
use super::colourline::STEEPEN;
use super::foreground::smoothstep;
use super::Framing;
use crate::analysis::regions::crossings_at;
use crate::analysis::{mesh, Face, Point};

/// The outline's scale about its centre from which the face is certain, and the one at which
/// the floor has risen fully: the mesh's outline lies on the face's edge within a few per cent
/// of its width, and a wider ramp keeps the floor from drawing an edge of its own.
const FROM_SCALE: f32 = 0.97;
const FULL_SCALE: f32 = 0.91;
/// Scales between the two read per row.
const STEPS: usize = 8;
/// The outline's scale within which, below the eyes, the ramp is steepened, and the rows (a
/// share of the face's width) over which that fades in under the eye line.
const EDGE_SCALE: f32 = 1.15;
const EDGE_FADE: f32 = 0.15;

/// `alpha` (the working grid of `framing`, `f` working pixels per output pixel) steepened near
/// the face's outline below the eyes and raised to one inside it.
pub fn floor(alpha: &mut Plane, face: &Face, framing: &Framing, f: f32) {
    if face.landmarks.len() < 468 {
        return;
    }
    let c = &framing.crop;
    let k = c.scale * f;
    let outline: Vec<Point> = mesh::FACE_OVAL
        .iter()
        .map(|&i| {
            let p = face.landmarks[i];
            Point {
                x: (p[0] - c.left) * k,
                y: (p[1] - c.top) * k,
            }
        })
        .collect();
    let n = outline.len() as f32;
    let centre = Point {
        x: outline.iter().map(|p| p.x).sum::<f32>() / n,
        y: outline.iter().map(|p| p.y).sum::<f32>() / n,
    };
    let scaled = |s: f32| -> Vec<Point> {
        outline
            .iter()
            .map(|p| Point {
                x: centre.x + s * (p.x - centre.x),
                y: centre.y + s * (p.y - centre.y),
            })
            .collect()
    };
    let mut crossings = Vec::new();
    let (w, h) = (alpha.width, alpha.height);
    // The edge below the eyes, steepened.
    let edge = scaled(EDGE_SCALE);
    let eyes = super::eyes_row(face, framing, f);
    let fade = (EDGE_FADE * face.geometry.face_width_px * k).max(1.0);
    let (top, bottom) = rows(&edge, h);
    for y in top.max(eyes.max(0.0) as usize)..bottom {
        let Some((left, right)) = span(&edge, y as f32 + 0.5, &mut crossings) else {
            continue;
        };
        let weight = smoothstep(eyes, eyes + fade, y as f32 + 0.5);
        for x in (left.max(0.0) as usize)..(right.ceil() as usize).min(w) {
            let v = &mut alpha.data[y * w + x];
            if *v > 0.0 && *v < 1.0 {
                let steep = smoothstep(0.5 - STEEPEN, 0.5 + STEEPEN, *v).min(0.999);
                *v = weight * steep + (1.0 - weight) * *v;
            }
        }
    }
    let rings: Vec<Vec<Point>> = (0..STEPS)
        .map(|i| scaled(FROM_SCALE + (FULL_SCALE - FROM_SCALE) * (i as f32 + 0.5) / STEPS as f32))
        .collect();
    let (top, bottom) = rows(&rings[0], h);
    let mut spans: Vec<(f32, f32)> = Vec::with_capacity(STEPS);
    for y in top..bottom {
        let qy = y as f32 + 0.5;
        spans.clear();
        spans.extend(
            rings
                .iter()
                .filter_map(|ring| span(ring, qy, &mut crossings)),
        );
        if spans.is_empty() {
            continue;
        }
        let left = spans
            .iter()
            .map(|s| s.0)
            .fold(f32::INFINITY, f32::min)
            .max(0.0) as usize;
        let right = (spans.iter().map(|s| s.1).fold(0.0, f32::max).ceil() as usize).min(w);
        for x in left..right {
            let qx = x as f32 + 0.5;
            let inside = spans.iter().filter(|s| s.0 <= qx && qx <= s.1).count();
            let v = &mut alpha.data[y * w + x];
            *v = v.max(inside as f32 / STEPS as f32);
        }
    }
}

/// The rows of a grid `h` high that `ring` spans.
fn rows(ring: &[Point], h: usize) -> (usize, usize) {
    let top = ring
        .iter()
        .map(|p| p.y)
        .fold(f32::INFINITY, f32::min)
        .max(0.0) as usize;
    let bottom = (ring.iter().map(|p| p.y).fold(0.0, f32::max).ceil() as usize).min(h);
    (top, bottom)
}

/// Where the row `y` enters and leaves the (convex) outline `ring`; `crossings` is scratch.
fn span(ring: &[Point], y: f32, crossings: &mut Vec<f32>) -> Option<(f32, f32)> {
    crossings_at(ring, y, crossings);
    let lo = crossings.iter().copied().fold(f32::INFINITY, f32::min);
    let hi = crossings.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    (lo < hi).then_some((lo, hi))
}
