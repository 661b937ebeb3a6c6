//! Which devices of a namespace go in its upper row and which in its row
//! of bridge ports, and how big each device's box is: what the layout
//! needs to know of a namespace before it places anything.

use super::style::{DETAIL_LINE, NAME_LINE, Rect, text_width};
use super::text::details;
use crate::observe::topology::{Device, Topology};

/// Per namespace: the devices of its upper row, then of its ports row, in
/// the order they are drawn. Ports of bridges go to the lower row, grouped
/// by bridge and ordered by the namespace they lead to; a veth whose peer is
/// in the same namespace sits right after it.
pub(super) fn split_rows(topology: &Topology, n: usize) -> [Vec<usize>; 2] {
    let ns = &topology.namespaces[n];
    let position = |name: &str| ns.devices.iter().position(|d| d.name == name);
    let mut upper: Vec<usize> = Vec::new();
    for (i, device) in ns.devices.iter().enumerate() {
        if device.master.is_some() || upper.contains(&i) {
            continue;
        }
        upper.push(i);
        if let Some(peer) = topology.peer(&ns.name, &device.name)
            && peer.namespace == ns.name
            && let Some(j) = position(&peer.device)
            && ns.devices[j].master.is_none()
            && !upper.contains(&j)
        {
            upper.push(j);
        }
    }
    let leads_to = |device: &Device| {
        let peer = topology.peer(&ns.name, &device.name);
        let namespace = peer.map(|peer| &peer.namespace);
        namespace
            .and_then(|name| topology.namespaces.iter().position(|m| &m.name == name))
            .unwrap_or(usize::MAX)
    };
    let mut lower: Vec<(usize, usize, &str, usize)> = Vec::new();
    for (i, device) in ns.devices.iter().enumerate() {
        if let Some(master) = &device.master {
            let bridge = upper.iter().position(|&b| &ns.devices[b].name == master);
            let bridge = bridge.unwrap_or(usize::MAX);
            lower.push((bridge, leads_to(device), &device.name, i));
        }
    }
    lower.sort();
    [upper, lower.into_iter().map(|(_, _, _, i)| i).collect()]
}

/// A device's box: wide enough for its name and its widest detail line.
pub(super) fn device_size(device: &Device, here: &str) -> Rect {
    let lines = details(device, here);
    let widest = lines.iter().map(|l| text_width(l, 11)).max().unwrap_or(0);
    Rect {
        w: widest.max(text_width(&device.name, 13)).max(56) + 16,
        h: 8 + NAME_LINE + DETAIL_LINE * lines.len() as i32 + 6,
        ..Rect::default()
    }
}
