//! The matte against a true alpha (#31): how far the cut-out's alpha is from the right one, on
//! walls of several colours and textures, as the portrait-matting literature scores it (SAD and
//! MSE against a known alpha, as on the Composition-1k composites).
//!
//! No photo here comes with a true alpha, so one is made. Each photo is standardised once; its
//! matte `α` and its decontaminated person `F` (on the working grid) are composited in linear
//! light over a synthetic wall `W`: `I = αF + (1−α)W`. For `I`, `α` is the true alpha by
//! construction. `I` is then analysed and standardised like any photo, and its matte is compared
//! with `α` sampled through the new crop. The walls are plain colours with what real walls have:
//! a light falling off across the frame, a plaster or wood-grain texture, sensor noise. What this
//! measures is how much the matte depends on the wall behind the person (a dark shirt on a dark
//! wall, a white one on a white wall); the shapes of `α` are our own matte's, so it does not say
//! how close the first matte is to the person's real outline.
//!
//!   cargo bench --features embed-models --bench matting -- [DIR] [--limit N] [--json FILE]
//!       [--truth FOLDER]
//!
//! With `--truth`, each photo's true alpha and person are written to FOLDER (8-bit PNGs) the
//! first time and read back after, so two builds (before and after a change to the matting) are
//! scored on the same composites. Keep FOLDER out of the repository (`target/` is): it holds
//! cut-outs of the evaluation photos. With `MATTING_DUMP=FOLDER` set, each composite, its matte
//! and an error map (red: person lost, blue: wall kept, over the truth in grey) are written there
//! to look at.
//! DIR defaults to ../shared/portraits (evaluation only: read, never copied); without it, the
//! public-domain photos in tests/data. Figures per wall, over the photos that could be framed:
//! - SAD: Σ|α̂ − α| over the working grid, in thousands (Composition-1k's unit);
//! - MSE: mean (α̂ − α)² over the edge region (where either alpha is between 0 and 1), × 1000;
//! - wall kept / person lost: working pixels where the truth is wall (α < 0.05) and the matte
//!   says person (α̂ > 0.5), and the other way round (α > 0.95, α̂ < 0.5).

use std::path::{Path, PathBuf};

use gradphoto::colour::{linear, srgb};
use gradphoto::standardize::boxfilter::Plane;
use gradphoto::standardize::{cut, foreground, render, Quality};
use gradphoto::{Analyzer, ModelBytes, Preset};
use image::RgbImage;

/// A wall: its sRGB colour, how its light falls off, its texture.
struct Wall {
    name: &'static str,
    rgb: [u8; 3],
    texture: Texture,
}

#[derive(Clone, Copy)]
enum Texture {
    /// Low-frequency blotches of the given relative strength (paint, plaster).
    Plaster(f32),
    /// Vertical streaks (wood grain, a curtain's folds) of the given relative strength.
    Grain(f32),
}

const WALLS: &[Wall] = &[
    Wall {
        name: "white plaster",
        rgb: [236, 236, 230],
        texture: Texture::Plaster(0.04),
    },
    Wall {
        name: "light grey",
        rgb: [182, 184, 186],
        texture: Texture::Plaster(0.03),
    },
    Wall {
        name: "beige",
        rgb: [216, 198, 168],
        texture: Texture::Plaster(0.04),
    },
    Wall {
        name: "pale blue",
        rgb: [168, 196, 224],
        texture: Texture::Plaster(0.03),
    },
    Wall {
        name: "dark grey",
        rgb: [58, 58, 62],
        texture: Texture::Plaster(0.06),
    },
    Wall {
        name: "dark wood",
        rgb: [92, 60, 38],
        texture: Texture::Grain(0.15),
    },
    Wall {
        name: "green cloth",
        rgb: [64, 164, 80],
        texture: Texture::Grain(0.06),
    },
    Wall {
        name: "studio blue",
        rgb: [100, 197, 255],
        texture: Texture::Plaster(0.02),
    },
];

