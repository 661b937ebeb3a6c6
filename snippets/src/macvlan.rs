//! `ip link add ... type macvlan` and `type vlan`: devices stacked on a
//! parent device, and what `ip -d link show` tells about them.
//!
//! A MACVLAN device is a second (third, ...) Ethernet identity on its parent:
//! its own MAC address, on the parent's wire. A VLAN device (`eth0.20`) is
//! the parent's traffic tagged with one 802.1Q VLAN id. Both are created
//! with one RTM_NEWLINK request that names the parent with IFLA_LINK.

use std::net::Ipv4Addr;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use futures::TryStreamExt;
use netlink_packet_route::link::{
    InfoData, InfoMacVlan, InfoVlan, LinkAttribute, LinkFlags, LinkInfo, LinkMessage, MacVlanMode,
};
use rtnetlink::{LinkMacVlan, LinkVlan};

use crate::error::netlink_error;
use crate::link::Link;
use crate::mac::Mac;
use crate::{Netns, narrate, show};

/// What `ip -d link show` adds to `ip link show` for the devices here.
#[derive(Debug, Clone, Default)]
pub struct Details {
    /// How many reasons the device has to be promiscuous (IFLA_PROMISCUITY).
    pub promiscuity: u32,
    /// For a MACVLAN device: its mode ("bridge", ...).
    pub macvlan_mode: Option<String>,
    /// For a VLAN device: its 802.1Q id.
    pub vlan_id: Option<u16>,
}

impl Netns {
    /// `ip link add NAME link PARENT type macvlan mode bridge`, with the
    /// MAC address `mac` (`address MAC`). The kernel would pick a random one.
    pub async fn add_macvlan(&self, name: &str, parent: &str, mac: Mac) -> Result<()> {
        let command =
            format!("ip link add {name} link {parent} address {mac} type macvlan mode bridge");
        narrate::command(self, &command);
        let parent_index = self.index_of(parent).await?;
        let message = LinkMacVlan::new(name, parent_index, MacVlanMode::Bridge)
            .address(mac.0.to_vec())
            .build();
        self.handle
            .link()
            .add(message)
            .execute()
            .await
            .map_err(netlink_error)
            .with_context(|| format!("add the macvlan {name} on {parent} in {}", self.name))
    }

    /// `ip link add NAME link PARENT netns TARGET ... type macvlan mode bridge`:
    /// the MACVLAN device is born inside TARGET.
    ///
    /// The request goes to this namespace, where the parent is: the kernel
    /// finds IFLA_LINK here, and puts the new device in the namespace of
    /// IFLA_NET_NS_FD. Give it a name that is free here too: Debian 12's
    /// kernel (6.1) checks the name in this namespace as well, and refuses
    /// `eth0` next to the host's `eth0` (EEXIST); a 6.18 kernel accepts it.
    /// Rename it inside TARGET afterwards.
    pub async fn add_macvlan_into(
        &self,
        name: &str,
        parent: &str,
        mac: Mac,
        target: &Netns,
    ) -> Result<()> {
        let command = format!(
            "ip link add {name} link {parent} netns {} address {mac} type macvlan mode bridge",
            target.name
        );
        narrate::command(self, &command);
        let parent_index = self.index_of(parent).await?;
        let message = LinkMacVlan::new(name, parent_index, MacVlanMode::Bridge)
            .address(mac.0.to_vec())
            .setns_by_fd(target.fd().as_raw_fd())
            .build();
        self.handle
            .link()
            .add(message)
            .execute()
            .await
            .map_err(netlink_error)
            .with_context(|| {
                format!(
                    "add the macvlan {name} on {parent} ({}) inside {}",
                    self.name, target.name
                )
            })
    }

    /// `ip link add link PARENT name NAME type vlan id ID`: a sub-interface
    /// that sends PARENT's frames with an 802.1Q tag (VLAN id ID) and
    /// receives only the frames tagged with it. Needs the kernel's 8021q
    /// support: without it, the kernel answers EOPNOTSUPP.
    pub async fn add_vlan(&self, name: &str, parent: &str, id: u16) -> Result<()> {
        let command = format!("ip link add link {parent} name {name} type vlan id {id}");
        narrate::command(self, &command);
        let parent_index = self.index_of(parent).await?;
        let message = LinkVlan::new(name, parent_index, id).build();
        self.handle
            .link()
            .add(message)
            .execute()
            .await
            .map_err(netlink_error)
            .with_context(|| format!("add the VLAN device {name} on {parent} in {}", self.name))
    }

