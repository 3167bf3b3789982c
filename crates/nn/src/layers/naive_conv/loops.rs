//! The direct loops of the book's first convolution layer (§6.2.3, `Conv`): every output is a
//! sum over its receptive field, and the backward pass walks the same loops, sending each
//! output gradient back to the inputs and weights that made the output.

use scalpel_tensor::Float;

/// Sizes of one convolution: input `(n, c, h, w)`, weight `(f, c, kh, kw)`, output
/// `(n, f, oh, ow)`, stride and zero padding.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Geometry {
    pub n: usize,
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub f: usize,
    pub kh: usize,
    pub kw: usize,
    pub oh: usize,
    pub ow: usize,
    pub stride: (usize, usize),
    pub padding: (usize, usize),
}

impl Geometry {
    /// The input row (or column) that kernel tap `k` of output position `o` reads along an axis
    /// with this stride and padding, or `None` when it falls in the zero padding.
    fn tap(o: usize, k: usize, stride: usize, padding: usize, len: usize) -> Option<usize> {
        (o * stride + k).checked_sub(padding).filter(|&i| i < len)
    }

    /// Calls `visit(x_index, w_index)` for every tap of output `(f, oh_i, ow_i)` of image `n`
    /// that reads the input (taps in the padding read zeros and are skipped).
    fn for_each_tap(
        &self,
        n: usize,
        f: usize,
        oh_i: usize,
        ow_i: usize,
        mut visit: impl FnMut(usize, usize),
    ) {
        for c in 0..self.c {
            for i in 0..self.kh {
                let Some(row) = Self::tap(oh_i, i, self.stride.0, self.padding.0, self.h) else {
                    continue;
                };
                for j in 0..self.kw {
                    let Some(col) = Self::tap(ow_i, j, self.stride.1, self.padding.1, self.w)
                    else {
                        continue;
                    };
                    let x_index = ((n * self.c + c) * self.h + row) * self.w + col;
                    let w_index = ((f * self.c + c) * self.kh + i) * self.kw + j;
                    visit(x_index, w_index);
                }
            }
        }
    }

    /// Calls `visit(n, f, oh, ow, out_index)` for every output element, in row-major order.
    fn for_each_output(&self, mut visit: impl FnMut(usize, usize, usize, usize, usize)) {
        let mut out_index = 0;
        for n in 0..self.n {
            for f in 0..self.f {
                for oh_i in 0..self.oh {
                    for ow_i in 0..self.ow {
                        visit(n, f, oh_i, ow_i, out_index);
                        out_index += 1;
                    }
                }
            }
        }
    }
}

/// Forward pass: `y[n, f, oh, ow] = b[f] + Σ_{c,i,j} x[n, c, oh·s + i − p, ow·s + j − p] ·
/// w[f, c, i, j]`, with `x`, `w` and the result row-major.
pub(crate) fn forward<T: Float>(g: &Geometry, x: &[T], w: &[T], b: Option<&[T]>) -> Vec<T> {
    let mut y = vec![T::zero(); g.n * g.f * g.oh * g.ow];
    g.for_each_output(|n, f, oh_i, ow_i, out| {
        let mut sum = b.map_or(T::zero(), |b| b[f]);
        g.for_each_tap(n, f, oh_i, ow_i, |xi, wi| sum += x[xi] * w[wi]);
        y[out] = sum;
    });
    y
}

/// Gradients of the forward pass for an output gradient `dy`:
/// `dx[n, c, ih, iw] = Σ dy[n, f, oh, ow] · w[f, c, i, j]` over the outputs that read
/// `(ih, iw)` through tap `(i, j)`, `dw[f, c, i, j] = Σ dy[n, f, oh, ow] · x[n, c, ih, iw]` and
/// `db[f] = Σ dy[n, f, oh, ow]` — returned as `(dx, dw, db)`.
pub(crate) fn backward<T: Float>(
    g: &Geometry,
    x: &[T],
    w: &[T],
    dy: &[T],
) -> (Vec<T>, Vec<T>, Vec<T>) {
    let mut dx = vec![T::zero(); x.len()];
    let mut dw = vec![T::zero(); w.len()];
    let mut db = vec![T::zero(); g.f];
    g.for_each_output(|n, f, oh_i, ow_i, out| {
        let grad = dy[out];
        db[f] += grad;
        g.for_each_tap(n, f, oh_i, ow_i, |xi, wi| {
            dx[xi] += grad * w[wi];
            dw[wi] += grad * x[xi];
        });
    });
    (dx, dw, db)
}
