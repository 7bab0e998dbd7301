//! What can happen to a collection: the user's actions and the server's answers, as the host
//! reports them.
//!
//! Events are plain data with a `type` tag so the JS shell can build them as object literals,
//! e.g. `{ type: "school_entered", name: "国家开放大学", category: "开放教育" }`. The flow decides
//! whether an event is allowed now; the shell only reports what happened.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::{json_detail, FlowError};
use super::input::Last4Input;
use super::state::CheckSummary;

/// One thing that happened. Unknown fields are refused, so a misspelt field is an error rather
/// than a silently missing value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// The host's login hand-off (WeChat login and phone authorisation done).
    SignedIn { session: String },
    /// The host refreshed an expired session. Allowed at every step after login, locked ones
    /// included: it changes nothing the reviewer sees.
    SessionRenewed { session: String },
    /// School name and education category typed or picked; `suggestions` is the server's list of
    /// close names, kept for the shell to offer; `eligible` is the server's answer on whether
    /// any record has this school and category (absent: not known, e.g. offline). Allowed again
    /// until payment (to fix a typo), which clears the later steps.
    SchoolEntered {
        name: String,
        category: String,
        #[serde(default)]
        suggestions: Vec<String>,
        #[serde(default)]
        eligible: Option<bool>,
    },
    /// The 图像采集码 was scanned or read from a screenshot. Re-scanning is allowed until payment.
    CodeRecognised { code: String },
    /// The user typed the last 4 ID characters; they pass the local check before the host sends
    /// them (in the form [`super::validate_last4`] returns) to the server. Not kept by the flow.
    Last4Entered { last4: Last4Input },
    /// The server did not match code, school and last 4: back to entering the last 4.
    VerificationFailed,
    /// The server matched them and returned the masked student record.
    RecordShown { record: String },
    /// The user chose "拍照/上传" and an order was created; payment is in progress.
    PaymentStarted { order: String },
    /// Payment was cancelled or failed: back to the record, to pay again.
    PaymentFailed,
    /// The server confirmed the payment.
    PaymentConfirmed,
    /// A photo was taken or picked (also a retake, or a reshoot after rejection).
    PhotoCaptured { photo: String },
    /// The automatic pre-check of the current photo finished. Counts one free pre-check.
    PrecheckCompleted { summary: CheckSummary },
    /// The current photo was standardised; `photo` references the result and `check` is the
    /// result's own check (the closed loop on the file: geometry, background, size). A file that
    /// fails it is refused (`flow.standardised_failed`): it must never reach 确认提交.
    Standardised { photo: String, check: CheckSummary },
    /// The user confirmed the standardised photo (确认提交); the host uploads it.
    Submitted,
    /// The upload reached the server: waiting for review.
    UploadSucceeded,
    /// The upload failed: back to the standardised photo, to submit again.
    UploadFailed,
    /// The user withdrew the photo from review: back to the standardised photo, to resubmit or
    /// retake.
    Withdrawn,
    /// The reviewer refused the photo, with a reason.
    ReviewRejected { reason: String },
    /// The reviewer accepted the photo: from now on nothing may change.
    ReviewApproved,
    /// The photo was made and published (上网).
    Published,
}

/// The kind of an [`Event`], without its data: what guards and [`super::Allowed`] talk about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    SignedIn,
    SessionRenewed,
    SchoolEntered,
    CodeRecognised,
    Last4Entered,
    VerificationFailed,
    RecordShown,
    PaymentStarted,
    PaymentFailed,
    PaymentConfirmed,
    PhotoCaptured,
    PrecheckCompleted,
    Standardised,
    Submitted,
    UploadSucceeded,
    UploadFailed,
    Withdrawn,
    ReviewRejected,
    ReviewApproved,
    Published,
}

impl Event {
    /// Which kind of event this is.
    pub fn kind(&self) -> EventKind {
        match self {
            Event::SignedIn { .. } => EventKind::SignedIn,
            Event::SessionRenewed { .. } => EventKind::SessionRenewed,
            Event::SchoolEntered { .. } => EventKind::SchoolEntered,
            Event::CodeRecognised { .. } => EventKind::CodeRecognised,
            Event::Last4Entered { .. } => EventKind::Last4Entered,
            Event::VerificationFailed => EventKind::VerificationFailed,
            Event::RecordShown { .. } => EventKind::RecordShown,
            Event::PaymentStarted { .. } => EventKind::PaymentStarted,
            Event::PaymentFailed => EventKind::PaymentFailed,
            Event::PaymentConfirmed => EventKind::PaymentConfirmed,
            Event::PhotoCaptured { .. } => EventKind::PhotoCaptured,
            Event::PrecheckCompleted { .. } => EventKind::PrecheckCompleted,
            Event::Standardised { .. } => EventKind::Standardised,
            Event::Submitted => EventKind::Submitted,
            Event::UploadSucceeded => EventKind::UploadSucceeded,
            Event::UploadFailed => EventKind::UploadFailed,
            Event::Withdrawn => EventKind::Withdrawn,
            Event::ReviewRejected { .. } => EventKind::ReviewRejected,
            Event::ReviewApproved => EventKind::ReviewApproved,
            Event::Published => EventKind::Published,
        }
    }

