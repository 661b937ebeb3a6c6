//! Where each namespace's box goes: in tiers, a namespace plugged into
//! another one below it. The devices inside a box: `namespace`.

use super::namespace::{device_size, split_rows};
use super::style::{GAP, PAD, Rect, TIER_GAP};
use crate::observe::topology::{End, Kind, Topology};

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
            layout.rows.push(split_rows(topology, n));
        }
        layout
    }

    /// The (namespace, device) positions of a device in the topology.
    pub(super) fn index_of(&self, end: &End) -> Option<(usize, usize)> {
        let n = self
            .topology
            .namespaces
            .iter()
            .position(|ns| ns.name == end.namespace)?;
        let devices = &self.topology.namespaces[n].devices;
        Some((n, devices.iter().position(|d| d.name == end.device)?))
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

    pub(super) fn depth(&self, n: usize) -> usize {
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
