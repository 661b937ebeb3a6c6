//! The topology pictures come from what the kernel reports, not from what an
//! example meant to build: a lab with one veth left out of the bridge is
//! drawn that way; VXLAN and MACVLAN devices made with iproute2 (not with the
//! library) are read and drawn; the same lab gives the same bytes.

use std::net::Ipv4Addr;
use std::process::Command;

use netlab::observe::svg;
use netlab::observe::topology::{End, Kind, Topology};
use netlab::{Lab, Netns, Result};
use netlab_tests::root;

/// Runs `lab` on a single-threaded runtime, as `netlab::run` does.
fn block_on<T>(work: impl Future<Output = Result<T>>) -> T {
    netlab::narrate::set_quiet(true);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("start a runtime");
    runtime.block_on(work).expect("build and read the lab")
}

/// The same_bridge lab, except that `veth-blue` is never plugged into docker0.
async fn same_bridge_with_blue_unplugged() -> Result<(Topology, String)> {
    let lab = Lab::new("broken");
    let host = lab.host().await?;
    host.add_bridge("docker0").await?;
    host.add_addr("docker0", "172.17.0.1/16").await?;
    host.set_up("docker0").await?;
    for (name, cidr, plug) in [
        ("red", "172.17.0.2/16", true),
        ("blue", "172.17.0.3/16", false),
    ] {
        let container = lab.container(name).await?;
        let veth = format!("veth-{name}");
        host.add_veth_into(&veth, "eth0", &container).await?;
        if plug {
            host.set_master(&veth, "docker0").await?;
        }
        host.set_up(&veth).await?;
        container.add_addr("eth0", cidr).await?;
        container.set_up("eth0").await?;
    }
    let topology = lab.topology().await?;
    let picture = svg::render("broken", &topology);
    Ok((topology, picture))
}

#[test]
fn a_veth_left_out_of_the_bridge_is_drawn_unplugged() {
    if !root() {
        return;
    }
    let (topology, picture) = block_on(same_bridge_with_blue_unplugged());
    assert_eq!(
        topology.master("host", "veth-red"),
        Some("docker0"),
        "the kernel reports veth-red as a port of docker0"
    );
    assert_eq!(
        topology.master("host", "veth-blue"),
        None,
        "and veth-blue as a port of nothing"
    );
    assert!(
        picture.contains("<title>veth-red is a port of docker0 (host)</title>"),
        "the picture joins veth-red to docker0:\n{picture}"
    );
    assert!(
        !picture.contains("veth-blue is a port of"),
        "the picture does not join veth-blue to any bridge:\n{picture}"
    );
    assert!(
        picture.contains("<title>veth pair: eth0 (blue) &lt;-&gt; veth-blue (host)</title>"),
        "the cable into blue is still there:\n{picture}"
    );
    assert_eq!(
        picture.matches("is a port of").count(),
        1,
        "one port line, red's:\n{picture}"
    );

    // Drawn again from a second, identical lab: the same bytes.
    let (_, again) = block_on(same_bridge_with_blue_unplugged());
    assert_eq!(picture, again, "the same lab gives the same picture");
}

/// `ip link ...` run inside one of the lab's namespaces, by its fd.
fn ip(netns: &Netns, args: &str) {
    let path = format!("/proc/{}/fd/{}", std::process::id(), netns.raw_fd());
    let output = Command::new("nsenter")
        .arg(format!("--net={path}"))
        .arg("ip")
        .args(args.split_whitespace())
        .output()
        .expect("run nsenter ip");
    assert!(
        output.status.success(),
        "ip {args} in {}: {}",
        netns.name,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A host with a VXLAN tunnel endpoint on br0 over its underlay eth1 (a veth
/// into a `lan` namespace), and a MACVLAN on eth1 moved into `red`. Built
/// with iproute2, so the reading is tested against what another tool made.
async fn vxlan_and_macvlan() -> Result<Topology> {
    let lab = Lab::new("synthetic");
    let host = lab.host().await?;
    let lan = lab.container("lan").await?;
    let red = lab.container("red").await?;
    host.add_veth_into("eth1", "eth0", &lan).await?;
    host.add_addr("eth1", "10.0.0.1/24").await?;
    host.set_up("eth1").await?;
    host.add_bridge("br0").await?;
    ip(
        &host,
        "link add vxlan0 type vxlan id 4097 remote 10.0.0.2 local 10.0.0.1 dstport 4789 dev eth1",
    );
    ip(&host, "link set vxlan0 master br0");
    ip(&host, "link set vxlan0 up");
    host.set_up("br0").await?;
    ip(&host, "link add mv0 link eth1 type macvlan mode bridge");
    let red_fd = format!("/proc/{}/fd/{}", std::process::id(), red.raw_fd());
    ip(&host, &format!("link set mv0 netns {red_fd}"));
    ip(&red, "addr add 192.168.20.2/24 dev mv0");
    ip(&red, "link set mv0 up");
    lab.topology().await
}

#[test]
fn vxlan_and_macvlan_devices_are_read_and_drawn() {
    if !root() {
        return;
    }
    let topology = block_on(vxlan_and_macvlan());
    let vxlan = topology.device("host", "vxlan0").expect("host has vxlan0");
    assert_eq!(
        vxlan.kind,
        Kind::Vxlan {
            vni: 4097,
            port: Some(4789),
            remote: Some(Ipv4Addr::new(10, 0, 0, 2)),
            local: Some(Ipv4Addr::new(10, 0, 0, 1)),
            dev: Some(End::new("host", "eth1")),
        },
        "vxlan0 as `ip -d link` shows it"
    );
    assert_eq!(
        vxlan.master.as_deref(),
        Some("br0"),
        "vxlan0 is a port of br0"
    );
    let macvlan = topology.device("red", "mv0").expect("red has mv0");
    assert_eq!(
        macvlan.kind,
        Kind::Macvlan {
            mode: "bridge".into(),
            parent: Some(End::new("host", "eth1")),
        },
        "mv0 sits on the host's eth1, across namespaces (link-netnsid)"
    );
    assert_eq!(macvlan.addrs, ["192.168.20.2/24"], "mv0's address");
    assert_eq!(
        topology.peer("host", "eth1"),
        Some(&End::new("lan", "eth0")),
        "eth1's peer is lan's eth0"
    );

    let picture = svg::render("synthetic", &topology);
    // To look at it: NETLAB_SAVE_PICTURE=/tmp/lab.svg cargo test --test topology
    if let Ok(path) = std::env::var("NETLAB_SAVE_PICTURE") {
        std::fs::write(path, &picture).expect("save the picture");
    }
    for expected in [
        "<title>vxlan0 is a port of br0 (host)</title>",
        "<title>vxlan vxlan0 (host) sends through eth1 (host)</title>",
        "<title>macvlan mv0 (red) on its parent eth1 (host)</title>",
        "<title>veth pair: eth1 (host) &lt;-&gt; eth0 (lan)</title>",
        ">vxlan id 4097</text>",
        ">remote 10.0.0.2</text>",
        ">dstport 4789</text>",
        ">macvlan mode bridge</text>",
        ">on eth1 in host</text>",
    ] {
        assert!(
            picture.contains(expected),
            "the picture shows {expected:?}:\n{picture}"
        );
    }
}
