//! A bar chart of measured values, one panel per measure, one bar per row:
//! the picture `drivers_measured --chart FILE.svg` draws.
//!
//! The same card, ink and monospace text as the topology pictures, no
//! wider than the book's column, and no `id` or `<style>`, so it can share
//! a page with them.

use std::fmt::Write;

use super::style::{COLUMN, DETAIL_INK, INK, MARGIN, escape, text_width};

/// One panel: a title, the unit its values are in, and a value per row
/// (`None`: not measured on that row).
pub struct Panel {
    pub title: String,
    pub unit: String,
    pub values: Vec<Option<f64>>,
    /// The bars' colour.
    pub colour: &'static str,
}

const ROW: i32 = 18;
const BAR: i32 = 12;
const TITLE: i32 = 26;
const PANEL_GAP: i32 = 14;
const SIZE: i32 = 11;

/// The SVG text of a chart titled `title`, with `rows` named at the left
/// of every panel.
pub fn bars(title: &str, rows: &[String], panels: &[Panel]) -> String {
    let label = rows.iter().map(|r| text_width(r, SIZE)).max().unwrap_or(0) + 8;
    let width = COLUMN - 30;
    // Room after the longest bar for its value.
    let value_room = text_width("00000.00 unit", SIZE);
    let bar_room = width - 2 * MARGIN - label - value_room;
    let panel_height = TITLE + ROW * rows.len() as i32;
    let height = MARGIN + 20 + (panel_height + PANEL_GAP) * panels.len() as i32 + MARGIN;
    let font = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";
    let mut out = String::new();
    let mut line = |text: String| writeln!(out, "{text}").expect("writing to a String");
    line(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" font-family=\"{font}\" fill=\"{INK}\">"
    ));
    line(format!("<title>{}</title>", escape(title)));
    line(format!(
        "<rect x=\"0.5\" y=\"0.5\" width=\"{}\" height=\"{}\" rx=\"10\" fill=\"#ffffff\" stroke=\"#c9d1d9\"/>",
        width - 1,
        height - 1
    ));
    line(format!(
        "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"13\" font-weight=\"bold\">{}</text>",
        MARGIN + 10,
        escape(title)
    ));
    let mut top = MARGIN + 20;
    for panel in panels {
        let max = panel.values.iter().flatten().copied().fold(0.0, f64::max);
        line(format!(
            "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"12\" font-weight=\"bold\">{}</text>",
            top + 16,
            escape(&panel.title)
        ));
        for (row, (name, value)) in rows.iter().zip(&panel.values).enumerate() {
            let y = top + TITLE + ROW * row as i32;
            line(format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"{SIZE}\" text-anchor=\"end\" fill=\"{DETAIL_INK}\">{}</text>",
                MARGIN + label - 8,
                y + BAR - 2,
                escape(name)
            ));
            let Some(value) = value else {
                line(format!(
                    "<text x=\"{}\" y=\"{}\" font-size=\"{SIZE}\" fill=\"{DETAIL_INK}\">not measured</text>",
                    MARGIN + label,
                    y + BAR - 2
                ));
                continue;
            };
            let length = match max > 0.0 {
                true => ((value / max) * f64::from(bar_room)).round().max(1.0) as i32,
                false => 1,
            };
            line(format!(
                "<rect x=\"{}\" y=\"{y}\" width=\"{length}\" height=\"{BAR}\" fill=\"{}\"><title>{}: {} {}</title></rect>",
                MARGIN + label,
                panel.colour,
                escape(name),
                number(*value),
                escape(&panel.unit)
            ));
            line(format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"{SIZE}\">{} {}</text>",
                MARGIN + label + length + 6,
                y + BAR - 2,
                number(*value),
                escape(&panel.unit)
            ));
        }
        top += panel_height + PANEL_GAP;
    }
    line("</svg>".to_string());
    out
}

/// A value with as many decimals as its size needs: 12345, 123, 12.3, 1.23.
pub fn number(value: f64) -> String {
    match value.abs() {
        v if v >= 100.0 => format!("{value:.0}"),
        v if v >= 10.0 => format!("{value:.1}"),
        _ => format!("{value:.2}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_has_a_bar_per_measured_row_and_fits_the_column() {
        let rows = vec!["loopback".to_string(), "veth pair".to_string()];
        let panel = Panel {
            title: "TCP bulk".to_string(),
            unit: "Gbit/s".to_string(),
            values: vec![Some(40.0), None],
            colour: "#1f5fa8",
        };
        let svg = bars("drivers", &rows, &[panel]);
        assert_eq!(
            svg.matches("<rect").count(),
            2,
            "the card and one bar: {svg}"
        );
        assert!(svg.contains("loopback: 40.0 Gbit/s"), "{svg}");
        assert!(svg.contains("not measured"), "{svg}");
        assert!(svg.contains(&format!("width=\"{}\"", COLUMN - 30)), "{svg}");
        assert!(
            !svg.contains("\n\n"),
            "no blank line: Markdown would end the HTML there"
        );
    }
}
