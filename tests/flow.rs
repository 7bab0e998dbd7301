//! The collection flow: every transition and guard, input checks, save/resume, and (natively)
//! property tests over random event sequences and tampered saves. The example-based tests also
//! run in headless Chromium.

use gradphoto::flow::{
    check_code, mask_code, normalise_school_name, validate_last4, Allowed, CheckSummary,
    CheckVerdict, CodeLook, Event, EventKind, Flow, FlowError, Last4Problem, Stage, SCHEMA_VERSION,
};
use gradphoto::Preset;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);

// ---- helpers ---------------------------------------------------------------------------------

fn e(json: &str) -> Event {
    Event::from_json(json).unwrap()
}

fn pass() -> CheckSummary {
    CheckSummary {
        verdict: CheckVerdict::Pass,
        failing: vec![],
    }
}

fn fail(rules: &[&str]) -> CheckSummary {
    CheckSummary {
        verdict: CheckVerdict::Fail,
        failing: rules.iter().map(|r| r.to_string()).collect(),
    }
}

/// One event of each kind, with valid data.
/// The school card confirmed with `name` and `category`, no suggestions.
fn school(name: &str, category: &str) -> Event {
    Event::SchoolEntered {
        name: name.into(),
        category: category.into(),
        suggestions: vec![],
        eligible: None,
    }
}

fn sample(kind: EventKind) -> Event {
    match kind {
        EventKind::SignedIn => Event::SignedIn {
            session: "sess-1".into(),
        },
        EventKind::SessionRenewed => Event::SessionRenewed {
            session: "sess-2".into(),
        },
        EventKind::SchoolEntered => school("国家开放大学", "开放教育"),
        EventKind::CodeRecognised => Event::CodeRecognised {
            code: "Q1xK9-opaque-7Hd2".into(),
        },
        EventKind::Last4Entered => Event::Last4Entered {
            last4: "123X".into(),
        },
        EventKind::VerificationFailed => Event::VerificationFailed,
        EventKind::RecordShown => Event::RecordShown {
            record: "张*三 国家开放大学 开放教育".into(),
        },
        EventKind::PaymentStarted => Event::PaymentStarted {
            order: "order-42".into(),
        },
        EventKind::PaymentFailed => Event::PaymentFailed,
        EventKind::PaymentConfirmed => Event::PaymentConfirmed,
        EventKind::PhotoCaptured => Event::PhotoCaptured {
            photo: "sha256:aa11".into(),
        },
        EventKind::PrecheckCompleted => Event::PrecheckCompleted { summary: pass() },
        EventKind::Standardised => Event::Standardised {
            photo: "sha256:bb22".into(),
            check: pass(),
        },
        EventKind::Submitted => Event::Submitted,
        EventKind::UploadSucceeded => Event::UploadSucceeded,
        EventKind::UploadFailed => Event::UploadFailed,
        EventKind::Withdrawn => Event::Withdrawn,
        EventKind::ReviewRejected => Event::ReviewRejected {
            reason: "背景不均匀".into(),
        },
        EventKind::ReviewApproved => Event::ReviewApproved,
        EventKind::Published => Event::Published,
    }
}

fn run(flow: &mut Flow, kinds: &[EventKind]) {
    for &k in kinds {
        if let Err(err) = flow.apply(sample(k)) {
            panic!("{k} at {}: {}", flow.stage(), err.code());
        }
    }
}

const TO_PAID: &[EventKind] = &[
    EventKind::SignedIn,
    EventKind::SchoolEntered,
    EventKind::CodeRecognised,
    EventKind::Last4Entered,
    EventKind::RecordShown,
    EventKind::PaymentStarted,
    EventKind::PaymentConfirmed,
];

const PAID_TO_REVIEW: &[EventKind] = &[
    EventKind::PhotoCaptured,
    EventKind::PrecheckCompleted,
    EventKind::Standardised,
    EventKind::Submitted,
    EventKind::UploadSucceeded,
];

fn at(limit: Option<u32>, kinds: &[&[EventKind]]) -> Flow {
    let mut flow = Flow::new(limit);
    for k in kinds {
        run(&mut flow, k);
    }
    flow
}

/// Apply an event that must be refused: the error's code, with the state checked unchanged.
fn refused(flow: &mut Flow, event: Event) -> FlowError {
    let before = flow.clone();
    let err = flow.apply(event).unwrap_err();
    assert_eq!(*flow, before, "{} changed the state", err.code());
    err
}

