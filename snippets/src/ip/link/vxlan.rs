//! `ip link add NAME type vxlan ...`: a VXLAN tunnel endpoint, as Docker's
//! overlay driver makes one on each host.
//!
//! A VXLAN device is a tunnel endpoint (VTEP). Frames sent into it are
//! wrapped in a UDP packet (port 4789) with an 8-byte VXLAN header carrying
//! the network's id (VNI), and sent across the ordinary network between the
//! hosts (the underlay) to the VTEP that has the destination MAC. Which VTEP
//! that is, the device looks up in its own forwarding database (FDB): MAC
//! address -> remote underlay address (`bridge fdb append`, in
//! `bridge/fdb.rs`). Docker fills that table, and a neighbour table
//! (container IP -> MAC: `ip neigh add`, in `ip/neigh.rs`), from what the
//! swarm's nodes tell each other; nothing is learned by flooding.

use std::net::Ipv4Addr;
use std::os::fd::AsRawFd;

use anyhow::{Context, Result};
use rtnetlink::LinkVxlan;

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
        let message = LinkVxlan::new(name, vni)
            .port(VXLAN_PORT)
            .local(local)
            .dev(self.index_of(dev).await?)
            .proxy(true)
            .setns_by_fd(target.fd().as_raw_fd())
            .build();
        self.add_link(message).await.with_context(|| {
            format!(
                "add the VXLAN device {name} (VNI {vni}) for {}",
                target.name
            )
        })
    }
}
