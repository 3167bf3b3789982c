//! Regularised polynomial regression on the dam water-outflow data (book §3.2–3.4): polynomial
//! features, normalisation, learning curves on the training and validation sets, the L2
//! strength λ chosen on the validation set, and the error on the test set.
//!
//! ```sh
//! SCALPEL_DATA_DIR=/path/to/data cargo run --release --example regularized_regression_water
//! ```
//!
//! Reads `$SCALPEL_DATA_DIR/book/water_{train,val,test}.csv` (12, 21 and 21 samples; default
//! `./data/book/`) and writes the curves to `runs/regularized_regression_water/curves.svg`.
//!
//! The cost is J = (1/2m)·Σ(ŷ − y)² + (λ/2m)·Σw² (the bias not penalised); errors are J
//! without the penalty. Each model is the exact minimiser, from the regularised normal equation
//! solved by Gaussian elimination (`LinearRegression::fit_normal_equation`).

use std::path::Path;
use std::process::ExitCode;

use scalpel::data::formats::book::{self, WaterSplit};
use scalpel::data::transforms::Standardizer;
use scalpel::tensor::Tensor;
use scalpel_models::features::polynomial_features;
use scalpel_models::plot::{render_svg, Chart, Series};
use scalpel_models::LinearRegression;

/// Degree of the polynomial features (Andrew Ng's exercise 5, which the book follows).
const DEGREE: usize = 8;
/// The L2 strengths tried on the validation set.
const LAMBDAS: [f64; 10] = [0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0];
/// Stands in for λ = 0 on training sets smaller than the 9 parameters, where the unregularised
/// normal equation has no unique solution: a vanishing ridge picks one of the exact fits.
const TINY: f64 = 1e-6;

type Xy = (Tensor<f64>, Tensor<f64>);
type Error = Box<dyn std::error::Error>;
/// One point of a learning curve: (training samples m, training error, validation error).
type CurvePoint = (usize, f64, f64);

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Error> {
    let dir = scalpel::data::data_dir::data_dir().join("book");
    let train = book::water::<f64>(&dir, WaterSplit::Train)?;
    let val = book::water::<f64>(&dir, WaterSplit::Val)?;
    let test = book::water::<f64>(&dir, WaterSplit::Test)?;
    println!("dam outflow vs change of water level: 12 training, 21 validation, 21 test samples");

    // A straight line underfits (high bias): both errors are large.
    let line = LinearRegression::fit_normal_equation(&train.0, &train.1, 0.0)?;
    println!(
        "straight line: train error {:.3}, validation error {:.3}",
        line.cost(&train.0, &train.1, 0.0)?,
        line.cost(&val.0, &val.1, 0.0)?
    );

    // Polynomial features x … x⁸, standardised with the training set's statistics only.
    let poly = |x: &Tensor<f64>| polynomial_features(x, DEGREE);
    let scaler = Standardizer::fit(&poly(&train.0)?)?;
    let features =
        |(x, y): &Xy| -> Result<Xy, Error> { Ok((scaler.transform(&poly(x)?)?, y.clone())) };
    let (train, val, test) = (features(&train)?, features(&val)?, features(&test)?);

    // Validation curve: pick λ by the validation error.
    println!("\n{:>8} {:>12} {:>12}", "λ", "train error", "val error");
    let mut curve = Vec::new();
    for &lambda in &LAMBDAS {
        let model = LinearRegression::fit_normal_equation(&train.0, &train.1, lambda)?;
        let (e_train, e_val) = (
            model.cost(&train.0, &train.1, 0.0)?,
            model.cost(&val.0, &val.1, 0.0)?,
        );
        println!("{lambda:>8} {e_train:>12.4} {e_val:>12.4}");
        curve.push((lambda, e_train, e_val));
    }
    let &(best, _, best_val) = curve
        .iter()
        .min_by(|a, b| a.2.total_cmp(&b.2))
        .expect("LAMBDAS is not empty");
    println!("chosen on the validation set: λ = {best} (validation error {best_val:.4})");

    let model = LinearRegression::fit_normal_equation(&train.0, &train.1, best)?;
    let unregularised = LinearRegression::fit_normal_equation(&train.0, &train.1, 0.0)?;
    println!(
        "test error at λ = {best}: {:.4}; unregularised: {:.4}",
        model.cost(&test.0, &test.1, 0.0)?,
        unregularised.cost(&test.0, &test.1, 0.0)?
    );
    println!(
        "(Andrew Ng's exercise 5 reports about 3.86 at λ = 3, with an iterative optimiser and \
         the sample standard deviation)"
    );

    // Learning curves: errors as the training set grows, without and with regularisation.
    let without = learning_curve(&train, &val, 0.0)?;
    let with = learning_curve(&train, &val, best)?;
    println!("\nlearning curves (train / validation error by training-set size)");
    println!("{:>4} {:>21} {:>21}", "m", "λ = 0", format!("λ = {best}"));
    for (a, b) in without.iter().zip(&with) {
        println!(
            "{:>4} {:>10.3} {:>10.3} {:>10.3} {:>10.3}",
            a.0, a.1, a.2, b.1, b.2
        );
    }

    let out = Path::new("runs/regularized_regression_water");
    std::fs::create_dir_all(out)?;
    let lc = |title: String, points: &[CurvePoint]| Chart {
        title,
        x_label: "training samples".into(),
        y_label: "error".into(),
        series: vec![
            Series::new("train", points.iter().map(|p| (p.0 as f64, p.1)).collect()),
            Series::new(
                "validation",
                points.iter().map(|p| (p.0 as f64, p.2)).collect(),
            ),
        ],
    };
    let positive: Vec<_> = curve.iter().filter(|c| c.0 > 0.0).collect();
    let validation_curve = Chart {
        title: "choosing λ".into(),
        x_label: "log10 λ".into(),
        y_label: "error".into(),
        series: vec![
            Series::new(
                "train",
                positive.iter().map(|c| (c.0.log10(), c.1)).collect(),
            ),
            Series::new(
                "validation",
                positive.iter().map(|c| (c.0.log10(), c.2)).collect(),
            ),
        ],
    };
    let path = out.join("curves.svg");
    std::fs::write(
        &path,
        render_svg(&[
            lc("learning curve, λ = 0".into(), &without),
            lc(format!("learning curve, λ = {best}"), &with),
            validation_curve,
        ]),
    )?;
    println!("curves: {}", path.display());
    Ok(())
}

/// (m, train error on the first m samples, validation error) for m = 1 … 12.
fn learning_curve(train: &Xy, val: &Xy, lambda: f64) -> Result<Vec<CurvePoint>, Error> {
    let n = train.0.dims()[0];
    let mut points = Vec::new();
    for m in 1..=n {
        let (x, y) = (train.0.narrow(0, 0, m)?, train.1.narrow(0, 0, m)?);
        // Only where λ = 0 has no unique fit, so that m = 12 at λ = 0 is the same fit as the
        // validation table's λ = 0.
        let lambda = if lambda == 0.0 && m < DEGREE + 1 {
            TINY
        } else {
            lambda
        };
        let model = LinearRegression::fit_normal_equation(&x, &y, lambda)?;
        points.push((
            m,
            model.cost(&x, &y, 0.0)?,
            model.cost(&val.0, &val.1, 0.0)?,
        ));
    }
    Ok(points)
}
