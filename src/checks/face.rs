//! Head pose, eyes, mouth and expression, from the mesh.

use super::{bbox_of, no_single_face, not_evaluated, worse, Context, Hints, RuleResult, Status};
use crate::analysis::{mesh, Point};
use crate::error::Result;

pub(crate) fn run(ctx: &Context, out: &mut Vec<RuleResult>) -> Result<()> {
    let Some(face) = ctx.face else {
        for (id, unit) in [
            ("pose.yaw", "°"),
            ("pose.pitch", "°"),
            ("pose.roll", "°"),
            ("pose.shoulders", "°"),
            ("eyes.open", "ratio"),
            ("mouth.closed", "ratio"),
            ("expression.neutral", "ratio"),
        ] {
            out.push(no_single_face(id, unit));
        }
        return Ok(());
    };
    let g = &face.geometry;
    let p = |i: usize| Point {
        x: face.landmarks[i][0],
        y: face.landmarks[i][1],
    };
    let face_box = Some(face.bbox);
    match g.pose {
        Some(pose) => {
            out.push(ctx.judge(
                "pose.yaw",
                f64::from(pose.yaw_deg),
                "°",
                &Hints {
                    ok: ("头部正对镜头。", "The head faces the camera."),
                    low: (
                        "头部向右转了：请把脸转回正对镜头。",
                        "The head is turned to the right: turn back to face the camera.",
                    ),
                    high: (
                        "头部向左转了：请把脸转回正对镜头。",
                        "The head is turned to the left: turn back to face the camera.",
                    ),
                },
                face_box,
            ));
            // The estimator's zero varies by a face's build by more than the standard's ±5°, so
            // the threshold carries a tolerance: out of range but within it warns (checks.json).
            out.push(ctx.judge(
                "pose.pitch",
                f64::from(pose.pitch_deg),
                "°",
                &Hints {
                    ok: ("头部平视镜头，未低头或仰头。", "The head is level: neither up nor down."),
                    low: (
                        "头部上仰：请微收下巴，平视镜头。",
                        "The head is tilted up: lower the chin a little and look straight at the lens.",
                    ),
                    high: (
                        "低头了：请抬起下巴，平视镜头（镜头与眼睛同高）。",
                        "The head is tilted down: raise the chin and look straight at the lens, held at eye height.",
                    ),
                },
                face_box,
            ));
            out.push(ctx.judge(
                "pose.roll",
                f64::from(pose.roll_deg),
                "°",
                &Hints {
                    ok: ("头部端正，双眼水平。", "The head is upright, eyes level."),
                    low: (
                        "头向右肩歪了：请摆正头部，使双眼水平。",
                        "The head tilts clockwise: straighten it so the eyes are level.",
                    ),
                    high: (
                        "头向左肩歪了：请摆正头部，使双眼水平。",
                        "The head tilts counter-clockwise: straighten it so the eyes are level.",
                    ),
                },
                face_box,
            ));
        }
        None => {
            for id in ["pose.yaw", "pose.pitch", "pose.roll"] {
                out.push(not_evaluated(
                    id,
                    "°",
                    "头部姿态无法拟合。",
                    "The head pose could not be fitted.",
                ));
            }
        }
    }
    super::shoulders::run(ctx, face, out);
    // The eyelids from the iris model's eye contour: the mesh's own lids stay open on closed
    // eyes (src/analysis/eyes.rs).
    let eyes_box = bbox_of(&[g.eye_right, g.eye_left], 0.4);
    out.push(match g.eyelid_gap {
        Some(gap) => ctx.judge(
            "eyes.open",
            f64::from(gap),
            "ratio",
            &Hints {
                ok: ("双眼自然睁开。", "Both eyes are open."),
                low: (
                    "眼睛闭上或半闭：请自然睁开双眼，注视镜头。",
                    "Eyes closed or half closed: open them naturally and look at the camera.",
                ),
                high: ("双眼自然睁开。", "Both eyes are open."),
            },
            eyes_box,
        ),
        None => not_evaluated(
            "eyes.open",
            "ratio",
            "眼部模型尚未加载，未测量眼睑：请确认双眼自然睁开。",
            "The eye model is not loaded, so the eyelids were not measured: make sure both eyes are open.",
        ),
    });
    let mouth_box = bbox_of(
        &[
            p(mesh::MOUTH_RIGHT),
            p(mesh::MOUTH_LEFT),
            p(mesh::LIP_OUTER_UPPER),
            p(mesh::LIP_OUTER_LOWER),
        ],
        0.2,
    );
    out.push(ctx.judge(
        "mouth.closed",
        f64::from(g.mouth_open_ratio),
        "ratio",
        &Hints {
            ok: ("嘴唇自然闭合。", "Lips are closed."),
            low: ("嘴唇自然闭合。", "Lips are closed."),
            high: (
                "嘴巴张开或露齿：请自然闭合嘴唇。",
                "Mouth open or teeth showing: close your lips naturally.",
            ),
        },
        mouth_box,
    ));
    // A smile lifts the mouth corners above the middle of the lips, along the face's own
    // vertical axis, in proportion to the mouth's width.
    let centre = Point {
        x: (p(mesh::LIP_INNER_UPPER).x + p(mesh::LIP_INNER_LOWER).x) / 2.0,
        y: (p(mesh::LIP_INNER_UPPER).y + p(mesh::LIP_INNER_LOWER).y) / 2.0,
    };
    let corners = Point {
        x: (p(mesh::MOUTH_RIGHT).x + p(mesh::MOUTH_LEFT).x) / 2.0,
        y: (p(mesh::MOUTH_RIGHT).y + p(mesh::MOUTH_LEFT).y) / 2.0,
    };
    let lift = ((corners.x - centre.x) * g.up.x + (corners.y - centre.y) * g.up.y)
        / p(mesh::MOUTH_RIGHT).dist(p(mesh::MOUTH_LEFT)).max(1.0);
    let neutral = ("表情自然。", "The expression is neutral.");
    let corners = ctx.judge(
        "expression.neutral",
        f64::from(lift),
        "ratio",
        &Hints {
            ok: neutral,
            low: neutral,
            high: (
                "笑容过大：请保持自然表情，不要大笑。",
                "Broad smile: keep a natural, neutral expression.",
            ),
        },
        mouth_box,
    );
    // The expression classifier reads what the mouth corners cannot (a frown, a squeeze, a
    // grimace with closed lips, surprise); its part is judged against its own limit and the rule
    // reports the worse of the two.
    out.push(match g.expression {
        Some(expression) => {
            let mut model = ctx.judge(
                "expression.neutral.model",
                f64::from(expression.non_neutral()),
                "1 - P(neutral)",
                &Hints {
                    ok: neutral,
                    low: neutral,
                    high: (
                        "表情不自然（大笑、皱眉、撇嘴、惊讶或做鬼脸）：请放松面部，闭上嘴，保持自然表情后重拍。",
                        "The expression is not neutral (a laugh, frown, pout, surprise or grimace): relax the face, close the mouth and retake with a natural expression.",
                    ),
                },
                face_box,
            );
            model.id = "expression.neutral";
            // A smile with closed lips reads "happy" whether it is faint (acceptable) or broad:
            // the model does not size it, the corner lift does. So there the model only warns.
            let lips_closed = ctx
                .thresholds
                .get("mouth.closed")
                .and_then(|t| t.max)
                .is_some_and(|max| f64::from(g.mouth_open_ratio) <= max);
            if model.status == Status::Fail && lips_closed && expression.smile_leads() {
                model.status = Status::Warn;
                model.hint_zh = "可能在抿嘴微笑：标准要求表情自然，如笑容明显请放松面部后重拍。".into();
                model.hint_en = "Possibly a closed-lip smile: the standard asks for a neutral expression; if the smile shows, relax and retake.".into();
            }
            worse(corners, model)
        }
        None => corners,
    });
    Ok(())
}
