//! numpy-like printing: nested brackets, aligned columns, and `...` eliding the middle of long
//! dimensions (more than 1000 elements in all, as numpy's default threshold). Floats print as
//! numpy prints them: at most 8 decimals with trailing zeros dropped but the point kept (`1.`),
//! decimal points aligned, or in scientific notation (`1.5e-05`) when the magnitudes ask for it
//! (see [`FloatStyle`]); NaN and the infinities as `nan`, `inf`, `-inf`.

use std::any::Any;
use std::fmt;

use crate::element::Element;
use crate::layout::Layout;
use crate::tensor::Tensor;

/// Total element count above which the middle of each long dimension is elided.
const ELIDE_THRESHOLD: usize = 1000;
/// Elements kept at each end of an elided dimension.
const EDGE_ITEMS: usize = 3;

impl<T: Element> fmt::Display for Tensor<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.numel() == 0 && self.rank() > 0 {
            // Any empty tensor, as numpy prints it (`[[],\n\n []]` for [2, 0, 3] said nothing
            // more); Debug adds the shape.
            return f.write_str("[]");
        }
        let precision = f.precision();
        let elide = self.numel() > ELIDE_THRESHOLD;
        // Only the elements shown are read, and they alone decide the style and the widths, as
        // in numpy: a hidden 1e10 does not turn the shown 1000 … 2999 into scientific notation.
        let picked: Vec<T> = if elide {
            let storage = self.storage();
            shown_offsets(self.layout())
                .into_iter()
                .map(|o| storage[o])
                .collect()
        } else {
            self.to_vec()
        };
        let any: &dyn Any = &picked;
        let texts: Vec<String> = if let Some(v) = any.downcast_ref::<Vec<f32>>() {
            float_texts(v, |x| x.abs() as f64, precision)
        } else if let Some(v) = any.downcast_ref::<Vec<f64>>() {
            float_texts(v, |x| x.abs(), precision)
        } else {
            picked
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
        // Width of the widest printed element so that columns line up.
        let width = texts.iter().map(|t| t.chars().count()).max().unwrap_or(0);
        let mut out = String::new();
        write_nested(&mut out, &texts, self.dims(), 0, elide, width);
        f.write_str(&out)
    }
}

/// True when a print elides the middle of a dimension of length `n`.
fn elided(n: usize, elide: bool) -> bool {
    elide && n > 2 * EDGE_ITEMS
}

/// How many of the `n` elements along a dimension a print shows.
fn shown_len(n: usize, elide: bool) -> usize {
    if elided(n, elide) {
        2 * EDGE_ITEMS
    } else {
        n
    }
}

