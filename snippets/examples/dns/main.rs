//! Container DNS: each container's own `/etc/hosts`, `/etc/hostname` and
//! `/etc/resolv.conf`, and Docker's embedded DNS server, which lets
//! containers on a user-defined network find each other by name.
//!
//! Equivalent to (lab step 9, then a user-defined network for contrast):
//!
//! ```text
//! docker run -it --name red --hostname red vmware/photon2 /bin/bash   # and blue
//! cat /etc/hosts; cat /etc/hostname; cat /etc/resolv.conf      # in red (the lab: vi /etc/hosts)
//! ping -c 1 blue                                 # from red: unknown on the default bridge
//! docker network create --subnet 172.18.0.0/16 netlab
//! docker network connect netlab red              # and blue
//! cat /etc/resolv.conf; nslookup blue; ping -c 1 blue     # from red
//! ```
//!
//! Run it: `cargo run --example dns` (add `-- --keep` to look around).

use std::net::Ipv4Addr;
use std::process::ExitCode;

use netlab::{Lab, Result};

mod docker;

use docker::{docker_run, network_connect};

fn main() -> ExitCode {
    netlab::run(dns)
}

// ANCHOR: lab_host_resolv_conf
/// The lab host's own resolver settings (your machine's are never read): a
/// caching server on the host itself, then the LAN's server (192.0.2.53, an
/// address reserved for documentation: the lab has no LAN).
const LAB_HOST_RESOLV_CONF: &str = "nameserver 127.0.0.1\nnameserver 192.0.2.53\n";
// ANCHOR_END: lab_host_resolv_conf

async fn dns(lab: &Lab) -> Result<()> {
    // ANCHOR: host
    let host = lab.host().await?;
    host.mount_etc(None, &[("resolv.conf", LAB_HOST_RESOLV_CONF)])?;
    let host_resolv_conf = host.cat("/etc/resolv.conf")?;
    host.add_bridge("docker0").await?;
    host.add_addr("docker0", "172.17.0.1/16").await?;
    host.set_up("docker0").await?;
    let red = docker_run(lab, &host, "red", "172.17.0.2/16", &host_resolv_conf).await?;
    let blue = docker_run(lab, &host, "blue", "172.17.0.3/16", &host_resolv_conf).await?;
    // ANCHOR_END: host

    // ANCHOR: inside_red
    lab.say("inside red: its own files, which know red and nothing else");
    let hosts = red.cat("/etc/hosts")?;
    red.cat("/etc/hostname")?;
    let hostname = red.show_hostname()?;
    red.cat("/etc/resolv.conf")?;
    lab.claim(
        "red's /etc/hosts names red at 172.17.0.2",
        hosts.contains("172.17.0.2\tred"),
    )?;
    lab.claim("red's hostname is red", hostname.trim() == "red")?;
    // ANCHOR_END: inside_red

    // ANCHOR: no_name
    lab.say("on the default bridge, no file and no server knows the name blue");
    lab.claim(
        "red cannot resolve blue on docker0",
        !red.ping_name("blue")?,
    )?;
    // ANCHOR_END: no_name

    // ANCHOR: network
    lab.say("docker network create netlab: a user-defined network, a bridge of its own");
    host.add_bridge("br-netlab").await?;
    host.add_addr("br-netlab", "172.18.0.1/16").await?;
    host.set_up("br-netlab").await?;
    network_connect(&host, &red, "172.18.0.2/16", &host_resolv_conf).await?;
    network_connect(&host, &blue, "172.18.0.3/16", &host_resolv_conf).await?;
    // ANCHOR_END: network

    // ANCHOR: embedded_dns
    lab.say("dockerd answers DNS on 127.0.0.11 inside each container of netlab");
    let names = [
        ("red", Ipv4Addr::new(172, 18, 0, 2)),
        ("blue", Ipv4Addr::new(172, 18, 0, 3)),
    ];
    red.serve_dns(&names)?;
    blue.serve_dns(&names)?;
    red.cat("/etc/resolv.conf")?;
    let answer = red.nslookup("blue")?;
    lab.claim(
        "the embedded DNS answers blue is 172.18.0.3",
        answer == Some(Ipv4Addr::new(172, 18, 0, 3)),
    )?;
    lab.claim("red reaches blue by name on netlab", red.ping_name("blue")?)?;
    // ANCHOR_END: embedded_dns
    Ok(())
}
