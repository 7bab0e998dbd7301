//! clothing.collar: the guide asks for a collared top (穿单色有领衣服，着正装). What tells a collar
//! from a crew or round neck is the shape of the bare skin below the chin: a collar closes it into
//! a narrow V or a small gap between the collar's points, a collarless neckline ends it in a wide
//! U across the base of the neck (or lower: a low neckline, bare shoulders). Measured as the width
//! of the skin just above where it ends, in face widths. Skin is told by the cheeks' own colour,
//! never by a skin colour of its own; a black-and-white photo, a neck out of the frame or skin that
//! runs off the frame are not judged.

use super::face_frame::{FaceFrame, MIN_CHEEK_CHROMA};
use super::{no_single_face, not_evaluated, Context, Hints, RuleResult};
use crate::analysis::{mesh, BoxF};
use crate::colour::{lab, Lab};

const ID: &str = "clothing.collar";
const UNIT: &str = "face widths";

/// The grid below the chin, in face widths: across (both sides) and down, one sample per step.
const HALF_WIDTH: f32 = 0.8;
const DEPTH: f32 = 1.2;
const STEP: f32 = 0.01;
/// Skin: within this distance in (a*, b*) of the cheeks' colour.
const SKIN_CHROMA: f32 = 12.0;
/// Where the neck's skin is looked for first: the centre line between these depths.
const SEED_DEPTH: (f32, f32) = (0.05, 0.35);
/// A row of the neck region narrower than this (face widths) is where the skin has ended.
const MIN_ROW_WIDTH: f32 = 0.03;
/// The band above the end of the skin whose mean width is the measure (face widths above it).
const BAND: (f32, f32) = (0.12, 0.06);
/// Why it is not judged when no neck skin is found below the chin.
const NECK_UNSEEN: (&str, &str) = (
    "照片中看不清脖子，无法判断是否有领：请拍到胸部的半身照。",
    "The neck is not clear in the photo, so the collar cannot be judged: take a half-length photo to the chest.",
);

pub(super) fn run(ctx: &Context, skin: Option<Lab>, out: &mut Vec<RuleResult>) {
    let Some(face) = ctx.face else {
        out.push(no_single_face(ID, UNIT));
        return;
    };
    let unjudged = |zh: &str, en: &str| not_evaluated(ID, UNIT, zh, en);
    let Some(skin) = skin.filter(|s| s.chroma() >= MIN_CHEEK_CHROMA) else {
        out.push(unjudged(
            "没有脸颊肤色参考（或照片为黑白），无法判断是否有领：请穿有领的衣服。",
            "No cheek colour to compare with (or a black-and-white photo), so the collar cannot be judged: wear a collared top.",
        ));
        return;
    };
    let frame = FaceFrame::new(face);
    let grid = Grid::sample(ctx, &frame, skin);
    let Some(seed) = grid.seed() else {
        out.push(unjudged(NECK_UNSEEN.0, NECK_UNSEEN.1));
        return;
    };
    let neck = grid.region(seed);
    if grid.touches_outside(&neck) {
        out.push(unjudged(
            "领口不在照片内，无法判断是否有领：请拍到胸部的半身照。",
            "The neckline is not in the photo, so the collar cannot be judged: take a half-length photo to the chest.",
        ));
        return;
    }
    let widths: Vec<f32> = (0..grid.rows)
        .map(|j| (0..grid.cols).filter(|&i| neck[grid.at(i, j)]).count() as f32 * STEP)
        .collect();
    let Some(end) = widths.iter().rposition(|&w| w >= MIN_ROW_WIDTH) else {
        out.push(unjudged(NECK_UNSEEN.0, NECK_UNSEEN.1));
        return;
    };
    let depth = |j: usize| j as f32 * STEP;
    let band: Vec<f32> = (0..=end)
        .filter(|&j| {
            let above = depth(end) - depth(j);
            above >= BAND.1 - 1e-4 && above <= BAND.0 + 1e-4
        })
        .map(|j| widths[j])
        .collect();
    let width = band.iter().sum::<f32>() / band.len().max(1) as f32;
    out.push(ctx.judge(
        ID,
        f64::from(width),
        UNIT,
        &Hints {
            ok: ("领口收窄，看起来是有领的衣服。", "The neckline closes narrowly: a collared top."),
            low: ("领口收窄，看起来是有领的衣服。", "The neckline closes narrowly: a collared top."),
            high: ("领口敞开较宽，看起来是无领的圆领或低领衣服：请穿有领的衬衫、Polo 衫或外套。", "A wide, open neckline, like a collarless crew or low neck: wear a collared shirt, polo or jacket."),
        },
        grid.region_box(&neck, end),
    ));
}

