//! `ip link add NAME type veth peer name PEER`: a pair of virtual Ethernet
//! devices joined back to back; what goes in one comes out of the other.

use std::os::fd::AsRawFd;

use anyhow::{Context, Result};
use netlink_packet_route::link::{InfoData, InfoKind, InfoVeth};
use rtnetlink::{LinkMessageBuilder, LinkUnspec, LinkVeth};

use crate::{Netns, narrate};

impl Netns {
    /// `ip link add NAME type veth peer name PEER`: both ends in this
    /// namespace. One request makes both: a veth cannot exist without its peer.
    pub async fn add_veth(&self, name: &str, peer: &str) -> Result<()> {
        narrate::command(
            self,
            &format!("ip link add {name} type veth peer name {peer}"),
        );
        let message = LinkVeth::new(name, peer).build();
        self.add_link(message)
            .await
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
        let peer_message = LinkUnspec::new_with_name(peer)
            .setns_by_fd(target.fd().as_raw_fd())
            .build();
        let message = LinkMessageBuilder::<LinkVeth>::new_with_info_kind(InfoKind::Veth)
            .name(name.to_string())
            .set_info_data(InfoData::Veth(InfoVeth::Peer(peer_message)))
            .build();
        self.add_link(message).await.with_context(|| {
            format!(
                "add the veth pair {name} ({}) / {peer} ({})",
                self.name, target.name
            )
        })
    }
}
