//! `ip link`: network devices.
//!
//! [`Link`] is what `ip -d link show` tells about one device, read from the
//! kernel's RTM_NEWLINK message by `parse`, the one place the library
//! reads link messages (the pictures, `ip a` and the Docker side all use it).
//! The verbs are in files named after the command:
//!
//! - `set.rs`: `ip link set NAME up | master | address | mtu | netns | name`,
//!   and `ip link delete`;
//! - `veth.rs`, `bridge.rs`, `vxlan.rs`, `macvlan.rs`, `ipvlan.rs`, `vlan.rs`:
//!   `ip link add NAME ... type KIND`.

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::link::{
    InfoBridge, InfoBridgePort, InfoData, InfoIpVlan, InfoMacVlan, InfoPortData, InfoVlan,
    InfoVxlan, LinkAttribute, LinkFlags, LinkInfo, LinkMessage, MacVlanMode,
};
use rtnetlink::LinkUnspec;

use crate::Netns;
use crate::ip::{DUMP, GET};
use crate::mac::Mac;

pub mod bridge;
pub mod ipvlan;
pub mod macvlan;
pub mod set;
pub mod veth;
pub mod vlan;
pub mod vxlan;

/// What `ip -d link show` tells about one device.
#[derive(Debug, Clone, Default)]
pub struct Link {
    pub index: u32,
    pub name: String,
    /// The driver: "veth", "bridge", ... (`None` for the loopback device).
    pub kind: Option<String>,
    pub mac: Option<Mac>,
    pub mtu: u32,
    pub txqueuelen: u32,
    pub flags: LinkFlags,
    /// RFC 2863 operational state: "UP", "DOWN", "LOWERLAYERDOWN", "UNKNOWN".
    pub operstate: String,
    /// How many reasons the device has to be promiscuous (`ip -d` prints it).
    pub promiscuity: u32,
    /// IFLA_LINK, the device this one is joined to: a veth's peer
    /// (`veth-red@if4`), a MACVLAN or VLAN device's parent (`eth0.20@eth0`).
    pub peer_index: Option<u32>,
    /// When that device lives in another namespace: the id this namespace
    /// gave the other one (`link-netnsid 0`). A VXLAN device moved out of
    /// the namespace that made it has one too: its socket's namespace.
    pub peer_netnsid: Option<i32>,
    /// The bridge this device is a port of (`master docker0`), as an ifindex.
    pub master: Option<u32>,
    /// For a bridge port: its port number (`brctl showmacs` lists it).
    pub port_no: Option<u16>,
    /// For a bridge: its id (`8000.` and its MAC) and whether STP runs.
    pub bridge_id: Option<(u16, Mac)>,
    pub stp: bool,
    /// For a MACVLAN device: its mode, as `ip -d link` names it ("bridge").
    pub macvlan_mode: Option<String>,
    /// For an IPvlan device: its mode, as `ip -d link` names it ("l2").
    pub ipvlan_mode: Option<String>,
    /// For a VLAN device: its 802.1Q id.
    pub vlan_id: Option<u16>,
    /// For a VXLAN device: what it tunnels, and over what.
    pub vxlan: Option<Vxlan>,
}

/// What `ip -d link show` tells about a VXLAN device.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vxlan {
    /// The VXLAN network identifier: which overlay a frame belongs to.
    pub vni: u32,
    /// The UDP port it sends to and listens on (`dstport 4789`).
    pub port: Option<u16>,
    /// IFLA_VXLAN_GROUP: the remote VTEP (`remote`), or a multicast group
    /// (`group`), as `ip -d link` words it by the address.
    pub remote: Option<Ipv4Addr>,
    /// The underlay address it sends from (`local`).
    pub local: Option<Ipv4Addr>,
    /// The underlay device (`dev eth0`), an ifindex in the namespace of
    /// the device's socket (see [`Link::peer_netnsid`]).
    pub dev: Option<u32>,
}

impl Link {
    pub fn is_up(&self) -> bool {
        self.flags.contains(LinkFlags::Up)
    }
}

impl Netns {
    /// The one request behind every `ip link add`, whatever the device's
    /// kind: `RTM_NEWLINK`, to create a device that must not exist yet.
    pub(crate) async fn add_link(&self, message: LinkMessage) -> Result<()> {
        let request = RouteNetlinkMessage::NewLink(message);
        self.request(request, crate::ip::ADD).await.map(drop)
    }

    /// Every device in this namespace, in ifindex order (`ip -d link show`).
    pub async fn links(&self) -> Result<Vec<Link>> {
        let request = RouteNetlinkMessage::GetLink(LinkMessage::default());
        let answers = self
            .request(request, DUMP)
            .await
            .with_context(|| format!("list the links in {}", self.name))?;
        let mut links: Vec<Link> = answers.iter().filter_map(parse).collect();
        links.sort_by_key(|link| link.index);
        Ok(links)
    }

    /// One device, by name (`ip -d link show NAME`): the request names it
    /// (IFLA_IFNAME), so the kernel answers with that device alone.
    pub async fn link(&self, name: &str) -> Result<Link> {
        let message = LinkUnspec::new_with_name(name).build();
        let answers = self
            .request(RouteNetlinkMessage::GetLink(message), GET)
            .await
            .with_context(|| format!("look up the device {name} in {}", self.name))?;
        let link = answers.iter().find_map(parse);
        link.with_context(|| format!("there is no device named {name} in {}", self.name))
    }

