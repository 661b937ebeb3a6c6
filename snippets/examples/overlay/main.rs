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

use netlab::nft::{Hook, nftrace, udp_dport};
use netlab::{Lab, Result};

mod gwbridge;
mod host;
mod trace;

use gwbridge::docker_gwbridge;
// `pub`: overlay_two_machines and drivers_measured compile this file in and
// build their overlays with these very steps.
pub use host::{add_peer, overlay_host, underlay};

fn main() -> ExitCode {
    netlab::run(overlay)
}

async fn overlay(lab: &Lab) -> Result<()> {
    let (host1, host2) = underlay(lab).await?;

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
    let one_vxlan = trace::one_vxlan_packet_in_output(&lines);
    lab.claim(
        "host1's output hook saw one packet: the VXLAN one",
        one_vxlan,
    )?;
    let postrouting = trace::passed_postrouting(&lines);
    lab.claim("it passed host1's postrouting hook", postrouting)?;
    Ok(())
}
