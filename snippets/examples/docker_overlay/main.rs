//! An overlay network, the Docker way, for real: swarm mode, an attachable
//! overlay network, two containers on it, and the VXLAN device dockerd made,
//! read in the namespace where it lives.
//!
//! Equivalent to (lab step 10, with netlab/busybox for nginx):
//!
//! ```text
//! docker swarm init --advertise-addr 172.17.0.1 --listen-addr 172.17.0.1:2377
//! docker network create -d overlay --attachable --subnet=10.0.1.0/24 netlab-overlay
//! docker run -d --network=netlab-overlay --name=netlab-red netlab/busybox sleep 3600
//! docker run -d --network=netlab-overlay --name=netlab-blue netlab/busybox sleep 3600
//! docker network inspect netlab-overlay
//! ping -c 1 10.0.1.3            # in red
//! nsenter --net=/run/docker/netns/1-<id> ip -d link show type vxlan
//! docker rm -f netlab-red netlab-blue; docker network rm netlab-overlay
//! docker swarm leave --force
//! ```
//!
//! Run it: `sudo -E cargo run --example docker_overlay` (needs a running
//! Docker Engine; see the README).

use std::process::ExitCode;

use netlab::Result;
use netlab::docker::{self, Engine, NetworkArgs, RunArgs, swarm};

fn main() -> ExitCode {
    docker::run(overlay)
}

async fn overlay(engine: &Engine) -> Result<()> {
    // ANCHOR: swarm
    // The overlay driver needs swarm mode: its key-value store knows which
    // hosts are in a network. A single node is enough. We advertise and
    // listen on docker0's address, which only this machine reaches: the
    // swarm's ports stay off your network (a real cluster uses the LAN's).
    engine.say("swarm mode, on this machine only");
    let address = engine.bridge_gateway().await?;
    engine.swarm_init(&address).await?;
    // ANCHOR_END: swarm

    // ANCHOR: network
    // --attachable: plain `docker run` containers may join, not only services.
    engine.say("an attachable overlay network, and two containers on it");
    let args = NetworkArgs {
        subnet: Some("10.0.1.0/24"),
        attachable: true,
        ..NetworkArgs::default()
    };
    engine
        .network_create("netlab-overlay", "overlay", args)
        .await?;
    let on_overlay = || RunArgs {
        network: Some("netlab-overlay"),
        ..RunArgs::default()
    };
    let red = engine.run("red", on_overlay()).await?;
    let blue = engine.run("blue", on_overlay()).await?;
    engine.show_network_inspect("netlab-overlay").await?;
    // ANCHOR_END: network

    // ANCHOR: ping
    engine.say("red reaches blue across the overlay");
    let blue_ip = engine.address(&blue, "netlab-overlay").await?;
    engine.exec(&red, &["ping", "-c", "1", &blue_ip]).await?;
    // ANCHOR_END: ping

    // ANCHOR: vxlan
    // dockerd keeps each overlay network in a namespace of its own: a bridge
    // br0 whose ports are the containers' veths and one VXLAN device, which
    // carries frames to other hosts in UDP, tagged with the network's VNI.
    let overlay = engine.overlay_namespace("netlab-overlay").await?;
    swarm::show_vxlan(&overlay).await?;
    overlay.show_brctl("br0").await?;
    // ANCHOR_END: vxlan

    // ANCHOR: rm
    engine.say("remove the containers, the network, and the swarm this run made");
    engine.rm(&red).await?;
    engine.rm(&blue).await?;
    engine.network_rm("netlab-overlay").await?;
    engine.swarm_leave().await?;
    // ANCHOR_END: rm
    Ok(())
}
