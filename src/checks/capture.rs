//! How the photo was taken: front camera (selfie), beauty apps, re-photographed prints or
//! screens, an app's watermark (`watermark`). What EXIF says is evidence, and so is the camera the host reports for a frame it took
//! (front or rear); where neither says anything the rule says it cannot judge.

use super::{not_evaluated, Context, Hints, RuleResult};
use crate::error::Result;
use crate::input::CameraFacing;

/// Beauty and retouching apps that write their name into EXIF `Software` (data, matched
/// case-insensitively as substrings).
const BEAUTY_APPS: &str = include_str!("../../presets/beauty-apps.txt");

pub(crate) fn run(ctx: &Context, out: &mut Vec<RuleResult>) -> Result<()> {
    let exif = &ctx.photo.info.exif;
    let selfie = Hints {
        ok: ("使用后置摄像头拍摄。", "Taken with a rear camera."),
        low: ("使用后置摄像头拍摄。", "Taken with a rear camera."),
        high: (
            "照片由前置摄像头拍摄（自拍）：请他人用后置摄像头为你拍摄。",
            "Taken with the front camera (a selfie): have someone take it with the rear camera.",
        ),
    };
    // Evidence, in order: the lens EXIF names, then the camera the host says took the frame.
    let front = match (&exif.lens_model, ctx.photo.info.camera) {
        (Some(lens), _) => Some(lens.to_lowercase().contains("front") || lens.contains("前置")),
        (None, Some(camera)) => Some(camera == CameraFacing::User),
        (None, None) => None,
    };
    match front {
        Some(front) => out.push(ctx.judge(
            "capture.selfie",
            if front { 1.0 } else { 0.0 },
            "front lens",
            &selfie,
            None,
        )),
        None => out.push(not_evaluated(
            "capture.selfie",
            "front lens",
            "照片没有镜头信息（EXIF），无法判断是否自拍。",
            "The photo has no lens information (EXIF); whether it is a selfie cannot be told.",
        )),
    }
    match &exif.software {
        Some(software) => {
            let lower = software.to_lowercase();
            let hit = BEAUTY_APPS
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .any(|app| lower.contains(&app.to_lowercase()));
            out.push(ctx.judge(
                "capture.beautified",
                if hit { 1.0 } else { 0.0 },
                "beauty app",
                &Hints {
                    ok: ("照片的拍摄信息中没有美颜软件。请确认未使用美颜、滤镜或修图。", "The photo's camera data names no beauty app. Make sure no beauty filter or retouching was used."),
                    low: ("照片的拍摄信息中没有美颜软件。请确认未使用美颜、滤镜或修图。", "The photo's camera data names no beauty app. Make sure no beauty filter or retouching was used."),
                    high: ("照片经过美颜软件处理：请使用未经美颜、修图的原图。", "The photo went through a beauty app: use an unretouched original."),
                },
                None,
            ));
        }
        None => out.push(not_evaluated(
            "capture.beautified",
            "beauty app",
            "照片没有拍摄软件的信息，无法自动判断是否美颜：请提交相机直接拍摄、未经美颜和修图的原图（提交前会请您确认）。",
            "The photo carries no camera-app data, so beautification cannot be judged automatically: submit an original straight from the camera, with no beauty filter or retouching (you confirm this before submitting).",
        )),
    }
    rephoto(ctx, out);
    super::watermark::run(ctx, out);
    Ok(())
}

