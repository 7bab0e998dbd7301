//! How the photo was taken: front camera (selfie), beauty apps, re-photographed prints or
//! screens. What EXIF says is evidence; where it says nothing the rule says it cannot judge.

use super::{not_evaluated, Context, Hints, RuleResult};

/// Beauty and retouching apps that write their name into EXIF `Software` (data, matched
/// case-insensitively as substrings).
const BEAUTY_APPS: &str = include_str!("../../presets/beauty-apps.txt");

pub(crate) fn run(ctx: &Context, out: &mut Vec<RuleResult>) {
    let exif = &ctx.photo.info.exif;
    match &exif.lens_model {
        Some(lens) => {
            let lower = lens.to_lowercase();
            let front = lower.contains("front") || lens.contains("前置");
            out.push(ctx.judge(
                "capture.selfie",
                if front { 1.0 } else { 0.0 },
                "front lens",
                &Hints {
                    ok: ("使用后置摄像头拍摄。", "Taken with a rear camera."),
                    low: ("使用后置摄像头拍摄。", "Taken with a rear camera."),
                    high: ("照片由前置摄像头拍摄（自拍）：请他人用后置摄像头为你拍摄。", "Taken with the front camera (a selfie): have someone take it with the rear camera."),
                },
                None,
            ));
        }
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
                    ok: ("EXIF 未显示美颜软件（皮肤纹理分析尚未实现）。", "EXIF names no beauty app (skin-texture analysis is not implemented yet)."),
                    low: ("EXIF 未显示美颜软件（皮肤纹理分析尚未实现）。", "EXIF names no beauty app (skin-texture analysis is not implemented yet)."),
                    high: ("照片经过美颜软件处理：请使用未经美颜、修图的原图。", "The photo went through a beauty app: use an unretouched original."),
                },
                None,
            ));
        }
        None => out.push(not_evaluated(
            "capture.beautified",
            "beauty app",
            "照片没有软件信息（EXIF），皮肤纹理分析尚未实现，无法判断是否美颜。",
            "No EXIF software tag, and skin-texture analysis is not implemented: beautification cannot be judged.",
        )),
    }
    out.push(not_evaluated(
        "capture.rephoto",
        "score",
        "翻拍检测尚未实现。",
        "Re-photographed print or screen detection is not implemented yet.",
    ));
}
