//! Mean filters over float planes, the building block of the guided filter and of the local colour
//! estimates. Running sums make the cost independent of the radius.

/// A single-channel float image, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Plane {
    pub width: usize,
    pub height: usize,
    pub data: Vec<f32>,
}

impl Plane {
    pub fn new(width: usize, height: usize, data: Vec<f32>) -> Plane {
        debug_assert_eq!(data.len(), width * height);
        Plane {
            width,
            height,
            data,
        }
    }

    pub fn map2(&self, other: &Plane, f: impl Fn(f32, f32) -> f32) -> Plane {
        Plane::new(
            self.width,
            self.height,
            self.data
                .iter()
                .zip(&other.data)
                .map(|(a, b)| f(*a, *b))
                .collect(),
        )
    }

    /// The mean over a `(2r+1)²` window, the window cut at the edges (so the mean is over the
    /// pixels that exist, not zero-padded).
    pub fn box_mean(&self, r: usize) -> Plane {
        let rows = mean_rows(&self.data, self.width, r);
        Plane::new(
            self.width,
            self.height,
            mean_columns(&rows, self.width, self.height, r),
        )
    }

    /// Shrink by an integer factor, averaging each `f × f` block (partial blocks at the edges).
    pub fn shrink(&self, f: usize) -> Plane {
        let (w, h) = (self.width.div_ceil(f), self.height.div_ceil(f));
        let mut sum = vec![0.0f32; w * h];
        for y in 0..self.height {
            let row = &self.data[y * self.width..(y + 1) * self.width];
            let out = &mut sum[(y / f) * w..(y / f + 1) * w];
            for (o, chunk) in out.iter_mut().zip(row.chunks(f)) {
                for v in chunk {
                    *o += v;
                }
            }
        }
        Plane::block_means(sum, self.width, self.height, f)
    }

    /// `shrink` of `values` (or of 1: the share) where `keep` holds for this plane's pixel and
    /// of 0 elsewhere, without making that plane: the weighted sums the local colour estimates
    /// need, the weight being a test on the matte.
    pub fn shrink_kept(
        &self,
        keep: impl Fn(f32) -> bool,
        values: Option<&Plane>,
        f: usize,
    ) -> Plane {
        let (w, h) = (self.width.div_ceil(f), self.height.div_ceil(f));
        let mut sum = vec![0.0f32; w * h];
        for y in 0..self.height {
            let row = &self.data[y * self.width..(y + 1) * self.width];
            let out = &mut sum[(y / f) * w..(y / f + 1) * w];
            let values = values.map(|v| &v.data[y * self.width..(y + 1) * self.width]);
            for (bx, (o, chunk)) in out.iter_mut().zip(row.chunks(f)).enumerate() {
                for (i, a) in chunk.iter().enumerate() {
                    if keep(*a) {
                        *o += values.map_or(1.0, |v| v[bx * f + i]);
                    }
                }
            }
        }
        Plane::block_means(sum, self.width, self.height, f)
    }

    /// Block sums of a `width × height` plane shrunk by `f` into means.
    fn block_means(mut sum: Vec<f32>, width: usize, height: usize, f: usize) -> Plane {
        let (w, h) = (width.div_ceil(f), height.div_ceil(f));
        // Blocks on the last row and column may be partial.
        let span = |i: usize, n: usize| (n - i * f).min(f) as f32;
        for by in 0..h {
            for bx in 0..w {
                sum[by * w + bx] /= span(bx, width) * span(by, height);
            }
        }
        Plane::new(w, h, sum)
    }

    /// Bilinear upsampling of a plane made by `shrink(f)` back to `width × height`, sampling at
    /// block centres.
    pub fn expand(&self, f: usize, width: usize, height: usize) -> Plane {
        let up = Upsampler::new(f, self.width, self.height, width, height);
        let mut data = Vec::with_capacity(width * height);
        for y in 0..height {
            for x in 0..width {
                data.push(up.at(self, x, y));
            }
        }
        Plane::new(width, height, data)
    }
}

/// [`Plane::expand`]'s bilinear sampling, one pixel at a time: for loops that need the upsampled
/// value only at some pixels (the matte's transition band, the matte's soft edge), so the
/// full-size plane is never built.
pub struct Upsampler {
    xs: Vec<(usize, usize, f32)>,
    ys: Vec<(usize, usize, f32)>,
}

impl Upsampler {
    /// For planes of `small_w × small_h` made by `shrink(f)` from `width × height`.
    pub fn new(f: usize, small_w: usize, small_h: usize, width: usize, height: usize) -> Self {
        let taps = |n: usize, small: usize| -> Vec<(usize, usize, f32)> {
            (0..n)
                .map(|i| {
                    let g = ((i as f32 + 0.5) / f as f32 - 0.5).clamp(0.0, (small - 1) as f32);
                    let i0 = g.floor() as usize;
                    (i0, (i0 + 1).min(small - 1), g - i0 as f32)
                })
                .collect()
        };
        Upsampler {
            xs: taps(width, small_w),
            ys: taps(height, small_h),
        }
    }

