//! The picture's own tests: the shape of a small lab's picture.

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
