//! The weight transform of F(2×2, 3×3), `U = G W Gᵀ`, and its adjoint for the weight
//! gradient, `dW = Gᵀ dU G`.

use super::E;
use crate::element::Float;
use crate::ops::conv::geometry::Geometry;

/// The transformed weights `U_e = G W Gᵀ` of an `o × c × 3 × 3` weight, laid out `[e][o][c]`.
pub(super) fn transform<T: Float>(g: &Geometry, w: &[T]) -> Vec<T> {
    let half = T::from_f64_lossy(0.5);
    // G applied to three values: [a, (a + b + c)/2, (a − b + c)/2, c].
    let apply_g = |a: T, b: T, c: T| [a, (a + b + c) * half, (a - b + c) * half, c];
    let mut u = vec![T::zero(); E * g.o * g.c];
    for o in 0..g.o {
        for c in 0..g.c {
            let k = &w[(o * g.c + c) * 9..][..9];
            // Columns of G·k (4×3), then each of its rows times Gᵀ.
            let cols: [[T; 4]; 3] = std::array::from_fn(|j| apply_g(k[j], k[3 + j], k[6 + j]));
            for xi in 0..4 {
                let row = apply_g(cols[0][xi], cols[1][xi], cols[2][xi]);
                for (nu, &val) in row.iter().enumerate() {
                    u[((xi * 4 + nu) * g.o + o) * g.c + c] = val;
                }
            }
        }
    }
    u
}

/// The weight gradient `dW[o, c] = Gᵀ dU[o, c] G` (`o × c × 3 × 3`) from the summed products
/// `du` (`[e][c][o]`).
pub(super) fn gradient<T: Float>(g: &Geometry, du: &[T]) -> Vec<T> {
    let half = T::from_f64_lossy(0.5);
    // Gᵀ applied to four values: [x0 + (x1 + x2)/2, (x1 − x2)/2, (x1 + x2)/2 + x3].
    let apply_gt = |x: [T; 4]| {
        [
            x[0] + (x[1] + x[2]) * half,
            (x[1] - x[2]) * half,
            (x[1] + x[2]) * half + x[3],
        ]
    };
    let mut dw = vec![T::zero(); g.o * g.c * 9];
    for o in 0..g.o {
        for c in 0..g.c {
            let at = |e: usize| du[(e * g.c + c) * g.o + o];
            // Gᵀ over ξ for each column ν, then each resulting row times G.
            let cols: [[T; 3]; 4] =
                std::array::from_fn(|nu| apply_gt([at(nu), at(4 + nu), at(8 + nu), at(12 + nu)]));
            for i in 0..3 {
                let row = apply_gt([cols[0][i], cols[1][i], cols[2][i], cols[3][i]]);
                for (j, &val) in row.iter().enumerate() {
                    dw[(o * g.c + c) * 9 + i * 3 + j] = val;
                }
            }
        }
    }
    dw
}
