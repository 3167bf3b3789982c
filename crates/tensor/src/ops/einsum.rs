//! `einsum`: products and sums of tensors written in Einstein's index notation.
//!
//! An equation such as `"bij,bjk->bik"` names each axis of each operand with a letter. Letters
//! that appear in several operands are multiplied along; letters that do not appear in the output
//! (after `->`) are summed over. Without `->`, the output is every letter that appears exactly
//! once, in alphabetical order (uppercase before lowercase, as in numpy). A letter repeated
//! within one operand takes its diagonal (`"ii->i"`, `"ii->"` for the trace). `...` stands for
//! the leading axes an operand has beyond its letters; those broadcast against each other under
//! numpy's rules and come first in an implicit output. Any label's size-1 axes broadcast too.
//!
//! The evaluation is planned once over an [`Operand`] — anything with diagonals, sums,
//! permutations, reshapes, expansions and matrix products — so that tensors and, in
//! scalpel-autograd, differentiable variables share it: each operand first loses its repeated
//! letters (a diagonal) and the letters no other operand or the output has (a sum); then the
//! operands are contracted from left to right, each pair as one batched matrix product with the
//! shared letters as its batch, row or inner axes — or, when the pair shares no letter to sum
//! over, as one broadcast element-wise product.

use crate::element::Float;
use crate::error::TensorError;
use crate::tensor::Tensor;

/// What einsum needs of an operand. Axes are counted from 0; results are new operands.
pub trait Operand: Clone + Sized {
    /// The error of the operand's own operations.
    type Error: From<TensorError>;
    /// The size of each axis.
    fn sizes(&self) -> Vec<usize>;
    /// The main diagonal over `axis1` and `axis2` (both removed, the diagonal appended last).
    fn take_diagonal(&self, axis1: usize, axis2: usize) -> Result<Self, Self::Error>;
    /// The sum over `axes`, which are removed.
    fn sum_over(&self, axes: &[isize]) -> Result<Self, Self::Error>;
    /// The axes in the order `axes`.
    fn permuted(&self, axes: &[isize]) -> Result<Self, Self::Error>;
    /// The same elements in the row-major shape `dims`.
    fn reshaped(&self, dims: Vec<usize>) -> Result<Self, Self::Error>;
    /// Broadcast to `dims` (size-1 axes repeated).
    fn expanded(&self, dims: Vec<usize>) -> Result<Self, Self::Error>;
    /// The matrix product, batched over equal leading axes (`torch.matmul` on rank ≥ 2).
    fn matrix_product(&self, other: &Self) -> Result<Self, Self::Error>;
    /// The element-wise product, broadcasting.
    fn product(&self, other: &Self) -> Result<Self, Self::Error>;
}

impl<T: Float> Operand for Tensor<T> {
    type Error = TensorError;
    fn sizes(&self) -> Vec<usize> {
        self.dims().to_vec()
    }
    fn take_diagonal(&self, axis1: usize, axis2: usize) -> Result<Self, TensorError> {
        self.diagonal(0, axis1 as isize, axis2 as isize)
    }
    fn sum_over(&self, axes: &[isize]) -> Result<Self, TensorError> {
        self.sum(axes, false)
    }
    fn permuted(&self, axes: &[isize]) -> Result<Self, TensorError> {
        self.permute(axes)
    }
    fn reshaped(&self, dims: Vec<usize>) -> Result<Self, TensorError> {
        self.reshape(dims)
    }
    fn expanded(&self, dims: Vec<usize>) -> Result<Self, TensorError> {
        self.expand(dims)
    }
    fn matrix_product(&self, other: &Self) -> Result<Self, TensorError> {
        self.matmul(other)
    }
    fn product(&self, other: &Self) -> Result<Self, TensorError> {
        self.mul(other)
    }
}

