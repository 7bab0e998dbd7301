//! The background behind the person and the clothing's colour against the preset background.

use super::{not_evaluated, Context, Hints, RuleResult, Status};
use crate::analysis::regions::Region;
use crate::colour::{delta_e, lab, mean};
use crate::error::Result;

pub(crate) fn run(ctx: &Context, out: &mut Vec<RuleResult>) -> Result<()> {
    let needs = "需要一张人脸和人像分割才能区分背景与衣服。";
    let needs_en = "Needs one face and a person mask to tell background and clothing apart.";
    if ctx.regions.is_none() {
        for (id, unit) in [
            ("background.uniform", "ΔE"),
            ("background.shadow", "ΔL*"),
            ("clothing.color", "ΔE"),
            ("clothing.pattern", "grad"),
        ] {
            out.push(not_evaluated(id, unit, needs, needs_en));
        }
        return Ok(());
    }
    // Background: how far its pixels spread around their mean colour (median ΔE). Flags,
    // posters and furniture spread far; an even wall, even with mild shading, does not.
    let background: Vec<_> = ctx
        .pixels_in(Region::Background)
        .into_iter()
        .map(lab)
        .collect();
    if background.len() < 500 {
        out.push(not_evaluated(
            "background.uniform",
            "ΔE",
            "背景可见部分太少，无法判断。",
            "Too little background is visible to judge.",
        ));
    } else if let Some(m) = mean(&background) {
        let mut d: Vec<f32> = background.iter().map(|v| delta_e(*v, m)).collect();
        d.sort_by(f32::total_cmp);
        let full = crate::analysis::BoxF {
            x: 0.0,
            y: 0.0,
            width: ctx.photo.image.width() as f32,
            height: ctx.photo.image.height() as f32,
        };
        out.push(ctx.judge(
            "background.uniform",
            f64::from(d[d.len() / 2]),
            "ΔE",
            &Hints {
                ok: ("背景均匀干净。", "The background is plain and even."),
                low: ("背景均匀干净。", "The background is plain and even."),
                high: ("背景杂乱或不均匀：请站在纯色墙面前拍摄，画面中不要有其他物品。", "Busy or uneven background: stand before a plain wall with nothing else in the frame."),
            },
            Some(full),
        ));
    }
    shadow(ctx, out);

    let clothing: Vec<_> = ctx
        .pixels_in(Region::Clothing)
        .into_iter()
        .map(lab)
        .collect();
    let Ok(bg_rgb) = ctx.preset.background.rgb() else {
        out.push(not_evaluated(
            "clothing.color",
            "ΔE",
            "规格背景色无效。",
            "The preset's background colour is invalid.",
        ));
        return Ok(());
    };
    match mean(&clothing) {
        Some(m) if clothing.len() >= 200 => {
            let region = ctx.face.map(|f| crate::analysis::BoxF {
                x: f.bbox.x - f.bbox.width,
                y: f.geometry.chin.y + f.bbox.height * 0.3,
                width: f.bbox.width * 3.0,
                height: f.bbox.height,
            });
            let mut r = ctx.judge(
                "clothing.color",
                f64::from(delta_e(m, lab(bg_rgb))),
                "ΔE",
                &Hints {
                    ok: ("衣服颜色与背景区分明显。", "The clothing stands out from the background."),
                    low: ("衣服颜色与背景太接近：请换一件与背景反差大的深色或白色有领衣服。", "Clothing too close to the background colour: wear a collared top that contrasts with it."),
                    high: ("衣服颜色与背景区分明显。", "The clothing stands out from the background."),
                },
                region,
            );
            // Blue is refused outright on a blue background (the guide: 禁止穿蓝色衣服).
            let blue = m.chroma() > 12.0 && (215.0..=300.0).contains(&m.hue_deg());
            let blue_background = lab(bg_rgb).b < -20.0;
            if blue && blue_background {
                r.status = Status::Fail;
                r.hint_zh = "背景为蓝色，禁止穿蓝色衣服：请换一件非蓝色的有领衣服。".into();
                r.hint_en = "The background is blue, so blue clothing is not allowed: wear a collared top in another colour.".into();
                r.region = region;
            }
            out.push(r);
        }
        _ => out.push(not_evaluated(
            "clothing.color",
            "ΔE",
            "画面中衣服部分太少：请拍到胸部。",
            "Too little clothing visible: include the chest.",
        )),
    }
    pattern(ctx, out);
    Ok(())
}

