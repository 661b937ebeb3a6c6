//! The MACVLAN chapter's 802.1q trunk mode, the Docker way: a network
//! whose parent is a VLAN sub-interface of the lab's parent. Where the
//! kernel has 802.1q (Debian's and Ubuntu's do: `cargo xtask vm` runs it
//! there), Docker makes the sub-interface, two containers talk on VLAN 20,
//! and a machine on VLAN 20 at the LAN's end of the cable reaches them.

use netlab::{Netns, Result};
use netlab_docker::{Engine, NetworkArgs, RunArgs};

/// The machine on VLAN 20: its VLAN device and address, in the network's
/// subnet but outside what Docker hands out.
const LAN_DEVICE: &str = "netlab-mv1.20";
const LAN_ADDRESS: &str = "192.168.30.100/24";

/// `docker network create -d macvlan --subnet=192.168.30.0/24 -o
/// parent=PARENT.20 netlab-vlan20`; where the kernel could make the VLAN
/// device, what runs on it, and then its removal.
pub async fn vlan20(engine: &Engine, parent: &str) -> Result<()> {
    // ANCHOR: trunk
    // Lab step 11, 802.1q mode: a parent named PARENT.20 asks Docker for a
    // VLAN sub-interface with tag 20 (`ip link add link PARENT name
    // PARENT.20 type vlan id 20`), which it makes when the network is
    // created. A kernel without 802.1q support refuses: EOPNOTSUPP.
    engine.say("802.1q trunk mode: parent PARENT.20 makes Docker add a VLAN sub-interface");
    let tagged = format!("{parent}.20");
    let options = [("parent", tagged.as_str())];
    let args = NetworkArgs {
        subnet: Some("192.168.30.0/24"),
        options: &options,
        ..NetworkArgs::default()
    };
    if engine
        .try_network_create("netlab-vlan20", "macvlan", args)
        .await?
    {
        on_vlan20(engine, &tagged).await?;
        engine.network_rm("netlab-vlan20").await?;
    }
    // ANCHOR_END: trunk
    Ok(())
}

// ANCHOR: vlan20
/// The sub-interface Docker made, two containers on it, and a machine on
/// VLAN 20: a VLAN device with tag 20 on the parent's peer, the LAN's end.
async fn on_vlan20(engine: &Engine, tagged: &str) -> Result<()> {
    engine.say("Docker made the VLAN sub-interface itself: 802.1Q, id 20, on the parent");
    let link = engine.host.show_link_details(tagged).await?;
    engine.claim(
        &format!("Docker created {tagged}, a VLAN device with 802.1Q id 20"),
        link.kind.as_deref() == Some("vlan") && link.vlan_id == Some(20),
    )?;
    engine.say("green and yellow on VLAN 20: MACVLAN children of the VLAN device");
    let on_vlan = || RunArgs {
        network: Some("netlab-vlan20"),
        ..RunArgs::default()
    };
    let green = engine.run("green", on_vlan()).await?;
    let yellow = engine.run("yellow", on_vlan()).await?;
    let yellow_ip = engine.address(&yellow, "netlab-vlan20").await?;
    let (status, _) = engine
        .exec_status(&green, &["ping", "-c", "1", &yellow_ip])
        .await?;
    engine.claim("green reaches yellow on VLAN 20", status == 0)?;

    engine.say("a machine on VLAN 20, at the LAN's end of the cable, reaches them");
    let lan = Netns::new("vlan20").await?;
    engine.host.add_vlan(LAN_DEVICE, "netlab-mv1", 20).await?;
    engine.host.move_to(LAN_DEVICE, &lan).await?;
    lan.add_addr(LAN_DEVICE, LAN_ADDRESS).await?;
    lan.set_up(LAN_DEVICE).await?;
    for container in [&green, &yellow] {
        let address = engine.address(container, "netlab-vlan20").await?;
        let reaches = lan.ping(address.parse()?)?;
        engine.claim(
            &format!(
                "the machine on VLAN 20 reaches {} at {address}",
                container.name
            ),
            reaches,
        )?;
    }
    // Their MACs, learned from frames that crossed the cable tagged 20.
    lan.show_neigh(Some(LAN_DEVICE)).await?;
    engine.rm(&green).await?;
    engine.rm(&yellow).await
}
// ANCHOR_END: vlan20
