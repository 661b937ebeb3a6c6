//! Where each box goes: namespaces in tiers (a namespace plugged into
//! another one hangs below it), devices in rows inside them.

use super::style::{
    DETAIL_LINE, FOOTER, GAP, HEADER, NAME_LINE, PAD, PORT_GAP, Rect, TIER_GAP, text_width,
};
use super::text::{details, route_text};
use crate::observe::topology::{Device, End, Kind, Topology};

/// The layout of the whole picture.
pub(super) struct Layout<'t> {
    pub(super) topology: &'t Topology,
    /// Per namespace: its box, and per device (model order) its box.
    pub(super) boxes: Vec<Rect>,
    pub(super) devices: Vec<Vec<Rect>>,
    /// Per namespace: devices of the upper row, then of the ports row.
    pub(super) rows: Vec<[Vec<usize>; 2]>,
    parent: Vec<Option<usize>>,
}

impl<'t> Layout<'t> {
    pub(super) fn new(topology: &'t Topology) -> Layout<'t> {
        let count = topology.namespaces.len();
        let mut layout = Layout {
            topology,
            boxes: vec![Rect::default(); count],
            devices: Vec::new(),
            rows: Vec::new(),
            parent: (0..count).map(|n| parent_of(topology, n)).collect(),
        };
        for ns in &topology.namespaces {
            let sizes = ns
                .devices
                .iter()
                .map(|d| device_size(d, &ns.name))
                .collect();
            layout.devices.push(sizes);
        }
        for n in 0..count {
            let rows = layout.split_rows(n);
            layout.rows.push(rows);
        }
        layout
    }

    pub(super) fn index_of(&self, end: &End) -> Option<(usize, usize)> {
        let n = self
            .topology
            .namespaces
            .iter()
            .position(|ns| ns.name == end.namespace)?;
        let devices = &self.topology.namespaces[n].devices;
        Some((n, devices.iter().position(|d| d.name == end.device)?))
    }

    /// Ports of bridges go to the lower row, grouped by bridge and ordered by
    /// the namespace they lead to; a veth whose peer is in the same namespace
    /// sits right after it.
    fn split_rows(&self, n: usize) -> [Vec<usize>; 2] {
        let ns = &self.topology.namespaces[n];
        let mut upper: Vec<usize> = Vec::new();
        for (i, device) in ns.devices.iter().enumerate() {
            if device.master.is_some() || upper.contains(&i) {
                continue;
            }
            upper.push(i);
            if let Some(peer) = self.topology.peer(&ns.name, &device.name)
                && peer.namespace == ns.name
                && let Some((_, j)) = self.index_of(peer)
                && ns.devices[j].master.is_none()
                && !upper.contains(&j)
            {
                upper.push(j);
            }
        }
        let mut lower: Vec<(usize, usize, String, usize)> = Vec::new();
        for (i, device) in ns.devices.iter().enumerate() {
            let Some(master) = &device.master else {
                continue;
            };
            let bridge = upper
                .iter()
                .position(|&b| &ns.devices[b].name == master)
                .unwrap_or(usize::MAX);
            let leads_to = self
                .topology
                .peer(&ns.name, &device.name)
                .and_then(|peer| self.index_of(peer))
                .map_or(usize::MAX, |(m, _)| m);
            lower.push((bridge, leads_to, device.name.clone(), i));
        }
        lower.sort();
        [upper, lower.into_iter().map(|(_, _, _, i)| i).collect()]
    }

    fn row_size(&self, n: usize, row: usize) -> (i32, i32) {
        let sizes = self.rows[n][row].iter().map(|&i| self.devices[n][i]);
        let width = sizes.clone().map(|r| r.w + GAP).sum::<i32>() - GAP;
        (width.max(0), sizes.map(|r| r.h).max().unwrap_or(0))
    }

    fn natural_size(&self, n: usize) -> (i32, i32) {
        let ns = &self.topology.namespaces[n];
        let (upper_w, upper_h) = self.row_size(n, 0);
        let (lower_w, lower_h) = self.row_size(n, 1);
        let route = route_text(ns);
        let width = [
            text_width(&ns.name, 14),
            upper_w,
            lower_w,
            route.as_deref().map_or(0, |r| text_width(r, 11)),
        ];
        let mut height = PAD + HEADER + upper_h + PAD;
        if lower_h > 0 {
            height += PORT_GAP + lower_h;
        }
        if route.is_some() {
            height += FOOTER;
        }
        (width.into_iter().max().unwrap_or(0) + 2 * PAD, height)
    }

    fn children(&self, n: usize) -> Vec<usize> {
        (0..self.parent.len())
            .filter(|&c| self.parent[c] == Some(n))
            .collect()
    }

    fn subtree_width(&self, n: usize) -> i32 {
        let children: i32 = self
            .children(n)
            .iter()
            .map(|&c| self.subtree_width(c) + GAP)
            .sum();
        self.natural_size(n).0.max(children - GAP)
    }

    fn depth(&self, n: usize) -> usize {
        self.parent[n].map_or(0, |p| self.depth(p) + 1)
    }

    /// Places every box; returns the picture's size.
    pub(super) fn place(&mut self) -> (i32, i32) {
        let count = self.boxes.len();
        let depth: Vec<usize> = (0..count).map(|n| self.depth(n)).collect();
        let tiers = depth.iter().max().map_or(0, |d| d + 1);
        let mut tier_y = vec![PAD * 2; tiers + 1];
        for tier in 0..tiers {
            let tallest = (0..count)
                .filter(|&n| depth[n] == tier)
                .map(|n| self.natural_size(n).1)
                .max()
                .unwrap_or(0);
            tier_y[tier + 1] = tier_y[tier] + tallest + TIER_GAP;
        }
        let mut x = PAD * 2;
        let roots: Vec<usize> = (0..count).filter(|&n| self.parent[n].is_none()).collect();
        for root in roots {
            self.place_subtree(root, x, &tier_y, &depth);
            x += self.subtree_width(root) + GAP * 2;
        }
        // Devices: the deepest namespaces first, so that a box's ports row
        // can line up above the devices it leads to.
        let mut order: Vec<usize> = (0..count).collect();
        order.sort_by_key(|&n| std::cmp::Reverse(depth[n]));
        for n in order {
            self.place_devices(n);
        }
        let width = x - GAP * 2 + PAD * 2;
        (width.max(200), tier_y[tiers] - TIER_GAP + PAD * 2)
    }

    fn place_subtree(&mut self, n: usize, x: i32, tier_y: &[i32], depth: &[usize]) {
        let width = self.subtree_width(n);
        self.boxes[n] = Rect {
            x,
            y: tier_y[depth[n]],
            w: width,
            h: self.natural_size(n).1,
        };
        let children = self.children(n);
        let row: i32 = children
            .iter()
            .map(|&c| self.subtree_width(c) + GAP)
            .sum::<i32>()
            - GAP;
        let mut cx = x + (width - row) / 2;
        for c in children {
            self.place_subtree(c, cx, tier_y, depth);
            cx += self.subtree_width(c) + GAP;
        }
    }

    fn place_devices(&mut self, n: usize) {
        let frame = self.boxes[n];
        let upper_y = frame.y + PAD + HEADER;
        let lower_y = upper_y + self.row_size(n, 0).1 + PORT_GAP;
        let topology = self.topology;
        let ns = &topology.namespaces[n];
        // Ports: above the device each leads to, when that one is placed.
        let wanted: Vec<Option<i32>> = self.rows[n][1]
            .iter()
            .map(|&i| {
                let peer = self.topology.peer(&ns.name, &ns.devices[i].name)?;
                let (m, j) = self.index_of(peer)?;
                let target = self.devices[m][j];
                (m != n && self.depth(m) > self.depth(n)).then_some(target.x + target.w / 2)
            })
            .collect();
        self.place_row(n, 1, lower_y, &wanted);
        // Bridges: centred above their ports.
        let wanted: Vec<Option<i32>> = self.rows[n][0]
            .iter()
            .map(|&b| {
                let ports: Vec<Rect> = self.rows[n][1]
                    .iter()
                    .filter(|&&i| ns.devices[i].master.as_ref() == Some(&ns.devices[b].name))
                    .map(|&i| self.devices[n][i])
                    .collect();
                let left = ports.iter().map(|r| r.x).min()?;
                let right = ports.iter().map(|r| r.x + r.w).max()?;
                Some((left + right) / 2)
            })
            .collect();
        self.place_row(n, 0, upper_y, &wanted);
    }

    /// Places a row left to right, each device at its wanted centre if it
    /// fits, and never past the box's right edge.
    fn place_row(&mut self, n: usize, row: usize, y: i32, wanted: &[Option<i32>]) {
        let frame = self.boxes[n];
        let (left_edge, right_edge) = (frame.x + PAD, frame.x + frame.w - PAD);
        let row_devices = self.rows[n][row].clone();
        let mut xs = Vec::new();
        let mut cursor = left_edge;
        for (k, &i) in row_devices.iter().enumerate() {
            let w = self.devices[n][i].w;
            let x = wanted[k].map_or(cursor, |c| (c - w / 2).max(cursor));
            xs.push(x);
            cursor = x + w + GAP;
        }
        let mut limit = right_edge;
        for (k, &i) in row_devices.iter().enumerate().rev() {
            let w = self.devices[n][i].w;
            xs[k] = xs[k].min(limit - w);
            limit = xs[k] - GAP;
        }
        if xs.first().is_some_and(|&x| x < left_edge) {
            let mut cursor = left_edge;
            for (k, &i) in row_devices.iter().enumerate() {
                xs[k] = cursor;
                cursor += self.devices[n][i].w + GAP;
            }
        }
        for (k, &i) in row_devices.iter().enumerate() {
            let device = &mut self.devices[n][i];
            device.x = xs[k];
            device.y = y;
        }
    }
}

/// The namespace a namespace hangs below: the first one made before it
/// that holds the bridge port its veth leads to, or the parent device of
/// its MACVLAN.
fn parent_of(topology: &Topology, n: usize) -> Option<usize> {
    let ns = &topology.namespaces[n];
    let position = |name: &str| topology.namespaces.iter().position(|m| m.name == name);
    let mut candidates: Vec<usize> = Vec::new();
    for device in &ns.devices {
        let upward = match &device.kind {
            Kind::Veth { peer: Some(peer) } => topology
                .device(&peer.namespace, &peer.device)
                .is_some_and(|d| d.master.is_some())
                .then_some(peer),
            Kind::Macvlan {
                parent: Some(parent),
                ..
            } => Some(parent),
            _ => None,
        };
        if let Some(m) = upward.and_then(|end| position(&end.namespace))
            && m < n
        {
            candidates.push(m);
        }
    }
    candidates.into_iter().min()
}

fn device_size(device: &Device, here: &str) -> Rect {
    let lines = details(device, here);
    let widest = lines.iter().map(|l| text_width(l, 11)).max().unwrap_or(0);
    Rect {
        w: widest.max(text_width(&device.name, 13)).max(56) + 16,
        h: 8 + NAME_LINE + DETAIL_LINE * lines.len() as i32 + 6,
        ..Rect::default()
    }
}
