//! The matte's edge decided by colour where the photo can decide it. The guided filter fits alpha
//! to the coarse mask within each window, so where the mask's transition lies a few pixels off the
//! photo's edge, pixels of a dark shirt keep alpha ≈ 0.7 (composited, a band of the new blue mixed
//! into the shirt), and where the mask's saturated core begins alpha jumps to 1 along the mask's
//! own grid (a staircase of ~5 px steps on the output). Compositing is linear in linear light,
//! `I = αF + (1−α)B`: with the person's colour `F` and the old wall's `B` estimated nearby (from
//! pixels the matte is sure of), a pixel's place on the line from `B` to `F` is its alpha. That
//! is the colour-line model of matting (Levin, Lischinski and Weiss, "A Closed-Form Solution to
//! Natural Image Matting"), applied pixel by pixel with local estimates, and only where it holds:
//! the two colours far enough apart and the pixel near their line. Elsewhere (dark clothes on a
//! dark wall, a white T-shirt on a white wall) the guided filter's alpha stays above the eyes and
//! is steepened below them ([`decide`]). Steepening it everywhere, tried earlier, moved the crown
//! read off the render with the photo's scale; below the eyes there is no crown to move. Below
//! the chin what colour decides is steepened too: where a wall's shading makes a white T-shirt
//! and a white cloth differ enough for the colour line to decide, it read the wall's lighter
//! patches as part person and the sleeve's shade as part wall, a smear either way.

use super::boxfilter::{Plane, Upsampler};
use super::foreground::{local_mean, smoothstep, SUBSAMPLE};

/// Alpha at or above which a pixel counts as the person's colour, and at or below which as the
/// wall's, for the local estimates.
const SURE_PERSON: f32 = 0.98;
const SURE_WALL: f32 = 0.02;
/// Share of sure pixels a window needs for its estimate to count.
const MIN_SHARE: f32 = 0.02;
/// Distance between the two colours (linear RGB) over which the colour line takes over: under the
/// first the guided filter's alpha stays, over the second the colour decides.
const CONTRAST: (f32, f32) = (0.06, 0.15);
/// Distance of the pixel from the line, as a share of the two colours' distance, over which the
/// model does not hold (a third colour: a collar, a strap, a shadow of another hue).
const OFF_LINE: (f32, f32) = (0.35, 0.2);
/// Distance of the guided filter's alpha from one half over which it is sure enough not to be
/// softened by the colour line: from the first the colour line's say fades, at the second it is
/// gone (alpha 0.85 / 0.15 and 0.97 / 0.03).
const SURE_FILTER: (f32, f32) = (0.35, 0.47);

/// Half-width, in alpha, of the ramp the filter's alpha is steepened to where colour cannot
/// decide below the chin ([`decide`]): 0.15 makes a ramp about a third as wide, about the width of
/// a photographed edge on the working grid where the filter's was a coarse mask cell's.
pub(crate) const STEEPEN: f32 = 0.15;
/// Rows over which the steepening fades in below the chin.
const STEEPEN_FADE: f32 = 24.0;

/// `alpha` with its transition band decided by colour where it can be; `channels` are the cut's
/// on the same grid, in linear light ([`super::foreground::linear_channels`]).
///
/// Where colour cannot decide (the person's and the wall's colours alike: dark clothes on a dark
/// wall, a white T-shirt on a white wall) the filter's ramp is as wide as the coarse mask's cells,
/// and composited it is a band of the old wall faded into the new colour: a grey halo along a
/// dark shoulder, white wisps beside a white one, a dark band along dark hair on a dark wall.
/// From `undecided_from` (the working row of the eye line) down, that ramp is steepened about its
/// middle instead: the edge stays where the filter put it, and the few pixels it is wrong by are
/// of a colour like the person's, which shows far less than a halo. Above the eyes it stays, so
/// the crown the framing reads stays put (the chin was the bound at first; hair beside the cheek
/// kept its band). From `clothing_from` (the chin's row) down, what colour decides is steepened
/// as well: clothing is opaque, and the blends colour reads there are the garment's own shading
/// or the wall's light patches (a white T-shirt's sleeve against a white cloth, smeared into the
/// new colour). Above the chin the blends colour reads stay: hair is soft.
///
/// Steepening decides how much of each pixel is composited, not what it is made of: a pixel
/// colour reads as 70 % shoulder and 30 % of a light wall is made opaque, and pasted as it is it
/// shows the wall's share, a light rim a pixel wide along the shoulder on the new colour (and a
/// dark one from a dark wall). So [`decide_with_blend`] also gives the alpha before steepening,
/// which the composite unmixes the pixel's colour with ([`super::foreground::composite`]).
pub fn decide(
    channels: &[Plane; 3],
    alpha: &Plane,
    undecided_from: f32,
    clothing_from: f32,
) -> Plane {
    decide_with_blend(channels, alpha, undecided_from, clothing_from).alpha
}

