//! Two containers on Docker's default bridge, started by a real Docker
//! Engine: they reach each other by address, and on a port nobody published.
//!
//! Equivalent to (lab step 8, with netlab/busybox for centos):
//!
//! ```text
//! docker run -d -p 9001:9001 --name netlab-red netlab/busybox sleep 3600
//! docker run -d -p 9002:9002 --name netlab-blue netlab/busybox httpd -f -p 80 -h /www
//! ip -4 addr show eth0          # in red, then in blue
//! ping -c 1 172.17.0.3          # from red
//! wget -q -O - http://172.17.0.3/   # from red: port 80, not published
//! docker rm -f netlab-red netlab-blue
//! ```
//!
//! Run it: `sudo -E cargo run --example docker_same_bridge` (needs a running
//! Docker Engine; see the README).

use std::process::ExitCode;

use netlab::Result;
use netlab_docker::{self as docker, Engine, RunArgs};

fn main() -> ExitCode {
    docker::run(same_bridge)
}

async fn same_bridge(engine: &Engine) -> Result<()> {
    // ANCHOR: containers
    // Two `docker run`s: two namespaces, two veth pairs into docker0, the
    // next free addresses. blue runs busybox's web server, the nginx of
    // this book, on port 80; the lab's -p publish other ports.
    engine.say("red and blue: two containers on the default bridge network");
    let red = engine
        .run(
            "red",
            RunArgs {
                publish: Some((9001, 9001)),
                ..RunArgs::default()
            },
        )
        .await?;
    let httpd = ["httpd", "-f", "-p", "80", "-h", "/www"];
    let blue_args = RunArgs {
        publish: Some((9002, 9002)),
        cmd: &httpd,
        ..RunArgs::default()
    };
    let blue = engine.run("blue", blue_args).await?;
    engine
        .exec(&red, &["ip", "-4", "addr", "show", "eth0"])
        .await?;
    engine
        .exec(&blue, &["ip", "-4", "addr", "show", "eth0"])
        .await?;
    engine.claim_veth_origin(&red).await?;
    engine.claim_veth_origin(&blue).await?;
    // ANCHOR_END: containers

    // ANCHOR: ping
    // One Ethernet segment: ARP, then the bridge switches the frames.
    engine.say("from red, ping blue by its address");
    let blue_ip = engine.address(&blue, "bridge").await?;
    let (status, _) = engine
        .exec_status(&red, &["ping", "-c", "1", &blue_ip])
        .await?;
    engine.claim(
        "red reaches blue by its address, across docker0",
        status == 0,
    )?;
    // ANCHOR_END: ping

    // ANCHOR: tcp
    // Port 80 was never published: publishing is NAT for traffic that
    // comes in through the host, not a filter between containers.
    engine.say("from red, blue's port 80, which nobody published");
    let url = format!("http://{blue_ip}/");
    let (status, _) = engine
        .exec_status(&red, &["wget", "-q", "-O", "-", &url])
        .await?;
    engine.claim(
        "red reaches blue's port 80, which nobody published: publishing is NAT for what comes \
         in through the host, not a filter between containers on one bridge",
        status == 0,
    )?;
    // ANCHOR_END: tcp

    // ANCHOR: rm
    engine.rm(&red).await?;
    engine.rm(&blue).await?;
    // ANCHOR_END: rm
    Ok(())
}
