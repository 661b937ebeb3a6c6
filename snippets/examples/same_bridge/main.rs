//! Two containers on one bridge: can they reach each other beyond the
//! ports they publish?
//!
//! Equivalent to (lab step 8, two `docker run -itp 900N:900N centos`):
//!
//! ```text
//! # docker0 and two containers, red (172.17.0.2) and blue (172.17.0.3),
//! # each plugged into docker0 by a veth pair, as in the bridge example
//! ifconfig                      # in red, then in blue
//! ping -c 1 172.17.0.3          # from red
//! nc -l -p 80                   # in blue: a port nobody published
//! nc 172.17.0.3 80              # from red
//! brctl showmacs docker0        # on the host
//! ```
//!
//! Run it: `cargo run --example same_bridge` (add `-- --keep` to look around).

use std::net::Ipv4Addr;
use std::process::ExitCode;

use netlab::observe::topology::Topology;
use netlab::{Lab, Result};

// `pub`: the benchmarks (tests/benches/) and drivers_measured build their
// containers with this very function.
mod docker_run;
pub use docker_run::docker_run;

fn main() -> ExitCode {
    netlab::run(same_bridge)
}

async fn same_bridge(lab: &Lab) -> Result<()> {
    // ANCHOR: containers
    let host = lab.host().await?;
    host.add_bridge("docker0").await?;
    host.add_addr("docker0", "172.17.0.1/16").await?;
    host.set_up("docker0").await?;
    let red = docker_run(lab, &host, "red", "172.17.0.2/16").await?;
    let blue = docker_run(lab, &host, "blue", "172.17.0.3/16").await?;
    red.show_ifconfig().await?;
    blue.show_ifconfig().await?;
    // ANCHOR_END: containers
    lab.picture().await?;

    // ANCHOR: ping
    // red and blue are on one Ethernet segment: red finds blue's MAC by ARP
    // and the bridge switches the frames between their ports. No NAT, no
    // firewall: `-p 9002:9002` only concerns traffic that comes in through
    // the host, not traffic between ports of the bridge.
    lab.say("from red, ping blue");
    let blue_ip = Ipv4Addr::new(172, 17, 0, 3);
    lab.claim("red reaches blue across docker0", red.ping(blue_ip)?)?;
    // ANCHOR_END: ping

    // ANCHOR: tcp
    lab.say("blue serves on port 80, which nobody published; red connects to it");
    blue.serve_once(80, "hello from blue, port 80")?;
    let connected = red.connect(blue_ip, 80)?;
    lab.claim("red reaches an unpublished port of blue", connected)?;
    // ANCHOR_END: tcp

    // ANCHOR: macs
    lab.say("the bridge has learned both containers' MACs, one behind each port");
    host.show_brctl("docker0").await?;
    host.show_brctl_macs("docker0").await?;
    // ANCHOR_END: macs

    // What the tests also check from outside, with `ip -j` and `bridge -j`;
    // with `--keep`, `check` asks these again once you changed the lab.
    let up = |seen: &Topology| seen.device("host", "docker0").is_some_and(|d| d.up);
    lab.claim_state("docker0 is up", up).await?;
    for (name, cidr) in [("red", "172.17.0.2/16"), ("blue", "172.17.0.3/16")] {
        let veth = format!("veth-{name}");
        let port = move |seen: &Topology| seen.master("host", &veth) == Some("docker0");
        lab.claim_state(&format!("veth-{name} is a port of docker0"), port)
            .await?;
        let address = move |seen: &Topology| seen.addrs(name, "eth0") == [cidr];
        lab.claim_state(&format!("{name}'s eth0 has {cidr}"), address)
            .await?;
        let gateway = move |seen: &Topology| seen.gateway(name) == Some([172, 17, 0, 1].into());
        let route = format!("{name}'s default route goes via docker0's address, 172.17.0.1");
        lab.claim_state(&route, gateway).await?;
    }
    let learned = host
        .fdb("docker0")
        .await?
        .iter()
        .filter(|e| !e.local)
        .count();
    lab.claim("docker0 learned red's and blue's MACs", learned == 2)?;
    Ok(())
}
