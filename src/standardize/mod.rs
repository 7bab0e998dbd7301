//! Standardisation (照片标准化): from the user's photo to the file the collector accepts, on the
//! device, with no beautification.
//!
//! Stages, each its own module, in order:
//! - `crop`: the crop that puts crown, eye line and face width in range, or a typed refusal.
//! - cut (here): the crop resampled (Lanczos3) onto a working grid up to twice the output's size.
//! - `matte`: the person mask refined against the photo (colour guided filter), holes the wall
//!   cannot reach filled.
//! - `colourline`: the matte's transition band decided by colour where the person's and the
//!   wall's colours are far enough apart; where they are not, steepened below the eyes; below
//!   the chin (clothing is opaque) steepened either way.
//! - `face`: inside the face mesh's outline the matte is opaque (a pale cheek on a pale wall).
//! - `correct`: bounded global exposure and white balance, recorded.
//! - `foreground`: colour decontamination and compositing over the flat background, in linear light.
//! - finish (here): Lanczos3 down to the output size in linear light, then sRGB.
//! - encode: [`encode_to_spec`](crate::encode::encode_to_spec), the size search.
//! - `verify`: the closed loop: the file decoded, the face located on it (the analysis mapped
//!   through the crop, or found again), its geometry, background and file rules judged.
//! - `crown`: the crown as a composite over a flat colour shows it (the plan and the closed loop
//!   both read it so).
//! - `boxfilter`: the mean filters the matte and the colour estimates are built on.
//! - `edges`: how clean the cut-out's edge is on the file (steps, a band of blended colour),
//!   reported by the closed loop and benchmarked by `scripts/edges.mjs`.
//! - `unsure`: how much of the file the segmentation kept without being sure of it (a field of
//!   an outdoor scene beside the shoulder), reported by the closed loop.

pub mod boxfilter;
pub mod colourline;
pub mod correct;
pub mod crop;
pub mod crown;
pub mod edges;
pub mod face;
pub mod foreground;
pub mod matte;
pub mod unsure;
pub mod verify;

use image::RgbImage;
use serde::Serialize;

use crate::analysis::{Analysis, Analyzer};
use crate::checks::{RuleResult, Verdict};
use crate::colour::{linear, srgb};
use crate::encode::{encode_to_spec, EncodedJpeg};
use crate::error::{Error, Result};
use crate::input::Photo;
use crate::preset::{parse_hex_color, Preset};
use crate::resample::{
    resample, resample_linear_planes, resample_linear_rows, resample_shrinking, rotate, Rect,
};
pub use correct::Corrections;
pub use crop::Framing;
pub use verify::{ClosedLoop, Measured};

/// How much work to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    /// Matte at twice the output resolution, size-searched JPEG, closed-loop verification.
    #[default]
    Full,
    /// For the live UI: matte on the output grid, no file, no verification.
    Preview,
}

/// Choices the caller may make.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    /// `#RRGGBB`; the preset's background colour when `None`.
    pub background: Option<String>,
    pub quality: Quality,
    /// How the closed loop locates the face on the file (full mode).
    pub closed_loop: ClosedLoop,
}

/// What standardisation produced and how.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct StandardizeReport {
    pub preset: String,
    pub quality: Quality,
    /// The background colour used, `#RRGGBB`.
    pub background: String,
    pub framing: Framing,
    pub corrections: Corrections,
    /// Working-grid size of the matte.
    pub matte_width: u32,
    pub matte_height: u32,
    /// The file (full mode).
    pub file: Option<EncodedJpeg>,
    /// How the closed loop located the face on the file.
    pub closed_loop: ClosedLoop,
    /// The geometry measured on the file (full mode).
    pub measured: Option<Measured>,
    /// The closed-loop rules on the file (full mode): geometry, background, file.
    pub rules: Vec<RuleResult>,
    /// `fail` when a closed-loop rule fails (a bug: report it); `warn` when one warns or could
    /// not be measured on the file (and in preview mode, where nothing is verified); `pass`
    /// otherwise.
    pub verdict: Verdict,
    /// The verdict in a sentence, naming the rules that failed or need a look.
    pub summary_zh: String,
    pub summary_en: String,
}

