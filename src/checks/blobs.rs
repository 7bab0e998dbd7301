//! Connected sets of pixels (8-neighbours) in a plane of `width × height`: the highlight blobs of
//! the jewellery rule, and the glyph parts and text lines of the watermark rule.

/// One connected set: its box (inclusive, in plane pixels) and its pixel indices.
pub(super) struct Blob {
    pub x0: usize,
    pub y0: usize,
    pub x1: usize,
    pub y1: usize,
    pub pixels: Vec<usize>,
}

impl Blob {
    pub fn width(&self) -> usize {
        self.x1 - self.x0 + 1
    }

    pub fn height(&self) -> usize {
        self.y1 - self.y0 + 1
    }

    /// The larger side of the box.
    pub fn extent(&self) -> usize {
        self.width().max(self.height())
    }

    pub fn area(&self) -> usize {
        self.pixels.len()
    }
}

/// The 8-connected sets of the pixels `i` where `on(i)` holds, in the order of their first pixel
/// (row by row).
pub(super) fn blobs(width: usize, height: usize, on: impl Fn(usize) -> bool) -> Vec<Blob> {
    let mut seen = vec![false; width * height];
    let mut found = Vec::new();
    let mut stack = Vec::new();
    for start in 0..width * height {
        if seen[start] || !on(start) {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let mut blob = Blob {
            x0: start % width,
            y0: start / width,
            x1: start % width,
            y1: start / width,
            pixels: Vec::new(),
        };
        while let Some(i) = stack.pop() {
            let (x, y) = (i % width, i / width);
            (blob.x0, blob.x1) = (blob.x0.min(x), blob.x1.max(x));
            (blob.y0, blob.y1) = (blob.y0.min(y), blob.y1.max(y));
            blob.pixels.push(i);
            for ny in y.saturating_sub(1)..=(y + 1).min(height - 1) {
                for nx in x.saturating_sub(1)..=(x + 1).min(width - 1) {
                    let j = ny * width + nx;
                    if !seen[j] && on(j) {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        found.push(blob);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_eight_connected() {
        // A diagonal pair (one blob) and a lone pixel; the rest is off.
        let (w, h) = (6, 4);
        let mut on = vec![false; w * h];
        on[w + 1] = true;
        on[2 * w + 2] = true;
        on[3 * w + 5] = true;
        let found = blobs(w, h, |i| on[i]);
        assert_eq!(found.len(), 2);
        assert_eq!(
            (found[0].x0, found[0].y0, found[0].extent(), found[0].area()),
            (1, 1, 2, 2)
        );
        assert_eq!((found[1].x0, found[1].y0, found[1].extent()), (5, 3, 1));
    }
}
