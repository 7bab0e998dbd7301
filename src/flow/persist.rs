//! Saving and resuming a collection, e.g. in `localStorage` between visits.
//!
//! The saved JSON is `{ "schema_version": 1, "state": { ... } }` and holds only what resuming
//! needs: the [`State`], which by construction has no ID characters (only whether the server
//! verified them), no names but the server's masked record, and no image bytes (photo
//! references only). On resume nothing is trusted: the version is checked first (an unknown one
//! is `flow.schema_unsupported`), then the shape (unknown fields refused), then every invariant
//! of [`State::validate`] (`flow.state_invalid`).
//!
//! This guards against damage and casual tampering, not against a determined user: the device
//! is theirs. Payment and review status must be confirmed by the server.

use serde::{Deserialize, Serialize};

use super::error::{json_detail, FlowError};
use super::machine::Flow;
use super::state::State;

/// The saved-progress schema this build writes and reads. Bump it when [`State`] changes shape,
/// and add the migration from the old version to `resume`.
pub const SCHEMA_VERSION: u32 = 1;

/// Saved progress above this size is refused before parsing (a real one is a few KB).
pub const MAX_SAVED_BYTES: usize = 256 * 1024;

#[derive(Serialize)]
struct SavedRef<'a> {
    schema_version: u32,
    state: &'a State,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Saved {
    #[allow(dead_code)]
    schema_version: u32,
    state: State,
}

/// Just the version, read leniently so an unknown version is reported as such rather than as a
/// shape error.
#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    schema_version: Option<serde_json::Value>,
}

impl Flow {
    /// The progress as JSON, to store and [`Flow::resume`] later.
    pub fn save(&self) -> Result<String, FlowError> {
        serde_json::to_string(&SavedRef {
            schema_version: SCHEMA_VERSION,
            state: self.state(),
        })
        .map_err(|e| FlowError::StateInvalid {
            detail: json_detail(&e),
        })
    }

    /// Continue from saved progress, after checking all of it.
    pub fn resume(json: &str) -> Result<Flow, FlowError> {
        if json.len() > MAX_SAVED_BYTES {
            return Err(FlowError::StateInvalid {
                detail: format!("more than {MAX_SAVED_BYTES} bytes"),
            });
        }
        let invalid = |e: serde_json::Error| FlowError::StateInvalid {
            detail: json_detail(&e),
        };
        let header: Header = serde_json::from_str(json).map_err(invalid)?;
        match header.schema_version.as_ref().and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(SCHEMA_VERSION) => {}
            found => {
                return Err(FlowError::SchemaUnsupported {
                    found,
                    supported: SCHEMA_VERSION,
                })
            }
        }
        let saved: Saved = serde_json::from_str(json).map_err(invalid)?;
        Flow::from_state(saved.state)
    }
}
