//! `ip link add ... type vxlan`, `bridge fdb append`, `ip neigh add`: what
//! Docker's overlay driver programs on each host.
//!
//! A VXLAN device is a tunnel endpoint (VTEP). Frames sent into it are
//! wrapped in a UDP packet (port 4789) with an 8-byte VXLAN header carrying
//! the network's id (VNI), and sent across the ordinary network between the
//! hosts (the underlay) to the VTEP that has the destination MAC. Which VTEP
//! that is, the device looks up in its own forwarding database (FDB): MAC
//! address -> remote underlay address. Docker fills that table, and a
//! neighbour table (container IP -> MAC), from what the swarm's nodes tell
//! each other; nothing is learned by flooding.

use std::net::{IpAddr, Ipv4Addr};
use std::os::fd::AsRawFd;

use anyhow::{Context, Result};
use futures::{StreamExt, TryStreamExt};
use netlink_packet_route::neighbour::{
    NeighbourAddress, NeighbourAttribute, NeighbourFlags, NeighbourMessage, NeighbourState,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use rtnetlink::LinkVxlan;
use rtnetlink::packet_core::{
    NLM_F_ACK, NLM_F_APPEND, NLM_F_CREATE, NLM_F_REQUEST, NetlinkMessage, NetlinkPayload,
};

use crate::error::netlink_error;
use crate::mac::Mac;
use crate::{Netns, narrate};

/// The IANA port for VXLAN (Linux's own default is the older 8472).
pub const VXLAN_PORT: u16 = 4789;

impl Netns {
    /// `ip link add NAME netns TARGET type vxlan id VNI dstport 4789 local
    /// LOCAL dev DEV proxy`.
    ///
    /// The device is made in this namespace's name and born in `target`, as
    /// Docker makes `vxlan0` on the host and moves it into the overlay's
    /// namespace: its UDP socket (and `local`, `dev`) belong to the namespace
    /// that made it, the underlay's side; its frames come and go in
    /// `target`. `proxy` makes it answer ARP requests from its neighbour
    /// table, so no ARP broadcast ever crosses the underlay.
    pub async fn add_vxlan_into(
        &self,
        name: &str,
        vni: u32,
        local: Ipv4Addr,
        dev: &str,
        target: &Netns,
    ) -> Result<()> {
        let command = format!(
            "ip link add {name} netns {} type vxlan id {vni} dstport {VXLAN_PORT} \
             local {local} dev {dev} proxy",
            target.name
        );
        narrate::command(self, &command);
        let dev_index = self.index_of(dev).await?;
        let message = LinkVxlan::new(name, vni)
            .port(VXLAN_PORT)
            .local(local)
            .dev(dev_index)
            .proxy(true)
            .setns_by_fd(target.fd().as_raw_fd())
            .build();
        let request = self.handle.link().add(message);
        request
            .execute()
            .await
            .map_err(netlink_error)
            .with_context(|| {
                format!(
                    "add the VXLAN device {name} (VNI {vni}) for {}",
                    target.name
                )
            })
    }

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
        // rtnetlink's neighbour request asks for NLM_F_EXCL; `append` is its own flag.
        let mut request = NetlinkMessage::from(RouteNetlinkMessage::NewNeighbour(message));
        request.header.flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_APPEND;
        let mut handle = self.handle.clone();
        let mut responses = handle.request(request).map_err(netlink_error)?;
        while let Some(response) = responses.next().await {
            if let NetlinkPayload::Error(error) = response.payload {
                return Err(netlink_error(rtnetlink::Error::NetlinkError(error)))
                    .with_context(|| format!("append an FDB entry to {dev} in {}", self.name));
            }
        }
        Ok(())
    }

    /// `ip neigh add IP lladdr MAC dev DEV nud permanent`: a fixed ARP entry.
    /// On a VXLAN device with `proxy`, it is also the answer the device
    /// gives to an ARP request for IP, in the remote container's place.
    pub async fn add_neigh(&self, ip: Ipv4Addr, address: Mac, dev: &str) -> Result<()> {
        let command = format!("ip neigh add {ip} lladdr {address} dev {dev} nud permanent");
        narrate::command(self, &command);
        let index = self.index_of(dev).await?;
        let request = self.handle.neighbours().add(index, IpAddr::V4(ip));
        request
            .link_layer_address(&address.0)
            .state(NeighbourState::Permanent)
            .execute()
            .await
            .map_err(netlink_error)
            .with_context(|| format!("add the neighbour {ip} on {dev} in {}", self.name))
    }

    /// `bridge fdb show dev DEV`: the entries of a bridge port (`master br0`,
    /// the bridge's table) and, for a VXLAN device, its own (`self`), with
    /// the remote VTEP of each (`dst`).
    pub async fn show_fdb_dev(&self, dev: &str) -> Result<()> {
        narrate::command(self, &format!("bridge fdb show dev {dev}"));
        let links = self.links().await?;
        let index = self.index_of(dev).await?;
        let request = self.handle.neighbours().get();
        let messages: Vec<NeighbourMessage> = request
            .set_address_family(AddressFamily::Bridge)
            .execute()
            .try_collect()
            .await
            .map_err(netlink_error)
            .with_context(|| format!("read the FDB of {dev} in {}", self.name))?;
        for message in messages.iter().filter(|m| m.header.ifindex == index) {
            narrate::output(&fdb_line(message, &links));
        }
        Ok(())
    }
}

/// One line as `bridge fdb show` prints it:
/// `MAC [vlan N] [dst IP] [master BR] [self] [permanent]`.
fn fdb_line(message: &NeighbourMessage, links: &[crate::link::Link]) -> String {
    let mut line = String::new();
    let mut dst = None;
    let mut master = None;
    let mut vlan = None;
    for attribute in &message.attributes {
        match attribute {
            NeighbourAttribute::LinkLayerAddress(bytes) => {
                line = crate::show::mac(Mac::from_bytes(bytes));
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