/// The matte [`decide`] makes and, beside it, each pixel's share of the person as colour (or,
/// where colour cannot decide, the guided filter) reads it, before steepening.
pub struct Decided {
    /// What is composited: steepened as [`decide`] says.
    pub alpha: Plane,
    /// What the pixel's colour is unmixed with.
    pub blend: Plane,
}

/// [`decide`], with the alpha before steepening beside it ([`Decided`]).
pub fn decide_with_blend(
    channels: &[Plane; 3],
    alpha: &Plane,
    undecided_from: f32,
    clothing_from: f32,
) -> Decided {
    let (w, h) = (alpha.width, alpha.height);
    let (person, person_share) = local_mean(channels, alpha, |a| a >= SURE_PERSON, [0.0; 3]);
    let (wall, wall_share) = local_mean(channels, alpha, |a| a <= SURE_WALL, [0.0; 3]);
    let up = Upsampler::new(SUBSAMPLE, wall_share.width, wall_share.height, w, h);
    let (data, blend): (Vec<f32>, Vec<f32>) = (0..w * h)
        .map(|k| {
            let a = alpha.data[k];
            if a <= 0.0 || a >= 1.0 {
                return (a, a);
            }
            let (x, y) = (k % w, k / w);
            // How far each steepening applies here: of what colour decides, none above the chin
            // and all once below it; of what it cannot, the same about the eye line.
            let clothing = smoothstep(clothing_from, clothing_from + STEEPEN_FADE, y as f32);
            let undecided = smoothstep(undecided_from, undecided_from + STEEPEN_FADE, y as f32);
            let steepened = |decidable: f32| {
                let s = smoothstep(0.5 - STEEPEN, 0.5 + STEEPEN, a).min(0.999);
                let weight = undecided * (1.0 - decidable);
                weight * s + (1.0 - weight) * a
            };
            if up.at(&person_share, x, y) < MIN_SHARE || up.at(&wall_share, x, y) < MIN_SHARE {
                let a = steepened(0.0);
                return (a, a);
            }
            let f: [f32; 3] = std::array::from_fn(|c| up.at(&person[c], x, y));
            let b: [f32; 3] = std::array::from_fn(|c| up.at(&wall[c], x, y));
            let i: [f32; 3] = std::array::from_fn(|c| channels[c].data[k]);
            let d: [f32; 3] = std::array::from_fn(|c| f[c] - b[c]);
            let n2: f32 = d.iter().map(|v| v * v).sum();
            let contrast = n2.sqrt();
            if contrast < CONTRAST.0 {
                let a = steepened(0.0);
                return (a, a);
            }
            let a = steepened(smoothstep(CONTRAST.0, CONTRAST.1, contrast));
            let t = (0..3).map(|c| (i[c] - b[c]) * d[c]).sum::<f32>() / n2;
            let off: f32 = (0..3)
                .map(|c| (i[c] - b[c] - t * d[c]).powi(2))
                .sum::<f32>()
                .sqrt()
                / contrast;
            let mut trust = smoothstep(CONTRAST.0, CONTRAST.1, contrast)
                * (1.0 - smoothstep(OFF_LINE.1, OFF_LINE.0, off));
            // Never exactly 1 in the band: decontamination still looks at every pixel there.
            let by_colour = t.clamp(0.0, 0.999);
            // The colour line decides what the filter left in between; it does not soften what
            // the filter is sure of. The person's colour is not constant up to the silhouette
            // (a shoulder darkens as it turns away from the light), and read as a mix with the
            // wall that shading made a translucent band along a bare shoulder, its inner end on
            // the local estimates' grid.
            if (by_colour - 0.5).abs() < (a - 0.5).abs() {
                let sure = smoothstep(SURE_FILTER.0, SURE_FILTER.1, (a - 0.5).abs());
                trust *= 1.0 - sure;
            }
            let mixed = trust * by_colour + (1.0 - trust) * a;
            let s = smoothstep(0.5 - STEEPEN, 0.5 + STEEPEN, mixed).min(0.999);
            let alpha = clothing * s + (1.0 - clothing) * mixed;
            // What the pixel is made of: colour's reading as far as it is trusted, on clothing
            // (from the chin down, as its steepening). Above, hair beside the cheek: its strands
            // are darker than the local mean colour reads them against, and unmixed with
            // colour's share they showed as a dark, jagged outline.
            (alpha, alpha + clothing * trust * (by_colour - alpha))
        })
        .unzip();
    Decided {
        alpha: Plane::new(w, h, data),
        blend: Plane::new(w, h, blend),
    }
}