impl<T: Float> Tensor<T> {
    /// Einstein summation over `operands` (`torch.einsum`); see the [module](self) docs for the
    /// notation.
    ///
    /// ```
    /// use scalpel_tensor::Tensor;
    /// let a = Tensor::from_vec(vec![1.0f64, 2.0, 3.0, 4.0], [2, 2]).unwrap();
    /// let b = Tensor::from_vec(vec![5.0f64, 6.0, 7.0, 8.0], [2, 2]).unwrap();
    /// let product = Tensor::einsum("ij,jk->ik", &[&a, &b]).unwrap();
    /// assert_eq!(product.to_vec(), a.matmul(&b).unwrap().to_vec());
    /// assert_eq!(Tensor::einsum("ii", &[&a]).unwrap().item().unwrap(), 5.0); // the trace
    /// assert_eq!(Tensor::einsum("ij", &[&a]).unwrap().to_vec(), a.to_vec());
    /// assert_eq!(Tensor::einsum("ji", &[&a]).unwrap().to_vec(), a.t().to_vec());
    /// ```
    ///
    /// # Errors
    /// A malformed equation, a number of terms that differs from the number of operands, a term
    /// whose letters do not match its operand's rank, sizes of one letter that neither agree nor
    /// broadcast, an output letter that is repeated or appears in no input.
    pub fn einsum(equation: &str, operands: &[&Tensor<T>]) -> Result<Tensor<T>, TensorError> {
        let owned: Vec<Tensor<T>> = operands.iter().map(|&t| t.clone()).collect();
        einsum(equation, &owned)
    }
}

/// An axis label: letters in ASCII order (`A`–`Z` are 0–25, `a`–`z` 26–51), then the axes
/// `...` stands for, from 52 up.
type Label = usize;

/// The first label of the axes `...` stands for.
const ELLIPSIS: Label = 52;

/// The label of a letter, if it is one.
fn letter(c: char) -> Option<Label> {
    match c {
        'A'..='Z' => Some(c as usize - 'A' as usize),
        'a'..='z' => Some(c as usize - 'a' as usize + 26),
        _ => None,
    }
}

/// The error for a malformed or mismatched equation.
fn bad(equation: &str, why: impl std::fmt::Display) -> TensorError {
    TensorError::arg("einsum", format!("equation {equation:?}: {why}"))
}

/// A term's labels: its letters, with `...` (at most once) as the `ellipsis_rank` labels that
/// end at `ELLIPSIS + ellipsis_rank`, so that the ellipses of all operands align on the right.
fn term_labels(
    equation: &str,
    term: &str,
    rank: Option<usize>,
    ellipsis_rank: usize,
) -> Result<Vec<Label>, TensorError> {
    let (head, tail, dots) = match term.split_once("...") {
        Some((h, t)) => (h, t, true),
        None => (term, "", false),
    };
    let parse = |s: &str| -> Result<Vec<Label>, TensorError> {
        s.chars()
            .map(|c| letter(c).ok_or_else(|| bad(equation, format!("{c:?} is not a letter"))))
            .collect()
    };
    let (head, tail) = (parse(head)?, parse(tail)?);
    let fill = match (dots, rank) {
        (false, _) => 0,
        (true, Some(r)) => r.checked_sub(head.len() + tail.len()).ok_or_else(|| {
            bad(
                equation,
                format!("term {term:?} has more letters than its rank {r}"),
            )
        })?,
        (true, None) => ellipsis_rank,
    };
    let first = ELLIPSIS + ellipsis_rank - fill;
    Ok(head
        .into_iter()
        .chain(first..first + fill)
        .chain(tail)
        .collect())
}

