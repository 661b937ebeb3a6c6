//! A MACVLAN network, the Docker way, for real: containers with addresses
//! from the LAN's range and MACs of their own, on a parent interface that
//! belongs to the lab (a veth pair made for the run), never your uplink.
//!
//! Equivalent to (lab step 11, with netlab/busybox for vmware/photon2):
//!
//! ```text
//! ip link add netlab-mv0 type veth peer name netlab-mv1   # the lab's "eth0"
//! docker network create -d macvlan --subnet=192.168.20.0/24 \
//!     --gateway=192.168.20.1 --ip-range=192.168.20.0/25 \
//!     -o parent=netlab-mv0 netlab-macvlan
//! docker run -d --name netlab-red --network netlab-macvlan netlab/busybox sleep 3600
//! ip addr show eth0             # in red (the lab: ifconfig)
//! docker network create -d macvlan --subnet=192.168.30.0/24 \
//!     -o parent=netlab-mv0.20 netlab-vlan20   # 802.1q: Docker adds netlab-mv0.20
//! ```
//!
//! Run it: `sudo -E cargo run --example docker_macvlan`, or with
//! `-- --parent IFACE` to put the network on a real interface of yours.

use std::process::ExitCode;

use netlab::{Flag, Result};
use netlab_docker::{self as docker, Engine, NetworkArgs, RunArgs, cleanup::MACVLAN_PARENT};

mod trunk;

/// `--parent IFACE`: a real interface of yours instead of the lab's veth.
const PARENT: Flag = Flag::optional(
    "--parent",
    "IFACE",
    "put the network on IFACE, a real interface of yours, instead of the lab's own veth pair",
);

fn main() -> ExitCode {
    docker::run_with_flags(&[PARENT], macvlan)
}

async fn macvlan(engine: &Engine) -> Result<()> {
    // ANCHOR: parent
    // The lab says `-o parent=eth0`: the machine's uplink, on a LAN where
    // 192.168.20.0/24 is free. Ours is one end of a veth pair that exists
    // for this run only (the other end plays the LAN).
    let parent = match engine.flag::<String>("--parent")? {
        Some(parent) => parent,
        None => {
            engine.say("the parent: a veth pair of the lab's, standing in for the LAN");
            engine.host.add_veth(MACVLAN_PARENT, "netlab-mv1").await?;
            engine.host.set_up(MACVLAN_PARENT).await?;
            engine.host.set_up("netlab-mv1").await?;
            MACVLAN_PARENT.to_string()
        }
    };
    engine.show_host_link(&parent).await?;
    // ANCHOR_END: parent

    // ANCHOR: network
    engine.say("a macvlan network on it, with the lab's addresses");
    let options = [("parent", parent.as_str())];
    let args = NetworkArgs {
        subnet: Some("192.168.20.0/24"),
        gateway: Some("192.168.20.1"),
        ip_range: Some("192.168.20.0/25"),
        options: &options,
        ..NetworkArgs::default()
    };
    engine
        .network_create("netlab-macvlan", "macvlan", args)
        .await?;
    // ANCHOR_END: network

    // ANCHOR: containers
    // Each container's eth0 is a macvlan device on the parent, moved into
    // its namespace: its own MAC, an address from the --ip-range.
    engine.say("red and blue: eth0 is a MACVLAN child of the parent, with a MAC of its own");
    let on_lan = || RunArgs {
        network: Some("netlab-macvlan"),
        ..RunArgs::default()
    };
    let red = engine.run("red", on_lan()).await?;
    let blue = engine.run("blue", on_lan()).await?;
    engine.exec(&red, &["ip", "addr", "show", "eth0"]).await?;
    engine.exec(&blue, &["ip", "addr", "show", "eth0"]).await?;
    engine.show_network_inspect("netlab-macvlan").await?;
    engine.show_networks(&["netlab-macvlan"]).await?;
    for container in [&red, &blue] {
        let address = engine.address(container, "netlab-macvlan").await?;
        engine.claim_mac(container, &address).await?;
        engine.claim(
            &format!(
                "{} got {address}, from the --ip-range 192.168.20.0/25",
                container.name
            ),
            address
                .strip_prefix("192.168.20.")
                .and_then(|n| n.parse::<u8>().ok())
                .is_some_and(|n| (2..128).contains(&n)),
        )?;
    }
    // ANCHOR_END: containers

    // ANCHOR: ping
    // Bridge mode: children of one parent reach each other directly.
    engine.say("red reaches blue through the parent, in bridge mode");
    let blue_ip = engine.address(&blue, "netlab-macvlan").await?;
    let (status, _) = engine
        .exec_status(&red, &["ping", "-c", "1", &blue_ip])
        .await?;
    engine.claim(
        "red reaches blue through their parent: macvlan's bridge mode, Docker's default",
        status == 0,
    )?;
    // ANCHOR_END: ping

    // Lab step 11's other mode: 802.1q, a VLAN sub-interface as parent.
    trunk::vlan20(engine, &parent).await?;

    // ANCHOR: rm
    engine.say("remove the containers, the network, and the lab's parent");
    engine.rm(&red).await?;
    engine.rm(&blue).await?;
    engine.network_rm("netlab-macvlan").await?;
    if parent == MACVLAN_PARENT {
        engine.host.del_link(MACVLAN_PARENT).await?;
    }
    // ANCHOR_END: rm
    Ok(())
}
