//! `docker run --network=macvlan-net` for one container: no veth pair and
//! no bridge port, but a MACVLAN device on the parent, the host's eth0.

use std::net::Ipv4Addr;

use netlab::{Lab, Mac, Netns, Result};

// `pub`: drivers_measured builds its MACVLAN path with this very step.
// ANCHOR: docker_run
/// What `docker run --network=macvlan-net` does for a container's network:
/// a namespace, and a MACVLAN device on the parent with Engine 20.10's MAC for
/// its address; in the container it becomes eth0, with the address and the
/// default route. Docker makes the device in the host under a temporary
/// name, moves it and renames it; we make it inside the container at once
/// (IFLA_NET_NS_FD), still under a temporary name: the host has an eth0.
pub async fn docker_run(
    lab: &Lab,
    host: &Netns,
    name: &str,
    parent: &str,
    ip: Ipv4Addr,
    gateway: Ipv4Addr,
) -> Result<Netns> {
    let container = lab.container(name).await?;
    let temporary = format!("mv-{name}");
    host.add_macvlan_into(&temporary, parent, Mac::docker(ip), &container)
        .await?;
    container.rename(&temporary, "eth0").await?;
    container.add_addr("eth0", &format!("{ip}/24")).await?;
    container.set_up("eth0").await?;
    container.add_default_route(gateway).await?;
    Ok(container)
}
// ANCHOR_END: docker_run
