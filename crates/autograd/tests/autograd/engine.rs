//! The backward engine: accumulation, graph freeing, no_grad, hooks, anomaly mode, graph export,
//! deep graphs and higher-order gradients.

use std::sync::{Arc, Mutex};

use scalpel_autograd::{
    detect_anomaly, grad, grad_with, no_grad, AutogradError, BackwardOptions, CustomOp, Var,
};
use scalpel_tensor::{Shape, Tensor};

fn v(data: &[f64]) -> Tensor<f64> {
    Tensor::from_vec1(data.to_vec())
}

#[test]
fn var_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Var<f32>>();
    assert_send_sync::<Var<f64>>();
}

#[test]
fn gradients_accumulate_until_zero_grad() {
    let w = Var::parameter(v(&[1.0, 2.0]));
    for _ in 0..2 {
        w.mul_scalar(3.0)
            .unwrap()
            .sum_all()
            .unwrap()
            .backward()
            .unwrap();
    }
    assert_eq!(w.grad().unwrap().to_vec(), vec![6.0, 6.0]);
    w.zero_grad();
    assert!(w.grad().is_none());
}

#[test]
fn a_variable_used_twice_gets_both_contributions() {
    let x = Var::parameter(v(&[3.0]));
    let y = x.mul(&x).unwrap().add(&x).unwrap().sum_all().unwrap(); // x² + x
    y.backward().unwrap();
    assert_eq!(x.grad().unwrap().to_vec(), vec![7.0]);
}

#[test]
fn second_backward_through_a_freed_graph_is_an_error_unless_retained() {
    let x = Var::parameter(v(&[2.0]));
    let y = x.exp().unwrap().sum_all().unwrap();
    y.backward().unwrap();
    assert!(matches!(
        y.backward(),
        Err(AutogradError::GraphFreed { op: "sum" })
    ));
    let z = x.exp().unwrap().sum_all().unwrap();
    let keep = BackwardOptions {
        retain_graph: true,
        create_graph: false,
    };
    x.zero_grad();
    z.backward_with(None, keep).unwrap();
    z.backward_with(None, keep).unwrap();
    assert!((x.grad().unwrap().to_vec()[0] - 2.0 * 2f64.exp()).abs() < 1e-12);
}

#[test]
fn grad_with_retain_graph_takes_one_output_at_a_time_from_a_shared_graph() {
    // y₁ = Σ e^(2x), y₂ = Σ 3·e^(2x) share e^(2x); d/dx = 2e^(2x) and 6e^(2x).
    let x = Var::parameter(v(&[0.5, -1.0]));
    let shared = x.mul_scalar(2.0).unwrap().exp().unwrap();
    let y1 = shared.sum_all().unwrap();
    let y2 = shared.mul_scalar(3.0).unwrap().sum_all().unwrap();
    let keep = BackwardOptions {
        retain_graph: true,
        create_graph: false,
    };
    let d1 = grad_with(
        std::slice::from_ref(&y1),
        None,
        std::slice::from_ref(&x),
        keep,
    )
    .unwrap();
    let d2 = grad(
        std::slice::from_ref(&y2),
        None,
        std::slice::from_ref(&x),
        false,
    )
    .unwrap();
    for (d, k) in [(&d1, 2.0), (&d2, 6.0)] {
        let d = d[0].as_ref().unwrap();
        assert!(!d.requires_grad(), "no graph was asked for");
        for (g, x) in d.value().to_vec().iter().zip([0.5f64, -1.0]) {
            assert!((g - k * (2.0 * x).exp()).abs() < 1e-12);
        }
    }
    assert!(x.grad().is_none(), "grad accumulates nothing");
    // Without retain_graph the first call frees what the second needs.
    let shared = x.mul_scalar(2.0).unwrap().exp().unwrap();
    let (y1, y2) = (shared.sum_all().unwrap(), shared.sum_all().unwrap());
    grad(&[y1], None, std::slice::from_ref(&x), false).unwrap();
    assert!(matches!(
        grad(&[y2], None, &[x], false),
        Err(AutogradError::GraphFreed { .. })
    ));
}