/// The standardised photo.
#[derive(Debug, Clone)]
pub struct Standardized {
    /// The output pixels (`output.width × output.height`).
    pub image: RgbImage,
    /// The JPEG file (full mode).
    pub jpeg: Option<Vec<u8>>,
    pub report: StandardizeReport,
}

/// The pixels of the standardised photo, before encoding, and how they were made.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub image: RgbImage,
    pub framing: Framing,
    pub corrections: Corrections,
    pub matte_width: u32,
    pub matte_height: u32,
    /// Output pixels made of the flat background alone ([`pure_background`]), row by row.
    pub pure_background: Vec<bool>,
    /// The source's face the render was framed on (source pixels).
    pub face: crate::analysis::Face,
    /// The matte on the working grid (`matte_width × matte_height`).
    pub matte: boxfilter::Plane,
    /// The photo itself on the output's grid, uncomposited, from the shoulders down (black above
    /// the rows the edge measure reads; full quality): what that measure holds the cut-out's
    /// edge against ([`edges::Context::source`]).
    pub source: Option<RgbImage>,
    /// The share of the output the matte kept where the segmentation was unsure, far from what
    /// it was sure of ([`unsure::share`]; full quality).
    pub unsure_share: Option<f32>,
}

impl Rendered {
    /// The source's face on the output, with the matte as its mask ([`verify::mapped`]): what
    /// the closed loop measures the file with unless it analyses the file again.
    pub fn on_output(&self) -> Analysis {
        let (width, height) = self.image.dimensions();
        verify::mapped(&self.face, &self.framing, &self.matte, width, height)
    }

    /// What the closed loop reads from the render beside the file, with `on_output` (from
    /// [`Rendered::on_output`]) giving the matte over the output.
    pub fn made<'a>(&'a self, on_output: &'a Analysis) -> verify::Made<'a> {
        verify::Made {
            pure_background: &self.pure_background,
            unsure_share: self.unsure_share,
            edges: edges::Context {
                matte: on_output.mask.as_ref(),
                source: self.source.as_ref(),
            },
        }
    }
}

/// Analyse, render, encode and verify.
pub fn standardize(
    analyzer: &Analyzer,
    photo: &Photo,
    preset: &Preset,
    options: &Options,
) -> Result<Standardized> {
    let analysis = analyzer.analyze(&photo.image)?;
    standardize_analyzed(analyzer, photo, &analysis, preset, options)
}

