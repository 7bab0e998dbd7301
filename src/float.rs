//! `f32` minimum and maximum as one comparison each. In WebAssembly `f32::min` and `f32::max`
//! are calls to libm's `fminf` and `fmaxf` (the `f32.min` instruction treats NaN and signed zeros
//! differently), which costs milliseconds in loops over every pixel. Pixel values are never NaN,
//! and for every other pair of values these return what `fminf` and `fmaxf` do.

/// The smaller of `a` and `b` (`b` when they compare equal), as `fminf` gives it.
#[inline]
pub fn min(a: f32, b: f32) -> f32 {
    if a < b {
        a
    } else {
        b
    }
}

/// The larger of `a` and `b` (`a` when they compare equal), as `fmaxf` gives it.
#[inline]
pub fn max(a: f32, b: f32) -> f32 {
    if a < b {
        b
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agree_with_the_standard_library_but_for_nan() {
        let values = [
            -f32::INFINITY,
            -3.5,
            -1.0,
            -0.0,
            0.0,
            f32::MIN_POSITIVE,
            0.25,
            1.0,
            255.0,
            f32::MAX,
            f32::INFINITY,
        ];
        for a in values {
            for b in values {
                assert_eq!(min(a, b), a.min(b), "min({a}, {b})");
                assert_eq!(max(a, b), a.max(b), "max({a}, {b})");
            }
        }
    }
}
