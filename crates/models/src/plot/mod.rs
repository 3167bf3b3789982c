//! Curves as images: [`render_svg`] draws line charts as a small self-contained SVG, and
//! [`training_curves`] turns a training history into its loss and accuracy panels.

mod svg;

pub use svg::{nice_ticks, render_svg, Chart, Series, PANEL_HEIGHT, PANEL_WIDTH};

use crate::trainer::EpochMetrics;

/// The loss panel (train and validation loss per epoch) and, when the history has accuracies,
/// the accuracy panel — what the [`Trainer`](crate::Trainer) writes to `curves.svg`.
pub fn training_curves(history: &[EpochMetrics]) -> Vec<Chart> {
    let points = |f: &dyn Fn(&EpochMetrics) -> Option<f64>| -> Vec<(f64, f64)> {
        history
            .iter()
            .filter_map(|m| f(m).map(|v| (m.epoch as f64, v)))
            .collect()
    };
    let mut loss = vec![Series::new("train", points(&|m| Some(m.train_loss)))];
    let val_loss = points(&|m| m.val_loss);
    if !val_loss.is_empty() {
        loss.push(Series::new("validation", val_loss));
    }
    let mut charts = vec![Chart {
        title: "loss".into(),
        x_label: "epoch".into(),
        y_label: "loss".into(),
        series: loss,
    }];
    let mut accuracy = Vec::new();
    for (name, pts) in [
        ("train", points(&|m| m.train_accuracy)),
        ("validation", points(&|m| m.val_accuracy)),
    ] {
        if !pts.is_empty() {
            accuracy.push(Series::new(name, pts));
        }
    }
    if !accuracy.is_empty() {
        charts.push(Chart {
            title: "accuracy".into(),
            x_label: "epoch".into(),
            y_label: "accuracy".into(),
            series: accuracy,
        });
    }
    charts
}
