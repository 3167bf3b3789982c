//! numpy-like printing: nested brackets, aligned columns, and `...` eliding the middle of long
//! dimensions (more than 1000 elements in all, as numpy's default threshold). Floats print as
//! numpy prints them: at most 8 decimals with trailing zeros dropped, or in scientific notation
//! when the magnitudes ask for it (see [`FloatStyle`]).

use std::any::Any;
use std::fmt;

use crate::element::Element;
use crate::tensor::Tensor;

/// Total element count above which the middle of each long dimension is elided.
const ELIDE_THRESHOLD: usize = 1000;
/// Elements kept at each end of an elided dimension.
const EDGE_ITEMS: usize = 3;

impl<T: Element> fmt::Display for Tensor<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let values = self.to_vec();
        let precision = f.precision();
        let any: &dyn Any = &values;
        let texts: Vec<String> = if let Some(v) = any.downcast_ref::<Vec<f32>>() {
            float_texts(v, |x| x.abs() as f64, precision)
        } else if let Some(v) = any.downcast_ref::<Vec<f64>>() {
            float_texts(v, |x| x.abs(), precision)
        } else {
            values
                .iter()
                .map(|v| match precision {
                    Some(p) => format!("{v:.p$}"),
                    None => format!("{v}"),
                })
                .collect()
        };
        if self.rank() == 0 {
            return f.write_str(&texts[0]);
        }
        let elide = values.len() > ELIDE_THRESHOLD;
        // Width of the widest printed element so that columns line up.
        let width = texts.iter().map(|t| t.chars().count()).max().unwrap_or(0);
        let mut out = String::new();
        write_nested(&mut out, &texts, self.dims(), 0, elide, width);
        f.write_str(&out)
    }
}

/// How the floats of one tensor print, chosen for all of them together as numpy chooses.
#[derive(Clone, Copy, Debug, PartialEq)]
enum FloatStyle {
    /// Positional, at most 8 decimals, trailing zeros dropped: `0.3`, not `0.30000000000000004`.
    Fixed,
    /// `d.dddde±x`, when the largest finite magnitude is 1e8 or more, the smallest non-zero one
    /// is below 1e-4, or the two are more than 1000 apart (numpy's rule).
    Scientific,
}

impl FloatStyle {
    /// The style for these magnitudes; NaN, infinities and zeros do not take part.
    fn of(magnitudes: impl Iterator<Item = f64>) -> FloatStyle {
        let (mut min, mut max) = (f64::INFINITY, 0.0f64);
        for m in magnitudes.filter(|m| m.is_finite() && *m > 0.0) {
            min = min.min(m);
            max = max.max(m);
        }
        if max > 0.0 && (max >= 1e8 || min < 1e-4 || max / min > 1e3) {
            FloatStyle::Scientific
        } else {
            FloatStyle::Fixed
        }
    }
}

/// The printed floats: in one style for all, each to `precision` digits when one is given.
fn float_texts<F: Copy + fmt::Display + fmt::LowerExp>(
    values: &[F],
    magnitude: impl Fn(F) -> f64,
    precision: Option<usize>,
) -> Vec<String> {
    let style = FloatStyle::of(values.iter().map(|&v| magnitude(v)));
    values
        .iter()
        .map(|v| match (style, precision) {
            (FloatStyle::Fixed, Some(p)) => format!("{v:.p$}"),
            (FloatStyle::Scientific, Some(p)) => format!("{v:.p$e}"),
            (FloatStyle::Fixed, None) => trim_zeros(&format!("{v:.8}")),
            (FloatStyle::Scientific, None) => match format!("{v:.4e}").split_once('e') {
                Some((mantissa, exponent)) => format!("{}e{exponent}", trim_zeros(mantissa)),
                None => format!("{v}"), // NaN, inf
            },
        })
        .collect()
}

/// `1.2500` → `1.25`, `2.000` → `2`; text without a decimal point (NaN, inf) as it is.
fn trim_zeros(text: &str) -> String {
    if !text.contains('.') {
        return text.to_string();
    }
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn write_nested(
    out: &mut String,
    texts: &[String],
    dims: &[usize],
    depth: usize,
    elide: bool,
    width: usize,
) {
    out.push('[');
    let n = dims[0];
    let inner: usize = dims[1..].iter().product();
    let indices: Vec<Option<usize>> = if elide && n > 2 * EDGE_ITEMS {
        (0..EDGE_ITEMS)
            .map(Some)
            .chain([None])
            .chain((n - EDGE_ITEMS..n).map(Some))
            .collect()
    } else {
        (0..n).map(Some).collect()
    };
    for (k, i) in indices.iter().enumerate() {
        if k > 0 {
            if dims.len() == 1 {
                out.push_str(", ");
            } else {
                out.push(',');
                out.push_str(&"\n".repeat(dims.len() - 1));
                out.push_str(&" ".repeat(depth + 1));
            }
        }
        match i {
            None => out.push_str("..."),
            Some(i) if dims.len() == 1 => {
                out.push_str(&format!("{:>width$}", texts[*i]));
            }
            Some(i) => write_nested(
                out,
                &texts[i * inner..(i + 1) * inner],
                &dims[1..],
                depth + 1,
                elide,
                width,
            ),
        }
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn matrix_prints_like_numpy() {
        let t = Tensor::from_vec(vec![1i32, 20, 3, 4], [2, 2]).unwrap();
        assert_eq!(t.to_string(), "[[ 1, 20],\n [ 3,  4]]");
    }

    #[test]
    fn large_tensor_is_elided() {
        let t = Tensor::from_vec((0..2000).collect::<Vec<i64>>(), [2000]).unwrap();
        let s = t.to_string();
        assert!(
            s.starts_with("[   0,    1,    2, ..., 1997, 1998, 1999]"),
            "{s}"
        );
    }

    #[test]
    fn precision_is_honoured_and_scalars_print_bare() {
        let t = Tensor::from_vec(vec![0.5f64, 1.0], [2]).unwrap();
        assert_eq!(format!("{t:.2}"), "[0.50, 1.00]");
        assert_eq!(Tensor::scalar(3u8).to_string(), "3");
    }

    #[test]
    fn floats_print_as_numpy_prints_them() {
        // at most 8 decimals, trailing zeros dropped
        let t = Tensor::from_vec1(vec![0.1f64 + 0.2, 1.0, -2.5]);
        assert_eq!(t.to_string(), "[ 0.3,    1, -2.5]");
        assert_eq!(
            Tensor::from_vec1(vec![1.0f32 / 3.0]).to_string(),
            "[0.33333334]"
        );
        // scientific when a magnitude is tiny, huge, or the spread is over 1000
        let t = Tensor::from_vec1(vec![1e-45f64, 0.5, 1.0]);
        assert_eq!(t.to_string(), "[1e-45,  5e-1,   1e0]");
        let t = Tensor::from_vec1(vec![1e30f32, 1.0]);
        assert_eq!(t.to_string(), "[1e30,  1e0]");
        let t = Tensor::from_vec1(vec![4.539_889_9e-5f64, 0.0]);
        assert_eq!(t.to_string(), "[4.5399e-5,       0e0]");
        // NaN and infinities do not decide the style
        let t = Tensor::from_vec1(vec![f32::NAN, f32::INFINITY, 2.0]);
        assert_eq!(t.to_string(), "[NaN, inf,   2]");
        assert_eq!(Tensor::scalar(1e-9f64).to_string(), "1e-9");
        assert_eq!(
            format!("{:.2}", Tensor::from_vec1(vec![1e-9f64])),
            "[1.00e-9]"
        );
    }
}
