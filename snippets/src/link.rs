//! `ip link`: network devices.
//!
//! Each verb prints the iproute2 command it stands for, then sends one
//! rtnetlink request to the namespace's kernel, exactly as `ip` would.

use anyhow::{Context, Result, bail};
use futures::TryStreamExt;
use netlink_packet_route::link::{
    InfoBridge, InfoBridgePort, InfoData, InfoKind, InfoPortData, InfoVeth, LinkAttribute,
    LinkFlags, LinkInfo, LinkMessage,
};
use rtnetlink::{LinkBridge, LinkMessageBuilder, LinkUnspec, LinkVeth};
use std::os::fd::AsRawFd;

use crate::Netns;
use crate::error::netlink_error;
use crate::mac::Mac;
use crate::narrate;

/// What `ip -d link show` tells about one device.
#[derive(Debug, Clone, Default)]
pub struct Link {
    pub index: u32,
    pub name: String,
    /// The driver: "veth", "bridge", ... (`None` for the loopback device).
    pub kind: Option<String>,
    pub mac: Option<Mac>,
    pub mtu: u32,
    pub flags: LinkFlags,
    /// For a veth: the ifindex of its peer (`veth-red@if4`).
    pub peer_index: Option<u32>,
    /// When that peer lives in another namespace: the id this namespace
    /// gave the other one (`link-netnsid 0`).
    pub peer_netnsid: Option<i32>,
    /// RFC 2863 operational state: "UP", "DOWN", "LOWERLAYERDOWN", "UNKNOWN".
    pub operstate: String,
    /// The bridge this device is a port of (`master docker0`), as an ifindex.
    pub master: Option<u32>,
    /// For a bridge: its id (`8000.` and its MAC) and whether STP runs.
    pub bridge_id: Option<(u16, Mac)>,
    pub stp: bool,
    /// For a bridge port: its port number (`brctl showmacs` lists it).
    pub port_no: Option<u16>,
    pub txqueuelen: u32,
}

impl Link {
    pub fn is_up(&self) -> bool {
        self.flags.contains(LinkFlags::Up)
    }
}

impl Netns {
    /// `ip link add NAME type veth peer name PEER`: a pair of virtual Ethernet
    /// devices joined back to back; what goes in one comes out of the other.
    pub async fn add_veth(&self, name: &str, peer: &str) -> Result<()> {
        narrate::command(
            self,
            &format!("ip link add {name} type veth peer name {peer}"),
        );
        let request = self.handle.link().add(LinkVeth::new(name, peer).build());
        request
            .execute()
            .await
            .map_err(netlink_error)
            .with_context(|| format!("add the veth pair {name}/{peer} in {}", self.name))
    }

    /// `ip link add NAME type veth peer name PEER netns TARGET`: a veth pair
    /// whose peer is born inside another namespace. One request instead of
    /// add, move and rename; and cheaper, because moving a device makes the
    /// kernel unregister it and wait for every CPU to stop using it first.
    pub async fn add_veth_into(&self, name: &str, peer: &str, target: &Netns) -> Result<()> {
        let command = format!(
            "ip link add {name} type veth peer name {peer} netns {}",
            target.name
        );
        narrate::command(self, &command);
        // The peer's half of the request carries IFLA_NET_NS_FD.
        let peer_message = LinkMessageBuilder::<LinkUnspec>::new()
            .name(peer.to_string())
            .setns_by_fd(target.fd().as_raw_fd())
            .build();
        let message = LinkMessageBuilder::<LinkVeth>::new_with_info_kind(InfoKind::Veth)
            .name(name.to_string())
            .set_info_data(InfoData::Veth(InfoVeth::Peer(peer_message)))
            .build();
        let request = self.handle.link().add(message);
        request
            .execute()
            .await
            .map_err(netlink_error)
            .with_context(|| {
                format!(
                    "add the veth pair {name} ({}) / {peer} ({})",
                    self.name, target.name
                )
            })
    }

    /// `ip link add NAME type bridge`: a software switch.
    pub async fn add_bridge(&self, name: &str) -> Result<()> {
        narrate::command(self, &format!("ip link add {name} type bridge"));
        let request = self.handle.link().add(LinkBridge::new(name).build());
        request
            .execute()
            .await
            .map_err(netlink_error)
            .with_context(|| format!("add the bridge {name} in {}", self.name))
    }

    /// `ip link set NAME up`.
    pub async fn set_up(&self, name: &str) -> Result<()> {
        narrate::command(self, &format!("ip link set {name} up"));
        let index = self.index_of(name).await?;
        self.set(LinkUnspec::new_with_index(index).up().build())
            .await
            .with_context(|| format!("set {name} up in {}", self.name))
    }

    /// `ip link set NAME master BRIDGE`: plug a device into a bridge.
    pub async fn set_master(&self, name: &str, bridge: &str) -> Result<()> {
        narrate::command(self, &format!("ip link set {name} master {bridge}"));
        let index = self.index_of(name).await?;
        let bridge_index = self.index_of(bridge).await?;
        self.set(
            LinkUnspec::new_with_index(index)
                .controller(bridge_index)
                .build(),
        )
        .await
        .with_context(|| format!("attach {name} to the bridge {bridge} in {}", self.name))
    }

