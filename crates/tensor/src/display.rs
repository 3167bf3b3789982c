//! numpy-like printing: nested brackets, aligned columns, and `...` eliding the middle of long
//! dimensions (more than 1000 elements in all, as numpy's default threshold).

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
        if self.rank() == 0 {
            return write!(f, "{}", format_value(&values[0], f.precision()));
        }
        let elide = values.len() > ELIDE_THRESHOLD;
        // Width of the widest printed element so that columns line up.
        let width = values
            .iter()
            .map(|v| format_value(v, f.precision()).len())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        write_nested(
            &mut out,
            &values,
            self.dims(),
            0,
            elide,
            width,
            f.precision(),
        );
        f.write_str(&out)
    }
}

fn format_value<T: Element>(v: &T, precision: Option<usize>) -> String {
    match precision {
        Some(p) => format!("{v:.p$}"),
        None => format!("{v}"),
    }
}

fn write_nested<T: Element>(
    out: &mut String,
    values: &[T],
    dims: &[usize],
    depth: usize,
    elide: bool,
    width: usize,
    precision: Option<usize>,
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
                out.push_str(&format!("{:>width$}", format_value(&values[*i], precision)));
            }
            Some(i) => write_nested(
                out,
                &values[i * inner..(i + 1) * inner],
                &dims[1..],
                depth + 1,
                elide,
                width,
                precision,
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
}
