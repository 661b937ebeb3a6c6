//! Where each namespace's box goes.
//!
//! A namespace plugged into another one hangs below it: a container below
//! the namespace of the bridge its veth is a port of, a MACVLAN's namespace
//! below its parent device's, a VXLAN's below its underlay device's. A
//! namespace and what hangs below it form a block: the namespace on top,
//! the blocks below it in rows under it. The blocks of the namespaces that
//! hang below none sit in rows too. Every row wraps before it grows wider
//! than the book's column ([`COLUMN`]): a browser would shrink a wider
//! picture to fit, and its 11 px text with it. So a wide lab is drawn taller,
//! never smaller: the overlay lab's two machines one above the other. (A
//! single namespace with more devices than one row of the column holds is
//! still drawn wider; no lab of the book has one.)

use super::rows::{device_size, split_rows};
use super::style::{COLUMN, MARGIN, NS_GAP, Rect, TIER_GAP};
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
        let mut parent = Vec::new();
        for n in 0..count {
            let hangs_below = parent_of(topology, n, &parent);
            parent.push(hangs_below);
        }
        let devices = topology.namespaces.iter().map(|ns| {
            let sizes = ns.devices.iter().map(|d| device_size(d, &ns.name));
            sizes.collect()
        });
        Layout {
            topology,
            boxes: vec![Rect::default(); count],
            devices: devices.collect(),
            rows: (0..count).map(|n| split_rows(topology, n)).collect(),
            parent,
        }
    }

    /// The (namespace, device) positions of a device in the topology.
    pub(super) fn index_of(&self, end: &End) -> Option<(usize, usize)> {
        let namespaces = &self.topology.namespaces;
        let n = namespaces.iter().position(|ns| ns.name == end.namespace)?;
        let devices = &namespaces[n].devices;
        Some((n, devices.iter().position(|d| d.name == end.device)?))
    }

    /// How many namespaces up it hangs: 0 for one that hangs below none.
    pub(super) fn depth(&self, n: usize) -> usize {
        self.parent[n].map_or(0, |p| self.depth(p) + 1)
    }

    /// The namespaces that hang below `parent` (`None`: below none), left
    /// to right in the order of the devices they are plugged into, so that
    /// their lines need not cross; else in the order the lab made them.
    fn children(&self, parent: Option<usize>) -> Vec<usize> {
        let mut children: Vec<usize> = (0..self.parent.len())
            .filter(|&c| self.parent[c] == parent)
            .collect();
        if let Some(p) = parent {
            children.sort_by_key(|&c| (self.plugged_into(p, c), c));
        }
        children
    }

    /// Where in `p`'s upper row the namespace `c` is plugged in: the mean
    /// position of the devices (or, for a bridge port, of its bridge) that
    /// lead to `c`, in thousandths.
    fn plugged_into(&self, p: usize, c: usize) -> usize {
        let (parent, child) = (&self.topology.namespaces[p], &self.topology.namespaces[c]);
        let leads_to_child = |name: &str| {
            let end = End::new(&parent.name, name);
            let peer = self.topology.peer(&parent.name, name);
            peer.is_some_and(|peer| peer.namespace == child.name)
                || child.devices.iter().any(|d| match &d.kind {
                    Kind::Macvlan { parent, .. } | Kind::Ipvlan { parent, .. } => {
                        parent.as_ref() == Some(&end)
                    }
                    Kind::Vxlan { dev, .. } => dev.as_ref() == Some(&end),
                    _ => false,
                })
        };
        let upper = &self.rows[p][0];
        let positions: Vec<usize> = (parent.devices.iter())
            .filter(|d| leads_to_child(&d.name))
            .filter_map(|d| {
                let shown = d.master.as_deref().unwrap_or(&d.name);
                upper.iter().position(|&i| parent.devices[i].name == shown)
            })
            .collect();
        match positions.len() {
            0 => usize::MAX,
            count => positions.iter().sum::<usize>() * 1000 / count,
        }
    }

    /// Blocks in rows, in order, each row as wide as the column allows
    /// (and at least one block).
    fn wrap(&self, blocks: Vec<usize>) -> Vec<Vec<usize>> {
        let mut rows: Vec<Vec<usize>> = Vec::new();
        let mut width = 0;
        for block in blocks {
            let w = self.block_size(block).0;
            match rows.last_mut() {
                Some(row) if width + NS_GAP + w <= COLUMN - 2 * MARGIN => {
                    row.push(block);
                    width += NS_GAP + w;
                }
                _ => {
                    rows.push(vec![block]);
                    width = w;
                }
            }
        }
        rows
    }

    /// A row of blocks: its width and its height.
    fn blocks_size(&self, row: &[usize]) -> (i32, i32) {
        let sizes = row.iter().map(|&b| self.block_size(b));
        let width = sizes.clone().map(|s| s.0 + NS_GAP).sum::<i32>() - NS_GAP;
        (width, sizes.map(|s| s.1).max().unwrap_or(0))
    }

    /// The size of namespace `n` with everything that hangs below it.
    fn block_size(&self, n: usize) -> (i32, i32) {
        let (mut width, mut height) = self.natural_size(n);
        for row in self.wrap(self.children(Some(n))) {
            let (w, h) = self.blocks_size(&row);
            width = width.max(w);
            height += TIER_GAP + h;
        }
        (width, height)
    }

    /// Places every box; returns the picture's size.
    pub(super) fn place(&mut self) -> (i32, i32) {
        let mut y = MARGIN;
        let mut width = 0;
        for row in self.wrap(self.children(None)) {
            let (w, h) = self.blocks_size(&row);
            self.place_blocks(&row, MARGIN, y, w);
            width = width.max(w);
            y += h + TIER_GAP;
        }
        // Devices: the deepest namespaces first, so that a box's ports row
        // can line up above the devices it leads to.
        let mut order: Vec<usize> = (0..self.boxes.len()).collect();
        order.sort_by_key(|&n| std::cmp::Reverse(self.depth(n)));
        for n in order {
            self.place_devices(n);
        }
        ((width + 2 * MARGIN).max(200), y - TIER_GAP + MARGIN)
    }

    /// Places a row of blocks centred in `width` from `x`, tops at `y`.
    fn place_blocks(&mut self, row: &[usize], x: i32, y: i32, width: i32) {
        let mut x = x + (width - self.blocks_size(row).0) / 2;
        for &n in row {
            let (w, _) = self.block_size(n);
            self.place_block(n, x, y, w);
            x += w + NS_GAP;
        }
    }

    /// Places namespace `n`'s box as wide as its block, and its block below.
    fn place_block(&mut self, n: usize, x: i32, y: i32, w: i32) {
        let h = self.natural_size(n).1;
        self.boxes[n] = Rect { x, y, w, h };
        let mut y = y + h;
        for row in self.wrap(self.children(Some(n))) {
            y += TIER_GAP;
            self.place_blocks(&row, x, y, w);
            y += self.blocks_size(&row).1;
        }
    }
}

