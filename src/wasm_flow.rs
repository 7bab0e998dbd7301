//! The JavaScript face of the collection flow: a thin adapter over [`crate::flow`], no logic.
//! Events come in as plain objects (`{ type: "school_entered", name, category }`), states and
//! `allowed()` go out as plain objects; errors are thrown as `GradphotoError`s with `{ code, message_zh, message_en }`,
//! never a panic. Events are read through `JSON.stringify` and the Rust JSON parser, so an error
//! about a malformed event names the place, never the value (which may be a last-4 entry).

use wasm_bindgen::prelude::*;

use crate::flow::{self, Event, FlowError};
use crate::wasm_api::{err, js_error, to_js};
use crate::{Preset, DEFAULT_PRESET};

fn flow_err(e: FlowError) -> JsValue {
    js_error(&e.info())
}

fn event_from_js(event: &JsValue) -> Result<Event, JsValue> {
    let invalid = |detail: &str| {
        flow_err(FlowError::EventInvalid {
            detail: detail.to_string(),
        })
    };
    let json = js_sys::JSON::stringify(event).map_err(|_| invalid("not serialisable"))?;
    let json = json.as_string().ok_or_else(|| invalid("not an object"))?;
    Event::from_json(&json).map_err(flow_err)
}

/// One graduate's collection. `new Flow()` uses the default preset's free pre-check limit;
/// `new Flow("chsi-graduation")` or `new Flow(presetJson)` another preset's.
#[wasm_bindgen(js_name = Flow)]
pub struct JsFlow(flow::Flow);

#[wasm_bindgen(js_class = Flow)]
impl JsFlow {
    #[wasm_bindgen(constructor)]
    pub fn new(preset_id_or_json: Option<String>) -> Result<JsFlow, JsValue> {
        let id = preset_id_or_json.unwrap_or_else(|| DEFAULT_PRESET.to_string());
        let preset = if id.trim_start().starts_with('{') {
            Preset::from_json(&id)
        } else {
            Preset::builtin(&id)
        }
        .map_err(err)?;
        Ok(JsFlow(flow::Flow::for_preset(&preset)))
    }

    /// Apply an event object; returns the new state, or throws (and the state is unchanged).
    #[wasm_bindgen(unchecked_return_type = "State")]
    pub fn apply(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Event")] event: JsValue,
    ) -> Result<JsValue, JsValue> {
        let event = event_from_js(&event)?;
        to_js(self.0.apply(event).map_err(flow_err)?)
    }

    /// The current state as a plain object.
    #[wasm_bindgen(unchecked_return_type = "State")]
    pub fn state(&self) -> Result<JsValue, JsValue> {
        to_js(self.0.state())
    }

    /// What the page may offer now: `{ stage, can_pay, can_capture, ..., events: [...] }`.
    #[wasm_bindgen(unchecked_return_type = "Allowed")]
    pub fn allowed(&self) -> Result<JsValue, JsValue> {
        to_js(&self.0.allowed())
    }

    /// The progress as a JSON string, for `localStorage`.
    pub fn save(&self) -> Result<String, JsValue> {
        self.0.save().map_err(flow_err)
    }

