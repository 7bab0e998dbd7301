//! Whether the forehead and eyebrows show (no fringe over them).

use super::face_frame::FaceFrame;
use super::{no_single_face, not_evaluated, Context, Hints, RuleResult};
use crate::analysis::regions::Region;
use crate::analysis::{mesh, BoxF};
use crate::colour::{lab, Lab};

/// Hair over the forehead (a fringe down to the eyebrows) shows as non-skin pixels in the band
/// just above the eyebrows, inside the face outline. Measured as the share of that band whose
/// colour is further from the cheeks' skin than the preset's `forehead.hair_delta_e` (lighting
/// alone moves forehead skin some way from the cheeks, so the cut-off sits above that).
pub(crate) fn run(ctx: &Context, skin: Option<Lab>, out: &mut Vec<RuleResult>) {
    let (Some(face), Some(map)) = (ctx.face, &ctx.regions) else {
        out.push(no_single_face("forehead.visible", "share"));
        return;
    };
    let g = &face.geometry;
    let frame = FaceFrame::new(face);
    let fw = frame.fw;
    let top = face.landmarks[mesh::FOREHEAD_TOP];
    let mut band = Vec::new();
    for (label, px, h, a) in frame.cells(ctx, map) {
        if label == Region::Face && frame.in_forehead_band(h, a) {
            band.push(lab(px));
        }
    }
    let cut = ctx
        .thresholds
        .get("forehead.hair_delta_e")
        .and_then(|t| t.min);
    match (skin, cut) {
        (Some(skin), Some(cut)) if band.len() >= 20 => {
            let covered = band
                .iter()
                .filter(|v| f64::from(crate::colour::delta_e(**v, skin)) > cut)
                .count() as f64
                / band.len() as f64;
            let region = Some(BoxF {
                x: g.eye_mid.x - 0.4 * fw,
                y: top[1],
                width: 0.8 * fw,
                height: (g.eye_mid.y - top[1]).max(1.0),
            });
            out.push(ctx.judge(
                "forehead.visible",
                covered,
                "share",
                &Hints {
                    ok: ("额头和眉毛露出。", "Forehead and eyebrows are visible."),
                    low: ("额头和眉毛露出。", "Forehead and eyebrows are visible."),
                    high: (
                        "头发遮住了额头或眉毛：请把刘海梳起或别到耳后。",
                        "Hair covers the forehead or eyebrows: pin the fringe back.",
                    ),
                },
                region,
            ));
        }
        _ => out.push(not_evaluated(
            "forehead.visible",
            "share",
            "额头区域太小，无法判断。",
            "The forehead area is too small to judge.",
        )),
    }
}
