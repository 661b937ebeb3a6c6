//! `ip neigh`: the neighbour table, where the kernel keeps which MAC address
//! has each IPv4 address on a link (the ARP cache).
//!
//! The kernel fills it by asking (an ARP request, "who has 172.17.0.3?"),
//! and by noting who asks it. An entry is REACHABLE while recent traffic
//! confirms it, STALE after a while without; a PERMANENT one is written by
//! hand (`ip neigh add ... nud permanent`) and never expires. `arping` (in
//! `tools`) asks by hand; `ip neigh` and `ip neigh | wc -l` print it (in
//! `show`).

use std::net::Ipv4Addr;

use anyhow::{Context, Result};
use netlink_packet_route::neighbour::{
    NeighbourAddress, NeighbourAttribute, NeighbourMessage, NeighbourState,
};
use netlink_packet_route::route::RouteType;
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

use crate::ip::{ADD, DUMP};
use crate::mac::Mac;
use crate::{Netns, narrate};

/// One entry of the IPv4 neighbour table, as `ip neigh` prints it.
#[derive(Debug, Clone)]
pub struct Neighbour {
    pub ip: Ipv4Addr,
    /// The ifindex of the device the neighbour is on.
    pub index: u32,
    /// `None` while the kernel is still asking (INCOMPLETE) or gave up (FAILED).
    pub mac: Option<Mac>,
    /// REACHABLE (confirmed lately), STALE (learned, not confirmed), ...
    pub state: String,
}

impl Netns {
    /// `ip neigh add IP lladdr MAC dev DEV nud permanent`: a fixed ARP entry.
    /// On a VXLAN device with `proxy`, it is also the answer the device
    /// gives to an ARP request for IP, in the remote container's place.
    pub async fn add_neigh(&self, ip: Ipv4Addr, address: Mac, dev: &str) -> Result<()> {
        let command = format!("ip neigh add {ip} lladdr {address} dev {dev} nud permanent");
        narrate::command(self, &command);
        let mut message = NeighbourMessage::default();
        message.header.family = AddressFamily::Inet;
        message.header.ifindex = self.index_of(dev).await?;
        message.header.state = NeighbourState::Permanent;
        message.header.kind = RouteType::Unspec;
        message.attributes = vec![
            NeighbourAttribute::Destination(NeighbourAddress::Inet(ip)),
            NeighbourAttribute::LinkLayerAddress(address.0.to_vec()),
        ];
        self.request(RouteNetlinkMessage::NewNeighbour(message), ADD)
            .await
            .with_context(|| format!("add the neighbour {ip} on {dev} in {}", self.name))
            .map(drop)
    }

    /// The IPv4 neighbour table (the ARP cache), sorted by address.
    pub async fn neighbours(&self) -> Result<Vec<Neighbour>> {
        let mut message = NeighbourMessage::default();
        message.header.family = AddressFamily::Inet;
        let answers = self
            .request(RouteNetlinkMessage::GetNeighbour(message), DUMP)
            .await
            .with_context(|| format!("read the neighbour table of {}", self.name))?;
        let mut table: Vec<Neighbour> = answers.iter().filter_map(parse).collect();
        table.sort_by_key(|n| (n.ip, n.index));
        Ok(table)
    }
}

/// A neighbour message as a [`Neighbour`], if it is one of an IPv4 neighbour.
fn parse(message: &RouteNetlinkMessage) -> Option<Neighbour> {
    let RouteNetlinkMessage::NewNeighbour(message) = message else {
        return None;
    };
    let mut ip = None;
    let mut mac = None;
    for attribute in &message.attributes {
        match attribute {
            NeighbourAttribute::Destination(NeighbourAddress::Inet(addr)) => ip = Some(*addr),
            NeighbourAttribute::LinkLayerAddress(bytes) => mac = Mac::from_bytes(bytes),
            _ => {}
        }
    }
    let state = match message.header.state {
        NeighbourState::Incomplete => "INCOMPLETE",
        NeighbourState::Reachable => "REACHABLE",
        NeighbourState::Stale => "STALE",
        NeighbourState::Delay => "DELAY",
        NeighbourState::Probe => "PROBE",
        NeighbourState::Failed => "FAILED",
        NeighbourState::Noarp => "NOARP",
        NeighbourState::Permanent => "PERMANENT",
        _ => "NONE",
    };
    Some(Neighbour {
        ip: ip?,
        index: message.header.ifindex,
        mac,
        state: state.to_string(),
    })
}
