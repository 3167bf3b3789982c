//! Linear regression on the book's food-truck data (§3.1): profit of a food truck against the
//! population of its city, fitted by the normal equation and by gradient descent, which agree.
//!
//! ```sh
//! SCALPEL_DATA_DIR=/path/to/data cargo run --release --example linear_regression
//! ```
//!
//! Reads `$SCALPEL_DATA_DIR/book/food_truck_data.txt` (default `./data/book/`); writes the cost
//! curve of gradient descent to `runs/linear_regression/cost.svg`. The fitting code is
//! `scalpel_models::recipes::food_truck`, the one `cargo xtask train-suite` checks.

use std::path::Path;
use std::process::ExitCode;

use scalpel_models::plot::{render_svg, Chart, Series};
use scalpel_models::recipes::{food_truck, RecipeOptions, FOOD_TRUCK_GD};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let r = food_truck(&RecipeOptions::default())?;
    let (w, b) = r.normal_equation;
    let (gw, gb) = r.gradient_descent;
    println!("food truck: 97 cities, profit = w·population + b (both in units of 10,000)");
    println!(
        "normal equation:  w = {w:.6}  b = {b:.6}  cost J = {:.6}",
        r.cost
    );
    println!(
        "gradient descent: w = {gw:.6}  b = {gb:.6}  after {} iterations (α = {}, {})",
        r.descent.iterations,
        FOOD_TRUCK_GD.lr,
        if r.descent.converged {
            "converged"
        } else {
            "not converged"
        }
    );
    println!(
        "largest difference: {:.2e} (train-suite threshold 1e-3)",
        r.max_abs_difference
    );
    println!(
        "predicted profit: ${:.0} for 35,000 people, ${:.0} for 70,000",
        r.predictions[0] * 10_000.0,
        r.predictions[1] * 10_000.0
    );

    let dir = Path::new("runs/linear_regression");
    std::fs::create_dir_all(dir)?;
    let shown = r.descent.costs.len().min(1500);
    let costs = r.descent.costs[..shown]
        .iter()
        .enumerate()
        .map(|(i, &c)| (i as f64, c))
        .collect();
    let chart = Chart {
        title: "gradient descent on the food-truck data".into(),
        x_label: "iteration".into(),
        y_label: "cost J".into(),
        series: vec![Series::new("J(w, b)", costs)],
    };
    let path = dir.join("cost.svg");
    std::fs::write(&path, render_svg(&[chart]))?;
    println!(
        "cost curve of the first {shown} iterations: {}",
        path.display()
    );
    Ok(())
}