#[test]
fn no_grad_builds_no_nodes_and_detach_cuts_the_graph() {
    let w = Var::parameter(v(&[1.0]));
    {
        let _g = no_grad();
        let y = w.exp().unwrap();
        assert!(!y.requires_grad() && y.is_leaf());
    }
    let y = w.exp().unwrap();
    assert_eq!(y.op_name(), Some("exp"));
    let d = y.detach();
    assert!(d.is_leaf() && !d.requires_grad());
    assert_eq!(d.value(), y.value());
}

#[test]
fn non_scalar_backward_needs_a_gradient() {
    let x = Var::parameter(v(&[1.0, 2.0]));
    let y = x.mul_scalar(2.0).unwrap();
    assert!(matches!(
        y.backward(),
        Err(AutogradError::NonScalarOutput { .. })
    ));
    y.backward_with(Some(v(&[1.0, 10.0])), BackwardOptions::default())
        .unwrap();
    assert_eq!(x.grad().unwrap().to_vec(), vec![2.0, 20.0]);
}

#[test]
fn broadcast_inputs_receive_gradients_of_their_own_shape() {
    let a = Var::parameter(Tensor::ones([2, 3]));
    let b = Var::parameter(v(&[1.0, 2.0, 3.0]));
    a.mul(&b).unwrap().sum_all().unwrap().backward().unwrap();
    assert_eq!(b.grad().unwrap().to_vec(), vec![2.0, 2.0, 2.0]);
    assert_eq!(a.grad().unwrap().dims(), &[2, 3]);
}

#[test]
fn hooks_see_and_can_replace_gradients() {
    let x = Var::parameter(v(&[1.0, -4.0]));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    x.register_hook(move |g| {
        s.lock().unwrap().push(g.to_vec());
        Some(g.clamp(-1.0, 1.0).unwrap())
    });
    x.mul_scalar(5.0)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    assert_eq!(seen.lock().unwrap().clone(), vec![vec![5.0, 5.0]]);
    assert_eq!(x.grad().unwrap().to_vec(), vec![1.0, 1.0]);
}

#[test]
fn hooks_on_intermediate_variables_change_what_flows_on() {
    let x = Var::parameter(v(&[2.0]));
    let y = x.mul_scalar(3.0).unwrap();
    y.register_hook(|g| Some(g.mul_scalar(10.0)));
    y.sum_all().unwrap().backward().unwrap();
    assert_eq!(x.grad().unwrap().to_vec(), vec![30.0]);
}

#[test]
fn a_hook_that_changes_the_gradient_shape_is_an_error() {
    // On a leaf: the [3] replacement would have become the [2] parameter's gradient.
    let a = Var::parameter(v(&[1.0, 2.0]));
    a.register_hook(|_| Some(v(&[1.0, 2.0, 3.0])));
    let e = a.sum_all().unwrap().backward().unwrap_err().to_string();
    assert!(
        e.contains("hook") && e.contains("[3]") && e.contains("[2]"),
        "{e}"
    );
    assert!(a.grad().is_none());
    // On an intermediate variable: it would have broadcast into the leaf's gradient.
    let a = Var::parameter(v(&[1.0, 2.0]));
    let m = a.mul_scalar(2.0).unwrap();
    m.register_hook(|_| Some(Tensor::scalar(7.0)));
    let e = m.sum_all().unwrap().backward().unwrap_err().to_string();
    assert!(
        e.contains("hook") && e.contains("[]") && e.contains("[2]"),
        "{e}"
    );
}

/// A custom operation whose backward returns what it is told to, right or wrong.
struct Returns(fn(&Var<f64>) -> Vec<Option<Var<f64>>>);

impl CustomOp<f64> for Returns {
    fn name(&self) -> &'static str {
        "returns"
    }
    fn backward(
        &self,
        _inputs: &[Var<f64>],
        _output: &Var<f64>,
        grad: &Var<f64>,
    ) -> scalpel_autograd::Result<Vec<Option<Var<f64>>>> {
        Ok((self.0)(grad))
    }
}

