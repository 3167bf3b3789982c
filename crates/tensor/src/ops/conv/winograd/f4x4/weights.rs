//! The weight transform of F(4×4, 3×3), `U = G W Gᵀ`.

use super::E;
use crate::element::Float;
use crate::ops::conv::geometry::Geometry;

/// The transformed weights `U_e = G W Gᵀ` (6×6) of an `o × c × 3 × 3` weight, laid out
/// `[e][o][c]`.
pub(super) fn transform<T: Float>(g: &Geometry, w: &[T]) -> Vec<T> {
    let k = |v: f64| T::from_f64_lossy(v);
    let (quarter, sixth, twelfth, twenty_fourth) =
        (k(0.25), k(1.0 / 6.0), k(1.0 / 12.0), k(1.0 / 24.0));
    // G applied to three values: the rows [¼, 0, 0], [−⅙, −⅙, −⅙], [−⅙, ⅙, −⅙],
    // [1/24, 1/12, ⅙], [1/24, −1/12, ⅙], [0, 0, 1].
    let apply_g = |a: T, b: T, c: T| {
        [
            a * quarter,
            -(a + b + c) * sixth,
            -(a - b + c) * sixth,
            a * twenty_fourth + b * twelfth + c * sixth,
            a * twenty_fourth - b * twelfth + c * sixth,
            c,
        ]
    };
    let mut u = vec![T::zero(); E * g.o * g.c];
    for o in 0..g.o {
        for c in 0..g.c {
            let k = &w[(o * g.c + c) * 9..][..9];
            // Columns of G·k (6×3), then each of its rows times Gᵀ.
            let cols: [[T; 6]; 3] = std::array::from_fn(|j| apply_g(k[j], k[3 + j], k[6 + j]));
            for xi in 0..6 {
                let row = apply_g(cols[0][xi], cols[1][xi], cols[2][xi]);
                for (nu, &val) in row.iter().enumerate() {
                    u[((xi * 6 + nu) * g.o + o) * g.c + c] = val;
                }
            }
        }
    }
    u
}
