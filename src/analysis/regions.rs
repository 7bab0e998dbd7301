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
    let xs: Vec<f32> = (0..width).map(|x| (x as f32 + 0.5) * sx).collect();
    let ys: Vec<f32> = (0..height).map(|y| (y as f32 + 0.5) * sy).collect();
    let person = mask.grid(&xs, &ys);
    let mut labels = Vec::with_capacity((width * height) as usize);
    let mut crossings = Vec::new();
    for (&qy, person) in ys.iter().zip(person.chunks_exact(xs.len().max(1))) {
        crossings_at(&oval, qy, &mut crossings);
        for (&qx, &person) in xs.iter().zip(person) {
            let q = Point { x: qx, y: qy };
            // Height above the chin along the face's own vertical axis.
            let above_chin = (q.x - g.chin.x) * g.up.x + (q.y - g.chin.y) * g.up.y;
            let region = if odd_crossings_right_of(&crossings, q.x) {
                Region::Face
            } else if person < 0.5 {
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

/// Where the polygon's edges cross the horizontal line at `y`, into `out`: an even–odd
/// point-in-polygon test worked out once per row of the grid instead of once per pixel.
pub(crate) fn crossings_at(poly: &[Point], y: f32, out: &mut Vec<f32>) {
    out.clear();
    let mut j = poly.len() - 1;
    for i in 0..poly.len() {
        let (a, b) = (poly[i], poly[j]);
        if (a.y > y) != (b.y > y) {
            out.push((b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x);
        }
        j = i;
    }
}

/// Inside, by the even–odd rule: an odd number of the row's crossings lie right of `x`.
fn odd_crossings_right_of(crossings: &[f32], x: f32) -> bool {
    crossings.iter().filter(|&&c| x < c).count() % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The even–odd test for one point, edge by edge.
    fn inside_by_point(poly: &[Point], q: Point) -> bool {
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

    #[test]
    fn row_crossings_agree_with_the_test_point_by_point() {
        // A concave star, so that rows cross it two and four times.
        let poly: Vec<Point> = (0..14)
            .map(|i| {
                let a = i as f32 * std::f32::consts::TAU / 14.0;
                let r = if i % 2 == 0 { 40.0 } else { 17.3 };
                Point {
                    x: 50.0 + r * a.cos(),
                    y: 50.0 + r * a.sin(),
                }
            })
            .collect();
        let mut crossings = Vec::new();
        let (mut inside, mut outside) = (0, 0);
        for y in 0..100 {
            let qy = y as f32 + 0.5;
            crossings_at(&poly, qy, &mut crossings);
            for x in 0..100 {
                let q = Point {
                    x: x as f32 + 0.5,
                    y: qy,
                };
                let by_row = odd_crossings_right_of(&crossings, q.x);
                assert_eq!(by_row, inside_by_point(&poly, q), "at {x}, {y}");
                if by_row {
                    inside += 1;
                } else {
                    outside += 1;
                }
            }
        }
        assert!(
            inside > 2000 && outside > 2000,
            "{inside} inside, {outside} outside"
        );
    }
}
