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
//! docker network create -d bridge netlab-net     # the Engine picks a free subnet
//! docker run -d --name netlab-blue --network netlab-net netlab/busybox sleep 3600
//! docker run -d --name netlab-green --network netlab-net netlab/busybox sleep 3600
//! cat /etc/resolv.conf          # in green
//! nslookup -type=a netlab-blue  # in green
//! ping -c 1 netlab-blue         # in green
//! docker network connect netlab-net netlab-red
//! cat /etc/resolv.conf; cat /etc/hosts          # in red, again
//! sh -c 'echo ... >> /etc/hosts'                # in red: edited in place, fine
//! sed -i ... /etc/hosts                         # in red: replaced by rename, EBUSY
//! ```
//!
//! Run it: `sudo -E cargo run --example docker_dns` (needs a running Docker
//! Engine; see the README).

use std::process::ExitCode;

use netlab::Result;
use netlab_docker::{self as docker, Engine, NetworkArgs, RunArgs};

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
    let hosts = engine.exec(&red, &["cat", "/etc/hosts"]).await?;
    let resolv = engine.exec(&red, &["cat", "/etc/resolv.conf"]).await?;
    let address = engine.address(&red, "bridge").await?;
    engine.claim_default_bridge_files(&red, &address, &hosts, &resolv)?;
    // ANCHOR_END: default_bridge

    // ANCHOR: network
    // A user-defined bridge: a new bridge device (br-<id>) and a subnet the
    // Engine picks from its pools, the first that no network of its own
    // holds yet: 172.18.0.0/16 on a fresh Engine, 172.19.0.0/16 where a
    // swarm's docker_gwbridge took 172.18 first.
    engine.say("a user-defined bridge network, and two containers on it");
    engine
        .network_create("netlab-net", "bridge", NetworkArgs::default())
        .await?;
    engine.show_network_inspect("netlab-net").await?;
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
    let resolv = engine.exec(&green, &["cat", "/etc/resolv.conf"]).await?;
    engine.claim_embedded_dns(&green, &resolv)?;
    let answer = engine
        .exec(&green, &["nslookup", "-type=a", "netlab-blue"])
        .await?;
    let blue_address = engine.address(&blue, "netlab-net").await?;
    engine.claim(
        &format!("the embedded DNS server answers netlab-blue with blue's address, {blue_address}"),
        answer.contains(&format!("Address: {blue_address}")),
    )?;
    engine
        .exec(&green, &["ping", "-c", "1", "netlab-blue"])
        .await?;
    // ANCHOR_END: embedded_dns

    // ANCHOR: connect
    // Lab step 9's other half: red joins the user-defined network while it
    // runs. Docker adds an interface and rewrites red's files. They are
    // bind mounts of files Docker keeps outside the container: a change in
    // place (append) works; `sed -i` writes a new file and renames it over
    // /etc/hosts, and rename(2) onto a mount point fails with EBUSY.
    engine.say("red joins netlab-net while it runs: its files change");
    engine.network_connect("netlab-net", &red).await?;
    let resolv = engine.exec(&red, &["cat", "/etc/resolv.conf"]).await?;
    engine.claim_embedded_dns(&red, &resolv)?;
    let hosts = engine.exec(&red, &["cat", "/etc/hosts"]).await?;
    let joined = engine.address(&red, "netlab-net").await?;
    engine.claim(
        &format!("red's /etc/hosts gained a line for its new address, {joined}"),
        hosts
            .lines()
            .any(|line| line.starts_with(&format!("{joined}\t"))),
    )?;
    engine.say("/etc/hosts is a bind mount: appending works, replacing it (sed -i) does not");
    let append = "echo '10.9.9.9 extra' >> /etc/hosts && tail -n 1 /etc/hosts";
    engine.exec(&red, &["sh", "-c", append]).await?;
    let (status, _) = engine
        .exec_status(&red, &["sed", "-i", "s/extra/more/", "/etc/hosts"])
        .await?;
    engine.claim(
        "/etc/hosts is a bind mount: sed -i cannot rename its new file over it",
        status != 0,
    )?;
    // ANCHOR_END: connect

    // ANCHOR: rm
    engine.say("remove the containers, then the network");
    engine.rm(&red).await?;
    engine.rm(&green).await?;
    engine.rm(&blue).await?;
    engine.network_rm("netlab-net").await?;
    // ANCHOR_END: rm
    Ok(())
}
