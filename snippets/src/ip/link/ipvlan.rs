//! `ip link add NAME link PARENT type ipvlan mode l2`: MACVLAN's sibling,
//! an address of its own on the parent's wire, but the parent's MAC.
//!
//! Every IPvlan device of a parent sends with the parent's MAC address; the
//! kernel tells their traffic apart by IP address. In `l2` mode the devices
//! of one parent also reach each other directly, as MACVLAN's bridge mode.

use std::os::fd::AsRawFd;

use anyhow::{Context, Result};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::link::IpVlanMode;
use rtnetlink::LinkIpVlan;

use crate::ip::ADD;
use crate::{Netns, narrate};

impl Netns {
    /// `ip link add NAME link PARENT netns TARGET type ipvlan mode l2`: the
    /// IPvlan device is born inside TARGET (see `add_macvlan_into` for the
    /// name, which must be free here too). Needs the kernel's ipvlan
    /// driver: without it, the kernel answers EOPNOTSUPP.
    pub async fn add_ipvlan_into(&self, name: &str, parent: &str, target: &Netns) -> Result<()> {
        let command = format!(
            "ip link add {name} link {parent} netns {} type ipvlan mode l2",
            target.name
        );
        narrate::command(self, &command);
        let message = LinkIpVlan::new(name, self.index_of(parent).await?, IpVlanMode::L2)
            .setns_by_fd(target.fd().as_raw_fd())
            .build();
        self.request(RouteNetlinkMessage::NewLink(message), ADD)
            .await
            .with_context(|| format!("add the ipvlan {name} on {parent} inside {}", target.name))
            .map(drop)
    }
}
