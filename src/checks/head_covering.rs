//! Hats, caps, scarves and bands on the head.

use super::face_frame::FaceFrame;
use super::{no_single_face, no_threshold, not_evaluated, Context, Hints, RuleResult};
use crate::analysis::regions::Region;
use crate::analysis::{mesh, BoxF};
use crate::colour::{lab, Lab};

/// A head covering (cap, hat, headscarf, band) shows as a large part of the head above the brows
/// whose colour is neither skin nor the person's own hair. The hair colour is taken *below the
/// brow line*, beside the cheeks (between the mouth and the eyes, outside the face outline, inside
/// the person mask): a covering never reaches there without hiding the eyes, so whatever is there
/// (not skin) is the person's hair. The head above the brows is then counted pixel by pixel: a
/// pixel farther than `head.covering_delta_e` from both that hair colour and the cheek skin is
/// covering. Hair of one colour (dark, light, brown) under any light matches its own sides; a
/// bald head or a high forehead matches the skin. Measured: the covered share of the head.
/// The band just above the brows is counted the same way and the larger share reported: a hat
/// whose crown matches dark hair still hides the forehead under its brim or band.
/// On real portraits this measure cannot tell short dark hair, whose sides give a poor hair
/// reference, from a cap (presets/checks.json has the figures), so it is a screening rule:
/// it warns and asks to check by eye. Blind spots: a cap the colour of the hair worn high on the
/// head, and a person whose hair does not reach below the eyes beside the face (no reference:
/// `not_evaluated`).
pub(crate) fn run(ctx: &Context, skin: Option<Lab>, out: &mut Vec<RuleResult>) {
    const ID: &str = "head.covering";
    const UNIT: &str = "share";
    let (Some(face), Some(map)) = (ctx.face, &ctx.regions) else {
        out.push(no_single_face(ID, UNIT));
        return;
    };
    let Some(cut) = ctx
        .thresholds
        .get("head.covering_delta_e")
        .and_then(|t| t.min)
        .map(|v| v as f32)
    else {
        out.push(no_threshold(ID, UNIT));
        return;
    };
    let g = &face.geometry;
    let frame = FaceFrame::new(face);
    let fw = frame.fw;
    let brow_top = frame.brow_top();
    let mouth = frame.landmark_height(mesh::LIP_INNER_UPPER);
    let (mut head, mut sides, mut forehead) = (Vec::new(), Vec::new(), Vec::new());
    for (label, px, h, a) in frame.cells(ctx, map) {
        if label == Region::Face && frame.in_forehead_band(h, a) {
            forehead.push(lab(px));
        }
        let a = a.abs();
        match label {
            Region::Face | Region::Hair if h > brow_top + 0.03 * fw && a < 0.5 * fw => {
                head.push(lab(px))
            }
            Region::Hair if h < 0.0 && h > mouth && a < 0.8 * fw => sides.push(lab(px)),
            _ => {}
        }
    }
    let Some(skin) = skin else {
        out.push(not_evaluated(
            ID,
            UNIT,
            "脸颊区域太小，无法判断头部遮挡。",
            "The cheeks are too small to judge a head covering.",
        ));
        return;
    };
    // The hair beside the face: what is not skin there (ears and cheek edges are skin-coloured).
    let hair: Vec<_> = sides
        .into_iter()
        .filter(|v| crate::colour::delta_e(*v, skin) > 20.0)
        .collect();
    // A reference needs some area: 1 % of the face width squared, in `small` pixels.
    let min_ref = ((0.01 * fw * fw) / (ctx.k * ctx.k)).max(20.0) as usize;
    if hair.len() < min_ref || head.len() < 20 {
        out.push(not_evaluated(
            ID,
            UNIT,
            "脸部两侧看不到头发，无法与头顶比较；请自行确认未戴帽子或头饰。",
            "No hair shows beside the face to compare the top of the head with: check that no hat or headwear is worn.",
        ));
        return;
    }
    let median = |f: fn(&crate::colour::Lab) -> f32| {
        let mut v: Vec<f32> = hair.iter().map(f).collect();
        v.sort_by(f32::total_cmp);
        v[v.len() / 2]
    };
    let hair_colour = crate::colour::Lab {
        l: median(|c| c.l),
        a: median(|c| c.a),
        b: median(|c| c.b),
    };
    let unlike_both = |v: &Lab| {
        crate::colour::delta_e(*v, hair_colour) > cut && crate::colour::delta_e(*v, skin) > cut
    };
    let share =
        |v: &[Lab]| v.iter().filter(|c| unlike_both(c)).count() as f64 / v.len().max(1) as f64;
    // A brim pulled down to the brows hides the forehead under something that is neither skin
    // nor the hair (a black hat over black hair matches the hair above the brows, not there).
    let covered = share(&head).max(share(&forehead));
    let crown_h = g.crown.map_or(brow_top + fw, |c| frame.height(c.x, c.y));
    let region = Some(BoxF {
        x: g.eye_mid.x - 0.5 * fw,
        y: g.eye_mid.y - crown_h,
        width: fw,
        height: (crown_h - brow_top).max(1.0),
    });
    out.push(ctx.judge(
        ID,
        covered,
        UNIT,
        &Hints {
            ok: ("未戴帽子或头饰。", "No hat or headwear."),
            low: ("未戴帽子或头饰。", "No hat or headwear."),
            high: (
                "头顶或额头有与头发、皮肤不同的颜色，可能戴了帽子或头饰：请摘下帽子、头巾、发箍后重拍。",
                "Something on the head or forehead is unlike both the hair and the skin, perhaps a hat or headwear: take off caps, scarves and hair bands and retake.",
            ),
        },
        region,
    ));
}
