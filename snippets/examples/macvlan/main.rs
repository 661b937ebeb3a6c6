//! Containers on the physical LAN with MACVLAN: each one a machine of its
//! own there, with its own MAC address and a LAN address; and its limits.
//!
//! Equivalent to (lab step 11, `docker network create -d macvlan
//! --subnet=192.168.20.0/24 --gateway=192.168.20.1 --ip-range=192.168.20.0/25
//! -o parent=eth0 macvlan-net`, then `docker run --network=macvlan-net`):
//!
//! ```text
//! # the LAN (a switch, lan0, and a router at 192.168.20.1) and the host's
//! # eth0 (192.168.20.200/24) on it, then for each container:
//! ip link add mv-red link eth0 netns red address 02:42:c0:a8:14:02 type macvlan mode bridge
//! ip link set mv-red name eth0                        # in red
//! ip addr add 192.168.20.2/24 brd + dev eth0          # in red
//! ip link set eth0 up                                 # in red
//! ip route add default via 192.168.20.1               # in red
//! ip -d link show eth0; ping -c 1 192.168.20.1        # in red
//! ip neigh                                            # on the router
//! ping -c 1 192.168.20.2                              # on the host: fails
//! ip link add mv-host link eth0 type macvlan mode bridge   # the usual fix
//! ip link add link eth0 name eth0.20 type vlan id 20       # 802.1q trunk mode
//! ```
//!
//! Run it: `cargo run --example macvlan` (add `-- --keep` to look around).

use std::net::Ipv4Addr;
use std::process::ExitCode;

use netlab::lab::lan::Lan;
use netlab::nft::{NetdevHook, icmp_echo_request, nftrace};
use netlab::{Lab, Mac, Result};

mod docker_run;
mod trunk;

// `pub`: drivers_measured compiles this file in and calls docker_run.
pub use docker_run::docker_run;

const GATEWAY: Ipv4Addr = Ipv4Addr::new(192, 168, 20, 1);
const RED: Ipv4Addr = Ipv4Addr::new(192, 168, 20, 2);
const BLUE: Ipv4Addr = Ipv4Addr::new(192, 168, 20, 3);

fn main() -> ExitCode {
    netlab::run(macvlan)
}

async fn macvlan(lab: &Lab) -> Result<()> {
    // ANCHOR: lan
    // The physical network Docker expects to find: a switch (a bridge in a
    // namespace of its own) and a router. The host's eth0 is a cable into it.
    let Lan { lan, router, host } = lab.lan().await?;
    host.show_link_details("eth0").await?;
    // ANCHOR_END: lan

    // ANCHOR: containers
    lab.say("docker run --network=macvlan-net, twice: a MACVLAN device on the host's eth0 each");
    let red = docker_run(lab, &host, "red", "eth0", RED, GATEWAY).await?;
    let blue = docker_run(lab, &host, "blue", "eth0", BLUE, GATEWAY).await?;
    red.show_link_details("eth0").await?;
    lab.say("the parent now accepts frames for MACs that are not its own");
    host.show_link_details("eth0").await?;
    // ANCHOR_END: containers

    // ANCHOR: trace
    lab.say("the parent's egress hook: trace the pings the host's eth0 sends");
    host.add_netdev_table("trace")?;
    host.add_netdev_chain("trace", "egress", NetdevHook::Egress, "eth0")?;
    host.add_netdev_rule("trace", "egress", &[icmp_echo_request(), nftrace()])?;
    let trace = host.monitor_trace()?;
    // ANCHOR_END: trace

    // ANCHOR: reach
    lab.say("the router reaches the containers, and knows them by their own MACs");
    lab.claim("the router reaches red", router.ping(RED)?)?;
    lab.claim("the router reaches blue", router.ping(BLUE)?)?;
    router.show_neigh(None).await?;
    lab.say("the containers reach the router; red reaches blue in bridge mode, inside the host");
    lab.claim("red reaches the router", red.ping(GATEWAY)?)?;
    lab.claim("blue reaches the router", blue.ping(GATEWAY)?)?;
    lab.claim("red reaches blue", red.ping(BLUE)?)?;
    // ANCHOR_END: reach

    // ANCHOR: trace_show
    lab.say("what passed eth0's egress hook meanwhile: the pings to the router, not red's to blue");
    let lines = trace.show()?;
    // nft prints the packet as raw bytes at this hook (`@nh,0,160 0x...`,
    // the IPv4 header): its last 8 bytes are the addresses, in hex.
    let sent = |from: Ipv4Addr, to: Ipv4Addr| {
        let addresses = format!("{:08x}{:08x} ", u32::from(from), u32::from(to));
        lines.iter().any(|l| l.contains(&addresses))
    };
    let to_router = sent(RED, GATEWAY) && sent(BLUE, GATEWAY);
    lab.claim("the pings to the router left by eth0", to_router)?;
    lab.claim("red's ping to blue did not", !sent(RED, BLUE))?;
    // ANCHOR_END: trace_show

    // ANCHOR: host_limit
    lab.say("the limit: the host cannot reach its own containers through eth0");
    let reaches = host.ping(RED)?;
    lab.claim("a parent does not talk to its MACVLAN devices", !reaches)?;
    // ANCHOR_END: host_limit

    // ANCHOR: host_fix
    lab.say("the usual fix: a MACVLAN device for the host too, and a route through it");
    let mac = Mac::docker(Ipv4Addr::new(192, 168, 20, 254));
    host.add_macvlan("mv-host", "eth0", mac).await?;
    host.add_addr("mv-host", "192.168.20.254/32").await?;
    host.set_up("mv-host").await?;
    host.add_route_dev("192.168.20.0/25", "mv-host").await?;
    lab.claim("the host reaches red through mv-host", host.ping(RED)?)?;
    // ANCHOR_END: host_fix
    // The picture: the LAN, the host and its two containers (before the
    // sixteen extra MACVLAN devices, which would only widen it).
    lab.picture().await?;

    // ANCHOR: mac_pool
    lab.say("every MACVLAN device is one more MAC on the LAN: count them, add 16, count again");
    router.count_neigh().await?;
    lan.count_fdb("lan0", "veth-host").await?;
    host.add_macvlan_flock("eth0", 101..=116, GATEWAY).await?;
    router.count_neigh().await?;
    lan.count_fdb("lan0", "veth-host").await?;
    host.show_link_details("eth0").await?;
    // ANCHOR_END: mac_pool

    trunk::trunk(lab, &host, &router).await
}
