//! What the shell may offer now, so that the JS side decides nothing about the order.
//!
//! Every flag is derived from the same guard as [`Flow::apply`]: if `can_submit` is true, a
//! `submitted` event will be accepted (its data permitting), and if it is false, it will not.

use serde::Serialize;

use super::event::EventKind;
use super::machine::Flow;
use super::state::Stage;

/// The actions possible at the current stage. Plain data, serialised as an object for JS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Allowed {
    pub stage: Stage,
    /// Login hand-off (`signed_in`).
    pub can_sign_in: bool,
    /// Enter or correct school and category (`school_entered`); until payment.
    pub can_enter_school: bool,
    /// Scan or pick the 图像采集码 (`code_recognised`); until payment.
    pub can_scan_code: bool,
    /// Type the last 4 ID characters (`last4_entered`).
    pub can_enter_last4: bool,
    /// Start paying (`payment_started`).
    pub can_pay: bool,
    /// Take or pick a photo (`photo_captured`): after payment, as often as wanted, and again after
    /// a rejection without paying again.
    pub can_capture: bool,
    /// Run the free automatic pre-check (`precheck_completed`).
    pub can_precheck: bool,
    /// The photo must be pre-checked before standardising (free checks are left).
    pub precheck_required: bool,
    /// Standardise the photo (`standardised`).
    pub can_standardise: bool,
    /// Confirm the standardised photo (`submitted`).
    pub can_submit: bool,
    /// Upload it now (report `upload_succeeded` / `upload_failed`).
    pub can_upload: bool,
    /// Withdraw it from review (`withdrawn`).
    pub can_withdraw: bool,
    /// Waiting for the server: verification, payment result, review or publication.
    pub awaiting_server: bool,
    /// Approved or published: nothing may change.
    pub locked: bool,
    pub prechecks_used: u32,
    /// Free pre-checks left; `None` when unlimited.
    pub prechecks_left: Option<u32>,
    /// Every event kind accepted now, user actions and server answers alike.
    pub events: Vec<EventKind>,
}

impl Flow {
    /// What may happen now.
    pub fn allowed(&self) -> Allowed {
        let ok = |kind| self.accepts(kind).is_ok();
        let state = self.state();
        let stage = state.stage;
        Allowed {
            stage,
            can_sign_in: ok(EventKind::SignedIn),
            can_enter_school: ok(EventKind::SchoolEntered),
            can_scan_code: ok(EventKind::CodeRecognised),
            can_enter_last4: ok(EventKind::Last4Entered),
            can_pay: ok(EventKind::PaymentStarted),
            can_capture: ok(EventKind::PhotoCaptured),
            can_precheck: ok(EventKind::PrecheckCompleted),
            precheck_required: stage == Stage::Captured && state.prechecks.available(),
            can_standardise: ok(EventKind::Standardised),
            can_submit: ok(EventKind::Submitted),
            can_upload: ok(EventKind::UploadSucceeded),
            can_withdraw: ok(EventKind::Withdrawn),
            awaiting_server: matches!(
                stage,
                Stage::Verifying | Stage::PaymentPending | Stage::UnderReview | Stage::Approved
            ),
            locked: stage.is_locked(),
            prechecks_used: state.prechecks.used,
            prechecks_left: state.prechecks.left(),
            events: EventKind::ALL.into_iter().filter(|k| ok(*k)).collect(),
        }
    }
}