    /// `ip link set DEV address MAC`.
    pub async fn set_address(&self, dev: &str, address: Mac) -> Result<()> {
        narrate::command(self, &format!("ip link set {dev} address {address}"));
        let index = self.index_of(dev).await?;
        let message = LinkUnspec::new_with_index(index).address(address.0.to_vec());
        self.handle
            .link()
            .set(message.build())
            .execute()
            .await
            .map_err(netlink_error)
            .with_context(|| format!("set the MAC address of {dev} in {}", self.name))
    }

    /// `ip link set DEV mtu MTU`.
    pub async fn set_mtu(&self, dev: &str, mtu: u32) -> Result<()> {
        narrate::command(self, &format!("ip link set {dev} mtu {mtu}"));
        let index = self.index_of(dev).await?;
        let message = LinkUnspec::new_with_index(index).mtu(mtu);
        self.handle
            .link()
            .set(message.build())
            .execute()
            .await
            .map_err(netlink_error)
            .with_context(|| format!("set the MTU of {dev} in {}", self.name))
    }

    /// `ip link set NAME netns TARGET`: move a device into another namespace.
    /// A device is in exactly one namespace at a time; addresses and the up
    /// flag do not travel with it, so configure it after the move.
    pub async fn move_to(&self, name: &str, target: &Netns) -> Result<()> {
        narrate::command(self, &format!("ip link set {name} netns {}", target.name));
        let index = self.index_of(name).await?;
        // IFLA_NET_NS_FD: the kernel takes the namespace from our open fd.
        let message = LinkUnspec::new_with_index(index).setns_by_fd(target.fd().as_raw_fd());
        self.set(message.build())
            .await
            .with_context(|| format!("move {name} from {} into {}", self.name, target.name))
    }

    /// `ip link set NAME name NEW`: rename a device (it must be down).
    pub async fn rename(&self, name: &str, new_name: &str) -> Result<()> {
        narrate::command(self, &format!("ip link set {name} name {new_name}"));
        let index = self.index_of(name).await?;
        self.set(LinkUnspec::new_with_index(index).name(new_name).build())
            .await
            .with_context(|| format!("rename {name} to {new_name} in {}", self.name))
    }

    /// `ip link delete NAME`.
    pub async fn del_link(&self, name: &str) -> Result<()> {
        narrate::command(self, &format!("ip link delete {name}"));
        let index = self.index_of(name).await?;
        let request = self.handle.link().del(index);
        request
            .execute()
            .await
            .map_err(netlink_error)
            .with_context(|| format!("delete {name} in {}", self.name))
    }

    /// Every device in this namespace, in ifindex order (`ip -d link show`).
    pub async fn links(&self) -> Result<Vec<Link>> {
        let messages: Vec<LinkMessage> = self
            .handle
            .link()
            .get()
            .execute()
            .try_collect()
            .await
            .map_err(netlink_error)
            .with_context(|| format!("list the links in {}", self.name))?;
        let mut links: Vec<Link> = messages.iter().map(parse).collect();
        links.sort_by_key(|link| link.index);
        Ok(links)
    }

    /// One device by name.
    pub async fn link(&self, name: &str) -> Result<Link> {
        let links = self.links().await?;
        match links.into_iter().find(|link| link.name == name) {
            Some(link) => Ok(link),
            None => bail!("there is no device named {name} in {}", self.name),
        }
    }

    /// The ifindex that netlink requests use to name a device.
    pub(crate) async fn index_of(&self, name: &str) -> Result<u32> {
        Ok(self.link(name).await?.index)
    }

    async fn set(&self, message: LinkMessage) -> Result<()> {
        self.handle
            .link()
            .set(message)
            .execute()
            .await
            .map_err(netlink_error)
    }
}

fn parse(message: &LinkMessage) -> Link {
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
            LinkAttribute::Link(peer) => link.peer_index = Some(*peer),
            LinkAttribute::LinkNetNsId(id) => link.peer_netnsid = Some(*id),
            LinkAttribute::OperState(state) => link.operstate = format!("{state:?}").to_uppercase(),
            LinkAttribute::Controller(master) => link.master = Some(*master),
            LinkAttribute::LinkInfo(infos) => parse_info(infos, &mut link),
            _ => {}
        }
    }
    link
}

fn parse_info(infos: &[LinkInfo], link: &mut Link) {
    for info in infos {
        match info {
            LinkInfo::Kind(kind) => link.kind = Some(kind_name(kind)),
            LinkInfo::Data(InfoData::Bridge(bridge)) => {
                for item in bridge {
                    match item {
                        InfoBridge::BridgeId(id) => {
                            link.bridge_id = Some((id.priority, Mac(id.address)))
                        }
                        InfoBridge::StpState(state) => link.stp = u32::from(*state) != 0,
                        _ => {}
                    }
                }
            }
            LinkInfo::PortData(InfoPortData::BridgePort(port)) => {
                for item in port {
                    if let InfoBridgePort::PortNumber(number) = item {
                        link.port_no = Some(*number);
                    }
                }
            }
            _ => {}
        }
    }
}

fn kind_name(kind: &InfoKind) -> String {
    kind.to_string()
}
