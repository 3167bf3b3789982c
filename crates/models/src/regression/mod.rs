//! The book's chapter 3: linear regression (§3.1–3.4), logistic regression (§3.5) and softmax
//! regression (§3.6).

mod linear;
mod logistic;
mod softmax;

pub use linear::{GradientDescent, GradientDescentReport, LinearRegression};
pub use logistic::LogisticRegression;
pub use softmax::SoftmaxRegression;
