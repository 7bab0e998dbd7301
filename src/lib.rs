//! gradphoto: China's graduation-photo collection (毕业图像采集) on the user's device.
//!
//! The same pipeline runs natively (CLI, tests, benchmarks) and in the browser (WASM).
//!
//! Module map, in pipeline order:
//! - [`input`]: bytes or canvas RGBA → upright RGB [`Photo`], with limits and EXIF.
//! - [`preset`]: photo specifications as data (`presets/*.json`).
//! - [`analysis`]: face detection, 468-point mesh, head pose, person mask, regions.
//! - [`checks`]: every rule of the standard → a report with measured values and zh/en hints.
//! - [`standardize`]: matte, decontaminate, composite on the flat background, crop, encode, verify.
//! - [`framing`]: the crop that puts crown, eye line and face width in the preset's ranges.
//! - [`colour`]: sRGB → CIELAB and ΔE.
//! - [`resample`]: Lanczos3 region resampling to an exact output size.
//! - [`encode`]: JPEG with JFIF density and a size search into the preset's byte window.
//! - [`job`]: one photo analysed, checked and standardised a stage at a time (the worker yields
//!   between stages to report progress and drop a superseded photo).
//! - [`overlay`]: an analysis drawn over its photo.
//! - [`guide`]: the live camera guide (head oval, one hint at a time).
//! - [`qr`]: the 图像采集码 read from a screenshot or a camera frame (rqrr).
//! - [`bench`]: stage timings with an injected clock (native and browser benchmarks).
//! - [`flow`]: the collection flow (login → school → code → last 4 → pay → photo → review) as a
//!   state machine the JS shell drives, with versioned save/resume.
//! - [`error`]: the one typed [`Error`], with codes and zh/en messages.
//! - `float`: `f32` min and max without WebAssembly's library call, for pixel loops.
//! - `wasm_api` (wasm32 only): the thin JS adapter's common part (version, presets, a file's
//!   header facts, the shared error and value conversions).
//! - `wasm_analyzer` (wasm32, feature `analyzer-api`): the adapter over decode, encode, QR,
//!   `Analyzer` and `PhotoJob`; left out of the page's light module.
//! - `wasm_flow` (wasm32 only): the thin JS adapter over [`flow`].
//! - `server` (feature `server`, native only): the sandbox backend behind `gradphoto serve`.

pub mod analysis;
pub mod bench;
pub mod checks;
pub mod colour;
pub mod encode;
pub mod error;
mod float;
pub mod flow;
pub mod framing;
pub mod guide;
pub mod input;
pub mod job;
pub mod overlay;
pub mod preset;
pub mod qr;
pub mod resample;
pub mod standardize;

#[cfg(all(feature = "server", not(target_arch = "wasm32")))]
pub mod server;
#[cfg(all(target_arch = "wasm32", feature = "analyzer-api"))]
mod wasm_analyzer;
#[cfg(target_arch = "wasm32")]
mod wasm_api;
#[cfg(target_arch = "wasm32")]
mod wasm_flow;

pub use analysis::{Analysis, Analyzer, Face, ModelBytes};
pub use checks::{check, Report};
pub use encode::{centre_crop_encode, encode_to_spec, EncodedJpeg};
pub use error::{Error, ErrorInfo, Result};
pub use input::{decode, probe, CameraFacing, Limits, Photo, SourceInfo};
pub use preset::{Preset, DEFAULT_PRESET};
pub use standardize::{standardize, Standardized};
