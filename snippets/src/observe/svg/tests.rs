//! The picture's own tests: the shape of a small lab's picture, its lines,
//! and a wide lab wrapped at the book's column.

use super::*;
use crate::observe::topology::{Device, End, Kind, Namespace};

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
                system: None,
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
                system: None,
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

/// docker0 with red's and blue's veths plugged in, as same_bridge builds it.
fn same_bridge_lab() -> Topology {
    let veth = |ns: &str, dev: &str| Kind::Veth {
        peer: Some(End::new(ns, dev)),
    };
    let mut host = vec![device("docker0", Kind::Bridge, None, &["172.17.0.1/16"])];
    let mut namespaces = Vec::new();
    for (name, address) in [("red", "172.17.0.2/16"), ("blue", "172.17.0.3/16")] {
        let port = format!("veth-{name}");
        host.push(device(&port, veth(name, "eth0"), Some("docker0"), &[]));
        namespaces.push(Namespace {
            name: name.into(),
            devices: vec![device("eth0", veth("host", &port), None, &[address])],
            default_route: None,
            system: None,
        });
    }
    let host = Namespace {
        name: "host".into(),
        devices: host,
        default_route: None,
        system: None,
    };
    namespaces.insert(0, host);
    Topology { namespaces }
}

/// A straight stretch of a line: horizontal or not, the coordinate it runs
/// along, and from where to where.
type Stretch = (bool, i32, i32, i32);

/// The straight stretches of a path the router drew (`M x y`, then `H x`
/// and `V y`), and the point where it ends.
fn stretches(d: &str) -> (Vec<Stretch>, (i32, i32)) {
    let words: Vec<&str> = d.split(' ').collect();
    let number = |k: usize| words[k].parse::<i32>().expect("a number");
    let (mut x, mut y) = (number(1), number(2));
    let mut found = Vec::new();
    for k in (3..words.len()).step_by(2) {
        let to = number(k + 1);
        match words[k] {
            "H" => (found.push((true, y, x.min(to), x.max(to))), x = to),
            "V" => (found.push((false, x, y.min(to), y.max(to))), y = to),
            other => panic!("{other} in {d}"),
        };
    }
    (found, (x, y))
}

#[test]
fn two_lines_never_share_a_stretch_not_even_two_ports_of_one_bridge() {
    let topology = same_bridge_lab();
    let mut layout = Layout::new(&topology);
    let size = layout.place();
    let lines = connections(&layout, size);
    assert_eq!(lines.len(), 4, "two ports, two veth pairs");
    for (i, a) in lines.iter().enumerate() {
        for b in &lines[i + 1..] {
            for s in stretches(&a.1).0 {
                for t in stretches(&b.1).0 {
                    let shared = s.0 == t.0 && s.1 == t.1 && s.2.max(t.2) < s.3.min(t.3);
                    assert!(!shared, "{:?} and {:?} share {s:?} / {t:?}", a.2, b.2);
                }
            }
        }
    }
    // A port's line runs from the port to the bridge.
    let on_docker0: Vec<(i32, i32)> = (lines.iter())
        .filter(|line| line.2.contains("is a port of docker0"))
        .map(|line| stretches(&line.1).1)
        .collect();
    assert_ne!(
        on_docker0[0], on_docker0[1],
        "each port's line leaves docker0 at its own point"
    );
}

#[test]
fn a_lab_wider_than_the_book_wraps_into_rows() {
    let machine = |n: u8| Namespace {
        name: format!("host{n}"),
        devices: vec![
            device("lo", Kind::Loopback, None, &["127.0.0.1/8"]),
            device("docker0", Kind::Bridge, None, &["172.17.0.1/16"]),
            device(
                "eth0",
                Kind::Veth { peer: None },
                None,
                &[&format!("10.0.0.{n}/24")],
            ),
        ],
        default_route: None,
        system: None,
    };
    let topology = Topology {
        namespaces: (1..=4).map(machine).collect(),
    };
    let mut layout = Layout::new(&topology);
    let (width, _) = layout.place();
    assert!(width <= style::COLUMN, "{width} px fits the column");
    let (first, last) = (layout.boxes[0], layout.boxes[3]);
    assert!(
        last.y > first.y + first.h,
        "host4 wraps to a row below host1"
    );
}

#[test]
fn a_legend_too_wide_for_the_book_takes_two_lines() {
    // Every kind of line, and a device down: the legend alone is wider
    // than the column in one line.
    let end = |ns: &str, dev: &str| Some(End::new(ns, dev));
    let mut vxlan0 = device(
        "vxlan0",
        Kind::Vxlan {
            vni: 4097,
            port: Some(4789),
            remote: None,
            local: None,
            dev: end("host", "eth1"),
        },
        Some("br0"),
        &[],
    );
    vxlan0.up = false;
    let namespace = |name: &str, devices| Namespace {
        name: name.into(),
        devices,
        default_route: None,
        system: None,
    };
    let host = vec![
        device("br0", Kind::Bridge, None, &[]),
        device(
            "eth1",
            Kind::Veth {
                peer: end("lan", "eth0"),
            },
            None,
            &[],
        ),
        vxlan0,
    ];
    let lan = vec![device(
        "eth0",
        Kind::Veth {
            peer: end("host", "eth1"),
        },
        None,
        &[],
    )];
    let macvlan = Kind::Macvlan {
        mode: "bridge".into(),
        parent: end("host", "eth1"),
    };
    let red = vec![device("mv0", macvlan, None, &["192.168.20.2/24"])];
    let topology = Topology {
        namespaces: vec![
            namespace("host", host),
            namespace("lan", lan),
            namespace("red", red),
        ],
    };
    let svg = render("legend", &topology);
    let width: i32 = svg
        .split("width=\"")
        .nth(1)
        .and_then(|w| w.split('"').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(width <= style::COLUMN, "{width} px fits the column:\n{svg}");
    let line_of = |label: &str| {
        let before = svg.split(&format!(">{label}</text>")).next().unwrap();
        before
            .rsplit("y=\"")
            .next()
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    assert_ne!(
        line_of("veth pair"),
        line_of("device down"),
        "two lines:\n{svg}"
    );
}

#[test]
fn text_is_escaped() {
    assert_eq!(escape("a<b>&\"c\""), "a&lt;b&gt;&amp;&quot;c&quot;");
}
