//! pose.shoulders: the guide's 两肩平齐 (shoulders level). The person mask's top edge on each side
//! of the body, well outside the neck and any hair hanging beside it, is the shoulder line; its
//! tilt against the image's horizontal is what a reviewer sees as one shoulder higher than the
//! other (a raised arm, a body leaning or turned to one side). The mask knows no colours, so
//! neither skin nor clothing enters.

use super::{median, not_evaluated, Context, Hints, RuleResult};
use crate::analysis::{BoxF, Face, PersonMask, Point};

const ID: &str = "pose.shoulders";
const UNIT: &str = "°";

/// Where each shoulder is read, as shares of the torso's half-width out from its centre: the top
/// of the shoulder between the neck (and the hair that falls beside it) and the arm's curve.
const SPAN: (f32, f32) = (0.45, 0.75);
/// The least distance from the centre the shoulders are read at, in face widths (from, to): beyond
/// the jaw and the neck, for a photo whose frame cuts the torso narrow.
const NEAREST: (f32, f32) = (0.75, 1.1);
/// The row, in face widths below the chin, where the torso's width and centre are read: the upper
/// chest, below the shoulders' slope.
const TORSO_ROW: f32 = 1.2;
/// Columns read per side.
const COLUMNS: usize = 9;
/// Where the shoulder's top is looked for, in face widths below the chin: a shoulder starts below
/// the chin; a column that is person already at the chin's level is hair or head.
const SEARCH: (f32, f32) = (0.0, 1.2);
/// The person starts where the mask says so for this long downwards (face widths): a wisp of hair
/// or a stray blob above the shoulder is not it.
const SOLID: f32 = 0.08;

/// The top of the person in column `x`, searched from `from` down to `to` (image rows); `None`
/// where the column starts inside the person (hair or the head over the shoulder: its top is not
/// the shoulder's) or never meets it.
fn top(mask: &PersonMask, x: f32, from: f32, to: f32, solid: f32) -> Option<f32> {
    let step = 1.0f32.max((to - from) / 400.0);
    let mut y = from.max(0.0);
    if mask.at(x, y) > 0.5 {
        return None;
    }
    let bottom = to.min(mask.image_height as f32 - 1.0);
    while y <= bottom {
        if mask.at(x, y) > 0.5 {
            let mut t = y;
            let end = (y + solid).min(bottom);
            while t <= end && mask.at(x, t) > 0.5 {
                t += step;
            }
            if t > end {
                return Some(y);
            }
            y = t;
        }
        y += step;
    }
    None
}

pub(super) fn run(ctx: &Context, face: &Face, out: &mut Vec<RuleResult>) {
    let Some(mask) = &ctx.analysis.mask else {
        out.push(not_evaluated(
            ID,
            UNIT,
            "没有人像分割，无法判断两肩是否平齐。",
            "No person mask, so whether the shoulders are level cannot be judged.",
        ));
        return;
    };
    let g = &face.geometry;
    let fw = g.face_width_px;
    let (w, h) = (
        ctx.photo.image.width() as f32,
        ctx.photo.image.height() as f32,
    );
    // The torso: where the person ends on each side of the chin on the upper chest's row (or the
    // photo's last row). Its centre, not the chin's, is what the shoulders are symmetric about:
    // a head leaning to one side is the roll rule's.
    let row = (g.chin.y + TORSO_ROW * fw).min(h - 1.0);
    let edge = |sign: f32| {
        let mut x = g.chin.x;
        while x >= 0.0 && x < w && mask.at(x, row) > 0.5 {
            x += sign;
        }
        x.clamp(0.0, w - 1.0)
    };
    let (l, r) = (edge(-1.0), edge(1.0));
    let cut = |x: f32| x <= 0.0 || x >= w - 1.0;
    let (centre, half) = match (cut(l), cut(r)) {
        (false, false) => ((l + r) / 2.0, (r - l) / 2.0),
        // Cut by the frame on one side: symmetric about the chin, as wide as the side that shows.
        (true, false) => (g.chin.x, r - g.chin.x),
        (false, true) => (g.chin.x, g.chin.x - l),
        (true, true) => (g.chin.x, (g.chin.x).min(w - 1.0 - g.chin.x)),
    };
    let (from, to) = (g.chin.y + SEARCH.0 * fw, g.chin.y + SEARCH.1 * fw);
    // Each side's shoulder: the median column position and the median top over its columns.
    let side = |sign: f32| -> Option<Point> {
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        for i in 0..COLUMNS {
            let t = i as f32 / (COLUMNS - 1) as f32;
            // Never nearer the centre than NEAREST face widths: the jaw and the neck are not it.
            let out = (SPAN.0 * half).max(NEAREST.0 * fw)
                + t * ((SPAN.1 * half).max(NEAREST.1 * fw) - (SPAN.0 * half).max(NEAREST.0 * fw));
            let x = centre + sign * out;
            if x < 0.0 || x >= w {
                continue;
            }
            if let Some(y) = top(mask, x, from, to, SOLID * fw) {
                xs.push(x);
                ys.push(y);
            }
        }
        if xs.len() <= COLUMNS / 2 {
            return None;
        }
        Some(Point {
            x: median(&mut xs)?,
            y: median(&mut ys)?,
        })
    };
    let (Some(left), Some(right)) = (side(-1.0), side(1.0)) else {
        out.push(not_evaluated(
            ID,
            UNIT,
            "两侧肩膀没有都露出来（被头发遮住或不在画面内），无法判断是否平齐：请拍半身照，两肩都在画面内，头发不要披在肩上。",
            "Both shoulders do not show (hair over them, or outside the photo), so whether they are level cannot be judged: take a half-length photo with both shoulders in it and the hair off them.",
        ));
        return;
    };
    // Positive: the shoulder on the image's right is lower.
    let tilt = (right.y - left.y).atan2(right.x - left.x).to_degrees();
    let region = Some(BoxF {
        x: left.x,
        y: left.y.min(right.y) - 0.1 * fw,
        width: right.x - left.x,
        height: (right.y - left.y).abs() + 0.2 * fw,
    });
    out.push(ctx.judge(
        ID,
        f64::from(tilt),
        UNIT,
        &Hints {
            ok: ("两肩平齐。", "The shoulders are level."),
            low: (
                "两肩不平：照片右侧的肩膀偏高。请站直或坐正、身体正对镜头，两肩放平后重拍。",
                "The shoulders are not level: the one on the photo's right is higher. Sit or stand straight, facing the camera, shoulders level, and retake.",
            ),
            high: (
                "两肩不平：照片左侧的肩膀偏高。请站直或坐正、身体正对镜头，两肩放平后重拍。",
                "The shoulders are not level: the one on the photo's left is higher. Sit or stand straight, facing the camera, shoulders level, and retake.",
            ),
        },
        region,
    ));
}
