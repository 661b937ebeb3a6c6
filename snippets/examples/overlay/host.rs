//! `docker network create -d overlay`, on one Docker host: its part of
//! overlay-net, and what the swarm's gossip tells it about the containers
//! of other hosts.

use std::net::Ipv4Addr;

use netlab::{Lab, Mac, Netns, Result};

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
