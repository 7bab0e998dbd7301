//! Labelling the photo into background, face, hair, neck and clothing, from the person mask and
//! the mesh. Checks read colours and textures per region (clothing colour, background evenness,
//! hair over the forehead); standardisation uses the same labels.

use serde::Serialize;

use super::geometry::FaceGeometry;
use super::mesh;
use super::segment::PersonMask;
use super::Point;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[repr(u8)]
pub enum Region {
    Background = 0,
    Face = 1,
    Hair = 2,
    Neck = 3,
    Clothing = 4,
}

/// A label per pixel on a `width × height` grid over the whole image.
#[derive(Debug, Clone)]
pub struct RegionMap {
    pub width: u32,
    pub height: u32,
    pub labels: Vec<Region>,
}

/// Label a grid over the image. Face: inside the mesh's face oval. Below the chin the person is
/// neck down to a quarter of the eye–chin distance, clothing below that. Other person pixels
/// above the chin are hair (and ears, which the ear checks tell apart with the mesh).
pub fn label(
    mask: &PersonMask,
    points: &[[f32; 3]],
    g: &FaceGeometry,
    width: u32,
    height: u32,
) -> RegionMap {
    let oval: Vec<Point> = mesh::FACE_OVAL
        .iter()
        .map(|&i| Point {
            x: points[i][0],
            y: points[i][1],
        })
        .collect();
    let eye_chin = g.chin.dist(g.eye_mid);
    let (sx, sy) = (
        mask.image_width as f32 / width as f32,
        mask.image_height as f32 / height as f32,
    );
    let mut labels = Vec::with_capacity((width * height) as usize);
    for y in 0..height {
        for x in 0..width {
            let q = Point {
                x: (x as f32 + 0.5) * sx,
                y: (y as f32 + 0.5) * sy,
            };
            // Height above the chin along the face's own vertical axis.
            let above_chin = (q.x - g.chin.x) * g.up.x + (q.y - g.chin.y) * g.up.y;
            let region = if inside(&oval, q) {
                Region::Face
            } else if mask.at(q.x, q.y) < 0.5 {
                Region::Background
            } else if above_chin > 0.0 {
                Region::Hair
            } else if above_chin > -0.25 * eye_chin {
                Region::Neck
            } else {
                Region::Clothing
            };
            labels.push(region);
        }
    }
    RegionMap {
        width,
        height,
        labels,
    }
}

/// Even–odd point-in-polygon test.
fn inside(poly: &[Point], q: Point) -> bool {
    let mut odd = false;
    let mut j = poly.len() - 1;
    for i in 0..poly.len() {
        let (a, b) = (poly[i], poly[j]);
        if (a.y > q.y) != (b.y > q.y) && q.x < (b.x - a.x) * (q.y - a.y) / (b.y - a.y) + a.x {
            odd = !odd;
        }
        j = i;
    }
    odd
}
