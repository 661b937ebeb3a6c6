//! Drawing a [`Topology`] as an SVG picture: namespaces as boxes, devices
//! inside them, veth pairs, bridge ports, MACVLAN parents and VXLAN underlay
//! devices as lines, addresses as labels.
//!
//! `cargo run --example NAME -- --topology FILE.svg` draws the lab there
//! ([`Lab::picture`]); the tests record it as `snippets/examples/NAME/topology.svg`
//! and the book shows it with `{{#topology NAME}}`.
//!
//! The layout is simple and deterministic, so the same lab always gives the
//! same bytes: a namespace plugged into another one (a container whose veth
//! peer is a port of the host's bridge, or whose MACVLAN sits on the host's
//! device) goes below it; the others sit side by side, in the order the lab
//! made them. In a box, the bridge ports form a lower row, above the
//! containers they lead to. Text is monospace, so its width is known without
//! a font. The picture is a white card with dark lines: legible on mdBook's
//! light and dark themes and on paper, and it uses no `id` and no `<style>`,
//! so several pictures can share one page (the print page).

use std::fmt::Write;

use anyhow::{Context, Result};

use crate::Lab;
use crate::topology::{Device, End, Kind, Topology};

impl Lab {
    /// Draws the lab as the kernel reports it right now, when the example
    /// was run with `--topology FILE.svg`; otherwise does nothing. Call it
    /// where the topology is complete. An example that never calls it is
    /// drawn as it is when it ends.
    pub async fn picture(&self) -> Result<()> {
        let Some(path) = self.picture_path() else {
            return Ok(());
        };
        let topology = self.topology().await?;
        let svg = render(self.name(), &topology);
        std::fs::write(path, svg)
            .with_context(|| format!("write the topology picture to {}", path.display()))?;
        self.mark_drawn();
        Ok(())
    }
}

const PAD: i32 = 10;
const GAP: i32 = 20;
const HEADER: i32 = 24;
const PORT_GAP: i32 = 30;
const TIER_GAP: i32 = 44;
const FOOTER: i32 = 18;
const NAME_LINE: i32 = 16;
const DETAIL_LINE: i32 = 14;
const LEGEND: i32 = 28;

const INK: &str = "#1b1f24";
const DETAIL_INK: &str = "#3d4650";
const NS_FILL: &str = "#eef2f7";
const NS_STROKE: &str = "#5a6878";
const BRIDGE_FILL: &str = "#fff3d1";

/// How each kind of line looks: colour, width, dashes, legend text.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Line {
    Veth,
    Port,
    Macvlan,
    Vxlan,
}

impl Line {
    fn style(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Line::Veth => ("#1f5fa8", "2.5", "", "veth pair"),
            Line::Port => ("#8a5a00", "1.5", "", "port of a bridge"),
            Line::Macvlan => ("#7b3fa0", "2", "6 4", "macvlan on its parent"),
            Line::Vxlan => ("#2e7d32", "2", "2 3", "vxlan over its underlay device"),
        }
    }
}

/// A box on the picture.
#[derive(Clone, Copy, Default)]
struct Rect {
    x: i32,
    y: i32,
    w: i32,
    h: i32,
}

/// Width of monospace text: 0.6 em a character, rounded up.
fn text_width(text: &str, size: i32) -> i32 {
    (text.chars().count() as i32 * size * 6 + 9) / 10
}

/// The lines of a device's box, after its name.
fn details(device: &Device, here: &str) -> Vec<String> {
    let place = |end: &End| match end.namespace == here {
        true => end.device.clone(),
        false => format!("{} in {}", end.device, end.namespace),
    };
    let mut lines = match &device.kind {
        Kind::Loopback => vec!["loopback".to_string()],
        Kind::Bridge => vec!["bridge".to_string()],
        Kind::Veth { peer: Some(_) } => vec!["veth".to_string()],
        Kind::Veth { peer: None } => vec!["veth, peer outside the lab".to_string()],
        Kind::Vxlan {
            vni,
            port,
            remote,
            local,
            dev,
        } => {
            let mut lines = vec![format!("vxlan id {vni}")];
            if let Some(remote) = remote {
                let word = if remote.is_multicast() {
                    "group"
                } else {
                    "remote"
                };
                lines.push(format!("{word} {remote}"));
            }
            lines.extend(local.map(|local| format!("local {local}")));
            lines.extend(port.map(|port| format!("dstport {port}")));
            lines.extend(dev.as_ref().map(|dev| format!("dev {}", place(dev))));
            lines
        }
        Kind::Macvlan { mode, parent } => {
            let mut lines = vec![format!("macvlan mode {mode}")];
            lines.extend(parent.as_ref().map(|p| format!("on {}", place(p))));
            lines
        }
        Kind::Other(kind) => vec![kind.clone()],
    };
    if !device.up {
        lines[0].push_str(", down");
    }
    lines.extend(device.addrs.iter().cloned());
    lines
}

/// The layout of the whole picture.
struct Layout<'t> {
    topology: &'t Topology,
    /// Per namespace: its box, and per device (model order) its box.
    boxes: Vec<Rect>,
    devices: Vec<Vec<Rect>>,
    /// Per namespace: devices of the upper row, then of the ports row.
    rows: Vec<[Vec<usize>; 2]>,
    parent: Vec<Option<usize>>,
}

