//! `ip link add NAME link PARENT type ipvlan mode l2|l3`: more IP
//! addresses behind one Ethernet identity.
//!
//! An IPvlan device is MACVLAN's sibling: a sub-interface of a parent, made
//! with one RTM_NEWLINK request that names the parent with IFLA_LINK, the
//! kind `ipvlan` and IFLA_IPVLAN_MODE. Unlike a MACVLAN device it has no MAC
//! of its own: every IPvlan device of a parent has the parent's, and the
//! kernel tells them apart by IP address. The mode belongs to the parent
//! (all its IPvlan devices share one): in `l2` the devices answer ARP and
//! see broadcasts, on the parent's LAN; in `l3` the parent's namespace
//! routes their packets, and they send no ARP and get no broadcast (their
//! flag NOARP).
//!
//! The kernel needs the `ipvlan` driver for it; without it, EOPNOTSUPP.

use std::os::fd::AsRawFd;

use anyhow::{Context, Result};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::link::IpVlanMode;
use nix::errno::Errno;
use rtnetlink::{LinkIpVlan, LinkVeth};

use crate::error::SysError;
use crate::ip::ADD;
use crate::{Netns, narrate};

/// Whether this kernel can make an IPvlan device, asked before the lab is
/// built and printed nowhere: in a namespace of its own, gone when this
/// returns, a veth pair and an IPvlan device on one end of it. `false`
/// when the kernel answers EOPNOTSUPP: it has no `ipvlan` driver, built in
/// or loadable.
pub async fn kernel_has_ipvlan() -> Result<bool> {
    let probe = Netns::new("probe").await?;
    let veth = LinkVeth::new("probe0", "probe1").build();
    probe
        .request(RouteNetlinkMessage::NewLink(veth), ADD)
        .await
        .context("add a veth pair to try an ipvlan device on")?;
    let parent = probe.index_of("probe0").await?;
    let ipvlan = LinkIpVlan::new("probe0.iv", parent, IpVlanMode::L2).build();
    match probe
        .request(RouteNetlinkMessage::NewLink(ipvlan), ADD)
        .await
    {
        Ok(_) => Ok(true),
        Err(error) => {
            let errno = error.chain().find_map(|e| e.downcast_ref::<SysError>());
            if matches!(errno, Some(SysError(Errno::EOPNOTSUPP))) {
                return Ok(false);
            }
            Err(error.context("try an ipvlan device on probe0"))
        }
    }
}

impl Netns {
    /// `ip link add NAME link PARENT netns TARGET type ipvlan mode MODE`:
    /// an IPvlan device on this namespace's PARENT, born inside TARGET
    /// (IFLA_NET_NS_FD), as MACVLAN's `add_macvlan_into`: give it a name
    /// that is free here too, and rename it there. `mode` is `"l2"` or `"l3"`.
    pub async fn add_ipvlan_into(
        &self,
        name: &str,
        parent: &str,
        mode: &str,
        target: &Netns,
    ) -> Result<()> {
        let command = format!(
            "ip link add {name} link {parent} netns {} type ipvlan mode {mode}",
            target.name
        );
        narrate::command(self, &command);
        let mode = match mode {
            "l2" => IpVlanMode::L2,
            "l3" => IpVlanMode::L3,
            other => anyhow::bail!("ipvlan mode {other}: this lab uses l2 or l3"),
        };
        let message = LinkIpVlan::new(name, self.index_of(parent).await?, mode)
            .setns_by_fd(target.fd().as_raw_fd())
            .build();
        self.add_link(message).await.with_context(|| {
            format!(
                "add the ipvlan {name} on {parent} ({}) inside {}",
                self.name, target.name
            )
        })
    }
}
