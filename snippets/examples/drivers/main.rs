//! What networking a container has, for the three drivers that need no
//! setup, side by side: `host`, `none` (the `null` driver) and the default
//! `bridge`; what each container sees, and what it reaches.
//!
//! Equivalent to (lab step 5 lists the drivers with `docker info`; these
//! commands try three of them):
//!
//! ```text
//! # the lab host: eth0 192.168.20.200/24 on a LAN with another machine, outside;
//! # dockerd's start: docker0 172.17.0.1/16, ip_forward, masquerade for 172.17.0.0/16
//! httpd -f -p 127.0.0.1:80 & httpd -f -p 172.17.0.1:80 &    # two services of the host
//! docker run --network host --hostname on-host busybox       # on-host
//! docker run --network none --name none busybox               # none
//! docker run --name red busybox                               # red: 172.17.0.2 on docker0
//! ip a; ip route; readlink /proc/self/ns/net                  # in each
//! curl http://127.0.0.1/; curl http://172.17.0.1/; curl http://192.168.20.150/   # from each
//! ```
//!
//! Run it: `cargo run --example drivers` (add `-- --keep` to look around).

use std::net::Ipv4Addr;
use std::process::ExitCode;

use netlab::nft::{Hook, ip_saddr, masquerade, oifname_not};
use netlab::{Lab, Result};

// `docker run` on docker0, the same-bridge chapter's; the lab host on its
// LAN, the iptables chapter's; the table of what each reached.
#[path = "../same_bridge/docker_run.rs"]
mod docker_run;
#[path = "../port_publish/lan.rs"]
mod lan;
mod table;
use docker_run::docker_run;

const LOCALHOST: Ipv4Addr = Ipv4Addr::LOCALHOST;
const DOCKER0: Ipv4Addr = Ipv4Addr::new(172, 17, 0, 1);
const OUTSIDE: Ipv4Addr = Ipv4Addr::new(192, 168, 20, 150);

fn main() -> ExitCode {
    netlab::run(drivers)
}

async fn drivers(lab: &Lab) -> Result<()> {
    // ANCHOR: host
    let (host, outside) = lan::host_on_lan(lab).await?;
    outside.serve_http(80, "hello from outside")?;
    lab.say("what dockerd sets up when it starts: docker0, forwarding, masquerade");
    host.add_bridge("docker0").await?;
    host.add_addr("docker0", "172.17.0.1/16").await?;
    host.set_up("docker0").await?;
    host.sysctl("net.ipv4.ip_forward", "1")?;
    host.add_table("nat")?;
    host.add_nat_chain("nat", "postrouting", Hook::Postrouting)?;
    let outbound = [
        ip_saddr("172.17.0.0/16")?,
        oifname_not("docker0"),
        masquerade(),
    ];
    host.add_rule("nat", "postrouting", &outbound)?;
    lab.say("two services of the host: one on its loopback address, one on docker0's");
    host.serve_http_on(LOCALHOST, 80, "hello from the host, on 127.0.0.1")?;
    host.serve_http_on(DOCKER0, 80, "hello from the host, on 172.17.0.1")?;
    // ANCHOR_END: host

    // ANCHOR: run
    lab.say("docker run --network host --hostname on-host busybox");
    let on_host = lab.host_network(&host, "on-host").await?;
    lab.say("docker run --network none --name none busybox");
    let none = lab.container("none").await?;
    lab.say("docker run --name red busybox: the default network, bridge (docker0)");
    let red = docker_run(lab, &host, "red", "172.17.0.2/16").await?;
    // ANCHOR_END: run
    lab.picture().await?;

    // ANCHOR: look
    let containers = [&on_host, &none, &red];
    for container in containers {
        lab.say(&format!(
            "what {container} sees: its devices and its routes"
        ));
        container.show_ip_a().await?;
        container.show_routes().await?;
    }
    lab.say("whose network namespace each one is in: the host's, or one of its own");
    let host_ns = host.show_identity()?;
    let ns: Vec<u64> = containers
        .iter()
        .map(|c| c.show_identity())
        .collect::<Result<_>>()?;
    let shared = ns[0] == host_ns;
    lab.claim("on-host is in the host's network namespace", shared)?;
    let own = ns[1] != host_ns && ns[2] != host_ns && ns[1] != ns[2];
    lab.claim(
        "none and red each have a network namespace of their own",
        own,
    )?;
    let hostname = on_host.show_hostname()?;
    lab.claim("on-host has a hostname of its own", hostname == "on-host")?;
    // ANCHOR_END: look

    // ANCHOR: reach
    lab.say("what each reaches: the host's two services, then the machine outside");
    let mut pages = Vec::new();
    for container in containers {
        for target in [LOCALHOST, DOCKER0, OUTSIDE] {
            pages.push(container.http_get(target, 80)?);
        }
    }
    let table = table::render(&containers, &pages);
    lab.say(&format!("what each reached:\n{table}"));
    // ANCHOR_END: reach

    // The table's rows, as the chapter states them; then the lab's state.
    table::claim_rows(lab, &pages)?;
    let seen = lab.topology().await?;
    lab.claim("none has lo only", seen.device_names("none") == ["lo"])?;
    let gateway = seen.gateway("red") == Some(DOCKER0);
    lab.claim("red's default route goes via 172.17.0.1", gateway)?;
    Ok(())
}
