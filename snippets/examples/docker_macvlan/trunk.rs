//! The MACVLAN chapter's 802.1q trunk mode, the Docker way: a network
//! whose parent is a VLAN sub-interface of the lab's parent.

use netlab::Result;
use netlab_docker::{Engine, NetworkArgs};

/// `docker network create -d macvlan --subnet=192.168.30.0/24 -o
/// parent=PARENT.20 netlab-vlan20`, and its removal when the kernel could
/// make the VLAN device.
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
        engine.network_rm("netlab-vlan20").await?;
    }
    // ANCHOR_END: trunk
    Ok(())
}