/// Einstein summation over operands of any [`Operand`] type; [`Tensor::einsum`] and
/// scalpel-autograd's `Var::einsum` call it.
///
/// # Errors
/// As [`Tensor::einsum`], or an error of an operand's own operations.
pub fn einsum<O: Operand>(equation: &str, operands: &[O]) -> Result<O, O::Error> {
    let compact: String = equation.chars().filter(|c| !c.is_whitespace()).collect();
    let (lhs, rhs) = match compact.split_once("->") {
        Some((l, r)) => (l, Some(r)),
        None => (compact.as_str(), None),
    };
    let terms: Vec<&str> = lhs.split(',').collect();
    if terms.len() != operands.len() {
        return Err(bad(
            equation,
            format!("{} terms for {} operands", terms.len(), operands.len()),
        )
        .into());
    }
    let sizes: Vec<Vec<usize>> = operands.iter().map(|o| o.sizes()).collect();
    let letters = |t: &str| t.replace("...", "").chars().count();
    let ellipsis_rank = terms
        .iter()
        .zip(&sizes)
        .filter(|(t, _)| t.contains("..."))
        .map(|(t, s)| s.len().saturating_sub(letters(t)))
        .max()
        .unwrap_or(0);
    let mut inputs = Vec::with_capacity(terms.len());
    for (term, dims) in terms.iter().zip(&sizes) {
        if term.matches("...").count() > 1 {
            return Err(bad(equation, format!("term {term:?} has more than one `...`")).into());
        }
        let labels = term_labels(equation, term, Some(dims.len()), ellipsis_rank)?;
        if labels.len() != dims.len() {
            return Err(bad(
                equation,
                format!(
                    "term {term:?} names {} axes of shape {dims:?}",
                    labels.len()
                ),
            )
            .into());
        }
        for (i, j) in (0..labels.len()).flat_map(|i| (i + 1..labels.len()).map(move |j| (i, j))) {
            if labels[i] == labels[j] && dims[i] != dims[j] {
                return Err(bad(
                    equation,
                    format!(
                        "{} repeats in term {term:?} over axes {i} and {j} of shape {dims:?}, \
                         which differ in size",
                        label_name(labels[i])
                    ),
                )
                .into());
            }
        }
        inputs.push(labels);
    }
    let output = output_labels(equation, rhs, &inputs, ellipsis_rank)?;

    // Each operand without repeated letters, then without the letters only it has.
    let reduced = operands
        .iter()
        .zip(inputs)
        .map(|(operand, labels)| without_repeats(operand.clone(), labels))
        .collect::<Result<Vec<_>, _>>()?;
    let global = label_sizes(equation, &reduced)?;
    let mut pending = Vec::with_capacity(reduced.len());
    for k in 0..reduced.len() {
        let (operand, labels) = &reduced[k];
        let elsewhere = |l: &Label| {
            output.contains(l)
                || reduced
                    .iter()
                    .enumerate()
                    .any(|(j, (_, ls))| j != k && ls.contains(l))
        };
        let (operand, labels) = summed_out(operand, labels, elsewhere)?;
        pending.push(broadcast_to_global(operand, labels, &global)?);
    }

    // Contract from left to right.
    let mut rest = pending.into_iter();
    let (mut acc, mut acc_labels) = rest.next().ok_or_else(|| bad(equation, "no operands"))?;
    let later: Vec<Vec<Label>> = rest.clone().map(|(_, l)| l).collect();
    for (step, (b, b_labels)) in rest.enumerate() {
        let kept =
            |l: &Label| output.contains(l) || later[step + 1..].iter().any(|ls| ls.contains(l));
        (acc, acc_labels) = contract(&acc, &acc_labels, &b, &b_labels, kept, &global)?;
    }
    let order: Vec<isize> = output
        .iter()
        .map(|l| {
            acc_labels
                .iter()
                .position(|a| a == l)
                .expect("every output label") as isize
        })
        .collect();
    permute_unless_identity(&acc, &order)
}

