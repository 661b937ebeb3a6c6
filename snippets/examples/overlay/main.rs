//! Two Docker hosts, one layer-2 network: a VXLAN overlay, as Docker's
//! overlay driver builds it, and docker_gwbridge's way out.
//!
//! Equivalent to (lab step 10, `docker network create -d overlay`), on each host:
//!
//! ```text
//! ip netns add overlay1                         # Docker: /var/run/docker/netns/1-<id>
//! ip netns exec overlay1 ip link add br0 type bridge
//! ip link add vxlan0 netns overlay1 type vxlan id 4097 dstport 4789 local 10.0.0.1 dev eth0 proxy
//! ip netns exec overlay1 ip link set vxlan0 master br0
//! # red's eth0 on br0: MAC 02:42:0a:00:01:02, MTU 1450, 10.0.1.2/24
//! bridge fdb append 02:42:0a:00:01:03 dev vxlan0 dst 10.0.0.2        # in overlay1: blue is on host2
//! ip neigh add 10.0.1.3 lladdr 02:42:0a:00:01:03 dev vxlan0 nud permanent
//! # red's eth1 on docker_gwbridge (172.18.0.1/16), default route, masquerade
//! ```
//!
//! Run it: `cargo run --example overlay` (add `-- --keep` to look around).
//! On two real machines, one host each: `overlay_two_machines`.

use std::net::Ipv4Addr;
use std::process::ExitCode;

use netlab::nft::{Hook, ip_saddr, masquerade, nftrace, oifname_not, udp_dport};
use netlab::{Lab, Mac, Netns, Result};

fn main() -> ExitCode {
    netlab::run(overlay)
}

async fn overlay(lab: &Lab) -> Result<()> {
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

    // ANCHOR: hosts
    let (vtep1, vtep2) = (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2));
    let (red_ip, blue_ip) = (Ipv4Addr::new(10, 0, 1, 2), Ipv4Addr::new(10, 0, 1, 3));
    let (overlay1, red) =
        overlay_host(lab, &host1, "overlay1", vtep1, "eth0", "red", red_ip).await?;
    let (overlay2, blue) =
        overlay_host(lab, &host2, "overlay2", vtep2, "eth0", "blue", blue_ip).await?;
    // ANCHOR_END: hosts

    // ANCHOR: peers
    lab.say("what the swarm's gossip tells each host: which VTEP has the other container");
    add_peer(&overlay1, blue_ip, vtep2).await?;
    add_peer(&overlay2, red_ip, vtep1).await?;
    overlay1.show_fdb_dev("vxlan0").await?;
    // ANCHOR_END: peers

    // ANCHOR: trace
    lab.say("netfilter on host1: trace what host1 itself sends to UDP port 4789");
    host1.add_table("trace")?;
    host1.add_filter_chain("trace", "output", Hook::Output, 0)?;
    host1.add_filter_chain("trace", "postrouting", Hook::Postrouting, 0)?;
    host1.add_rule("trace", "output", &[udp_dport(4789), nftrace()])?;
    let trace = host1.monitor_trace()?;
    // ANCHOR_END: trace

    // ANCHOR: ping
    lab.say("from red on host1, ping blue on host2; host2's eth0 carries it as UDP to port 4789");
    let capture = host2.capture_udp("eth0", 4789).await?;
    lab.claim("red reaches blue across the overlay", red.ping(blue_ip)?)?;
    lab.claim("host2's eth0 saw the VXLAN packet", capture.show_first()?)?;
    lab.say("host1's netfilter saw the VXLAN packet leave, as host1's own (output, postrouting)");
    let lines = trace.show()?;
    blue.serve_once(80, "hello from blue, on host2")?;
    lab.claim("red connects to blue's port 80", red.connect(blue_ip, 80)?)?;
    // ANCHOR_END: ping

    // ANCHOR: gwbridge
    lab.say("docker_gwbridge: each container's way out of the overlay, through NAT");
    docker_gwbridge(&host1, &red).await?;
    docker_gwbridge(&host2, &blue).await?;
    let outside = lab
        .machine("outside", "a machine beyond host1's uplink")
        .await?;
    host1.add_veth_into("eth1", "eth0", &outside).await?;
    host1.add_addr("eth1", "203.0.113.1/24").await?;
    host1.set_up("eth1").await?;
    outside.add_addr("eth0", "203.0.113.2/24").await?;
    outside.set_up("eth0").await?;
    outside.show_routes().await?;
    red.show_routes().await?;
    lab.claim(
        "red reaches outside, masqueraded",
        red.ping(Ipv4Addr::new(203, 0, 113, 2))?,
    )?;
    // ANCHOR_END: gwbridge

    // The trace: host1's output hook saw one packet, the VXLAN one from
    // 10.0.0.1 to 10.0.0.2, and its postrouting hook after it.
    let output: Vec<_> = lines
        .iter()
        .filter(|l| l.contains("ip trace output packet: oif \"eth0\""))
        .collect();
    let one_vxlan = output.len() == 1
        && output[0].contains("ip saddr 10.0.0.1 ip daddr 10.0.0.2 ")
        && output[0].contains("udp dport 4789");
    lab.claim(
        "host1's output hook saw one packet: the VXLAN one",
        one_vxlan,
    )?;
    let postrouting = lines
        .iter()
        .any(|l| l.contains("ip trace postrouting policy accept"));
    lab.claim("it passed host1's postrouting hook", postrouting)?;
    Ok(())
}

// `pub`: overlay_two_machines runs this very step, and add_peer, on a real machine.
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

// ANCHOR: docker_gwbridge
/// docker_gwbridge on the host, the container's eth1 on it and its default
/// route through it, forwarding on, and masquerade for what leaves the host.
async fn docker_gwbridge(host: &Netns, container: &Netns) -> Result<()> {
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