/// [`standardize`] reusing an analysis already made (the page checks, then standardises).
pub fn standardize_analyzed(
    analyzer: &Analyzer,
    photo: &Photo,
    analysis: &Analysis,
    preset: &Preset,
    options: &Options,
) -> Result<Standardized> {
    analysis.validate_for(&photo.image)?;
    let background = options
        .background
        .clone()
        .unwrap_or_else(|| preset.background.color.clone());
    let rgb = parse_hex_color(&background)?;
    // Level the eyes first where the preset allows rotation (CHSI does not: its roll check
    // reports instead), and analyse the turned photo again.
    let level = match analysis.faces.as_slice() {
        [face] if preset.geometry.allow_rotation && face.geometry.eye_line_deg.abs() > 0.5 => {
            let angle = face.geometry.eye_line_deg;
            let m = face.geometry.eye_mid;
            let turned = rotate(&photo.image, angle, m.x, m.y);
            let again = analyzer.analyze(&turned)?;
            Some((turned, again, angle))
        }
        _ => None,
    };
    let mut r = match &level {
        Some((turned, again, _)) => render(analyzer, turned, again, preset, rgb, options.quality)?,
        None => render(
            analyzer,
            &photo.image,
            analysis,
            preset,
            rgb,
            options.quality,
        )?,
    };
    if let Some((_, _, angle)) = level {
        r.framing.rotation_deg = angle;
    }
    let mut report = StandardizeReport {
        preset: preset.id.clone(),
        quality: options.quality,
        background: format!("#{:02X}{:02X}{:02X}", rgb[0], rgb[1], rgb[2]),
        framing: r.framing,
        corrections: r.corrections.clone(),
        matte_width: r.matte_width,
        matte_height: r.matte_height,
        file: None,
        closed_loop: options.closed_loop,
        measured: None,
        rules: Vec::new(),
        verdict: Verdict::Warn,
        summary_zh: "预览：尚未生成和检查文件。".into(),
        summary_en: "Preview: no file made or checked yet.".into(),
    };
    if options.quality == Quality::Preview {
        return Ok(Standardized {
            image: r.image,
            jpeg: None,
            report,
        });
    }
    let file = encode_to_spec(&r.image, &preset.output)?;
    // The source's face and the matte on the output: where the closed loop maps rather than
    // detects again, its face; either way, the matte the edge measure reads.
    let on_output = r.on_output();
    let locate = match options.closed_loop {
        ClosedLoop::Mapped => verify::Locate::Mapped(&on_output),
        ClosedLoop::Redetect => verify::Locate::Redetect(analyzer),
    };
    let (measured, rules) =
        verify::verify(locate, &file, &r.framing, preset, rgb, r.made(&on_output))?;
    let any = |status| rules.iter().any(|r| r.status == status);
    report.verdict = if any(crate::checks::Status::Fail) {
        Verdict::Fail
    } else if any(crate::checks::Status::Warn) || any(crate::checks::Status::NotEvaluated) {
        Verdict::Warn
    } else {
        Verdict::Pass
    };
    (report.summary_zh, report.summary_en) = closed_loop_summary(&rules);
    report.measured = measured;
    report.rules = rules;
    let jpeg = file.bytes.clone();
    report.file = Some(file);
    Ok(Standardized {
        image: r.image,
        jpeg: Some(jpeg),
        report,
    })
}