/// The output labels: those after `->`, or else every label that appears once, in order, after
/// the `...` axes.
fn output_labels(
    equation: &str,
    rhs: Option<&str>,
    inputs: &[Vec<Label>],
    ellipsis_rank: usize,
) -> Result<Vec<Label>, TensorError> {
    let Some(rhs) = rhs else {
        let mut once: Vec<Label> = (0..ELLIPSIS)
            .filter(|l| inputs.iter().flatten().filter(|&x| x == l).count() == 1)
            .collect();
        let mut out: Vec<Label> = (ELLIPSIS..ELLIPSIS + ellipsis_rank).collect();
        out.append(&mut once);
        return Ok(out);
    };
    if rhs.matches("...").count() > 1 {
        return Err(bad(equation, "the output has more than one `...`"));
    }
    let out = term_labels(equation, rhs, None, ellipsis_rank)?;
    for (i, l) in out.iter().enumerate() {
        if out[..i].contains(l) {
            return Err(bad(equation, "a letter appears twice in the output"));
        }
        if !inputs.iter().flatten().any(|x| x == l) {
            return Err(bad(equation, "an output letter appears in no input"));
        }
    }
    Ok(out)
}

/// `operand` with each letter it repeats replaced by the diagonal over its axes (whose sizes
/// were checked to agree).
fn without_repeats<O: Operand>(
    mut operand: O,
    mut labels: Vec<Label>,
) -> Result<(O, Vec<Label>), O::Error> {
    while let Some((i, j)) = (0..labels.len())
        .flat_map(|i| (i + 1..labels.len()).map(move |j| (i, j)))
        .find(|&(i, j)| labels[i] == labels[j])
    {
        operand = operand.take_diagonal(i, j)?;
        let l = labels[i];
        labels.remove(j);
        labels.remove(i);
        labels.push(l);
    }
    Ok((operand, labels))
}

/// The size of each label over all operands: equal, or 1 where it broadcasts.
fn label_sizes<O: Operand>(
    equation: &str,
    operands: &[(O, Vec<Label>)],
) -> Result<Vec<usize>, TensorError> {
    let mut global = vec![1usize; ELLIPSIS + 64];
    // The operand that gave each label its size, if any.
    let mut from: Vec<Option<usize>> = vec![None; global.len()];
    for (k, (operand, labels)) in operands.iter().enumerate() {
        for (&l, d) in labels.iter().zip(operand.sizes()) {
            if l >= global.len() {
                return Err(bad(equation, "too many axes under `...`"));
            }
            match from[l] {
                Some(j) if global[l] != d && global[l] != 1 && d != 1 => {
                    return Err(bad(
                        equation,
                        format!(
                            "{} has size {} in operand {j} and {d} in operand {k}, which do not \
                             broadcast",
                            label_name(l),
                            global[l]
                        ),
                    ));
                }
                Some(_) if global[l] != 1 => {}
                _ => {
                    global[l] = d;
                    from[l] = Some(k);
                }
            }
        }
    }
    Ok(global)
}

/// How an error names a label: its letter, or its place under `...`.
fn label_name(l: Label) -> String {
    match l {
        0..26 => format!("letter {}", (b'A' + l as u8) as char),
        26..ELLIPSIS => format!("letter {}", (b'a' + (l - 26) as u8) as char),
        _ => format!("axis {} under `...`", l - ELLIPSIS),
    }
}

/// `operand` summed over the labels for which `keep` is false.
fn summed_out<O: Operand>(
    operand: &O,
    labels: &[Label],
    keep: impl Fn(&Label) -> bool,
) -> Result<(O, Vec<Label>), O::Error> {
    let axes: Vec<isize> = (0..labels.len())
        .filter(|&i| !keep(&labels[i]))
        .map(|i| i as isize)
        .collect();
    if axes.is_empty() {
        return Ok((operand.clone(), labels.to_vec()));
    }
    let rest = labels.iter().copied().filter(|l| keep(l)).collect();
    Ok((operand.sum_over(&axes)?, rest))
}

/// `operand` with its size-1 axes expanded to their labels' sizes.
fn broadcast_to_global<O: Operand>(
    operand: O,
    labels: Vec<Label>,
    global: &[usize],
) -> Result<(O, Vec<Label>), O::Error> {
    let want: Vec<usize> = labels.iter().map(|&l| global[l]).collect();
    if want == operand.sizes() {
        return Ok((operand, labels));
    }
    Ok((operand.expanded(want)?, labels))
}

