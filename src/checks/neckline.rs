//! clothing.neckline: sleeveless tops, straps and low necklines, which the guide forbids ("不要穿
//! 无袖，吊带、低胸衫"). What shows is bare skin where a top would cover it: on the shoulders and
//! the upper chest, below the base of the neck. Skin is told by the cheeks' own colour (the same
//! test as the necklace zone's), never by a skin colour of its own; long hair over the shoulders
//! and a collar's edges are not skin-coloured and do not count.

use super::face_frame::{FaceFrame, MIN_CHEEK_CHROMA};
use super::jewellery::{SKIN_DARKER, SKIN_LIGHTER};
use super::{no_single_face, not_evaluated, Context, Hints, RuleResult};
use crate::analysis::{mesh, BoxF};
use crate::colour::{lab, Lab};

const ID: &str = "clothing.neckline";
const UNIT: &str = "share";

/// The zone, in face widths: below the chin from the base of the neck (where a crew neckline
/// sits) to the upper chest, and out to the shoulders on both sides.
const FROM_CHIN: (f32, f32) = (0.5, 1.0);
const HALF_WIDTH: f32 = 1.3;
/// Sample points across and down the zone.
const GRID: (usize, usize) = (52, 20);
/// Less of the zone than this inside the photo leaves the rule unjudged.
const MIN_INSIDE: f32 = 0.6;
/// Skin: within this distance in (a*, b*) of the cheeks' colour. Tighter than the necklace
/// zone's, which looks only at skin around a highlight: here white, grey and beige fabric must not
/// pass for skin.
const SKIN_CHROMA: f32 = 12.0;
/// Fewer person samples than this (a narrow person, much background) leave it unjudged too.
const MIN_PERSON: usize = 100;

pub(super) fn run(ctx: &Context, skin: Option<Lab>, out: &mut Vec<RuleResult>) {
    let Some(face) = ctx.face else {
        out.push(no_single_face(ID, UNIT));
        return;
    };
    let (Some(mask), Some(skin)) = (&ctx.analysis.mask, skin) else {
        out.push(not_evaluated(
            ID,
            UNIT,
            "没有人像分割或脸颊肤色参考，无法判断领口。",
            "No person mask or cheek colour to compare with, so the neckline cannot be judged.",
        ));
        return;
    };
    if skin.chroma() < MIN_CHEEK_CHROMA {
        out.push(not_evaluated(
            ID,
            UNIT,
            "照片几乎没有颜色（黑白照片），无法区分皮肤和衣服。",
            "The photo has almost no colour (black and white): skin cannot be told from clothing.",
        ));
        return;
    }
    let frame = FaceFrame::new(face);
    let fw = frame.fw;
    let chin = frame.landmark_height(mesh::CHIN);
    let (w, h) = (
        ctx.photo.image.width() as f32,
        ctx.photo.image.height() as f32,
    );
    let (mut inside, mut person, mut bare) = (0usize, 0usize, 0usize);
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for j in 0..GRID.1 {
        let down = FROM_CHIN.0 + (FROM_CHIN.1 - FROM_CHIN.0) * (j as f32 + 0.5) / GRID.1 as f32;
        for i in 0..GRID.0 {
            let across = HALF_WIDTH * fw * (2.0 * (i as f32 + 0.5) / GRID.0 as f32 - 1.0);
            let p = frame.point(across, chin - down * fw);
            if p.x < 0.0 || p.y < 0.0 || p.x >= w || p.y >= h {
                continue;
            }
            inside += 1;
            if mask.at(p.x, p.y) <= 0.5 {
                continue;
            }
            person += 1;
            let c = lab(ctx.photo.image.get_pixel(p.x as u32, p.y as u32).0);
            let chroma = (c.a - skin.a).hypot(c.b - skin.b);
            if chroma < SKIN_CHROMA && c.l > skin.l - SKIN_DARKER && c.l < skin.l + SKIN_LIGHTER {
                bare += 1;
                (x0, y0, x1, y1) = (x0.min(p.x), y0.min(p.y), x1.max(p.x), y1.max(p.y));
            }
        }
    }
    if (inside as f32) < MIN_INSIDE * (GRID.0 * GRID.1) as f32 || person < MIN_PERSON {
        out.push(not_evaluated(
            ID,
            UNIT,
            "照片没有拍到肩部和胸部上方，无法判断领口：请拍半身照。",
            "The shoulders and upper chest are not in the photo, so the neckline cannot be judged: take a half-length photo.",
        ));
        return;
    }
    let share = bare as f32 / person as f32;
    let region = (bare > 0).then(|| BoxF {
        x: x0,
        y: y0,
        width: (x1 - x0).max(1.0),
        height: (y1 - y0).max(1.0),
    });
    out.push(ctx.judge(
        ID,
        f64::from(share),
        UNIT,
        &Hints {
            ok: ("领口正常，肩部和胸前没有裸露。", "A normal neckline: shoulders and chest covered."),
            low: ("领口正常，肩部和胸前没有裸露。", "A normal neckline: shoulders and chest covered."),
            high: ("肩部或胸前有较多裸露的皮肤：请穿有领、有袖的正装，不要穿无袖、吊带或低领衣服。", "Bare skin on the shoulders or chest: wear a collared top with sleeves, not a sleeveless, strap or low-cut one."),
        },
        region,
    ));
}