/// The closed loop's verdict in a sentence: which rules failed (and that a retake or another
/// photo is the way on), or which to look at.
fn closed_loop_summary(rules: &[RuleResult]) -> (String, String) {
    use crate::checks::Status;
    let titles = |status: fn(Status) -> bool| {
        let picked: Vec<&RuleResult> = rules.iter().filter(|r| status(r.status)).collect();
        (
            picked
                .iter()
                .map(|r| r.shown.title_zh.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            picked
                .iter()
                .map(|r| r.shown.title_en.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        )
    };
    let (failed_zh, failed_en) = titles(|s| s == Status::Fail);
    let (look_zh, look_en) = titles(|s| matches!(s, Status::Warn | Status::NotEvaluated));
    if !failed_zh.is_empty() {
        (
            format!("标准照未通过自检（{failed_zh}）：请重新拍摄或换一张照片；如多次出现，请反馈。"),
            format!("The standard photo failed its own check ({failed_en}): retake it or choose another photo; if this keeps happening, please report it."),
        )
    } else if !look_zh.is_empty() {
        (
            format!("标准照已生成；请看一下：{look_zh}。"),
            format!("The standard photo is ready; please look at: {look_en}."),
        )
    } else {
        (
            "标准照已生成：尺寸、头部位置、背景和文件均符合规格（照片本身的检查见下方清单）。".into(),
            "The standard photo is ready: its size, head position, background and file meet the spec (the photo's own checks are in the list below).".into(),
        )
    }
}

/// The crop of the photo on a `width × height` grid. Where the crop runs above the photo
/// (headroom the preset lets us fill) the first row continues upwards, and below it (only when
/// the preset allows filling below the shoulders) the last row continues downwards; the matte
/// decides what of that becomes background.
pub fn cut(image: &RgbImage, framing: &Framing, width: u32, height: u32) -> Result<RgbImage> {
    cut_with(image, framing, width, height, resample)
}

/// [`cut`] with a chosen resampler ([`resample`] or [`resample_shrinking`]).
fn cut_with(
    image: &RgbImage,
    framing: &Framing,
    width: u32,
    height: u32,
    resampler: fn(&RgbImage, Rect, u32, u32) -> Result<RgbImage>,
) -> Result<RgbImage> {
    let c = &framing.crop;
    let (iw, ih) = (f64::from(image.width()), f64::from(image.height()));
    let (top, bottom) = (f64::from(c.top), f64::from(c.top + c.height));
    let per_row = f64::from(height) / f64::from(c.height);
    let visible_top = top.clamp(0.0, ih - 1.0);
    let visible_bottom = bottom.clamp(visible_top + 1.0, ih);
    let first = (((visible_top - top) * per_row).round() as u32).min(height - 1);
    let rows = (((visible_bottom - visible_top) * per_row).round() as u32).clamp(1, height - first);
    let left = f64::from(c.left).clamp(0.0, iw - 1.0);
    let part = resampler(
        image,
        Rect {
            left,
            top: visible_top,
            width: f64::from(c.width).min(iw - left).max(1.0),
            height: visible_bottom - visible_top,
        },
        width,
        rows,
    )?;
    if rows == height {
        return Ok(part);
    }
    let stride = width as usize * 3;
    let mut out = Vec::with_capacity(stride * height as usize);
    for y in 0..height {
        let from = y.saturating_sub(first).min(rows - 1) as usize * stride;
        out.extend_from_slice(&part.as_raw()[from..from + stride]);
    }
    RgbImage::from_raw(width, height, out).ok_or(Error::Encode {
        detail: "cut buffer has the wrong size".into(),
    })
}

/// The working grid for `framing`: working pixels per output pixel (up to 2 for the matte, never
/// more than the source has), and the `ow × oh` output's size times that.
pub(crate) fn working_grid(
    framing: &Framing,
    quality: Quality,
    ow: u32,
    oh: u32,
) -> (f32, u32, u32) {
    let f = match quality {
        Quality::Preview => 1.0,
        Quality::Full => (1.0 / framing.crop.scale).clamp(1.0, 2.0),
    };
    (
        f,
        (ow as f32 * f).round() as u32,
        (oh as f32 * f).round() as u32,
    )
}

/// Person-mask cells the photo's own mask must have across the face for the matte to start from
/// it; fewer (a small person in a large frame: a face 13 cells wide in a 12 MP frame) and the
/// crop is segmented again on its own, where the face spans about a hundred.
const MIN_MASK_CELLS_ACROSS_FACE: f32 = 32.0;

/// The person mask the matte starts from: the photo's own, or where that is too coarse for the
/// face ([`MIN_MASK_CELLS_ACROSS_FACE`]) a segmentation of the crop and a margin around it,
/// inside that region, and the photo's own outside it. In source pixels, 0 above the photo.
struct PersonAt<'a> {
    whole: &'a crate::analysis::PersonMask,
    region: Option<(crate::analysis::PersonMask, crate::framing::Crop)>,
}

impl PersonAt<'_> {
    /// The side of one mask cell in source pixels (the geometric mean of its two sides): the
    /// crop's own segmentation's where there is one, which covers the crop's surroundings at the
    /// crop's scale.
    fn cell_source_px(&self) -> f32 {
        match &self.region {
            Some((mask, c)) => unsure::cell_px(mask) / c.scale,
            None => unsure::cell_px(self.whole),
        }
    }

    fn coarse(&self, crop: &crate::framing::Crop, width: u32, height: u32) -> boxfilter::Plane {
        let image_height = self.whole.image_height as f32;
        matte::coarse_with(
            |xs, ys| self.grid(xs, ys),
            image_height,
            crop,
            width,
            height,
        )
    }

    /// The person probability at every `(x, y)`, row by row: the crop's own segmentation inside
    /// its region (at or below the photo's top), the photo's mask elsewhere; each column's and
    /// row's bilinear taps worked out once.
    fn grid(&self, xs: &[f32], ys: &[f32]) -> Vec<f32> {
        let Some((mask, c)) = &self.region else {
            return self.whole.grid(xs, ys);
        };
        let whole_cols: Vec<_> = xs.iter().map(|&x| self.whole.tap_x(x)).collect();
        let region_cols: Vec<_> = xs
            .iter()
            .map(|&x| mask.tap_x((x - c.left) * c.scale))
            .collect();
        let mut out = Vec::with_capacity(xs.len() * ys.len());
        for &y in ys {
            let whole_row = self.whole.tap_y(y);
            let region_row = if y >= 0.0 {
                mask.tap_y((y - c.top) * c.scale)
            } else {
                None
            };
            for (whole_col, region_col) in whole_cols.iter().zip(&region_cols) {
                out.push(
                    match (region_col.zip(region_row), whole_col.zip(whole_row)) {
                        (Some((tx, ty)), _) => mask.at_taps(tx, ty),
                        (None, Some((tx, ty))) => self.whole.at_taps(tx, ty),
                        _ => 0.0,
                    },
                );
            }
        }
        out
    }
}

