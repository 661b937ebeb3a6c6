//! What dockerd does for a container of this chapter, network and files:
//! `docker run` on the default bridge, and `docker network connect` to a
//! user-defined network.

use std::net::Ipv4Addr;

use netlab::ip::addr::parse_cidr;
use netlab::{Lab, Netns, Result, etc};

// ANCHOR: docker_run
/// `docker run --name NAME --hostname NAME` on docker0: the container's
/// network, as in the same-bridge chapter, then its three files, as Docker
/// writes them for the default bridge.
pub async fn docker_run(
    lab: &Lab,
    host: &Netns,
    name: &str,
    cidr: &str,
    host_resolv_conf: &str,
) -> Result<Netns> {
    let container = lab.container(name).await?;
    let veth = format!("veth-{name}");
    plug(host, &container, "docker0", &veth, "eth0", cidr).await?;
    container
        .add_default_route(Ipv4Addr::new(172, 17, 0, 1))
        .await?;
    let (address, _) = parse_cidr(cidr)?;
    let hosts = etc::hosts(name, address);
    let hostname = format!("{name}\n");
    let resolv_conf = etc::resolv_conf_for_default_bridge(host_resolv_conf);
    container.mount_etc(
        Some(name),
        &[
            ("hosts", &hosts),
            ("hostname", &hostname),
            ("resolv.conf", &resolv_conf),
        ],
    )?;
    Ok(container)
}
// ANCHOR_END: docker_run

// ANCHOR: network_connect
/// `docker network connect netlab NAME`: a second interface, eth1, on
/// br-netlab. Docker then adds the new address to the container's
/// /etc/hosts and points its /etc/resolv.conf at the embedded DNS server.
pub async fn network_connect(
    host: &Netns,
    container: &Netns,
    cidr: &str,
    host_resolv_conf: &str,
) -> Result<()> {
    let name = &container.name;
    let veth = format!("veth-{name}1");
    plug(host, container, "br-netlab", &veth, "eth1", cidr).await?;
    let (address, _) = parse_cidr(cidr)?;
    container.append_etc("hosts", &etc::hosts_line(name, address))?;
    container.write_etc(
        "resolv.conf",
        &etc::resolv_conf_for_embedded_dns(host_resolv_conf),
    )
}
// ANCHOR_END: network_connect

/// A veth pair from `bridge` into the container, up, with an address.
async fn plug(
    host: &Netns,
    container: &Netns,
    bridge: &str,
    veth: &str,
    ifname: &str,
    cidr: &str,
) -> Result<()> {
    host.add_veth_into(veth, ifname, container).await?;
    host.set_master(veth, bridge).await?;
    host.set_up(veth).await?;
    container.add_addr(ifname, cidr).await?;
    container.set_up(ifname).await
}
