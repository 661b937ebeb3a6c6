//! Drawing one device's box, and the legend.

use std::fmt::Write;

use super::style::{
    BRIDGE_FILL, COLUMN, DETAIL_INK, DETAIL_LINE, INK, LEGEND_LINE, Line, NAME_LINE, PAD, Rect,
    escape, text_width,
};
use super::text::details;
use crate::observe::topology::{Device, Kind};

pub(super) fn draw_device(out: &mut String, device: &Device, r: Rect, here: &str) {
    let fill = if device.kind == Kind::Bridge {
        BRIDGE_FILL
    } else {
        "#ffffff"
    };
    let dash = if device.up {
        ""
    } else {
        " stroke-dasharray=\"4 3\""
    };
    let lines = details(device, here);
    writeln!(
        out,
        "<g><title>{} in {here}: {}</title>",
        escape(&device.name),
        escape(&lines.join(", "))
    )
    .unwrap();
    writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"{fill}\" stroke=\"{INK}\" stroke-width=\"1.2\"{dash}/>",
        r.x, r.y, r.w, r.h
    )
    .unwrap();
    writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"13\" font-weight=\"bold\">{}</text>",
        r.x + 8,
        r.y + 8 + 11,
        escape(&device.name)
    )
    .unwrap();
    for (k, line) in lines.iter().enumerate() {
        writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{DETAIL_INK}\">{}</text>",
            r.x + 8,
            r.y + 8 + NAME_LINE + DETAIL_LINE * k as i32 + 10,
            escape(line)
        )
        .unwrap();
    }
    out.push_str("</g>\n");
}

/// The legend's entries: each kind of line drawn, then `None` for "device
/// down" if a device is; each at (x, line), left to right from `PAD * 2`,
/// on a new line rather than past the book's column.
fn legend_places(kinds: &[Line], any_down: bool) -> Vec<(Option<Line>, i32, i32)> {
    let entries = kinds.iter().map(|&kind| Some(kind));
    let mut places = Vec::new();
    let (mut x, mut line) = (PAD * 2, 0);
    for entry in entries.chain(any_down.then_some(None)) {
        let width = entry_width(entry);
        if x > PAD * 2 && x + width + PAD * 2 > COLUMN {
            (x, line) = (PAD * 2, line + 1);
        }
        places.push((entry, x, line));
        x += width + 20;
    }
    places
}

/// Each legend entry: a 28-pixel sample, then its label.
fn entry_width(entry: Option<Line>) -> i32 {
    let label = entry.map_or("device down", |kind| kind.style().3);
    34 + text_width(label, 11)
}

/// How wide the legend is, with its margins, and how many lines it takes.
pub(super) fn legend_size(kinds: &[Line], any_down: bool) -> (i32, i32) {
    let places = legend_places(kinds, any_down);
    let ends = places.iter().map(|&(entry, x, _)| x + entry_width(entry));
    let lines = places.last().map_or(0, |&(_, _, line)| line + 1);
    (ends.max().unwrap_or(0) + PAD * 2, lines)
}

/// Draws the legend, its first line at `top`.
pub(super) fn draw_legend(out: &mut String, kinds: &[Line], any_down: bool, top: i32) {
    for (entry, x, line) in legend_places(kinds, any_down) {
        let y = top + LEGEND_LINE * line;
        let Some(kind) = entry else {
            writeln!(
                out,
                "<rect x=\"{x}\" y=\"{}\" width=\"28\" height=\"14\" rx=\"3\" fill=\"#ffffff\" stroke=\"{INK}\" stroke-dasharray=\"4 3\"/>",
                y + 1
            )
            .unwrap();
            writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{DETAIL_INK}\">device down</text>",
                x + 34,
                y + 12
            )
            .unwrap();
            continue;
        };
        let (colour, stroke, dashes, label) = kind.style();
        let dash = match dashes {
            "" => String::new(),
            d => format!(" stroke-dasharray=\"{d}\""),
        };
        writeln!(
            out,
            "<path d=\"M {x} {} H {}\" stroke=\"{colour}\" stroke-width=\"{stroke}\"{dash}/>",
            y + 8,
            x + 28
        )
        .unwrap();
        writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{DETAIL_INK}\">{label}</text>",
            x + 34,
            y + 12
        )
        .unwrap();
    }
}
