//! A container on Docker's default bridge network, started by a real Docker
//! Engine, and looked at from both sides: which host veth is its `eth0`'s
//! peer, and what `docker0` knows.
//!
//! Equivalent to (lab step 6, with netlab/busybox for vmware/photon2):
//!
//! ```text
//! docker run -d -p 9000:9000 --name netlab-red netlab/busybox sleep 3600
//! ip a                          # from the container
//! cat /sys/class/net/eth0/iflink   # from the container: its peer's ifindex
//! ip -o link | grep '^N:'       # from the host: the veth with that index
//! brctl show
//! brctl show docker0
//! brctl showmacs docker0
//! docker network ls
//! docker network inspect bridge
//! docker rm -f netlab-red
//! ```
//!
//! Run it: `sudo -E cargo run --example docker_bridge` (needs a running
//! Docker Engine; see the README); `-- --check` prints the chapter's claims.

use std::process::ExitCode;

use netlab::Result;
use netlab_docker::{self as docker, Engine, RunArgs};

fn main() -> ExitCode {
    docker::run(bridge)
}

async fn bridge(engine: &Engine) -> Result<()> {
    // ANCHOR: run
    // POST /containers/create, then /containers/ID/start. dockerd makes a
    // namespace, a veth pair from docker0 into it, an address from
    // 172.17.0.0/16 and a default route, as the bridge example does.
    engine.say("red: a container on the default bridge network");
    let publish = Some((9000, 9000));
    let red = engine
        .run(
            "red",
            RunArgs {
                publish,
                ..RunArgs::default()
            },
        )
        .await?;
    engine.exec(&red, &["ip", "-4", "addr"]).await?;
    engine.exec(&red, &["ip", "route"]).await?;
    let address = engine.address(&red, "bridge").await?;
    engine.claim_mac(&red, &address).await?;
    // ANCHOR_END: run

    // ANCHOR: peer
    // Docker names the host end vethXXXXXXX and never says whose it is:
    // the veth's peer index does.
    engine.say("which host veth is red's? eth0's peer index names it");
    let veth = engine.host_veth_of(&red).await?;
    engine.claim_veth_name(&veth)?;
    engine.claim_veth_origin(&red).await?;
    // ANCHOR_END: peer

    // ANCHOR: brctl
    // Read from the kernel as in the bridge example. red pings the gateway
    // first, so docker0 has learned its MAC behind the veth.
    engine.say(&format!("docker0 and its ports: {} is one", veth.name));
    engine
        .exec(&red, &["ping", "-c", "1", "172.17.0.1"])
        .await?;
    engine.host.show_brctl_all().await?;
    engine.host.show_brctl("docker0").await?;
    engine.host.show_brctl_macs("docker0").await?;
    // ANCHOR_END: brctl

    // ANCHOR: inspect
    // GET /networks and /networks/bridge: Docker's own account of docker0.
    engine.say("Docker's view of the same network");
    engine.show_networks(&["bridge", "host", "none"]).await?;
    engine.show_network_inspect_json("bridge").await?;
    engine.claim_docker0().await?;
    // ANCHOR_END: inspect

    // ANCHOR: rm
    engine.say("removing red removes its veth pair: docker0 has no port left");
    engine.rm(&red).await?;
    engine.host.show_brctl("docker0").await?;
    engine.claim_no_ports().await?;
    // ANCHOR_END: rm
    Ok(())
}
