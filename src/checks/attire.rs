//! What the person wears on the head and face: hats, jewellery, glasses; and whether ears and
//! forehead show. None of these is judged yet: the colour heuristics tried for head coverings
//! (top of the head against the hair at the temples) could not tell Grace Hopper's cap from the
//! astronaut's hair, so the rules say `not_evaluated` rather than guess.

use super::{not_evaluated, Context, RuleResult};

pub(crate) fn run(_ctx: &Context, out: &mut Vec<RuleResult>) {
    for (id, unit, zh, en) in [
        (
            "head.covering",
            "ΔE",
            "帽子/头饰检测尚未实现。",
            "Head-covering detection is not implemented yet.",
        ),
        (
            "accessories.jewellery",
            "count",
            "耳饰、项链检测尚未实现。",
            "Earring and necklace detection is not implemented yet.",
        ),
        (
            "glasses.tinted",
            "ΔL*",
            "眼镜检测尚未实现。",
            "Glasses detection is not implemented yet.",
        ),
        (
            "glasses.glare",
            "share",
            "眼镜检测尚未实现。",
            "Glasses detection is not implemented yet.",
        ),
        (
            "glasses.frame_over_eyes",
            "px",
            "眼镜检测尚未实现。",
            "Glasses detection is not implemented yet.",
        ),
        (
            "ears.visible",
            "ratio",
            "耳朵可见性检测尚未实现。",
            "Ear visibility is not implemented yet.",
        ),
        (
            "forehead.visible",
            "share",
            "额头遮挡检测尚未实现。",
            "Forehead visibility is not implemented yet.",
        ),
    ] {
        out.push(not_evaluated(id, unit, zh, en));
    }
}
