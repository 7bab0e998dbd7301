//! Where a graduate is in the collection, and what the flow remembers about it.
//!
//! The [`State`] is one flat record: a [`Stage`] plus the values collected so far. Which values
//! must be present follows from the stage alone (see [`State::validate`]), so a state that says
//! `submitted` without a payment, or `paid` without a verified record, is refused wherever it
//! comes from: a bug in a transition or a tampered save.
//!
//! What is deliberately not here: the ID characters (only that the last 4 were checked and the
//! server accepted them), names other than the server's masked record, and image bytes (photos
//! are opaque references the host resolves).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::{Field, FlowError, InputProblem};
use super::input::{
    check_code, check_normal, check_opaque, check_photo_ref, check_rule_id, MAX_CATEGORY_CHARS,
    MAX_FAILING_RULES, MAX_ORDER_CHARS, MAX_REASON_CHARS, MAX_RECORD_CHARS, MAX_SCHOOL_NAME_CHARS,
    MAX_SESSION_CHARS, MAX_SUGGESTIONS,
};
use crate::checks::{Report, RuleResult, Status, Verdict};

/// The steps of the collection, in the order they are reached (the derived order is used by the
/// invariants: everything from [`Stage::Paid`] on has been paid, and so on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Nothing yet; waiting for the host's login hand-off.
    SignedOut,
    /// Logged in (WeChat login + phone authorisation done by the host).
    SignedIn,
    /// School name and education category entered.
    SchoolEntered,
    /// 图像采集码 recognised (scanned or read from a screenshot).
    CodeRecognised,
    /// Last 4 ID characters passed the local check; the server is verifying them.
    Verifying,
    /// The server accepted them and returned the masked student record.
    EligibilityShown,
    /// An order exists; waiting for the payment result (待支付).
    PaymentPending,
    /// Paid; no photo yet (待上传).
    Paid,
    /// A photo is taken or picked.
    Captured,
    /// The photo has an automatic pre-check result.
    Checked,
    /// The photo is standardised (background, crop, size) and shown for confirmation (标准化).
    Standardised,
    /// The user confirmed; the host is uploading.
    Submitted,
    /// Uploaded; waiting for manual review (待审核, can be withdrawn).
    UnderReview,
    /// The reviewer refused it, with a reason (审核未通过; reshoot without paying again).
    Rejected,
    /// The reviewer accepted it (审核通过): locked.
    Approved,
    /// Made and on line (制作中/上网中 → 已上网): locked.
    Published,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 16] = [
        Stage::SignedOut,
        Stage::SignedIn,
        Stage::SchoolEntered,
        Stage::CodeRecognised,
        Stage::Verifying,
        Stage::EligibilityShown,
        Stage::PaymentPending,
        Stage::Paid,
        Stage::Captured,
        Stage::Checked,
        Stage::Standardised,
        Stage::Submitted,
        Stage::UnderReview,
        Stage::Rejected,
        Stage::Approved,
        Stage::Published,
    ];

    /// The snake-case name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Stage::SignedOut => "signed_out",
            Stage::SignedIn => "signed_in",
            Stage::SchoolEntered => "school_entered",
            Stage::CodeRecognised => "code_recognised",
            Stage::Verifying => "verifying",
            Stage::EligibilityShown => "eligibility_shown",
            Stage::PaymentPending => "payment_pending",
            Stage::Paid => "paid",
            Stage::Captured => "captured",
            Stage::Checked => "checked",
            Stage::Standardised => "standardised",
            Stage::Submitted => "submitted",
            Stage::UnderReview => "under_review",
            Stage::Rejected => "rejected",
            Stage::Approved => "approved",
            Stage::Published => "published",
        }
    }

    /// The step's name as the Chinese collection pages say it.
    pub fn label_zh(self) -> &'static str {
        match self {
            Stage::SignedOut => "未登录",
            Stage::SignedIn => "已登录",
            Stage::SchoolEntered => "已填写学校",
            Stage::CodeRecognised => "已识别采集码",
            Stage::Verifying => "验证中",
            Stage::EligibilityShown => "已核验学籍",
            Stage::PaymentPending => "待支付",
            Stage::Paid => "待上传",
            Stage::Captured => "已拍摄",
            Stage::Checked => "已预检",
            Stage::Standardised => "已标准化",
            Stage::Submitted => "上传中",
            Stage::UnderReview => "待审核",
            Stage::Rejected => "审核未通过",
            Stage::Approved => "审核通过",
            Stage::Published => "已上网",
        }
    }

    /// The step's name in English, for the shell's English mode.
    pub fn label_en(self) -> &'static str {
        match self {
            Stage::SignedOut => "Signed out",
            Stage::SignedIn => "Signed in",
            Stage::SchoolEntered => "School entered",
            Stage::CodeRecognised => "Code recognised",
            Stage::Verifying => "Verifying",
            Stage::EligibilityShown => "Record verified",
            Stage::PaymentPending => "Awaiting payment",
            Stage::Paid => "Awaiting upload",
            Stage::Captured => "Photo taken",
            Stage::Checked => "Pre-checked",
            Stage::Standardised => "Standardised",
            Stage::Submitted => "Uploading",
            Stage::UnderReview => "Under review",
            Stage::Rejected => "Rejected",
            Stage::Approved => "Approved",
            Stage::Published => "Published",
        }
    }

    /// Approved and published photos may not change.
    pub fn is_locked(self) -> bool {
        matches!(self, Stage::Approved | Stage::Published)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The school as entered, normalised, with the server's suggestions (shown when the name does
/// not match a record: "did you mean ...").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct School {
    pub name: String,
    pub category: String,
    #[serde(default)]
    pub suggestions: Vec<String>,
    /// The server said no record has this school and category (`false`), or that one has
    /// (`true`); `None` when it was not asked. An unmatched school stops the flow before the code:
    /// the mismatch would otherwise surface only after the code and last 4 were typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible: Option<bool>,
}

