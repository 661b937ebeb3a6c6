//! What `ip a`, `ifconfig`, `ip route` and `brctl` would print, formatted
//! from what netlink returned: the same data those tools read.

use std::fmt::Write;
use std::time::{Duration, Instant};

use anyhow::Result;
use netlink_packet_route::link::LinkFlags;

use crate::addr::Addr;
use crate::link::Link;
use crate::mac::Mac;
use crate::neigh::FdbEntry;
use crate::route::Route;
use crate::{Netns, narrate};

impl Netns {
    /// `ip a`: every device with its flags, MAC and addresses.
    pub async fn show_ip_a(&self) -> Result<()> {
        narrate::command(self, "ip a");
        let links = self.settled_links().await?;
        narrate::output(&ip_a(&links, &self.addrs().await?));
        Ok(())
    }

    /// `ifconfig`: the older net-tools view of the devices that are up.
    pub async fn show_ifconfig(&self) -> Result<()> {
        narrate::command(self, "ifconfig");
        let links = self.settled_links().await?;
        narrate::output(&ifconfig(&links, &self.addrs().await?));
        Ok(())
    }

    /// `ip route`: the main routing table.
    pub async fn show_routes(&self) -> Result<()> {
        narrate::command(self, "ip route");
        narrate::output(&ip_route(&self.routes().await?, &self.links().await?));
        Ok(())
    }

    /// `brctl show BRIDGE`: the bridge and the devices plugged into it.
    pub async fn show_brctl(&self, bridge: &str) -> Result<()> {
        narrate::command(self, &format!("brctl show {bridge}"));
        narrate::output(&brctl_show(bridge, &self.links().await?));
        Ok(())
    }

    /// `brctl showmacs BRIDGE`: the MAC addresses the bridge knows, by port.
    pub async fn show_brctl_macs(&self, bridge: &str) -> Result<()> {
        narrate::command(self, &format!("brctl showmacs {bridge}"));
        narrate::output(&brctl_showmacs(
            &self.fdb(bridge).await?,
            &self.links().await?,
        ));
        Ok(())
    }