/// A custom square whose backward reads its own node through `output`.
struct ReadsItsNode(Arc<Mutex<Vec<usize>>>);

impl CustomOp<f64> for ReadsItsNode {
    fn name(&self) -> &'static str {
        "reads_its_node"
    }
    fn backward(
        &self,
        inputs: &[Var<f64>],
        output: &Var<f64>,
        grad: &Var<f64>,
    ) -> scalpel_autograd::Result<Vec<Option<Var<f64>>>> {
        self.0.lock().unwrap().push(output.inputs().len());
        Ok(vec![Some(grad.mul(&inputs[0].mul_scalar(2.0)?)?)])
    }
}

#[test]
fn a_custom_backward_may_read_its_own_node() {
    // It used to deadlock: the engine held the node's lock while the rule ran. A watchdog turns
    // a hang into a failure.
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let x = Var::parameter(v(&[3.0]));
        let y = Var::from_custom(
            v(&[9.0]),
            std::slice::from_ref(&x),
            ReadsItsNode(seen.clone()),
        )
        .unwrap();
        let keep = BackwardOptions {
            retain_graph: true,
            create_graph: false,
        };
        y.backward_with(None, keep).unwrap();
        y.backward().unwrap();
        let seen = seen.lock().unwrap().clone();
        done.send((seen, x.grad().unwrap().to_vec())).unwrap();
    });
    let (seen, grad) = finished
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("backward hung");
    // Retained, the node still lists its input; freed as the second backward goes, it lists none.
    assert_eq!(seen, vec![1, 0]);
    assert_eq!(grad, vec![12.0]);
}

#[test]
fn a_custom_backward_with_wrong_gradients_is_an_error_naming_the_op() {
    let run = |rule: fn(&Var<f64>) -> Vec<Option<Var<f64>>>| {
        let (a, b) = (
            Var::parameter(v(&[1.0, 2.0])),
            Var::parameter(v(&[3.0, 4.0])),
        );
        let y = Var::from_custom(v(&[0.0, 0.0]), &[a.clone(), b.clone()], Returns(rule)).unwrap();
        let result = y.sum_all().unwrap().backward().map_err(|e| e.to_string());
        (result, a.grad(), b.grad())
    };
    // Right: one gradient per input, of its shape (None for an input that needs none).
    let (ok, ga, gb) = run(|g| vec![Some(g.clone()), None]);
    assert!(ok.is_ok());
    assert_eq!((ga.unwrap().to_vec(), gb), (vec![1.0, 1.0], None));
    // One gradient for two inputs: b would have been left without one, silently.
    let (e, ga, _) = run(|g| vec![Some(g.clone())]);
    let e = e.unwrap_err();
    assert!(
        e.contains("returns") && e.contains("1 gradients for 2 inputs"),
        "{e}"
    );
    assert!(ga.is_none());
    // A gradient of another shape.
    let (e, _, _) = run(|g| vec![Some(g.clone()), Some(g.sum_all().unwrap())]);
    let e = e.unwrap_err();
    assert!(
        e.contains("returns") && e.contains("[]") && e.contains("[2]"),
        "{e}"
    );
}

#[test]
fn set_grad_refuses_a_gradient_of_another_shape() {
    let a = Var::parameter(v(&[1.0, 2.0]));
    a.set_grad(Some(v(&[0.5, 0.5]))).unwrap();
    let e = a
        .set_grad(Some(Tensor::from_vec(vec![1.0, 1.0], [2, 1]).unwrap()))
        .unwrap_err()
        .to_string();
    assert!(e.contains("set_grad") && e.contains("[2, 1]"), "{e}");
    // The refused gradient left the previous one in place.
    assert_eq!(a.grad().unwrap().to_vec(), vec![0.5, 0.5]);
    a.set_grad(None).unwrap();
    assert!(a.grad().is_none());
}

