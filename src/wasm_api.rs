//! The JavaScript face of the crate: a thin adapter, no logic. Every function converts arguments,
//! calls the Rust API and converts the result; errors are thrown as JS `Error`s named
//! `GradphotoError` carrying `{ code, message_zh, message_en }` (a stack for the integrator's
//! logs, the stable code for their program), never a panic.
//!
//! This part is in every build: the version, presets, a file's header facts, and the helpers the
//! other adapters share. The analyzer's part (`wasm_analyzer.rs`, feature `analyzer-api`) is left
//! out of the page's light module, which holds the flow alone (`wasm_flow.rs`).

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{Error, ErrorInfo, Limits, Preset};

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

// The types every build declares; every other type in the declarations is derived from the Rust
// structs (tsify). Errors are thrown as `GradphotoErrorInfo` (an `Error` with `ErrorInfo`'s
// fields).
#[wasm_bindgen(typescript_custom_section)]
const TS_COMMON: &str = r#"
/** A built-in preset's id; every function taking one also takes a custom preset as JSON text. */
export type PresetId = "chsi-graduation" | "id-card" | "social-security" | "one-inch" | "two-inch" | (string & {});
/** The stable code of every error the module throws (`ErrorInfo.code`, `GradphotoError.code`). */
export type ErrorCode =
    | "input.empty" | "input.too_many_bytes" | "input.too_many_pixels" | "input.zero_dimensions"
    | "input.unsupported_format" | "input.cmyk" | "input.high_bit_depth" | "input.animated"
    | "input.corrupt" | "input.invalid_pixels" | "preset.unknown" | "preset.invalid"
    | "encode.size_unreachable" | "encode.failed" | "model.load_failed" | "model.inference_failed"
    | "model.not_loaded" | "model.full_range_needed" | "standardize.not_one_face"
    | "standardize.no_crown" | "standardize.cannot_frame" | "standardize.watermarked"
    | "analysis.mismatch" | "job.unfinished" | "qr.not_found" | "qr.unreadable"
    | "flow.wrong_order" | "flow.locked" | "flow.not_paid" | "flow.school_unmatched" | "flow.invalid_last4"
    | "flow.invalid_input" | "flow.not_a_code" | "flow.precheck_limit" | "flow.precheck_required"
    | "flow.standardised_failed" | "flow.state_invalid" | "flow.schema_unsupported"
    | "flow.event_invalid";
/**
 * What every function throws on bad input: an `Error` named `GradphotoError` (with a stack) and
 * the stable code and both messages. `loader.js` throws the same shape (its `GradphotoError`
 * class, with its own codes too).
 */
export interface GradphotoErrorInfo extends Error {
    name: "GradphotoError";
    code: ErrorCode;
    message_zh: string;
    message_en: string;
}
"#;

pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&serializer)
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

/// A typed error as JS throws it: an `Error` (so it has a stack and `instanceof Error` holds) named
/// `GradphotoError`, with the stable `code` and both messages as own properties, the same fields
/// `loader.js`'s `GradphotoError` class has.
pub(crate) fn js_error(info: &ErrorInfo) -> JsValue {
    let error = js_sys::Error::new(&info.message_en);
    error.set_name("GradphotoError");
    let value: JsValue = error.into();
    for (key, text) in [
        ("code", info.code),
        ("message_zh", &info.message_zh),
        ("message_en", &info.message_en),
    ] {
        // Setting a property on a fresh Error cannot fail.
        let _ = js_sys::Reflect::set(&value, &JsValue::from_str(key), &JsValue::from_str(text));
    }
    value
}

pub(crate) fn err(e: Error) -> JsValue {
    js_error(&e.info())
}

pub(crate) fn preset(id_or_json: &str) -> Result<Preset, JsValue> {
    let p = if id_or_json.trim_start().starts_with('{') {
        Preset::from_json(id_or_json)
    } else {
        Preset::builtin(id_or_json)
    };
    p.map_err(err)
}

/// The gradphoto version, for bug reports.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// All built-in presets as plain objects.
#[wasm_bindgen(unchecked_return_type = "Preset[]")]
pub fn presets() -> Result<JsValue, JsValue> {
    to_js(&Preset::all_builtin())
}

/// Validate a preset (built-in id or custom JSON) and return it as an object.
#[wasm_bindgen(js_name = loadPreset, unchecked_return_type = "Preset")]
pub fn load_preset(
    #[wasm_bindgen(unchecked_param_type = "PresetId")] id_or_json: &str,
) -> Result<JsValue, JsValue> {
    to_js(&preset(id_or_json)?)
}

/// Describe a file from its headers (format, upright dimensions, orientation, EXIF summary) with
/// every refusal made before pixels (format, size, CMYK, bit depth, animation, truncation), without
/// decoding the pixels: milliseconds for a 12 MP photo, so a page can call it on its own thread.
#[wasm_bindgen(unchecked_return_type = "SourceInfo")]
pub fn info(bytes: &[u8]) -> Result<JsValue, JsValue> {
    to_js(&crate::probe(bytes, &Limits::default()).map_err(err)?)
}