/// The namespace that `n` hangs below: one made before it that holds the
/// bridge port its veth leads to, the parent of its MACVLAN, or the underlay
/// device of its VXLAN. Of several, the one that hangs lowest itself (a
/// container on an overlay hangs below the overlay's namespace, not the
/// host's), then the first made. `parent` holds those of `0..n`.
fn parent_of(topology: &Topology, n: usize, parent: &[Option<usize>]) -> Option<usize> {
    let position = |name: &str| topology.namespaces.iter().position(|m| m.name == name);
    let depth = |mut m: usize| {
        let mut depth = 0;
        while let Some(p) = parent[m] {
            (m, depth) = (p, depth + 1);
        }
        depth
    };
    let mut candidates: Vec<(std::cmp::Reverse<usize>, usize)> = Vec::new();
    for device in &topology.namespaces[n].devices {
        let upward = match &device.kind {
            Kind::Veth { peer: Some(peer) } => topology
                .device(&peer.namespace, &peer.device)
                .is_some_and(|d| d.master.is_some())
                .then_some(peer),
            Kind::Macvlan {
                parent: Some(end), ..
            }
            | Kind::Ipvlan {
                parent: Some(end), ..
            } => Some(end),
            Kind::Vxlan { dev: Some(end), .. } => Some(end),
            _ => None,
        };
        if let Some(m) = upward.and_then(|end| position(&end.namespace))
            && m < n
        {
            candidates.push((std::cmp::Reverse(depth(m)), m));
        }
    }
    candidates
        .into_iter()
        .min()
        .map(|(_, m)| m)
        .or_else(|| behind_an_uplink(topology, n))
}

/// A namespace whose one link is a veth to a namespace made before it (a
/// machine behind another's uplink, such as `outside`) hangs below that one.
fn behind_an_uplink(topology: &Topology, n: usize) -> Option<usize> {
    let name = &topology.namespaces[n].name;
    let position = |name: &str| topology.namespaces.iter().position(|m| m.name == name);
    // Its links: (is a veth, the namespace at the other end).
    let mut links = Vec::new();
    for (m, ns) in topology.namespaces.iter().enumerate() {
        for device in &ns.devices {
            match &device.kind {
                Kind::Veth { peer: Some(end) } if m == n && &end.namespace != name => {
                    links.push((true, position(&end.namespace)));
                }
                Kind::Macvlan {
                    parent: Some(end), ..
                }
                | Kind::Ipvlan {
                    parent: Some(end), ..
                }
                | Kind::Vxlan { dev: Some(end), .. }
                    if m != n && &end.namespace == name =>
                {
                    links.push((false, Some(m)));
                }
                _ => {}
            }
        }
    }
    match links.as_slice() {
        [(true, Some(m))] if *m < n => Some(*m),
        _ => None,
    }
}
