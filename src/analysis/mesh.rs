//! Named indices into MediaPipe's 468-point face mesh (its published topology). The subject's
//! right is on the image's left.

pub const RIGHT_EYE_OUTER: usize = 33;
pub const RIGHT_EYE_INNER: usize = 133;
pub const RIGHT_EYE_UPPER: usize = 159;
pub const RIGHT_EYE_LOWER: usize = 145;
pub const LEFT_EYE_OUTER: usize = 263;
pub const LEFT_EYE_INNER: usize = 362;
pub const LEFT_EYE_UPPER: usize = 386;
pub const LEFT_EYE_LOWER: usize = 374;
pub const RIGHT_EYE_CONTOUR: [usize; 16] = [
    33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246,
];
pub const LEFT_EYE_CONTOUR: [usize; 16] = [
    263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466,
];
pub const RIGHT_BROW: [usize; 10] = [70, 63, 105, 66, 107, 55, 65, 52, 53, 46];
pub const LEFT_BROW: [usize; 10] = [336, 296, 334, 293, 300, 276, 283, 282, 295, 285];
pub const MOUTH_RIGHT: usize = 61;
pub const MOUTH_LEFT: usize = 291;
pub const LIP_INNER_UPPER: usize = 13;
pub const LIP_INNER_LOWER: usize = 14;
pub const LIP_OUTER_UPPER: usize = 0;
pub const LIP_OUTER_LOWER: usize = 17;
/// Cheek-to-cheek: the widest points of the face oval at cheekbone height.
pub const CHEEK_RIGHT: usize = 234;
pub const CHEEK_LEFT: usize = 454;
/// The face outline at the jaw's angle, just in front of the earlobes.
pub const JAW_RIGHT: usize = 132;
pub const JAW_LEFT: usize = 361;
pub const CHIN: usize = 152;
pub const FOREHEAD_TOP: usize = 10;
pub const NOSE_TIP: usize = 1;
/// The face outline, clockwise from the top of the forehead.
pub const FACE_OVAL: [usize; 36] = [
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152,
    148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
];