/// A deterministic hash in [0, 1) of integer coordinates and a seed.
fn hash(x: i64, y: i64, seed: u64) -> f32 {
    let mut h = (x as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (y as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ seed.wrapping_mul(0x1656_67B1_9E37_79F9);
    h ^= h >> 31;
    h = h.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    h ^= h >> 32;
    (h >> 40) as f32 / (1u64 << 24) as f32
}

/// Smooth value noise in [−1, 1] with cells `cell` pixels wide.
fn value_noise(x: f32, y: f32, cell: f32, seed: u64) -> f32 {
    let (gx, gy) = (x / cell, y / cell);
    let (x0, y0) = (gx.floor(), gy.floor());
    let (tx, ty) = (gx - x0, gy - y0);
    let s = |t: f32| t * t * (3.0 - 2.0 * t);
    let (sx, sy) = (s(tx), s(ty));
    let at = |dx: i64, dy: i64| hash(x0 as i64 + dx, y0 as i64 + dy, seed);
    let top = at(0, 0) + (at(1, 0) - at(0, 0)) * sx;
    let bottom = at(0, 1) + (at(1, 1) - at(0, 1)) * sx;
    2.0 * (top + (bottom - top) * sy) - 1.0
}

/// The wall in linear light on a `w × h` grid.
fn wall_planes(wall: &Wall, w: usize, h: usize) -> [Plane; 3] {
    let base = wall.rgb.map(linear);
    let mut planes: [Vec<f32>; 3] = std::array::from_fn(|_| Vec::with_capacity(w * h));
    for y in 0..h {
        for x in 0..w {
            let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
            // Light from the upper left: 8 % brighter there than at the lower right.
            let light = 1.04 - 0.08 * (0.6 * fx + 0.4 * fy);
            let texture = match wall.texture {
                Texture::Plaster(k) => {
                    k * (0.7 * value_noise(x as f32, y as f32, 40.0, 1)
                        + 0.3 * value_noise(x as f32, y as f32, 9.0, 2))
                }
                Texture::Grain(k) => {
                    k * (0.6 * value_noise(x as f32, y as f32 * 0.05, 14.0, 3)
                        + 0.4 * value_noise(x as f32, y as f32 * 0.1, 4.0, 4))
                }
            };
            let noise = 0.012 * (hash(x as i64, y as i64, 5) - 0.5);
            for c in 0..3 {
                planes[c]
                    .push((base[c] * light * (1.0 + texture) + noise * base[c]).clamp(0.0, 1.0));
            }
        }
    }
    planes.map(|data| Plane::new(w, h, data))
}

/// The person on the working grid of a first standardisation: the true alpha made from its
/// matte ([`certain`]) and the person's colour `F` (linear).
struct Cutout {
    alpha: Plane,
    person: [Plane; 3],
}

/// Islands and bays of the matte smaller than about this radius (working pixels) are smoothed
/// away from the silhouette.
const SMOOTH: usize = 8;
/// Working pixels each side of the silhouette's edge where a first matte may be soft.
const BAND: usize = 6;
/// A matte with more soft pixels outside that band than this share of the band's is not certain
/// enough to be a truth (the old wall's buildings left half-kept, a shadow): the photo is skipped.
const MAX_SOFT_OUTSIDE: f32 = 0.25;

/// The truth made from a first matte where it is certain: its half-alpha silhouette, smoothed of
/// islands, with the soft edge of a sharp photo (a 3×3 mean, the width of a focused edge on the
/// working grid). It depends on where the first matte crosses one half, not on how soft it is,
/// so a change to the matting moves it little (and `--truth` keeps it fixed across builds).
/// `None` when much of the first matte is soft away from its edge.
fn certain(alpha: &Plane) -> Option<Plane> {
    let (w, h) = (alpha.width, alpha.height);
    let binary = |p: &Plane| {
        Plane::new(
            w,
            h,
            p.data
                .iter()
                .map(|&v| f32::from(u8::from(v >= 0.5)))
                .collect(),
        )
    };
    let silhouette = binary(&binary(alpha).box_mean(SMOOTH));
    let near = silhouette.box_mean(BAND);
    let band = near.data.iter().filter(|&&n| n > 0.0 && n < 1.0).count();
    let soft_outside = (0..w * h)
        .filter(|&k| {
            let (n, a) = (near.data[k], alpha.data[k]);
            (n <= 0.0 || n >= 1.0) && a > 0.05 && a < 0.95
        })
        .count();
    (band > 0 && (soft_outside as f32) < MAX_SOFT_OUTSIDE * band as f32)
        .then(|| silhouette.box_mean(1))
}

enum Skip {
    NotFramed,
    Uncertain,
}

fn cutout(analyzer: &Analyzer, image: &RgbImage, preset: &Preset) -> Result<Cutout, Skip> {
    let analysis = analyzer.analyze(image).map_err(|_| Skip::NotFramed)?;
    let r = render(analyzer, image, &analysis, preset, [0, 0, 0], Quality::Full)
        .map_err(|_| Skip::NotFramed)?;
    if let Ok(d) = std::env::var("MATTING_DUMP") {
        let save = |m: &Plane, name: &str| {
            let data = m.data.iter().map(|v| (v * 255.0) as u8).collect();
            if let Some(g) = image::GrayImage::from_raw(m.width as u32, m.height as u32, data) {
                g.save(format!("{d}/first-{name}.png")).ok();
            }
        };
        save(&r.matte, "matte");
        if let (Some(mask), Ok(work)) = (
            analysis.mask.as_ref(),
            cut(image, &r.framing, r.matte_width, r.matte_height),
        ) {
            use gradphoto::standardize::{colourline, matte};
            let coarse = matte::coarse(mask, &r.framing.crop, r.matte_width, r.matte_height);
            save(&coarse, "coarse");
            let refined = matte::refine(&work, &coarse, &matte::FULL);
            save(&refined, "refined");
            let f = r.matte_width as f32 / preset.output.width as f32;
            save(
                &colourline::decide(
                    &foreground::linear_channels(&work),
                    &refined,
                    gradphoto::standardize::eyes_row(&r.face, &r.framing, f),
                    gradphoto::standardize::chin_row(&r.face, &r.framing, f),
                ),
                "decided",
            );
        }
    }
    let truth = certain(&r.matte).ok_or(Skip::Uncertain)?;
    let work =
        cut(image, &r.framing, r.matte_width, r.matte_height).map_err(|_| Skip::NotFramed)?;
    let channels = foreground::linear_channels(&work);
    let old = foreground::old_background(&channels, &r.matte);
    // Over black with no corrections, the composite is αF: divided by α where α is not tiny it
    // is the person's colour (decontaminated); elsewhere the photo's own.
    let premultiplied =
        foreground::composite(channels.clone(), &r.matte, None, old, [0.0; 3], [1.0; 3]);
    let person = std::array::from_fn(|c| {
        let data = (0..truth.data.len())
            .map(|k| {
                let a = r.matte.data[k];
                if a > 0.05 {
                    (premultiplied[c].data[k] / a).clamp(0.0, 1.0)
                } else {
                    channels[c].data[k]
                }
            })
            .collect();
        Plane::new(truth.width, truth.height, data)
    });
    Ok(Cutout {
        alpha: truth,
        person,
    }
    .quantised())
}

impl Cutout {
    /// As 8-bit images: the alpha as grey, the person in sRGB.
    fn to_images(&self) -> (image::GrayImage, RgbImage) {
        let (w, h) = (self.alpha.width as u32, self.alpha.height as u32);
        let alpha = self
            .alpha
            .data
            .iter()
            .map(|a| (a * 255.0).round() as u8)
            .collect();
        let person = (0..self.alpha.data.len())
            .flat_map(|k| self.person.each_ref().map(|p| srgb(p.data[k])))
            .collect();
        (
            image::GrayImage::from_raw(w, h, alpha).expect("alpha size"),
            RgbImage::from_raw(w, h, person).expect("person size"),
        )
    }

    fn from_images(alpha: &image::GrayImage, person: &RgbImage) -> Cutout {
        let (w, h) = (alpha.width() as usize, alpha.height() as usize);
        let a = alpha
            .as_raw()
            .iter()
            .map(|&v| f32::from(v) / 255.0)
            .collect();
        let person = std::array::from_fn(|c| {
            Plane::new(w, h, person.pixels().map(|p| linear(p.0[c])).collect())
        });
        Cutout {
            alpha: Plane::new(w, h, a),
            person,
        }
    }

    /// The same, to the precision it is stored with, so a run that makes the truth and one that
    /// reads it back score alike.
    fn quantised(self) -> Cutout {
        let (a, p) = self.to_images();
        Cutout::from_images(&a, &p)
    }

    /// The truth stored under `dir` for `name`, or made from `image` and stored there.
    fn cached(
        dir: Option<&Path>,
        name: &str,
        make: impl FnOnce() -> Result<Cutout, Skip>,
    ) -> Result<Cutout, Skip> {
        let Some(dir) = dir else { return make() };
        let (ap, pp) = (
            dir.join(format!("{name}-alpha.png")),
            dir.join(format!("{name}-person.png")),
        );
        if let (Ok(a), Ok(p)) = (image::open(&ap), image::open(&pp)) {
            return Ok(Cutout::from_images(&a.to_luma8(), &p.to_rgb8()));
        }
        let made = make()?;
        let (a, p) = made.to_images();
        a.save(&ap).expect("write the truth's alpha");
        p.save(&pp).expect("write the truth's person");
        Ok(made)
    }
}

/// The cut-out over `wall`, as a photo.
fn composite(c: &Cutout, wall: &[Plane; 3]) -> RgbImage {
    let (w, h) = (c.alpha.width, c.alpha.height);
    let mut raw = Vec::with_capacity(w * h * 3);
    for k in 0..w * h {
        let a = c.alpha.data[k];
        for (person, wall) in c.person.iter().zip(wall) {
            raw.push(srgb(a * person.data[k] + (1.0 - a) * wall.data[k]));
        }
    }
    RgbImage::from_raw(w as u32, h as u32, raw).expect("buffer size")
}

/// Bilinear sample of `p` at (`x`, `y`) in its pixel units (centres at +0.5); above the plane 0
/// (background), below it its last row (as the cut continues the photo's last row).
fn sample(p: &Plane, x: f32, y: f32) -> f32 {
    if y < 0.0 {
        return 0.0;
    }
    let fx = (x - 0.5).clamp(0.0, (p.width - 1) as f32);
    let fy = (y - 0.5).clamp(0.0, (p.height - 1) as f32);
    let (x0, y0) = (fx.floor() as usize, fy.floor() as usize);
    let (x1, y1) = ((x0 + 1).min(p.width - 1), (y0 + 1).min(p.height - 1));
    let (tx, ty) = (fx - x0 as f32, fy - y0 as f32);
    let at = |x: usize, y: usize| p.data[y * p.width + x];
    let top = at(x0, y0) + (at(x1, y0) - at(x0, y0)) * tx;
    let bottom = at(x0, y1) + (at(x1, y1) - at(x0, y1)) * tx;
    top + (bottom - top) * ty
}

#[derive(Clone, Copy, Default, serde::Serialize)]
struct Score {
    sad: f32,
    mse: f32,
    wall_kept: usize,
    person_lost: usize,
}

/// Matte the composite and score it against the truth.
fn score(
    analyzer: &Analyzer,
    photo: &RgbImage,
    truth: &Plane,
    preset: &Preset,
    label: &str,
) -> Option<Score> {
    let analysis = analyzer.analyze(photo).ok()?;
    let r = render(analyzer, photo, &analysis, preset, [0, 0, 0], Quality::Full).ok()?;
    let (w, h) = (r.matte_width as usize, r.matte_height as usize);
    let c = r.framing.crop;
    let (sx, sy) = (c.width / w as f32, c.height / h as f32);
    let (mut s, mut edge_sq, mut edge_n) = (Score::default(), 0.0f64, 0usize);
    let mut error_map = image::RgbImage::new(w as u32, h as u32);
    let mut sad = 0.0f64;
    for y in 0..h {
        for x in 0..w {
            let t = sample(
                truth,
                c.left + (x as f32 + 0.5) * sx,
                c.top + (y as f32 + 0.5) * sy,
            );
            let e = r.matte.data[y * w + x];
            sad += f64::from((e - t).abs());
            let fractional = |v: f32| v > 0.01 && v < 0.99;
            if fractional(t) || fractional(e) {
                edge_sq += f64::from((e - t) * (e - t));
                edge_n += 1;
            }
            if t < 0.05 && e > 0.5 {
                s.wall_kept += 1;
            }
            if t > 0.95 && e < 0.5 {
                s.person_lost += 1;
            }
            let g = (t * 120.0) as u8;
            let d = ((e - t).abs() * 255.0) as u8;
            error_map.put_pixel(
                x as u32,
                y as u32,
                image::Rgb(if e < t {
                    [g.max(d), g, g]
                } else {
                    [g, g, g.max(d)]
                }),
            );
        }
    }
    if let Ok(d) = std::env::var("MATTING_DUMP") {
        photo.save(format!("{d}/{label}-composite.png")).ok();
        let grey = |p: &Plane| {
            image::GrayImage::from_raw(
                p.width as u32,
                p.height as u32,
                p.data.iter().map(|v| (v * 255.0) as u8).collect(),
            )
            .unwrap()
        };
        grey(&r.matte)
            .save(format!("{d}/{label}-estimate.png"))
            .ok();
        error_map.save(format!("{d}/{label}-error.png")).ok();
    }
    s.sad = (sad / 1000.0) as f32;
    s.mse = (1000.0 * edge_sq / edge_n.max(1) as f64) as f32;
    Some(s)
}

fn photos(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| {
        p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            ["jpg", "jpeg", "png", "webp"].contains(&e.to_ascii_lowercase().as_str())
        })
    });
    files.sort();
    files
}

