//! What the person wears on the head and face: glasses (detected, then judged for tint and
//! glare), hats, jewellery (its own module); and whether ears and forehead show.
//!
//! Head coverings are judged by colour against the person's own hair *below the brow line*
//! (beside the cheeks), where no cap, hat or band can reach without hiding the eyes. An earlier
//! heuristic compared the top of the head with the hair at the temples and could not tell Grace
//! Hopper's cap from the astronaut's hair, because a cap also covers the temples.

use image::RgbImage;

use super::{no_single_face, no_threshold, not_evaluated, Context, Hints, RuleResult};
use crate::analysis::regions::{Region, RegionMap};
use crate::analysis::{mesh, BoxF, Face};
use crate::colour::{lab, luma, Lab};
use crate::error::Result;
use crate::resample::{resample, Rect};

pub(crate) fn run(ctx: &Context, out: &mut Vec<RuleResult>) -> Result<()> {
    // The cheeks' colour, the skin that the head-covering, jewellery, ear and forehead rules
    // compare with: taken once for all four.
    let skin = match (ctx.face, &ctx.regions) {
        (Some(face), Some(map)) => FaceFrame::new(face).cheek_skin(ctx, map),
        _ => None,
    };
    glasses(ctx, out);
    head_covering(ctx, skin, out);
    super::jewellery::run(ctx, skin, out)?;
    ears(ctx, skin, out);
    forehead(ctx, skin, out);
    Ok(())
}

/// The face's own axes, on which the head-covering, ear and forehead rules lay their bands:
/// `height` above the eye midpoint along the face's up direction and `across` it (positive
/// towards the image's right), in source pixels, so the bands follow a tilted head.
pub(super) struct FaceFrame<'a> {
    pub face: &'a Face,
    /// The face width: the unit of every band.
    pub fw: f32,
}

impl<'a> FaceFrame<'a> {
    pub fn new(face: &'a Face) -> Self {
        FaceFrame {
            face,
            fw: face.geometry.face_width_px,
        }
    }

    pub fn height(&self, x: f32, y: f32) -> f32 {
        let g = &self.face.geometry;
        (x - g.eye_mid.x) * g.up.x + (y - g.eye_mid.y) * g.up.y
    }

    pub fn across(&self, x: f32, y: f32) -> f32 {
        let g = &self.face.geometry;
        (x - g.eye_mid.x) * -g.up.y + (y - g.eye_mid.y) * g.up.x
    }

    pub fn landmark_height(&self, i: usize) -> f32 {
        let p = self.face.landmarks[i];
        self.height(p[0], p[1])
    }

    /// The photo point at `across`, `height` on the face's axes: the inverse of the two above.
    pub fn point(&self, across: f32, height: f32) -> crate::analysis::Point {
        let g = &self.face.geometry;
        crate::analysis::Point {
            x: g.eye_mid.x - across * g.up.y + height * g.up.x,
            y: g.eye_mid.y + across * g.up.x + height * g.up.y,
        }
    }

    /// The mean colour of the cheeks (pixels labelled face in [`Self::in_cheeks`]); `None` when
    /// fewer than 20 cells show them.
    fn cheek_skin(&self, ctx: &Context, map: &RegionMap) -> Option<Lab> {
        let cheeks: Vec<Lab> = self
            .cells(ctx, map)
            .filter(|&(label, _, h, a)| label == Region::Face && self.in_cheeks(h, a))
            .map(|(_, px, _, _)| lab(px))
            .collect();
        crate::colour::mean(&cheeks).filter(|_| cheeks.len() >= 20)
    }

    /// The highest point of either eyebrow.
    fn brow_top(&self) -> f32 {
        mesh::RIGHT_BROW
            .iter()
            .chain(mesh::LEFT_BROW.iter())
            .map(|&i| self.landmark_height(i))
            .fold(f32::MIN, f32::max)
    }

