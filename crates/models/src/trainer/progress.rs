//! How the [`Trainer`](crate::Trainer) reports progress: a live bar on a terminal, one line
//! per epoch elsewhere (logs, CI), or nothing.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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
        let bar = (mode == Progress::Bar)
            .then(|| bar_on(ProgressDrawTarget::stderr(), name, epoch, epochs, batches));
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

/// The bar of one epoch on `target`, in two lines so that it fits a terminal as wide as the
/// run's name and 30 columns: the bar stretches over what the first line leaves, and the second line (loss,
/// accuracy, samples/s) is cut at the terminal's edge rather than wrapped, which would leave a
/// copy of the line behind at each redraw.
fn bar_on(
    target: ProgressDrawTarget,
    name: &str,
    epoch: usize,
    epochs: usize,
    batches: usize,
) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(batches as u64), target);
    let style = ProgressStyle::with_template(
        "{prefix} [{wide_bar}] {pos:>5}/{len} {elapsed:>4}\n  {wide_msg}",
    )
    .expect("a valid template")
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_prefix(format!("{name} epoch {epoch}/{epochs}"));
    bar
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex};

    use indicatif::TermLike;

    use super::*;

    /// A terminal `width` columns wide that keeps what is written to it.
    #[derive(Debug, Clone)]
    struct Recorder {
        width: u16,
        written: Arc<Mutex<Vec<String>>>,
    }

    impl TermLike for Recorder {
        fn width(&self) -> u16 {
            self.width
        }
        fn move_cursor_up(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> io::Result<()> {
            self.write_str(&format!("{s}\n"))
        }
        fn write_str(&self, s: &str) -> io::Result<()> {
            self.written.lock().unwrap().push(s.to_string());
            Ok(())
        }
        fn clear_line(&self) -> io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> io::Result<()> {
            Ok(())
        }
    }

    /// The terminal rows of a bar drawn halfway through an epoch on a terminal `width` columns wide.
    fn drawn(width: u16) -> Vec<String> {
        let term = Recorder {
            width,
            written: Arc::default(),
        };
        let target = ProgressDrawTarget::term_like(Box::new(term.clone()));
        let bar = bar_on(target, "fashion_mlp_bn", 10, 10, 469);
        bar.set_position(234);
        bar.set_message("loss 0.3172 acc 0.8861  123456 samples/s");
        term.written.lock().unwrap().clear();
        bar.force_draw();
        // indicatif ends each line by filling the row with spaces, and lets the terminal wrap.
        let written: Vec<char> = term.written.lock().unwrap().concat().chars().collect();
        written
            .chunks(width as usize)
            .map(|row| row.iter().collect::<String>())
            .filter(|row| !row.trim().is_empty())
            .collect()
    }

    #[test]
    fn the_bar_never_wraps_and_shows_everything_where_it_fits() {
        for width in [50u16, 60, 80, 120, 200] {
            let lines = drawn(width);
            assert_eq!(lines.len(), 2, "width {width}: {lines:?}");
            assert!(lines[0].starts_with("fashion_mlp_bn epoch 10/10 ["));
            assert!(lines[0].contains("]   234/469"), "{:?}", lines[0]);
            if width >= 60 {
                assert!(lines[1].contains("loss 0.3172 acc 0.8861  123456 samples/s"));
            } else {
                assert!(lines[1].starts_with("  loss 0.3172"), "{:?}", lines[1]);
            }
        }
        // The bar takes the first line's slack: half filled at half the batches.
        let line = &drawn(120)[0];
        let bar = &line[line.find('[').unwrap() + 1..line.find(']').unwrap()];
        let filled = bar.chars().filter(|&c| c == '=').count();
        assert!(
            bar.len() > 60 && filled.abs_diff(bar.len() / 2) <= 1,
            "{line:?}"
        );
    }
}
