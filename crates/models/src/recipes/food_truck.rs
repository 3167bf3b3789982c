//! The book's food-truck profit problem (§3.1): the normal equation and gradient descent.

use scalpel_data::formats::book;

use super::RecipeOptions;
use crate::error::Result;
use crate::regression::{GradientDescent, GradientDescentReport, LinearRegression};

/// The gradient-descent settings of [`food_truck`]: α = 0.02 (just under 2/λ_max of the
/// cost's Hessian, about 0.024 for this data) until every gradient component is below 1e-9.
pub const FOOD_TRUCK_GD: GradientDescent = GradientDescent {
    lr: 0.02,
    max_iterations: 50_000,
    tolerance: 1e-9,
    l2: 0.0,
};

/// What [`food_truck`] found.
#[derive(Clone, Debug, PartialEq)]
pub struct FoodTruckReport {
    /// (w, b) from the normal equation.
    pub normal_equation: (f64, f64),
    /// (w, b) from gradient descent.
    pub gradient_descent: (f64, f64),
    /// The gradient-descent run.
    pub descent: GradientDescentReport,
    /// The cost J = (1/2m)·Σ(ŷ − y)² at the normal equation's solution.
    pub cost: f64,
    /// max(|Δw|, |Δb|) between the two solutions.
    pub max_abs_difference: f64,
    /// Predicted profit (in $10,000s) for cities of 35,000 and 70,000 people.
    pub predictions: [f64; 2],
}

/// Fits profit = w·population + b to `book/food_truck_data.txt` (97 cities) twice: by the
/// normal equation and by gradient descent ([`FOOD_TRUCK_GD`]) from w = b = 0, in f64.
///
/// # Errors
/// A missing or malformed data file (the error names it and says where to get it).
pub fn food_truck(options: &RecipeOptions) -> Result<FoodTruckReport> {
    let (x, y) = book::food_truck::<f64>(&options.data_dir.join("book"))?;
    let exact = LinearRegression::fit_normal_equation(&x, &y, 0.0)?;
    let gd = LinearRegression::<f64>::new(1);
    let descent = gd.fit_gradient_descent(&x, &y, FOOD_TRUCK_GD)?;
    let ne = (exact.weights()[0], exact.bias_value());
    let g = (gd.weights()[0], gd.bias_value());
    let population = scalpel_tensor::Tensor::from_rows(&[[3.5f64], [7.0]])?;
    let p = exact.predict(&population)?.to_vec();
    Ok(FoodTruckReport {
        normal_equation: ne,
        gradient_descent: g,
        cost: exact.cost(&x, &y, 0.0)?,
        max_abs_difference: (ne.0 - g.0).abs().max((ne.1 - g.1).abs()),
        descent,
        predictions: [p[0], p[1]],
    })
}