/// A shadow cast on the wall (the person stood too close to it) darkens the background next to
/// the silhouette compared with the background further away. Measured beside the head and
/// shoulders: L*(far band) − L*(near band), so a positive value means darker near the person.
fn shadow(ctx: &Context, out: &mut Vec<RuleResult>) {
    let (Some(face), Some(mask)) = (ctx.face, ctx.analysis.mask.as_ref()) else {
        out.push(not_evaluated(
            "background.shadow",
            "ΔL*",
            "需要一张人脸和人像分割。",
            "Needs one face and a person mask.",
        ));
        return;
    };
    let fw = face.geometry.face_width_px;
    let w = ctx.small.width() as i32;
    let (mut near, mut far) = (Vec::new(), Vec::new());
    let top = face.geometry.crown.map_or(face.bbox.y, |c| c.y);
    let bottom = face.geometry.chin.y + fw;
    for y in 0..ctx.small.height() {
        let sy = (y as f32 + 0.5) * ctx.k;
        if sy < top || sy > bottom {
            continue;
        }
        for dir in [-1i32, 1] {
            // From the face's axis outwards to the silhouette's edge on this side, then into the
            // background until the next person pixel or 1.2 face widths.
            let mut x = (face.geometry.eye_mid.x / ctx.k) as i32;
            while x >= 0 && x < w && mask.at((x as f32 + 0.5) * ctx.k, sy) >= 0.5 {
                x += dir;
            }
            let edge = (x as f32 + 0.5) * ctx.k;
            let mut xx = x;
            while xx >= 0 && xx < w {
                let sx = (xx as f32 + 0.5) * ctx.k;
                let dist = (sx - edge).abs() / fw;
                if dist > 1.2 || (dist > 0.05 && mask.at(sx, sy) > 0.1) {
                    break;
                }
                let l = lab(ctx.small.get_pixel(xx as u32, y).0).l;
                if (0.05..0.3).contains(&dist) {
                    near.push(l);
                } else if (0.6..1.2).contains(&dist) {
                    far.push(l);
                }
                xx += dir;
            }
        }
    }
    if near.len() < 30 || far.len() < 30 {
        out.push(not_evaluated(
            "background.shadow",
            "ΔL*",
            "人像两侧可见背景太少，无法判断阴影。",
            "Too little background beside the person to judge shadows.",
        ));
        return;
    }
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    let region = Some(crate::analysis::BoxF {
        x: face.bbox.x - fw,
        y: top,
        width: face.bbox.width + 2.0 * fw,
        height: bottom - top,
    });
    out.push(ctx.judge(
        "background.shadow",
        f64::from(mean(&far) - mean(&near)),
        "ΔL*",
        &Hints {
            ok: ("背景上没有人影。", "No shadow on the background."),
            low: ("背景上没有人影。", "No shadow on the background."),
            high: ("背景上有人影：请离墙约一米远，光源从正面照射。", "A shadow falls on the wall: stand about 1 m from it with the light in front of you."),
        },
        region,
    ));
}

/// Stripes and busy prints keep the clothing's local contrast high everywhere; a plain garment's
/// edges (lapels, collar, folds) are few. Measured as the median gradient magnitude of luminance
/// over clothing pixels, so a few strong edges do not count.
fn pattern(ctx: &Context, out: &mut Vec<RuleResult>) {
    let Some(map) = &ctx.regions else {
        out.push(not_evaluated(
            "clothing.pattern",
            "grad",
            "需要一张人脸和人像分割。",
            "Needs one face and a person mask.",
        ));
        return;
    };
    let w = map.width;
    let luma = |x: u32, y: u32| crate::colour::luma(ctx.small.get_pixel(x, y).0);
    let is_clothing = |x: u32, y: u32| map.labels[(y * w + x) as usize] == Region::Clothing;
    let mut grads = Vec::new();
    for y in 1..map.height.saturating_sub(1) {
        for x in 1..w.saturating_sub(1) {
            if is_clothing(x, y)
                && is_clothing(x - 1, y)
                && is_clothing(x + 1, y)
                && is_clothing(x, y - 1)
                && is_clothing(x, y + 1)
            {
                let gx = luma(x + 1, y) - luma(x - 1, y);
                let gy = luma(x, y + 1) - luma(x, y - 1);
                grads.push(gx.hypot(gy));
            }
        }
    }
    if grads.len() < 200 {
        out.push(not_evaluated(
            "clothing.pattern",
            "grad",
            "画面中衣服部分太少：请拍到胸部。",
            "Too little clothing visible: include the chest.",
        ));
        return;
    }
    grads.sort_by(f32::total_cmp);
    let region = ctx.face.map(|f| crate::analysis::BoxF {
        x: f.bbox.x - f.bbox.width,
        y: f.geometry.chin.y + f.bbox.height * 0.3,
        width: f.bbox.width * 3.0,
        height: f.bbox.height,
    });
    out.push(ctx.judge(
        "clothing.pattern",
        f64::from(grads[grads.len() / 2]),
        "grad",
        &Hints {
            ok: ("衣服为纯色。", "The clothing is plain."),
            low: ("衣服为纯色。", "The clothing is plain."),
            high: (
                "衣服有条纹或复杂图案：请换一件纯色有领衣服。",
                "Striped or busy clothing: wear a plain, collared top.",
            ),
        },
        region,
    ));
}
