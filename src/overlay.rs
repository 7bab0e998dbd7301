//! Drawing an analysis over its photo, for people who would rather look than read: face box,
//! mesh points, eye line, face width, chin, crown and the person-mask outline.

use image::{Rgb, RgbImage};

use crate::analysis::{Analysis, Point};

const BOX: Rgb<u8> = Rgb([255, 214, 0]);
const MESH: Rgb<u8> = Rgb([0, 255, 128]);
const EYES: Rgb<u8> = Rgb([255, 64, 64]);
const WIDTH: Rgb<u8> = Rgb([64, 160, 255]);
const CROWN: Rgb<u8> = Rgb([255, 0, 255]);
const MASK: Rgb<u8> = Rgb([255, 255, 255]);

/// A copy of `image` with `analysis` drawn on it; line widths scale with the image.
pub fn draw(image: &RgbImage, analysis: &Analysis) -> RgbImage {
    let mut out = image.clone();
    let thick = (image.width().max(image.height()) as f32 / 400.0).max(1.0);
    draw_mask_outline(&mut out, analysis);
    for face in &analysis.faces {
        let b = face.bbox;
        let corners = [
            Point { x: b.x, y: b.y },
            Point {
                x: b.x + b.width,
                y: b.y,
            },
            Point {
                x: b.x + b.width,
                y: b.y + b.height,
            },
            Point {
                x: b.x,
                y: b.y + b.height,
            },
        ];
        for i in 0..4 {
            line(&mut out, corners[i], corners[(i + 1) % 4], thick, BOX);
        }
        for p in &face.landmarks {
            dot(&mut out, Point { x: p[0], y: p[1] }, thick * 0.6, MESH);
        }
        let g = &face.geometry;
        line(&mut out, g.eye_right, g.eye_left, thick, EYES);
        dot(&mut out, g.eye_right, thick * 2.0, EYES);
        dot(&mut out, g.eye_left, thick * 2.0, EYES);
        line(&mut out, g.cheek_right, g.cheek_left, thick, WIDTH);
        dot(&mut out, g.chin, thick * 2.0, WIDTH);
        if let Some(c) = g.crown {
            let half = g.face_width_px / 3.0;
            let side = Point {
                x: -g.up.y * half,
                y: g.up.x * half,
            };
            line(
                &mut out,
                Point {
                    x: c.x - side.x,
                    y: c.y - side.y,
                },
                Point {
                    x: c.x + side.x,
                    y: c.y + side.y,
                },
                thick,
                CROWN,
            );
        }
    }
    out
}

fn draw_mask_outline(out: &mut RgbImage, analysis: &Analysis) {
    let Some(m) = &analysis.mask else { return };
    let (w, h) = (out.width(), out.height());
    // Sample the mask on a coarse grid and mark cells where it crosses 0.5.
    let step = (w.max(h) / 400).max(1);
    for y in (0..h).step_by(step as usize) {
        for x in (0..w).step_by(step as usize) {
            let inside = m.at(x as f32, y as f32) >= 0.5;
            let right = m.at((x + step) as f32, y as f32) >= 0.5;
            let below = m.at(x as f32, (y + step) as f32) >= 0.5;
            if inside != right || inside != below {
                dot(
                    out,
                    Point {
                        x: x as f32,
                        y: y as f32,
                    },
                    step as f32,
                    MASK,
                );
            }
        }
    }
}

fn dot(out: &mut RgbImage, p: Point, r: f32, colour: Rgb<u8>) {
    let r = r.max(0.5);
    let (x0, x1) = ((p.x - r).floor() as i64, (p.x + r).ceil() as i64);
    let (y0, y1) = ((p.y - r).floor() as i64, (p.y + r).ceil() as i64);
    for y in y0..=y1 {
        for x in x0..=x1 {
            let (dx, dy) = (x as f32 - p.x, y as f32 - p.y);
            if dx * dx + dy * dy <= r * r
                && x >= 0
                && y >= 0
                && (x as u32) < out.width()
                && (y as u32) < out.height()
            {
                out.put_pixel(x as u32, y as u32, colour);
            }
        }
    }
}

fn line(out: &mut RgbImage, a: Point, b: Point, thick: f32, colour: Rgb<u8>) {
    let steps = a.dist(b).ceil().max(1.0) as u32;
    for i in 0..=steps {
        let t = i as f32 / steps as f32;
        dot(
            out,
            Point {
                x: a.x + (b.x - a.x) * t,
                y: a.y + (b.y - a.y) * t,
            },
            thick / 2.0,
            colour,
        );
    }
}
