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

use netlab::{Netns, Result};
use netlab_docker::{self as docker, Engine, NetworkArgs, RunArgs, swarm};

fn main() -> ExitCode {
    docker::run_hosts(&["node1", "node2"], overlay)
}

async fn overlay(nodes: &[Engine]) -> Result<()> {
    let (node1, node2) = (&nodes[0], &nodes[1]);
    // ANCHOR: underlay
    // The two hosts' network namespaces are the private Engines' own. The
    // underlay is a veth pair between them; a third namespace, `outside`,
    // stands beyond node1's second cable (its uplink).
    node1.say("the underlay: one cable between the Docker hosts' eth0, and node1's uplink");
    let (one, two) = (&node1.host, &node2.host);
    one.add_veth_into("eth0", "eth0", two).await?;
    one.add_addr("eth0", "10.0.0.1/24").await?;
    one.set_up("eth0").await?;
    two.add_addr("eth0", "10.0.0.2/24").await?;
    two.set_up("eth0").await?;
    let outside = Netns::new("outside").await?;
    one.add_veth_into("eth1", "eth0", &outside).await?;
    one.add_addr("eth1", "203.0.113.1/24").await?;
    one.set_up("eth1").await?;
    outside.add_addr("eth0", "203.0.113.2/24").await?;
    outside.set_up("eth0").await?;
    // ANCHOR_END: underlay

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
        swarm::show_vxlan(&overlay).await?;
        overlay.show_fdb_dev_sorted("vxlan0").await?;
    }
    // ANCHOR_END: vxlan

    // ANCHOR: gwbridge
    // The overlay reaches only the network's containers. For the rest of
    // the world each container has a second interface, eth1, on the host's
    // docker_gwbridge, masqueraded behind the host's address.
    node1.say("eth0 on the overlay, eth1 on docker_gwbridge: the way out, through NAT");
    node1.exec(&red, &["ip", "-4", "addr"]).await?;
    node2.exec(&blue, &["ip", "-4", "addr"]).await?;
    let nat = node1.show_nat_rules_of(&["docker_gwbridge"])?;
    let masquerade = "-A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE";
    node1.claim(
        &format!("node1 masquerades what leaves docker_gwbridge's subnet: {masquerade}"),
        nat.iter().any(|rule| rule == masquerade),
    )?;
    let (status, _) = node1
        .exec_status(&red, &["ping", "-c", "1", "203.0.113.2"])
        .await?;
    node1.claim(
        "red reaches 203.0.113.2, beyond node1's uplink, through that NAT",
        status == 0,
    )?;
    // ANCHOR_END: gwbridge

    // ANCHOR: rm
    // Nothing to remove by hand: both Engines are this run's, and stop with
    // it, their swarm, networks and containers with them.
    node1.say("the run ends: both private Engines stop, and everything they made goes");
    // ANCHOR_END: rm
    Ok(())
}
