//! Quickstart: a two-layer network learns the book's spiral data set (§3.6.1) with scalpel's
//! tensors and automatic differentiation. No data files needed; runs in seconds.
//!
//! ```sh
//! cargo run --release --example quickstart
//! ```

use indicatif::{ProgressBar, ProgressStyle};
use scalpel::data::synthetic::spiral;
use scalpel::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = Rng::seed(7);
    let (n, k, hidden, epochs, lr) = (100, 3, 100, 2000, 1.0f32);
    let (x, y) = spiral(n, k, &mut rng)?; // the book's gen_spiral_dataset
    let labels = y.reshape([n * k, 1])?;
    println!("spiral data: {} points in {k} classes; network 2-{hidden}-{k}, ReLU, softmax cross-entropy", n * k);

    // He initialisation for the ReLU layer, small weights for the output layer.
    let w1 = Var::parameter(rng.normal([2, hidden], 0.0, (2.0f32 / 2.0).sqrt())?);
    let b1 = Var::parameter(Tensor::zeros([hidden]));
    let w2 = Var::parameter(rng.normal([hidden, k], 0.0, 0.01)?);
    let b2 = Var::parameter(Tensor::zeros([k]));
    let params = [&w1, &b1, &w2, &b2];
    let input = Var::constant(x);

    let bar = ProgressBar::new(epochs as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} epochs  {msg}").expect("valid template"),
    );
    let mut accuracy = 0.0;
    for epoch in 0..epochs {
        let logits = input.matmul(&w1)?.add(&b1)?.relu()?.matmul(&w2)?.add(&b2)?;
        let loss = logits
            .log_softmax(1)?
            .gather(1, &labels)?
            .mean_all()?
            .neg()?;
        // A small L2 penalty on the weights, added the book's way: reg·ΣW².
        let reg = w1
            .square()?
            .sum_all()?
            .add(&w2.square()?.sum_all()?)?
            .mul_scalar(1e-4)?;
        let total = loss.add(&reg)?;
        total.backward()?;
        {
            let _frozen = no_grad();
            for p in params {
                let g = p.grad().expect("every parameter takes part in the loss");
                p.set_value(p.value().sub(&g.mul_scalar(lr))?)?;
                p.zero_grad();
            }
        }
        let predicted = logits.value().argmax(1, false)?;
        accuracy = predicted.eq(&y)?.count_true() as f64 / (n * k) as f64;
        if epoch % 20 == 0 || epoch + 1 == epochs {
            bar.set_position(epoch as u64 + 1);
            bar.set_message(format!(
                "loss {:.4}  accuracy {:.3}",
                loss.item()?,
                accuracy
            ));
        }
    }
    bar.finish();
    println!("training accuracy after {epochs} epochs: {accuracy:.3} (the book reports 0.99)");
    println!(
        "first-layer weights learned: shape {}, mean |w| = {:.3}",
        w1.shape(),
        w1.value().abs().mean_all()
    );
    Ok(())
}