#[test]
fn anomaly_mode_names_the_forward_op_and_label() {
    let _a = detect_anomaly();
    let x = Var::parameter(v(&[-1.0, 4.0]));
    x.set_label("weights");
    let e = x.ln().unwrap_err();
    assert!(
        matches!(
            &e,
            AutogradError::Anomaly {
                pass: "forward",
                op: "ln",
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("weights"), "{e}");
}

#[test]
fn anomaly_mode_catches_non_finite_gradients_in_backward() {
    let _a = detect_anomaly();
    let x = Var::parameter(v(&[0.0]));
    let y = x.sqrt().unwrap().sum_all().unwrap(); // d√x/dx = ∞ at 0
    let e = y.backward().unwrap_err();
    assert!(
        matches!(
            e,
            AutogradError::Anomaly {
                pass: "backward",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn dropping_an_unused_deep_graph_does_not_overflow_the_stack() {
    let x = Var::parameter(Tensor::<f32>::ones([1]));
    let mut y = x.clone();
    for _ in 0..200_000 {
        y = y.mul_scalar(1.0).unwrap();
    }
    drop(y);
}

#[test]
fn grad_returns_gradients_without_touching_grad_fields() {
    let x = Var::parameter(v(&[1.0, 2.0]));
    let y = x.square().unwrap().sum_all().unwrap();
    let g = grad(&[y], None, std::slice::from_ref(&x), false).unwrap();
    assert_eq!(g[0].as_ref().unwrap().value().to_vec(), vec![2.0, 4.0]);
    assert!(x.grad().is_none());
    let unrelated = Var::parameter(v(&[1.0]));
    let y2 = x.sum_all().unwrap();
    assert!(grad(&[y2], None, &[unrelated], false).unwrap()[0].is_none());
}

/// `grad(outputs, [a])` as plain numbers.
fn grad_of(y: &Var<f64>, a: &Var<f64>) -> Result<Vec<f64>, AutogradError> {
    let g = grad(
        std::slice::from_ref(y),
        None,
        std::slice::from_ref(a),
        false,
    )?;
    Ok(g[0].as_ref().unwrap().value().to_vec())
}

#[test]
fn grad_runs_only_the_branches_that_lead_to_its_inputs() {
    let a = Var::parameter(v(&[1.0, 2.0]));
    let b = Var::parameter(v(&[3.0]));
    let square = |x: &Var<f64>| x.mul(x).unwrap().sum_all().unwrap();
    // A leaf changed after use on a branch that does not lead to `a` is not an error there.
    let loss = square(&a).add(&square(&b)).unwrap();
    b.set_value(v(&[5.0])).unwrap();
    assert_eq!(grad_of(&loss, &a).unwrap(), vec![2.0, 4.0]);
    // A branch whose graph an earlier backward freed is still an error: its inputs are no
    // longer known, so it might lead to `a` (a missing gradient would be silently wrong).
    let hb = square(&b);
    hb.backward().unwrap();
    let loss = square(&a).add(&hb).unwrap();
    assert!(matches!(
        grad_of(&loss, &a),
        Err(AutogradError::GraphFreed { .. })
    ));
    // A hook on a variable off the path does not fire.
    let fired = Arc::new(Mutex::new(0));
    let count = fired.clone();
    b.register_hook(move |_| {
        *count.lock().unwrap() += 1;
        None
    });
    let y = a.mul(&b).unwrap().sum_all().unwrap();
    assert_eq!(grad_of(&y, &a).unwrap(), vec![5.0, 5.0]);
    assert_eq!(*fired.lock().unwrap(), 0);
    // On the path, the same checks still apply.
    let y = a.mul(&b).unwrap().sum_all().unwrap();
    a.set_value(v(&[0.0, 0.0])).unwrap();
    assert!(matches!(
        grad_of(&y, &b),
        Err(AutogradError::ChangedAfterUse { .. })
    ));
}

#[test]
fn hessian_vector_product_of_a_quadratic_form() {
    // f(x) = ½ xᵀAx with symmetric A: ∇f = Ax, H = A, so Hv = Av.
    let a = Tensor::from_rows(&[[2.0f64, 1.0], [1.0, 3.0]]).unwrap();
    let x = Var::parameter(v(&[0.5, -1.0]));
    let ax = Var::constant(a.clone()).matmul(&x).unwrap();
    let f = x
        .mul(&ax)
        .unwrap()
        .sum_all()
        .unwrap()
        .mul_scalar(0.5)
        .unwrap();
    let g = grad(&[f], None, std::slice::from_ref(&x), true).unwrap()[0]
        .clone()
        .unwrap();
    let vdir = Var::constant(v(&[1.0, 2.0]));
    let gv = g.mul(&vdir).unwrap().sum_all().unwrap();
    let hv = grad(&[gv], None, &[x], false).unwrap()[0].clone().unwrap();
    assert_eq!(hv.value().to_vec(), vec![4.0, 7.0]);
}

#[test]
fn third_derivative_of_a_sine() {
    let x = Var::parameter(v(&[0.3]));
    let mut d = x.sin().unwrap().sum_all().unwrap();
    for _ in 0..3 {
        d = grad(&[d], None, std::slice::from_ref(&x), true).unwrap()[0]
            .clone()
            .unwrap()
            .sum_all()
            .unwrap();
    }
    assert!((d.item().unwrap() + 0.3f64.cos()).abs() < 1e-14); // sin''' = −cos
}

#[test]
fn to_dot_renders_a_small_mlp_as_valid_dot_with_gradient_norms() {
    let x = Var::constant(Tensor::ones([4, 3]));
    let w1 = Var::parameter(Tensor::full([3, 5], 0.1));
    let w2 = Var::parameter(Tensor::full([5, 2], 0.2));
    w1.set_label("fc1.weight");
    let h = x.matmul(&w1).unwrap().relu().unwrap();
    let loss = h
        .matmul(&w2)
        .unwrap()
        .log_softmax(1)
        .unwrap()
        .mean_all()
        .unwrap();
    loss.backward_with(
        None,
        BackwardOptions {
            retain_graph: true,
            create_graph: false,
        },
    )
    .unwrap();
    let dot = loss.to_dot();
    assert!(dot.starts_with("digraph scalpel {") && dot.trim_end().ends_with('}'));
    // Every edge joins two declared nodes.
    let declared: Vec<&str> = dot
        .lines()
        .filter(|l| l.contains("[label="))
        .map(|l| l.trim().split(' ').next().unwrap())
        .collect();
    let edges: Vec<(&str, &str)> = dot
        .lines()
        .filter(|l| l.contains("->"))
        .map(|l| {
            let mut p = l.trim().trim_end_matches(';').split(" -> ");
            (p.next().unwrap(), p.next().unwrap())
        })
        .collect();
    assert_eq!(declared.len(), 8, "{dot}"); // x, w1, w2, matmul, relu, matmul, log_softmax, mean
    assert_eq!(edges.len(), 7, "{dot}");
    assert!(edges
        .iter()
        .all(|(a, b)| declared.contains(a) && declared.contains(b)));
    assert!(
        dot.contains("fc1.weight") && dot.contains("|grad| = "),
        "{dot}"
    );
    assert!(dot.lines().filter(|l| l.contains('{')).count() == 1);
}

#[test]
fn a_matrix_used_transposed_gets_a_contiguous_gradient_of_the_right_value() {
    // y = a·bᵀ and z = aᵀ·b with a (2×3), b (4×3) and then (2×4): the operands stored transposed
    // get their gradients computed transposed, and the values are those of the plain products.
    let a = Var::parameter(Tensor::from_fn([2, 3], |i| i as f64 + 1.0));
    let b = Var::parameter(Tensor::from_fn([4, 3], |i| (i as f64) * 0.5 - 2.0));
    let g = Tensor::from_fn([2, 4], |i| (i as f64) - 3.0);
    a.matmul(&b.t().unwrap())
        .unwrap()
        .backward_with(Some(g.clone()), BackwardOptions::default())
        .unwrap();
    let (ga, gb) = (a.grad().unwrap(), b.grad().unwrap());
    assert!(gb.is_contiguous(), "the gradient of b is a strided view");
    // d(a·bᵀ)/da = g·b, d/db = gᵀ·a, by hand from the plain products.
    assert_eq!(ga.to_vec(), g.matmul(&b.value()).unwrap().to_vec());
    assert_eq!(gb.to_vec(), g.t().matmul(&a.value()).unwrap().to_vec());

    let c = Var::parameter(Tensor::from_fn([4, 2], |i| (i as f64) * 0.25));
    let d = Var::parameter(Tensor::from_fn([4, 3], |i| 1.0 - i as f64));
    let h = Tensor::from_fn([2, 3], |i| (i as f64) + 0.5);
    c.t()
        .unwrap()
        .matmul(&d)
        .unwrap()
        .backward_with(Some(h.clone()), BackwardOptions::default())
        .unwrap();
    let gc = c.grad().unwrap();
    assert!(gc.is_contiguous(), "the gradient of c is a strided view");
    assert_eq!(gc.to_vec(), d.value().matmul(&h.t()).unwrap().to_vec());
}

#[test]
fn slice_grad_refuses_what_does_not_fit_empty_or_not() {
    let into = Shape::new(&[3, 7]);
    let misfits: [(Vec<usize>, usize, usize, usize); 6] = [
        (vec![0, 5], 0, 0, 1), // axis 1 differs, and nothing is picked along axis 0
        (vec![1, 5], 0, 0, 1), // the same with one row
        (vec![0], 0, 2, 1),    // rank 1 into rank 2
        (vec![0, 7], 0, 1, 0), // step 0
        (vec![0, 7], 0, 4, 1), // starts past the end
        (vec![2, 7], 0, 2, 1), // runs past the end
    ];
    for (dims, axis, start, step) in misfits {
        let s = Var::parameter(Tensor::<f64>::zeros(dims.as_slice()));
        let e = s
            .slice_grad(&into, axis, start, step)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("slice_grad: "),
            "{dims:?} at {start} step {step}: {e}"
        );
    }
    // Nothing picked, from anywhere up to the end: zeros.
    for start in 0..=3 {
        let s = Var::parameter(Tensor::<f64>::zeros([0, 7]));
        let z = s.slice_grad(&into, 0, start, 2).unwrap();
        assert_eq!(z.value().to_vec(), vec![0.0; 21]);
    }
}

#[test]
fn an_empty_slice_anywhere_gives_a_zero_gradient() {
    let x = Var::parameter(v(&[1.0, 2.0, 3.0]));
    for start in 0..=3 {
        x.zero_grad();
        let empty = x.narrow(0, start, 0).unwrap().sum_all().unwrap();
        empty
            .add(&x.sum_all().unwrap())
            .unwrap()
            .backward()
            .unwrap();
        assert_eq!(x.grad().unwrap().to_vec(), vec![1.0; 3], "start {start}");
    }
    // Python's clamped ranges: x[5:9], x[2:1], x[1:9:2], whose end passes the dimension, and
    // x[1:3:huge], whose step would overflow an end computed as start + step·n
    for (start, end, step, want) in [
        (5, 9, 1, vec![0.0; 3]),
        (2, 1, 1, vec![0.0; 3]),
        (1, 9, 2, vec![0.0, 1.0, 0.0]),
        (1, 3, usize::MAX, vec![0.0, 1.0, 0.0]),
    ] {
        x.zero_grad();
        x.slice(0, start, end, step)
            .unwrap()
            .sum_all()
            .unwrap()
            .backward()
            .unwrap();
        assert_eq!(
            x.grad().unwrap().to_vec(),
            want,
            "{start}..{end} step {step}"
        );
    }
    // ... and twice over: the backward of slice_grad slices with the huge step again
    let y = x.slice(0, 1, 3, usize::MAX).unwrap();
    let dy = grad(
        &[y.mul(&y).unwrap().sum_all().unwrap()],
        None,
        std::slice::from_ref(&x),
        true,
    )
    .unwrap();
    x.zero_grad();
    dy[0]
        .as_ref()
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.0, 2.0, 0.0]);
    // concat with an empty part narrows its gradient to nothing, twice over
    let e = Var::parameter(Tensor::<f64>::zeros([0]));
    let y = Var::concat(&[&e, &x], 0).unwrap();
    let g = grad(
        &[y.mul(&y).unwrap().sum_all().unwrap()],
        None,
        std::slice::from_ref(&x),
        true,
    )
    .unwrap();
    x.zero_grad();
    g[0].as_ref()
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap();
    assert_eq!(x.grad().unwrap().to_vec(), vec![2.0; 3]);
}

#[test]
fn backward_from_an_output_no_parameter_reaches_is_an_error() {
    let c = Var::constant(v(&[1.0, 2.0]));
    let e = c
        .mul(&c)
        .unwrap()
        .sum_all()
        .unwrap()
        .backward()
        .unwrap_err();
    assert!(matches!(e, AutogradError::NoGradient(_)), "{e}");
    assert!(e.to_string().contains("does not require a gradient"), "{e}");
    let x = Var::parameter(v(&[1.0, 2.0]));
    let loss = {
        let _g = no_grad();
        x.mul(&x).unwrap().sum_all().unwrap()
    };
    assert!(matches!(loss.backward(), Err(AutogradError::NoGradient(_))));
    assert!(x.grad().is_none());
}

#[test]
fn backward_after_a_leaf_changed_is_an_error_not_a_stale_gradient() {
    // relu's rule reads its input's value: after set_value it would see x = 1 and give 5.
    let x = Var::parameter(v(&[-1.0]));
    x.set_label("x");
    let y = x
        .relu()
        .unwrap()
        .mul_scalar(5.0)
        .unwrap()
        .sum_all()
        .unwrap();
    x.set_value(v(&[1.0])).unwrap();
    let e = y.backward().unwrap_err();
    assert_eq!(
        e,
        AutogradError::ChangedAfterUse {
            op: "relu",
            leaves: "`x`".into()
        }
    );
    assert!(e.to_string().contains("run the forward pass again"), "{e}");
    assert!(x.grad().is_none());
    // x² at 3, then an optimizer-like update to 100: not 200, not 6, but an error.
    let x = Var::parameter(v(&[3.0]));
    let y = x.mul(&x).unwrap().sum_all().unwrap();
    x.update_value(|d| d[0] = 100.0).unwrap();
    let e = y.backward().unwrap_err();
    // The leaf is named once, though mul used it twice.
    assert_eq!(
        e,
        AutogradError::ChangedAfterUse {
            op: "mul",
            leaves: "leaf of shape [1]".into()
        }
    );
    // A forward pass after the change is fine, and so is a change after backward.
    let y = x.mul(&x).unwrap().sum_all().unwrap();
    y.backward().unwrap();
    x.update_value(|d| d[0] = 1.0).unwrap();
    assert_eq!(x.grad().unwrap().to_vec(), vec![200.0]);
}

#[test]
fn leaf_only_methods_on_a_result_and_a_wrong_shape_are_typed_errors() {
    let x = Var::parameter(v(&[1.0, 2.0]));
    let y = x.exp().unwrap();
    let e = y.set_value(v(&[0.0, 0.0])).unwrap_err();
    assert_eq!(
        e,
        AutogradError::NotALeaf {
            op: "set_value",
            made_by: "exp"
        }
    );
    assert!(matches!(
        y.update_value(|_| ()),
        Err(AutogradError::NotALeaf {
            op: "update_value",
            ..
        })
    ));
    assert!(matches!(
        y.set_requires_grad(false),
        Err(AutogradError::NotALeaf { .. })
    ));
    let e = x.set_value(v(&[1.0])).unwrap_err();
    assert!(
        matches!(
            e,
            AutogradError::Tensor(scalpel_tensor::TensorError::ShapeMismatch { .. })
        ),
        "{e}"
    );
    assert!(e.to_string().starts_with("set_value: [1] and [2]"), "{e}");
}
