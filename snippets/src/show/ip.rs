//! What `ip a`, `ip -d link show`, `ip route` and `ip neigh` print.

use std::fmt::Write;

use netlink_packet_route::link::LinkFlags;

use crate::ip::addr::Addr;
use crate::ip::link::Link;
use crate::ip::neigh::Neighbour;
use crate::ip::route::Route;

/// `ip a`: each device's two lines, then its addresses.
pub fn ip_a(links: &[Link], addrs: &[Addr]) -> String {
    let mut out = String::new();
    for link in links {
        writeln!(out, "{}", link_lines(link, links)).unwrap();
        for addr in addrs.iter().filter(|a| a.index == link.index) {
            write!(out, "    inet {}/{}", addr.ip, addr.prefix_len).unwrap();
            if let Some(brd) = addr.broadcast {
                write!(out, " brd {brd}").unwrap();
            }
            let scope = if addr.host_scope { "host" } else { "global" };
            writeln!(out, " scope {scope} {}", link.name).unwrap();
        }
    }
    out
}

/// `ip -d link show NAME`: the device's two lines of `ip a`, its
/// promiscuity count and, for a MACVLAN or VLAN device, its settings (for
/// another kind, its name).
pub fn ip_d_link(link: &Link, links: &[Link]) -> String {
    let mut out = format!(
        "{} promiscuity {}\n",
        link_lines(link, links),
        link.promiscuity
    );
    match (&link.macvlan_mode, link.vlan_id, &link.kind) {
        (Some(mode), _, _) => writeln!(out, "    macvlan mode {mode}").unwrap(),
        (_, Some(id), _) => writeln!(out, "    vlan protocol 802.1Q id {id}").unwrap(),
        (_, _, Some(kind)) => writeln!(out, "    {kind}").unwrap(),
        _ => {}
    }
    out
}

/// A device's two lines in `ip a`, without the last newline: index, name,
/// flags, MTU, master, state; then its link-layer address.
fn link_lines(link: &Link, links: &[Link]) -> String {
    let mut name = link.name.clone();
    // A veth names its peer, a MACVLAN or VLAN device its parent: by name
    // when it is in this namespace too, by ifindex when it is elsewhere
    // (ip cannot look the name up there).
    match (link.peer_index, link.peer_netnsid) {
        (Some(peer), None) => match links.iter().find(|l| l.index == peer) {
            Some(peer) => write!(name, "@{}", peer.name).unwrap(),
            None => write!(name, "@if{peer}").unwrap(),
        },
        (Some(peer), Some(_)) => write!(name, "@if{peer}").unwrap(),
        (None, _) => {}
    }
    let mut out = format!(
        "{}: {name}: <{}> mtu {}",
        link.index,
        flag_names(link),
        link.mtu
    );
    if let Some(master) = link
        .master
        .and_then(|m| links.iter().find(|l| l.index == m))
    {
        write!(out, " master {}", master.name).unwrap();
    }
    writeln!(out, " state {}", link.operstate).unwrap();
    let (kind, brd) = if link.flags.contains(LinkFlags::Loopback) {
        ("loopback", "00:00:00:00:00:00")
    } else {
        ("ether", "ff:ff:ff:ff:ff:ff")
    };
    write!(
        out,
        "    link/{kind} {} brd {brd}",
        link.mac.unwrap_or_default()
    )
    .unwrap();
    if let Some(id) = link.peer_netnsid {
        // The other device is in another namespace: ip names that one by
        // the id this namespace gave it.
        write!(out, " link-netnsid {id}").unwrap();
    }
    out
}

/// The flags in the order `ip` prints them.
fn flag_names(link: &Link) -> String {
    let mut names = Vec::new();
    for (flag, name) in [
        (LinkFlags::Loopback, "LOOPBACK"),
        (LinkFlags::Broadcast, "BROADCAST"),
        (LinkFlags::Multicast, "MULTICAST"),
        (LinkFlags::Up, "UP"),
        (LinkFlags::LowerUp, "LOWER_UP"),
    ] {
        if link.flags.contains(flag) {
            names.push(name);
        }
    }
    // Up, but no carrier: ip points it out.
    if link.flags.contains(LinkFlags::Up) && !link.flags.contains(LinkFlags::LowerUp) {
        names.insert(0, "NO-CARRIER");
    }
    names.join(",")
}

/// `ip route`: the main table.
pub fn ip_route(routes: &[Route], links: &[Link]) -> String {
    let mut out = String::new();
    for route in routes {
        match route.destination {
            Some((ip, len)) => write!(out, "{ip}/{len}").unwrap(),
            None => write!(out, "default").unwrap(),
        }
        if let Some(gateway) = route.gateway {
            write!(out, " via {gateway}").unwrap();
        }
        write!(out, " dev {}", name_of(links, route.device)).unwrap();
        if route.from_kernel {
            write!(out, " proto kernel scope link").unwrap();
        }
        if let Some(source) = route.source {
            write!(out, " src {source}").unwrap();
        }
        out.push('\n');
    }
    out
}

/// `ip neigh`: `192.168.20.2 dev eth0 lladdr 02:42:c0:a8:14:02 REACHABLE`.
/// With `dev` (`ip neigh show dev DEVICE`), ip does not repeat the device
/// on every line.
pub fn ip_neigh(table: &[Neighbour], links: &[Link], dev: Option<&str>) -> String {
    let mut out = String::new();
    for entry in table {
        write!(out, "{}", entry.ip).unwrap();
        if dev.is_none() {
            write!(out, " dev {}", name_of(links, Some(entry.index))).unwrap();
        }
        if let Some(mac) = entry.mac {
            write!(out, " lladdr {mac}").unwrap();
        }
        writeln!(out, " {}", entry.state).unwrap();
    }
    out
}

/// The name of the device with ifindex `index`, `?` if there is none.
fn name_of(links: &[Link], index: Option<u32>) -> String {
    let link = links.iter().find(|l| Some(l.index) == index);
    link.map_or("?".to_string(), |l| l.name.clone())
}
