//! One error type for the whole library.
//!
//! Every variant carries what a user needs to act on it: a stable machine code (for the JS shell and
//! for tests), and a message in Chinese and English that says what went wrong *and what to do*.
//! `Display` gives the English message so `?` in the CLI prints something useful.

use serde::Serialize;

/// Everything that can go wrong in gradphoto. Never a panic: bad input ends up here.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {bytes} bytes, more than the {max} bytes allowed")]
    TooManyBytes { bytes: u64, max: u64 },
    #[error("the image is {width}×{height}, more than the {max_pixels} pixels allowed")]
    TooManyPixels {
        width: u32,
        height: u32,
        max_pixels: u64,
    },
    #[error("the image has a zero width or height")]
    ZeroDimensions,
    #[error("{}", named_format(format).map_or("the file's format is not recognised: it is not a JPEG, PNG or WebP photo".to_string(), |f| format!("{f} images are not supported")))]
    UnsupportedFormat { format: String },
    #[error("CMYK JPEG (print colour) is not supported")]
    Cmyk,
    #[error("{bits}-bit images are not supported")]
    HighBitDepth { bits: u8 },
    #[error("animated images are not supported")]
    Animated,
    #[error("the image file is damaged or incomplete: {detail}")]
    Corrupt { detail: String },
    #[error("raw pixel buffer has {got} bytes, expected {expected} for {width}×{height} RGBA")]
    InvalidPixels {
        width: u32,
        height: u32,
        expected: u64,
        got: u64,
    },
    #[error("unknown preset '{id}'")]
    UnknownPreset { id: String },
    #[error("invalid preset: {detail}")]
    InvalidPreset { detail: String },
    #[error("no JPEG quality between {min_quality} and 100 gives a file of {min_kb}–{max_kb} KB ({detail})")]
    SizeUnreachable {
        min_quality: u8,
        min_kb: u32,
        max_kb: u32,
        detail: String,
    },
    #[error("JPEG encoding failed: {detail}")]
    Encode { detail: String },
    #[error("the {model} model could not be loaded: {detail}")]
    ModelLoad { model: &'static str, detail: String },
    #[error("the {model} model failed to run: {detail}")]
    Inference { model: &'static str, detail: String },
    #[error("the face models are not loaded yet")]
    ModelsNotLoaded,
    /// The short-range detector found no face and the full-range one, which looks further, is
    /// not loaded: load it ([`Analyzer::load_full_range`](crate::Analyzer::load_full_range)) and
    /// analyse again. Pages fetch it only then, as most photos never need it.
    #[error("no face at close range, and the full-range detector is not loaded")]
    FullRangeNeeded,
    #[error("standardisation needs exactly one face, found {found}")]
    NotOneFace { found: usize },
    #[error("the top of the head could not be found")]
    NoCrown,
    #[error("no crop satisfies {constraint}: it would be {measured:.0} px, allowed {min:.0}–{max:.0} px")]
    CannotFrame {
        /// `geometry.crown`, `geometry.eye_line`, `geometry.face_width`, `geometry.centered`
        /// or `framing.photo_edge`.
        constraint: &'static str,
        measured: f32,
        min: f32,
        max: f32,
    },
    /// The watermark rule is confident (its `fail`): standardising would carry the app's stamp
    /// into a file that looks clean, so no file is made.
    #[error("the photo carries an app's watermark (text lightness {measured:.0}, clean photos stay under {limit:.0}): it would stay in the standardised photo")]
    Watermarked { measured: f64, limit: f64 },
    #[error("the analysis does not belong to this photo: {detail}")]
    AnalysisMismatch { detail: String },
    #[error("the photo's job was asked for its outcome before its {next} stage ran")]
    JobUnfinished { next: &'static str },
    #[error("no QR code was found in the image")]
    QrNotFound,
    #[error("a QR code was found but could not be read ({detail})")]
    QrUnreadable { detail: String },
}

impl Error {
    /// Stable identifier, e.g. `input.too_many_pixels`. The JS shell and tests match on this.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Empty => "input.empty",
            Error::TooManyBytes { .. } => "input.too_many_bytes",
            Error::TooManyPixels { .. } => "input.too_many_pixels",
            Error::ZeroDimensions => "input.zero_dimensions",
            Error::UnsupportedFormat { .. } => "input.unsupported_format",
            Error::Cmyk => "input.cmyk",
            Error::HighBitDepth { .. } => "input.high_bit_depth",
            Error::Animated => "input.animated",
            Error::Corrupt { .. } => "input.corrupt",
            Error::InvalidPixels { .. } => "input.invalid_pixels",
            Error::UnknownPreset { .. } => "preset.unknown",
            Error::InvalidPreset { .. } => "preset.invalid",
            Error::SizeUnreachable { .. } => "encode.size_unreachable",
            Error::Encode { .. } => "encode.failed",
            Error::ModelLoad { .. } => "model.load_failed",
            Error::Inference { .. } => "model.inference_failed",
            Error::ModelsNotLoaded => "model.not_loaded",
            Error::FullRangeNeeded => "model.full_range_needed",
            Error::NotOneFace { .. } => "standardize.not_one_face",
            Error::NoCrown => "standardize.no_crown",
            Error::CannotFrame { .. } => "standardize.cannot_frame",
            Error::Watermarked { .. } => "standardize.watermarked",
            Error::AnalysisMismatch { .. } => "analysis.mismatch",
            Error::JobUnfinished { .. } => "job.unfinished",
            Error::QrNotFound => "qr.not_found",
            Error::QrUnreadable { .. } => "qr.unreadable",
        }
    }

    /// English message with a hint on what to do.
    pub fn message_en(&self) -> String {
        let hint = match self {
            Error::Empty | Error::Corrupt { .. } => {
                "Take the photo again or pick the original file, not a partly downloaded copy."
            }
            Error::TooManyBytes { .. } | Error::TooManyPixels { .. } => {
                "Use the camera's normal photo size (12–48 MP is fine)."
            }
            Error::ZeroDimensions => "Pick a real photo.",
            Error::UnsupportedFormat { .. } => {
                "Use a JPEG or PNG photo. On iPhone: Settings › Camera › Formats › Most Compatible."
            }
            Error::Cmyk => "Export the photo as an RGB JPEG, or take it again with a phone camera.",
            Error::HighBitDepth { .. } => "Export the photo as an 8-bit JPEG or PNG.",
            Error::Animated => "Use a single still photo.",
            Error::InvalidPixels { .. } => "This is a bug in the page that called gradphoto.",
            Error::UnknownPreset { .. } | Error::InvalidPreset { .. } => {
                "Use one of the built-in presets or fix the preset JSON."
            }
            Error::SizeUnreachable { .. } => {
                "Check the preset's file-size range; a plainer or busier photo changes the size."
            }
            Error::Encode { .. } | Error::Inference { .. } => {
                "Try again; if it persists, report it."
            }
            Error::ModelLoad { .. } => "Reload the page; the model download may have been cut off.",
            Error::ModelsNotLoaded => "Wait for the models to finish loading, then try again.",
            Error::FullRangeNeeded => {
                "Load the full-range detector and analyse the photo again (the page does this itself)."
            }
            Error::NotOneFace { found: 0 } => {
                "Face the camera in good light, the whole face visible."
            }
            Error::NotOneFace { .. } => "Only one person may be in the photo.",
            Error::NoCrown => {
                "Stand in front of a plain wall with the whole head, hair included, in the photo."
            }
            Error::CannotFrame {
                constraint,
                measured,
                min,
                ..
            } => frame_hint(constraint, measured < min).1,
            Error::Watermarked { .. } => {
                "Upload the original photo from the camera, not one saved by a beauty or social app."
            }
            Error::AnalysisMismatch { .. } => "This is a bug in the program that called gradphoto.",
            Error::JobUnfinished { .. } => {
                "This is a bug in the program that called gradphoto: run every stage first."
            }
            Error::QrNotFound => {
                "Pick a screenshot in which the whole 图像采集码 is visible, or scan it with the camera."
            }
            Error::QrUnreadable { .. } => {
                "Take a sharper screenshot of the code, not a photo of a screen, and try again."
            }
        };
        format!("{self}. {hint}")
    }

    /// Chinese message with a hint on what to do.
    pub fn message_zh(&self) -> String {
        match self {
            Error::Empty => "文件为空。请重新拍摄或选择原始照片。".into(),
            Error::TooManyBytes { bytes, max } => format!(
                "文件大小 {bytes} 字节，超过上限 {max} 字节。请使用相机的常规照片尺寸。"
            ),
            Error::TooManyPixels { width, height, max_pixels } => format!(
                "图像 {width}×{height} 像素，超过上限 {max_pixels} 像素。请使用相机的常规照片尺寸（1200万–4800万像素即可）。"
            ),
            Error::ZeroDimensions => "图像宽或高为零。请选择一张真实照片。".into(),
            Error::UnsupportedFormat { format } => match named_format(format) {
                Some(name) => format!(
                    "不支持 {name} 格式。请使用 JPEG 或 PNG 照片（iPhone：设置 › 相机 › 格式 › 兼容性最佳）。"
                ),
                None => "无法识别此文件的格式（不是 JPEG、PNG 或 WebP 照片）。请选择相机拍摄的 JPEG 或 PNG 照片。".into(),
            },
            Error::Cmyk => "不支持 CMYK（印刷色）JPEG。请导出为 RGB JPEG，或用手机重新拍摄。".into(),
            Error::HighBitDepth { bits } => {
                format!("不支持 {bits} 位图像。请导出为 8 位 JPEG 或 PNG。")
            }
            Error::Animated => "不支持动图。请使用单张静态照片。".into(),
            Error::Corrupt { .. } => {
                "图像文件已损坏或不完整。请重新拍摄，或选择原始文件而不是未下载完整的副本。".into()
            }
            Error::InvalidPixels { .. } => "像素数据长度与尺寸不符（调用页面的错误）。".into(),
            Error::UnknownPreset { id } => format!("未知的规格预设“{id}”。请使用内置预设。"),
            Error::InvalidPreset { detail } => format!("规格预设无效：{detail}"),
            Error::SizeUnreachable { min_quality, min_kb, max_kb, .. } => format!(
                "在质量 {min_quality}–100 之间无法得到 {min_kb}–{max_kb} KB 的文件。请检查规格的文件大小范围。"
            ),
            Error::Encode { .. } => "JPEG 编码失败。请重试；如仍失败请反馈。".into(),
            Error::ModelLoad { model, .. } => {
                format!("模型 {model} 加载失败。请刷新页面，模型可能未下载完整。")
            }
            Error::Inference { model, .. } => format!("模型 {model} 运行失败。请重试；如仍失败请反馈。"),
            Error::ModelsNotLoaded => "人脸模型尚未加载完成，请稍候再试。".into(),
            Error::FullRangeNeeded => {
                "近距离未检测到人脸，需要加载远距离人脸检测模型后再分析（页面会自动加载）。".into()
            }
            Error::NotOneFace { found: 0 } => {
                "未检测到人脸，无法生成标准照。请正对镜头，保证光线充足。".into()
            }
            Error::NotOneFace { found } => {
                format!("照片中有 {found} 张人脸，无法生成标准照。照片中只能有一个人。")
            }
            Error::NoCrown => {
                "未能找到头顶，无法裁剪。请站在纯色墙前，让整个头部（含头发）都在画面内。".into()
            }
            Error::CannotFrame { constraint, measured, min, max } => format!(
                "无法裁剪出合格的照片：{} 将为 {measured:.0} 像素，要求 {min:.0}–{max:.0} 像素。{}",
                constraint_zh(constraint),
                frame_hint(constraint, measured < min).0
            ),
            Error::Watermarked { measured, limit } => format!(
                "照片底部有美颜或社交 App 的水印（文字亮度 {measured:.0}，无水印的照片低于 {limit:.0}），标准照会带着它，因此不生成。请上传相机直接拍摄的原图，不要用 App 保存的照片。"
            ),
            Error::AnalysisMismatch { .. } => "人脸分析结果与照片不符（调用程序的错误）。".into(),
            Error::JobUnfinished { .. } => "照片尚未处理完就取结果（调用程序的错误）。".into(),
            Error::QrNotFound => {
                "图片中没有找到二维码。请选择完整包含图像采集码的截图，或用相机扫码。".into()
            }
            Error::QrUnreadable { .. } => {
                "找到了二维码但无法识别。请重新截取清晰的图像采集码截图（不要翻拍屏幕）。".into()
            }
        }
    }

    /// The plain-data form sent to JS and written by the CLI's `--json`.
    pub fn info(&self) -> ErrorInfo {
        ErrorInfo {
            code: self.code(),
            message_zh: self.message_zh(),
            message_en: self.message_en(),
        }
    }
}