    /// Many MACVLAN devices on `parent`, one per host number in `hosts`
    /// (`mv101` for 192.168.20.101 ...), each with Docker's MAC for its
    /// address, each up, and each asking `gateway` for its MAC once, so that
    /// the LAN hears it. Printed as the one shell loop it stands for.
    /// Returns how many got an answer.
    pub async fn add_macvlan_flock(
        &self,
        parent: &str,
        hosts: std::ops::RangeInclusive<u8>,
        gateway: Ipv4Addr,
    ) -> Result<usize> {
        let [a, b, c, _] = gateway.octets();
        let (first, last) = (*hosts.start(), *hosts.end());
        narrate::command(self, &format!("for i in $(seq {first} {last}); do"));
        narrate::output(&format!(
            ">   ip link add mv$i link {parent} address 02:42:{a:02x}:{b:02x}:{c:02x}:$(printf %02x $i) type macvlan mode bridge\n\
             >   ip link set mv$i up\n\
             >   arping -c 1 -I mv$i -s {a}.{b}.{c}.$i {gateway}\n\
             > done"
        ));
        let parent_index = self.index_of(parent).await?;
        let mut answered = 0;
        for host in hosts {
            let name = format!("mv{host}");
            let ip = Ipv4Addr::new(a, b, c, host);
            let message = LinkMacVlan::new(&name, parent_index, MacVlanMode::Bridge)
                .address(Mac::docker(ip).0.to_vec())
                .up()
                .build();
            self.handle
                .link()
                .add(message)
                .execute()
                .await
                .map_err(netlink_error)
                .with_context(|| format!("add the macvlan {name} on {parent} in {}", self.name))?;
            if self.arping_quietly(&name, ip, gateway).await?.is_some() {
                answered += 1;
            }
        }
        let count = last - first + 1;
        narrate::output(&format!("{answered} of {count} got a reply from {gateway}"));
        Ok(answered)
    }

    /// The `-d` details of one device.
    pub async fn details(&self, name: &str) -> Result<Details> {
        let request = self.handle.link().get().match_name(name.to_string());
        let message: Option<LinkMessage> = request
            .execute()
            .try_next()
            .await
            .map_err(netlink_error)
            .with_context(|| format!("look up {name} in {}", self.name))?;
        let message = message.with_context(|| format!("no device {name} in {}", self.name))?;
        Ok(parse_details(&message))
    }

    /// `ip -d link show NAME`: `ip link show`, then the promiscuity count
    /// and, for a MACVLAN or VLAN device, its kind and settings.
    pub async fn show_link_details(&self, name: &str) -> Result<Details> {
        narrate::command(self, &format!("ip -d link show {name}"));
        let link = self.settled_link(name).await?;
        let details = self.details(name).await?;
        // The two lines `ip a` prints for that device, less its addresses
        // (formatted with all the links, to name its parent: `eth0.20@eth0`).
        let mut links = self.links().await?;
        for other in links.iter_mut().filter(|l| l.index == link.index) {
            *other = link.clone();
        }
        let all = show::ip_a(&links, &[]);
        let start = format!("{}: ", link.index);
        let lines: Vec<&str> = all
            .lines()
            .skip_while(|l| !l.starts_with(&start))
            .take(2)
            .collect();
        let mut text = format!("{} promiscuity {}\n", lines.join("\n"), details.promiscuity);
        match (&details.macvlan_mode, details.vlan_id, &link.kind) {
            (Some(mode), _, _) => text.push_str(&format!("    macvlan mode {mode}\n")),
            (_, Some(id), _) => text.push_str(&format!("    vlan protocol 802.1Q id {id}\n")),
            (_, _, Some(kind)) => text.push_str(&format!("    {kind}\n")),
            _ => {}
        }
        narrate::output(&text);
        Ok(details)
    }
}

impl Netns {
    /// One device, once the kernel's link watcher has set its operational
    /// state: a device that is up with a carrier reads "UNKNOWN" until then,
    /// for up to a second (we wait at most 2 s), then "UP".
    async fn settled_link(&self, name: &str) -> Result<Link> {
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let link = self.link(name).await?;
            let carrier = link.is_up() && link.flags.contains(LinkFlags::LowerUp);
            if !carrier || link.operstate != "UNKNOWN" || Instant::now() > deadline {
                return Ok(link);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn parse_details(message: &LinkMessage) -> Details {
    let mut details = Details::default();
    for attribute in &message.attributes {
        match attribute {
            LinkAttribute::Promiscuity(count) => details.promiscuity = *count,
            LinkAttribute::LinkInfo(infos) => {
                for info in infos {
                    match info {
                        LinkInfo::Data(InfoData::MacVlan(items)) => {
                            for item in items {
                                if let InfoMacVlan::Mode(mode) = item {
                                    details.macvlan_mode = Some(mode_name(*mode));
                                }
                            }
                        }
                        LinkInfo::Data(InfoData::Vlan(items)) => {
                            for item in items {
                                if let InfoVlan::Id(id) = item {
                                    details.vlan_id = Some(*id);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    details
}

/// The mode as `ip -d link` names it.
fn mode_name(mode: MacVlanMode) -> String {
    match mode {
        MacVlanMode::Private => "private".to_string(),
        MacVlanMode::Vepa => "vepa".to_string(),
        MacVlanMode::Bridge => "bridge".to_string(),
        MacVlanMode::Passthrough => "passthru".to_string(),
        MacVlanMode::Source => "source".to_string(),
        other => format!("{other:?}"),
    }
}
