//! Container DNS, the Docker way, for real: the files Docker writes into a
//! container on the default bridge, and names that resolve on a
//! user-defined bridge network (Docker's embedded DNS server).
//!
//! Equivalent to (lab step 9, with netlab/busybox for vmware/photon2):
//!
//! ```text
//! docker run -d --name netlab-red netlab/busybox sleep 3600
//! cat /etc/hosts                # in red (the lab: vi /etc/hosts)
//! cat /etc/resolv.conf          # in red
//! docker network create -d bridge --subnet=172.18.0.0/16 netlab-net
//! docker run -d --name netlab-blue --network netlab-net netlab/busybox sleep 3600
//! docker run -d --name netlab-green --network netlab-net netlab/busybox sleep 3600
//! cat /etc/resolv.conf          # in green
//! nslookup -type=a netlab-blue  # in green
//! ping -c 1 netlab-blue         # in green
//! ```
//!
//! Run it: `sudo -E cargo run --example docker_dns` (needs a running Docker
//! Engine; see the README).

use std::process::ExitCode;

use netlab::Result;
use netlab::docker::{self, Engine, NetworkArgs, RunArgs};

fn main() -> ExitCode {
    docker::run(dns)
}

async fn dns(engine: &Engine) -> Result<()> {
    // ANCHOR: default_bridge
    // Docker writes /etc/hosts, /etc/hostname and /etc/resolv.conf for each
    // container and bind-mounts them over the image's. On the default
    // bridge, hosts has the container itself only, and resolv.conf is the
    // host's (without nameservers on 127.0.0.0/8, unreachable from here).
    engine.say("red, on the default bridge: the files Docker wrote for it");
    let red = engine.run("red", RunArgs::default()).await?;
    engine.exec(&red, &["cat", "/etc/hosts"]).await?;
    engine.exec(&red, &["cat", "/etc/resolv.conf"]).await?;
    // ANCHOR_END: default_bridge

    // ANCHOR: network
    // A user-defined bridge: a new bridge device (br-<id>) and subnet.
    engine.say("a user-defined bridge network, and two containers on it");
    let subnet = NetworkArgs {
        subnet: Some("172.18.0.0/16"),
        ..NetworkArgs::default()
    };
    engine
        .network_create("netlab-net", "bridge", subnet)
        .await?;
    let on_net = RunArgs {
        network: Some("netlab-net"),
        ..RunArgs::default()
    };
    let blue = engine.run("blue", on_net).await?;
    let on_net = RunArgs {
        network: Some("netlab-net"),
        ..RunArgs::default()
    };
    let green = engine.run("green", on_net).await?;
    // ANCHOR_END: network

    // ANCHOR: embedded_dns
    // On a user-defined network, resolv.conf names 127.0.0.11: dockerd's
    // embedded DNS server, reached inside the container's own namespace
    // (NAT rules there send it to dockerd). It answers with the addresses
    // of the containers on the same network, by name.
    engine.say("green asks Docker's embedded DNS server for blue");
    engine.exec(&green, &["cat", "/etc/resolv.conf"]).await?;
    engine
        .exec(&green, &["nslookup", "-type=a", "netlab-blue"])
        .await?;
    engine
        .exec(&green, &["ping", "-c", "1", "netlab-blue"])
        .await?;
    // ANCHOR_END: embedded_dns

    // ANCHOR: rm
    engine.say("remove the containers, then the network");
    engine.rm(&red).await?;
    engine.rm(&green).await?;
    engine.rm(&blue).await?;
    engine.network_rm("netlab-net").await?;
    // ANCHOR_END: rm
    Ok(())
}
