//! matmul with torch.matmul semantics: vectors promoted, batch dimensions broadcast; einsum,
//! which contracts its operands with matmul.

use scalpel_autograd::Var;
use scalpel_tensor::random::Rng;

use super::super::sample::{self, fmt_dims, View};
use super::super::{Case, Entry};
use super::{anywhere, maybe_squared, output_tag, several, OUTPUT_VIEWS};

/// matmul and einsum, checked to second order (matmul is bilinear, so its second derivative
/// pairs the two operands).
pub fn entries() -> Vec<Entry> {
    vec![
        Entry::gradgrad("matmul", matmul_cases),
        Entry::gradgrad("einsum", einsum_cases),
    ]
}

/// An operand's dimensions and view.
type Input = (Vec<usize>, View);

/// Products, contractions, diagonals, sums and broadcast `...` axes, on operands in each view;
/// a one-operand equation is linear, so its result is squared.
fn einsum_cases(rng: &mut Rng) -> Vec<Case> {
    let (c, w) = (View::Contiguous, View::Transposed);
    let (f, s, b) = (View::Flipped, View::Strided, View::Broadcast);
    let plan: Vec<(&'static str, Vec<Input>)> = vec![
        ("ij,jk->ik", vec![(vec![2, 3], w), (vec![3, 4], c)]),
        ("bij,bjk->bik", vec![(vec![2, 2, 3], f), (vec![2, 3, 2], s)]),
        ("ij,ij->", vec![(vec![3, 2], c), (vec![3, 2], w)]),
        ("i,j->ji", vec![(vec![3], f), (vec![2], c)]),
        ("ij,ij->ji", vec![(vec![2, 3], s), (vec![1, 3], c)]),
        (
            "...ij,...jk->...ik",
            vec![(vec![3, 1, 2, 2], c), (vec![2, 2, 3], b)],
        ),
        (
            "ab,bc,ca->",
            vec![(vec![2, 3], s), (vec![3, 2], c), (vec![2, 2], f)],
        ),
        ("iij,jk->ki", vec![(vec![3, 3, 2], c), (vec![2, 2], w)]),
        ("ii->i", vec![(vec![3, 3], w)]),
        ("ijk->kj", vec![(vec![2, 3, 2], s)]),
    ];
    plan.into_iter()
        .map(|(equation, inputs)| {
            let square = inputs.len() == 1;
            let label = if square {
                format!("(einsum {equation:?})²")
            } else {
                format!("einsum {equation:?}")
            };
            several(rng, &label, &inputs, move |xs| {
                let refs: Vec<&Var<f64>> = xs.iter().collect();
                maybe_squared(Var::einsum(equation, &refs)?, square)
            })
        })
        .collect()
}

/// Every operand-rank combination torch.matmul distinguishes, with random sizes ≤ 4 and
/// non-contiguous operands (a transposed matrix is the common case in a backward pass).
fn matmul_cases(rng: &mut Rng) -> Vec<Case> {
    let mut s = || sample::size(rng, 1, 4);
    let (b, c, n, k, m) = (s(), s(), s(), s(), s());
    let plan: Vec<(Vec<usize>, View, Vec<usize>, View)> = vec![
        // vector · vector
        (vec![k], View::Contiguous, vec![k], View::Flipped),
        // vector · matrix, matrix · vector
        (vec![k], View::Contiguous, vec![k, m], View::Transposed),
        (vec![n, k], View::Strided, vec![k], View::Contiguous),
        // matrix · matrix, plain and with both operands transposed
        (vec![n, k], View::Contiguous, vec![k, m], View::Contiguous),
        (vec![n, k], View::Transposed, vec![k, m], View::Transposed),
        // batched · matrix (the matrix broadcast over the batch) and matrix · batched
        (vec![b, n, k], View::Flipped, vec![k, m], View::Contiguous),
        (vec![n, k], View::Contiguous, vec![b, k, m], View::Strided),
        // batched · batched, each operand one matrix broadcast over the batch (stride 0)
        (
            vec![b, n, k],
            View::Broadcast,
            vec![b, k, m],
            View::Broadcast,
        ),
        // broadcast batch dimensions: (b,1,n,k) · (c,k,m) → (b,c,n,m)
        (
            vec![b, 1, n, k],
            View::Contiguous,
            vec![c, k, m],
            View::Transposed,
        ),
        // vector with a batch on either side
        (vec![k], View::Contiguous, vec![b, k, m], View::Contiguous),
        (vec![b, n, k], View::Transposed, vec![k], View::Contiguous),
    ];
    plan.into_iter()
        .enumerate()
        .map(|(i, (a, va, bd, vb))| {
            let ta = anywhere(rng, &va.stored_dims(&a));
            let tb = anywhere(rng, &vb.stored_dims(&bd));
            // The output has the larger rank, less one per vector operand.
            let out_rank = match (a.len(), bd.len()) {
                (1, 1) => 0,
                (1, r) | (r, 1) => r - 1,
                (ra, rb) => ra.max(rb),
            };
            let vo = OUTPUT_VIEWS[i % 3];
            Case::new(
                format!(
                    "{}{} @ {}{}{}",
                    fmt_dims(&a),
                    va.tag(a.len()),
                    fmt_dims(&bd),
                    vb.tag(bd.len()),
                    output_tag(vo, out_rank)
                ),
                vec![ta, tb],
                move |xs| vo.apply(&va.apply(&xs[0])?.matmul(&vb.apply(&xs[1])?)?),
            )
        })
        .collect()
}
