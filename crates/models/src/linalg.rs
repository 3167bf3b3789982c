//! A small dense linear solver in f64, for the normal equation of linear regression (book
//! §3.1.4, where numpy's `linalg.inv` does the work). The tensor crate has no linear algebra,
//! and the systems here are tiny (one row per feature), so a textbook algorithm is enough.
//!
//! [`solve`] uses Gaussian elimination with partial pivoting: for each column it swaps up the
//! row with the largest absolute entry, which keeps every multiplier at most 1 in size and the
//! elimination backward stable in practice; then back substitution. It never forms an inverse.
//!
//! ```
//! use scalpel_models::linalg::solve;
//! // 2x + y = 3, x + 3y = 5  →  x = 0.8, y = 1.4
//! let x = solve(&[2.0, 1.0, 1.0, 3.0], &[3.0, 5.0], 2, 1).unwrap();
//! assert!((x[0] - 0.8).abs() < 1e-12 && (x[1] - 1.4).abs() < 1e-12);
//! ```

use scalpel_tensor::Tensor;

use crate::error::{ModelsError, Result};

/// Relative size under which a pivot counts as zero: `|pivot| <= SINGULAR_TOLERANCE · max|A|`.
/// About 1000 machine epsilons: a system that close to singular has no meaningful solution in
/// f64.
pub const SINGULAR_TOLERANCE: f64 = 1e-13;

/// Solves `A·X = B` for `X`, with `A` an `n × n` matrix and `B` an `n × k` matrix, both
/// row-major; returns `X` row-major (`n × k`).
///
/// Gaussian elimination with partial pivoting on the augmented matrix `[A | B]`, then back
/// substitution.
///
/// # Errors
/// [`ModelsError::InvalidArgument`] when the slice lengths are not `n·n` and `n·k`, or a value
/// is not finite; [`ModelsError::Singular`] when a column has no pivot larger than
/// [`SINGULAR_TOLERANCE`] times the largest entry of `A`.
pub fn solve(a: &[f64], b: &[f64], n: usize, k: usize) -> Result<Vec<f64>> {
    if a.len() != n * n || b.len() != n * k {
        return Err(ModelsError::arg(
            "solve",
            format!(
                "A must hold {n}x{n} = {} values and B {n}x{k} = {}; found {} and {}",
                n * n,
                n * k,
                a.len(),
                b.len()
            ),
        ));
    }
    if a.iter().chain(b).any(|v| !v.is_finite()) {
        return Err(ModelsError::arg("solve", "A and B must be finite"));
    }
    let width = n + k;
    let mut m: Vec<f64> = Vec::with_capacity(n * width);
    for r in 0..n {
        m.extend_from_slice(&a[r * n..(r + 1) * n]);
        m.extend_from_slice(&b[r * k..(r + 1) * k]);
    }
    let scale = a.iter().fold(0.0f64, |s, v| s.max(v.abs()));
    let tiny = SINGULAR_TOLERANCE * scale;

    for col in 0..n {
        // Partial pivoting: the largest |entry| at or below the diagonal.
        let (pivot_row, pivot) =
            (col..n)
                .map(|r| (r, m[r * width + col].abs()))
                .fold(
                    (col, -1.0),
                    |best, cur| if cur.1 > best.1 { cur } else { best },
                );
        if pivot <= tiny || pivot == 0.0 {
            return Err(ModelsError::Singular {
                op: "solve",
                column: col,
                pivot,
            });
        }
        if pivot_row != col {
            for j in 0..width {
                m.swap(col * width + j, pivot_row * width + j);
            }
        }
        let diag = m[col * width + col];
        for r in col + 1..n {
            let factor = m[r * width + col] / diag;
            if factor == 0.0 {
                continue;
            }
            for j in col..width {
                m[r * width + j] -= factor * m[col * width + j];
            }
        }
    }

    // Back substitution, one right-hand side at a time.
    let mut x = vec![0.0; n * k];
    for c in 0..k {
        for r in (0..n).rev() {
            let mut s = m[r * width + n + c];
            for j in r + 1..n {
                s -= m[r * width + j] * x[j * k + c];
            }
            x[r * k + c] = s / m[r * width + r];
        }
    }
    Ok(x)
}

