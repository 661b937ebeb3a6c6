//! Publishing a port, the Docker way, for real: the NAT rules dockerd adds
//! for `-p 8443:80`, a request through them, and the rules gone again.
//!
//! Equivalent to (lab step 4, with busybox httpd for nginx):
//!
//! ```text
//! iptables-save -t nat          # the lab: iptables -L
//! docker run -d -p 8443:80 --name netlab-red netlab/busybox httpd -f -p 80 -h /www
//! iptables-save -t nat
//! wget -q -O - http://172.17.0.1:8443/
//! docker rm -f netlab-red       # the lab: docker kill
//! iptables-save -t nat
//! ```
//!
//! Run it: `sudo -E cargo run --example docker_port_publish` (needs a
//! running Docker Engine; see the README).

use std::process::ExitCode;

use anyhow::ensure;
use netlab::Result;
use netlab::docker::{self, Engine, RunArgs};

fn main() -> ExitCode {
    docker::run(port_publish)
}

async fn port_publish(engine: &Engine) -> Result<()> {
    // ANCHOR: before
    engine.say("docker0's NAT rules before: masquerade for the subnet, no DNAT");
    let before = engine.show_nat_rules()?;
    // ANCHOR_END: before

    // ANCHOR: run
    // busybox's httpd stands in for nginx: it serves /www on port 80.
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
    // ANCHOR_END: run

    // ANCHOR: rules
    // A new rule: DNAT of TCP 8443 arriving anywhere but docker0 to red's
    // port 80. Engine 20.10 also adds a masquerade for red talking to
    // itself through the published port (hairpin NAT); Engine 28 does not.
    engine.say("dockerd added a DNAT rule for 8443 (20.10 also a hairpin masquerade for red)");
    let during = engine.show_nat_rules()?;
    ensure!(
        during
            .iter()
            .any(|rule| rule.contains("--dport 8443") && rule.contains("DNAT")),
        "dockerd added a DNAT rule for port 8443"
    );
    // ANCHOR_END: rules

    // ANCHOR: fetch
    // 172.17.0.1 is one of the host's own addresses, so the request goes
    // through nat OUTPUT, whose DOCKER rule rewrites it to 172.17.0.2:80.
    // (127.0.0.1 is excluded from that rule: docker-proxy answers there.)
    engine.say("a request to the host's port 8443 reaches red's port 80");
    engine.fetch("172.17.0.1", 8443)?;
    // ANCHOR_END: fetch

    // ANCHOR: rm
    engine.say("removing red removes its rules: back to where we started");
    engine.rm(&red).await?;
    let after = engine.show_nat_rules()?;
    ensure!(after == before, "the NAT rules are as before: {after:?}");
    // ANCHOR_END: rm
    Ok(())
}
