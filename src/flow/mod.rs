//! The collection flow (毕业证照), as a state machine the JS shell drives but does not decide.
//!
//! The graduate logs in, enters school and education category, scans the 图像采集码, checks the
//! last 4 ID characters, sees the masked student record, pays once, takes, pre-checks and
//! standardises photos, submits one, and waits for review: rejected (reshoot, no new payment) or
//! approved (locked) and then published. The host (browser page or mini-program) reports what
//! happened as [`Event`]s; [`Flow::apply`] accepts each one only at the right step and never
//! loses progress on a refusal; [`Flow::allowed`] says what to offer next; [`Flow::save`] and
//! [`Flow::resume`] keep progress between visits without trusting what comes back.
//!
//! Modules, one job each:
//! - `state`: the [`Stage`]s and the [`State`] record, with its invariants.
//! - `event`: the [`Event`]s, as `type`-tagged JSON.
//! - `machine`: [`Flow`], the guard and the transitions.
//! - `allowed`: [`Allowed`], the actions possible now.
//! - `input`: pure checks of typed input ([`normalise_school_name`], [`validate_last4`]).
//! - `persist`: saving and resuming, versioned.
//! - `error`: [`FlowError`], with codes and zh/en messages.

mod allowed;
mod error;
mod event;
mod input;
mod machine;
mod persist;
mod state;

pub use allowed::Allowed;
pub use error::{CodeLook, Field, FlowError, InputProblem, Last4Problem};
pub use event::{Event, EventKind};
pub use input::{
    check_code, mask_code, normalise_school_name, to_half_width, validate_last4, Last4, Last4Input,
    MAX_CATEGORY_CHARS, MAX_CODE_CHARS, MAX_FAILING_RULES, MAX_ORDER_CHARS, MAX_PHOTO_REF_CHARS,
    MAX_REASON_CHARS, MAX_RECORD_CHARS, MAX_RULE_ID_CHARS, MAX_SCHOOL_NAME_CHARS,
    MAX_SESSION_CHARS, MAX_SUGGESTIONS, MIN_CODE_CHARS,
};
pub use machine::Flow;
pub use persist::{MAX_SAVED_BYTES, SCHEMA_VERSION};
pub use state::{CheckSummary, CheckVerdict, Prechecks, School, Stage, State};
