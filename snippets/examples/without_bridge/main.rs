//! Two containers without a bridge: each plugged into the host by a veth
//! pair of its own, on one subnet. The host gets two routes for the one
//! subnet and uses the first, so the second container is out of reach:
//! what goes wrong before the bridge chapter adds docker0.
//!
//! Equivalent to (iximiuz's "Container Networking Is Simple!", before its
//! bridge; then for blue the same, with 172.17.0.3):
//!
//! ```text
//! ip link add veth-red type veth peer name eth0 netns red
//! ip addr add 172.17.0.2/16 brd + dev eth0           # in red
//! ip link set eth0 up                                # in red
//! ip addr add 172.17.0.1/16 brd + dev veth-red
//! ip link set veth-red up
//! ip route                                           # on the host
//! ping -c 1 172.17.0.2; ping -c 1 172.17.0.3         # on the host
//! ```
//!
//! Run it: `cargo run --example without_bridge` (add `-- --keep` to look
//! around).

use std::net::Ipv4Addr;
use std::process::ExitCode;

use netlab::{Lab, Netns, Result};

fn main() -> ExitCode {
    netlab::run(without_bridge)
}

async fn without_bridge(lab: &Lab) -> Result<()> {
    // ANCHOR: cables
    // Each container gets a cable straight into the host, and the host's end
    // the gateway's address, as docker0 would have it: no switch anywhere.
    let host = lab.host().await?;
    let red = cabled(lab, &host, "red", "172.17.0.2/16").await?;
    let blue = cabled(lab, &host, "blue", "172.17.0.3/16").await?;
    // ANCHOR_END: cables
    lab.picture().await?;

    // ANCHOR: routes
    // Each address brought its subnet's route with it: two routes for one
    // subnet, one per cable. The kernel takes the first that matches.
    lab.say("the host: two routes for one subnet, one per cable");
    host.show_routes().await?;
    let subnet = Some((Ipv4Addr::new(172, 17, 0, 0), 16));
    let routes = host.routes().await?;
    let twice = routes.iter().filter(|r| r.destination == subnet).count() == 2;
    lab.claim("the host has two routes for 172.17.0.0/16", twice)?;
    // ANCHOR_END: routes

    // ANCHOR: ping
    // Everything for 172.17.0.0/16 leaves by red's cable: red answers, but
    // blue never sees the packets meant for it.
    lab.say("the first route wins: red answers, blue is out of reach");
    let (red_ip, blue_ip) = (Ipv4Addr::new(172, 17, 0, 2), Ipv4Addr::new(172, 17, 0, 3));
    lab.claim("the host reaches red", host.ping(red_ip)?)?;
    lab.claim("the host does not reach blue", !host.ping(blue_ip)?)?;
    lab.say("and the containers cannot reach each other either");
    lab.claim("red does not reach blue", !red.ping(blue_ip)?)?;
    lab.claim("blue does not reach red", !blue.ping(red_ip)?)?;
    // ANCHOR_END: ping
    Ok(())
}

// ANCHOR: cabled
/// A container whose veth pair leads straight into the host, no bridge:
/// its `eth0` gets `cidr`, the host's end `172.17.0.1/16`. The host's end
/// comes up last, the cable already live at the far end, so the route its
/// address brings is usable from the start (a route added while the cable
/// is dead is marked `linkdown` until the kernel notices the carrier).
async fn cabled(lab: &Lab, host: &Netns, name: &str, cidr: &str) -> Result<Netns> {
    let container = lab.container(name).await?;
    let veth = format!("veth-{name}");
    host.add_veth_into(&veth, "eth0", &container).await?;
    container.add_addr("eth0", cidr).await?;
    container.set_up("eth0").await?;
    host.add_addr(&veth, "172.17.0.1/16").await?;
    host.set_up(&veth).await?;
    Ok(container)
}
// ANCHOR_END: cabled
