//! Any text → a saved flow state, then any lines of it → events. `Flow::resume` either refuses
//! with a typed `flow.*` error or gives a state that holds every invariant; every event either
//! moves it to another valid state or is refused with the state unchanged; what is saved
//! resumes equal; nothing is ever uploaded before payment or changed after approval.
#![no_main]

use gradphoto::flow::{Event, Flow, Stage};
use libfuzzer_sys::fuzz_target;

fn start(saved: &str) -> Flow {
    match Flow::resume(saved) {
        Ok(flow) => {
            flow.state().validate().expect("resume accepted an invalid state");
            flow
        }
        Err(e) => {
            assert!(e.code().starts_with("flow."), "untyped error {}", e.code());
            Flow::new(Some(10))
        }
    }
}

fuzz_target!(|text: &str| {
    let mut lines = text.split('\n');
    let mut flow = start(lines.next().unwrap_or_default());
    for line in lines {
        let event = match Event::from_json(line) {
            Ok(event) => event,
            Err(e) => {
                assert_eq!(e.code(), "flow.event_invalid");
                continue;
            }
        };
        let before = flow.state().clone();
        let kind = event.kind();
        match flow.apply(event) {
            Ok(state) => {
                state.validate().expect("a transition reached an invalid state");
                if before.stage.is_locked() {
                    // Locked: only a session renewal or publication is accepted, and the photo
                    // stays what was approved.
                    assert!(matches!(kind.name(), "session_renewed" | "published"));
                    assert!(state.stage.is_locked());
                    assert_eq!((&state.photo, &state.standardised), (&before.photo, &before.standardised));
                }
                if state.stage >= Stage::UnderReview {
                    assert!(state.paid, "under review without payment");
                }
            }
            Err(e) => {
                assert!(e.code().starts_with("flow."));
                assert_eq!(flow.state(), &before, "a refused event changed the state");
            }
        }
        let saved = flow.save().expect("save");
        assert_eq!(Flow::resume(&saved).expect("resume what was saved").state(), flow.state());
    }
});
