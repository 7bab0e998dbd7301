//! The background behind the person and the clothing's colour against the preset background.

use super::{not_evaluated, Context, Hints, RuleResult, Status};
use crate::analysis::regions::Region;
use crate::colour::{delta_e, lab, mean};

pub(crate) fn run(ctx: &Context, out: &mut Vec<RuleResult>) {
    let needs = "需要一张人脸和人像分割才能区分背景与衣服。";
    let needs_en = "Needs one face and a person mask to tell background and clothing apart.";
    if ctx.regions.is_none() {
        for (id, unit) in [
            ("background.uniform", "ΔE"),
            ("background.shadow", "ΔL*"),
            ("clothing.color", "ΔE"),
            ("clothing.pattern", "var"),
        ] {
            out.push(not_evaluated(id, unit, needs, needs_en));
        }
        return;
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
    out.push(not_evaluated(
        "background.shadow",
        "ΔL*",
        "背景阴影检测尚未实现。",
        "Background shadow detection is not implemented yet.",
    ));

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
        return;
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
    out.push(not_evaluated(
        "clothing.pattern",
        "var",
        "衣服花纹检测尚未实现。",
        "Clothing pattern detection is not implemented yet.",
    ));
}