/// What the user should do when no crop can satisfy `constraint` (zh, en).
fn frame_hint(constraint: &str, too_low: bool) -> (&'static str, &'static str) {
    match (constraint, too_low) {
        ("geometry.crown", true) | ("geometry.eye_line", true) => (
            "头顶上方空间不足：请退后一点或把相机抬高，让头顶上方留出空间。",
            "Not enough room above the head: step back or raise the camera a little.",
        ),
        ("geometry.crown", false) | ("geometry.eye_line", false) => (
            "头部位置太低：请把相机放低一点或靠近一些。",
            "The head sits too low: lower the camera or come a little closer.",
        ),
        ("geometry.face_width", true) => (
            "脸在照片中太小：请靠近一些，或用更高分辨率拍摄。",
            "The face is too small in the photo: come closer or shoot at full resolution.",
        ),
        ("geometry.face_width", false) => (
            "脸在照片中太大：请退后一些。",
            "The face is too large in the photo: step back.",
        ),
        ("geometry.centered", _) => (
            "人像太靠近照片一侧：请站到画面中间。",
            "The face is too close to one side of the photo: stand in the middle of the frame.",
        ),
        _ => (
            "头部或肩部太靠近照片边缘：请退后一点，让头和肩完整入镜。",
            "Head or shoulders touch the photo's edge: step back so head and shoulders are fully in.",
        ),
    }
}

fn constraint_zh(constraint: &str) -> &'static str {
    match constraint {
        "geometry.crown" => "头顶距上边缘",
        "geometry.eye_line" => "眼睛距上边缘",
        "geometry.face_width" => "脸宽",
        "geometry.centered" => "人像偏离中心",
        _ => "裁剪框超出照片",
    }
}

/// Serialisable view of an [`Error`].
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct ErrorInfo {
    /// One of the codes listed in the package's `ErrorCode` type (`tests/error_codes.rs` keeps
    /// the two in step).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "ErrorCode"))]
    pub code: &'static str,
    pub message_zh: String,
    pub message_en: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A format's short name as the sniffer gives it ("HEIC", "MP4/QuickTime"), or `None` for an
/// unrecognised file or a decoder's English sentence, which a Chinese message must not quote.
fn named_format(format: &str) -> Option<&str> {
    (format != "unknown" && format.len() <= 16 && !format.contains(' ')).then_some(format)
}
