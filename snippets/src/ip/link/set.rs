//! `ip link set NAME ...` and `ip link delete NAME`: change a device that
//! exists.
//!
//! One RTM_SETLINK (or RTM_DELLINK) request each. The request names the
//! device by its name (IFLA_IFNAME), as `ip` does, so nothing has to be
//! looked up first; only a device the change refers to, such as the bridge
//! of `master`, goes by its ifindex. Renaming is the exception: there,
//! IFLA_IFNAME is the new name, so the device goes by its ifindex.

use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::link::{LinkFlags, LinkMessage};
use rtnetlink::LinkUnspec;

use super::Link;
use crate::ip::CHANGE;
use crate::mac::Mac;
use crate::{Netns, narrate};

impl Netns {
    /// `ip link set NAME up`.
    ///
    /// The request returns before the device is really up. The second end
    /// of a veth pair to come up gives both ends their carrier at once, but
    /// the kernel's link watcher marks them operationally UP a moment later,
    /// and until then a bridge one end is plugged into drops what it brings:
    /// the lab's next step, a ping, would lose its one packet. So, as a
    /// script would loop on `ip link show NAME`, we wait until it reads UP.
    /// The kernel hurries for a pair whose ends have different ifindexes
    /// (an "urgent" event); for a pair with equal ones it may take up to a
    /// second, and we do not wait: those are the lab's cables between
    /// machines, routed, never a bridge's port.
    pub async fn set_up(&self, name: &str) -> Result<()> {
        narrate::command(self, &format!("ip link set {name} up"));
        let message = LinkUnspec::new_with_name(name).up().build();
        self.set_link(message)
            .await
            .with_context(|| format!("set {name} up in {}", self.name))?;
        let veth_got_carrier = |link: &Link| {
            link.name == name
                && link.kind.as_deref() == Some("veth")
                && link.flags.contains(LinkFlags::LowerUp)
                && link.peer_index != Some(link.index)
        };
        // Only this device is read again (a GET, not a dump of them all):
        // on a host with a thousand containers' veths, a dump per `set up`
        // would make each new container slower to start than the last.
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let link = self.link(name).await?;
            let settled = link.operstate == super::expected_operstate(&link);
            if !veth_got_carrier(&link) || settled || Instant::now() > deadline {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// `ip link set NAME master BRIDGE`: plug a device into a bridge.
    pub async fn set_master(&self, name: &str, bridge: &str) -> Result<()> {
        narrate::command(self, &format!("ip link set {name} master {bridge}"));
        // IFLA_MASTER holds the bridge's ifindex.
        let bridge_index = self.index_of(bridge).await?;
        let message = LinkUnspec::new_with_name(name)
            .controller(bridge_index)
            .build();
        self.set_link(message)
            .await
            .with_context(|| format!("attach {name} to the bridge {bridge} in {}", self.name))
    }

    /// `ip link set DEV address MAC`.
    pub async fn set_address(&self, dev: &str, address: Mac) -> Result<()> {
        narrate::command(self, &format!("ip link set {dev} address {address}"));
        let message = LinkUnspec::new_with_name(dev)
            .address(address.0.to_vec())
            .build();
        self.set_link(message)
            .await
            .with_context(|| format!("set the MAC address of {dev} in {}", self.name))
    }

    /// `ip link set DEV mtu MTU`.
    pub async fn set_mtu(&self, dev: &str, mtu: u32) -> Result<()> {
        narrate::command(self, &format!("ip link set {dev} mtu {mtu}"));
        let message = LinkUnspec::new_with_name(dev).mtu(mtu).build();
        self.set_link(message)
            .await
            .with_context(|| format!("set the MTU of {dev} in {}", self.name))
    }

    /// `ip link set NAME netns TARGET`: move a device into another namespace.
    /// A device is in exactly one namespace at a time; addresses and the up
    /// flag do not travel with it, so configure it after the move.
    pub async fn move_to(&self, name: &str, target: &Netns) -> Result<()> {
        narrate::command(self, &format!("ip link set {name} netns {}", target.name));
        // IFLA_NET_NS_FD: the kernel takes the namespace from our open fd.
        let message = LinkUnspec::new_with_name(name)
            .setns_by_fd(target.fd().as_raw_fd())
            .build();
        self.set_link(message)
            .await
            .with_context(|| format!("move {name} from {} into {}", self.name, target.name))
    }

    /// `ip link set NAME name NEW`: rename a device (it must be down).
    pub async fn rename(&self, name: &str, new_name: &str) -> Result<()> {
        narrate::command(self, &format!("ip link set {name} name {new_name}"));
        let index = self.index_of(name).await?;
        let message = LinkUnspec::new_with_index(index).name(new_name).build();
        self.set_link(message)
            .await
            .with_context(|| format!("rename {name} to {new_name} in {}", self.name))
    }

    /// `ip link delete NAME`. Deleting one end of a veth pair deletes both.
    pub async fn del_link(&self, name: &str) -> Result<()> {
        narrate::command(self, &format!("ip link delete {name}"));
        let message = LinkUnspec::new_with_name(name).build();
        self.request(RouteNetlinkMessage::DelLink(message), CHANGE)
            .await
            .with_context(|| format!("delete {name} in {}", self.name))
            .map(drop)
    }

    /// One RTM_SETLINK request.
    async fn set_link(&self, message: LinkMessage) -> Result<()> {
        self.request(RouteNetlinkMessage::SetLink(message), CHANGE)
            .await
            .map(drop)
    }
}
