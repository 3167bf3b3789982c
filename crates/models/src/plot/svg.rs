//! Line charts as self-contained SVG: axes, ticks, polylines and a legend, with no plotting
//! crate (those pull in system font libraries) — the text is left to the viewer's fonts.

use std::fmt::Write as _;

/// One line of a chart: a name for the legend and its points (x, y). Points whose y is not
/// finite are skipped and break the line.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The legend entry.
    pub name: String,
    /// The points, in drawing order.
    pub points: Vec<(f64, f64)>,
}

impl Series {
    /// A series from a name and points.
    pub fn new(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Series {
            name: name.into(),
            points,
        }
    }
}

/// One panel: a title, axis labels and its series.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// Shown above the panel.
    pub title: String,
    /// Under the x axis.
    pub x_label: String,
    /// Beside the y axis.
    pub y_label: String,
    /// The lines.
    pub series: Vec<Series>,
}

/// Colours of the series, in order (colour-blind-safe: Okabe and Ito's palette).
const COLOURS: [&str; 6] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
];

/// Size of one panel in SVG units.
pub const PANEL_WIDTH: f64 = 480.0;
/// Height of one panel in SVG units.
pub const PANEL_HEIGHT: f64 = 340.0;

const MARGIN_LEFT: f64 = 64.0;
const MARGIN_RIGHT: f64 = 16.0;
const MARGIN_TOP: f64 = 34.0;
const MARGIN_BOTTOM: f64 = 48.0;

/// Renders `charts` side by side into one SVG document.
///
/// ```
/// use scalpel_models::plot::{render_svg, Chart, Series};
/// let chart = Chart {
///     title: "loss".into(),
///     x_label: "epoch".into(),
///     y_label: "loss".into(),
///     series: vec![Series::new("train", vec![(1.0, 0.9), (2.0, 0.5), (3.0, 0.3)])],
/// };
/// let svg = render_svg(&[chart]);
/// assert!(svg.starts_with("<?xml") && svg.contains("<polyline"));
/// ```
pub fn render_svg(charts: &[Chart]) -> String {
    let width = PANEL_WIDTH * charts.len().max(1) as f64;
    let mut s = String::new();
    let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{PANEL_HEIGHT}" viewBox="0 0 {width} {PANEL_HEIGHT}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(
        s,
        r#"<rect x="0" y="0" width="{width}" height="{PANEL_HEIGHT}" fill="white"/>"#
    );
    for (i, chart) in charts.iter().enumerate() {
        panel(&mut s, chart, PANEL_WIDTH * i as f64);
    }
    s.push_str("</svg>\n");
    s
}

/// The range of the finite values, padded when empty or flat.
fn extent(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        return (0.0, 1.0);
    }
    if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        return (lo - pad, hi + pad);
    }
    (lo, hi)
}

/// "Nice" ticks covering `[lo, hi]`: a step of 1, 2 or 5 times a power of ten giving about
/// five intervals; returns the ticks and the step. The first and last tick enclose the data.
pub fn nice_ticks(lo: f64, hi: f64) -> (Vec<f64>, f64) {
    let (lo, hi) = extent([lo, hi].into_iter());
    let raw = (hi - lo) / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = magnitude
        * match raw / magnitude {
            r if r < 1.5 => 1.0,
            r if r < 3.0 => 2.0,
            r if r < 7.0 => 5.0,
            _ => 10.0,
        };
    let first = (lo / step + 1e-9).floor();
    let last = (hi / step - 1e-9).ceil();
    let ticks = (0..=((last - first) as usize))
        .map(|k| (first + k as f64) * step)
        .collect();
    (ticks, step)
}

/// A tick label with as many decimals as the step needs, and no "-0".
fn tick_label(v: f64, step: f64) -> String {
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    let text = format!("{v:.decimals$}");
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        text.trim_start_matches('-').to_string()
    } else {
        text
    }
}