/// `a` and `b` contracted over the labels they share and `kept` rejects, as one batched matrix
/// product: the shared kept labels are the batch, `a`'s own the rows, `b`'s own the columns.
fn contract<O: Operand>(
    a: &O,
    a_labels: &[Label],
    b: &O,
    b_labels: &[Label],
    kept: impl Fn(&Label) -> bool,
    global: &[usize],
) -> Result<(O, Vec<Label>), O::Error> {
    let in_b = |l: &Label| b_labels.contains(l);
    let in_a = |l: &Label| a_labels.contains(l);
    let batch: Vec<Label> = a_labels
        .iter()
        .copied()
        .filter(|l| in_b(l) && kept(l))
        .collect();
    let inner: Vec<Label> = a_labels
        .iter()
        .copied()
        .filter(|l| in_b(l) && !kept(l))
        .collect();
    let rows: Vec<Label> = a_labels.iter().copied().filter(|l| !in_b(l)).collect();
    let cols: Vec<Label> = b_labels.iter().copied().filter(|l| !in_a(l)).collect();
    let size = |ls: &[Label]| ls.iter().map(|&l| global[l]).product::<usize>();
    let batch_dims: Vec<usize> = batch.iter().map(|&l| global[l]).collect();
    let arrange = |o: &O, labels: &[Label], order: [&[Label]; 3], shape: [usize; 2]| {
        let mut dims = batch_dims.clone();
        dims.extend(shape);
        arrange_as(o, labels, &order, dims)
    };
    let labels: Vec<Label> = [&batch[..], &rows, &cols].concat();
    let dims: Vec<usize> = labels.iter().map(|&l| global[l]).collect();
    if inner.is_empty() {
        // Nothing to sum over: a broadcast product of [batch, rows, 1…] and [batch, 1…, cols].
        let ones = |ls: &[Label]| vec![1; ls.len()];
        let sized = |ls: &[Label]| ls.iter().map(|&l| global[l]).collect::<Vec<_>>();
        let left_dims = [batch_dims.clone(), sized(&rows), ones(&cols)].concat();
        let right_dims = [batch_dims.clone(), ones(&rows), sized(&cols)].concat();
        let left = arrange_as(a, a_labels, &[&batch, &rows], left_dims)?;
        let right = arrange_as(b, b_labels, &[&batch, &cols], right_dims)?;
        return Ok((left.product(&right)?, labels));
    }
    let (m, k, n) = (size(&rows), size(&inner), size(&cols));
    let left = arrange(a, a_labels, [&batch, &rows, &inner], [m, k])?;
    let right = arrange(b, b_labels, [&batch, &inner, &cols], [k, n])?;
    Ok((left.matrix_product(&right)?.reshaped(dims)?, labels))
}

/// `operand` with its axes (named by `labels`) permuted into the order of `groups`, then
/// reshaped to `dims`.
fn arrange_as<O: Operand>(
    operand: &O,
    labels: &[Label],
    groups: &[&[Label]],
    dims: Vec<usize>,
) -> Result<O, O::Error> {
    let axes: Vec<isize> = groups
        .concat()
        .iter()
        .map(|l| {
            labels
                .iter()
                .position(|x| x == l)
                .expect("a label of the operand") as isize
        })
        .collect();
    permute_unless_identity(operand, &axes)?.reshaped(dims)
}

/// `operand.permuted(axes)`, or `operand` itself when `axes` keeps the order.
fn permute_unless_identity<O: Operand>(operand: &O, axes: &[isize]) -> Result<O, O::Error> {
    if axes.iter().enumerate().all(|(i, &a)| a == i as isize) {
        return Ok(operand.clone());
    }
    operand.permuted(axes)
}

#[cfg(test)]
mod tests {
    use super::{term_labels, Label};
    use crate::random::Rng;
    use crate::Tensor;