/// The overall outcome of a pre-check (the flow's own copy of [`crate::checks::Verdict`], which
/// is not deserialisable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum CheckVerdict {
    Pass,
    Warn,
    Fail,
}

/// What the flow keeps of a check report: the verdict and the ids of failing rules (the full
/// report, with measurements and hints, is the host's to show and is not persisted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct CheckSummary {
    pub verdict: CheckVerdict,
    #[serde(default)]
    pub failing: Vec<String>,
}

impl CheckSummary {
    /// The summary of a [`Report`]: its verdict and the ids of its failing rules.
    pub fn from_report(report: &Report) -> CheckSummary {
        CheckSummary::from_rules(report.verdict, &report.rules)
    }

    /// The summary of a verdict and its rules; also what the standardised file's own check
    /// (its closed loop) hands to the `standardised` event.
    pub fn from_rules(verdict: Verdict, rules: &[RuleResult]) -> CheckSummary {
        CheckSummary {
            verdict: match verdict {
                Verdict::Pass => CheckVerdict::Pass,
                Verdict::Warn => CheckVerdict::Warn,
                Verdict::Fail => CheckVerdict::Fail,
            },
            failing: rules
                .iter()
                .filter(|r| r.status == Status::Fail)
                .map(|r| r.id.to_string())
                .take(MAX_FAILING_RULES)
                .collect(),
        }
    }

    /// A `fail` verdict lists the failing rules, and only a `fail` verdict has any.
    pub fn validate(&self) -> Result<(), FlowError> {
        let bad = |problem| FlowError::InvalidInput {
            field: Field::CheckRule,
            problem,
        };
        if self.failing.len() > MAX_FAILING_RULES {
            return Err(bad(InputProblem::TooMany {
                max: MAX_FAILING_RULES,
            }));
        }
        for id in &self.failing {
            check_rule_id(id)?;
        }
        if (self.verdict == CheckVerdict::Fail) == self.failing.is_empty() {
            return Err(bad(InputProblem::Inconsistent));
        }
        Ok(())
    }
}

/// Free automatic pre-checks of this order: how many are used and how many the preset allows
/// (`None`: no limit). Counted per order, so a reshoot after rejection does not reset it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Prechecks {
    pub used: u32,
    pub limit: Option<u32>,
}

impl Prechecks {
    /// Free pre-checks left; `None` when unlimited.
    pub fn left(&self) -> Option<u32> {
        self.limit.map(|limit| limit.saturating_sub(self.used))
    }

    /// Whether another pre-check is free.
    pub fn available(&self) -> bool {
        self.left() != Some(0)
    }
}

/// The whole progress of one collection. Read it through [`super::Flow::state`]; only the flow's
/// transitions change it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct State {
    pub stage: Stage,
    /// The host's login session, opaque.
    #[serde(default)]
    pub session: Option<String>,
    #[serde(default)]
    pub school: Option<School>,
    /// The 图像采集码 payload, opaque (an encrypted QR the server decrypts).
    #[serde(default)]
    pub code: Option<String>,
    /// The server accepted the last 4 ID characters. The characters themselves are never kept.
    #[serde(default)]
    pub last4_verified: bool,
    /// The server's masked student record (masked name and the like), opaque.
    #[serde(default)]
    pub record: Option<String>,
    /// The payment order id, opaque.
    #[serde(default)]
    pub order: Option<String>,
    /// One payment covers any number of shots.
    #[serde(default)]
    pub paid: bool,
    pub prechecks: Prechecks,
    /// The current photo, as the host's reference (id or hash).
    #[serde(default)]
    pub photo: Option<String>,
    /// The pre-check of the current photo, if it was checked.
    #[serde(default)]
    pub check: Option<CheckSummary>,
    /// The standardised photo, as the host's reference.
    #[serde(default)]
    pub standardised: Option<String>,
    /// The reviewer's reason, while rejected.
    #[serde(default)]
    pub rejection: Option<String>,
}

