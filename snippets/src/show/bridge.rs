//! What `bridge fdb show` prints.

use std::net::Ipv4Addr;

use netlink_packet_route::neighbour::{
    NeighbourAddress, NeighbourAttribute, NeighbourFlags, NeighbourMessage, NeighbourState,
};

use crate::ip::link::Link;
use crate::mac::Mac;

/// One line as `bridge fdb show` prints it:
/// `MAC [vlan N] [dst IP] [master BR] [self] [permanent]`.
pub fn fdb_line(message: &NeighbourMessage, links: &[Link]) -> String {
    let mut line = String::new();
    let mut dst = None;
    let mut master = None;
    let mut vlan = None;
    for attribute in &message.attributes {
        match attribute {
            NeighbourAttribute::LinkLayerAddress(bytes) => {
                line = Mac::from_bytes(bytes).unwrap_or_default().to_string();
            }
            NeighbourAttribute::Destination(NeighbourAddress::Inet(ip)) => dst = Some(*ip),
            // In an AF_BRIDGE message the parser cannot tell the family of
            // the VTEP's address: 4 bytes are IPv4.
            NeighbourAttribute::Destination(NeighbourAddress::Other(bytes)) => {
                dst = <[u8; 4]>::try_from(bytes.as_slice())
                    .ok()
                    .map(Ipv4Addr::from);
            }
            // A kernel with bridge VLAN filtering also keeps the bridge's own
            // entries per VLAN (VLAN 1 by default): one more line each.
            NeighbourAttribute::Vlan(id) => vlan = Some(*id),
            NeighbourAttribute::Controller(index) => {
                master = links
                    .iter()
                    .find(|l| l.index == *index)
                    .map(|l| l.name.clone());
            }
            _ => {}
        }
    }
    if let Some(vlan) = vlan {
        line.push_str(&format!(" vlan {vlan}"));
    }
    if let Some(dst) = dst {
        line.push_str(&format!(" dst {dst}"));
    }
    if let Some(master) = master {
        line.push_str(&format!(" master {master}"));
    }
    if message.header.flags.contains(NeighbourFlags::Own) {
        line.push_str(" self");
    }
    if message.header.state == NeighbourState::Permanent {
        line.push_str(" permanent");
    }
    line
}
