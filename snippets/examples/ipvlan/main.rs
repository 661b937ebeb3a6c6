//! Containers on the LAN with IPvlan, MACVLAN's sibling: several containers
//! behind one parent, all with the parent's MAC address; in L2 mode on the
//! LAN itself, in L3 mode routed by the host.
//!
//! Equivalent to (the `ipvlan` driver that lab step 5's `docker info` lists,
//! on the MACVLAN chapter's LAN):
//!
//! ```text
//! # the LAN (a switch, lan0, and a router at 192.168.20.1) and the host's
//! # eth0 (192.168.20.200/24) on it
//! docker network create -d ipvlan --subnet=192.168.20.0/24 --gateway=192.168.20.1 \
//!     --ip-range=192.168.20.0/25 -o parent=eth0 -o ipvlan_mode=l2 ipvlan-l2
//! docker run --network=ipvlan-l2 ...   # red (192.168.20.2), blue (192.168.20.3)
//! ip neigh                             # on the router: both at the host's MAC
//! docker network create -d ipvlan --subnet=192.168.30.0/24 \
//!     -o parent=eth0 -o ipvlan_mode=l3 ipvlan-l3
//! docker run --network=ipvlan-l3 ...   # green (192.168.30.2), yellow (192.168.30.3)
//! ip route add 192.168.30.0/24 via 192.168.20.200   # on the router
//! ```
//!
//! Run it: `cargo run --example ipvlan` (add `-- --keep` to look around).

use std::net::Ipv4Addr;
use std::process::ExitCode;

use netlab::ip::link::ipvlan::kernel_has_ipvlan;
use netlab::lab::lan::Lan;
use netlab::{Lab, Result};
use netlink_packet_route::link::LinkFlags;

mod docker_run;
use docker_run::docker_run;

const GATEWAY: Ipv4Addr = Ipv4Addr::new(192, 168, 20, 1);
const HOST: Ipv4Addr = Ipv4Addr::new(192, 168, 20, 200);

fn main() -> ExitCode {
    netlab::run(ipvlan)
}

async fn ipvlan(lab: &Lab) -> Result<()> {
    // ANCHOR: probe
    if !kernel_has_ipvlan().await? {
        lab.skip(
            "ipvlan: skipped, this kernel has no ipvlan driver (creating an ipvlan \
             device failed: EOPNOTSUPP); the VM run records it (cargo xtask vm)",
        );
        return Ok(());
    }
    // ANCHOR_END: probe

    // ANCHOR: lan
    // The MACVLAN chapter's LAN: a switch, a router, and the host's eth0.
    let Lan { lan, router, host } = lab.lan().await?;
    // ANCHOR_END: lan

    // ANCHOR: l2
    lab.say("L2 mode: docker run --network=ipvlan-l2, twice: an IPvlan device on eth0 each");
    let (red_ip, blue_ip) = (
        Ipv4Addr::new(192, 168, 20, 2),
        Ipv4Addr::new(192, 168, 20, 3),
    );
    let red = docker_run(lab, &host, "red", "l2", red_ip, Some(GATEWAY)).await?;
    let blue = docker_run(lab, &host, "blue", "l2", blue_ip, Some(GATEWAY)).await?;
    let eth0 = red.show_link_details("eth0").await?;
    let parent = host.show_link_details("eth0").await?;
    lab.claim("red's eth0 has its parent's MAC", eth0.mac == parent.mac)?;
    lab.claim("the parent is not promiscuous", parent.promiscuity == 0)?;
    // ANCHOR_END: l2
    lab.picture().await?;

    // ANCHOR: l2_reach
    lab.say("the router reaches both, and knows both addresses at one MAC: the host's");
    lab.claim("the router reaches red", router.ping(red_ip)?)?;
    lab.claim("the router reaches blue", router.ping(blue_ip)?)?;
    let neighbours = router.show_neigh(None).await?;
    let at_host = neighbours.iter().filter(|n| n.mac == parent.mac).count() == 2;
    lab.claim("the router has red and blue at the host's MAC", at_host)?;
    let one = lan.count_fdb("lan0", "veth-host").await? == 1;
    lab.claim("the switch learned one MAC behind the host's cable", one)?;
    lab.claim("red reaches blue", red.ping(blue_ip)?)?;
    let reaches = host.ping(red_ip)?;
    lab.claim("the host does not reach red through eth0", !reaches)?;
    // ANCHOR_END: l2_reach

    // ANCHOR: l3
    lab.say(
        "docker rm -f red blue; docker network rm ipvlan-l2: the mode is the parent's, one for all",
    );
    red.del_link("eth0").await?;
    blue.del_link("eth0").await?;
    lab.say("L3 mode: docker run --network=ipvlan-l3, twice, in a subnet the LAN does not have");
    let (green_ip, yellow_ip) = (
        Ipv4Addr::new(192, 168, 30, 2),
        Ipv4Addr::new(192, 168, 30, 3),
    );
    let green = docker_run(lab, &host, "green", "l3", green_ip, None).await?;
    let yellow = docker_run(lab, &host, "yellow", "l3", yellow_ip, None).await?;
    let eth0 = green.show_link_details("eth0").await?;
    let noarp = eth0.flags.contains(LinkFlags::Noarp);
    lab.claim("an L3 device sends no ARP (NOARP)", noarp)?;
    green.show_routes().await?;
    // ANCHOR_END: l3

    // ANCHOR: l3_reach
    lab.say("the router has no route to 192.168.30.0/24 yet; then one, via the host");
    let reaches = router.ping(green_ip)?;
    lab.claim("without a route, the router does not reach green", !reaches)?;
    router.add_route_via("192.168.30.0/24", HOST).await?;
    lab.claim("with it, the router reaches green", router.ping(green_ip)?)?;
    lab.claim("and yellow", router.ping(yellow_ip)?)?;
    lab.claim("green reaches the router", green.ping(GATEWAY)?)?;
    lab.claim("yellow reaches green", yellow.ping(green_ip)?)?;
    let neighbours = router.show_neigh(None).await?;
    let l3 = neighbours.iter().filter(|n| n.ip.octets()[2] == 30).count();
    lab.claim("the router knows no L3 container as a neighbour", l3 == 0)?;
    lab.say("no broadcast leaves an L3 device: green's ARP request gets no answer");
    let answered = green.arping("eth0", green_ip, GATEWAY).await?;
    lab.claim(
        "green's ARP request for the router gets no answer",
        !answered,
    )?;
    // ANCHOR_END: l3_reach
    Ok(())
}
