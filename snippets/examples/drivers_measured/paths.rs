//! The data paths drivers_measured measures, each between two endpoints,
//! built with the chapters' own steps (compiled in from their examples).

use std::net::{Ipv4Addr, SocketAddrV4};

use netlab::error::SysError;
use netlab::nft::{Hook, dnat_to, iifname_not, tcp_dport};
use netlab::{Lab, Netns, Result};
use nix::errno::Errno;

// `pub`: the --scale part builds its containers with it too.
#[allow(dead_code)]
#[path = "../same_bridge/main.rs"]
pub mod same_bridge;

#[allow(dead_code)]
#[path = "../overlay/main.rs"]
mod overlay;

#[allow(dead_code)]
#[path = "../macvlan/main.rs"]
mod macvlan;

#[path = "../port_publish/lan.rs"]
mod lan;

/// One data path: a client, a server listening on `port`, the address the
/// client connects to, and the device whose frames show the path's headers.
pub struct Path {
    pub name: &'static str,
    /// How the path goes, in one line.
    pub route: String,
    pub client: Netns,
    pub server: Netns,
    pub port: u16,
    pub target: SocketAddrV4,
    pub wire: (Netns, &'static str),
}

fn path(name: &'static str, route: String, ends: (&Netns, &Netns), to: [u8; 4]) -> Path {
    Path {
        name,
        route,
        client: ends.0.clone(),
        server: ends.1.clone(),
        port: 80,
        target: SocketAddrV4::new(Ipv4Addr::from(to), 80),
        wire: (ends.0.clone(), "eth0"),
    }
}

/// The baseline: client and server in one namespace, over `lo`.
pub async fn loopback(lab: &Lab) -> Result<Path> {
    let red = lab.container("red").await?;
    let route = "red to 127.0.0.1, inside one namespace".to_string();
    let mut path = path("loopback", route, (&red, &red), [127, 0, 0, 1]);
    path.wire.1 = "lo";
    Ok(path)
}

/// The veth chapter's cable, between two namespaces, with nothing else.
pub async fn veth(lab: &Lab) -> Result<Path> {
    let red = lab.container("red").await?;
    let blue = lab.container("blue").await?;
    red.add_veth_into("eth0", "eth0", &blue).await?;
    red.add_addr("eth0", "10.0.0.1/24").await?;
    red.set_up("eth0").await?;
    blue.add_addr("eth0", "10.0.0.2/24").await?;
    blue.set_up("eth0").await?;
    let route = "red's eth0 10.0.0.1 to blue's eth0 10.0.0.2, one veth pair".to_string();
    Ok(path("veth pair", route, (&red, &blue), [10, 0, 0, 2]))
}

/// docker0 on `host` with red on it, as the same_bridge chapter builds them.
async fn docker0(lab: &Lab, host: &Netns) -> Result<Netns> {
    host.add_bridge("docker0").await?;
    host.add_addr("docker0", "172.17.0.1/16").await?;
    host.set_up("docker0").await?;
    same_bridge::docker_run(lab, host, "red", "172.17.0.2/16").await
}

pub async fn bridge(lab: &Lab) -> Result<Path> {
    let host = lab.host().await?;
    let red = docker0(lab, &host).await?;
    let blue = same_bridge::docker_run(lab, &host, "blue", "172.17.0.3/16").await?;
    let route = "red 172.17.0.2 to blue 172.17.0.3, two veth pairs and docker0".to_string();
    Ok(path("bridge", route, (&red, &blue), [172, 17, 0, 3]))
}

/// The port_publish chapter's DNAT rule, alone: 8443 on the host to red's 80.
pub async fn published(lab: &Lab) -> Result<Path> {
    let (host, outside) = lan::host_on_lan(lab).await?;
    let red = docker0(lab, &host).await?;
    host.sysctl("net.ipv4.ip_forward", "1")?;
    host.add_table("nat")?;
    host.add_nat_chain("nat", "prerouting", Hook::Prerouting)?;
    let publish = [
        iifname_not("docker0"),
        tcp_dport(8443),
        dnat_to(Ipv4Addr::new(172, 17, 0, 2), 80),
    ];
    host.add_rule("nat", "prerouting", &publish)?;
    let route = "outside to 192.168.20.200:8443, DNAT to red 172.17.0.2:80".to_string();
    let mut path = path(
        "published port",
        route,
        (&outside, &red),
        [192, 168, 20, 200],
    );
    path.target.set_port(8443);
    Ok(path)
}

/// The overlay chapter's two hosts, with red on one and blue on the other.
pub async fn overlay(lab: &Lab) -> Result<Path> {
    let (host1, host2) = overlay::underlay(lab).await?;
    let (vtep1, vtep2) = (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2));
    let (red_ip, blue_ip) = (Ipv4Addr::new(10, 0, 1, 2), Ipv4Addr::new(10, 0, 1, 3));
    let (overlay1, red) =
        overlay::overlay_host(lab, &host1, "overlay1", vtep1, "eth0", "red", red_ip).await?;
    let (overlay2, blue) =
        overlay::overlay_host(lab, &host2, "overlay2", vtep2, "eth0", "blue", blue_ip).await?;
    overlay::add_peer(&overlay1, blue_ip, vtep2).await?;
    overlay::add_peer(&overlay2, red_ip, vtep1).await?;
    let route = "red 10.0.1.2 on host1 to blue 10.0.1.3 on host2, VXLAN 4097 over eth0";
    let mut path = path("overlay", route.to_string(), (&red, &blue), [10, 0, 1, 3]);
    path.wire = (host1, "eth0");
    Ok(path)
}

