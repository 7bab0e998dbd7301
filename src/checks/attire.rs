//! What the person wears on the head, face and shoulders, and whether ears and forehead show: one
//! rule module each (`glasses`, `head_covering`, `jewellery`, `ears`, `forehead`, `neckline`,
//! `collar`, `makeup`, `lenses`). The cheeks' skin colour they compare with is taken here once
//! for all of them.

use super::face_frame::FaceFrame;
use super::Context;
use super::RuleResult;
use crate::error::Result;

pub(crate) fn run(ctx: &Context, out: &mut Vec<RuleResult>) -> Result<()> {
    let skin = match (ctx.face, &ctx.regions) {
        (Some(face), Some(map)) => FaceFrame::new(face).cheek_skin(ctx, map),
        _ => None,
    };
    super::glasses::run(ctx, out);
    super::head_covering::run(ctx, skin, out);
    super::jewellery::run(ctx, skin, out)?;
    super::ears::run(ctx, skin, out);
    super::forehead::run(ctx, skin, out);
    super::neckline::run(ctx, skin, out);
    super::collar::run(ctx, skin, out);
    super::makeup::run(ctx, skin, out);
    super::lenses::run(ctx, out);
    Ok(())
}