/// Escapes text for an SVG text node or attribute.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn panel(s: &mut String, chart: &Chart, x0: f64) {
    let (left, right) = (x0 + MARGIN_LEFT, x0 + PANEL_WIDTH - MARGIN_RIGHT);
    let (top, bottom) = (MARGIN_TOP, PANEL_HEIGHT - MARGIN_BOTTOM);
    let all = || chart.series.iter().flat_map(|se| se.points.iter());
    let (x_ticks, x_step) = {
        let (lo, hi) = extent(all().map(|p| p.0));
        nice_ticks(lo, hi)
    };
    let (y_ticks, y_step) = {
        let (lo, hi) = extent(all().filter(|p| p.0.is_finite()).map(|p| p.1));
        nice_ticks(lo, hi)
    };
    let (x_lo, x_hi) = (x_ticks[0], x_ticks[x_ticks.len() - 1]);
    let (y_lo, y_hi) = (y_ticks[0], y_ticks[y_ticks.len() - 1]);
    let sx = |x: f64| left + (x - x_lo) / (x_hi - x_lo) * (right - left);
    let sy = |y: f64| bottom - (y - y_lo) / (y_hi - y_lo) * (bottom - top);

    let _ = writeln!(s, r#"<g class="chart">"#);
    let _ = writeln!(
        s,
        r#"<text x="{:.1}" y="20" text-anchor="middle" font-size="13" font-weight="bold">{}</text>"#,
        (left + right) / 2.0,
        escape(&chart.title)
    );
    // Grid lines and ticks.
    for &t in &y_ticks {
        let y = sy(t);
        let _ = writeln!(
            s,
            r##"<line x1="{left:.1}" y1="{y:.1}" x2="{right:.1}" y2="{y:.1}" stroke="#e5e5e5"/>"##
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 6.0,
            y + 4.0,
            escape(&tick_label(t, y_step))
        );
    }
    for &t in &x_ticks {
        let x = sx(t);
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{bottom:.1}" x2="{x:.1}" y2="{:.1}" stroke="#333333"/>"##,
            bottom + 5.0
        );
        let _ = writeln!(
            s,
            r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            bottom + 18.0,
            escape(&tick_label(t, x_step))
        );
    }
    // Axes.
    let _ = writeln!(
        s,
        r##"<polyline points="{left:.1},{top:.1} {left:.1},{bottom:.1} {right:.1},{bottom:.1}" fill="none" stroke="#333333"/>"##
    );
    let _ = writeln!(
        s,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        (left + right) / 2.0,
        PANEL_HEIGHT - 10.0,
        escape(&chart.x_label)
    );
    let (ly, lx) = ((top + bottom) / 2.0, x0 + 16.0);
    let _ = writeln!(
        s,
        r#"<text x="{lx:.1}" y="{ly:.1}" text-anchor="middle" transform="rotate(-90 {lx:.1} {ly:.1})">{}</text>"#,
        escape(&chart.y_label)
    );
    // The series: a polyline per unbroken run of finite points, and a dot per point when few.
    for (i, series) in chart.series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let _ = writeln!(s, r#"<g class="series" stroke="{colour}" fill="{colour}">"#);
        let finite = |p: &&(f64, f64)| p.0.is_finite() && p.1.is_finite();
        for run in series
            .points
            .split(|p| !(p.0.is_finite() && p.1.is_finite()))
        {
            if run.is_empty() {
                continue;
            }
            let pts: Vec<String> = run
                .iter()
                .map(|&(x, y)| format!("{:.1},{:.1}", sx(x), sy(y)))
                .collect();
            let _ = writeln!(
                s,
                r#"<polyline points="{}" fill="none" stroke-width="2"/>"#,
                pts.join(" ")
            );
        }
        if series.points.len() <= 60 {
            for &(x, y) in series.points.iter().filter(finite) {
                let _ = writeln!(
                    s,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="2.5" stroke="none"/>"#,
                    sx(x),
                    sy(y)
                );
            }
        }
        let _ = writeln!(s, "</g>");
    }
    // Legend, top right inside the plot area.
    let legend_w = 12.0
        + 7.0
            * chart
                .series
                .iter()
                .map(|se| se.name.chars().count())
                .max()
                .unwrap_or(0) as f64
        + 30.0;
    let lx = right - legend_w - 6.0;
    let ly = top + 6.0;
    if !chart.series.is_empty() {
        let _ = writeln!(
            s,
            r##"<rect class="legend" x="{lx:.1}" y="{ly:.1}" width="{legend_w:.1}" height="{:.1}" fill="white" fill-opacity="0.85" stroke="#999999"/>"##,
            8.0 + 16.0 * chart.series.len() as f64
        );
    }
    for (i, series) in chart.series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let y = ly + 14.0 + 16.0 * i as f64;
        let _ = writeln!(
            s,
            r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{colour}" stroke-width="2"/>"#,
            lx + 6.0,
            y - 4.0,
            lx + 30.0,
            y - 4.0
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{y:.1}">{}</text>"#,
            lx + 36.0,
            escape(&series.name)
        );
    }
    let _ = writeln!(s, "</g>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_numbers_enclosing_the_data() {
        let (ticks, step) = nice_ticks(0.13, 0.92);
        assert_eq!(step, 0.2);
        assert!(ticks[0] <= 0.13 && *ticks.last().unwrap() >= 0.92);
        assert_eq!(tick_label(ticks[0], step), "0.0");
        let (ticks, step) = nice_ticks(1.0, 10.0);
        assert_eq!((step, ticks.len()), (2.0, 6));
    }

    #[test]
    fn a_flat_or_empty_range_still_gets_ticks() {
        assert!(nice_ticks(3.0, 3.0).0.len() >= 2);
        let svg = render_svg(&[Chart {
            title: "one point".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            series: vec![
                Series::new("a", vec![(1.0, 0.5)]),
                Series::new("empty", vec![]),
            ],
        }]);
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn non_finite_points_break_the_line() {
        let svg = render_svg(&[Chart {
            title: "t".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            series: vec![Series::new(
                "s",
                vec![
                    (1.0, 1.0),
                    (2.0, 2.0),
                    (3.0, f64::NAN),
                    (4.0, 1.0),
                    (5.0, 0.5),
                ],
            )],
        }]);
        // Two data polylines plus the axes polyline.
        assert_eq!(svg.matches("<polyline").count(), 3);
    }
}
