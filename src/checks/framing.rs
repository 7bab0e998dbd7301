//! One face, enough pixels, room around the head, and where the head would land on the output.

use super::{
    bbox_of, judge_range, no_single_face, not_evaluated, AllowedRange, Context, Hints, RuleResult,
};
use crate::analysis::Point;
use crate::error::Result;
use crate::framing::{best_crop, HeadFrame};

pub(crate) fn run(ctx: &Context, out: &mut Vec<RuleResult>) -> Result<()> {
    let boxes: Vec<Point> = ctx
        .analysis
        .faces
        .iter()
        .flat_map(|f| {
            [
                Point {
                    x: f.bbox.x,
                    y: f.bbox.y,
                },
                Point {
                    x: f.bbox.x + f.bbox.width,
                    y: f.bbox.y + f.bbox.height,
                },
            ]
        })
        .collect();
    out.push(ctx.judge(
        "face.count",
        ctx.analysis.faces.len() as f64,
        "faces",
        &Hints {
            ok: ("照片中有一张人脸。", "One face in the photo."),
            low: (
                "未检测到人脸：请正对镜头，保证光线充足。",
                "No face found: face the camera in good light.",
            ),
            high: (
                "照片中只能有一个人。",
                "Only one person may be in the photo.",
            ),
        },
        bbox_of(&boxes, 0.0),
    ));
    let Some(face) = ctx.face else {
        for (id, unit) in [
            ("input.resolution", "×"),
            ("framing.margins", "face widths"),
            ("framing.half_length", "face widths"),
            ("geometry.crown", "px"),
            ("geometry.eye_line", "px"),
            ("geometry.face_width", "px"),
            ("geometry.centered", "px"),
        ] {
            out.push(no_single_face(id, unit));
        }
        return Ok(());
    };
    let g = &face.geometry;
    let (w, h) = (
        ctx.photo.image.width() as f32,
        ctx.photo.image.height() as f32,
    );
    let face_box = Some(face.bbox);

    match ctx.preset.geometry.face_width_px {
        Some([lo, hi]) => out.push(ctx.judge(
            "input.resolution",
            f64::from((lo + hi) / 2.0 / g.face_width_px.max(1.0)),
            "×",
            &Hints {
                ok: ("人脸像素足够。", "Enough pixels on the face."),
                low: ("人脸像素足够。", "Enough pixels on the face."),
                high: (
                    "人脸太小、像素不足：请靠近一些或使用更高分辨率拍摄。",
                    "The face is too small in the photo: come closer or shoot at full resolution.",
                ),
            },
            face_box,
        )),
        None => out.push(not_evaluated(
            "input.resolution",
            "×",
            "规格未规定脸宽。",
            "The preset sets no face width.",
        )),
    }

    // Room around the head: crown above, both cheeks (ears just beyond) at the sides, and the
    // chin plus half a face of shoulders below, in face widths.
    let fw = g.face_width_px.max(1.0);
    let crown_room = if g.crown_at_edge {
        0.0
    } else {
        g.crown.map_or(0.0, |c| c.y)
    };
    let margins = [
        crown_room,
        g.cheek_right.x.min(g.cheek_left.x),
        w - g.cheek_right.x.max(g.cheek_left.x),
        h - g.chin.y - 0.5 * fw,
    ];
    let min_margin = margins.iter().copied().fold(f32::MAX, f32::min) / fw;
    out.push(ctx.judge(
        "framing.margins",
        f64::from(min_margin),
        "face widths",
        &Hints {
            ok: ("头顶、双耳和肩部都在画面内。", "Crown, ears and shoulders are inside the frame."),
            low: ("头部或肩部太靠近画面边缘：请退后一点，让头顶和肩膀完整入镜。", "Head or shoulders touch the frame: step back so the whole head and shoulders are in the photo."),
            high: ("", ""),
        },
        face_box,
    ));

    // Half-length (半身照), as the guide asks: the photo goes on below the chin to the chest, so
    // both shoulders and the upper chest are in it (about one face width below the chin), and
    // the standardised photo's lower part is the person, not filled in.
    let below_chin = (h - g.chin.y).max(0.0) / fw;
    let chest = crate::analysis::BoxF {
        x: (g.chin.x - fw).max(0.0),
        y: g.chin.y.min(h),
        width: (2.0 * fw).min(w),
        height: (h - g.chin.y).max(0.0),
    };
    out.push(ctx.judge(
        "framing.half_length",
        f64::from(below_chin),
        "face widths",
        &Hints {
            ok: ("拍到了胸部（半身照）。", "Half-length: the photo reaches the chest."),
            low: ("照片只拍到脖子：请拍半身照，双肩和胸部上方都要入镜。", "The photo stops at the neck: take a half-length photo with both shoulders and the upper chest in it."),
            high: ("", ""),
        },
        Some(chest),
    ));

    let Some(head) = HeadFrame::of(face) else {
        for id in [
            "geometry.crown",
            "geometry.eye_line",
            "geometry.face_width",
            "geometry.centered",
        ] {
            out.push(not_evaluated(
                id,
                "px",
                "未能找到头顶（人像分割失败）。",
                "The crown could not be found (no person mask).",
            ));
        }
        return Ok(());
    };
    let spec = &ctx.preset.geometry;
    let (_, p) = best_crop(
        &head,
        ctx.photo.image.width(),
        ctx.photo.image.height(),
        &ctx.preset.output,
        spec,
    );
    let range = |r: Option<[f32; 2]>| {
        r.map(|[lo, hi]| AllowedRange {
            min: Some(lo.into()),
            max: Some(hi.into()),
        })
    };
    let crown_box = g
        .crown
        .and_then(|c| bbox_of(&[c], 0.0))
        .map(|b| crate::analysis::BoxF {
            x: b.x - fw / 2.0,
            y: b.y - 4.0,
            width: fw,
            height: 8.0,
        });
    let eye_box = bbox_of(&[g.eye_right, g.eye_left], 0.3);
    let geometry_rules = [
        (
            "geometry.crown",
            p.crown_px,
            spec.crown_px,
            Hints {
                ok: ("头顶位置合适。", "The crown sits in range."),
                low: (
                    "头顶离上边缘太近：请在头顶上方多留一些空间（相机稍抬高或人稍往下）。",
                    "Crown too close to the top: leave more room above the head.",
                ),
                high: (
                    "头顶离上边缘太远：请靠近一些，让头部在画面中更大。",
                    "Crown too far from the top: come closer so the head is larger.",
                ),
            },
            crown_box,
        ),
        (
            "geometry.eye_line",
            p.eye_line_px,
            spec.eye_line_px,
            Hints {
                ok: ("眼睛高度合适。", "The eye line sits in range."),
                low: (
                    "眼睛离上边缘太近：头顶上方空间不足，请退后一点。",
                    "Eyes too close to the top: step back a little.",
                ),
                high: (
                    "眼睛离上边缘太远：请靠近一点或降低相机。",
                    "Eyes too far from the top: come a little closer.",
                ),
            },
            eye_box,
        ),
        (
            "geometry.face_width",
            p.face_width_px,
            spec.face_width_px,
            Hints {
                ok: ("脸宽合适。", "The face width is in range."),
                low: (
                    "脸在成片中太窄：请靠近一些。",
                    "The face would be too narrow: come closer.",
                ),
                high: (
                    "脸在成片中太宽：请退后一些。",
                    "The face would be too wide: step back.",
                ),
            },
            face_box,
        ),
    ];
    for (id, value, r, hints, region) in geometry_rules {
        match range(r) {
            Some(allowed) => out.push(judge_range(
                id,
                f64::from(value),
                "px",
                allowed,
                &hints,
                region,
            )),
            None => out.push(not_evaluated(
                id,
                "px",
                "规格未规定此项。",
                "The preset sets no range for this.",
            )),
        }
    }
    out.push(ctx.judge(
        "geometry.centered",
        f64::from(p.centre_offset_px.abs()),
        "px",
        &Hints {
            ok: ("人像左右居中。", "The portrait is centred."),
            low: ("人像左右居中。", "The portrait is centred."),
            high: ("人像偏向一侧且画面不够宽：请站到画面中间。", "The face is off to one side with no room to centre it: stand in the middle of the frame."),
        },
        face_box,
    ));
    Ok(())
}