/// Skin samples on the face's axes below the chin: column `i` across, row `j` down.
struct Grid<'a> {
    frame: &'a FaceFrame<'a>,
    chin: f32,
    cols: usize,
    rows: usize,
    skin: Vec<bool>,
    inside: Vec<bool>,
}

impl<'a> Grid<'a> {
    fn sample(ctx: &Context, frame: &'a FaceFrame<'a>, cheek: Lab) -> Grid<'a> {
        let cols = (2.0 * HALF_WIDTH / STEP).round() as usize + 1;
        let rows = (DEPTH / STEP).round() as usize + 1;
        let chin = frame.landmark_height(mesh::CHIN);
        let img = &ctx.photo.image;
        let mut grid = Grid {
            frame,
            chin,
            cols,
            rows,
            skin: vec![false; cols * rows],
            inside: vec![false; cols * rows],
        };
        for j in 0..rows {
            for i in 0..cols {
                let p = grid.point(i, j);
                if p.x < 0.0 || p.y < 0.0 || p.x >= img.width() as f32 || p.y >= img.height() as f32
                {
                    continue;
                }
                let c = lab(img.get_pixel(p.x as u32, p.y as u32).0);
                let k = grid.at(i, j);
                grid.inside[k] = true;
                grid.skin[k] = (c.a - cheek.a).hypot(c.b - cheek.b) < SKIN_CHROMA;
            }
        }
        // An opening (erode, then dilate): lone skin-coloured specks of fabric do not join.
        grid.skin = grid.dilate(&grid.erode(&grid.skin));
        grid
    }

    fn at(&self, i: usize, j: usize) -> usize {
        j * self.cols + i
    }

    fn point(&self, i: usize, j: usize) -> crate::analysis::Point {
        let fw = self.frame.fw;
        let across = (i as f32 * STEP - HALF_WIDTH) * fw;
        self.frame.point(across, self.chin - j as f32 * STEP * fw)
    }

    /// The 4-neighbours of a cell inside the grid.
    fn neighbours(&self, k: usize) -> impl Iterator<Item = usize> + '_ {
        let (i, j) = (k % self.cols, k / self.cols);
        [
            (i > 0).then(|| k - 1),
            (i + 1 < self.cols).then(|| k + 1),
            (j > 0).then(|| k - self.cols),
            (j + 1 < self.rows).then(|| k + self.cols),
        ]
        .into_iter()
        .flatten()
    }

    fn erode(&self, m: &[bool]) -> Vec<bool> {
        (0..m.len())
            .map(|k| m[k] && self.neighbours(k).all(|n| m[n]))
            .collect()
    }

    fn dilate(&self, m: &[bool]) -> Vec<bool> {
        (0..m.len())
            .map(|k| m[k] || self.neighbours(k).any(|n| m[n]))
            .collect()
    }

    /// The first row down the centre line, within the seed depths, where the five centre samples
    /// are all skin: the neck.
    fn seed(&self) -> Option<usize> {
        let c = self.cols / 2;
        (0..self.rows)
            .filter(|&j| (SEED_DEPTH.0..=SEED_DEPTH.1 + 1e-4).contains(&(j as f32 * STEP)))
            .find(|&j| (c - 2..=c + 2).all(|i| self.skin[self.at(i, j)]))
            .map(|j| self.at(c, j))
    }

    /// The skin connected to `seed` (4-neighbours).
    fn region(&self, seed: usize) -> Vec<bool> {
        let mut region = vec![false; self.skin.len()];
        let mut stack = vec![seed];
        while let Some(k) = stack.pop() {
            if region[k] || !self.skin[k] {
                continue;
            }
            region[k] = true;
            stack.extend(self.neighbours(k));
        }
        region
    }

    /// Whether the region, grown by one sample, reaches outside the photo: the skin runs off the
    /// frame, so where it ends is not seen.
    fn touches_outside(&self, region: &[bool]) -> bool {
        self.dilate(region)
            .iter()
            .zip(&self.inside)
            .any(|(&r, &inside)| r && !inside)
    }

    /// The photo box around the region's last rows, for the overlay.
    fn region_box(&self, region: &[bool], end: usize) -> Option<BoxF> {
        let first = end.saturating_sub((BAND.0 / STEP).round() as usize);
        let points: Vec<_> = (first..=end)
            .flat_map(|j| (0..self.cols).map(move |i| (i, j)))
            .filter(|&(i, j)| region[self.at(i, j)])
            .map(|(i, j)| self.point(i, j))
            .collect();
        super::bbox_of(&points, 0.1)
    }
}