impl State {
    /// The start: signed out, nothing collected, `free_prechecks` pre-checks allowed.
    pub fn new(free_prechecks: Option<u32>) -> State {
        State {
            stage: Stage::SignedOut,
            session: None,
            school: None,
            code: None,
            last4_verified: false,
            record: None,
            order: None,
            paid: false,
            prechecks: Prechecks {
                used: 0,
                limit: free_prechecks,
            },
            photo: None,
            check: None,
            standardised: None,
            rejection: None,
        }
    }

    /// The invariants every reachable state holds: each value is present exactly from the stage
    /// that collects it on, every value passes the same checks as when it was entered, and the
    /// pre-check counter is within its limit. Used after every transition and on resume.
    pub fn validate(&self) -> Result<(), FlowError> {
        let s = self.stage;
        let expect = |what: &str, present: bool, from: Stage| -> Result<(), FlowError> {
            let needed = s >= from;
            if present == needed {
                Ok(())
            } else {
                Err(FlowError::StateInvalid {
                    detail: format!(
                        "stage '{s}' {} {what}",
                        if needed { "lacks" } else { "must not have" }
                    ),
                })
            }
        };
        expect("a session", self.session.is_some(), Stage::SignedIn)?;
        expect("a school", self.school.is_some(), Stage::SchoolEntered)?;
        expect("a code", self.code.is_some(), Stage::CodeRecognised)?;
        expect(
            "a verified last 4",
            self.last4_verified,
            Stage::EligibilityShown,
        )?;
        expect("a record", self.record.is_some(), Stage::EligibilityShown)?;
        expect("an order", self.order.is_some(), Stage::PaymentPending)?;
        expect("a payment", self.paid, Stage::Paid)?;
        expect("a photo", self.photo.is_some(), Stage::Captured)?;
        expect(
            "a standardised photo",
            self.standardised.is_some(),
            Stage::Standardised,
        )?;
        let invalid = |detail: &str| {
            Err(FlowError::StateInvalid {
                detail: format!("stage '{s}' {detail}"),
            })
        };
        if self.rejection.is_some() != (s == Stage::Rejected) {
            return invalid("and the rejection reason disagree");
        }
        if s == Stage::Checked && self.check.is_none() {
            return invalid("lacks a check");
        }
        if s < Stage::Checked && self.check.is_some() {
            return invalid("must not have a check");
        }
        // Standardising skips the check only when no free check was left, and the counter never
        // goes down.
        if s >= Stage::Standardised && self.check.is_none() && self.prechecks.available() {
            return invalid("skipped the pre-check while free ones were left");
        }
        let p = &self.prechecks;
        if p.limit.is_some_and(|limit| p.used > limit) {
            return invalid("used more pre-checks than the limit");
        }
        if p.used > 0 && s < Stage::Captured {
            return invalid("counts pre-checks before any photo");
        }
        if self.check.is_some() && p.used == 0 {
            return invalid("has a check but counts none");
        }

        if let Some(v) = &self.session {
            check_opaque(Field::Session, v, MAX_SESSION_CHARS)?;
        }
        if let Some(school) = &self.school {
            school.validate()?;
        }
        if let Some(v) = &self.code {
            check_code(v)?;
        }
        if let Some(v) = &self.record {
            check_opaque(Field::Record, v, MAX_RECORD_CHARS)?;
        }
        if let Some(v) = &self.order {
            check_opaque(Field::Order, v, MAX_ORDER_CHARS)?;
        }
        for v in [&self.photo, &self.standardised].into_iter().flatten() {
            check_photo_ref(v)?;
        }
        if let Some(check) = &self.check {
            check.validate()?;
        }
        if let Some(v) = &self.rejection {
            check_opaque(Field::Reason, v, MAX_REASON_CHARS)?;
        }
        Ok(())
    }
}

impl School {
    /// Name, category and suggestions are in normal form and within bounds.
    pub fn validate(&self) -> Result<(), FlowError> {
        check_normal(Field::SchoolName, &self.name, MAX_SCHOOL_NAME_CHARS)?;
        check_normal(Field::Category, &self.category, MAX_CATEGORY_CHARS)?;
        if self.suggestions.len() > MAX_SUGGESTIONS {
            return Err(FlowError::InvalidInput {
                field: Field::Suggestion,
                problem: InputProblem::TooMany {
                    max: MAX_SUGGESTIONS,
                },
            });
        }
        for v in &self.suggestions {
            check_normal(Field::Suggestion, v, MAX_SCHOOL_NAME_CHARS)?;
        }
        Ok(())
    }
}
