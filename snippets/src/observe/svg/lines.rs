//! The lines between devices: what each means, and the way it takes.

use super::layout::Layout;
use super::style::{Line, PAD};
use crate::observe::topology::{End, Kind};

/// A device, as (namespace, device) positions in the topology.
type At = (usize, usize);

/// Every line to draw: its kind, its path, and what it means.
pub(super) fn connections(layout: &Layout) -> Vec<(Line, String, String)> {
    let topology = layout.topology;
    let mut lines = Vec::new();
    let mut pairs_seen: Vec<(End, End)> = Vec::new();
    for (n, ns) in topology.namespaces.iter().enumerate() {
        for (i, device) in ns.devices.iter().enumerate() {
            let here = End::new(&ns.name, &device.name);
            let mut add = |kind: Line, other: Option<At>, title: String| {
                if let Some(other) = other {
                    lines.push((kind, route(layout, (n, i), other), title));
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

/// An orthogonal path between two devices. When one is above the other:
/// down from the upper one. When they sit side by side in one row of one
/// namespace (a veth pair, made adjacent): straight across. Otherwise they
/// are in two namespaces side by side: over the top of both boxes (under
/// them, from a ports row), so the line crosses no other device.
fn route(layout: &Layout, a: At, b: At) -> String {
    let (ra, rb) = (layout.devices[a.0][a.1], layout.devices[b.0][b.1]);
    let (upper, lower) = if ra.y <= rb.y { (ra, rb) } else { (rb, ra) };
    if upper.y + upper.h <= lower.y {
        let (x1, y1) = (upper.x + upper.w / 2, upper.y + upper.h);
        let (x2, y2) = (lower.x + lower.w / 2, lower.y);
        let middle = (y1 + y2) / 2;
        return match x1 == x2 {
            true => format!("M {x1} {y1} V {y2}"),
            false => format!("M {x1} {y1} V {middle} H {x2} V {y2}"),
        };
    }
    if a.0 == b.0 && ra.y == rb.y {
        let (left, right) = if ra.x <= rb.x { (ra, rb) } else { (rb, ra) };
        let y = left.y + left.h / 2;
        return format!("M {} {y} H {}", left.x + left.w, right.x);
    }
    let (xa, xb) = (ra.x + ra.w / 2, rb.x + rb.w / 2);
    let (box_a, box_b) = (layout.boxes[a.0], layout.boxes[b.0]);
    let in_upper_row = |(n, i): At| layout.rows[n][0].contains(&i);
    if in_upper_row(a) && in_upper_row(b) {
        let lane = box_a.y.min(box_b.y) - PAD;
        format!("M {xa} {} V {lane} H {xb} V {}", ra.y, rb.y)
    } else {
        let lane = (box_a.y + box_a.h).max(box_b.y + box_b.h) + PAD;
        format!("M {xa} {} V {lane} H {xb} V {}", ra.y + ra.h, rb.y + rb.h)
    }
}