/// The storage offsets of the elements an elided print shows, in row-major order: along each
/// dimension longer than 2·[`EDGE_ITEMS`], only the first and the last [`EDGE_ITEMS`].
fn shown_offsets(layout: &Layout) -> Vec<usize> {
    let mut offsets = vec![layout.offset()];
    for (&n, &stride) in layout.shape().dims().iter().zip(layout.strides()) {
        let kept: Vec<usize> = if elided(n, true) {
            (0..EDGE_ITEMS).chain(n - EDGE_ITEMS..n).collect()
        } else {
            (0..n).collect()
        };
        offsets = offsets
            .iter()
            .flat_map(|&outer| {
                kept.iter()
                    .map(move |&i| (outer as isize + i as isize * stride) as usize)
            })
            .collect();
    }
    offsets
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

/// The most decimals printed without an explicit precision (numpy's default precision).
const MAX_DECIMALS: usize = 8;

/// The printed floats: in one style for all, each to `precision` digits when one is given, and
/// otherwise in the shortest form that reads back as the same value, cut to 8 decimals (numpy's
/// `unique` mode: `0.3f32` prints `0.3`, not `0.30000001`), laid out as numpy lays them out.
fn float_texts<F: Copy + fmt::Display + fmt::LowerExp>(
    values: &[F],
    magnitude: impl Fn(F) -> f64,
    precision: Option<usize>,
) -> Vec<String> {
    match FloatStyle::of(values.iter().map(|&v| magnitude(v))) {
        FloatStyle::Fixed => align_points(
            values
                .iter()
                .map(|v| match precision {
                    Some(p) => format!("{v:.p$}"),
                    None => {
                        let shortest = format!("{v}");
                        if decimals_of(&shortest) > MAX_DECIMALS {
                            with_point(trim_zeros(&format!("{v:.MAX_DECIMALS$}")))
                        } else {
                            with_point(shortest)
                        }
                    }
                })
                .collect(),
        ),
        FloatStyle::Scientific => scientific_texts(values, precision),
    }
}

/// `d.ddde±xx` for every value: mantissas to `precision` decimals, or shortest (at most 8) and
/// then padded with zeros to the longest (`0.0000000e+00` beside `4.5398899e-05`); exponents
/// signed and padded to the widest, at least two digits (`1.e+300`, `1.e-005`), as numpy does.
fn scientific_texts<F: Copy + fmt::Display + fmt::LowerExp>(
    values: &[F],
    precision: Option<usize>,
) -> Vec<String> {
    let parts: Vec<Option<(String, String)>> = values
        .iter()
        .map(|v| {
            let text = match precision {
                Some(p) => format!("{v:.p$e}"),
                None => {
                    let shortest = format!("{v:e}");
                    let too_long = shortest
                        .split_once('e')
                        .is_some_and(|(m, _)| decimals_of(m) > MAX_DECIMALS);
                    if too_long {
                        format!("{v:.MAX_DECIMALS$e}")
                    } else {
                        shortest
                    }
                }
            };
            let (mantissa, exponent) = text.split_once('e')?;
            let mantissa = match precision {
                Some(_) => mantissa.to_string(),
                None => with_point(trim_zeros(mantissa)),
            };
            Some((mantissa, exponent.to_string()))
        })
        .collect();
    let present = || parts.iter().flatten();
    let decimals = present().map(|(m, _)| decimals_of(m)).max().unwrap_or(0);
    let digits = present()
        .map(|(_, e)| e.trim_start_matches('-').len())
        .max()
        .unwrap_or(0)
        .max(2);
    values
        .iter()
        .zip(&parts)
        .map(|(v, part)| match part {
            Some((mantissa, exponent)) => {
                let pad = "0".repeat(decimals - decimals_of(mantissa));
                let (sign, magnitude) = match exponent.strip_prefix('-') {
                    Some(m) => ('-', m),
                    None => ('+', exponent.as_str()),
                };
                format!("{mantissa}{pad}e{sign}{magnitude:0>digits$}")
            }
            None => non_finite(*v),
        })
        .collect()
}

/// NaN and the infinities as numpy and PyTorch print them: `nan`, `inf`, `-inf`.
fn non_finite<F: fmt::Display>(v: F) -> String {
    v.to_string().replace("NaN", "nan")
}

/// The digits after the decimal point of `text` (`"2."` has none).
fn decimals_of(text: &str) -> usize {
    text.split_once('.').map_or(0, |(_, d)| d.len())
}

/// A whole number gets its point (`2` → `2.`), so that a float never reads as an integer;
/// other text (`2.5`, `NaN`, `inf`) as it is.
fn with_point(text: String) -> String {
    if !text.contains('.') && text.ends_with(|c: char| c.is_ascii_digit()) {
        text + "."
    } else {
        text
    }
}

/// Pads positional texts so that their decimal points line up (`[ 0.3,  1. , -2.5]`); texts
/// without a point (`nan`, `inf`) are right-aligned to the same width.
fn align_points(texts: Vec<String>) -> Vec<String> {
    let texts: Vec<String> = texts.into_iter().map(non_finite).collect();
    let split = |t: &str| match t.split_once('.') {
        Some((whole, fraction)) => (whole.chars().count(), Some(fraction.chars().count())),
        None => (t.chars().count(), None),
    };
    let (mut whole_w, mut fraction_w) = (0, 0);
    for t in &texts {
        if let (whole, Some(fraction)) = split(t) {
            whole_w = whole_w.max(whole);
            fraction_w = fraction_w.max(fraction);
        }
    }
    let width = whole_w + 1 + fraction_w;
    texts
        .into_iter()
        .map(|t| match split(&t) {
            (whole, Some(fraction)) => format!(
                "{}{t}{}",
                " ".repeat(whole_w - whole),
                " ".repeat(fraction_w - fraction)
            ),
            (_, None) => format!("{t:>width$}"),
        })
        .collect()
}

/// `1.2500` → `1.25`, `2.000` → `2.`; text without a decimal point (NaN, inf) as it is.
fn trim_zeros(text: &str) -> String {
    if !text.contains('.') {
        return text.to_string();
    }
    text.trim_end_matches('0').to_string()
}

/// Writes `texts` (the shown elements, row-major) nested in brackets by `dims`, with `...` in
/// place of the hidden middle of each elided dimension.
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
    // Texts per entry of this dimension: only the shown elements of the inner dimensions.
    let inner: usize = dims[1..].iter().map(|&d| shown_len(d, elide)).product();
    let entries: Vec<Option<usize>> = if elided(n, elide) {
        (0..EDGE_ITEMS)
            .map(Some)
            .chain([None])
            .chain((EDGE_ITEMS..2 * EDGE_ITEMS).map(Some))
            .collect()
    } else {
        (0..n).map(Some).collect()
    };
    for (k, entry) in entries.iter().enumerate() {
        if k > 0 {
            if dims.len() == 1 {
                out.push_str(", ");
            } else {
                out.push(',');
                out.push_str(&"\n".repeat(dims.len() - 1));
                out.push_str(&" ".repeat(depth + 1));
            }
        }
        match entry {
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
    fn only_the_shown_elements_decide_style_and_width() {
        // 1000 … 2999 with a hidden 1e10 in the middle: fixed, as the shown six ask.
        let mut v: Vec<f64> = (1000..3000).map(f64::from).collect();
        v[1000] = 1e10;
        let s = Tensor::from_vec1(v).to_string();
        assert_eq!(s, "[1000., 1001., 1002., ..., 2997., 2998., 2999.]");
        // 0 … 1999 is scientific by numpy's rule itself (1999 / 1 > 1000).
        let s = Tensor::from_vec1((0..2000).map(f64::from).collect()).to_string();
        assert_eq!(
            s,
            "[0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03, 1.999e+03]"
        );
        // In two dimensions too: a hidden 123456 does not widen the columns.
        let mut v: Vec<i64> = (0..40 * 40).map(|i| i % 7).collect();
        v[20 * 40 + 20] = 123_456;
        let s = Tensor::from_vec(v, [40, 40]).unwrap().to_string();
        assert!(
            s.starts_with("[[0, 1, 2, ..., 2, 3, 4],\n [5, 6, 0, ..., 0, 1, 2],"),
            "{s}"
        );
        assert!(!s.contains("123456"), "{s}");
    }

    #[test]
    fn elided_views_print_as_their_contiguous_copies() {
        // Only the shown elements are read, through the view's strides: each view must print
        // exactly as the same elements laid out row-major.
        let values = (0..60 * 50).map(|i| 1000.0 + i as f64 * 0.5).collect();
        let base = Tensor::from_vec(values, [60, 50]).unwrap();
        let cube = Tensor::from_vec((0..12 * 10 * 9).collect::<Vec<i64>>(), [12, 10, 9]).unwrap();
        let views = [
            base.t(),
            base.flip(&[0, 1]).unwrap(),
            base.slice(1, 1, 50, 2).unwrap(),
            base.narrow(0, 5, 40).unwrap(),
        ];
        for view in &views {
            assert_eq!(view.to_string(), view.contiguous().to_string());
        }
        let permuted = cube.permute(&[2, 0, 1]).unwrap();
        assert_eq!(permuted.to_string(), permuted.contiguous().to_string());
        let expanded = Tensor::from_vec1((0..8).collect::<Vec<i64>>())
            .expand([200, 8])
            .unwrap();
        assert_eq!(expanded.to_string(), expanded.contiguous().to_string());
        // and by hand: the corners of the transposed matrix
        let s = base.t().to_string();
        assert!(
            s.starts_with("[[1000. , 1025. , 1050. , ..., 2425. , 2450. , 2475. ],"),
            "{s}"
        );
        assert!(
            s.ends_with(" [1024.5, 1049.5, 1074.5, ..., 2449.5, 2474.5, 2499.5]]"),
            "{s}"
        );
    }

    #[test]
    fn an_empty_tensor_prints_as_numpy_prints_it() {
        for dims in [vec![0], vec![2, 0, 3], vec![3, 0]] {
            assert_eq!(Tensor::<f32>::zeros(dims.as_slice()).to_string(), "[]");
        }
        let t = Tensor::<i64>::zeros([2, 0, 3]);
        assert!(format!("{t:?}").contains("[2, 0, 3]"), "{t:?}");
    }

    #[test]
    fn precision_is_honoured_and_scalars_print_bare() {
        let t = Tensor::from_vec(vec![0.5f64, 1.0], [2]).unwrap();
        assert_eq!(format!("{t:.2}"), "[0.50, 1.00]");
        assert_eq!(Tensor::scalar(3u8).to_string(), "3");
    }

    #[test]
    fn floats_print_as_numpy_prints_them() {
        // at most 8 decimals, trailing zeros dropped but the point kept, points aligned
        let t = Tensor::from_vec1(vec![0.1f64 + 0.2, 1.0, -2.5]);
        assert_eq!(t.to_string(), "[ 0.3,  1. , -2.5]");
        let t = Tensor::from_vec(vec![0.0f32, 1.0, 2.0, 3.0, 4.0, 5.0], [2, 3]).unwrap();
        assert_eq!(t.to_string(), "[[0., 1., 2.],\n [3., 4., 5.]]");
        assert_eq!(
            Tensor::from_vec1(vec![-0.0f64, 10.25]).to_string(),
            "[-0.  , 10.25]"
        );
        assert_eq!(
            Tensor::from_vec1(vec![1.0f32 / 3.0]).to_string(),
            "[0.33333334]"
        );
        // the shortest text that reads back as the same f32, not its binary expansion
        let t = Tensor::from_vec1(vec![0.3f32, 0.7, 1.1]);
        assert_eq!(t.to_string(), "[0.3, 0.7, 1.1]");
        assert_eq!(
            Tensor::from_vec1(vec![1_234_567.1f32]).to_string(),
            "[1234567.1]"
        );
        // scientific when a magnitude is tiny, huge, or the spread is over 1000; mantissas to
        // the same number of decimals, exponents signed and of one width, at least two digits
        let t = Tensor::from_vec1(vec![1e-45f64, 0.5, 1.0]);
        assert_eq!(t.to_string(), "[1.e-45, 5.e-01, 1.e+00]");
        let t = Tensor::from_vec1(vec![1e30f32, 1.0]);
        assert_eq!(t.to_string(), "[1.e+30, 1.e+00]");
        let t = Tensor::from_vec1(vec![4.539_889_9e-5f64, 0.0]);
        assert_eq!(t.to_string(), "[4.5398899e-05, 0.0000000e+00]");
        let t = Tensor::from_vec1(vec![1.234_567_89e-5f64, 1.0]);
        assert_eq!(t.to_string(), "[1.23456789e-05, 1.00000000e+00]");
        assert_eq!(
            Tensor::from_vec1(vec![123_456_789f32]).to_string(),
            "[1.2345679e+08]"
        );
        let t = Tensor::from_vec1(vec![1e300f64, 1e-5]);
        assert_eq!(t.to_string(), "[1.e+300, 1.e-005]");
        let t = Tensor::from_vec1(vec![1e300f64, -1e-300, f64::NEG_INFINITY]);
        assert_eq!(t.to_string(), "[ 1.e+300, -1.e-300,     -inf]");
        // NaN and infinities do not decide the style, and print as numpy prints them
        let t = Tensor::from_vec1(vec![f32::NAN, f32::INFINITY, 2.0]);
        assert_eq!(t.to_string(), "[nan, inf,  2.]");
        assert_eq!(Tensor::scalar(1e-9f64).to_string(), "1.e-09");
        assert_eq!(Tensor::scalar(f64::NAN).to_string(), "nan");
        assert_eq!(
            format!("{:.2}", Tensor::from_vec1(vec![1e-9f64, 2e-3])),
            "[1.00e-09, 2.00e-03]"
        );
    }
}
