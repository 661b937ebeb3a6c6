//! A container on the docker0 bridge, built by hand: what `docker run`
//! does to give a container its network.
//!
//! Equivalent to (lab step 6, `docker run -itp 9000:9000 vmware/photon2`):
//!
//! ```text
//! ip link add docker0 type bridge
//! ip addr add 172.17.0.1/16 brd + dev docker0
//! ip link set docker0 up
//! ip link add veth-red type veth peer name red-eth0
//! ip link set veth-red master docker0
//! ip link set veth-red up
//! ip link set red-eth0 netns red
//! ip link set red-eth0 name eth0                     # in red
//! ip addr add 172.17.0.2/16 brd + dev eth0           # in red
//! ip link set eth0 up                                # in red
//! ip route add default via 172.17.0.1                # in red
//! ifconfig                                           # in red
//! ip a; brctl show docker0; brctl showmacs docker0   # on the host
//! ```
//!
//! Run it: `cargo run --example bridge` (add `-- --keep` to look around).

use std::net::Ipv4Addr;
use std::process::ExitCode;

use netlab::observe::topology::{End, Kind};
use netlab::{Lab, Result};

fn main() -> ExitCode {
    netlab::run(bridge)
}

async fn bridge(lab: &Lab) -> Result<()> {
    // ANCHOR: docker0
    // When dockerd starts, it makes the docker0 bridge: a software switch
    // that also has an address, so the host itself is on its network.
    let host = lab.host().await?;
    lab.say("dockerd's first job: the docker0 bridge, the containers' gateway");
    host.add_bridge("docker0").await?;
    host.add_addr("docker0", "172.17.0.1/16").await?;
    host.set_up("docker0").await?;
    // ANCHOR_END: docker0

    // ANCHOR: container
    // `docker run`: a namespace for the container, and a veth pair whose one
    // end stays on the host, plugged into docker0, while the other end moves
    // into the container and becomes its eth0.
    let red = lab.container("red").await?;
    lab.say("a cable from the bridge into the container: a veth pair");
    host.add_veth("veth-red", "red-eth0").await?;
    host.set_master("veth-red", "docker0").await?;
    host.set_up("veth-red").await?;
    host.move_to("red-eth0", &red).await?;
    red.rename("red-eth0", "eth0").await?;
    red.add_addr("eth0", "172.17.0.2/16").await?;
    red.set_up("eth0").await?;
    red.add_default_route(Ipv4Addr::new(172, 17, 0, 1)).await?;
    // ANCHOR_END: container
    lab.picture().await?;

    // ANCHOR: look
    lab.say("what the lab looks at: first from inside the container");
    red.show_ifconfig().await?;
    red.show_routes().await?;
    lab.say("then from the host: the bridge, its port, and the MACs it knows");
    host.show_ip_a().await?;
    host.show_brctl("docker0").await?;
    host.show_brctl_macs("docker0").await?;
    // ANCHOR_END: look

    // What the tests also check from outside, with `ip -j`.
    let seen = lab.topology().await?;
    let docker0 = (seen.kind("host", "docker0"), seen.addrs("host", "docker0"));
    let bridge = docker0 == (Some(&Kind::Bridge), vec!["172.17.0.1/16"]);
    lab.claim("docker0 is a bridge with 172.17.0.1/16", bridge)?;
    let port = seen.master("host", "veth-red") == Some("docker0");
    lab.claim("veth-red is a port of docker0", port)?;
    let peer = seen.peer("red", "eth0") == Some(&End::new("host", "veth-red"));
    lab.claim("red's eth0 is veth-red's peer", peer)?;
    lab.claim(
        "red has lo and eth0 only",
        seen.device_names("red") == ["lo", "eth0"],
    )?;
    lab.claim(
        "red's eth0 has 172.17.0.2/16",
        seen.addrs("red", "eth0") == ["172.17.0.2/16"],
    )?;
    let gateway = seen.gateway("red") == Some(Ipv4Addr::new(172, 17, 0, 1));
    lab.claim("red's default route goes via 172.17.0.1", gateway)?;
    Ok(())
}
