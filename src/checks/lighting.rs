//! Exposure, evenness, contrast, specular spots and colour cast, measured on the face region in
//! CIELAB so that numbers match what people see.

use super::{no_single_face, not_evaluated, Context, Hints, RuleResult};
use crate::analysis::regions::Region;
use crate::analysis::Point;
use crate::colour::{lab, Lab};
use crate::error::Result;

fn percentile(sorted: &[f32], q: f32) -> f32 {
    sorted[((sorted.len() - 1) as f32 * q).round() as usize]
}

pub(crate) fn run(ctx: &Context, out: &mut Vec<RuleResult>) -> Result<()> {
    let ids = [
        ("lighting.exposure", "L*"),
        ("lighting.even", "ΔL*"),
        ("lighting.dynamic_range", "L*"),
        ("lighting.hotspots", "share"),
        ("color.cast", "ΔE"),
    ];
    let (Some(face), Some(map)) = (ctx.face, &ctx.regions) else {
        for (id, unit) in ids {
            out.push(no_single_face(id, unit));
        }
        return Ok(());
    };
    // Face pixels with their side of the face's vertical axis.
    let g = &face.geometry;
    let mid = Point {
        x: g.eye_mid.x / ctx.k,
        y: g.eye_mid.y / ctx.k,
    };
    let across = Point {
        x: -g.up.y,
        y: g.up.x,
    };
    let mut all = Vec::new();
    let (mut left, mut right) = (Vec::new(), Vec::new());
    for (i, (label, px)) in map.labels.iter().zip(ctx.small.pixels()).enumerate() {
        if *label != Region::Face {
            continue;
        }
        let (x, y) = (
            (i as u32 % map.width) as f32 + 0.5,
            (i as u32 / map.width) as f32 + 0.5,
        );
        let v = lab(px.0);
        all.push(v);
        let side = (x - mid.x) * across.x + (y - mid.y) * across.y;
        if side < 0.0 {
            left.push(v.l);
        } else {
            right.push(v.l);
        }
    }
    if all.len() < 200 || left.len() < 50 || right.len() < 50 {
        for (id, unit) in ids {
            out.push(not_evaluated(
                id,
                unit,
                "脸部像素太少，无法判断光线。",
                "Too few face pixels to judge the light.",
            ));
        }
        return Ok(());
    }
    let mut l: Vec<f32> = all.iter().map(|v| v.l).collect();
    l.sort_by(f32::total_cmp);
    let face_box = Some(face.bbox);
    out.push(ctx.judge(
        "lighting.exposure",
        f64::from(percentile(&l, 0.5)),
        "L*",
        &Hints {
            ok: ("曝光合适。", "Exposure is right."),
            low: (
                "脸部太暗：请到光线更好的地方，或面向窗户/光源。",
                "The face is too dark: find brighter light or face the window.",
            ),
            high: (
                "脸部过亮：请避开直射光或闪光灯。",
                "The face is too bright: avoid direct sun or flash.",
            ),
        },
        face_box,
    ));
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    out.push(ctx.judge(
        "lighting.even",
        f64::from((mean(&left) - mean(&right)).abs()),
        "ΔL*",
        &Hints {
            ok: ("脸部左右光线均匀。", "Light is even on both sides of the face."),
            low: ("脸部左右光线均匀。", "Light is even on both sides of the face."),
            high: ("阴阳脸：一侧脸明显更暗。请正对光源，或用白纸/白墙给暗侧补光。", "One side of the face is darker: face the light, or bounce light onto the dark side with white paper."),
        },
        face_box,
    ));
    out.push(ctx.judge(
        "lighting.dynamic_range",
        f64::from(percentile(&l, 0.95) - percentile(&l, 0.05)),
        "L*",
        &Hints {
            ok: ("明暗层次正常。", "Contrast is normal."),
            low: (
                "画面发灰、层次不足：请擦拭镜头，避免逆光和雾气。",
                "The face looks flat and hazy: clean the lens and avoid backlight.",
            ),
            high: ("明暗层次正常。", "Contrast is normal."),
        },
        face_box,
    ));
    let clipped = all.iter().filter(|v| v.l >= 97.0).count() as f64 / all.len() as f64;
    out.push(ctx.judge(
        "lighting.hotspots",
        clipped,
        "share",
        &Hints {
            ok: ("脸部没有反光亮斑。", "No shiny hot spots on the face."),
            low: ("脸部没有反光亮斑。", "No shiny hot spots on the face."),
            high: (
                "额头或鼻子有反光亮斑：请避免闪光灯和直射光，可用纸巾吸去油光。",
                "Shiny spots on forehead or nose: avoid flash and direct light, blot the skin.",
            ),
        },
        face_box,
    ));
    out.push(ctx.judge(
        "color.cast",
        f64::from(skin_cast(&all)),
        "ΔE",
        &Hints {
            ok: ("肤色自然，无偏色。", "Skin colour is natural."),
            low: ("肤色自然，无偏色。", "Skin colour is natural."),
            high: (
                "照片偏色（肤色不自然）：请在自然白光下拍摄，关闭滤镜。",
                "Colour cast: shoot in neutral white light with filters off.",
            ),
        },
        face_box,
    ));
    Ok(())
}

/// Distance in the (a*, b*) plane from the face's mean colour to the band where human skin of
/// any complexion lies under neutral light: hue 20°–80°, chroma 8–45.
fn skin_cast(face: &[Lab]) -> f32 {
    let Some(m) = crate::colour::mean(face) else {
        return 0.0;
    };
    let (c, h) = (m.chroma(), m.hue_deg());
    let near_h = h.clamp(20.0, 80.0).to_radians();
    let near_c = c.clamp(8.0, 45.0);
    let (na, nb) = (near_c * near_h.cos(), near_c * near_h.sin());
    (m.a - na).hypot(m.b - nb)
}
