//! What `ip`, `ifconfig`, `brctl` and `bridge` print, formatted from what
//! netlink returned: the same data those tools read.
//!
//! This file has the verbs, each named after the command it prints
//! (`show_ip_a` is `ip a`); the files next to it format the text:
//!
//! - [`ip`]: `ip a`, `ip -d link show`, `ip route`, `ip neigh`;
//! - [`ifconfig`]: `ifconfig` itself;
//! - [`brctl`]: `brctl show`, `brctl showmacs`;
//! - [`bridge`]: `bridge fdb show`.

use anyhow::{Context, Result};

use crate::ip::link::Link;
use crate::ip::neigh::Neighbour;
use crate::mac::Mac;
use crate::{Netns, narrate};

pub mod brctl;
pub mod bridge;
pub mod ifconfig;
pub mod ip;

impl Netns {
    /// `ip a`: every device with its flags, MAC and addresses.
    pub async fn show_ip_a(&self) -> Result<()> {
        narrate::command(self, "ip a");
        let links = self.settled_links(|_| true).await?;
        narrate::output(&ip::ip_a(&links, &self.addrs().await?));
        Ok(())
    }

    /// `ip -d link show NAME`: `ip link show`, then the promiscuity count
    /// and, for a MACVLAN or VLAN device, its kind and settings.
    pub async fn show_link_details(&self, name: &str) -> Result<Link> {
        narrate::command(self, &format!("ip -d link show {name}"));
        let links = self.settled_links(|link| link.name == name).await?;
        let link = links.iter().find(|link| link.name == name);
        let link =
            link.with_context(|| format!("there is no device named {name} in {}", self.name))?;
        // Formatted with all the links, to name its parent: `eth0.20@eth0`.
        narrate::output(&ip::ip_d_link(link, &links));
        Ok(link.clone())
    }

    /// `ifconfig`: the older net-tools view of the devices that are up.
    pub async fn show_ifconfig(&self) -> Result<()> {
        narrate::command(self, "ifconfig");
        let links = self.settled_links(|_| true).await?;
        narrate::output(&ifconfig::ifconfig(&links, &self.addrs().await?));
        Ok(())
    }

    /// `ip route`: the main routing table.
    pub async fn show_routes(&self) -> Result<()> {
        narrate::command(self, "ip route");
        narrate::output(&ip::ip_route(&self.routes().await?, &self.links().await?));
        Ok(())
    }

    /// `ip neigh`; with a device, `ip neigh show dev DEVICE`: only the
    /// neighbours there.
    pub async fn show_neigh(&self, dev: Option<&str>) -> Result<Vec<Neighbour>> {
        let links = self.links().await?;
        let mut table = self.neighbours().await?;
        match dev {
            Some(name) => {
                narrate::command(self, &format!("ip neigh show dev {name}"));
                let index = links.iter().find(|l| l.name == name).map(|l| l.index);
                table.retain(|n| Some(n.index) == index);
            }
            None => narrate::command(self, "ip neigh"),
        }
        narrate::output(&ip::ip_neigh(&table, &links, dev));
        Ok(table)
    }

    /// `ip neigh | wc -l`: how many neighbours the kernel knows.
    pub async fn count_neigh(&self) -> Result<usize> {
        narrate::command(self, "ip neigh | wc -l");
        let count = self.neighbours().await?.len();
        narrate::output(&count.to_string());
        Ok(count)
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
        narrate::command(self, &format!("bridge fdb show dev {dev}"));
        narrate::output(&self.fdb_lines(dev).await?.join("\n"));
        Ok(())
    }

    /// `bridge fdb show dev DEV | sort`: the same lines in a stable order,
    /// for a table someone else filled (dockerd's overlay driver adds its
    /// entries in whatever order the swarm's gossip brings them).
    pub async fn show_fdb_dev_sorted(&self, dev: &str) -> Result<()> {
        narrate::command(self, &format!("bridge fdb show dev {dev} | sort"));
        let mut lines = self.fdb_lines(dev).await?;
        lines.sort();
        narrate::output(&lines.join("\n"));
        Ok(())
    }

    /// The FDB entries of `dev`, as `bridge fdb show` prints them.
    async fn fdb_lines(&self, dev: &str) -> Result<Vec<String>> {
        let links = self.links().await?;
        let index = links.iter().find(|l| l.name == dev).map(|l| l.index);
        let index =
            index.with_context(|| format!("there is no device named {dev} in {}", self.name))?;
        let entries = self
            .fdb_messages()
            .await
            .with_context(|| format!("read the FDB of {dev} in {}", self.name))?;
        Ok(entries
            .iter()
            .filter(|m| m.header.ifindex == index)
            .map(|entry| bridge::fdb_line(entry, &links))
            .collect())
    }

    /// `bridge fdb show br BRIDGE brport PORT dynamic | wc -l`: how many
    /// MAC addresses the bridge has learned behind one port.
    pub async fn count_fdb(&self, bridge: &str, port: &str) -> Result<usize> {
        let command = format!("bridge fdb show br {bridge} brport {port} dynamic | wc -l");
        narrate::command(self, &command);
        let port_index = self.index_of(port).await?;
        let entries = self.fdb(bridge).await?;
        let learned = entries
            .iter()
            .filter(|e| e.port == port_index && !e.local)
            .count();
        narrate::output(&learned.to_string());
        Ok(learned)
    }
}

/// `02:42:ac:11:00:02`; `00:00:00:00:00:00` for a device without a MAC
/// address, as `ip` prints it (the loopback device's). For the `docker`
/// module, which prints a `Link`'s `mac` so.
pub fn mac(address: Option<Mac>) -> String {
    address.unwrap_or_default().to_string()
}
