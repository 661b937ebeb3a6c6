//! `bridge fdb`: a forwarding database, the MAC table of a bridge (what
//! `brctl showmacs` prints) or of a VXLAN device.
//!
//! A bridge learns which port each source MAC address was last seen on, and
//! sends frames for that MAC out of that port only. Until it has learned a
//! MAC, it floods frames for it out of every port. A VXLAN device's own
//! table (`self`) maps a MAC to the remote VTEP that has it (`dst`): Docker
//! writes it, nothing is learned.
//!
//! The kernel keeps both as neighbour entries of the AF_BRIDGE family: the
//! same RTM_NEWNEIGH messages as `ip neigh`, with a MAC instead of an IP.

use std::net::Ipv4Addr;

use anyhow::{Context, Result};
use netlink_packet_route::neighbour::{
    NeighbourAddress, NeighbourAttribute, NeighbourFlags, NeighbourMessage, NeighbourState,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use rtnetlink::packet_core::{NLM_F_ACK, NLM_F_APPEND, NLM_F_CREATE};

use crate::ip::DUMP;
use crate::mac::Mac;
use crate::{Netns, narrate};

/// One entry of a bridge's MAC table.
#[derive(Debug, Clone)]
pub struct FdbEntry {
    pub mac: Mac,
    /// The ifindex of the port the MAC is behind.
    pub port: u32,
    /// The port's own MAC ("is local? yes"): frames for it stop at the host.
    pub local: bool,
    /// Seconds since the bridge last saw a frame from this MAC; learned
    /// entries expire after 300 s without one.
    pub age_secs: f64,
}

impl Netns {
    /// `bridge fdb append MAC dev VXLAN dst REMOTE`: frames for MAC go to the
    /// VTEP at REMOTE. A permanent entry of the device itself (`self`), not
    /// of a bridge it is plugged into. `append` (NLM_F_APPEND) may list
    /// several remotes for one MAC; the all-zero MAC is the entry for every
    /// MAC the table does not know (flooding).
    pub async fn fdb_append(&self, dev: &str, address: Mac, remote: Ipv4Addr) -> Result<()> {
        narrate::command(
            self,
            &format!("bridge fdb append {address} dev {dev} dst {remote}"),
        );
        let mut message = NeighbourMessage::default();
        message.header.family = AddressFamily::Bridge;
        message.header.ifindex = self.index_of(dev).await?;
        message.header.state = NeighbourState::Permanent;
        message.header.flags = NeighbourFlags::Own; // NTF_SELF
        message.attributes = vec![
            NeighbourAttribute::LinkLayerAddress(address.0.to_vec()),
            NeighbourAttribute::Destination(NeighbourAddress::Inet(remote)),
        ];
        let append = NLM_F_ACK | NLM_F_CREATE | NLM_F_APPEND;
        self.request(RouteNetlinkMessage::NewNeighbour(message), append)
            .await
            .with_context(|| format!("append an FDB entry to {dev} in {}", self.name))
            .map(drop)
    }

    /// The MAC table of `bridge`: the AF_BRIDGE neighbour entries whose
    /// master is that bridge (what `bridge fdb show br BRIDGE` lists, less
    /// the multicast entries ports keep for themselves).
    pub async fn fdb(&self, bridge: &str) -> Result<Vec<FdbEntry>> {
        let bridge_index = self.index_of(bridge).await?;
        let answers = self
            .fdb_messages()
            .await
            .with_context(|| format!("read the MAC table of {bridge} in {}", self.name))?;
        Ok(answers
            .iter()
            .filter_map(|m| parse(m, bridge_index))
            .collect())
    }

    /// Every AF_BRIDGE neighbour entry of this namespace: `bridge fdb show`.
    pub(crate) async fn fdb_messages(&self) -> Result<Vec<NeighbourMessage>> {
        let mut message = NeighbourMessage::default();
        message.header.family = AddressFamily::Bridge;
        let answers = self
            .request(RouteNetlinkMessage::GetNeighbour(message), DUMP)
            .await?;
        Ok(answers
            .into_iter()
            .filter_map(|answer| match answer {
                RouteNetlinkMessage::NewNeighbour(message) => Some(message),
                _ => None,
            })
            .collect())
    }
}

/// One entry of `bridge_index`'s MAC table, or `None` for another bridge's.
fn parse(message: &NeighbourMessage, bridge_index: u32) -> Option<FdbEntry> {
    let mut mac = None;
    let mut master = None;
    let mut age_secs = 0.0;
    for attribute in &message.attributes {
        match attribute {
            NeighbourAttribute::LinkLayerAddress(bytes) => mac = Mac::from_bytes(bytes),
            NeighbourAttribute::Controller(index) => master = Some(*index),
            // The kernel reports ages in USER_HZ ticks: hundredths of a second.
            NeighbourAttribute::CacheInfo(info) => age_secs = f64::from(info.updated) / 100.0,
            _ => {}
        }
    }
    let port = message.header.ifindex;
    // Entries on the bridge device itself have no port: brctl skips them.
    if master != Some(bridge_index) || port == bridge_index {
        return None;
    }
    let local = message.header.state == NeighbourState::Permanent;
    Some(FdbEntry {
        mac: mac?,
        port,
        local,
        age_secs: if local { 0.0 } else { age_secs },
    })
}