    /// Einstein summation by brute force: every assignment of values to every label, the
    /// product of the operands' elements there (index 0 on a size-1 axis) added into the output
    /// element. Labels come from the same parser; an explicit output is required.
    fn naive(equation: &str, operands: &[&Tensor<f64>]) -> Tensor<f64> {
        let (lhs, rhs) = equation.split_once("->").unwrap();
        let terms: Vec<&str> = lhs.split(',').collect();
        let letters = |t: &str| t.replace("...", "").len();
        let ellipsis_rank = terms
            .iter()
            .zip(operands)
            .filter(|(t, _)| t.contains("..."))
            .map(|(t, o)| o.rank() - letters(t))
            .max()
            .unwrap_or(0);
        let inputs: Vec<Vec<Label>> = terms
            .iter()
            .zip(operands)
            .map(|(t, o)| term_labels(equation, t, Some(o.rank()), ellipsis_rank).unwrap())
            .collect();
        let output = term_labels(equation, rhs, None, ellipsis_rank).unwrap();
        // A label's size: any of its sizes other than 1, or 1.
        let mut size = vec![1usize; 128];
        for (labels, o) in inputs.iter().zip(operands) {
            for (&l, &d) in labels.iter().zip(o.dims()) {
                if d != 1 {
                    size[l] = d;
                }
            }
        }
        let all: Vec<Label> = (0..128)
            .filter(|l| inputs.iter().flatten().any(|x| x == l))
            .collect();
        let out_dims: Vec<usize> = output.iter().map(|&l| size[l]).collect();
        let mut out = Tensor::<f64>::zeros(out_dims.clone());
        let total: usize = all.iter().map(|&l| size[l]).product();
        let mut value = vec![0usize; 128];
        for mut code in 0..total {
            for &l in all.iter().rev() {
                value[l] = code % size[l];
                code /= size[l];
            }
            let mut product = 1.0;
            for (labels, o) in inputs.iter().zip(operands) {
                let index: Vec<usize> = labels
                    .iter()
                    .zip(o.dims())
                    .map(|(&l, &d)| if d == 1 { 0 } else { value[l] })
                    .collect();
                product *= o.get(&index).unwrap();
            }
            let at: Vec<usize> = output.iter().map(|&l| value[l]).collect();
            let old = out.get(&at).unwrap();
            out.set(&at, old + product).unwrap();
        }
        out
    }

    fn random(rng: &mut Rng, dims: &[usize]) -> Tensor<f64> {
        Tensor::from_fn(dims, |_| rng.next_f64() * 2.0 - 1.0)
    }

    #[test]
    fn einsum_matches_brute_force_summation() {
        let mut rng = Rng::seed(7);
        let cases: Vec<(&str, Vec<Vec<usize>>)> = vec![
            ("ij,jk->ik", vec![vec![2, 3], vec![3, 4]]),
            ("ij->ji", vec![vec![2, 3]]),
            ("ii->i", vec![vec![3, 3]]),
            ("ii->", vec![vec![3, 3]]),
            ("ij->", vec![vec![2, 3]]),
            ("i,i->", vec![vec![4], vec![4]]),
            ("i,j->ij", vec![vec![2], vec![3]]),
            ("ij,ij->ij", vec![vec![2, 3], vec![2, 3]]),
            ("bij,bjk->bik", vec![vec![2, 2, 3], vec![2, 3, 2]]),
            ("...ij,...jk->...ik", vec![vec![3, 1, 2, 3], vec![4, 3, 2]]),
            ("ijk,kj->i", vec![vec![2, 3, 4], vec![4, 3]]),
            ("iij,jk->ki", vec![vec![3, 3, 2], vec![2, 2]]),
            ("ab,bc,cd->ad", vec![vec![2, 3], vec![3, 2], vec![2, 4]]),
            ("ab,bc,ca->", vec![vec![2, 3], vec![3, 4], vec![4, 2]]),
            ("bn,anm,bm->ba", vec![vec![2, 3], vec![4, 3, 2], vec![2, 2]]),
            ("ij,j->i", vec![vec![3, 1], vec![4]]),
            ("i...->...", vec![vec![2, 3, 2]]),
            ("Ab,bA->A", vec![vec![2, 3], vec![3, 2]]),
            (",i->i", vec![vec![], vec![3]]),
            ("ij,jk->ik", vec![vec![2, 0], vec![0, 3]]),
        ];
        for (equation, shapes) in cases {
            let stored: Vec<Tensor<f64>> = shapes.iter().map(|d| random(&mut rng, d)).collect();
            // Each operand also as a non-contiguous view with the same elements.
            let views: Vec<Tensor<f64>> = stored
                .iter()
                .map(|t| t.flip(&(0..t.rank() as isize).collect::<Vec<_>>()).unwrap())
                .map(|t| {
                    t.contiguous()
                        .flip(&(0..t.rank() as isize).collect::<Vec<_>>())
                        .unwrap()
                })
                .collect();
            for operands in [&stored, &views] {
                let refs: Vec<&Tensor<f64>> = operands.iter().collect();
                let got = Tensor::einsum(equation, &refs).unwrap();
                let want = naive(equation, &refs);
                assert_eq!(got.dims(), want.dims(), "{equation}");
                for (g, w) in got.to_vec().iter().zip(want.to_vec()) {
                    assert!((g - w).abs() < 1e-12, "{equation}: {g} vs {w}");
                }
            }
        }
    }