    /// The upsampled value of `p` at full-size pixel `(x, y)`.
    #[inline]
    pub fn at(&self, p: &Plane, x: usize, y: usize) -> f32 {
        let (x0, x1, s) = self.xs[x];
        let (y0, y1, t) = self.ys[y];
        let (r0, r1) = (y0 * p.width, y1 * p.width);
        let top = p.data[r0 + x0] + (p.data[r0 + x1] - p.data[r0 + x0]) * s;
        let bottom = p.data[r1 + x0] + (p.data[r1 + x1] - p.data[r1 + x0]) * s;
        top + (bottom - top) * t
    }
}

/// Mean along each row with a window of `2r+1`, cut at the edges.
fn mean_rows(data: &[f32], width: usize, r: usize) -> Vec<f32> {
    if width == 0 {
        return Vec::new();
    }
    let mut out = vec![0.0f32; data.len()];
    let mut prefix = vec![0.0f64; width + 1];
    for (row, out) in data.chunks_exact(width).zip(out.chunks_exact_mut(width)) {
        for (i, v) in row.iter().enumerate() {
            prefix[i + 1] = prefix[i] + f64::from(*v);
        }
        for (i, o) in out.iter_mut().enumerate() {
            let (lo, hi) = (i.saturating_sub(r), (i + r + 1).min(width));
            *o = ((prefix[hi] - prefix[lo]) / (hi - lo) as f64) as f32;
        }
    }
    out
}

/// Columns at a time in [`mean_columns`]: their running sums stay in cache while the rows are
/// read in order (a column at a time strides across the whole plane).
const COLUMN_BLOCK: usize = 64;

/// Mean along each column with a window of `2r+1`, cut at the edges; each column's running sum
/// is the same as walking down it alone.
fn mean_columns(data: &[f32], width: usize, height: usize, r: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; data.len()];
    let mut prefix = vec![0.0f64; (height + 1) * COLUMN_BLOCK];
    for x0 in (0..width).step_by(COLUMN_BLOCK) {
        let n = COLUMN_BLOCK.min(width - x0);
        prefix[..n].fill(0.0);
        for y in 0..height {
            let row = &data[y * width + x0..y * width + x0 + n];
            let (above, below) = prefix.split_at_mut((y + 1) * COLUMN_BLOCK);
            let above = &above[y * COLUMN_BLOCK..y * COLUMN_BLOCK + n];
            for ((p, a), v) in below[..n].iter_mut().zip(above).zip(row) {
                *p = a + f64::from(*v);
            }
        }
        for y in 0..height {
            let (lo, hi) = (y.saturating_sub(r), (y + r + 1).min(height));
            let count = (hi - lo) as f64;
            let (top, bottom) = (&prefix[lo * COLUMN_BLOCK..], &prefix[hi * COLUMN_BLOCK..]);
            let out = &mut out[y * width + x0..y * width + x0 + n];
            for ((o, t), b) in out.iter_mut().zip(top).zip(bottom) {
                *o = ((b - t) / count) as f32;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_mean_of_a_constant_is_the_constant_and_of_a_step_is_a_ramp() {
        let flat = Plane::new(7, 5, vec![3.0; 35]);
        assert!(flat.box_mean(2).data.iter().all(|v| (v - 3.0).abs() < 1e-6));
        let step = Plane::new(8, 1, vec![0., 0., 0., 0., 1., 1., 1., 1.]);
        let m = step.box_mean(1).data;
        assert_eq!(m[0], 0.0);
        assert!((m[3] - 1.0 / 3.0).abs() < 1e-6 && (m[4] - 2.0 / 3.0).abs() < 1e-6);
        assert_eq!(m[7], 1.0);
    }

    #[test]
    fn column_means_in_blocks_are_each_column_walked_alone() {
        // Wider than a block and not a multiple of it, with an uneven pattern.
        let (w, h, r) = (COLUMN_BLOCK + 37, 23, 4);
        let data: Vec<f32> = (0..w * h)
            .map(|i| ((i * 7919) % 101) as f32 / 7.0)
            .collect();
        let blocked = mean_columns(&data, w, h, r);
        for x in 0..w {
            let column: Vec<f32> = (0..h).map(|y| data[y * w + x]).collect();
            let alone = mean_rows(&column, 1, 0);
            assert_eq!(alone, column, "a window of one is the value");
            let mut sums = vec![0.0f64; h + 1];
            for y in 0..h {
                sums[y + 1] = sums[y] + f64::from(column[y]);
            }
            for y in 0..h {
                let (lo, hi) = (y.saturating_sub(r), (y + r + 1).min(h));
                let want = ((sums[hi] - sums[lo]) / (hi - lo) as f64) as f32;
                assert_eq!(blocked[y * w + x], want, "({x}, {y})");
            }
        }
    }

    #[test]
    fn shrink_then_expand_keeps_smooth_ramps() {
        let ramp = Plane::new(16, 4, (0..64).map(|i| (i % 16) as f32).collect());
        let back = ramp.shrink(4).expand(4, 16, 4);
        for x in 2..14 {
            assert!(
                (back.data[x] - x as f32).abs() < 0.01,
                "{x}: {}",
                back.data[x]
            );
        }
    }
}