    /// The links, once the kernel's link watcher has caught up.
    ///
    /// A device's operational state ("state UP", ifconfig's RUNNING) is not
    /// set by the request that brings it up: the kernel's linkwatch worker
    /// updates it shortly after, up to a second later. We wait for it (at
    /// most 2 s) so that what we print is what `ip a` would show a moment
    /// later, not a race.
    async fn settled_links(&self) -> Result<Vec<Link>> {
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let links = self.links().await?;
            if links
                .iter()
                .all(|link| link.operstate == expected_operstate(link))
                || Instant::now() > deadline
            {
                return Ok(links);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The state RFC 2863 says a device in this condition has.
fn expected_operstate(link: &Link) -> &'static str {
    let up = link.flags.contains(LinkFlags::Up);
    let carrier = link.flags.contains(LinkFlags::LowerUp);
    match (up, carrier) {
        (false, _) => "DOWN",
        // A device stacked on another one (a veth on its peer) waits for it.
        (true, false) if link.peer_index.is_some() => "LOWERLAYERDOWN",
        (true, false) => "DOWN",
        // The loopback device has no carrier to speak of.
        (true, true) if link.flags.contains(LinkFlags::Loopback) => "UNKNOWN",
        (true, true) => "UP",
    }
}

pub fn ip_a(links: &[Link], addrs: &[Addr]) -> String {
    let mut out = String::new();
    for link in links {
        let mut name = link.name.clone();
        // A veth names its peer: by name when it is in this namespace too,
        // by ifindex when it is elsewhere (ip cannot look the name up there).
        match (link.peer_index, link.peer_netnsid) {
            (Some(peer), None) => match links.iter().find(|l| l.index == peer) {
                Some(peer) => write!(name, "@{}", peer.name).unwrap(),
                None => write!(name, "@if{peer}").unwrap(),
            },
            (Some(peer), Some(_)) => write!(name, "@if{peer}").unwrap(),
            (None, _) => {}
        }
        write!(
            out,
            "{}: {name}: <{}> mtu {}",
            link.index,
            flag_names(link),
            link.mtu
        )
        .unwrap();
        if let Some(master) = link
            .master
            .and_then(|m| links.iter().find(|l| l.index == m))
        {
            write!(out, " master {}", master.name).unwrap();
        }
        writeln!(out, " state {}", link.operstate).unwrap();
        let kind = if link.flags.contains(LinkFlags::Loopback) {
            "loopback"
        } else {
            "ether"
        };
        let brd = if kind == "loopback" {
            "00:00:00:00:00:00"
        } else {
            "ff:ff:ff:ff:ff:ff"
        };
        write!(out, "    link/{kind} {} brd {brd}", mac(link.mac)).unwrap();
        if let Some(id) = link.peer_netnsid {
            // The peer is in another namespace: ip names it by the id this
            // namespace gave that one.
            write!(out, " link-netnsid {id}").unwrap();
        }
        out.push('\n');
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

pub fn ifconfig(links: &[Link], addrs: &[Addr]) -> String {
    let mut out = String::new();
    // Without -a, ifconfig lists only devices that are up; it sorts by name.
    let mut up: Vec<&Link> = links.iter().filter(|l| l.is_up()).collect();
    up.sort_by(|a, b| a.name.cmp(&b.name));
    for link in up {
        let mut names = Vec::new();
        for (flag, name) in [
            (LinkFlags::Up, "UP"),
            (LinkFlags::Broadcast, "BROADCAST"),
            (LinkFlags::Loopback, "LOOPBACK"),
            (LinkFlags::Running, "RUNNING"),
            (LinkFlags::Multicast, "MULTICAST"),
        ] {
            if link.flags.contains(flag) {
                names.push(name);
            }
        }
        let bits = link.flags.bits() & 0xffff;
        writeln!(
            out,
            "{}: flags={bits}<{}>  mtu {}",
            link.name,
            names.join(","),
            link.mtu
        )
        .unwrap();
        for addr in addrs.iter().filter(|a| a.index == link.index) {
            write!(out, "        inet {}  netmask {}", addr.ip, addr.netmask()).unwrap();
            if let Some(brd) = addr.broadcast {
                write!(out, "  broadcast {brd}").unwrap();
            }
            out.push('\n');
        }
        if link.flags.contains(LinkFlags::Loopback) {
            writeln!(
                out,
                "        loop  txqueuelen {}  (Local Loopback)",
                link.txqueuelen
            )
            .unwrap();
        } else {
            let txq = link.txqueuelen;
            writeln!(
                out,
                "        ether {}  txqueuelen {txq}  (Ethernet)",
                mac(link.mac)
            )
            .unwrap();
        }
        out.push('\n');
    }
    out.trim_end().to_string()
}

pub fn ip_route(routes: &[Route], links: &[Link]) -> String {
    let device = |index: Option<u32>| {
        let link = links.iter().find(|l| Some(l.index) == index);
        link.map_or("?".to_string(), |l| l.name.clone())
    };
    let mut out = String::new();
    for route in routes {
        match route.destination {
            Some((ip, len)) => write!(out, "{ip}/{len}").unwrap(),
            None => write!(out, "default").unwrap(),
        }
        if let Some(gateway) = route.gateway {
            write!(out, " via {gateway}").unwrap();
        }
        write!(out, " dev {}", device(route.device)).unwrap();
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

pub fn brctl_show(bridge: &str, links: &[Link]) -> String {
    let mut out = String::from("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n");
    let Some(br) = links.iter().find(|l| l.name == bridge) else {
        return format!("bridge {bridge} does not exist!");
    };
    let (priority, address) = br.bridge_id.unwrap_or_default();
    let id: String = address.0.iter().map(|b| format!("{b:02x}")).collect();
    let stp = if br.stp { "yes" } else { "no" };
    let ports: Vec<&str> = links
        .iter()
        .filter(|l| l.master == Some(br.index))
        .map(|l| l.name.as_str())
        .collect();
    let first = ports.first().copied().unwrap_or("");
    writeln!(out, "{bridge}\t\t{priority:04x}.{id}\t{stp}\t\t{first}").unwrap();
    for port in ports.iter().skip(1) {
        writeln!(out, "\t\t\t\t\t\t\t{port}").unwrap();
    }
    out
}

pub fn brctl_showmacs(entries: &[FdbEntry], links: &[Link]) -> String {
    let port_no = |index: u32| {
        links
            .iter()
            .find(|l| l.index == index)
            .and_then(|l| l.port_no)
    };
    let mut rows: Vec<(u16, bool, Mac, f64)> = entries
        .iter()
        .map(|e| (port_no(e.port).unwrap_or(0), !e.local, e.mac, e.age_secs))
        .collect();
    // brctl lists in hash order; we sort by port, local entries first.
    rows.sort_by_key(|row| (row.0, row.1, row.2));
    let mut out = String::from("port no\tmac addr\t\tis local?\tageing timer\n");
    for (port, learned, address, age) in rows {
        let local = if learned { "no" } else { "yes" };
        writeln!(out, "{port:3}\t{address}\t{local}\t\t{age:7.2}").unwrap();
    }
    out
}

/// `02:42:ac:11:00:02`; `00:00:00:00:00:00` for a device without a MAC
/// address, as `ip` prints it (the loopback device's).
pub fn mac(address: Option<Mac>) -> String {
    address.unwrap_or_default().to_string()
}