#[cfg(test)]
mod tests {
    use super::super::foreground::linear_channels;
    use super::*;
    use image::RgbImage;

    /// A 96×96 guide: wall colour above row 48, shirt colour from it; and a matte that is sure
    /// far from the edge but, over rows 40–56, a ramp that leaves the shirt's first rows at 0.75
    /// and gives the wall's last rows some alpha (a coarse mask a few pixels off the edge).
    fn scene(wall: [u8; 3], shirt: [u8; 3]) -> (RgbImage, Plane) {
        let guide = RgbImage::from_fn(96, 96, |_, y| image::Rgb(if y < 48 { wall } else { shirt }));
        let alpha = (0..96 * 96)
            .map(|k| match k / 96 {
                y if y < 40 => 0.0,
                y if y >= 56 => 1.0,
                y => 0.1 + 0.75 * (y - 40) as f32 / 16.0,
            })
            .collect();
        (guide, Plane::new(96, 96, alpha))
    }

    #[test]
    fn a_dark_shirt_on_a_light_wall_is_decided_by_colour() {
        let (guide, alpha) = scene([150, 190, 230], [20, 20, 24]);
        let out = decide(&linear_channels(&guide), &alpha, 96.0, 96.0);
        let at = |y: usize| out.data[y * 96 + 48];
        for y in 40..48 {
            assert!(at(y) < 0.05, "wall row {y}: {}", at(y));
        }
        for y in 48..56 {
            assert!(at(y) > 0.95, "shirt row {y}: {}", at(y));
        }
        // Sure pixels are left as they are.
        assert_eq!((at(10), at(80)), (0.0, 1.0));
    }

    /// A bare shoulder below a grey wall whose first rows are shaded (darker, towards the wall's
    /// colour), and a matte the guided filter is sure of there (0.99): the colour line, which
    /// would read the shading as a mix with the wall, leaves it whole.
    #[test]
    fn a_shaded_shoulder_the_filter_is_sure_of_is_not_softened() {
        let guide = RgbImage::from_fn(96, 96, |_, y| {
            image::Rgb(match y {
                0..48 => [150, 150, 150],
                48..54 => [178, 150, 136],
                _ => [225, 185, 165],
            })
        });
        let alpha = (0..96 * 96)
            .map(|k| match k / 96 {
                y if y < 46 => 0.0,
                46 | 47 => 0.5,
                y if y < 60 => 0.99,
                _ => 1.0,
            })
            .collect();
        let out = decide(
            &linear_channels(&guide),
            &Plane::new(96, 96, alpha),
            96.0,
            96.0,
        );
        for y in 48..54 {
            let a = out.data[y * 96 + 48];
            assert!(a > 0.95, "shaded shoulder row {y}: {a}");
        }
    }

    #[test]
    fn where_colour_cannot_decide_the_matte_stays_above_the_eyes_and_steepens_below() {
        let (guide, alpha) = scene([238, 238, 238], [242, 242, 240]);
        let out = decide(&linear_channels(&guide), &alpha, 96.0, 96.0);
        assert_eq!(out.data, alpha.data);
        // The eyes far above (the chin below the frame: hair beside the cheek): the ramp over
        // rows 40–56 keeps its middle and narrows.
        let out = decide(&linear_channels(&guide), &alpha, -100.0, 200.0);
        let at = |y: usize| out.data[y * 96 + 48];
        let translucent = (40..56).filter(|&y| (0.05..0.95).contains(&at(y))).count();
        assert!(translucent <= 7, "{translucent} rows still translucent");
        for y in 40..56 {
            let before = alpha.data[y * 96 + 48];
            assert_eq!(at(y) >= 0.5, before >= 0.5, "row {y}: {before} → {}", at(y));
        }
    }

