//! `docker run --network=ipvlan-l2` (or `-l3`) for one container: the MACVLAN
//! chapter's step with one device kind changed, an IPvlan device on eth0.

use std::net::Ipv4Addr;

use netlab::{Lab, Netns, Result};

// ANCHOR: docker_run
/// What `docker run --network=ipvlan-...` does for a container's network: a
/// namespace, and an IPvlan device on the parent, born inside it under a
/// temporary name (the host has an eth0), renamed eth0, with the address
/// and the default route: via the LAN's router in L2 mode; in L3 mode
/// through the device itself, since no router can be found by ARP there.
pub async fn docker_run(
    lab: &Lab,
    host: &Netns,
    name: &str,
    mode: &str,
    ip: Ipv4Addr,
    gateway: Option<Ipv4Addr>,
) -> Result<Netns> {
    let container = lab.container(name).await?;
    let temporary = format!("iv-{name}");
    host.add_ipvlan_into(&temporary, "eth0", mode, &container)
        .await?;
    container.rename(&temporary, "eth0").await?;
    container.add_addr("eth0", &format!("{ip}/24")).await?;
    container.set_up("eth0").await?;
    match gateway {
        Some(gateway) => container.add_default_route(gateway).await?,
        None => container.add_default_route_dev("eth0").await?,
    }
    Ok(container)
}
// ANCHOR_END: docker_run
