//! The lab host on its LAN: the lab's machine has an uplink and a
//! neighbour, a new namespace has neither. The drivers example builds the
//! same host with it, and so does drivers_measured (`#[path =
//! "../port_publish/lan.rs"] mod lan;`).

use netlab::{Lab, Netns, Result};

/// The lab host, whose uplink `eth0` (192.168.20.200/24) is a cable to
/// `outside` (192.168.20.150/24), another machine on the LAN: both, in
/// that order.
pub async fn host_on_lan(lab: &Lab) -> Result<(Netns, Netns)> {
    // ANCHOR: lan
    let host = lab.host().await?;
    let outside = lab.machine("outside", "another machine on the LAN").await?;
    host.add_veth_into("eth0", "eth0", &outside).await?;
    host.add_addr("eth0", "192.168.20.200/24").await?;
    host.set_up("eth0").await?;
    outside.add_addr("eth0", "192.168.20.150/24").await?;
    outside.set_up("eth0").await?;
    // ANCHOR_END: lan
    Ok((host, outside))
}
