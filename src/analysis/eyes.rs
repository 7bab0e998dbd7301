//! The eyelids, from MediaPipe's iris model: the plain face mesh does not follow a closing lid
//! (fully closed eyes read 0.15–0.32 on it, like open ones), while the iris model, run on a crop
//! of each eye as MediaPipe's iris graph does, draws the lids where they are. Its 71 points start
//! with the eye's contour: 0–8 the lower lid from the outer corner to the inner, 9–15 the upper
//! lid back from the outer side; the model sees a left eye, so the other eye's crop is mirrored.

use image::RgbImage;

use super::mesh;
use super::preprocess::{rotated_crop, UNIT};
use super::runtime::{output, Network};
use super::Point;
use crate::error::Result;

/// The model's input side.
pub const INPUT_SIZE: u32 = 64;
/// The crop is this many times the distance between the eye's corners (MediaPipe's iris ROI).
const ROI_SCALE: f32 = 2.3;
/// Outer and inner corner, lower lid's middle three, upper lid's middle three (contour indices).
const OUTER: usize = 0;
const INNER: usize = 8;
const LOWER_MIDDLE: [usize; 3] = [3, 4, 5];
const UPPER_MIDDLE: [usize; 3] = [11, 12, 13];

/// Lid gap ÷ eye width of one eye (the mean vertical gap between the lids' middles over the
/// distance between the corners, in the eye-levelled crop): about 0.2–0.4 open, under 0.15
/// closing, negative shut tight.
fn lid_gap(net: &dyn Network, img: &RgbImage, a: Point, b: Point, mirror: bool) -> Result<f32> {
    let centre = Point {
        x: (a.x + b.x) / 2.0,
        y: (a.y + b.y) / 2.0,
    };
    let side = ROI_SCALE * a.dist(b);
    let (mut input, _) = rotated_crop(
        img,
        centre,
        side,
        (b.y - a.y).atan2(b.x - a.x),
        INPUT_SIZE,
        UNIT,
    )?;
    if mirror {
        for row in input.chunks_exact_mut(3 * INPUT_SIZE as usize) {
            let px = row.len() / 3;
            for i in 0..px / 2 {
                for c in 0..3 {
                    row.swap(3 * i + c, 3 * (px - 1 - i) + c);
                }
            }
        }
    }
    let outputs = net.run(input, INPUT_SIZE as usize, INPUT_SIZE as usize)?;
    let contour = output(&outputs, 0, 71 * 3, "eye contour")?;
    let p = |i: usize| (contour[3 * i], contour[3 * i + 1]);
    let width = (p(OUTER).0 - p(INNER).0).hypot(p(OUTER).1 - p(INNER).1);
    let gap = LOWER_MIDDLE
        .iter()
        .zip(UPPER_MIDDLE)
        .map(|(&lo, up)| p(lo).1 - p(up).1)
        .sum::<f32>()
        / 3.0;
    Ok(if width > 0.0 { gap / width } else { 0.0 })
}

/// The lid gap of the narrower-open eye, from `points` (the mesh in `img` pixels). Each crop runs
/// from the eye's image-left corner to its image-right one; the subject's left eye (the image's
/// right) is mirrored into the left-eye view the model was trained on.
pub fn narrower_lid_gap(net: &dyn Network, img: &RgbImage, points: &[[f32; 3]]) -> Result<f32> {
    let p = |i: usize| Point {
        x: points[i][0],
        y: points[i][1],
    };
    let right = lid_gap(
        net,
        img,
        p(mesh::RIGHT_EYE_OUTER),
        p(mesh::RIGHT_EYE_INNER),
        false,
    )?;
    let left = lid_gap(
        net,
        img,
        p(mesh::LEFT_EYE_INNER),
        p(mesh::LEFT_EYE_OUTER),
        true,
    )?;
    Ok(right.min(left))
}
