//! What `ip`, `ifconfig`, `brctl` and `bridge` print about a namespace.
//!
//! This file has the verbs, each named after the command it prints
//! (`show_ip_a` is `ip a`):
//!
//! - `ip`, `bridge` and `ifconfig` are the real programs, run inside the
//!   namespace (`program.rs`): their output is theirs, whole;
//! - [`brctl`] formats `brctl show` and `brctl showmacs` from our own
//!   netlink dumps, and the transcript says so in a comment, not at a
//!   prompt (bridge-utils reads sysfs, and is rarely installed now);
//! - [`mac`] prints a MAC address as `ip` and `bridge` print one.

use anyhow::{Context, Result};

use crate::ip::link::Link;
use crate::ip::neigh::Neighbour;
use crate::mac::Mac;
use crate::{Netns, narrate};

pub mod brctl;
mod program;

impl Netns {
    /// `ip a`: every device with its flags, MAC and addresses, as the real
    /// `ip` prints them, once every device has settled (a veth just set up
    /// takes a moment to report its carrier).
    pub async fn show_ip_a(&self) -> Result<()> {
        self.settled_links(|_| true).await?;
        self.show_program(&["ip", "a"])?;
        Ok(())
    }

    /// `ip -d link show NAME`: `ip link show`, then the details: the
    /// promiscuity count and, for a MACVLAN or VLAN device, its kind and
    /// settings. Returns the device as netlink reads it, for the claims.
    pub async fn show_link_details(&self, name: &str) -> Result<Link> {
        let links = self.settled_links(|link| link.name == name).await?;
        let link = links.iter().find(|link| link.name == name);
        let link =
            link.with_context(|| format!("there is no device named {name} in {}", self.name))?;
        self.show_program(&["ip", "-d", "link", "show", name])?;
        Ok(link.clone())
    }

    /// `ifconfig`: the older net-tools view of the devices that are up.
    pub async fn show_ifconfig(&self) -> Result<()> {
        self.settled_links(|_| true).await?;
        self.show_program(&["ifconfig"])?;
        Ok(())
    }

    /// `ip route`: the main routing table.
    pub async fn show_routes(&self) -> Result<()> {
        self.show_program(&["ip", "route"])?;
        Ok(())
    }

    /// `ip neigh | sort`; with a device, `ip neigh show dev DEVICE | sort`:
    /// only the neighbours there. Returns the table as netlink reads it, for the
    /// claims.
    pub async fn show_neigh(&self, dev: Option<&str>) -> Result<Vec<Neighbour>> {
        let links = self.links().await?;
        let mut table = self.neighbours().await?;
        // The kernel lists its neighbours in hash order, which changes from
        // run to run: sorted, the transcript can be compared.
        match dev {
            Some(name) => {
                self.show_sorted(&["ip", "neigh", "show", "dev", name])?;
                let index = links.iter().find(|l| l.name == name).map(|l| l.index);
                table.retain(|n| Some(n.index) == index);
            }
            None => self.show_sorted(&["ip", "neigh"])?,
        }
        Ok(table)
    }

    /// `ip neigh | wc -l`: how many neighbours the kernel knows. The count
    /// comes from our own netlink dump, for the claims; the line printed is
    /// `wc -l` of what the real `ip neigh` printed.
    pub async fn count_neigh(&self) -> Result<usize> {
        self.show_line_count(&["ip", "neigh"])?;
        Ok(self.neighbours().await?.len())
    }

    /// `brctl show BRIDGE`'s table: the bridge and the devices plugged into
    /// it. brctl reads them from sysfs (`/sys/class/net/BRIDGE/brif/`); we
    /// ask netlink for the links, as `bridge link` does, each port naming
    /// its bridge. So the transcript says it as a comment, not as a
    /// command we ran.
    pub async fn show_brctl(&self, bridge: &str) -> Result<()> {
        narrate::say(&format!(
            "{}: {bridge} and its ports, as `brctl show {bridge}` lists them (read with netlink)",
            self.name
        ));
        narrate::output(&brctl::brctl_show(Some(bridge), &self.links().await?));
        Ok(())
    }

