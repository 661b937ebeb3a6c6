//! The lines between devices: what each means, and the way it takes.

use super::grid::Grid;
use super::layout::Layout;
use super::route::{End as Device, route_all};
use super::style::{Line, PAD, Rect, text_width};
use super::text::footer_lines;
use crate::observe::topology::{End, Kind};

/// A device, as (namespace, device) positions in the topology.
type At = (usize, usize);

/// Every line to draw: its kind, its path, and what it means.
pub(super) fn connections(layout: &Layout, size: (i32, i32)) -> Vec<(Line, String, String)> {
    let wanted = wanted(layout);
    let end = |(n, i): At| (layout.devices[n][i], n);
    let ends: Vec<(Device, Device)> = wanted.iter().map(|w| (end(w.1), end(w.2))).collect();
    let paths = route_all(grid(layout, size), &ends);
    let lines = wanted.into_iter().zip(paths);
    lines
        .map(|((kind, _, _, title), path)| (kind, path, title))
        .collect()
}

/// The grid the lines run on, with every box and text they keep out of.
fn grid(layout: &Layout, size: (i32, i32)) -> Grid {
    let mut texts = Vec::new();
    for (ns, r) in layout.topology.namespaces.iter().zip(&layout.boxes) {
        let (x, w) = (r.x + PAD, text_width(&ns.name, 14));
        texts.push(Rect {
            x,
            y: r.y + PAD,
            w,
            h: 14,
        });
        let footer = footer_lines(ns);
        for (k, line) in footer.iter().enumerate() {
            let above = (footer.len() - 1 - k) as i32 * super::style::FOOTER;
            let (y, w) = (r.y + r.h - PAD - 12 - above, text_width(line, 11));
            texts.push(Rect { x, y, w, h: 13 });
        }
    }
    let devices: Vec<Rect> = layout.devices.iter().flatten().copied().collect();
    Grid::new(size, &layout.boxes, &devices, &texts)
}

/// Every line the lab calls for: its kind, its two ends, and what it means.
fn wanted(layout: &Layout) -> Vec<(Line, At, At, String)> {
    let topology = layout.topology;
    let mut lines = Vec::new();
    let mut pairs_seen: Vec<(End, End)> = Vec::new();
    for (n, ns) in topology.namespaces.iter().enumerate() {
        for (i, device) in ns.devices.iter().enumerate() {
            let here = End::new(&ns.name, &device.name);
            let mut add = |kind: Line, other: Option<At>, title: String| {
                if let Some(other) = other {
                    lines.push((kind, (n, i), other, title));
                }
            };
            if let Some(master) = &device.master {
                let bridge = layout.index_of(&End::new(&ns.name, master));
                let title = format!("{} is a port of {master} ({})", device.name, ns.name);
                add(Line::Port, bridge, title);
            }
            match &device.kind {
                Kind::Veth { peer: Some(peer) } => {
                    // One line per pair, named the same from either end.
                    let mut pair = [here.clone(), peer.clone()];
                    pair.sort();
                    let [first, second] = pair;
                    if !pairs_seen.contains(&(first.clone(), second.clone())) {
                        let title = format!(
                            "veth pair: {} ({}) <-> {} ({})",
                            first.device, first.namespace, second.device, second.namespace
                        );
                        add(Line::Veth, layout.index_of(peer), title);
                        pairs_seen.push((first, second));
                    }
                }
                Kind::Macvlan {
                    parent: Some(parent),
                    ..
                } => {
                    let title = format!(
                        "macvlan {} ({}) on its parent {} ({})",
                        device.name, ns.name, parent.device, parent.namespace
                    );
                    add(Line::Macvlan, layout.index_of(parent), title);
                }
                Kind::Ipvlan {
                    parent: Some(parent),
                    ..
                } => {
                    let title = format!(
                        "ipvlan {} ({}) on its parent {} ({})",
                        device.name, ns.name, parent.device, parent.namespace
                    );
                    add(Line::Ipvlan, layout.index_of(parent), title);
                }
                Kind::Vxlan { dev: Some(dev), .. } => {
                    let title = format!(
                        "vxlan {} ({}) sends through {} ({})",
                        device.name, ns.name, dev.device, dev.namespace
                    );
                    add(Line::Vxlan, layout.index_of(dev), title);
                }
                _ => {}
            }
        }
    }
    lines
}
