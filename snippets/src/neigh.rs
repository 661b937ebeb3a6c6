//! `bridge fdb`: a bridge's forwarding database, the MAC table that
//! `brctl showmacs` prints.
//!
//! A bridge learns which port each source MAC address was last seen on, and
//! sends frames for that MAC out of that port only. Until it has learned a
//! MAC, it floods frames for it out of every port.

use anyhow::{Context, Result};
use futures::TryStreamExt;
use netlink_packet_route::AddressFamily;
use netlink_packet_route::neighbour::{NeighbourAttribute, NeighbourMessage, NeighbourState};

use crate::Netns;
use crate::error::netlink_error;
use crate::mac::Mac;

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
    /// The MAC table of `bridge`: the AF_BRIDGE neighbour entries whose
    /// master is that bridge (what `bridge fdb show br BRIDGE` lists, less
    /// the multicast entries ports keep for themselves).
    pub async fn fdb(&self, bridge: &str) -> Result<Vec<FdbEntry>> {
        let bridge_index = self.index_of(bridge).await?;
        let request = self
            .handle
            .neighbours()
            .get()
            .set_address_family(AddressFamily::Bridge);
        let messages: Vec<NeighbourMessage> = request
            .execute()
            .try_collect()
            .await
            .map_err(netlink_error)
            .with_context(|| format!("read the MAC table of {bridge} in {}", self.name))?;
        Ok(messages
            .iter()
            .filter_map(|m| parse(m, bridge_index))
            .collect())
    }
}

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