    #[test]
    fn an_implicit_output_is_the_letters_seen_once_in_ascii_order_after_the_ellipsis() {
        let mut rng = Rng::seed(3);
        let a = random(&mut rng, &[2, 3, 4]);
        let b = random(&mut rng, &[4, 5]);
        let implicit = Tensor::einsum("...ij,jk", &[&a, &b]).unwrap();
        let explicit = Tensor::einsum("...ij,jk->...ik", &[&a, &b]).unwrap();
        assert_eq!(implicit.to_vec(), explicit.to_vec());
        let m = random(&mut rng, &[2, 3]);
        assert_eq!(
            Tensor::einsum("ba", &[&m]).unwrap().to_vec(),
            m.t().to_vec()
        );
        // Uppercase sorts first: "aB" → "Ba".
        assert_eq!(
            Tensor::einsum("aB", &[&m]).unwrap().to_vec(),
            m.t().to_vec()
        );
        assert_eq!(
            Tensor::einsum(" i j , j k ", &[&m, &m.t()]).unwrap().dims(),
            &[2, 2]
        );
    }

    #[test]
    fn malformed_equations_are_errors_that_name_einsum_and_the_equation() {
        let m = Tensor::<f64>::zeros([2, 3]);
        let v = Tensor::<f64>::zeros([4]);
        let bad: [(&str, Vec<&Tensor<f64>>); 10] = [
            ("ij,jk->ik", vec![&m]),
            ("ijk->i", vec![&m]),
            ("i->i", vec![&m]),
            ("ij,j->i", vec![&m, &v]),
            ("ii->i", vec![&m]),
            ("ij->ii", vec![&m]),
            ("ij->k", vec![&m]),
            ("i1->i", vec![&m]),
            ("......->", vec![&m]),
            ("ijk...->", vec![&m]),
        ];
        for (equation, operands) in bad {
            let e = Tensor::einsum(equation, &operands).unwrap_err().to_string();
            assert!(
                e.contains("einsum") && e.contains(equation),
                "{equation}: {e}"
            );
        }
        let e = Tensor::einsum("ij,jk->ik", &[&m, &Tensor::zeros([2, 4])])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("letter j has size 3 in operand 0 and 2 in operand 1"),
            "{e}"
        );
        let e = Tensor::einsum("iijj->", &[&Tensor::<f64>::zeros([2, 2, 3, 4])])
            .unwrap_err()
            .to_string();
        assert!(e.contains("axes 2 and 3 of shape [2, 2, 3, 4]"), "{e}");
    }
}
