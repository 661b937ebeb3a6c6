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

mod layout;
mod lines;

use layout::Layout;
use lines::connections;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::Namespace;

    fn device(name: &str, kind: Kind, master: Option<&str>, addrs: &[&str]) -> Device {
        Device {
            name: name.into(),
            kind,
            up: true,
            master: master.map(Into::into),
            addrs: addrs.iter().map(|a| a.to_string()).collect(),
        }
    }

    /// docker0 with red's veth plugged in; red below the host.
    fn bridge_lab() -> Topology {
        let veth = |ns: &str, dev: &str| Kind::Veth {
            peer: Some(End::new(ns, dev)),
        };
        Topology {
            namespaces: vec![
                Namespace {
                    name: "host".into(),
                    devices: vec![
                        device("docker0", Kind::Bridge, None, &["172.17.0.1/16"]),
                        device("veth-red", veth("red", "eth0"), Some("docker0"), &[]),
                    ],
                    default_route: None,
                },
                Namespace {
                    name: "red".into(),
                    devices: vec![device(
                        "eth0",
                        veth("host", "veth-red"),
                        None,
                        &["172.17.0.2/16"],
                    )],
                    default_route: Some(("172.17.0.1".parse().unwrap(), "eth0".into())),
                },
            ],
        }
    }

    #[test]
    fn a_port_hangs_below_its_bridge_and_its_container_below_the_host() {
        let svg = render("bridge", &bridge_lab());
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg}"
        );
        assert!(svg.ends_with("</svg>\n"), "{svg}");
        assert!(
            !svg.contains("\n\n"),
            "no blank line, which would end Markdown's HTML block"
        );
        assert!(
            !svg.contains(" id=") && !svg.contains("<style"),
            "nothing that leaks into a page"
        );
        for expected in [
            "<title>veth-red is a port of docker0 (host)</title>",
            "<title>veth pair: veth-red (host) &lt;-&gt; eth0 (red)</title>",
            ">172.17.0.2/16</text>",
            ">default via 172.17.0.1 dev eth0</text>",
        ] {
            assert!(svg.contains(expected), "{expected:?} in:\n{svg}");
        }
        // The container hangs below the host: its box starts lower.
        let layout = {
            let topology = bridge_lab();
            let mut layout = Layout::new(&topology);
            layout.place();
            (layout.boxes[0], layout.boxes[1])
        };
        assert!(
            layout.1.y > layout.0.y + layout.0.h,
            "red is below the host"
        );
        assert_eq!(svg, render("bridge", &bridge_lab()), "same lab, same bytes");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a<b>&\"c\""), "a&lt;b&gt;&amp;&quot;c&quot;");
    }
}