fn quantile(values: &mut [f32], q: f32) -> f32 {
    values.sort_by(f32::total_cmp);
    values[((q * values.len() as f32) as usize).min(values.len() - 1)]
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let mut take = |flag: &str| -> Option<String> {
        let i = args.iter().position(|a| a == flag)?;
        let v = args.get(i + 1).cloned();
        args.drain(i..(i + 2).min(args.len()));
        v
    };
    let limit: usize = take("--limit")
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX);
    let json = take("--json").map(PathBuf::from);
    let truth_dir = take("--truth").map(PathBuf::from);
    if let Some(d) = &truth_dir {
        std::fs::create_dir_all(d).expect("create the truth folder");
    }
    let dir = match args.first() {
        Some(d) => PathBuf::from(d),
        None if root.join("../shared/portraits").is_dir() => root.join("../shared/portraits"),
        None => {
            println!(
                "../shared/portraits is not here (evaluation photos are on CI and developer machines only): using the public-domain photos in tests/data"
            );
            root.join("tests/data")
        }
    };
    let mut files = photos(&dir);
    files.truncate(limit);
    let preset = Preset::builtin(gradphoto::DEFAULT_PRESET).expect("preset");
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    let skipped = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let analyzer = Analyzer::new(ModelBytes::embedded()).expect("models");
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(file) = files.get(i) else { break };
                    let name = file
                        .file_stem()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .to_string();
                    let c = match Cutout::cached(truth_dir.as_deref(), &name, || {
                        let photo = std::fs::read(file)
                            .ok()
                            .and_then(|b| gradphoto::decode(&b, &Default::default()).ok())
                            .ok_or(Skip::NotFramed)?;
                        cutout(&analyzer, &photo.image, &preset)
                    }) {
                        Ok(c) => c,
                        Err(why) => {
                            skipped.lock().expect("skipped").push((name, why));
                            continue;
                        }
                    };
                    let scores: Vec<Option<Score>> = WALLS
                        .iter()
                        .map(|wall| {
                            let planes = wall_planes(wall, c.alpha.width, c.alpha.height);
                            score(
                                &analyzer,
                                &composite(&c, &planes),
                                &c.alpha,
                                &preset,
                                &format!("{name}-{}", wall.name.replace(' ', "-")),
                            )
                        })
                        .collect();
                    eprintln!("{name}: done");
                    results.lock().expect("results").push((name, scores));
                }
            });
        }
    });
    let mut results = results.into_inner().expect("results");
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let skipped = skipped.into_inner().expect("skipped");
    let uncertain: Vec<&str> = skipped
        .iter()
        .filter(|(_, why)| matches!(why, Skip::Uncertain))
        .map(|(n, _)| n.as_str())
        .collect();
    println!(
        "matting against a true alpha: {} of {} photos in {} ({} not framed; {} whose first matte is not certain enough for a truth: {})",
        results.len(),
        files.len(),
        dir.display(),
        skipped.len() - uncertain.len(),
        uncertain.len(),
        uncertain.join(", ")
    );
    println!(
        "{:<14} {:>6} {:>16} {:>16} {:>18} {:>18}",
        "wall",
        "scored",
        "SAD med / p90",
        "MSE×1e3 med/p90",
        "wall kept med/p90",
        "person lost med/p90"
    );
    let mut table = serde_json::Map::new();
    for (k, wall) in WALLS.iter().enumerate() {
        let scored: Vec<(&str, Score)> = results
            .iter()
            .filter_map(|(n, s)| s[k].map(|s| (n.as_str(), s)))
            .collect();
        if scored.is_empty() {
            println!("{:<14} {:>6}", wall.name, 0);
            continue;
        }
        let pick = |f: fn(&Score) -> f32| -> (f32, f32) {
            let mut v: Vec<f32> = scored.iter().map(|(_, s)| f(s)).collect();
            (quantile(&mut v, 0.5), quantile(&mut v, 0.9))
        };
        let sad = pick(|s| s.sad);
        let mse = pick(|s| s.mse);
        let kept = pick(|s| s.wall_kept as f32);
        let lost = pick(|s| s.person_lost as f32);
        println!(
            "{:<14} {:>6} {:>7.2} / {:<6.2} {:>7.2} / {:<6.2} {:>8.0} / {:<7.0} {:>8.0} / {:<7.0}",
            wall.name,
            scored.len(),
            sad.0,
            sad.1,
            mse.0,
            mse.1,
            kept.0,
            kept.1,
            lost.0,
            lost.1
        );
        let worst = scored
            .iter()
            .max_by(|a, b| a.1.sad.total_cmp(&b.1.sad))
            .map(|(n, s)| format!("{n} (SAD {:.2})", s.sad))
            .unwrap_or_default();
        println!("{:<14}   worst: {worst}", "");
        table.insert(
            wall.name.into(),
            serde_json::json!({
                "photos": scored.iter().map(|(n, s)| (n.to_string(), serde_json::to_value(s).unwrap())).collect::<serde_json::Map<_, _>>(),
            }),
        );
    }
    if let Some(path) = json {
        std::fs::write(&path, serde_json::to_string_pretty(&table).expect("json"))
            .expect("write json");
        println!("per-photo figures written to {}", path.display());
    }
}
