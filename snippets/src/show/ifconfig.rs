//! What `ifconfig` prints: net-tools' older view of the devices that are up.

use std::fmt::Write;

use netlink_packet_route::link::LinkFlags;

use crate::ip::addr::Addr;
use crate::ip::link::Link;

/// `ifconfig`: without `-a`, only the devices that are up, sorted by name.
pub fn ifconfig(links: &[Link], addrs: &[Addr]) -> String {
    let mut out = String::new();
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
                link.mac.unwrap_or_default()
            )
            .unwrap();
        }
        out.push('\n');
    }
    out.trim_end().to_string()
}