/// The pixel pipeline, without encoding: crop, matte, corrections, composite, resample.
pub fn render(
    analyzer: &Analyzer,
    image: &RgbImage,
    analysis: &Analysis,
    preset: &Preset,
    background: [u8; 3],
    quality: Quality,
) -> Result<Rendered> {
    if analysis.faces.len() != 1 {
        return Err(Error::NotOneFace {
            found: analysis.faces.len(),
        });
    }
    let mask = analysis.mask.as_ref().ok_or(Error::NoCrown)?;
    let mut face = analysis.faces[0].clone();
    let (ow, oh) = (preset.output.width, preset.output.height);
    let params = match quality {
        Quality::Full => matte::FULL,
        Quality::Preview => matte::PREVIEW,
    };
    // Plan from the analysis, then render a quick probe on the output's own grid (a quarter of
    // the full matte's work) and read the crown where it shows: where that sits more than an
    // output pixel from the planned crown, plan again from it. Then cut and matte once at working
    // size (in preview, the probe is the result when nothing moved).
    let probe_framing = crop::plan(&face, image.width(), image.height(), preset)?;
    // The probe is cut with an area average first where the crop is much larger than the output
    // (a 12 MP photo): cutting reads the whole crop, and a direct Lanczos3 pass reads about six
    // times the shrink factor of source pixels for every output pixel.
    let probe = cut_with(image, &probe_framing, ow, oh, resample_shrinking)?;
    let cells = face.geometry.face_width_px / image.width() as f32 * mask.width as f32;
    let person = PersonAt {
        whole: mask,
        region: if cells < MIN_MASK_CELLS_ACROSS_FACE {
            // The crop and a tenth of it more on every side (within the photo's width: `cut`
            // fills only above and below), so that a crop planned again around a moved crown
            // stays inside.
            let c = probe_framing.crop;
            let left = (c.left - 0.1 * c.width).max(0.0);
            let right = (c.left + 1.1 * c.width).min(image.width() as f32);
            let wider = crate::framing::Crop {
                left,
                top: c.top - 0.1 * c.height,
                width: right - left,
                height: 1.2 * c.height,
                ..c
            };
            let (rw, rh) = (
                (wider.width * c.scale).round().max(1.0) as u32,
                (1.2 * oh as f32).round() as u32,
            );
            let view = Framing {
                crop: wider,
                ..probe_framing
            };
            Some((
                analyzer.segment(&cut(image, &view, rw, rh)?, rw, rh)?,
                wider,
            ))
        } else {
            None
        },
    };
    let mut probe_alpha = matte::refine(
        &probe,
        &person.coarse(&probe_framing.crop, ow, oh),
        &matte::PREVIEW,
    );
    self::face::floor(&mut probe_alpha, &face, &probe_framing, 1.0);
    let (probe_image, probe_corrections) = finish(
        foreground::linear_channels(&probe),
        &probe_alpha,
        None,
        &face,
        &probe_framing,
        1.0,
        background,
        preset,
    )?;
    let shown = shown_crown(&face, &probe_framing, &probe_image, background)
        .or_else(|| refined_crown(&face, &probe_framing, 1.0, &probe_alpha));
    let moved = match (shown, face.geometry.crown) {
        (Some(new), Some(old)) if (new.y - old.y).abs() * probe_framing.crop.scale > 1.0 => {
            face.geometry.crown = Some(new);
            true
        }
        _ => false,
    };
    if quality == Quality::Preview && !moved {
        return Ok(Rendered {
            image: probe_image,
            framing: probe_framing,
            corrections: probe_corrections,
            matte_width: ow,
            matte_height: oh,
            pure_background: pure_background(&probe_alpha, ow, oh),
            face,
            matte: probe_alpha,
            source: None,
            unsure_share: None,
        });
    }
    let full = |face: &crate::analysis::Face| -> Result<Rendered> {
        let framing = crop::plan(face, image.width(), image.height(), preset)?;
        let (f, ww, wh) = working_grid(&framing, quality, ow, oh);
        let work = cut(image, &framing, ww, wh)?;
        let alpha = matte::refine(&work, &person.coarse(&framing.crop, ww, wh), &params);
        // In linear light once: the colour line reads them, then the composite takes them over.
        let channels = foreground::linear_channels(&work);
        let colourline::Decided {
            mut alpha,
            mut blend,
        } = colourline::decide_with_blend(
            &channels,
            &alpha,
            eyes_row(face, &framing, f),
            chin_row(face, &framing, f),
        );
        self::face::floor(&mut alpha, face, &framing, f);
        self::face::floor(&mut blend, face, &framing, f);
        let source = on_output_grid(&channels, ow, oh, edges_from_row(face, &framing))?;
        let unsure_share = unsure::share(
            |w, h| person.coarse(&framing.crop, w, h),
            &alpha,
            person.cell_source_px() * framing.crop.scale,
            ow,
            oh,
        );
        let (image, corrections) = finish(
            channels,
            &alpha,
            Some(&blend),
            face,
            &framing,
            f,
            background,
            preset,
        )?;
        Ok(Rendered {
            image,
            framing,
            corrections,
            matte_width: ww,
            matte_height: wh,
            pure_background: pure_background(&alpha, ow, oh),
            face: face.clone(),
            matte: alpha,
            source: Some(source),
            unsure_share: Some(unsure_share),
        })
    };
    let rendered = full(&face)?;
    // The finer matte at working size can keep a little more or less of the top of the head
    // than the probe's: where the render's own crown shows more than an output pixel from the
    // plan, plan from it and render once more.
    let shown = shown_crown(&face, &rendered.framing, &rendered.image, background);
    match (shown, face.geometry.crown) {
        (Some(new), Some(old)) if (new.y - old.y).abs() * rendered.framing.crop.scale > 1.0 => {
            face.geometry.crown = Some(new);
            full(&face)
        }
        _ => Ok(rendered),
    }
}