    /// `brctl show`'s table: every bridge of this namespace and its ports
    /// (read with netlink, as [`Netns::show_brctl`] says).
    pub async fn show_brctl_all(&self) -> Result<()> {
        narrate::say(&format!(
            "{}: its bridges and their ports, as `brctl show` lists them (read with netlink)",
            self.name
        ));
        narrate::output(&brctl::brctl_show(None, &self.links().await?));
        Ok(())
    }

    /// `brctl showmacs BRIDGE`'s table: the MAC addresses the bridge knows,
    /// by port. brctl reads the bridge's forwarding table from sysfs
    /// (`/sys/class/net/BRIDGE/brforward`); we dump it with netlink, as
    /// `bridge fdb show` does: a comment in the transcript, again.
    pub async fn show_brctl_macs(&self, bridge: &str) -> Result<()> {
        narrate::say(&format!(
            "{}: what {bridge} knows, as `brctl showmacs {bridge}` lists it (read with netlink)",
            self.name
        ));
        let entries = self.fdb(bridge).await?;
        narrate::output(&brctl::brctl_showmacs(&entries, &self.links().await?));
        Ok(())
    }

    /// `bridge fdb show dev DEV`: the entries of a bridge port (`master br0`,
    /// the bridge's table) and, for a VXLAN device, its own (`self`), with
    /// the remote VTEP of each (`dst`).
    pub async fn show_fdb_dev(&self, dev: &str) -> Result<()> {
        self.show_program(&["bridge", "fdb", "show", "dev", dev])?;
        Ok(())
    }

    /// `bridge fdb show dev DEV | sort`: the same lines in a stable order,
    /// for a table someone else filled (dockerd's overlay driver adds its
    /// entries in whatever order the swarm's gossip brings them). The lines
    /// are the real `bridge`'s, sorted as `sort` would in the C locale.
    pub async fn show_fdb_dev_sorted(&self, dev: &str) -> Result<()> {
        self.show_sorted(&["bridge", "fdb", "show", "dev", dev])
    }

    /// `ARGV | sort`: the real program's lines, sorted as `sort` would in
    /// the C locale, for a table the kernel lists in hash order.
    fn show_sorted(&self, argv: &[&str]) -> Result<()> {
        narrate::command(self, &format!("{} | sort", argv.join(" ")));
        if let Some(printed) = self.run_program(argv, false)? {
            let mut lines: Vec<&str> = printed.lines().collect();
            lines.sort_unstable();
            narrate::output(&lines.join("\n"));
        }
        Ok(())
    }

    /// `bridge fdb show br BRIDGE brport PORT dynamic | wc -l`: how many
    /// MAC addresses the bridge has learned behind one port. The count
    /// returned comes from our own netlink dump, for the claims.
    pub async fn count_fdb(&self, bridge: &str, port: &str) -> Result<usize> {
        self.show_line_count(&[
            "bridge", "fdb", "show", "br", bridge, "brport", port, "dynamic",
        ])?;
        let port_index = self.index_of(port).await?;
        let entries = self.fdb(bridge).await?;
        let learned = entries
            .iter()
            .filter(|e| e.port == port_index && !e.local)
            .count();
        Ok(learned)
    }

    /// `ARGV | wc -l`: runs the real program quietly and prints how many
    /// lines it printed, as `wc -l` counts them.
    fn show_line_count(&self, argv: &[&str]) -> Result<()> {
        narrate::command(self, &format!("{} | wc -l", argv.join(" ")));
        let printed = self.run_program(argv, false)?;
        if let Some(printed) = printed {
            narrate::output(&printed.lines().count().to_string());
        }
        Ok(())
    }
}

/// `02:42:ac:11:00:02`; `00:00:00:00:00:00` for a device without a MAC
/// address, as `ip` prints it (the loopback device's). For the `docker`
/// module, which prints a `Link`'s `mac` so.
pub fn mac(address: Option<Mac>) -> String {
    address.unwrap_or_default().to_string()
}