    /// The ifindex of a device: requests that refer to another device
    /// (`master BRIDGE`, `link PARENT`, an address's device) name it so.
    pub(crate) async fn index_of(&self, name: &str) -> Result<u32> {
        Ok(self.link(name).await?.index)
    }

    /// The links, once the kernel's link watcher has caught up with those
    /// `wait_for` picks.
    ///
    /// A device's operational state ("state UP", ifconfig's RUNNING) is not
    /// set by the request that brings it up: the kernel's linkwatch worker
    /// updates it shortly after, up to a second later (until then, a device
    /// that is up with a carrier reads "UNKNOWN"). We wait for it (at most
    /// 2 s): `ip link set up` so that the next step's traffic finds the
    /// device really up, the `show` verbs so that what they print is what
    /// `ip a` would show a moment later, not a race.
    pub(crate) async fn settled_links(
        &self,
        wait_for: impl Fn(&Link) -> bool,
    ) -> Result<Vec<Link>> {
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let links = self.links().await?;
            let mut waited = links.iter().filter(|link| wait_for(link));
            if waited.all(|link| link.operstate == expected_operstate(link))
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

/// A link message as a [`Link`] (`None` for any other message).
fn parse(message: &RouteNetlinkMessage) -> Option<Link> {
    let RouteNetlinkMessage::NewLink(message) = message else {
        return None;
    };
    let mut link = Link {
        index: message.header.index,
        flags: message.header.flags,
        ..Link::default()
    };
    for attribute in &message.attributes {
        match attribute {
            LinkAttribute::IfName(name) => link.name = name.clone(),
            LinkAttribute::Address(bytes) => link.mac = Mac::from_bytes(bytes),
            LinkAttribute::Mtu(mtu) => link.mtu = *mtu,
            LinkAttribute::TxQueueLen(len) => link.txqueuelen = *len,
            LinkAttribute::OperState(state) => link.operstate = format!("{state:?}").to_uppercase(),
            LinkAttribute::Promiscuity(count) => link.promiscuity = *count,
            LinkAttribute::Link(index) => link.peer_index = Some(*index),
            LinkAttribute::LinkNetNsId(id) => link.peer_netnsid = Some(*id),
            LinkAttribute::Controller(master) => link.master = Some(*master),
            LinkAttribute::LinkInfo(infos) => {
                infos.iter().for_each(|info| read_info(info, &mut link))
            }
            _ => {}
        }
    }
    Some(link)
}

/// IFLA_LINKINFO: the driver's name and its own attributes, and the
/// attributes of the port the device is on a bridge.
fn read_info(info: &LinkInfo, link: &mut Link) {
    match info {
        LinkInfo::Kind(kind) => link.kind = Some(kind.to_string()),
        LinkInfo::Data(InfoData::Bridge(items)) => {
            for item in items {
                match item {
                    InfoBridge::BridgeId(id) => {
                        link.bridge_id = Some((id.priority, Mac(id.address)));
                    }
                    InfoBridge::StpState(state) => link.stp = u32::from(*state) != 0,
                    _ => {}
                }
            }
        }
        LinkInfo::PortData(InfoPortData::BridgePort(items)) => {
            link.port_no = items.iter().find_map(|item| match item {
                InfoBridgePort::PortNumber(number) => Some(*number),
                _ => None,
            });
        }
        LinkInfo::Data(InfoData::MacVlan(items)) => {
            link.macvlan_mode = items.iter().find_map(|item| match item {
                InfoMacVlan::Mode(mode) => Some(mode_name(*mode)),
                _ => None,
            });
        }
        LinkInfo::Data(InfoData::IpVlan(items)) => {
            link.ipvlan_mode = items.iter().find_map(|item| match item {
                InfoIpVlan::Mode(mode) => Some(mode.to_string()),
                _ => None,
            });
        }
        LinkInfo::Data(InfoData::Vlan(items)) => {
            link.vlan_id = items.iter().find_map(|item| match item {
                InfoVlan::Id(id) => Some(*id),
                _ => None,
            });
        }
        LinkInfo::Data(InfoData::Vxlan(items)) => {
            let mut vxlan = Vxlan::default();
            for item in items {
                match item {
                    InfoVxlan::Id(id) => vxlan.vni = *id,
                    InfoVxlan::Port(port) => vxlan.port = Some(*port),
                    InfoVxlan::Group(ip) => vxlan.remote = Some(*ip),
                    InfoVxlan::Local(ip) => vxlan.local = Some(*ip),
                    InfoVxlan::Link(index) => vxlan.dev = Some(*index),
                    _ => {}
                }
            }
            link.vxlan = Some(vxlan);
        }
        _ => {}
    }
}

/// A MACVLAN mode as `ip -d link` names it.
fn mode_name(mode: MacVlanMode) -> String {
    let name = match mode {
        MacVlanMode::Private => "private",
        MacVlanMode::Vepa => "vepa",
        MacVlanMode::Bridge => "bridge",
        MacVlanMode::Passthrough => "passthru",
        MacVlanMode::Source => "source",
        other => return format!("{other:?}").to_lowercase(),
    };
    name.to_string()
}