    /// Parse an event from JSON. Errors say where the JSON is wrong, never what it contained.
    pub fn from_json(json: &str) -> Result<Event, FlowError> {
        serde_json::from_str(json).map_err(|e| FlowError::EventInvalid {
            detail: json_detail(&e),
        })
    }
}

impl EventKind {
    /// Every kind, in flow order.
    pub const ALL: [EventKind; 20] = [
        EventKind::SignedIn,
        EventKind::SessionRenewed,
        EventKind::SchoolEntered,
        EventKind::CodeRecognised,
        EventKind::Last4Entered,
        EventKind::VerificationFailed,
        EventKind::RecordShown,
        EventKind::PaymentStarted,
        EventKind::PaymentFailed,
        EventKind::PaymentConfirmed,
        EventKind::PhotoCaptured,
        EventKind::PrecheckCompleted,
        EventKind::Standardised,
        EventKind::Submitted,
        EventKind::UploadSucceeded,
        EventKind::UploadFailed,
        EventKind::Withdrawn,
        EventKind::ReviewRejected,
        EventKind::ReviewApproved,
        EventKind::Published,
    ];

    /// The `type` tag of the event, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::SignedIn => "signed_in",
            EventKind::SessionRenewed => "session_renewed",
            EventKind::SchoolEntered => "school_entered",
            EventKind::CodeRecognised => "code_recognised",
            EventKind::Last4Entered => "last4_entered",
            EventKind::VerificationFailed => "verification_failed",
            EventKind::RecordShown => "record_shown",
            EventKind::PaymentStarted => "payment_started",
            EventKind::PaymentFailed => "payment_failed",
            EventKind::PaymentConfirmed => "payment_confirmed",
            EventKind::PhotoCaptured => "photo_captured",
            EventKind::PrecheckCompleted => "precheck_completed",
            EventKind::Standardised => "standardised",
            EventKind::Submitted => "submitted",
            EventKind::UploadSucceeded => "upload_succeeded",
            EventKind::UploadFailed => "upload_failed",
            EventKind::Withdrawn => "withdrawn",
            EventKind::ReviewRejected => "review_rejected",
            EventKind::ReviewApproved => "review_approved",
            EventKind::Published => "published",
        }
    }

    /// The action's name in Chinese, for messages.
    pub fn label_zh(self) -> &'static str {
        match self {
            EventKind::SignedIn => "登录",
            EventKind::SessionRenewed => "更新登录",
            EventKind::SchoolEntered => "填写学校",
            EventKind::CodeRecognised => "识别图像采集码",
            EventKind::Last4Entered => "输入证件号后四位",
            EventKind::VerificationFailed => "验证未通过",
            EventKind::RecordShown => "显示学籍信息",
            EventKind::PaymentStarted => "发起支付",
            EventKind::PaymentFailed => "支付失败",
            EventKind::PaymentConfirmed => "支付成功",
            EventKind::PhotoCaptured => "拍摄或选择照片",
            EventKind::PrecheckCompleted => "自动预检",
            EventKind::Standardised => "标准化照片",
            EventKind::Submitted => "确认提交",
            EventKind::UploadSucceeded => "上传成功",
            EventKind::UploadFailed => "上传失败",
            EventKind::Withdrawn => "撤回",
            EventKind::ReviewRejected => "审核未通过",
            EventKind::ReviewApproved => "审核通过",
            EventKind::Published => "上网",
        }
    }

    /// The user's photo steps, which need the payment first (refused with `flow.not_paid`
    /// before it rather than `flow.wrong_order`, so the shell can say "pay first").
    pub fn needs_payment(self) -> bool {
        matches!(
            self,
            EventKind::PhotoCaptured
                | EventKind::PrecheckCompleted
                | EventKind::Standardised
                | EventKind::Submitted
                | EventKind::UploadSucceeded
                | EventKind::UploadFailed
        )
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