/// The chin's row on the working grid (`f` working pixels per output pixel): where clothing
/// starts, for [`colourline::decide`].
pub fn chin_row(face: &crate::analysis::Face, framing: &Framing, f: f32) -> f32 {
    working_row(face.geometry.chin.y, framing, f)
}

/// The eye line's row on the working grid: from there down, an edge colour cannot decide is
/// steepened ([`colourline::decide`], and near the face's outline [`face::floor`]); above it the
/// crown stays as the framing read it.
pub fn eyes_row(face: &crate::analysis::Face, framing: &Framing, f: f32) -> f32 {
    working_row(face.geometry.eye_mid.y, framing, f)
}

/// A photo row `y` on the working grid of `framing` (`f` working pixels per output pixel).
fn working_row(y: f32, framing: &Framing, f: f32) -> f32 {
    (y - framing.crop.top) * framing.crop.scale * f
}

/// Which of the `width × height` output pixels are made of the flat background alone: every
/// matte pixel within the three output pixels each way that the final Lanczos3 resampling reads
/// is 0. There the file must show the requested colour, up to the JPEG's error; next to the
/// person the resampling mixes the two, and the matte's own edge is the matte's business.
pub fn pure_background(alpha: &boxfilter::Plane, width: u32, height: u32) -> Vec<bool> {
    let (aw, ah) = (alpha.width, alpha.height);
    // Summed-area table of the matte pixels with any person in them.
    let mut sums = vec![0u32; (aw + 1) * (ah + 1)];
    for y in 0..ah {
        let mut in_row = 0;
        for x in 0..aw {
            in_row += u32::from(alpha.data[y * aw + x] > 0.0);
            sums[(y + 1) * (aw + 1) + x + 1] = in_row + sums[y * (aw + 1) + x + 1];
        }
    }
    let (fx, fy) = (aw as f32 / width as f32, ah as f32 / height as f32);
    let span = |i: u32, f: f32, n: usize| {
        let lo = ((i as f32 - 3.0) * f).floor().max(0.0) as usize;
        let hi = (((i + 1) as f32 + 3.0) * f).ceil().min(n as f32) as usize;
        (lo, hi.max(lo))
    };
    let columns: Vec<_> = (0..width).map(|x| span(x, fx, aw)).collect();
    let mut out = Vec::with_capacity(width as usize * height as usize);
    for y in 0..height {
        let (y0, y1) = span(y, fy, ah);
        let (above, below) = (&sums[y0 * (aw + 1)..], &sums[y1 * (aw + 1)..]);
        out.extend(
            columns
                .iter()
                .map(|&(x0, x1)| below[x1] + above[x0] - above[x1] - below[x0] == 0),
        );
    }
    out
}