    #[test]
    fn a_blend_steepened_to_opaque_is_composited_as_the_person_not_the_wall() {
        // A dark shirt on a light wall; the shirt's first row is 70 % shirt, 30 % wall (in
        // linear light), as a photographed edge leaves it. Below the chin that row is made
        // opaque; pasted as it is, it would be a light line along the shirt on the new colour.
        let (wall, shirt) = ([210u8, 215, 220], [20u8, 20, 24]);
        let lin = crate::colour::linear_table();
        let srgb = crate::colour::srgb;
        let mixed: [u8; 3] = std::array::from_fn(|c| {
            srgb(0.7 * lin[usize::from(shirt[c])] + 0.3 * lin[usize::from(wall[c])])
        });
        let guide = RgbImage::from_fn(96, 96, |_, y| {
            image::Rgb(match y {
                0..48 => wall,
                48 => mixed,
                _ => shirt,
            })
        });
        let (_, alpha) = scene(wall, shirt);
        let channels = linear_channels(&guide);
        let decided = decide_with_blend(&channels, &alpha, -100.0, -100.0);
        let k = 48 * 96 + 48;
        assert!(decided.alpha.data[k] > 0.95, "{}", decided.alpha.data[k]);
        assert!(
            (decided.blend.data[k] - 0.7).abs() < 0.1,
            "{}",
            decided.blend.data[k]
        );
        let blue = [0.0, 0.37, 0.79];
        let old = crate::standardize::foreground::old_background(&channels, &decided.alpha);
        let shown = |blend: Option<&Plane>| {
            let out = crate::standardize::foreground::composite(
                channels.clone(),
                &decided.alpha,
                blend,
                old,
                blue,
                [1.0; 3],
            );
            let p: [u8; 3] = std::array::from_fn(|c| srgb(out[c].data[k]));
            let s = std::array::from_fn::<f32, 3, _>(|c| f32::from(shirt[c]));
            (0..3)
                .map(|c| (f32::from(p[c]) - s[c]).powi(2))
                .sum::<f32>()
                .sqrt()
        };
        // Unmixed with colour's share it is the shirt's; with the steepened alpha, the wall's
        // share stays.
        assert!(
            shown(Some(&decided.blend)) < 12.0,
            "{}",
            shown(Some(&decided.blend))
        );
        assert!(shown(None) > 40.0, "{}", shown(None));
    }

    #[test]
    fn below_the_chin_what_colour_reads_as_a_blend_is_steepened_too() {
        // A white shirt on a grey wall whose edge the photo itself ramps over rows 44–52 (shade
        // on the shirt's edge, a soft focus): colour reads those rows as blends.
        let (wall, shirt) = ([150u8, 150, 150], [240u8, 240, 240]);
        let guide = RgbImage::from_fn(96, 96, |_, y| {
            let t = ((y as f32 - 44.0) / 8.0).clamp(0.0, 1.0);
            image::Rgb(std::array::from_fn(|c| {
                (f32::from(wall[c]) * (1.0 - t) + f32::from(shirt[c]) * t) as u8
            }))
        });
        let (_, alpha) = scene(wall, shirt);
        let translucent = |eyes: f32, chin: f32| {
            let out = decide(&linear_channels(&guide), &alpha, eyes, chin);
            (36..60)
                .filter(|&y| (0.05..0.95).contains(&out.data[y * 96 + 48]))
                .count()
        };
        // Above the chin (hair is soft, below the eyes too) the blends colour reads stay; below
        // it clothing is opaque.
        assert!(translucent(96.0, 96.0) >= 6, "{}", translucent(96.0, 96.0));
        assert!(
            translucent(-100.0, 200.0) >= 6,
            "{}",
            translucent(-100.0, 200.0)
        );
        assert!(
            translucent(-100.0, -100.0) <= 3,
            "{}",
            translucent(-100.0, -100.0)
        );
    }
}
