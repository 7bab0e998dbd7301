//! eyes.coloured_lenses: cosmetic "circle" lenses (美瞳), which the guide forbids. Reported as
//! `not_evaluated`, with a reminder to the graduate, because no measure tried tells a lens from a
//! natural iris on real photos. Eye colour is never judged.
//!
//! Tried on the labelled real portraits (`../shared/portraits`), each also with both irises
//! enlarged 1.2× in place inside the eye opening (what a typical circle lens does):
//! - iris diameter from MediaPipe's iris-landmark model over the eye's corner-to-corner width:
//!   0.30–0.49 on 55 natural photos (spread 7 %), but it follows the enlargement by only 4 % on
//!   average (the model leans on its prior of iris size; Grace Hopper's narrowed eyes read 0.36,
//!   then 0.35 with irises enlarged 1.5×);
//! - the dark disc's width in the pixels (the strongest dark-to-light step on each side of the
//!   model's centre): follows the enlargement by 13 % but spreads 23 % over natural photos (low
//!   resolution, dark faces, sunglasses);
//! - that width over the model's diameter: 0.94–1.12 on most natural photos, 1.04–1.20
//!   enlarged, outliers both ways.
//!
//! None can warn without false alarms, so the rule says it was not checked; the 1.2 MB model
//! was not added.

use super::{no_single_face, not_evaluated, Context, RuleResult};

const ID: &str = "eyes.coloured_lenses";
const UNIT: &str = "";

pub(super) fn run(ctx: &Context, out: &mut Vec<RuleResult>) {
    if ctx.face.is_none() {
        out.push(no_single_face(ID, UNIT));
        return;
    }
    out.push(not_evaluated(
        ID,
        UNIT,
        "是否佩戴美瞳无法从照片可靠判断，未自动检查：请确认拍照时没有佩戴美瞳。",
        "Coloured (circle) lenses cannot be told reliably from a photo and were not checked: make sure you wear none.",
    ));
}
