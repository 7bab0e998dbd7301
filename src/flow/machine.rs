//! The transitions: which event is allowed at which stage, and what it changes.
//!
//! [`Flow::apply`] first asks the guard (stage and counters only), then checks the event's data,
//! builds the next state on a copy and validates it; only then does it replace the current state.
//! So a refused event, whatever the reason, leaves everything the user did as it was.

use super::error::{Field, FlowError};
use super::event::{Event, EventKind};
use super::input::{
    check_code, check_name, check_opaque, check_photo_ref, validate_last4, MAX_CATEGORY_CHARS,
    MAX_ORDER_CHARS, MAX_REASON_CHARS, MAX_RECORD_CHARS, MAX_SCHOOL_NAME_CHARS, MAX_SESSION_CHARS,
    MAX_SUGGESTIONS,
};
use super::state::{CheckVerdict, School, Stage, State};
use crate::preset::Preset;

/// One graduate's collection: the current [`State`] and the rules for changing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    state: State,
}

impl Flow {
    /// A new collection, signed out, allowing `free_prechecks` automatic pre-checks per order
    /// (`None`: no limit).
    pub fn new(free_prechecks: Option<u32>) -> Flow {
        Flow {
            state: State::new(free_prechecks),
        }
    }

    /// A new collection with the preset's free pre-check limit.
    pub fn for_preset(preset: &Preset) -> Flow {
        Flow::new(preset.free_prechecks)
    }

    /// A flow at a given state, if it passes [`State::validate`]. Any problem is reported as
    /// `flow.state_invalid`: a state from outside is never trusted.
    pub fn from_state(state: State) -> Result<Flow, FlowError> {
        match state.validate() {
            Ok(()) => Ok(Flow { state }),
            Err(e @ FlowError::StateInvalid { .. }) => Err(e),
            Err(e) => Err(FlowError::StateInvalid {
                detail: e.to_string(),
            }),
        }
    }

    /// The current state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The current stage.
    pub fn stage(&self) -> Stage {
        self.state.stage
    }

    /// The invariants of the current state (always `Ok` for a flow built by this module; kept
    /// public for tests and for hosts that want to assert it).
    pub fn validate(&self) -> Result<(), FlowError> {
        self.state.validate()
    }

    /// Whether an event of this kind would be accepted now, judging by stage and counters only
    /// (its data is checked by [`Flow::apply`]). The same guard `apply` uses.
    pub fn accepts(&self, kind: EventKind) -> Result<(), FlowError> {
        guard(&self.state, kind)
    }

    /// Apply an event. On success returns the new state; on error the state is unchanged.
    pub fn apply(&mut self, event: Event) -> Result<&State, FlowError> {
        guard(&self.state, event.kind())?;
        let mut next = self.state.clone();
        transition(&mut next, event)?;
        next.validate()?;
        self.state = next;
        Ok(&self.state)
    }
}

/// The order of the flow. Locked stages refuse everything but a session renewal and, once
/// approved, the publication. Before payment, photo steps are `flow.not_paid`; otherwise an event
/// at the wrong stage is `flow.wrong_order`.
///
/// Pre-checks: each free automatic pre-check is counted; once none is left, further pre-checks
/// are refused (`flow.precheck_limit`) but the photo may still be standardised and submitted, since
/// the check is advice and the reviewer decides. While free ones remain, a photo is pre-checked
/// before it is standardised (`flow.precheck_required`): it is free, and it catches most
/// rejections, each of which costs the graduate about two working days.
fn guard(state: &State, kind: EventKind) -> Result<(), FlowError> {
    use EventKind as E;
    use Stage as S;
    let s = state.stage;
    if s.is_locked() {
        return match (s, kind) {
            (_, E::SessionRenewed) | (S::Approved, E::Published) => Ok(()),
            _ => Err(FlowError::Locked { event: kind }),
        };
    }
    let in_order = match kind {
        E::SignedIn => s == S::SignedOut,
        E::SessionRenewed => s != S::SignedOut,
        E::SchoolEntered => matches!(
            s,
            S::SignedIn | S::SchoolEntered | S::CodeRecognised | S::EligibilityShown
        ),
        E::CodeRecognised => matches!(
            s,
            S::SchoolEntered | S::CodeRecognised | S::EligibilityShown
        ),
        E::Last4Entered => s == S::CodeRecognised,
        E::VerificationFailed | E::RecordShown => s == S::Verifying,
        E::PaymentStarted => s == S::EligibilityShown,
        E::PaymentFailed | E::PaymentConfirmed => s == S::PaymentPending,
        E::PhotoCaptured => matches!(
            s,
            S::Paid | S::Captured | S::Checked | S::Standardised | S::Rejected
        ),
        E::PrecheckCompleted => s == S::Captured,
        E::Standardised => matches!(s, S::Captured | S::Checked),
        E::Submitted => s == S::Standardised,
        E::UploadSucceeded | E::UploadFailed => s == S::Submitted,
        E::Withdrawn | E::ReviewRejected | E::ReviewApproved => s == S::UnderReview,
        // Only from `Approved`, handled with the locked stages above.
        E::Published => false,
    };
    // A school the server found no record for: the code and the last 4 would only lead to a
    // mismatch after both are typed. Fix the name (or pick a suggestion) first.
    if in_order
        && matches!(kind, E::CodeRecognised | E::Last4Entered)
        && state.school.as_ref().and_then(|s| s.eligible) == Some(false)
    {
        return Err(FlowError::SchoolUnmatched { event: kind });
    }
    if !in_order {
        return Err(if kind.needs_payment() && !state.paid {
            FlowError::NotPaid { event: kind }
        } else {
            FlowError::WrongOrder {
                event: kind,
                stage: s,
            }
        });
    }
    match kind {
        E::PrecheckCompleted if !state.prechecks.available() => Err(FlowError::PrecheckLimit {
            limit: state.prechecks.limit.unwrap_or_default(),
        }),
        E::Standardised if s == S::Captured && state.prechecks.available() => {
            Err(FlowError::PrecheckRequired)
        }
        _ => Ok(()),
    }
}