/// [`solve`] on tensors: `a` `[n, n]` and `b` `[n]` or `[n, k]`; the result has `b`'s shape.
///
/// # Errors
/// As [`solve`]; [`ModelsError::InvalidArgument`] for other shapes.
pub fn solve_tensor(a: &Tensor<f64>, b: &Tensor<f64>) -> Result<Tensor<f64>> {
    let n = match a.dims() {
        [r, c] if r == c => *r,
        d => {
            return Err(ModelsError::arg(
                "solve",
                format!("A must be square [n, n], found {d:?}"),
            ))
        }
    };
    let k = match b.dims() {
        [r] if *r == n => 1,
        [r, k] if *r == n => *k,
        d => {
            return Err(ModelsError::arg(
                "solve",
                format!("B must be [{n}] or [{n}, k] for A [{n}, {n}], found {d:?}"),
            ))
        }
    };
    let x = solve(&a.to_vec(), &b.to_vec(), n, k)?;
    Ok(Tensor::from_vec(x, b.shape().clone())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_close(found: &[f64], expected: &[f64]) {
        assert_eq!(found.len(), expected.len());
        for (f, e) in found.iter().zip(expected) {
            assert!(
                (f - e).abs() < 1e-12,
                "found {found:?}, expected {expected:?}"
            );
        }
    }

    #[test]
    fn solves_a_hand_worked_two_by_two_system() {
        // 2x + y = 3, x + 3y = 5: x = (9 − 5)/5 = 0.8, y = (10 − 3)/5 = 1.4.
        assert_close(
            &solve(&[2.0, 1.0, 1.0, 3.0], &[3.0, 5.0], 2, 1).unwrap(),
            &[0.8, 1.4],
        );
    }

    #[test]
    fn pivots_when_the_first_diagonal_entry_is_zero() {
        // 0x + y + z = 5, x + 0y + z = 4, x + y + 0z = 3 → x = 1, y = 2, z = 3.
        let a = [0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0];
        assert_close(
            &solve(&a, &[5.0, 4.0, 3.0], 3, 1).unwrap(),
            &[1.0, 2.0, 3.0],
        );
    }

    #[test]
    fn solves_a_three_by_three_system_worked_by_hand() {
        // The classic  2x + y − z = 8,  −3x − y + 2z = −11,  −2x + y + 2z = −3  →  (2, 3, −1).
        let a = [2.0, 1.0, -1.0, -3.0, -1.0, 2.0, -2.0, 1.0, 2.0];
        assert_close(
            &solve(&a, &[8.0, -11.0, -3.0], 3, 1).unwrap(),
            &[2.0, 3.0, -1.0],
        );
    }

    #[test]
    fn partial_pivoting_keeps_a_tiny_pivot_from_destroying_the_answer() {
        // Without row swaps, ε = 1e-20 as pivot gives x = 0 instead of 1 in f64.
        let a = [1e-20, 1.0, 1.0, 1.0];
        assert_close(&solve(&a, &[1.0, 2.0], 2, 1).unwrap(), &[1.0, 1.0]);
    }

    #[test]
    fn several_right_hand_sides_at_once_give_the_inverse() {
        // A = [[4, 7], [2, 6]], det 10, A⁻¹ = [[0.6, −0.7], [−0.2, 0.4]].
        let inv = solve(&[4.0, 7.0, 2.0, 6.0], &[1.0, 0.0, 0.0, 1.0], 2, 2).unwrap();
        assert_close(&inv, &[0.6, -0.7, -0.2, 0.4]);
    }

    #[test]
    fn a_singular_matrix_is_an_error_naming_the_column() {
        let e = solve(&[1.0, 2.0, 2.0, 4.0], &[1.0, 2.0], 2, 1).unwrap_err();
        assert!(matches!(e, ModelsError::Singular { column: 1, .. }), "{e}");
        assert!(e.to_string().contains("singular"), "{e}");
    }

    #[test]
    fn wrong_lengths_and_non_finite_values_are_errors() {
        assert!(solve(&[1.0, 2.0, 3.0], &[1.0, 2.0], 2, 1).is_err());
        assert!(solve(&[1.0, 0.0, 0.0, f64::NAN], &[1.0, 2.0], 2, 1).is_err());
    }

    #[test]
    fn the_tensor_form_keeps_the_shape_of_b() {
        let a = Tensor::from_rows(&[[2.0, 1.0], [1.0, 3.0]]).unwrap();
        let x = solve_tensor(&a, &Tensor::from_vec1(vec![3.0, 5.0])).unwrap();
        assert_eq!(x.dims(), &[2]);
        assert_close(&x.to_vec(), &[0.8, 1.4]);
        let bad = solve_tensor(&Tensor::zeros([2, 3]), &Tensor::zeros([2]));
        assert!(bad.is_err());
    }
}
