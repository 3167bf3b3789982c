//! How the [`Trainer`](crate::Trainer) reports progress: a live bar on a terminal, one line
//! per epoch elsewhere (logs, CI), or nothing.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use super::metrics::EpochMetrics;

/// The progress display of a training run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Progress {
    /// A bar when both stdout and stderr are terminals and the `CI` environment variable is not
    /// set; otherwise [`Lines`](Progress::Lines). The default.
    #[default]
    Auto,
    /// A bar per epoch with loss, accuracy and samples/s, then the epoch's line.
    Bar,
    /// One line per epoch on stdout.
    Lines,
    /// Nothing.
    Silent,
}

impl Progress {
    /// What [`Auto`](Progress::Auto) means here and now.
    pub fn resolve(self) -> Progress {
        match self {
            Progress::Auto => {
                let terminal = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
                if terminal && !scalpel_data::data_dir::is_ci() {
                    Progress::Bar
                } else {
                    Progress::Lines
                }
            }
            other => other,
        }
    }
}

/// The line printed for an epoch, e.g.
/// `mnist_mlp epoch  3/10  train loss 0.0712 acc 0.9781  val loss 0.0801 acc 0.9755  lr 1.00e-3  7.9 s  7612 samples/s`.
pub fn epoch_line(name: &str, epochs: usize, m: &EpochMetrics) -> String {
    let width = epochs.to_string().len();
    let mut line = format!(
        "{name} epoch {:>width$}/{epochs}  train loss {:.4}",
        m.epoch, m.train_loss
    );
    if let Some(a) = m.train_accuracy {
        line += &format!(" acc {a:.4}");
    }
    if let Some(l) = m.val_loss {
        line += &format!("  val loss {l:.4}");
    }
    if let Some(a) = m.val_accuracy {
        line += &format!(" acc {a:.4}");
    }
    line += &format!(
        "  lr {:.2e}  {:.1} s  {:.0} samples/s",
        m.lr, m.seconds, m.samples_per_second
    );
    line
}

/// The display of one epoch.
pub(crate) struct EpochProgress {
    bar: Option<ProgressBar>,
    quiet: bool,
}

impl EpochProgress {
    pub(crate) fn start(
        mode: Progress,
        name: &str,
        epoch: usize,
        epochs: usize,
        batches: usize,
    ) -> Self {
        let bar = (mode == Progress::Bar).then(|| {
            let bar = ProgressBar::new(batches as u64);
            let style = ProgressStyle::with_template(
                "{prefix} [{bar:30}] {pos:>5}/{len:5} {elapsed:>4} {msg}",
            )
            .expect("a valid template")
            .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(format!("{name} epoch {epoch}/{epochs}"));
            bar
        });
        EpochProgress {
            bar,
            quiet: mode == Progress::Silent,
        }
    }

    /// After each batch: the running mean loss and accuracy and the throughput.
    pub(crate) fn batch(&self, loss: f64, accuracy: Option<f64>, samples_per_second: f64) {
        if let Some(bar) = &self.bar {
            let acc = accuracy.map(|a| format!(" acc {a:.4}")).unwrap_or_default();
            bar.set_message(format!(
                "loss {loss:.4}{acc}  {samples_per_second:.0} samples/s"
            ));
            bar.inc(1);
        }
    }

    /// The epoch's line replaces the bar.
    pub(crate) fn finish(self, line: &str) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if !self.quiet {
            println!("{line}");
        }
    }
}