// ---- transitions -----------------------------------------------------------------------------

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn happy_path_end_to_end() {
    let mut flow = Flow::for_preset(&Preset::builtin("chsi-graduation").unwrap());
    // The on-device pre-check costs the collector nothing: CHSI's preset sets no limit, so no
    // photo is ever shown unchecked.
    assert_eq!(flow.state().prechecks.limit, None);
    let a = flow.allowed();
    assert!(a.can_sign_in && !a.can_pay && !a.can_capture && !a.locked);
    assert_eq!(a.events, vec![EventKind::SignedIn]);

    let expected = [
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
        Stage::Approved,
        Stage::Published,
    ];
    let kinds = TO_PAID
        .iter()
        .chain(PAID_TO_REVIEW)
        .chain(&[EventKind::ReviewApproved, EventKind::Published]);
    for (kind, stage) in kinds.zip(expected) {
        let state = flow.apply(sample(*kind)).unwrap();
        assert_eq!(state.stage, stage, "after {kind}");
        flow.validate().unwrap();
    }
    let s = flow.state();
    assert!(s.paid && s.last4_verified);
    assert_eq!(s.school.as_ref().unwrap().name, "国家开放大学");
    assert_eq!(s.prechecks.used, 1);
    assert_eq!(s.standardised.as_deref(), Some("sha256:bb22"));
    assert!(flow.allowed().locked);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn allowed_matches_each_stage() {
    let mut flow = Flow::new(Some(10));
    let mut seen: Vec<(Stage, Allowed)> = vec![(flow.stage(), flow.allowed())];
    for k in TO_PAID.iter().chain(PAID_TO_REVIEW) {
        flow.apply(sample(*k)).unwrap();
        seen.push((flow.stage(), flow.allowed()));
    }
    for (stage, a) in &seen {
        // Every flag is exactly the guard's answer.
        assert_eq!(a.stage, *stage);
        assert_eq!(a.can_pay, *stage == Stage::EligibilityShown, "{stage}");
        assert_eq!(
            a.can_capture,
            matches!(
                stage,
                Stage::Paid | Stage::Captured | Stage::Checked | Stage::Standardised
            ),
            "{stage}"
        );
        assert_eq!(a.can_submit, *stage == Stage::Standardised, "{stage}");
        assert_eq!(a.can_upload, *stage == Stage::Submitted, "{stage}");
        assert_eq!(a.can_withdraw, *stage == Stage::UnderReview, "{stage}");
        assert_eq!(
            a.can_enter_last4,
            *stage == Stage::CodeRecognised,
            "{stage}"
        );
        assert_eq!(
            a.awaiting_server,
            matches!(
                stage,
                Stage::Verifying | Stage::PaymentPending | Stage::UnderReview
            ),
            "{stage}"
        );
        assert_eq!(a.precheck_required, *stage == Stage::Captured, "{stage}");
    }
    // `events` lists exactly the kinds the guard accepts.
    for kind in EventKind::ALL {
        assert_eq!(
            flow.allowed().events.contains(&kind),
            flow.accepts(kind).is_ok(),
            "{kind}"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn wrong_order_is_refused_and_changes_nothing() {
    let mut flow = Flow::new(Some(10));
    let err = refused(&mut flow, sample(EventKind::CodeRecognised));
    assert_eq!(err.code(), "flow.wrong_order");
    assert_eq!(
        err,
        FlowError::WrongOrder {
            event: EventKind::CodeRecognised,
            stage: Stage::SignedOut
        }
    );
    run(&mut flow, &TO_PAID[..3]);
    for kind in [
        EventKind::SignedIn,
        EventKind::RecordShown,
        EventKind::PaymentStarted,
        EventKind::PaymentConfirmed,
        EventKind::Withdrawn,
        EventKind::ReviewApproved,
        EventKind::Published,
    ] {
        assert_eq!(refused(&mut flow, sample(kind)).code(), "flow.wrong_order");
    }
    // Paid: submitting or uploading before a standardised photo is out of order, not unpaid.
    let mut flow = at(Some(10), &[TO_PAID]);
    for kind in [
        EventKind::Submitted,
        EventKind::UploadSucceeded,
        EventKind::Standardised,
        EventKind::PrecheckCompleted,
        EventKind::SchoolEntered,
        EventKind::CodeRecognised,
        EventKind::PaymentStarted,
    ] {
        assert_eq!(
            refused(&mut flow, sample(kind)).code(),
            "flow.wrong_order",
            "{kind}"
        );
    }
    // Messages name the step, never the data.
    let err = FlowError::WrongOrder {
        event: EventKind::Submitted,
        stage: Stage::Paid,
    };
    assert!(err.message_zh().contains("待上传") && err.message_zh().contains("确认提交"));
    assert!(err.message_en().contains("'submitted'") && err.message_en().contains("'paid'"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn photo_steps_before_payment_are_not_paid() {
    for upto in [2, 5, 6] {
        let mut flow = at(Some(10), &[&TO_PAID[..upto]]);
        for kind in [
            EventKind::PhotoCaptured,
            EventKind::PrecheckCompleted,
            EventKind::Standardised,
            EventKind::Submitted,
            EventKind::UploadSucceeded,
        ] {
            let err = refused(&mut flow, sample(kind));
            assert_eq!(err.code(), "flow.not_paid", "{kind} at {}", flow.stage());
            assert!(err.message_zh().contains("支付"));
        }
        assert!(!flow.allowed().can_capture && !flow.allowed().can_upload);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn approved_refuses_every_change_as_locked() {
    let mut flow = at(
        Some(10),
        &[TO_PAID, PAID_TO_REVIEW, &[EventKind::ReviewApproved]],
    );
    for kind in EventKind::ALL {
        if matches!(kind, EventKind::SessionRenewed | EventKind::Published) {
            continue;
        }
        let err = refused(&mut flow, sample(kind));
        assert_eq!(err.code(), "flow.locked", "{kind}");
        assert_eq!(err, FlowError::Locked { event: kind });
    }
    let a = flow.allowed();
    assert!(a.locked && !a.can_capture && !a.can_withdraw && !a.can_submit);
    assert_eq!(
        a.events,
        vec![EventKind::SessionRenewed, EventKind::Published]
    );
    // Renewing the session changes nothing the reviewer sees.
    let before = flow.state().clone();
    flow.apply(sample(EventKind::SessionRenewed)).unwrap();
    assert_eq!(flow.state().session.as_deref(), Some("sess-2"));
    assert_eq!(flow.state().standardised, before.standardised);
    flow.apply(Event::Published).unwrap();
    for kind in EventKind::ALL {
        if kind != EventKind::SessionRenewed {
            assert_eq!(refused(&mut flow, sample(kind)).code(), "flow.locked");
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn rejected_reshoots_without_paying_again() {
    let mut flow = at(Some(10), &[TO_PAID, PAID_TO_REVIEW]);
    let state = flow
        .apply(Event::ReviewRejected {
            reason: "衣服颜色与背景相近".into(),
        })
        .unwrap();
    assert_eq!(state.stage, Stage::Rejected);
    assert_eq!(state.rejection.as_deref(), Some("衣服颜色与背景相近"));
    let a = flow.allowed();
    assert!(a.can_capture && !a.can_pay && !a.can_submit);
    // Resubmitting the rejected photo is not possible: reshoot.
    assert_eq!(
        refused(&mut flow, Event::Submitted).code(),
        "flow.wrong_order"
    );
    let order = flow.state().order.clone();
    let state = flow
        .apply(Event::PhotoCaptured {
            photo: "sha256:new".into(),
        })
        .unwrap();
    assert_eq!(state.stage, Stage::Captured);
    assert!(state.paid && state.order == order);
    assert!(state.rejection.is_none() && state.check.is_none() && state.standardised.is_none());
    // The pre-check counter is per order: not reset.
    assert_eq!(state.prechecks.used, 1);
    run(&mut flow, &PAID_TO_REVIEW[1..]);
    assert_eq!(flow.stage(), Stage::UnderReview);
    assert_eq!(flow.state().prechecks.used, 2);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn withdraw_and_failed_upload_return_to_the_standardised_photo() {
    let mut flow = at(Some(10), &[TO_PAID, PAID_TO_REVIEW]);
    assert!(flow.allowed().can_withdraw && flow.allowed().awaiting_server);
    let state = flow.apply(Event::Withdrawn).unwrap();
    assert_eq!(state.stage, Stage::Standardised);
    assert_eq!(state.standardised.as_deref(), Some("sha256:bb22"));
    let a = flow.allowed();
    assert!(a.can_submit && a.can_capture && !a.can_withdraw);
    // Resubmit, or retake.
    run(&mut flow, &[EventKind::Submitted, EventKind::UploadFailed]);
    assert_eq!(flow.stage(), Stage::Standardised);
    run(&mut flow, &[EventKind::PhotoCaptured]);
    assert_eq!(flow.stage(), Stage::Captured);
    assert_eq!(
        refused(&mut flow, Event::Withdrawn).code(),
        "flow.wrong_order"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_standardised_file_that_fails_its_own_check_is_never_offered_for_submission() {
    let mut flow = at(
        Some(10),
        &[
            TO_PAID,
            &[EventKind::PhotoCaptured, EventKind::PrecheckCompleted],
        ],
    );
    let err = refused(
        &mut flow,
        Event::Standardised {
            photo: "sha256:bb22".into(),
            check: fail(&["geometry.crown", "output.background_color"]),
        },
    );
    assert_eq!(err.code(), "flow.standardised_failed");
    // The message names the checks by their titles and offers the retake.
    let info = err.info();
    assert!(
        info.message_zh.contains("头顶") && info.message_zh.contains("重新拍摄"),
        "{}",
        info.message_zh
    );
    assert!(
        !info.message_zh.contains("geometry.crown"),
        "{}",
        info.message_zh
    );
    assert!(info.message_en.contains("again"), "{}", info.message_en);
    let a = flow.allowed();
    assert!(!a.can_submit && a.can_capture, "{a:?}");
    // A summary that contradicts itself is refused as input, and a warning is accepted.
    let bad = CheckSummary {
        verdict: CheckVerdict::Fail,
        failing: vec![],
    };
    let photo = "sha256:bb22".to_string();
    assert_eq!(
        refused(
            &mut flow,
            Event::Standardised {
                photo: photo.clone(),
                check: bad
            }
        )
        .code(),
        "flow.invalid_input"
    );
    let warn = CheckSummary {
        verdict: CheckVerdict::Warn,
        failing: vec![],
    };
    flow.apply(Event::Standardised { photo, check: warn })
        .unwrap();
    assert!(flow.allowed().can_submit);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn prechecks_are_counted_and_limited() {
    let mut flow = at(Some(2), &[TO_PAID, &[EventKind::PhotoCaptured]]);
    // While free checks remain, check before standardising.
    assert!(flow.allowed().precheck_required && !flow.allowed().can_standardise);
    assert_eq!(
        refused(&mut flow, sample(EventKind::Standardised)).code(),
        "flow.precheck_required"
    );
    flow.apply(Event::PrecheckCompleted {
        summary: fail(&["geometry.eye_line", "background.uniform"]),
    })
    .unwrap();
    assert_eq!(
        flow.state().check,
        Some(fail(&["geometry.eye_line", "background.uniform"]))
    );
    assert_eq!(flow.allowed().prechecks_left, Some(1));
    // The same photo is not checked twice.
    assert_eq!(
        refused(&mut flow, sample(EventKind::PrecheckCompleted)).code(),
        "flow.wrong_order"
    );
    run(
        &mut flow,
        &[
            EventKind::PhotoCaptured,
            EventKind::PrecheckCompleted,
            EventKind::PhotoCaptured,
        ],
    );
    assert_eq!(flow.state().prechecks.used, 2);
    let a = flow.allowed();
    assert_eq!(a.prechecks_left, Some(0));
    assert!(!a.can_precheck && !a.precheck_required && a.can_standardise && a.can_capture);
    let err = refused(&mut flow, sample(EventKind::PrecheckCompleted));
    assert_eq!(err, FlowError::PrecheckLimit { limit: 2 });
    assert!(err.message_zh().contains('2') && err.message_en().contains("still"));
    // Beyond the limit, standardise and submit without a check.
    run(
        &mut flow,
        &[
            EventKind::Standardised,
            EventKind::Submitted,
            EventKind::UploadSucceeded,
        ],
    );
    assert_eq!(flow.stage(), Stage::UnderReview);
    assert!(flow.state().check.is_none());

    // No limit: always checked first, never refused for the count.
    let mut flow = at(None, &[TO_PAID]);
    for _ in 0..30 {
        run(
            &mut flow,
            &[EventKind::PhotoCaptured, EventKind::PrecheckCompleted],
        );
    }
    assert_eq!(flow.state().prechecks.used, 30);
    assert_eq!(flow.allowed().prechecks_left, None);
    // A limit of zero: no free checks at all, standardise straight away.
    let mut flow = at(Some(0), &[TO_PAID, &[EventKind::PhotoCaptured]]);
    assert!(!flow.allowed().can_precheck && flow.allowed().can_standardise);
    run(&mut flow, &[EventKind::Standardised]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn inconsistent_check_summaries_are_refused() {
    let mut flow = at(Some(10), &[TO_PAID, &[EventKind::PhotoCaptured]]);
    for summary in [
        CheckSummary {
            verdict: CheckVerdict::Fail,
            failing: vec![],
        },
        CheckSummary {
            verdict: CheckVerdict::Pass,
            failing: vec!["geometry.crown".into()],
        },
        fail(&["Not An Id"]),
        fail(&[""]),
    ] {
        let err = refused(&mut flow, Event::PrecheckCompleted { summary });
        assert_eq!(err.code(), "flow.invalid_input");
    }
    assert_eq!(flow.state().prechecks.used, 0);
    flow.apply(Event::PrecheckCompleted {
        summary: CheckSummary {
            verdict: CheckVerdict::Warn,
            failing: vec![],
        },
    })
    .unwrap();
}

/// Confirming the same school again (the school card stays open after verification) keeps the
/// code and the verification; another school keeps the code and asks for the last 4 again; before
/// any code, the school is simply replaced.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn reconfirming_the_school_keeps_what_was_done() {
    let mut flow = at(Some(10), &[&TO_PAID[..5]]);
    assert_eq!(flow.stage(), Stage::EligibilityShown);
    let before = flow.state().clone();
    flow.apply(sample(EventKind::SchoolEntered)).unwrap();
    assert_eq!(flow.stage(), Stage::EligibilityShown);
    assert_eq!(flow.state().code, before.code);
    assert!(flow.state().last4_verified && flow.state().record.is_some());
    flow.apply(school("北京大学", "普通高等教育")).unwrap();
    assert_eq!(flow.stage(), Stage::CodeRecognised);
    assert_eq!(flow.state().code, before.code);
    assert!(!flow.state().last4_verified && flow.state().record.is_none());
    let mut fresh = at(Some(10), &[&TO_PAID[..2]]);
    fresh.apply(school("北京大学", "普通高等教育")).unwrap();
    assert_eq!(fresh.stage(), Stage::SchoolEntered);
    assert_eq!(fresh.state().school.as_ref().unwrap().name, "北京大学");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn verification_and_payment_can_fail_and_be_retried() {
    let mut flow = at(Some(10), &[&TO_PAID[..4]]);
    assert_eq!(flow.stage(), Stage::Verifying);
    assert!(flow.allowed().awaiting_server && !flow.allowed().can_enter_last4);
    flow.apply(Event::VerificationFailed).unwrap();
    assert_eq!(flow.stage(), Stage::CodeRecognised);
    assert!(!flow.state().last4_verified);
    // Fix the school name (a wrong name cannot match): the code stays, the last 4 are asked
    // again.
    flow.apply(school("国家开放大学北京分部", "开放教育"))
        .unwrap();
    assert_eq!(flow.stage(), Stage::CodeRecognised);
    assert!(flow.state().code.is_some() && !flow.state().last4_verified);
    run(&mut flow, &TO_PAID[1..6]);
    assert_eq!(flow.stage(), Stage::PaymentPending);
    flow.apply(Event::PaymentFailed).unwrap();
    assert_eq!(flow.stage(), Stage::EligibilityShown);
    assert!(flow.state().order.is_none() && !flow.state().paid);
    run(&mut flow, &TO_PAID[5..]);
    assert_eq!(flow.stage(), Stage::Paid);
    // Once paid, the school and the code are fixed.
    assert_eq!(
        refused(&mut flow, sample(EventKind::SchoolEntered)).code(),
        "flow.wrong_order"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn bad_event_data_is_refused_with_the_field_named() {
    let mut flow = Flow::new(Some(10));
    for (event, field) in [
        (
            Event::SignedIn {
                session: "  ".into(),
            },
            "session",
        ),
        (
            Event::SignedIn {
                session: "a\u{0}b".into(),
            },
            "session",
        ),
        (
            Event::SignedIn {
                session: "x".repeat(5000),
            },
            "session",
        ),
    ] {
        let err = refused(&mut flow, event);
        assert_eq!(err.code(), "flow.invalid_input");
        assert!(err.message_en().contains(field), "{}", err.message_en());
    }
    run(&mut flow, &[EventKind::SignedIn]);
    let err = refused(&mut flow, school("　\u{200B} ", "开放教育"));
    assert!(err.message_zh().contains("学校名称") && err.message_zh().contains("不能为空"));
    run(
        &mut flow,
        &[EventKind::SchoolEntered, EventKind::CodeRecognised],
    );
    run(&mut flow, &TO_PAID[3..]);
    for photo in [
        "",
        "has space",
        "data:image/jpeg;base64,/9j/",
        &"f".repeat(129),
    ] {
        let err = refused(
            &mut flow,
            Event::PhotoCaptured {
                photo: photo.to_string(),
            },
        );
        assert_eq!(err.code(), "flow.invalid_input", "{photo:?}");
    }
}

// ---- input -----------------------------------------------------------------------------------

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn last4_validation() {
    let ok = |s: &str| validate_last4(s).map(|l| l.as_str().to_string());
    assert_eq!(ok("1234").unwrap(), "1234");
    assert_eq!(ok("123x").unwrap(), "123X");
    assert_eq!(ok("123X").unwrap(), "123X");
    assert_eq!(ok(" 12 34 ").unwrap(), "1234");
    assert_eq!(ok("１２３ｘ").unwrap(), "123X");
    // Hong Kong / Macau: A123456(7) → 4567, typed with or without the brackets.
    assert_eq!(ok("4567").unwrap(), "4567");
    assert_eq!(ok("456(7)").unwrap(), "4567");
    assert_eq!(ok("456（7）").unwrap(), "4567");
    // Hong Kong check digit 10 is written A.
    assert_eq!(ok("456(a)").unwrap(), "456A");

    let problem = |s: &str| match validate_last4(s) {
        Err(FlowError::InvalidLast4 { problem }) => problem,
        other => panic!("{s:?}: {other:?}"),
    };
    assert_eq!(problem("12345"), Last4Problem::WrongLength { chars: 5 });
    assert_eq!(problem("123"), Last4Problem::WrongLength { chars: 3 });
    assert_eq!(problem(""), Last4Problem::WrongLength { chars: 0 });
    assert_eq!(problem("(7)"), Last4Problem::WrongLength { chars: 1 });
    assert_eq!(
        problem("A123456(7)"),
        Last4Problem::WrongLength { chars: 8 }
    );
    assert_eq!(problem("12a4"), Last4Problem::NotDigit { position: 3 });
    assert_eq!(problem("x234"), Last4Problem::NotDigit { position: 1 });
    assert_eq!(problem("123Y"), Last4Problem::BadCheckCharacter);
    assert_eq!(problem("123٣"), Last4Problem::BadCheckCharacter);
    assert_eq!(
        problem(&"9".repeat(10_000)),
        Last4Problem::WrongLength { chars: 100 }
    );

    let err = validate_last4("98a6").unwrap_err();
    assert_eq!(err.code(), "flow.invalid_last4");
    for msg in [err.message_zh(), err.message_en(), format!("{err:?}")] {
        assert!(!msg.contains("98a6") && !msg.contains("98"), "{msg}");
    }
    assert!(err.message_zh().contains("第 3 位"));
    assert_eq!(
        format!("{:?}", validate_last4("9876").unwrap()),
        "Last4(****)"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn last4_event_is_checked_and_not_kept() {
    let mut flow = at(Some(10), &[&TO_PAID[..3]]);
    for bad in ["12345", "12a4", "(7)", ""] {
        let err = refused(&mut flow, Event::Last4Entered { last4: bad.into() });
        assert_eq!(err.code(), "flow.invalid_last4");
    }
    let event = e(r#"{"type":"last4_entered","last4":"987x"}"#);
    assert!(!format!("{event:?}").contains("987"));
    flow.apply(event).unwrap();
    assert_eq!(flow.stage(), Stage::Verifying);
    run(&mut flow, &TO_PAID[4..]);
    let saved = flow.save().unwrap();
    assert!(!saved.contains("987"), "{saved}");
    assert!(!format!("{flow:?}").contains("987"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn school_names_are_normalised() {
    assert_eq!(normalise_school_name("国家开放大学　"), "国家开放大学");
    assert_eq!(normalise_school_name("ＡＢＣ"), "ABC");
    assert_eq!(normalise_school_name("　ＡＢＣ　 大学\t\n"), "ABC 大学");
    assert_eq!(
        normalise_school_name("国家\u{200B}开放大学\u{FEFF}"),
        "国家开放大学"
    );
    assert_eq!(
        normalise_school_name("中国石油大学（华东）"),
        "中国石油大学(华东)"
    );
    assert_eq!(normalise_school_name("  "), "");
    assert_eq!(normalise_school_name("ａ\u{3000}\u{3000}ｂ"), "a b");

    let mut flow = at(Some(10), &[&TO_PAID[..1]]);
    let state = flow
        .apply(e(
            r#"{"type":"school_entered","name":"国家开放大学　","category":" 开放教育 ",
            "suggestions":["国家开放大学　","国家开放大学","","ＸＸ大学"]}"#,
        ))
        .unwrap();
    let school = state.school.as_ref().unwrap();
    assert_eq!(school.name, "国家开放大学");
    assert_eq!(school.category, "开放教育");
    assert_eq!(school.suggestions, vec!["国家开放大学", "XX大学"]);
}

// ---- events as JSON --------------------------------------------------------------------------

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn events_are_type_tagged_json() {
    for kind in EventKind::ALL {
        let json = serde_json::to_value(sample(kind)).unwrap();
        assert_eq!(json["type"], kind.name());
        assert_eq!(Event::from_json(&json.to_string()).unwrap(), sample(kind));
        assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
    }
    assert_eq!(e(r#"{"type":"submitted"}"#), Event::Submitted);
    for bad in [
        r#"{"type":"teleported"}"#,
        r#"{"type":"signed_in"}"#,
        r#"{"type":"signed_in","session":"s","sesion":"typo"}"#,
        r#"{"type":"last4_entered","last4":1234}"#,
        r#"{"session":"s"}"#,
        "not json",
    ] {
        let err = Event::from_json(bad).unwrap_err();
        assert_eq!(err.code(), "flow.event_invalid", "{bad}");
        assert!(!err.message_en().contains("1234"), "{}", err.message_en());
    }
    let err = Event::from_json(r#"{"type":"signed_in"}"#).unwrap_err();
    assert!(
        err.message_en().contains("missing field `session`"),
        "{}",
        err.message_en()
    );
}

// ---- save and resume -------------------------------------------------------------------------

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn save_and_resume_round_trip_at_every_stage() {
    let mut flow = Flow::new(Some(10));
    let all: Vec<EventKind> = TO_PAID
        .iter()
        .chain(PAID_TO_REVIEW)
        .chain(&[
            EventKind::ReviewRejected,
            EventKind::PhotoCaptured,
            EventKind::PrecheckCompleted,
            EventKind::Standardised,
            EventKind::Submitted,
            EventKind::UploadSucceeded,
            EventKind::ReviewApproved,
            EventKind::Published,
        ])
        .copied()
        .collect();
    for kind in std::iter::once(None).chain(all.into_iter().map(Some)) {
        if let Some(kind) = kind {
            flow.apply(sample(kind)).unwrap();
        }
        let saved = flow.save().unwrap();
        let json: serde_json::Value = serde_json::from_str(&saved).unwrap();
        assert_eq!(json["schema_version"], SCHEMA_VERSION);
        assert_eq!(json["state"]["stage"], flow.stage().name());
        assert_eq!(Flow::resume(&saved).unwrap(), flow, "{saved}");
    }
}

fn saved_at(kinds: &[&[EventKind]]) -> serde_json::Value {
    serde_json::from_str(&at(Some(10), kinds).save().unwrap()).unwrap()
}

fn resume_code(json: &serde_json::Value) -> &'static str {
    match Flow::resume(&json.to_string()) {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn tampered_or_foreign_saves_are_refused() {
    let good = saved_at(&[TO_PAID, PAID_TO_REVIEW]);
    assert_eq!(resume_code(&good), "ok");
    let tamper = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = good.clone();
        f(&mut v);
        resume_code(&v)
    };
    // Versions.
    assert_eq!(
        tamper(&|v| v["schema_version"] = 2.into()),
        "flow.schema_unsupported"
    );
    assert_eq!(
        tamper(&|v| v["schema_version"] = 0.into()),
        "flow.schema_unsupported"
    );
    assert_eq!(
        tamper(&|v| v["schema_version"] = "1".into()),
        "flow.schema_unsupported"
    );
    assert_eq!(
        tamper(&|v| {
            v.as_object_mut().unwrap().remove("schema_version");
        }),
        "flow.schema_unsupported"
    );
    let err = Flow::resume(r#"{"schema_version":7,"state":{}}"#).unwrap_err();
    assert_eq!(
        err,
        FlowError::SchemaUnsupported {
            found: Some(7),
            supported: SCHEMA_VERSION
        }
    );
    assert!(err.message_en().contains('7'));
    // Inconsistent states.
    for (what, f) in [
        (
            "submitted without payment",
            &(|v: &mut serde_json::Value| {
                v["state"]["stage"] = "submitted".into();
                v["state"]["paid"] = false.into();
            }) as &dyn Fn(&mut serde_json::Value),
        ),
        ("paid flag without the stage", &|v| {
            v["state"]["stage"] = "eligibility_shown".into();
        }),
        ("under review without a standardised photo", &|v| {
            v["state"]["standardised"] = serde_json::Value::Null;
        }),
        ("counter over the limit", &|v| {
            v["state"]["prechecks"]["used"] = 11.into();
        }),
        ("negative counter", &|v| {
            v["state"]["prechecks"]["used"] = (-1).into()
        }),
        ("unverified record", &|v| {
            v["state"]["last4_verified"] = false.into()
        }),
        ("a last-4 field", &|v| v["state"]["last4"] = "1234".into()),
        ("unknown top-level field", &|v| v["extra"] = 1.into()),
        ("unknown stage", &|v| v["state"]["stage"] = "hacked".into()),
        ("school not normalised", &|v| {
            v["state"]["school"]["name"] = "ＡＢＣ".into();
        }),
        ("image bytes as a photo", &|v| {
            v["state"]["photo"] = "data:image/jpeg;base64,/9j/4AAQ".into();
        }),
        ("inconsistent check", &|v| {
            v["state"]["check"]["verdict"] = "fail".into();
        }),
        ("rejection reason outside rejection", &|v| {
            v["state"]["rejection"] = "x".into();
        }),
        ("empty session", &|v| v["state"]["session"] = "".into()),
        ("state missing", &|v| {
            v.as_object_mut().unwrap().remove("state");
        }),
    ] {
        assert_eq!(tamper(f), "flow.state_invalid", "{what}");
    }
    for junk in ["", "null", "[]", "{", "1", "\"x\"", &"[".repeat(10_000)] {
        let code = Flow::resume(junk)
            .map(|_| "ok")
            .unwrap_or_else(|e| e.code());
        assert!(
            code == "flow.state_invalid" || code == "flow.schema_unsupported",
            "{junk:.20}: {code}"
        );
    }
    let huge = format!(
        r#"{{"schema_version":1,"state":{{"stage":"signed_in","session":"{}"}}}}"#,
        "s".repeat(300_000)
    );
    assert_eq!(
        Flow::resume(&huge).unwrap_err().code(),
        "flow.state_invalid"
    );
    // Errors on resume never echo the saved values.
    let mut v = good.clone();
    v["state"]["record"] = 12345678.into();
    let err = Flow::resume(&v.to_string()).unwrap_err();
    assert!(
        !err.message_en().contains("12345678"),
        "{}",
        err.message_en()
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_error_has_a_code_and_both_messages() {
    let errors = [
        FlowError::WrongOrder {
            event: EventKind::Submitted,
            stage: Stage::Paid,
        },
        FlowError::Locked {
            event: EventKind::PhotoCaptured,
        },
        FlowError::NotPaid {
            event: EventKind::PhotoCaptured,
        },
        validate_last4("1").unwrap_err(),
        Flow::new(None)
            .apply(Event::SignedIn {
                session: String::new(),
            })
            .unwrap_err(),
        FlowError::PrecheckLimit { limit: 10 },
        FlowError::PrecheckRequired,
        Flow::resume("{}").unwrap_err(),
        Flow::resume("[").unwrap_err(),
        Event::from_json("{}").unwrap_err(),
        check_code("https://u.wechat.com/x").unwrap_err(),
        FlowError::StandardisedFailed {
            failing: vec!["geometry.crown".into()],
        },
    ];
    let mut codes: Vec<&str> = errors.iter().map(|e| e.code()).collect();
    for e in &errors {
        assert!(e.code().starts_with("flow."));
        assert!(e.message_zh().ends_with('。'), "{}", e.message_zh());
        assert!(e.message_en().ends_with('.'), "{}", e.message_en());
        let info = serde_json::to_value(e.info()).unwrap();
        assert_eq!(info["code"], e.code());
        assert_eq!(info["message_zh"], e.message_zh());
    }
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 12, "{codes:?}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn only_what_can_be_a_collection_code_is_taken_and_it_is_shown_masked() {
    for code in [
        "GP1-2026-000001",
        "eyJ2IjoxLCJjIjoiQTFiMiJ9.q7Zx_-8w==",
        "https://my.chsi.com.cn/xz?c=Q1xK9opaque",
    ] {
        assert_eq!(check_code(code), Ok(()), "{code}");
    }
    let look = |code: &str| match check_code(code) {
        Err(FlowError::NotACode { looks_like }) => Some(looks_like),
        _ => None,
    };
    assert_eq!(look("https://u.wechat.com/EHz8Qk"), Some(CodeLook::Link));
    assert_eq!(look("wxp://f2f0abcdefghijkl"), Some(CodeLook::Link));
    assert_eq!(look("http://my.chsi.com.cn/xz?c=1"), Some(CodeLook::Link));
    assert_eq!(
        look("https://chsi.com.cn.evil.example/x"),
        Some(CodeLook::Link)
    );
    assert_eq!(look("张三 13800000000"), Some(CodeLook::Text));
    assert_eq!(look("hello world, this is a note"), Some(CodeLook::Text));
    assert_eq!(look("12345"), Some(CodeLook::TooShort));
    // Refused at the step, with the flow unchanged and the reason in Chinese.
    let mut flow = at(None, &[&[EventKind::SignedIn, EventKind::SchoolEntered]]);
    let err = refused(
        &mut flow,
        Event::CodeRecognised {
            code: "wxp://f2f0abcdefghijkl".into(),
        },
    );
    assert_eq!(err.code(), "flow.not_a_code");
    assert!(err.message_zh().contains("网址"), "{}", err.message_zh());
    assert_eq!(mask_code("GP1-2026-000001"), "GP1…0001");
    assert_eq!(mask_code("short"), "•••••");
}

// ---- property tests (native) -----------------------------------------------------------------

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use gradphoto::flow::State;
    use proptest::prelude::*;

    /// Events of every kind, with data that is sometimes invalid.
    fn any_event() -> impl Strategy<Value = Event> {
        let kind = proptest::sample::select(EventKind::ALL.to_vec());
        let last4 = proptest::sample::select(vec![
            "1234",
            "123x",
            "456(7)",
            "12345",
            "12a4",
            "(7)",
            "",
            "９８７Ｘ",
        ]);
        let photo = proptest::sample::select(vec!["p1", "sha256:ff", "", "has space", "p2"]);
        let text = proptest::sample::select(vec![
            "学校",
            "ＡＢＣ　大学",
            "  ",
            "x\u{1}y",
            "s",
            "GP1-2026-000001",
        ]);
        let summary = prop_oneof![
            Just(pass()),
            Just(fail(&["geometry.crown"])),
            Just(CheckSummary {
                verdict: CheckVerdict::Fail,
                failing: vec![],
            }),
        ];
        (kind, last4, photo, text, summary).prop_map(|(kind, last4, photo, text, summary)| {
            let text = text.to_string();
            match kind {
                EventKind::SignedIn => Event::SignedIn { session: text },
                EventKind::SessionRenewed => Event::SessionRenewed { session: text },
                EventKind::SchoolEntered => Event::SchoolEntered {
                    name: text.clone(),
                    category: text,
                    suggestions: vec!["ＡＢＣ".into(), "".into()],
                    eligible: None,
                },
                EventKind::CodeRecognised => Event::CodeRecognised { code: text },
                EventKind::Last4Entered => Event::Last4Entered {
                    last4: last4.into(),
                },
                EventKind::RecordShown => Event::RecordShown { record: text },
                EventKind::PaymentStarted => Event::PaymentStarted { order: text },
                EventKind::PhotoCaptured => Event::PhotoCaptured {
                    photo: photo.into(),
                },
                EventKind::PrecheckCompleted => Event::PrecheckCompleted { summary },
                EventKind::Standardised => Event::Standardised {
                    photo: photo.into(),
                    check: pass(),
                },
                EventKind::ReviewRejected => Event::ReviewRejected { reason: text },
                other => sample(other),
            }
        })
    }

    /// One step of a random run, decided against the live state so that runs reach every stage:
    /// half the time the furthest event the flow offers now, often another offered one (all with
    /// valid data), otherwise an arbitrary event with possibly invalid data.
    #[derive(Debug, Clone)]
    struct Step {
        roll: u8,
        pick: prop::sample::Index,
        other: Event,
    }

    fn any_run() -> impl Strategy<Value = Vec<Step>> {
        let step = (0u8..10, any::<prop::sample::Index>(), any_event())
            .prop_map(|(roll, pick, other)| Step { roll, pick, other });
        proptest::collection::vec(step, 0..80)
    }

    impl Step {
        fn event(&self, flow: &Flow) -> Event {
            let offered = flow.allowed().events;
            match (self.roll, offered.last()) {
                (0..=4, Some(&furthest)) => sample(furthest),
                (5..=7, Some(_)) => sample(offered[self.pick.index(offered.len())]),
                _ => self.other.clone(),
            }
        }
    }

    /// The flow after a random run.
    fn drive(limit: Option<u32>, steps: &[Step]) -> Flow {
        let mut flow = Flow::new(limit);
        for step in steps {
            let _ = flow.apply(step.event(&flow));
        }
        flow
    }

    /// The properties every reached state holds, beyond `validate`.
    fn check_reached(state: &State) {
        if state.stage >= Stage::Submitted {
            assert!(state.paid && state.standardised.is_some());
        }
        if state.stage >= Stage::Captured {
            assert!(state.paid);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn random_runs_stay_valid(limit in proptest::option::of(0u32..4), steps in any_run()) {
            let mut flow = Flow::new(limit);
            for step in steps {
                let event = step.event(&flow);
                let before = flow.clone();
                let kind = event.kind();
                let stage = flow.stage();
                match flow.apply(event) {
                    Ok(state) => {
                        let state = state.clone();
                        flow.validate().unwrap();
                        check_reached(&state);
                        // Nothing is uploaded or submitted before payment.
                        if matches!(kind, EventKind::Submitted | EventKind::UploadSucceeded | EventKind::PhotoCaptured) {
                            prop_assert!(before.state().paid);
                        }
                        // After approval only the session and the publication move.
                        if stage.is_locked() {
                            let mut a = before.state().clone();
                            let mut b = state.clone();
                            a.session = None;
                            b.session = None;
                            a.stage = Stage::Approved;
                            b.stage = Stage::Approved;
                            prop_assert_eq!(a, b);
                            prop_assert!(state.stage.is_locked());
                        }
                        prop_assert_eq!(&Flow::resume(&flow.save().unwrap()).unwrap(), &flow);
                    }
                    Err(err) => {
                        prop_assert_eq!(&flow, &before, "{} changed the state", err.code());
                        prop_assert!(err.code() != "flow.state_invalid", "internal: {}", err);
                        if stage.is_locked() && !matches!(kind, EventKind::SessionRenewed | EventKind::Published) {
                            prop_assert_eq!(err.code(), "flow.locked");
                        }
                        if kind.needs_payment() && !before.state().paid {
                            prop_assert_eq!(err.code(), "flow.not_paid");
                        }
                    }
                }
                // allowed() agrees with the guard.
                let allowed = flow.allowed();
                for k in EventKind::ALL {
                    prop_assert_eq!(allowed.events.contains(&k), flow.accepts(k).is_ok());
                }
            }
        }

        #[test]
        fn tampered_saves_are_refused_or_valid(
            steps in any_run(),
            edits in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..4, any::<char>()), 1..4),
        ) {
            let flow = drive(Some(3), &steps);
            let mut chars: Vec<char> = flow.save().unwrap().chars().collect();
            for (at, op, c) in edits {
                if chars.is_empty() {
                    break;
                }
                let i = at.index(chars.len());
                match op {
                    0 => chars[i] = c,
                    1 => { chars.remove(i); }
                    2 => chars.insert(i, c),
                    // Swap a digit or a letter for a neighbouring one, the likeliest hand edit.
                    _ => chars[i] = match chars[i] {
                        d @ '0'..='8' => char::from_u32(d as u32 + 1).unwrap_or('0'),
                        '9' => '0',
                        l if l.is_ascii_lowercase() => l.to_ascii_uppercase(),
                        _ => '9',
                    },
                }
            }
            let json: String = chars.into_iter().collect();
            match Flow::resume(&json) {
                Ok(resumed) => prop_assert!(resumed.validate().is_ok()),
                Err(err) => prop_assert!(
                    matches!(err.code(), "flow.state_invalid" | "flow.schema_unsupported"),
                    "{}", err.code()
                ),
            }
        }

        #[test]
        fn tampered_values_are_refused_or_valid(
            steps in any_run(),
            field in proptest::sample::select(vec![
                "stage", "session", "school", "code", "last4_verified", "record", "order", "paid",
                "prechecks", "photo", "check", "standardised", "rejection",
            ]),
            value in prop_oneof![
                Just(serde_json::Value::Null),
                any::<bool>().prop_map(serde_json::Value::from),
                any::<i64>().prop_map(serde_json::Value::from),
                "[a-z_]{0,12}".prop_map(serde_json::Value::from),
                proptest::sample::select(vec![
                    serde_json::json!({"used": 99, "limit": 3}),
                    serde_json::json!({"used": 0, "limit": null}),
                    serde_json::json!({"verdict": "pass", "failing": []}),
                    serde_json::json!({"name": "ＡＢ", "category": "x"}),
                    serde_json::json!("approved"),
                    serde_json::json!("submitted"),
                ]),
            ],
        ) {
            let flow = drive(Some(3), &steps);
            let mut json: serde_json::Value = serde_json::from_str(&flow.save().unwrap()).unwrap();
            json["state"][field] = value;
            match Flow::resume(&json.to_string()) {
                Ok(resumed) => {
                    prop_assert!(resumed.validate().is_ok());
                    check_reached(resumed.state());
                }
                Err(err) => prop_assert_eq!(err.code(), "flow.state_invalid"),
            }
        }

        #[test]
        fn input_functions_never_panic(s in "\\PC{0,20}|[0-9xX()（） 　]{0,8}") {
            let n = normalise_school_name(&s);
            prop_assert_eq!(normalise_school_name(&n), n.clone());
            prop_assert!(!n.starts_with(' ') && !n.ends_with(' ') && !n.contains("  "));
            let full_width = |c: char| ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}';
            prop_assert!(!n.chars().any(full_width));
            match validate_last4(&s) {
                Ok(l) => {
                    let b = l.as_str().as_bytes();
                    prop_assert_eq!(b.len(), 4);
                    prop_assert!(b[..3].iter().all(u8::is_ascii_digit));
                    prop_assert!(b[3].is_ascii_digit() || b[3] == b'X' || b[3] == b'A');
                    // Canonical form is a fixed point.
                    prop_assert_eq!(validate_last4(l.as_str()).unwrap(), l);
                }
                Err(err) => prop_assert_eq!(err.code(), "flow.invalid_last4"),
            }
        }
    }
}

/// The school the server found no record for stops the flow before the code (the mismatch would
/// otherwise come only after the code and last 4 were typed); picking the suggestion moves on, and
/// a code already scanned stays.
#[test]
fn an_unmatched_school_stops_before_the_code_and_a_suggestion_moves_on() {
    let mut flow = Flow::new(None);
    flow.apply(Event::SignedIn {
        session: "s".into(),
    })
    .unwrap();
    flow.apply(Event::SchoolEntered {
        name: "国家开发大学".into(),
        category: "开放教育".into(),
        suggestions: vec!["国家开放大学".into()],
        eligible: Some(false),
    })
    .unwrap();
    assert!(!flow.allowed().can_scan_code);
    assert!(flow.allowed().can_enter_school);
    let err = refused(
        &mut flow,
        Event::CodeRecognised {
            code: "GP1-2026-000001".into(),
        },
    );
    assert_eq!(err.code(), "flow.school_unmatched");
    assert!(err.message_zh().contains("您是否要找"));
    assert_eq!(flow.state().school.as_ref().unwrap().eligible, Some(false));

    // The suggestion picked: the code step opens.
    flow.apply(Event::SchoolEntered {
        name: "国家开放大学".into(),
        category: "开放教育".into(),
        suggestions: vec![],
        eligible: Some(true),
    })
    .unwrap();
    assert!(flow.allowed().can_scan_code);
    flow.apply(Event::CodeRecognised {
        code: "GP1-2026-000001".into(),
    })
    .unwrap();

    // A typo after the code: the code stays, the last 4 waits for a matching school.
    flow.apply(Event::SchoolEntered {
        name: "国家开放大".into(),
        category: "开放教育".into(),
        suggestions: vec!["国家开放大学".into()],
        eligible: Some(false),
    })
    .unwrap();
    assert_eq!(flow.state().code.as_deref(), Some("GP1-2026-000001"));
    assert!(!flow.allowed().can_enter_last4);
    assert_eq!(
        refused(&mut flow, sample(EventKind::Last4Entered)).code(),
        "flow.school_unmatched"
    );

    // Not asked (offline): nothing is held back, the server's verification decides.
    flow.apply(school("国家开放大", "开放教育")).unwrap();
    assert!(flow.allowed().can_enter_last4);

    // Saved and resumed, the answer is kept.
    flow.apply(Event::SchoolEntered {
        name: "国家开发大学".into(),
        category: "开放教育".into(),
        suggestions: vec![],
        eligible: Some(false),
    })
    .unwrap();
    let resumed = Flow::resume(&flow.save().unwrap()).unwrap();
    assert!(!resumed.allowed().can_enter_last4);
}