/// From the cut (its `channels` in linear light, [`foreground::linear_channels`]) and its matte
/// on a working grid `f` times the output's size to the output's pixels: corrections,
/// decontamination and composite in linear light, resampling, sRGB.
#[allow(clippy::too_many_arguments)]
fn finish(
    channels: [boxfilter::Plane; 3],
    alpha: &boxfilter::Plane,
    blend: Option<&boxfilter::Plane>,
    face: &crate::analysis::Face,
    framing: &Framing,
    f: f32,
    background: [u8; 3],
    preset: &Preset,
) -> Result<(RgbImage, Corrections)> {
    let (ow, oh) = (preset.output.width, preset.output.height);
    let (ww, wh) = (alpha.width as u32, alpha.height as u32);
    let old = foreground::old_background(&channels, alpha);
    let corrections = correct::decide(
        &channels,
        alpha,
        skin_box(face, framing, f, ww, wh),
        old,
        &preset.corrections,
    );
    let bg = background.map(linear);
    let [r, g, b] = foreground::composite(channels, alpha, blend, old, bg, corrections.gains());
    let pixels = resample_linear_planes([&r.data, &g.data, &b.data], ww, wh, ow, oh)?;
    let rgb: Vec<u8> = pixels.into_iter().map(srgb).collect();
    let image = RgbImage::from_raw(ow, oh, rgb).ok_or(Error::Encode {
        detail: "output buffer has the wrong size".into(),
    })?;
    Ok((image, corrections))
}

/// The photo's working-grid `channels` (linear light) on the output's grid, resampled as
/// [`finish`] resamples the composite, from output row `from_row` down (the rows above stay
/// black): the edge measure reads only the shoulders ([`edges_from_row`]), and a 12 MP render's
/// second full resample cost 22 ms in WASM.
pub(crate) fn on_output_grid(
    channels: &[boxfilter::Plane; 3],
    ow: u32,
    oh: u32,
    from_row: u32,
) -> Result<RgbImage> {
    let [r, g, b] = channels;
    let (ww, wh) = (r.width as u32, r.height as u32);
    let from_row = from_row.min(oh);
    let rows = resample_linear_rows([&r.data, &g.data, &b.data], ww, wh, ow, oh, from_row)?;
    let mut pixels = vec![0u8; (ow * from_row * 3) as usize];
    pixels.extend(rows.into_iter().map(srgb));
    RgbImage::from_raw(ow, oh, pixels).ok_or(Error::Encode {
        detail: "output buffer has the wrong size".into(),
    })
}

