//! The crown as the standardised photo shows it: read off a composite over one known flat
//! background colour. Both the plan (on its renders at the output's size) and the closed loop (on
//! the file) measure it this way, so they measure one thing: where the head visibly ends, not
//! where a mask's threshold falls (a matte that keeps a little of the old background above the
//! hair, or a segmenter that loses light hair on a light background, put those apart by 2–8 px,
//! and the segmenter lost a white cap on a white background altogether).

use crate::analysis::Point;
use crate::colour::{delta_e, lab};

/// The face's axis on the composite, in its pixels.
#[derive(Debug, Clone, Copy)]
pub struct Axis {
    /// Between the eyes.
    pub eye_mid: Point,
    /// Unit vector towards the top of the head.
    pub up: Point,
    pub face_width: f32,
    /// Eye midpoint to chin: the unit of the gap rule, as in the analysis' crown walk.
    pub eye_chin: f32,
}

/// A pixel this far (ΔE*ab) from the flat background shows the person; the fill itself, with
/// the JPEG's error, stays under 2 (`output.background_color`).
const SHOWN: f32 = 10.0;
/// A row across the head counts as head where this share of it shows the person.
const ROW_SHARE: f32 = 0.3;

/// Walking up the face's axis from between the eyes, row by row across a band ±0.2 face widths
/// wide, the crown is the centre of the last row where at least [`ROW_SHARE`] of the band shows
/// the person (ΔE ≥ [`SHOWN`] from the background) before the person ends for good (a gap over
/// 4 % of the eye–chin distance). A band, not a line: a few wisps or a badge do not move it, and
/// a cap of two colours is one head. `None` where the rows above it, beyond a soft edge, are
/// neither background nor person (faint, ΔE 3–10 over 40 % of them: a white cap on a white
/// background, where nothing tells where the head ends) or the axis leaves the image before the
/// head ends.
pub fn visible(img: &image::RgbImage, axis: &Axis, background: [u8; 3]) -> Option<Point> {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (mid, up) = (axis.eye_mid, axis.up);
    let across = Point { x: -up.y, y: up.x };
    let bg = lab(background);
    let half = 0.2 * axis.face_width;
    let samples = 24;
    // Per row `t` above the eyes: the shares of the band that show the person and that are
    // faint, or `None` once the row leaves the image.
    let row = |t: f32| {
        let (mut shown, mut faint, mut n) = (0, 0, 0);
        for i in 0..=samples {
            let a = -half + 2.0 * half * i as f32 / samples as f32;
            let (x, y) = (
                mid.x + up.x * t + across.x * a,
                mid.y + up.y * t + across.y * a,
            );
            if x < 0.0 || y < 0.0 || x >= w || y >= h {
                continue;
            }
            let d = delta_e(lab(img.get_pixel(x as u32, y as u32).0), bg);
            n += 1;
            if d >= SHOWN {
                shown += 1;
            } else if d > 3.0 {
                faint += 1;
            }
        }
        (n > samples / 2).then(|| (shown as f32 / n as f32, faint as f32 / n as f32))
    };
    let max_gap = 0.04 * axis.eye_chin;
    let (mut last, mut gap, mut t) = (None, 0.0, 0.0);
    loop {
        let (shown, _) = row(t)?;
        if shown >= ROW_SHARE {
            last = Some(t);
            gap = 0.0;
        } else {
            gap += 0.5;
            if gap > max_gap && last.is_some() {
                break;
            }
        }
        t += 0.5;
    }
    let top = last?;
    // Faint rows above the crown, beyond a soft edge's few pixels: the head may go on in the
    // background's own colour.
    let above: Vec<f32> = (0..7)
        .filter_map(|i| row(top + (0.04 + 0.02 * i as f32) * axis.face_width).map(|(_, f)| f))
        .collect();
    if !above.is_empty() && above.iter().sum::<f32>() / above.len() as f32 >= 0.4 {
        return None;
    }
    Some(Point {
        x: mid.x + up.x * top,
        y: mid.y + up.y * top,
    })
}