    /// The cheeks below the eyes, clear of the nose and the outline: the skin these rules
    /// compare colours with (test it on pixels labelled face).
    fn in_cheeks(&self, h: f32, a: f32) -> bool {
        let (fw, a) = (self.fw, a.abs());
        h < -0.15 * fw && h > -0.45 * fw && a > 0.15 * fw && a < 0.35 * fw
    }

    /// Every cell of the statistics copy: its label, its colour, and the height and across of
    /// its centre.
    fn cells<'c>(
        &'c self,
        ctx: &'c Context,
        map: &'c RegionMap,
    ) -> impl Iterator<Item = (Region, [u8; 3], f32, f32)> + 'c {
        map.labels
            .iter()
            .zip(ctx.small.pixels())
            .enumerate()
            .map(move |(i, (label, px))| {
                let (x, y) = (
                    ((i as u32 % map.width) as f32 + 0.5) * ctx.k,
                    ((i as u32 / map.width) as f32 + 0.5) * ctx.k,
                );
                (*label, px.0, self.height(x, y), self.across(x, y))
            })
    }
}

/// A head covering (cap, hat, headscarf, band) shows as a large part of the head above the brows
/// whose colour is neither skin nor the person's own hair. The hair colour is taken *below the
/// brow line*, beside the cheeks (between the mouth and the eyes, outside the face outline, inside
/// the person mask): a covering never reaches there without hiding the eyes, so whatever is there
/// (not skin) is the person's hair. The head above the brows is then counted pixel by pixel: a
/// pixel farther than `head.covering_delta_e` from both that hair colour and the cheek skin is
/// covering. Hair of one colour (dark, light, brown) under any light matches its own sides; a
/// bald head or a high forehead matches the skin. Measured: the covered share of the head.
/// Blind spots (documented, never a false pass by design of the reason): a cap the colour of the
/// hair, and a person whose hair does not reach below the eyes beside the face (no reference:
/// `not_evaluated`).
fn head_covering(ctx: &Context, skin: Option<Lab>, out: &mut Vec<RuleResult>) {
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
    let (mut head, mut sides) = (Vec::new(), Vec::new());
    for (label, px, h, a) in frame.cells(ctx, map) {
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
    let covered = head
        .iter()
        .filter(|v| {
            crate::colour::delta_e(**v, hair_colour) > cut
                && crate::colour::delta_e(**v, skin) > cut
        })
        .count() as f64
        / head.len() as f64;
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
                "头部有帽子或头饰：请摘下帽子、头巾、发箍等，露出头发。",
                "A hat or headwear covers the head: take off caps, scarves and hair bands.",
            ),
        },
        region,
    ));
}

