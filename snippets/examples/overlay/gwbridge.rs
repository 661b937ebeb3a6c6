//! docker_gwbridge: a container's way out of an overlay network, which has
//! no router of its own.

use std::net::Ipv4Addr;

use netlab::nft::{Hook, ip_saddr, masquerade, oifname_not};
use netlab::{Netns, Result};

// ANCHOR: docker_gwbridge
/// docker_gwbridge on the host, the container's eth1 on it and its default
/// route through it, forwarding on, and masquerade for what leaves the host.
pub async fn docker_gwbridge(host: &Netns, container: &Netns) -> Result<()> {
    host.add_bridge("docker_gwbridge").await?;
    host.add_addr("docker_gwbridge", "172.18.0.1/16").await?;
    host.set_up("docker_gwbridge").await?;
    let veth = format!("gw-{}", container.name);
    host.add_veth_into(&veth, "eth1", container).await?;
    host.set_master(&veth, "docker_gwbridge").await?;
    host.set_up(&veth).await?;
    container.add_addr("eth1", "172.18.0.2/16").await?;
    container.set_up("eth1").await?;
    container
        .add_default_route(Ipv4Addr::new(172, 18, 0, 1))
        .await?;
    host.sysctl("net.ipv4.ip_forward", "1")?;
    // The port_publish chapter explains these: a nat chain on the
    // postrouting hook, and masquerade for what leaves by another device.
    host.add_table("nat")?;
    host.add_nat_chain("nat", "postrouting", Hook::Postrouting)?;
    host.add_rule(
        "nat",
        "postrouting",
        &[
            ip_saddr("172.18.0.0/16")?,
            oifname_not("docker_gwbridge"),
            masquerade(),
        ],
    )
}
// ANCHOR_END: docker_gwbridge
