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

use netlab::error::SysError;
use netlab::nft::{NetdevHook, icmp_echo_request, nftrace};
use netlab::{Lab, Mac, Netns, Result};
use nix::errno::Errno;

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
    let lan = lab
        .machine("lan", "the LAN's switch, the bridge lan0")
        .await?;
    lan.add_bridge("lan0").await?;
    lan.set_up("lan0").await?;
    let router = lab.machine("router", "the LAN's router").await?;
    plug_into_lan(&lan, &router, "192.168.20.1/24").await?;
    let host = lab.host().await?;
    plug_into_lan(&lan, &host, "192.168.20.200/24").await?;
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
    lab.claim(
        "the pings to the router left by eth0",
        sent(RED, GATEWAY) && sent(BLUE, GATEWAY),
    )?;
    lab.claim("red's ping to blue did not", !sent(RED, BLUE))?;
    // ANCHOR_END: trace_show

    // ANCHOR: host_limit
    lab.say("the limit: the host cannot reach its own containers through eth0");
    lab.claim(
        "a parent does not talk to its MACVLAN devices",
        !host.ping(RED)?,
    )?;
    // ANCHOR_END: host_limit

    // ANCHOR: host_fix
    lab.say("the usual fix: a MACVLAN device for the host too, and a route through it");
    let shim = Ipv4Addr::new(192, 168, 20, 254);
    host.add_macvlan("mv-host", "eth0", Mac::docker(shim))
        .await?;
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

    trunk(lab, &host, &router).await
}

// `pub`: drivers_measured builds its MACVLAN path with this very step.
// ANCHOR: docker_run
/// What `docker run --network=macvlan-net` does for a container's network:
/// a namespace, and a MACVLAN device on the parent with Engine 20.10's MAC for
/// its address; in the container it becomes eth0, with the address and the
/// default route. Docker makes the device in the host under a temporary
/// name, moves it and renames it; we make it inside the container at once
/// (IFLA_NET_NS_FD), still under a temporary name: the host has an eth0.
pub async fn docker_run(
    lab: &Lab,
    host: &Netns,
    name: &str,
    parent: &str,
    ip: Ipv4Addr,
    gateway: Ipv4Addr,
) -> Result<Netns> {
    let container = lab.container(name).await?;
    let temporary = format!("mv-{name}");
    host.add_macvlan_into(&temporary, parent, Mac::docker(ip), &container)
        .await?;
    container.rename(&temporary, "eth0").await?;
    container.add_addr("eth0", &format!("{ip}/24")).await?;
    container.set_up("eth0").await?;
    container.add_default_route(gateway).await?;
    Ok(container)
}
// ANCHOR_END: docker_run

/// A cable from `machine` into the LAN switch: its `eth0`, at `cidr`.
async fn plug_into_lan(lan: &Netns, machine: &Netns, cidr: &str) -> Result<()> {
    let port = format!("veth-{}", machine.name);
    lan.add_veth_into(&port, "eth0", machine).await?;
    lan.set_master(&port, "lan0").await?;
    lan.set_up(&port).await?;
    machine.add_addr("eth0", cidr).await?;
    machine.set_up("eth0").await
}

// ANCHOR: trunk
/// 802.1q trunk mode (`-o parent=eth0.20`): the parent is a VLAN device,
/// so the containers' frames cross the LAN tagged with their VLAN id. Two
/// VLANs, 20 and 30, each with its own subnet and its own container; the
/// router has a sub-interface on each.
async fn trunk(lab: &Lab, host: &Netns, router: &Netns) -> Result<()> {
    lab.say("802.1q trunk mode: docker network create -d macvlan ... -o parent=eth0.20");
    if let Err(error) = host.add_vlan("eth0.20", "eth0", 20).await {
        let errno = error.chain().find_map(|e| e.downcast_ref::<SysError>());
        if matches!(errno, Some(SysError(Errno::EOPNOTSUPP))) {
            lab.say(
                "802.1q trunk mode: skipped, this kernel has no 8021q support \
                 (creating eth0.20 failed: EOPNOTSUPP); the VM run records it (cargo xtask vm)",
            );
            return Ok(());
        }
        return Err(error);
    }
    host.add_vlan("eth0.30", "eth0", 30).await?;
    // The router's side of the trunk: a VLAN device for each VLAN on its
    // eth0, each with the gateway address of its VLAN's subnet. The switch
    // in between, lan0, forwards the tagged frames as they are.
    for vlan in [20, 30] {
        let device = format!("eth0.{vlan}");
        host.set_up(&device).await?;
        router.add_vlan(&device, "eth0", vlan).await?;
        router
            .add_addr(&device, &format!("10.{vlan}.0.1/24"))
            .await?;
        router.set_up(&device).await?;
    }
    let mut containers = Vec::new();
    for (vlan, name) in [(20, "green"), (30, "yellow")] {
        let device = format!("eth0.{vlan}");
        let (ip, gateway) = (Ipv4Addr::new(10, vlan, 0, 2), Ipv4Addr::new(10, vlan, 0, 1));
        let container = docker_run(lab, host, name, &device, ip, gateway).await?;
        containers.push((container, device, ip, gateway));
    }
    host.show_link_details("eth0.20").await?;
    lab.say("each VLAN's router address reaches its container; each MAC is known on its VLAN only");
    for (container, device, ip, gateway) in &containers {
        let reaches = router.ping(*ip)?;
        lab.claim(&format!("the router reaches {ip} on {device}"), reaches)?;
        router.show_neigh(Some(device)).await?;
        let reaches = container.ping(*gateway)?;
        lab.claim(&format!("{ip} reaches {gateway}"), reaches)?;
    }
    lab.say("VLAN 30's broadcasts stay in VLAN 30: yellow's ARP for green gets no answer");
    let (green, yellow) = (Ipv4Addr::new(10, 20, 0, 2), Ipv4Addr::new(10, 30, 0, 2));
    let answered = containers[1].0.arping("eth0", yellow, green).await?;
    lab.claim("VLAN 20 and VLAN 30 are kept apart", !answered)?;
    Ok(())
}
// ANCHOR_END: trunk
