//! The background behind the person and the clothing: its colour against the preset background,
//! blue clothing on a blue background, and stripes or busy prints.

use super::{not_evaluated, worse, Context, Hints, RuleResult};
use crate::analysis::regions::Region;
use crate::colour::{delta_e, lab, lightness, mean, Lab};
use crate::error::Result;
use crate::resample::average_within;

/// Clothing is judged for patterns with the face this many pixels wide: coarse enough that a
/// knit's or a heather's fine texture averages out, fine enough that stripes and checks stay.
const PATTERN_FACE_WIDTH: f32 = 40.0;

/// Whether a clothing colour is blue: hue 215°–300° with some colour (chroma over 12). A
/// per-pixel test, so a navy garment with a white collar or a gold logo is still mostly blue.
fn is_blue(c: &Lab) -> bool {
    c.chroma() > 12.0 && (215.0..=300.0).contains(&c.hue_deg())
}

pub(crate) fn run(ctx: &Context, out: &mut Vec<RuleResult>) -> Result<()> {
    let needs = "需要一张人脸和人像分割才能区分背景与衣服。";
    let needs_en = "Needs one face and a person mask to tell background and clothing apart.";
    if ctx.regions.is_none() {
        for (id, unit) in [
            ("background.uniform", "ΔE"),
            ("background.shadow", "ΔL*"),
            ("clothing.color", "ΔE"),
            ("clothing.pattern", "ΔL*"),
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
        let median = super::median(&mut d).expect("500 or more background pixels");
        let full = crate::analysis::BoxF {
            x: 0.0,
            y: 0.0,
            width: ctx.photo.image.width() as f32,
            height: ctx.photo.image.height() as f32,
        };
        out.push(ctx.judge(
            "background.uniform",
            f64::from(median),
            "ΔE",
            &Hints {
                ok: ("背景均匀干净。", "The background is plain and even."),
                low: ("背景均匀干净。", "The background is plain and even."),
                high: ("背景杂乱或不均匀：标准照会换成纯色背景，但在纯色墙前拍摄、画面中没有其他物品，头发边缘会更干净。", "Busy or uneven background: the standard photo gets a plain one, but a plain wall with nothing else in the frame gives cleaner edges around the hair."),
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
            let contrast = ctx.judge(
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
            // Blue is refused outright on a blue background (the guide: 禁止穿蓝色衣服), judged
            // as the blue share of the clothing's pixels under its own key.
            if lab(bg_rgb).b < -20.0 {
                let share =
                    clothing.iter().filter(|c| is_blue(c)).count() as f64 / clothing.len() as f64;
                let mut blue = ctx.judge(
                    "clothing.color.blue",
                    share,
                    "share",
                    &Hints {
                        ok: ("衣服不是蓝色。", "The clothing is not blue."),
                        low: ("衣服不是蓝色。", "The clothing is not blue."),
                        high: ("背景为蓝色，禁止穿蓝色衣服：请换一件非蓝色的有领衣服。", "The background is blue, so blue clothing is not allowed: wear a collared top in another colour."),
                    },
                    region,
                );
                blue.id = "clothing.color";
                out.push(worse(contrast, blue));
            } else {
                out.push(contrast);
            }
        }
        _ => out.push(not_evaluated(
            "clothing.color",
            "ΔE",
            "画面中衣服部分太少：请拍到胸部。",
            "Too little clothing visible: include the chest.",
        )),
    }
    pattern(ctx, out)?;
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
                let l = lightness(ctx.small.get_pixel(xx as u32, y).0);
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
            high: ("背景上可能有人影：标准照会换成纯色背景，但离墙约一米、光源从正面照射，人像边缘会更干净。", "There may be a shadow on the wall: the standard photo gets a plain background, but standing about 1 m from the wall with the light in front gives cleaner edges."),
        },
        region,
    ));
}

/// Stripes, checks and busy prints keep the clothing's contrast high everywhere; a plain
/// garment's edges (lapels, collar, folds) are few. Measured on a copy of the photo in which the
/// face is [`PATTERN_FACE_WIDTH`] pixels wide, as the median L* gradient over clothing pixels (all
/// four neighbours clothing too), so a knit's fine texture and a few strong edges do not count.
/// Measured at the statistics copy's finer scale, a grey heather T-shirt read as busy as a
/// striped one. Blind spot: a single logo or a print over a small part of the chest.
fn pattern(ctx: &Context, out: &mut Vec<RuleResult>) -> Result<()> {
    let (Some(map), Some(face)) = (&ctx.regions, ctx.face) else {
        out.push(not_evaluated(
            "clothing.pattern",
            "ΔL*",
            "需要一张人脸和人像分割。",
            "Needs one face and a person mask.",
        ));
        return Ok(());
    };
    let small = &ctx.small;
    let long = small.width().max(small.height());
    let face_small = face.geometry.face_width_px / ctx.k;
    let side = (long as f32 * PATTERN_FACE_WIDTH / face_small.max(1.0)).round() as u32;
    let (coarse, _) = average_within(small, side.max(8))?;
    let (cw, ch) = coarse.dimensions();
    let (sx, sy) = (
        small.width() as f32 / cw as f32,
        small.height() as f32 / ch as f32,
    );
    let is_clothing = |x: u32, y: u32| {
        let (mx, my) = (
            (((x as f32 + 0.5) * sx) as u32).min(map.width - 1),
            (((y as f32 + 0.5) * sy) as u32).min(map.height - 1),
        );
        map.labels[(my * map.width + mx) as usize] == Region::Clothing
    };
    let l = |x: u32, y: u32| lightness(coarse.get_pixel(x, y).0);
    let mut grads = Vec::new();
    for y in 1..ch.saturating_sub(1) {
        for x in 1..cw.saturating_sub(1) {
            if is_clothing(x, y)
                && is_clothing(x - 1, y)
                && is_clothing(x + 1, y)
                && is_clothing(x, y - 1)
                && is_clothing(x, y + 1)
            {
                grads.push((l(x + 1, y) - l(x - 1, y)).hypot(l(x, y + 1) - l(x, y - 1)));
            }
        }
    }
    if grads.len() < 30 {
        out.push(not_evaluated(
            "clothing.pattern",
            "ΔL*",
            "画面中衣服部分太少：请拍到胸部。",
            "Too little clothing visible: include the chest.",
        ));
        return Ok(());
    }
    let median = super::median(&mut grads).expect("30 or more gradients");
    let region = ctx.face.map(|f| crate::analysis::BoxF {
        x: f.bbox.x - f.bbox.width,
        y: f.geometry.chin.y + f.bbox.height * 0.3,
        width: f.bbox.width * 3.0,
        height: f.bbox.height,
    });
    out.push(ctx.judge(
        "clothing.pattern",
        f64::from(median),
        "ΔL*",
        &Hints {
            ok: (
                "衣服没有条纹或格子（单个标志或小面积印花测不出，请自行确认衣服为纯色）。",
                "No stripes or checks on the clothing (a single logo or a small print is not measured: check that it is plain).",
            ),
            low: (
                "衣服没有条纹或格子（单个标志或小面积印花测不出，请自行确认衣服为纯色）。",
                "No stripes or checks on the clothing (a single logo or a small print is not measured: check that it is plain).",
            ),
            high: (
                "衣服有条纹或复杂图案：请换一件纯色有领衣服。",
                "Striped or busy clothing: wear a plain, collared top.",
            ),
        },
        region,
    ));
    Ok(())
}
