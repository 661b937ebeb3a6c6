//! The Docker hosts of the overlay chapter and the cable between them
//! (the underlay), and `docker network create -d overlay` on each: its part
//! of overlay-net, and what the swarm's gossip tells it about the
//! containers of other hosts.

use std::net::Ipv4Addr;

use netlab::{Lab, Mac, Netns, Result};

/// The two Docker hosts, `host1` and `host2`, and the underlay between
/// them: one cable, their `eth0`, 10.0.0.1 and 10.0.0.2.
pub async fn underlay(lab: &Lab) -> Result<(Netns, Netns)> {
    // ANCHOR: underlay
    let host1 = lab.machine("host1", "the first Docker host").await?;
    let host2 = lab.machine("host2", "the second Docker host").await?;
    lab.say("the underlay: one cable between the hosts' eth0");
    host1.add_veth_into("eth0", "eth0", &host2).await?;
    host1.add_addr("eth0", "10.0.0.1/24").await?;
    host1.set_up("eth0").await?;
    host2.add_addr("eth0", "10.0.0.2/24").await?;
    host2.set_up("eth0").await?;
    // ANCHOR_END: underlay
    Ok((host1, host2))
}

// ANCHOR: overlay_host
/// One host's part of overlay-net: the overlay's own namespace with br0 and
/// vxlan0 (made by the host, on its underlay device), and a container on br0.
pub async fn overlay_host(
    lab: &Lab,
    host: &Netns,
    name: &str,
    local: Ipv4Addr,
    parent: &str,
    container: &str,
    ip: Ipv4Addr,
) -> Result<(Netns, Netns)> {
    let role = format!(
        "{}'s namespace for overlay-net (Docker's 1-<id>)",
        host.name
    );
    let overlay = lab.machine(name, &role).await?;
    overlay.add_bridge("br0").await?;
    host.add_vxlan_into("vxlan0", 4097, local, parent, &overlay)
        .await?;
    overlay.set_master("vxlan0", "br0").await?;
    overlay.set_up("vxlan0").await?;
    overlay.set_up("br0").await?;
    let ns = lab.container(container).await?;
    let veth = format!("veth-{container}");
    overlay.add_veth_into(&veth, "eth0", &ns).await?;
    overlay.set_master(&veth, "br0").await?;
    overlay.set_up(&veth).await?;
    // Docker: a MAC made from the address, and room for 50 bytes of headers.
    ns.set_address("eth0", Mac::docker(ip)).await?;
    ns.set_mtu("eth0", 1450).await?;
    ns.add_addr("eth0", &format!("{ip}/24")).await?;
    ns.set_up("eth0").await?;
    Ok((overlay, ns))
}
// ANCHOR_END: overlay_host

// ANCHOR: add_peer
/// A remote container: its MAC is behind the VTEP at `vtep` (FDB), and its
/// address has that MAC (the neighbour entry vxlan0's `proxy` answers ARP with).
pub async fn add_peer(overlay: &Netns, ip: Ipv4Addr, vtep: Ipv4Addr) -> Result<()> {
    overlay.fdb_append("vxlan0", Mac::docker(ip), vtep).await?;
    overlay.add_neigh(ip, Mac::docker(ip), "vxlan0").await
}
// ANCHOR_END: add_peer
