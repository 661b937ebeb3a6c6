//! Drawing one device's box, and the legend.

use std::fmt::Write;

use super::style::{
    BRIDGE_FILL, DETAIL_INK, DETAIL_LINE, INK, Line, NAME_LINE, PAD, Rect, escape, text_width,
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

/// Each legend entry: a 28-pixel sample, its label, and room after it.
pub(super) fn legend_width(kinds: &[Line], any_down: bool) -> i32 {
    let labels = kinds.iter().map(|kind| kind.style().3);
    let labels = labels.chain(any_down.then_some("device down"));
    PAD * 2
        + labels
            .map(|label| 34 + text_width(label, 11) + 20)
            .sum::<i32>()
        - 20
}

pub(super) fn draw_legend(out: &mut String, kinds: &[Line], any_down: bool, y: i32) {
    let mut x = PAD * 2;
    for kind in kinds {
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
        x += 34 + text_width(label, 11) + 20;
    }
    if any_down {
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
    }
}
