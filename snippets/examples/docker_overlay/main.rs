//! An overlay network, the Docker way, for real, across two Docker hosts:
//! two private Engines, `node1` and `node2`, joined by one cable (the
//! underlay), make a swarm; an attachable overlay network spans them; red
//! on node1 pings blue on node2 by name, and the ping crosses the cable as
//! VXLAN, captured on the way.
//!
//! Equivalent to (lab step 10, with netlab/busybox for nginx):
//!
//! ```text
//! node1$ docker swarm init --advertise-addr 10.0.0.1 --listen-addr 10.0.0.1:2377
//! node2$ docker swarm join --token TOKEN 10.0.0.1:2377
//! node1$ docker node ls
//! node1$ docker network create -d overlay --attachable --subnet=10.0.1.0/24 netlab-overlay
//! node1$ docker run -d --network=netlab-overlay --name=netlab-red netlab/busybox sleep 3600
//! node2$ docker run -d --network=netlab-overlay --name=netlab-blue netlab/busybox sleep 3600
//! node2$ tcpdump -n -i eth0 udp port 4789 &
//! red$   ping -c 1 netlab-blue
//! nsenter --net=EXEC_ROOT/netns/1-<id> ip -d link show type vxlan   # on each node
//! nsenter --net=EXEC_ROOT/netns/1-<id> bridge fdb show dev vxlan0 | sort
//! red$   ip -4 addr                  # eth0 on the overlay, eth1 on docker_gwbridge
//! node1$ iptables-save -t nat | grep docker_gwbridge
//! red$   ping -c 1 203.0.113.2       # a machine beyond node1's uplink
//! ```
//!
//! Run it: `sudo -E cargo run --example docker_overlay` (two private
//! Engines of the `dockerd` on your PATH), or `-- --engine private=DIR`
//! (`cargo xtask engine` prints a DIR). Your machine and your own Docker are
//! untouched: both Engines and the cable live in namespaces of this run.

use std::process::ExitCode;

use netlab::Result;
use netlab_docker::{self as docker, Engine, NetworkArgs, RunArgs, overlay};

mod gwbridge;
mod underlay;

fn main() -> ExitCode {
    docker::run_hosts(&["node1", "node2"], overlay)
}

async fn overlay(nodes: &[Engine]) -> Result<()> {
    let (node1, node2) = (&nodes[0], &nodes[1]);
    // The underlay: the two hosts' namespaces are the private Engines' own.
    let (one, two) = (&node1.host, &node2.host);
    let _outside = underlay::cables(one, two).await?;

    // ANCHOR: swarm
    // The overlay driver needs swarm mode: its managers know which hosts
    // are in which network. node1 starts a swarm and leads it; node2 joins
    // it as a worker with the token node1 hands out.
    node1.say("a swarm of two: node1 manages, node2 joins as a worker");
    node1.swarm_init("10.0.0.1").await?;
    node2.swarm_join(node1, "10.0.0.1", "10.0.0.2").await?;
    node1.show_nodes(2).await?;
    // ANCHOR_END: swarm

    // ANCHOR: network
    // --attachable: plain `docker run` containers may join, not only
    // services. The network is made on the manager; node2 learns of it
    // when its first container joins.
    node1.say("an attachable overlay network; red on node1, blue on node2");
    let args = NetworkArgs {
        subnet: Some("10.0.1.0/24"),
        attachable: true,
        ..NetworkArgs::default()
    };
    node1
        .network_create("netlab-overlay", "overlay", args)
        .await?;
    node2.claim_network_unknown("netlab-overlay").await?;
    let on_overlay = || RunArgs {
        network: Some("netlab-overlay"),
        ..RunArgs::default()
    };
    let red = node1.run("red", on_overlay()).await?;
    let blue = node2.run("blue", on_overlay()).await?;
    node1
        .show_networks(&["docker_gwbridge", "ingress", "netlab-overlay"])
        .await?;
    node1.show_network_inspect("netlab-overlay").await?;
    node1.claim_swarm_networks("netlab-overlay").await?;
    let address = node1.address(&red, "netlab-overlay").await?;
    node1.claim_overlay_mac(&red, &address).await?;
    node1.claim_gwbridge().await?;
    node2.claim_gwbridge().await?;
    // ANCHOR_END: network

    // ANCHOR: ping
    // Docker's embedded DNS answers `netlab-blue` with blue's overlay
    // address, on any host of the network, once the swarm's gossip has
    // brought node2's news to node1 (a second or so: we wait for it). The
    // frame red sends leaves node1 inside a UDP packet to node2's 4789,
    // tagged with the VNI.
    node1
        .wait_until(&red, &["nslookup", "netlab-blue"], 30)
        .await?;
    node1.say("red pings blue by name, across hosts; node2's eth0 sees UDP to port 4789");
    let capture = two.capture_udp("eth0", 4789).await?;
    node1
        .exec(&red, &["ping", "-c", "1", "netlab-blue"])
        .await?;
    node1.claim(
        "node2's eth0 saw red's ping go by inside a VXLAN packet: UDP to port 4789, VNI 4097",
        capture.show_first()?,
    )?;
    // ANCHOR_END: ping

    // ANCHOR: vxlan
    // On each host, dockerd keeps the network in a namespace of its own: a
    // bridge br0, the containers' veths and one VXLAN device, whose FDB says
    // which host (dst) has which container's MAC.
    for node in nodes {
        let overlay = node.overlay_namespace("netlab-overlay").await?;
        overlay::show_vxlan(&overlay).await?;
        overlay.show_fdb_dev_sorted("vxlan0").await?;
    }
    // ANCHOR_END: vxlan

    // The way out: each host's docker_gwbridge, and NAT.
    gwbridge::way_out(node1, node2, &red, &blue).await?;

    // ANCHOR: rm
    // Nothing to remove by hand: both Engines are this run's, and stop with
    // it, their swarm, networks and containers with them.
    node1.say("the run ends: both private Engines stop, and everything they made goes");
    // ANCHOR_END: rm
    Ok(())
}
