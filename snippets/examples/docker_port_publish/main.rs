//! Publishing a port, the Docker way, for real: the filter and NAT rules
//! dockerd adds for `-p 8443:80`, a request through them from the host and
//! from a machine on the LAN, and the rules gone again once the container
//! is killed.
//!
//! Equivalent to (lab step 4, with busybox httpd for nginx):
//!
//! ```text
//! iptables -L -n                # the filter table, as the lab lists it
//! iptables-save -t nat          # the nat table, where the port is published
//! docker run -d -p 8443:80 --name netlab-red netlab/busybox httpd -f -p 80 -h /www
//! iptables -L -n
//! iptables-save -t nat
//! wget -q -O - http://172.17.0.1:8443/
//! wget -q -O - http://192.168.20.200:8443/   # from a machine on the LAN
//! docker ps                     # get the container's name
//! docker kill netlab-red
//! iptables -L -n; iptables-save -t nat
//! docker rm -f netlab-red
//! ```
//!
//! Run it: `sudo -E cargo run --example docker_port_publish` (needs a
//! running Docker Engine; see the README). `--check` prints the chapter's
//! claims about dockerd's rules; with `--engine private=DIR` add
//! `--forwarding on` for a machine where forwarding was on already.

use std::process::ExitCode;

use netlab::Result;
use netlab_docker::{self as docker, Engine, RunArgs};

fn main() -> ExitCode {
    docker::run(port_publish)
}

async fn port_publish(engine: &Engine) -> Result<()> {
    // ANCHOR: before
    // `iptables -L` lists the filter table, the lab's first look; the
    // published port itself lives in the nat table. dockerd wrote both when
    // it started, and turned forwarding on.
    engine.say("the filter table before, as the lab lists it");
    let filter_before = engine.show_filter_rules()?;
    engine.say("docker0's NAT rules before: masquerade for the subnet, no DNAT");
    let nat_before = engine.show_nat_rules()?;
    engine.claim_forwarding()?;
    // ANCHOR_END: before

    // ANCHOR: run
    // busybox's httpd stands in for nginx: it serves /www on port 80. A
    // second one, on 8080, is not published: what can reach it?
    engine.say("red: a web server on port 80, published on the host's port 8443");
    let httpd = ["httpd", "-f", "-p", "80", "-h", "/www"];
    let publish = Some((8443, 80));
    let red = engine
        .run(
            "red",
            RunArgs {
                publish,
                cmd: &httpd,
                ..RunArgs::default()
            },
        )
        .await?;
    engine.say("and a second server in red, on port 8080, not published");
    engine
        .exec(&red, &["httpd", "-p", "8080", "-h", "/www"])
        .await?;
    let address = engine.address(&red, "bridge").await?;
    // ANCHOR_END: run

    // ANCHOR: rules
    // A new rule: DNAT of TCP 8443 arriving anywhere but docker0 to red's
    // port 80. Engine 20.10 also adds a masquerade for red talking to
    // itself through the published port (hairpin NAT); Engine 28 does not.
    engine.say("the filter table now: a rule lets the forwarded traffic to red's port 80 in");
    engine.show_filter_rules()?;
    engine.say("dockerd added a DNAT rule for 8443 (20.10 also a hairpin masquerade for red)");
    engine.show_nat_rules()?;
    engine.claim_published(&address, 8443, 80)?;
    // ANCHOR_END: rules

    // ANCHOR: fetch
    // 172.17.0.1 is one of the host's own addresses, so the request goes
    // through nat OUTPUT, whose DOCKER rule rewrites it to 172.17.0.2:80.
    // (127.0.0.1 is excluded from that rule: docker-proxy answers there.)
    engine.say("a request to the host's port 8443 reaches red's port 80");
    engine.fetch("172.17.0.1", 8443)?;
    // ANCHOR_END: fetch

    // ANCHOR: lan
    // From another machine: through the published port, and straight to
    // red's address, as a LAN router with a route to 172.17.0.0/16 would
    // send it. Which rule stops what depends on the Engine, and the policy.
    if let Some(lan) = engine.lan().await? {
        engine
            .claim_reach_from(&lan, &address, (8443, 80), 8080)
            .await?;
    }
    // ANCHOR_END: lan

    // ANCHOR: rm
    // `docker kill` stops the container; Docker takes its rules out as it
    // stops. `docker rm` then removes the stopped container.
    engine.say("docker ps names the container; killing it takes its rules out again");
    engine.show_ps().await?;
    engine.kill(&red).await?;
    let filter_after = engine.show_filter_rules()?;
    let nat_after = engine.show_nat_rules()?;
    engine.claim(
        "killing red took out every rule publishing added: the filter and nat tables are as before",
        filter_after == filter_before && nat_after == nat_before,
    )?;
    engine.rm(&red).await?;
    // ANCHOR_END: rm
    Ok(())
}