    /// Continue from saved progress; throws `flow.state_invalid` or `flow.schema_unsupported`.
    pub fn resume(json: &str) -> Result<JsFlow, JsValue> {
        flow::Flow::resume(json).map(JsFlow).map_err(flow_err)
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TS_STAGE_LABEL: &str = r#"
/** One entry of `stageLabels()`. */
export interface StageLabel { stage: Stage; zh: string; en: string }
"#;

/// Every stage in flow order with its names: `[{ stage, zh, en }, ...]`, for the progress list.
#[wasm_bindgen(js_name = stageLabels, unchecked_return_type = "StageLabel[]")]
pub fn stage_labels() -> Result<JsValue, JsValue> {
    let labels: Vec<serde_json::Value> = flow::Stage::ALL
        .iter()
        .map(|s| serde_json::json!({ "stage": s.name(), "zh": s.label_zh(), "en": s.label_en() }))
        .collect();
    to_js(&labels)
}

/// A school name or category in the form the server matches (full-width → half-width, spaces
/// collapsed and trimmed).
#[wasm_bindgen(js_name = normaliseSchoolName)]
pub fn normalise_school_name(input: &str) -> String {
    flow::normalise_school_name(input)
}

/// The last 4 ID characters in canonical form (e.g. "123x" → "123X", "456(7)" → "4567"), or
/// throws `flow.invalid_last4`. Send this form to the server.
#[wasm_bindgen(js_name = validateLast4)]
pub fn validate_last4(input: &str) -> Result<String, JsValue> {
    flow::validate_last4(input)
        .map(|l| l.as_str().to_string())
        .map_err(flow_err)
}

/// The 图像采集码 for display, its middle hidden ("GP1…0001").
#[wasm_bindgen(js_name = maskCode)]
pub fn mask_code(code: &str) -> String {
    flow::mask_code(code)
}

/// The adapter's conversions, in headless Chromium: `cargo test --target wasm32-unknown-unknown
/// --lib wasm_flow`.
#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);

    fn obj(json: &str) -> JsValue {
        js_sys::JSON::parse(json).unwrap()
    }

    fn get(value: &JsValue, key: &str) -> JsValue {
        js_sys::Reflect::get(value, &JsValue::from_str(key)).unwrap()
    }

    fn code(error: JsValue) -> String {
        get(&error, "code").as_string().unwrap()
    }

    #[wasm_bindgen_test]
    fn events_in_states_out_errors_thrown_as_typed_errors() {
        let mut flow = JsFlow::new(None).unwrap();
        let allowed = flow.allowed().unwrap();
        assert_eq!(get(&allowed, "can_sign_in"), JsValue::TRUE);
        // CHSI (the default preset) sets no pre-check limit: no count left to show.
        assert_eq!(get(&allowed, "prechecks_left").as_f64(), None);

        let state = flow
            .apply(obj(r#"{"type":"signed_in","session":"s1"}"#))
            .unwrap();
        assert_eq!(
            get(&state, "stage").as_string().as_deref(),
            Some("signed_in")
        );
        let state = flow
            .apply(obj(
                r#"{"type":"school_entered","name":"ＡＢＣ　","category":"开放教育"}"#,
            ))
            .unwrap();
        assert_eq!(
            get(&get(&state, "school"), "name").as_string().as_deref(),
            Some("ABC")
        );

        let e = flow.apply(obj(r#"{"type":"submitted"}"#)).unwrap_err();
        assert_eq!(code(e.clone()), "flow.not_paid");
        // Thrown as an Error (a stack for the integrator's logs) named GradphotoError.
        assert!(e.is_instance_of::<js_sys::Error>());
        assert_eq!(
            get(&e, "name").as_string().as_deref(),
            Some("GradphotoError")
        );
        assert!(get(&e, "stack").as_string().is_some_and(|s| !s.is_empty()));
        assert_eq!(get(&e, "message"), get(&e, "message_en"));
        assert!(get(&e, "message_zh").as_string().unwrap().contains("支付"));
        let e = flow
            .apply(obj(r#"{"type":"nope","last4":"9876"}"#))
            .unwrap_err();
        assert_eq!(code(e.clone()), "flow.event_invalid");
        assert!(!get(&e, "message_en").as_string().unwrap().contains("9876"));
        assert_eq!(
            code(flow.apply(JsValue::UNDEFINED).unwrap_err()),
            "flow.event_invalid"
        );

        let saved = flow.save().unwrap();
        let resumed = JsFlow::resume(&saved).unwrap();
        assert_eq!(resumed.0, flow.0);
        assert_eq!(
            code(JsFlow::resume("{}").err().unwrap()),
            "flow.schema_unsupported"
        );
        assert_eq!(
            code(JsFlow::new(Some("nope".into())).err().unwrap()),
            "preset.unknown"
        );
    }

    #[wasm_bindgen_test]
    fn stage_labels_in_order() {
        let labels = js_sys::Array::from(&stage_labels().unwrap());
        assert_eq!(labels.length(), 16);
        assert_eq!(
            get(&labels.get(7), "zh").as_string().as_deref(),
            Some("待上传")
        );
        assert_eq!(
            get(&labels.get(0), "stage").as_string().as_deref(),
            Some("signed_out")
        );
    }

    #[wasm_bindgen_test]
    fn input_functions() {
        assert_eq!(normalise_school_name("国家开放大学　"), "国家开放大学");
        assert_eq!(validate_last4("123x").unwrap(), "123X");
        assert_eq!(validate_last4("456(7)").unwrap(), "4567");
        assert_eq!(
            code(validate_last4("12a4").unwrap_err()),
            "flow.invalid_last4"
        );
    }
}
