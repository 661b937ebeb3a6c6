//! Drawing a [`Topology`] as an SVG picture: namespaces as boxes, devices
//! inside them, veth pairs, bridge ports, MACVLAN parents and VXLAN underlay
//! devices as lines, addresses as labels.
//!
//! `cargo run --example NAME -- --topology FILE.svg` draws the lab there
//! (`Lab::picture`); the tests record it as `snippets/examples/NAME/topology.svg`
//! and the book shows it with `{{#topology NAME}}`.
//!
//! [`chart`] draws measured values as bars, in the same style.
//!
//! Three steps, each deterministic, so the same lab always gives the same
//! bytes:
//!
//! - `layout`: where each namespace's box goes. A namespace plugged into
//!   another one (a container whose veth is a port of the host's bridge, or
//!   whose MACVLAN sits on the host's device) goes below it; rows wrap at the
//!   book's column, 750 px, so that a browser never shrinks the picture and
//!   its 11 px text stays 11 px. `rows`: which device of a namespace goes
//!   in which row, and each one's size; `namespace`: placing the devices
//!   inside a box, bridge ports in a lower row above the containers they
//!   lead to.
//! - `lines` and `route`: which lines to draw, and the way each one takes on
//!   a fine `grid`: at right angles, round the boxes it does not join, and
//!   never along another line.
//! - the drawing, here and in `draw`. Text is monospace, so its width is
//!   known without a font. The picture is a white card with dark lines:
//!   legible on mdBook's light and dark themes and on paper, and it uses no
//!   `id` and no `<style>`, so several pictures can share one page (the
//!   print page).

use std::fmt::Write;

use crate::observe::topology::Topology;
use draw::{draw_device, draw_legend, legend_size};
use layout::Layout;
use lines::connections;
use style::{DETAIL_INK, INK, LEGEND, LEGEND_LINE, Line, NS_FILL, NS_STROKE, PAD, escape};
use text::footer_lines;

pub mod chart;
mod draw;
mod grid;
mod layout;
mod lines;
mod namespace;
mod route;
mod rows;
mod style;
mod text;

/// The SVG text of `topology`, for the example `example`.
pub fn render(example: &str, topology: &Topology) -> String {
    let mut layout = Layout::new(topology);
    let (mut width, mut height) = layout.place();
    let lines = connections(&layout, (width, height));
    let mut kinds: Vec<Line> = lines.iter().map(|l| l.0).collect();
    kinds.sort();
    kinds.dedup();
    let any_down = topology
        .namespaces
        .iter()
        .flat_map(|ns| &ns.devices)
        .any(|d| !d.up);
    // The legend, below the lab, in as many lines as the column needs.
    let mut legend_top = None;
    if !kinds.is_empty() || any_down {
        let (legend_width, lines) = legend_size(&kinds, any_down);
        legend_top = Some(height + 4);
        height += LEGEND + LEGEND_LINE * (lines - 1);
        width = width.max(legend_width);
    }
    let mut out = String::new();
    let font = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";
    writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" font-family=\"{font}\" fill=\"{INK}\">"
    )
    .unwrap();
    writeln!(
        out,
        "<title>{}: the lab's network namespaces and devices, as the kernel reports them</title>",
        escape(example)
    )
    .unwrap();
    writeln!(
        out,
        "<rect x=\"0.5\" y=\"0.5\" width=\"{}\" height=\"{}\" rx=\"10\" fill=\"#ffffff\" stroke=\"#c9d1d9\"/>",
        width - 1,
        height - 1
    )
    .unwrap();
    for (n, ns) in topology.namespaces.iter().enumerate() {
        let r = layout.boxes[n];
        writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\" fill=\"{NS_FILL}\" stroke=\"{NS_STROKE}\" stroke-width=\"1.5\"><title>network namespace {}</title></rect>",
            r.x, r.y, r.w, r.h, escape(&ns.name)
        )
        .unwrap();
    }
    for (kind, path, title) in &lines {
        let (colour, stroke, dashes, _) = kind.style();
        let dash = match dashes {
            "" => String::new(),
            d => format!(" stroke-dasharray=\"{d}\""),
        };
        writeln!(
            out,
            "<path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{stroke}\"{dash}><title>{}</title></path>",
            path,
            escape(title)
        )
        .unwrap();
    }
    for (n, ns) in topology.namespaces.iter().enumerate() {
        let r = layout.boxes[n];
        writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"14\" font-weight=\"bold\" stroke=\"{NS_FILL}\" stroke-width=\"4\" paint-order=\"stroke\">{}</text>",
            r.x + PAD,
            r.y + PAD + 12,
            escape(&ns.name)
        )
        .unwrap();
        let footer = footer_lines(ns);
        for (k, line) in footer.iter().enumerate() {
            // The last line sits at the foot, the others above it.
            let above = (footer.len() - 1 - k) as i32 * style::FOOTER;
            writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{DETAIL_INK}\">{}</text>",
                r.x + PAD,
                r.y + r.h - PAD - 2 - above,
                escape(line)
            )
            .unwrap();
        }
        for (i, device) in ns.devices.iter().enumerate() {
            draw_device(&mut out, device, layout.devices[n][i], &ns.name);
        }
    }
    if let Some(top) = legend_top {
        draw_legend(&mut out, &kinds, any_down, top);
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests;