/// The ears sit beside the face between the eyebrows and the tip of the nose, just outside the
/// face outline. There the person holds only ear (skin) and hair: an ear shows as skin, hair
/// combed over it as hair. Per side, the share of a band (from just outside the outline to a
/// quarter face width beyond it) taken by person pixels within `ears.skin_delta_e` of the cheeks'
/// skin; the band's background pixels count in its area, so a side the mask leaves empty scores
/// 0 (nothing of an ear shows) rather than being skipped. Measured: the smaller side, so one
/// covered ear fails ("both, symmetric"). Blind spot (documented): hair of the skin's colour.
fn ears(ctx: &Context, skin: Option<Lab>, out: &mut Vec<RuleResult>) {
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

/// Hair over the forehead (a fringe down to the eyebrows) shows as non-skin pixels in the band
/// just above the eyebrows, inside the face outline. Measured as the share of that band whose
/// colour is further from the cheeks' skin than the preset's `forehead.hair_delta_e` (lighting
/// alone moves forehead skin some way from the cheeks, so the cut-off sits above that).
fn forehead(ctx: &Context, skin: Option<Lab>, out: &mut Vec<RuleResult>) {
    let (Some(face), Some(map)) = (ctx.face, &ctx.regions) else {
        out.push(no_single_face("forehead.visible", "share"));
        return;
    };
    let g = &face.geometry;
    let frame = FaceFrame::new(face);
    let fw = frame.fw;
    let brow_top = frame.brow_top();
    let top = face.landmarks[mesh::FOREHEAD_TOP];
    let forehead_top = frame.landmark_height(mesh::FOREHEAD_TOP);
    let (band_lo, band_hi) = (
        brow_top + 0.03 * fw,
        brow_top + 0.4 * (forehead_top - brow_top).max(0.0),
    );
    let mut band = Vec::new();
    for (label, px, h, a) in frame.cells(ctx, map) {
        if label == Region::Face && h > band_lo && h < band_hi && a.abs() < 0.3 * fw {
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

/// A patch of the photo resampled to `width` columns (height in proportion).
fn patch(img: &RgbImage, x0: f32, y0: f32, x1: f32, y1: f32, width: u32) -> Option<RgbImage> {
    let (x0, y0) = (x0.max(0.0), y0.max(0.0));
    let (x1, y1) = (x1.min(img.width() as f32), y1.min(img.height() as f32));
    if x1 - x0 < 4.0 || y1 - y0 < 4.0 {
        return None;
    }
    let h = ((width as f32 * (y1 - y0) / (x1 - x0)).round() as u32).max(4);
    resample(
        img,
        Rect {
            left: x0.into(),
            top: y0.into(),
            width: (x1 - x0).into(),
            height: (y1 - y0).into(),
        },
        width,
        h,
    )
    .ok()
}

/// Glasses score: the strongest horizontal edge across the nose bridge between the eyes (where a
/// frame's bridge crosses smooth skin), as a percentage of the cheeks' mean luminance so that
/// lighting and skin tone cancel (dark lenses would inflate a spread-based normaliser). The top
/// of the strip stops below the eyebrows.
pub(crate) fn glasses_score(img: &RgbImage, face: &Face) -> Option<f32> {
    let g = &face.geometry;
    let (xi0, xi1) = (
        face.landmarks[mesh::RIGHT_EYE_INNER][0],
        face.landmarks[mesh::LEFT_EYE_INNER][0],
    );
    let ied = g.inter_eye_px;
    let inset = 0.2 * (xi1 - xi0);
    let strip = patch(
        img,
        xi0 + inset,
        g.eye_mid.y - 0.38 * ied,
        xi1 - inset,
        g.eye_mid.y + 0.15 * ied,
        32,
    )?;
    let lum = |x: u32, y: u32| luma(strip.get_pixel(x, y).0);
    let peak = (1..strip.height() - 1)
        .map(|y| {
            (0..strip.width())
                .map(|x| (lum(x, y + 1) - lum(x, y - 1)).abs())
                .sum::<f32>()
                / strip.width() as f32
        })
        .fold(0.0, f32::max);
    // The cheeks, below the eyes and any frame.
    let cheeks: Vec<f32> = [g.eye_right, g.eye_left]
        .iter()
        .filter_map(|e| {
            patch(
                img,
                e.x - 0.2 * ied,
                e.y + 0.7 * ied,
                e.x + 0.2 * ied,
                e.y + 0.85 * ied,
                16,
            )
        })
        .flat_map(|p| p.pixels().map(|q| luma(q.0)).collect::<Vec<_>>())
        .collect();
    let mean = cheeks.iter().sum::<f32>() / cheeks.len().max(1) as f32;
    Some(100.0 * peak / mean.max(1.0))
}

fn glasses(ctx: &Context, out: &mut Vec<RuleResult>) {
    let ids = [
        ("glasses.tinted", "ΔL*"),
        ("glasses.glare", "share"),
        ("glasses.frame_over_eyes", "share"),
    ];
    let Some(face) = ctx.face else {
        for (id, unit) in ids {
            out.push(no_single_face(id, unit));
        }
        return;
    };
    let img = &ctx.photo.image;
    let (Some(score), Some(limit)) = (
        glasses_score(img, face),
        ctx.thresholds.get("glasses.detected").and_then(|t| t.max),
    ) else {
        for (id, unit) in ids {
            out.push(not_evaluated(
                id,
                unit,
                "无法测量眼镜。",
                "Glasses could not be measured.",
            ));
        }
        return;
    };
    let g = &face.geometry;
    let eyes = BoxF {
        x: g.eye_right.x - 0.6 * g.inter_eye_px,
        y: g.eye_mid.y - 0.4 * g.inter_eye_px,
        width: 2.2 * g.inter_eye_px,
        height: 0.8 * g.inter_eye_px,
    };
    if f64::from(score) <= limit {
        // No glasses: nothing to tint, glare or cover the eyes.
        let no_glasses = Hints {
            ok: ("未佩戴眼镜。", "No glasses."),
            low: ("未佩戴眼镜。", "No glasses."),
            high: ("", ""),
        };
        for (id, _) in ids {
            let mut r = super::judge_range(
                id,
                f64::from(score),
                "glasses score",
                super::Allowed {
                    min: None,
                    max: Some(limit),
                },
                &no_glasses,
                None,
            );
            r.allowed = Some(super::Allowed {
                min: None,
                max: Some(limit),
            });
            out.push(r);
        }
        return;
    }
    // Glasses: compare the skin seen through the lenses (just below each eye) with the cheek
    // below the frame. Tinted lenses darken the first; glare shows as clipped pixels around the eyes.
    let ied = g.inter_eye_px;
    let through = [g.eye_right, g.eye_left]
        .iter()
        .filter_map(|e| {
            patch(
                img,
                e.x - 0.25 * ied,
                e.y + 0.12 * ied,
                e.x + 0.25 * ied,
                e.y + 0.25 * ied,
                16,
            )
        })
        .flat_map(|p| p.pixels().map(|q| lab(q.0).l).collect::<Vec<_>>())
        .collect::<Vec<f32>>();
    let cheek = [g.eye_right, g.eye_left]
        .iter()
        .filter_map(|e| {
            patch(
                img,
                e.x - 0.25 * ied,
                e.y + 0.7 * ied,
                e.x + 0.25 * ied,
                e.y + 0.85 * ied,
                16,
            )
        })
        .flat_map(|p| p.pixels().map(|q| lab(q.0).l).collect::<Vec<_>>())
        .collect::<Vec<f32>>();
    let median = |mut v: Vec<f32>| {
        v.sort_by(f32::total_cmp);
        v.get(v.len() / 2).copied()
    };
    match (median(through), median(cheek)) {
        (Some(t), Some(c)) => out.push(ctx.judge(
            "glasses.tinted",
            f64::from(c - t),
            "ΔL*",
            &Hints {
                ok: ("眼镜镜片无色。", "The lenses are clear."),
                low: ("眼镜镜片无色。", "The lenses are clear."),
                high: (
                    "镜片有颜色或变色：请换无色镜片，或摘下眼镜。",
                    "Tinted or photochromic lenses: wear clear lenses or take the glasses off.",
                ),
            },
            Some(eyes),
        )),
        _ => out.push(not_evaluated(
            "glasses.tinted",
            "ΔL*",
            "镜片区域不完整。",
            "The lens area is cut off.",
        )),
    }
    let around = patch(
        img,
        eyes.x,
        eyes.y,
        eyes.x + eyes.width,
        eyes.y + eyes.height,
        96,
    );
    match around {
        Some(p) => {
            let n = (p.width() * p.height()) as f64;
            let clipped = p.pixels().filter(|q| lab(q.0).l >= 95.0).count() as f64 / n;
            out.push(ctx.judge(
                "glasses.glare",
                clipped,
                "share",
                &Hints {
                    ok: ("镜片没有反光。", "No glare on the lenses."),
                    low: ("镜片没有反光。", "No glare on the lenses."),
                    high: ("镜片反光：请稍微低头或调整光源角度，避免闪光灯。", "Glare on the lenses: tilt the glasses slightly or move the light; no flash."),
                },
                Some(eyes),
            ));
        }
        None => out.push(not_evaluated(
            "glasses.glare",
            "share",
            "镜片区域不完整。",
            "The lens area is cut off.",
        )),
    }
    match frame_over_eyes(img, &face.landmarks) {
        Some(share) => out.push(ctx.judge(
            "glasses.frame_over_eyes",
            f64::from(share),
            "share",
            &Hints {
                ok: ("镜框没有遮挡眼睛。", "The frame does not cover the eyes."),
                low: ("镜框没有遮挡眼睛。", "The frame does not cover the eyes."),
                high: (
                    "镜框遮挡了眼睛：请调整眼镜位置，或摘下眼镜。",
                    "The glasses frame runs across the eyes: push the glasses up or take them off.",
                ),
            },
            Some(eyes),
        )),
        None => out.push(not_evaluated(
            "glasses.frame_over_eyes",
            "share",
            "眼睛太小或未睁开，无法判断镜框位置。",
            "The eyes are too small or not open enough to see where the frame runs.",
        )),
    }
}

/// How much of a row through the eye a dark line covers, at worst over the rows between the lids
/// and over both eyes. Each row runs along the eye line from a quarter of the eye's width beyond
/// the inner corner to as far beyond the outer one: an open eye is dark only over the iris and
/// the lashes at the corners, with sclera inside and skin outside; a rim running across the eye
/// continues across the lens to both sides and darkens the whole row. Sampling along the eye
/// line keeps a tilted head reading the same. `None` when either eye is under 3 px open.
fn frame_over_eyes(img: &RgbImage, landmarks: &[[f32; 3]]) -> Option<f32> {
    use crate::analysis::mesh::*;
    let eyes = [
        (
            RIGHT_EYE_INNER,
            RIGHT_EYE_OUTER,
            RIGHT_EYE_UPPER,
            RIGHT_EYE_LOWER,
        ),
        (
            LEFT_EYE_INNER,
            LEFT_EYE_OUTER,
            LEFT_EYE_UPPER,
            LEFT_EYE_LOWER,
        ),
    ];
    let at = |i: usize| landmarks.get(i).map(|p| (p[0], p[1]));
    let lightness = |x: f32, y: f32| -> Option<f32> {
        let (xi, yi) = (x.round(), y.round());
        (xi >= 0.0 && yi >= 0.0 && (xi as u32) < img.width() && (yi as u32) < img.height())
            .then(|| lab(img.get_pixel(xi as u32, yi as u32).0).l)
    };
    let mut worst = 0.0f32;
    for (inner, outer, upper, lower) in eyes {
        let ((ix, iy), (ox, oy)) = (at(inner)?, at(outer)?);
        let ((_, uy), (_, ly)) = (at(upper)?, at(lower)?);
        let gap = ly - uy;
        if gap < 3.0 {
            return None;
        }
        // Middle half of the opening, away from the lashes along each lid.
        let rows: Vec<Vec<f32>> = (0..5)
            .map(|r| {
                let dy = uy + gap * (0.25 + 0.5 * r as f32 / 4.0) - (iy + oy) / 2.0;
                (0..32)
                    .filter_map(|c| {
                        let t = -0.25 + 1.5 * c as f32 / 31.0;
                        lightness(ix + (ox - ix) * t, iy + (oy - iy) * t + dy)
                    })
                    .collect()
            })
            .collect();
        let mut all: Vec<f32> = rows.iter().flatten().copied().collect();
        if all.len() < 48 {
            return None;
        }
        all.sort_by(f32::total_cmp);
        // The bright end of the rows: sclera and the skin beside the eye.
        let bright = all[all.len() * 9 / 10];
        for row in &rows {
            let dark = row.iter().filter(|&&l| l < bright - 25.0).count();
            worst = worst.max(dark as f32 / row.len().max(1) as f32);
        }
    }
    Some(worst)
}