/// A host whose eth0 is plugged into a LAN (a namespace at its other end).
async fn host_on_lan(lab: &Lab) -> Result<Netns> {
    let host = lab.host().await?;
    let lan = lab.machine("lan", "the LAN").await?;
    host.add_veth_into("eth0", "eth0", &lan).await?;
    host.add_addr("eth0", "192.168.20.200/24").await?;
    host.set_up("eth0").await?;
    lan.set_up("eth0").await?;
    Ok(host)
}

/// The MACVLAN chapter's containers: two children of the host's eth0.
pub async fn macvlan(lab: &Lab) -> Result<Path> {
    let host = host_on_lan(lab).await?;
    let gateway = Ipv4Addr::new(192, 168, 20, 1);
    let (red_ip, blue_ip) = (
        Ipv4Addr::new(192, 168, 20, 2),
        Ipv4Addr::new(192, 168, 20, 3),
    );
    let red = macvlan::docker_run(lab, &host, "red", "eth0", red_ip, gateway).await?;
    let blue = macvlan::docker_run(lab, &host, "blue", "eth0", blue_ip, gateway).await?;
    let route = "red 192.168.20.2 to blue 192.168.20.3, MACVLAN children of eth0".to_string();
    Ok(path("macvlan", route, (&red, &blue), blue_ip.octets()))
}

/// `--network host`: no namespace of the container's own. Client and
/// server are both the host's; to its own eth0 address, the kernel's local
/// table sends the packets through `lo`: eth0 never sees them.
pub async fn host_network(lab: &Lab) -> Result<Path> {
    let host = host_on_lan(lab).await?;
    let route = "host to its own eth0 address 192.168.20.200: through lo".to_string();
    let mut path = path("host network", route, (&host, &host), [192, 168, 20, 200]);
    path.wire.1 = "lo";
    Ok(path)
}

/// IPvlan (L2 mode), where the kernel has the driver; None where it has
/// not (it says EOPNOTSUPP to the first device).
pub async fn ipvlan(lab: &Lab) -> Result<Option<Path>> {
    let host = host_on_lan(lab).await?;
    let mut ends = Vec::new();
    for (name, cidr) in [("red", "192.168.20.2/24"), ("blue", "192.168.20.3/24")] {
        let container = lab.container(name).await?;
        let temporary = format!("ipv-{name}");
        if let Err(error) = host
            .add_ipvlan_into(&temporary, "eth0", "l2", &container)
            .await
        {
            let errno = error.chain().find_map(|e| e.downcast_ref::<SysError>());
            if matches!(errno, Some(SysError(Errno::EOPNOTSUPP))) {
                return Ok(None);
            }
            return Err(error);
        }
        container.rename(&temporary, "eth0").await?;
        container.add_addr("eth0", cidr).await?;
        container.set_up("eth0").await?;
        ends.push(container);
    }
    let route = "red 192.168.20.2 to blue 192.168.20.3, IPvlan L2 children of eth0".to_string();
    Ok(Some(path(
        "ipvlan",
        route,
        (&ends[0], &ends[1]),
        [192, 168, 20, 3],
    )))
}
