//! What `brctl show` and `brctl showmacs` print (bridge-utils, the older
//! tool the lab uses; iproute2's `bridge` shows the same tables).

use std::fmt::Write;

use crate::bridge::fdb::FdbEntry;
use crate::ip::link::Link;
use crate::mac::Mac;

/// `brctl show BRIDGE`: the bridge's id, whether it runs STP, its ports.
/// `bridge` `None`: every bridge, as plain `brctl show` lists them.
pub fn brctl_show(bridge: Option<&str>, links: &[Link]) -> String {
    let mut out = String::from("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n");
    let bridges: Vec<&Link> = match bridge {
        Some(name) => match links.iter().find(|l| l.name == name) {
            Some(br) => vec![br],
            None => return format!("bridge {name} does not exist!"),
        },
        None => links
            .iter()
            .filter(|l| l.kind.as_deref() == Some("bridge"))
            .collect(),
    };
    for br in bridges {
        bridge_row(&mut out, br, links);
    }
    out
}

/// One bridge's lines of `brctl show`.
fn bridge_row(out: &mut String, br: &Link, links: &[Link]) {
    let bridge = &br.name;
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