impl<'t> Layout<'t> {
    fn new(topology: &'t Topology) -> Layout<'t> {
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

    fn index_of(&self, end: &End) -> Option<(usize, usize)> {
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
    fn place(&mut self) -> (i32, i32) {
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

fn route_text(ns: &crate::topology::Namespace) -> Option<String> {
    let (gateway, device) = ns.default_route.as_ref()?;
    Some(format!("default via {gateway} dev {device}"))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The SVG text of `topology`, for the example `example`.
pub fn render(example: &str, topology: &Topology) -> String {
    let mut layout = Layout::new(topology);
    let (mut width, mut height) = layout.place();
    let lines = connections(&layout);
    let mut kinds: Vec<Line> = lines.iter().map(|l| l.0).collect();
    kinds.sort();
    kinds.dedup();
    let any_down = topology
        .namespaces
        .iter()
        .flat_map(|ns| &ns.devices)
        .any(|d| !d.up);
    if !kinds.is_empty() || any_down {
        height += LEGEND;
        width = width.max(legend_width(&kinds, any_down) + PAD * 2);
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
    for (kind, from, to, title) in &lines {
        let (colour, stroke, dashes, _) = kind.style();
        let dash = match dashes {
            "" => String::new(),
            d => format!(" stroke-dasharray=\"{d}\""),
        };
        writeln!(
            out,
            "<path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{stroke}\"{dash}><title>{}</title></path>",
            path(*from, *to),
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
        if let Some(route) = route_text(ns) {
            writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{DETAIL_INK}\">{}</text>",
                r.x + PAD,
                r.y + r.h - PAD - 2,
                escape(&route)
            )
            .unwrap();
        }
        for (i, device) in ns.devices.iter().enumerate() {
            draw_device(&mut out, device, layout.devices[n][i], &ns.name);
        }
    }
    if !kinds.is_empty() || any_down {
        draw_legend(&mut out, &kinds, any_down, height - LEGEND + 4);
    }
    out.push_str("</svg>\n");
    out
}

fn draw_device(out: &mut String, device: &Device, r: Rect, here: &str) {
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
fn legend_width(kinds: &[Line], any_down: bool) -> i32 {
    let labels = kinds.iter().map(|kind| kind.style().3);
    let labels = labels.chain(any_down.then_some("device down"));
    PAD * 2
        + labels
            .map(|label| 34 + text_width(label, 11) + 20)
            .sum::<i32>()
        - 20
}

fn draw_legend(out: &mut String, kinds: &[Line], any_down: bool, y: i32) {
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

/// Every line to draw: its kind, the two boxes, and what it means.
fn connections(layout: &Layout) -> Vec<(Line, Rect, Rect, String)> {
    let topology = layout.topology;
    let mut lines = Vec::new();
    let mut pairs_seen: Vec<(End, End)> = Vec::new();
    for (n, ns) in topology.namespaces.iter().enumerate() {
        for (i, device) in ns.devices.iter().enumerate() {
            let here = End {
                namespace: ns.name.clone(),
                device: device.name.clone(),
            };
            let me = layout.devices[n][i];
            let at = |end: &End| layout.index_of(end).map(|(m, j)| layout.devices[m][j]);
            if let Some(master) = &device.master {
                let bridge = End {
                    namespace: ns.name.clone(),
                    device: master.clone(),
                };
                if let Some(b) = at(&bridge) {
                    let title = format!("{} is a port of {master} ({})", device.name, ns.name);
                    lines.push((Line::Port, me, b, title));
                }
            }
            match &device.kind {
                Kind::Veth { peer: Some(peer) } => {
                    let pair = if &here < peer {
                        (here.clone(), peer.clone())
                    } else {
                        (peer.clone(), here.clone())
                    };
                    if let Some(p) = at(peer)
                        && !pairs_seen.contains(&pair)
                    {
                        let title = format!(
                            "veth pair: {} ({}) <-> {} ({})",
                            pair.0.device, pair.0.namespace, pair.1.device, pair.1.namespace
                        );
                        lines.push((Line::Veth, me, p, title));
                        pairs_seen.push(pair);
                    }
                }
                Kind::Macvlan {
                    parent: Some(parent),
                    ..
                } => {
                    if let Some(p) = at(parent) {
                        let title = format!(
                            "macvlan {} ({}) on its parent {} ({})",
                            device.name, ns.name, parent.device, parent.namespace
                        );
                        lines.push((Line::Macvlan, me, p, title));
                    }
                }
                Kind::Vxlan { dev: Some(dev), .. } => {
                    if let Some(p) = at(dev) {
                        let title = format!(
                            "vxlan {} ({}) sends through {} ({})",
                            device.name, ns.name, dev.device, dev.namespace
                        );
                        lines.push((Line::Vxlan, me, p, title));
                    }
                }
                _ => {}
            }
        }
    }
    lines
}

/// An orthogonal path between two boxes: down (or up) from one to the
/// other when one is above the other, sideways otherwise.
fn path(a: Rect, b: Rect) -> String {
    let (upper, lower) = if a.y <= b.y { (a, b) } else { (b, a) };
    if upper.y + upper.h <= lower.y {
        let (x1, y1) = (upper.x + upper.w / 2, upper.y + upper.h);
        let (x2, y2) = (lower.x + lower.w / 2, lower.y);
        let middle = (y1 + y2) / 2;
        return match x1 == x2 {
            true => format!("M {x1} {y1} V {y2}"),
            false => format!("M {x1} {y1} V {middle} H {x2} V {y2}"),
        };
    }
    let (left, right) = if a.x <= b.x { (a, b) } else { (b, a) };
    let (x1, y1) = (left.x + left.w, left.y + left.h / 2);
    let (x2, y2) = (right.x, right.y + right.h / 2);
    let middle = (x1 + x2) / 2;
    match y1 == y2 {
        true => format!("M {x1} {y1} H {x2}"),
        false => format!("M {x1} {y1} H {middle} V {y2} H {x2}"),
    }
}
