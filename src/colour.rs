//! sRGB ↔ CIELAB (D65) and colour differences, for the checks that judge colour as people see it
//! (background colour, clothing against background, colour cast, exposure).

use std::sync::OnceLock;

/// CIELAB L*, a*, b*.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lab {
    pub l: f32,
    pub a: f32,
    pub b: f32,
}

/// 8-bit sRGB → linear light in [0, 1]: a table of the 256 levels, because the checks convert
/// every pixel they read and `powf` is a slow library call in WebAssembly.
pub fn linear(c: u8) -> f32 {
    static TABLE: OnceLock<[f32; 256]> = OnceLock::new();
    TABLE.get_or_init(|| std::array::from_fn(|i| decode(i as f64 / 255.0) as f32))[usize::from(c)]
}

/// The sRGB transfer function: encoded value in [0, 1] → linear light.
fn decode(c: f64) -> f64 {
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// CIELAB L* → relative luminance Y in [0, 1] (the inverse of L*'s cube-root curve).
pub fn luminance(l: f32) -> f32 {
    if l > 8.0 {
        ((l + 16.0) / 116.0).powi(3)
    } else {
        l / 903.3
    }
}

/// 8-bit sRGB → CIELAB under D65.
pub fn lab(rgb: [u8; 3]) -> Lab {
    let (r, g, b) = (linear(rgb[0]), linear(rgb[1]), linear(rgb[2]));
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let (fx, fy, fz) = (lab_f(x), lab_f(relative_luminance(r, g, b)), lab_f(z));
    Lab {
        l: 116.0 * fy - 16.0,
        a: 500.0 * (fx - fy),
        b: 200.0 * (fy - fz),
    }
}

/// L* of an 8-bit sRGB pixel: [`lab`]'s `l` without its a* and b* (one cube root, not three).
pub fn lightness(rgb: [u8; 3]) -> f32 {
    let (r, g, b) = (linear(rgb[0]), linear(rgb[1]), linear(rgb[2]));
    116.0 * lab_f(relative_luminance(r, g, b)) - 16.0
}

/// Y from linear R, G, B.
fn relative_luminance(r: f32, g: f32, b: f32) -> f32 {
    0.2126 * r + 0.7152 * g + 0.0722 * b
}

/// CIELAB's companding of X/Xn, Y/Yn, Z/Zn.
fn lab_f(t: f32) -> f32 {
    if t > 0.008856 {
        t.cbrt()
    } else {
        7.787 * t + 16.0 / 116.0
    }
}

/// Linear light in [0, 1] (clamped) → 8-bit sRGB, rounded to the nearest level: the number of
/// the 255 linear values where one level rounds up to the next (found once) that `v` reaches,
/// instead of a `powf` per channel (the standardised photo converts every output pixel). The
/// count is read from a table at the start of `v`'s 1/4096 of the range and stepped from there to
/// `v`, a step or two at most, not searched for among all 255.
pub fn srgb(v: f32) -> u8 {
    const BUCKETS: usize = 4096;
    struct Levels {
        bounds: [f32; 255],
        at_bucket: Vec<u8>,
    }
    static LEVELS: OnceLock<Levels> = OnceLock::new();
    let levels = LEVELS.get_or_init(|| {
        // Level k + 1 starts where the encoded value reaches (k + 0.5) / 255.
        let bounds: [f32; 255] = std::array::from_fn(|k| decode((k as f64 + 0.5) / 255.0) as f32);
        let at_bucket = (0..=BUCKETS)
            .map(|i| bounds.partition_point(|&b| b <= i as f32 / BUCKETS as f32) as u8)
            .collect();
        Levels { bounds, at_bucket }
    });
    let b = &levels.bounds;
    // NaN clamps to NaN, which casts to bucket 0.
    let mut k =
        usize::from(levels.at_bucket[(v * BUCKETS as f32).clamp(0.0, BUCKETS as f32) as usize]);
    while k < b.len() && b[k] <= v {
        k += 1;
    }
    while k > 0 && b[k - 1] > v {
        k -= 1;
    }
    k as u8
}

/// The 256 linear values of the 8-bit sRGB levels, for converting whole images.
pub fn linear_table() -> [f32; 256] {
    std::array::from_fn(|i| linear(i as u8))
}

/// Luma (Rec. 601 weights) of an 8-bit sRGB pixel, 0–255: the grey value the texture and edge
/// measures work on.
pub fn luma(p: [u8; 3]) -> f32 {
    f32::from(p[0]) * 0.299 + f32::from(p[1]) * 0.587 + f32::from(p[2]) * 0.114
}

/// [`luma`] rounded to the nearest level, by adding a half and truncating (luma is never
/// negative): the same as `round()` for every 8-bit colour, without the library call that
/// `round()` is in WebAssembly.
pub fn luma_u8(p: [u8; 3]) -> u8 {
    (luma(p) + 0.5) as u8
}

/// CIE76 colour difference ΔE*ab.
pub fn delta_e(p: Lab, q: Lab) -> f32 {
    ((p.l - q.l).powi(2) + (p.a - q.a).powi(2) + (p.b - q.b).powi(2)).sqrt()
}

impl Lab {
    /// Chroma C*ab.
    pub fn chroma(&self) -> f32 {
        self.a.hypot(self.b)
    }

    /// Hue angle h_ab in degrees, 0–360.
    pub fn hue_deg(&self) -> f32 {
        self.b.atan2(self.a).to_degrees().rem_euclid(360.0)
    }
}

/// Mean of Lab values.
pub fn mean(values: &[Lab]) -> Option<Lab> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f32;
    let (l, a, b) = values
        .iter()
        .fold((0.0, 0.0, 0.0), |(l, a, b), v| (l + v.l, a + v.a, b + v.b));
    Some(Lab {
        l: l / n,
        a: a / n,
        b: b / n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounded_luma_is_round_for_every_colour() {
        for rgb in 0..1u32 << 24 {
            let p = [(rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8];
            assert_eq!(luma_u8(p), luma(p).round() as u8, "{p:?}");
        }
    }

    #[test]
    fn known_values() {
        let white = lab([255, 255, 255]);
        assert!((white.l - 100.0).abs() < 0.1 && white.a.abs() < 0.1 && white.b.abs() < 0.1);
        let black = lab([0, 0, 0]);
        assert!(black.l.abs() < 0.01);
        let blue = lab([100, 197, 255]); // the CHSI background: a light, clearly blue colour
        assert!(blue.b < -30.0 && blue.l > 70.0, "{blue:?}");
        assert!(delta_e(white, black) > 99.0);
    }

    #[test]
    fn srgb_round_trips_every_level() {
        assert!((0..=255u8).all(|c| srgb(linear(c)) == c));
    }

    #[test]
    fn srgb_counts_the_level_bounds_reached() {
        let bounds: Vec<f32> = (0..255)
            .map(|k| decode((k as f64 + 0.5) / 255.0) as f32)
            .collect();
        let count = |v: f32| bounds.partition_point(|&b| b <= v) as u8;
        let beside = |v: f32| {
            [
                v,
                f32::from_bits(v.to_bits().saturating_sub(1)),
                f32::from_bits(v.to_bits() + 1),
            ]
        };
        let mut values: Vec<f32> = (0..=1_000_000)
            .map(|i| i as f32 / 1_000_000.0 * 1.02 - 0.01)
            .collect();
        values.extend(bounds.iter().flat_map(|&b| beside(b)));
        values.extend((0..=4096).flat_map(|i| beside(i as f32 / 4096.0)));
        for v in values {
            assert_eq!(srgb(v), count(v), "{v}");
        }
    }

    #[test]
    fn srgb_matches_the_formula_between_levels() {
        let formula = |v: f64| {
            let v = v.clamp(0.0, 1.0);
            let c = if v <= 0.003_130_8 {
                v * 12.92
            } else {
                1.055 * v.powf(1.0 / 2.4) - 0.055
            };
            (c * 255.0).round() as u8
        };
        for i in -100..=100_100 {
            let v = i as f32 / 100_000.0;
            assert_eq!(srgb(v), formula(f64::from(v)), "{v}");
        }
        assert_eq!(srgb(f32::NAN), 0);
    }
}
