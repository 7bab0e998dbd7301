//! The face's own axes (height above the eye midpoint, across it), on which the head-covering,
//! ear, forehead, jewellery and lighting rules lay their bands, and the cheeks' skin colour those
//! rules compare with.

use super::Context;
use crate::analysis::regions::{Region, RegionMap};
use crate::analysis::{mesh, Face};
use crate::colour::{lab, Lab};

/// Cheeks with less chroma (C*ab) than this come from a black-and-white photo: skin cannot be
/// told from fabric, nor lips from cheeks, by colour.
pub(crate) const MIN_CHEEK_CHROMA: f32 = 6.0;

/// The face's own axes, on which the head-covering, ear and forehead rules lay their bands:
/// `height` above the eye midpoint along the face's up direction and `across` it (positive
/// towards the image's right), in source pixels, so the bands follow a tilted head.
pub(crate) struct FaceFrame<'a> {
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
    pub fn cheek_skin(&self, ctx: &Context, map: &RegionMap) -> Option<Lab> {
        let cheeks: Vec<Lab> = self
            .cells(ctx, map)
            .filter(|&(label, _, h, a)| label == Region::Face && self.in_cheeks(h, a))
            .map(|(_, px, _, _)| lab(px))
            .collect();
        crate::colour::mean(&cheeks).filter(|_| cheeks.len() >= 20)
    }

    /// The highest point of either eyebrow.
    pub fn brow_top(&self) -> f32 {
        mesh::RIGHT_BROW
            .iter()
            .chain(mesh::LEFT_BROW.iter())
            .map(|&i| self.landmark_height(i))
            .fold(f32::MIN, f32::max)
    }

    /// Whether a cell labelled face lies in the band just above the eyebrows, across the middle
    /// of the forehead: where a fringe or a hat's brim shows first.
    pub fn in_forehead_band(&self, h: f32, a: f32) -> bool {
        let (brow_top, fw) = (self.brow_top(), self.fw);
        let top = self.landmark_height(mesh::FOREHEAD_TOP);
        h > brow_top + 0.03 * fw
            && h < brow_top + 0.4 * (top - brow_top).max(0.0)
            && a.abs() < 0.3 * fw
    }

    /// The cheeks below the eyes, clear of the nose and the outline: the skin these rules
    /// compare colours with (test it on pixels labelled face).
    pub fn in_cheeks(&self, h: f32, a: f32) -> bool {
        let (fw, a) = (self.fw, a.abs());
        h < -0.15 * fw && h > -0.45 * fw && a > 0.15 * fw && a < 0.35 * fw
    }

    /// Every cell of the statistics copy: its label, its colour, and the height and across of
    /// its centre.
    pub fn cells<'c>(
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