/// A photo of a screen or a print carries the screen's pixel grid or the print's halftone: a
/// periodic texture at a few pixels' pitch in both directions. On the face (at the file's own
/// resolution, where the grid is), the high-passed luminance is autocorrelated at lags 2–16 px.
/// Periodic texture makes that correlation come back up after falling (low at half the pitch,
/// high at the pitch); skin, sensor noise and the smooth correlation an enlarged photo has only
/// fall with the lag. Measured as the largest such rebound (the correlation at a lag minus its
/// lowest at any shorter lag), skipping lags of 8 and 16 px, where a JPEG's block grid repeats,
/// and taking the weaker of the horizontal and vertical directions, so only texture periodic in
/// both, as a screen grid or halftone is, scores high. (The swing max − min it replaces also read
/// the plain fall of an enlarged or web JPEG's correlation as a grid.)
fn rephoto(ctx: &Context, out: &mut Vec<RuleResult>) {
    let Some(face) = ctx.face else {
        out.push(super::no_single_face("capture.rephoto", "corr"));
        return;
    };
    let img = &ctx.photo.image;
    let b = face.bbox;
    let side = 256.0f32.min(b.width * 0.6).min(b.height * 0.6).floor();
    let (cx, cy) = (b.x + b.width / 2.0, b.y + b.height / 2.0);
    let (x0, y0) = (
        (cx - side / 2.0).max(0.0) as u32,
        (cy - side / 2.0).max(0.0) as u32,
    );
    let n = side as u32;
    // Below ~100 px of face the correlation estimate is too noisy to tell a grid from skin.
    if n < 96 || x0 + n > img.width() || y0 + n > img.height() {
        out.push(not_evaluated(
            "capture.rephoto",
            "corr",
            "人脸区域太小，无法判断翻拍。",
            "The face is too small to judge re-photography.",
        ));
        return;
    }
    // The window's luma, once per pixel (the high-pass reads each nine times).
    let (x0, y0, n) = (x0 as usize, y0 as usize, n as usize);
    let stride = img.width() as usize * 3;
    let mut luma = Vec::with_capacity(n * n);
    for y in 0..n {
        let start = (y0 + y) * stride + x0 * 3;
        luma.extend(
            img.as_raw()[start..start + n * 3]
                .chunks_exact(3)
                .map(|p| crate::colour::luma([p[0], p[1], p[2]])),
        );
    }
    // High-pass: each pixel minus its 3×3 mean.
    let mut hp = vec![0.0f32; n * n];
    for y in 1..n - 1 {
        let rows = [
            &luma[(y - 1) * n..y * n],
            &luma[y * n..(y + 1) * n],
            &luma[(y + 1) * n..(y + 2) * n],
        ];
        for x in 1..n - 1 {
            let mut sum = 0.0;
            for row in rows {
                for v in &row[x - 1..x + 2] {
                    sum += v;
                }
            }
            hp[y * n + x] = rows[1][x] - sum / 9.0;
        }
    }
    let energy: f32 = hp.iter().map(|v| v * v).sum::<f32>().max(1e-6);
    let corr = |dx: usize, dy: usize| {
        let mut s = 0.0;
        for y in 1..n - 1 - dy {
            let (row, shifted) = (&hp[y * n..(y + 1) * n], &hp[(y + dy) * n + dx..]);
            for x in 1..n - 1 - dx {
                s += row[x] * shifted[x];
            }
        }
        s / energy
    };
    let rebound = |corrs: &dyn Fn(usize) -> f32| {
        let c: Vec<f32> = (2..=16).map(corrs).collect();
        let mut best = 0.0f32;
        for lag in 3..=16usize {
            if lag % 8 == 0 {
                continue;
            }
            let lowest = c[..lag - 2].iter().copied().fold(f32::MAX, f32::min);
            best = best.max(c[lag - 2] - lowest);
        }
        best
    };
    let rebound_h = rebound(&|d| corr(d, 0));
    let rebound_v = rebound(&|d| corr(0, d));
    out.push(ctx.judge(
        "capture.rephoto",
        f64::from(rebound_h.min(rebound_v)),
        "corr",
        &Hints {
            ok: ("未发现翻拍痕迹。", "No sign of a re-photographed screen or print."),
            low: ("未发现翻拍痕迹。", "No sign of a re-photographed screen or print."),
            high: ("疑似翻拍屏幕或照片（有网格/网点纹理）：请直接拍摄本人。", "Looks like a photo of a screen or print (grid or halftone texture): photograph the person directly."),
        },
        Some(b),
    ));
}