/// The output row from which the edge measure may read the photo: its first row
/// ([`edges::measure`]: a fifth of the face's width above the chin) less the ten rows it reads
/// above an edge and a margin for the closed loop's chin against the plan's and for the resample's
/// reach at the strip's top.
pub(crate) fn edges_from_row(face: &crate::analysis::Face, framing: &Framing) -> u32 {
    let chin = chin_row(face, framing, 1.0);
    let width = face.geometry.face_width_px * framing.crop.scale;
    (chin - 0.2 * width - 40.0).max(0.0) as u32
}

/// The crown where a render on the output grid shows it ([`crown::visible`]), in source pixels.
fn shown_crown(
    face: &crate::analysis::Face,
    framing: &Framing,
    shown: &RgbImage,
    background: [u8; 3],
) -> Option<crate::analysis::Point> {
    let (g, c) = (&face.geometry, &framing.crop);
    let to_output = |p: crate::analysis::Point| crate::analysis::Point {
        x: (p.x - c.left) * c.scale,
        y: (p.y - c.top) * c.scale,
    };
    let axis = crown::Axis {
        eye_mid: to_output(g.eye_mid),
        up: g.up,
        face_width: g.face_width_px * c.scale,
        eye_chin: g.eye_mid.dist(g.chin) * c.scale,
    };
    let p = crown::visible(shown, &axis, background)?;
    Some(crate::analysis::Point {
        x: p.x / c.scale + c.left,
        y: p.y / c.scale + c.top,
    })
}

/// The crown on the refined matte, in source pixels.
fn refined_crown(
    face: &crate::analysis::Face,
    framing: &Framing,
    f: f32,
    alpha: &boxfilter::Plane,
) -> Option<crate::analysis::Point> {
    let g = &face.geometry;
    let c = &framing.crop;
    let k = c.scale * f;
    let start = [(g.eye_mid.x - c.left) * k, (g.eye_mid.y - c.top) * k];
    // The same gap rule as the analysis' crown walk: 4 % of the eye–chin distance.
    let max_gap = 0.04 * g.eye_mid.dist(g.chin) * k;
    let [x, y] = matte::crown(alpha, start, [g.up.x, g.up.y], max_gap)?;
    Some(crate::analysis::Point {
        x: x / k + c.left,
        y: y / k + c.top,
    })
}

/// Cheeks and the area under the eyes on the working grid: skin, not hair, brows or lips.
fn skin_box(
    face: &crate::analysis::Face,
    framing: &Framing,
    f: f32,
    ww: u32,
    wh: u32,
) -> [usize; 4] {
    let g = &face.geometry;
    let c = &framing.crop;
    let k = c.scale * f;
    let to = |x: f32, y: f32| ((x - c.left) * k, (y - c.top) * k);
    let fw = g.face_width_px;
    let (x0, y0) = to(
        g.cheek_right.x.min(g.cheek_left.x) + 0.2 * fw,
        g.eye_mid.y + 0.12 * fw,
    );
    let (x1, y1) = to(
        g.cheek_right.x.max(g.cheek_left.x) - 0.2 * fw,
        g.eye_mid.y + 0.4 * fw,
    );
    let clamp = |v: f32, hi: u32| v.clamp(0.0, hi as f32) as usize;
    [clamp(x0, ww), clamp(y0, wh), clamp(x1, ww), clamp(y1, wh)]
}

/// The background colour as `#RRGGBB`, validated (for callers that take it from users).
pub fn background_rgb(hex: &str) -> Result<[u8; 3]> {
    parse_hex_color(hex)
}
