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
    #[error("{format} images are not supported")]
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
            Error::UnsupportedFormat { format } => format!(
                "不支持 {format} 格式。请使用 JPEG 或 PNG 照片（iPhone：设置 › 相机 › 格式 › 兼容性最佳）。"
            ),
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

/// Serialisable view of an [`Error`].
#[derive(Debug, Clone, Serialize)]
pub struct ErrorInfo {
    pub code: &'static str,
    pub message_zh: String,
    pub message_en: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
