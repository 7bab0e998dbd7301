//! Exposure, evenness, contrast, specular spots and colour cast, measured on the face region in
//! CIELAB so that numbers match what people see.
//!
//! None of them judges skin colour. A face's median L* says as much about the person's skin as
//! about the camera: well-exposed portraits of people with dark skin read L* 31–32 here, light
//! skin 60–80. So exposure is judged by what the camera got wrong, with references every
//! portrait has: the brightest part of the whole frame (a wall, a shirt, the eyes' whites), which
//! a dim photo leaves grey, and the face's own darkest features (pupils, brows, the lip line),
//! which a washed-out photo leaves grey; the face's median only has to stay out of what no skin
//! reads at a correct exposure. Evenness compares the two cheeks as a ratio of light (in stops),
//! which is the same for every skin tone.

use super::face_frame::FaceFrame;
use super::{no_single_face, not_evaluated, worse, Context, Hints, RuleResult};
use crate::analysis::regions::Region;
use crate::colour::{lab, lightness, luminance, Lab};
use crate::error::Result;

/// Where the `q` quantile sits among `len` sorted values.
fn rank(len: usize, q: f32) -> usize {
    ((len - 1) as f32 * q).round() as usize
}

fn percentile(sorted: &[f32], q: f32) -> f32 {
    sorted[rank(sorted.len(), q)]
}

/// One quantile of unsorted values: the value [`percentile`] finds once they are sorted.
fn quantile(mut v: Vec<f32>, q: f32) -> f32 {
    let k = rank(v.len(), q);
    *v.select_nth_unstable_by(k, f32::total_cmp).1
}

pub(crate) fn run(ctx: &Context, out: &mut Vec<RuleResult>) -> Result<()> {
    let ids = [
        ("lighting.exposure", "L*"),
        ("lighting.even", "EV"),
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
    let frame = FaceFrame::new(face);
    let mut all: Vec<Lab> = Vec::new();
    let (mut left, mut right) = (Vec::new(), Vec::new());
    for (label, px, h, a) in frame.cells(ctx, map) {
        if label != Region::Face {
            continue;
        }
        let v = lab(px);
        all.push(v);
        if frame.in_cheeks(h, a) {
            if a < 0.0 {
                left.push(v.l);
            } else {
                right.push(v.l);
            }
        }
    }
    if all.len() < 200 || left.len() < 20 || right.len() < 20 {
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
    out.push(exposure(ctx, &l, face_box));
    // The cheeks' light ratio in stops: |log2(Y_left / Y_right)| of their median lightness.
    let median = |v: &mut [f32]| super::median(v).expect("20 or more cheek pixels");
    let (yl, yr) = (luminance(median(&mut left)), luminance(median(&mut right)));
    let stops = (yl.max(1e-4) / yr.max(1e-4)).log2().abs();
    out.push(ctx.judge(
        "lighting.even",
        f64::from(stops),
        "EV",
        &Hints {
            ok: ("脸部左右光线均匀。", "Light is even on both sides of the face."),
            low: ("脸部左右光线均匀。", "Light is even on both sides of the face."),
            high: ("阴阳脸：一侧脸明显更暗。请正对光源，或用白纸/白墙给暗侧补光。", "One side of the face is much darker: face the light, or bounce light onto the dark side with white paper."),
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

/// Exposure in three parts, each against its own limit; the rule reports the worst of them.
/// - the face's median L* (`lighting.exposure`): only a face far darker or brighter than any
///   skin at a correct exposure;
/// - the frame's highlights, the 99th percentile L* of the whole photo
///   (`lighting.exposure.highlights`): an underexposed photo has nothing near white;
/// - the face's shadows, its 5th percentile L* (`lighting.exposure.shadows`): a washed-out photo
///   leaves even the pupils and brows grey.
fn exposure(ctx: &Context, face_l: &[f32], region: Option<crate::analysis::BoxF>) -> RuleResult {
    const ID: &str = "lighting.exposure";
    let dark = Hints {
        ok: ("曝光合适。", "Exposure is right."),
        low: (
            "照片太暗：请到光线更好的地方，或面向窗户/光源。",
            "The photo is too dark: find brighter light or face the window.",
        ),
        high: (
            "脸部过亮：请避开直射光或闪光灯。",
            "The face is too bright: avoid direct sun or flash.",
        ),
    };
    let face = ctx.judge(ID, f64::from(percentile(face_l, 0.5)), "L*", &dark, region);
    let frame_l: Vec<f32> = ctx.small.pixels().map(|p| lightness(p.0)).collect();
    // A part is judged against its own key and reported under the rule's id.
    let part = |key: &'static str, measured: f32, hints: &Hints, region| {
        let mut r = ctx.judge(key, f64::from(measured), "L*", hints, region);
        r.id = ID;
        r
    };
    let highlights = part(
        "lighting.exposure.highlights",
        quantile(frame_l, 0.99),
        &Hints {
            ok: dark.ok,
            low: (
                "整张照片偏暗（画面中最亮处也发灰）：请到更亮的地方拍摄，或提高曝光。",
                "The whole photo is dark (even its brightest parts are grey): shoot in brighter light or raise the exposure.",
            ),
            high: dark.ok,
        },
        None,
    );
    let shadows = part(
        "lighting.exposure.shadows",
        percentile(face_l, 0.05),
        &Hints {
            ok: dark.ok,
            low: dark.ok,
            high: (
                "照片过曝发白（眉毛、瞳孔也发灰）：请避开强光，降低曝光。",
                "The photo is washed out (even brows and pupils look grey): avoid strong light and lower the exposure.",
            ),
        },
        region,
    );
    worse(worse(face, highlights), shadows)
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
