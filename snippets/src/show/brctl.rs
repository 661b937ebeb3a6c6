//! What `brctl show` and `brctl showmacs` print (bridge-utils, the older
//! tool the lab uses; iproute2's `bridge` shows the same tables).

use std::fmt::Write;

use crate::bridge::fdb::FdbEntry;
use crate::ip::link::Link;
use crate::mac::Mac;

/// `brctl show BRIDGE`: the bridge's id, whether it runs STP, its ports.
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

/// `brctl showmacs BRIDGE`: the MAC table, by port number.
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
