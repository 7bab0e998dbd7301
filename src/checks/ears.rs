//! Whether both ears show beside the face.

use super::face_frame::FaceFrame;
use super::{no_single_face, no_threshold, not_evaluated, Context, Hints, RuleResult};
use crate::analysis::mesh;
use crate::analysis::regions::Region;
use crate::colour::{lab, Lab};

/// The ears sit beside the face between the eyebrows and the tip of the nose, just outside the
/// face outline. There the person holds only ear (skin) and hair: an ear shows as skin, hair
/// combed over it as hair. Per side, the share of a band (from just outside the outline to a
/// quarter face width beyond it) taken by person pixels within `ears.skin_delta_e` of the cheeks'
/// skin; the band's background pixels count in its area, so a side the mask leaves empty scores
/// 0 (nothing of an ear shows) rather than being skipped. Measured: the smaller side, so one
/// covered ear fails ("both, symmetric"). Blind spot (documented): hair of the skin's colour.
pub(crate) fn run(ctx: &Context, skin: Option<Lab>, out: &mut Vec<RuleResult>) {
    const ID: &str = "ears.visible";
    const UNIT: &str = "share";
    let (Some(face), Some(map)) = (ctx.face, &ctx.regions) else {
        out.push(no_single_face(ID, UNIT));
        return;
    };
    let Some(cut) = ctx
        .thresholds
        .get("ears.skin_delta_e")
        .and_then(|t| t.max)
        .map(|v| v as f32)
    else {
        out.push(no_threshold(ID, UNIT));
        return;
    };
    let g = &face.geometry;
    let frame = FaceFrame::new(face);
    let fw = frame.fw;
    let brow_top = frame.brow_top();
    let nose = frame.landmark_height(mesh::NOSE_TIP);
    // The outline's distance from the eye midpoint on each side (image left, image right).
    let edge = [
        frame.across(g.cheek_right.x, g.cheek_right.y).abs(),
        frame.across(g.cheek_left.x, g.cheek_left.y).abs(),
    ];
    let band = |s: usize| (edge[s] + 0.02 * fw, edge[s] + 0.25 * fw);
    let mut beside = [Vec::new(), Vec::new()];
    for (label, px, h, a) in frame.cells(ctx, map) {
        let s = usize::from(a > 0.0);
        let (lo, hi) = band(s);
        if label != Region::Face && h > nose && h < brow_top && a.abs() > lo && a.abs() < hi {
            // Background pixels count in the band's area but never as ear.
            beside[s].push((label == Region::Hair).then(|| lab(px)));
        }
    }
    let Some(skin) = skin else {
        out.push(not_evaluated(
            ID,
            UNIT,
            "脸颊区域太小，无法判断耳朵是否露出。",
            "The cheeks are too small to judge whether the ears show.",
        ));
        return;
    };
    let share = |v: &Vec<Option<crate::colour::Lab>>| {
        if v.is_empty() {
            return 0.0;
        }
        v.iter()
            .flatten()
            .filter(|c| crate::colour::delta_e(**c, skin) <= cut)
            .count() as f64
            / v.len() as f64
    };
    let shares = [share(&beside[0]), share(&beside[1])];
    let worse = usize::from(shares[1] < shares[0]);
    let sign = if worse == 1 { 1.0 } else { -1.0 };
    let (lo, hi) = band(worse);
    let corner = |a: f32, h: f32| frame.point(sign * a, h);
    let region = super::bbox_of(
        &[
            corner(lo, nose),
            corner(hi, nose),
            corner(lo, brow_top),
            corner(hi, brow_top),
        ],
        0.0,
    );
    // The subject's right ear is on the image's left.
    let hints = if worse == 0 { &RIGHT_EAR } else { &LEFT_EAR };
    out.push(ctx.judge(ID, shares[worse], UNIT, hints, region));
}

const RIGHT_EAR: Hints = Hints {
    ok: ("双耳露出。", "Both ears show."),
    low: (
        "右耳（照片左侧）被头发遮住或看不到：请把头发别到耳后，正对镜头，露出双耳。",
        "The right ear (image left) is under hair or out of sight: tuck the hair behind the ears and face the camera.",
    ),
    high: ("双耳露出。", "Both ears show."),
};

const LEFT_EAR: Hints = Hints {
    ok: ("双耳露出。", "Both ears show."),
    low: (
        "左耳（照片右侧）被头发遮住或看不到：请把头发别到耳后，正对镜头，露出双耳。",
        "The left ear (image right) is under hair or out of sight: tuck the hair behind the ears and face the camera.",
    ),
    high: ("双耳露出。", "Both ears show."),
};
