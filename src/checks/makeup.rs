//! face.makeup: strong make-up, which the guide forbids ("素颜，禁止美颜和化妆"). What a photo shows
//! plainly is lipstick: lips far more saturated than the person's own cheeks. Measured as the
//! lips' chroma (C*ab) above the cheeks', so it is the lips compared with the same face, never a
//! skin colour on its own. Eye make-up and nude lipstick are not measured (the hint says so), and
//! in a photo without colour nothing is judged.

use super::face_frame::MIN_CHEEK_CHROMA;
use super::{no_single_face, not_evaluated, Context, Hints, RuleResult};
use crate::analysis::BoxF;
use crate::colour::{lab, Lab};

const ID: &str = "face.makeup";
const UNIT: &str = "ΔC*";

/// Mesh points whose midpoints lie in the body of the lips: outer and inner contour at the
/// centre and at both sides, upper and lower lip.
const LIP_PAIRS: [(usize, usize); 6] = [
    (0, 13),
    (37, 82),
    (267, 312),
    (17, 14),
    (84, 87),
    (314, 317),
];

pub(super) fn run(ctx: &Context, skin: Option<Lab>, out: &mut Vec<RuleResult>) {
    let Some(face) = ctx.face else {
        out.push(no_single_face(ID, UNIT));
        return;
    };
    let Some(cheek) = skin.filter(|s| s.chroma() >= MIN_CHEEK_CHROMA) else {
        out.push(not_evaluated(
            ID,
            UNIT,
            "无法取得脸颊颜色（或照片为黑白），无法判断是否化妆。",
            "No cheek colour to compare with (or a black-and-white photo): make-up cannot be judged.",
        ));
        return;
    };
    let img = &ctx.photo.image;
    let (w, h) = (img.width() as i64, img.height() as i64);
    let r = (0.01 * face.geometry.face_width_px).round().max(1.0) as i64;
    let mut chroma: Vec<f32> = Vec::new();
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for (a, b) in LIP_PAIRS {
        let (pa, pb) = (face.landmarks[a], face.landmarks[b]);
        let (cx, cy) = ((pa[0] + pb[0]) / 2.0, (pa[1] + pb[1]) / 2.0);
        (x0, y0, x1, y1) = (x0.min(cx), y0.min(cy), x1.max(cx), y1.max(cy));
        let window: Vec<Lab> = (-r..=r)
            .flat_map(|dy| (-r..=r).map(move |dx| (cx as i64 + dx, cy as i64 + dy)))
            .filter(|&(x, y)| (0..w).contains(&x) && (0..h).contains(&y))
            .map(|(x, y)| lab(img.get_pixel(x as u32, y as u32).0))
            .collect();
        if let Some(m) = crate::colour::mean(&window) {
            chroma.push(m.chroma());
        }
    }
    if chroma.len() < LIP_PAIRS.len() {
        out.push(not_evaluated(
            ID,
            UNIT,
            "嘴唇不在照片内，无法判断是否化妆。",
            "The lips are not in the photo: make-up cannot be judged.",
        ));
        return;
    }
    chroma.sort_by(f32::total_cmp);
    let lips = (chroma[2] + chroma[3]) / 2.0; // the median of six
    let excess = lips - cheek.chroma();
    let pad = 0.08 * face.geometry.face_width_px;
    out.push(ctx.judge(
        ID,
        f64::from(excess),
        UNIT,
        &Hints {
            ok: ("唇色自然，未见明显口红（眼妆无法自动判断，请自行确认素颜）。", "Natural lip colour, no clear lipstick (eye make-up is not checked: make sure you wear none)."),
            low: ("唇色自然，未见明显口红（眼妆无法自动判断，请自行确认素颜）。", "Natural lip colour, no clear lipstick (eye make-up is not checked: make sure you wear none)."),
            high: ("嘴唇颜色比脸颊鲜艳得多，可能涂了口红：请素颜拍摄，不要化妆。", "The lips are far more saturated than the cheeks, likely lipstick: take the photo without make-up."),
        },
        Some(BoxF {
            x: x0 - pad,
            y: y0 - pad,
            width: x1 - x0 + 2.0 * pad,
            height: y1 - y0 + 2.0 * pad,
        }),
    ));
}
