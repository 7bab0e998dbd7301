//! The package's `ErrorCode` type (written in `src/wasm_api.rs` for the TypeScript declarations)
//! must list exactly the codes the Rust errors carry: a code added to `Error` or `FlowError`
//! without it would reach a TypeScript `switch` typed as impossible. Read from the sources, since
//! the declaration is a text constant and the codes live in `match` arms.

use std::collections::BTreeSet;

/// The `"area.name"` strings in the arms of a `fn code(&self)` in `source`.
fn codes_in_code_fn(source: &str) -> BTreeSet<String> {
    let start = source
        .find("pub fn code(&self)")
        .expect("a code() function");
    let body = &source[start..];
    let end = body.find("\n    }\n").expect("the end of code()");
    quoted(&body[..end])
}

/// Every `"xxx.yyy"` literal in `text` (lower case, one dot).
fn quoted(text: &str) -> BTreeSet<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            let mut parts = s.split('.');
            matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(b), None)
                if !a.is_empty() && !b.is_empty()
                    && s.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.'))
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_typescript_error_code_union_lists_every_code_and_no_other() {
    let api = include_str!("../src/wasm_api.rs");
    let start = api
        .find("export type ErrorCode =")
        .expect("the ErrorCode type");
    let declared = quoted(&api[start..start + api[start..].find(';').unwrap()]);

    let mut thrown = codes_in_code_fn(include_str!("../src/error.rs"));
    thrown.extend(codes_in_code_fn(include_str!("../src/flow/error.rs")));
    assert!(
        thrown.len() >= 30,
        "read {} codes: {thrown:?}",
        thrown.len()
    );
    assert!(thrown.contains("input.corrupt") && thrown.contains("flow.locked"));

    let missing: Vec<_> = thrown.difference(&declared).collect();
    let extra: Vec<_> = declared.difference(&thrown).collect();
    assert!(
        missing.is_empty(),
        "codes thrown but not in ErrorCode: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "codes in ErrorCode that nothing throws: {extra:?}"
    );
}

#[test]
fn the_preset_id_union_lists_every_builtin_preset() {
    let api = include_str!("../src/wasm_api.rs");
    let start = api
        .find("export type PresetId =")
        .expect("the PresetId type");
    let line = &api[start..start + api[start..].find(';').unwrap()];
    let declared: BTreeSet<String> = line
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    let builtin: BTreeSet<String> = gradphoto::Preset::all_builtin()
        .iter()
        .map(|p| p.id.clone())
        .collect();
    assert_eq!(declared, builtin);
}