/// What an allowed event changes: its data is checked, then recorded, and values of later steps
/// that it invalidates are cleared (a new school clears the code and verification; a new photo
/// clears its check, standardised copy and the rejection).
fn transition(st: &mut State, event: Event) -> Result<(), FlowError> {
    match event {
        Event::SignedIn { session } => {
            check_opaque(Field::Session, &session, MAX_SESSION_CHARS)?;
            st.session = Some(session);
            st.stage = Stage::SignedIn;
        }
        Event::SessionRenewed { session } => {
            check_opaque(Field::Session, &session, MAX_SESSION_CHARS)?;
            st.session = Some(session);
        }
        Event::SchoolEntered {
            name,
            category,
            suggestions,
            eligible,
        } => {
            let name = check_name(Field::SchoolName, &name, MAX_SCHOOL_NAME_CHARS)?;
            let category = check_name(Field::Category, &category, MAX_CATEGORY_CHARS)?;
            // The same school confirmed again changes nothing: the code and the verification
            // stay. Another school (a typo fixed, a suggestion picked) needs the last 4 again,
            // but the scanned code is the graduate's whatever the school was typed as: it stays.
            let changed = st
                .school
                .as_ref()
                .is_none_or(|s| s.name != name || s.category != category);
            st.school = Some(School {
                name,
                category,
                suggestions: clean_suggestions(&suggestions),
                eligible,
            });
            if changed {
                st.last4_verified = false;
                st.record = None;
                st.stage = if st.code.is_some() {
                    Stage::CodeRecognised
                } else {
                    Stage::SchoolEntered
                };
            }
        }
        Event::CodeRecognised { code } => {
            check_code(&code)?;
            st.code = Some(code);
            st.last4_verified = false;
            st.record = None;
            st.stage = Stage::CodeRecognised;
        }
        Event::Last4Entered { last4 } => {
            // Checked, then dropped: the host sends `validate_last4`'s result to the server.
            validate_last4(&last4.0)?;
            st.stage = Stage::Verifying;
        }
        Event::VerificationFailed => st.stage = Stage::CodeRecognised,
        Event::RecordShown { record } => {
            check_opaque(Field::Record, &record, MAX_RECORD_CHARS)?;
            st.record = Some(record);
            st.last4_verified = true;
            st.stage = Stage::EligibilityShown;
        }
        Event::PaymentStarted { order } => {
            check_opaque(Field::Order, &order, MAX_ORDER_CHARS)?;
            st.order = Some(order);
            st.stage = Stage::PaymentPending;
        }
        Event::PaymentFailed => {
            st.order = None;
            st.stage = Stage::EligibilityShown;
        }
        Event::PaymentConfirmed => {
            st.paid = true;
            st.stage = Stage::Paid;
        }
        Event::PhotoCaptured { photo } => {
            check_photo_ref(&photo)?;
            st.photo = Some(photo);
            st.check = None;
            st.standardised = None;
            st.rejection = None;
            st.stage = Stage::Captured;
        }
        Event::PrecheckCompleted { summary } => {
            summary.validate()?;
            st.check = Some(summary);
            st.prechecks.used = st.prechecks.used.saturating_add(1);
            st.stage = Stage::Checked;
        }
        Event::Standardised { photo, check } => {
            check_photo_ref(&photo)?;
            check.validate()?;
            if check.verdict == CheckVerdict::Fail {
                return Err(FlowError::StandardisedFailed {
                    failing: check.failing,
                });
            }
            st.standardised = Some(photo);
            st.stage = Stage::Standardised;
        }
        Event::Submitted => st.stage = Stage::Submitted,
        Event::UploadSucceeded => st.stage = Stage::UnderReview,
        Event::UploadFailed | Event::Withdrawn => st.stage = Stage::Standardised,
        Event::ReviewRejected { reason } => {
            check_opaque(Field::Reason, &reason, MAX_REASON_CHARS)?;
            st.rejection = Some(reason);
            st.stage = Stage::Rejected;
        }
        Event::ReviewApproved => st.stage = Stage::Approved,
        Event::Published => st.stage = Stage::Published,
    }
    Ok(())
}

/// The server's suggestions, normalised like the name; blank, over-long and repeated ones are
/// dropped and the list is cut at [`MAX_SUGGESTIONS`]. Lenient on purpose: a quirk in the
/// server's list must not stop the graduate entering their school.
fn clean_suggestions(suggestions: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in suggestions {
        if out.len() == MAX_SUGGESTIONS {
            break;
        }
        if let Ok(name) = check_name(Field::Suggestion, s, MAX_SCHOOL_NAME_CHARS) {
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}
