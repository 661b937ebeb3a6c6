//! `ip link add NAME link PARENT type macvlan mode bridge`: a second (third,
//! ...) Ethernet identity on a parent device.
//!
//! A MACVLAN device has its own MAC address, on its parent's wire: the
//! LAN sees one more machine. It is made with one RTM_NEWLINK request that
//! names the parent with IFLA_LINK. In `bridge` mode, MACVLAN devices of one
//! parent also reach each other directly; the parent itself never reaches
//! them (frames it sends go out on the wire, not to its children).

use std::net::Ipv4Addr;
use std::os::fd::AsRawFd;

use anyhow::{Context, Result};
use netlink_packet_route::link::MacVlanMode;
use rtnetlink::LinkMacVlan;

use crate::mac::Mac;
use crate::{Netns, narrate};

impl Netns {
    /// `ip link add NAME link PARENT address MAC type macvlan mode bridge`.
    /// Without `address`, the kernel would pick a random MAC.
    pub async fn add_macvlan(&self, name: &str, parent: &str, mac: Mac) -> Result<()> {
        let command =
            format!("ip link add {name} link {parent} address {mac} type macvlan mode bridge");
        narrate::command(self, &command);
        self.new_macvlan(name, parent, mac, None, false).await
    }

    /// `ip link add NAME link PARENT netns TARGET ... type macvlan mode bridge`:
    /// the MACVLAN device is born inside TARGET.
    ///
    /// The request goes to this namespace, where the parent is: the kernel
    /// finds IFLA_LINK here, and puts the new device in the namespace of
    /// IFLA_NET_NS_FD. Give it a name that is free here too: Debian 12's
    /// kernel (6.1) checks the name in this namespace as well, and refuses
    /// `eth0` next to the host's `eth0` (EEXIST); a 6.18 kernel accepts it.
    /// Rename it inside TARGET afterwards.
    pub async fn add_macvlan_into(
        &self,
        name: &str,
        parent: &str,
        mac: Mac,
        target: &Netns,
    ) -> Result<()> {
        let command = format!(
            "ip link add {name} link {parent} netns {} address {mac} type macvlan mode bridge",
            target.name
        );
        narrate::command(self, &command);
        self.new_macvlan(name, parent, mac, Some(target), false)
            .await
    }

    /// Many MACVLAN devices on `parent`, one per host number in `hosts`
    /// (`mv101` for 192.168.20.101 ...), each with Docker's MAC for its
    /// address, each up, and each asking `gateway` for its MAC once
    /// (`arping`), so that the LAN hears it. Printed as the one shell loop
    /// it stands for. Returns how many got an answer.
    pub async fn add_macvlan_flock(
        &self,
        parent: &str,
        hosts: std::ops::RangeInclusive<u8>,
        gateway: Ipv4Addr,
    ) -> Result<usize> {
        let [a, b, c, _] = gateway.octets();
        let (first, last) = (*hosts.start(), *hosts.end());
        narrate::command(self, &format!("for i in $(seq {first} {last}); do"));
        narrate::output(&format!(
            ">   ip link add mv$i link {parent} address 02:42:{a:02x}:{b:02x}:{c:02x}:$(printf %02x $i) type macvlan mode bridge\n\
             >   ip link set mv$i up\n\
             >   arping -q -c 1 -I mv$i -s {a}.{b}.{c}.$i {gateway} && echo ok\n\
             > done | wc -l"
        ));
        let mut answered = 0;
        for host in hosts {
            let name = format!("mv{host}");
            let ip = Ipv4Addr::new(a, b, c, host);
            self.new_macvlan(&name, parent, Mac::docker(ip), None, true)
                .await?;
            if self.arping_quietly(&name, ip, gateway).await?.is_some() {
                answered += 1;
            }
        }
        let count = last - first + 1;
        // `arping -q` prints nothing; `&& echo ok` a line per reply, which
        // `wc -l` counts.
        narrate::output(&answered.to_string());
        narrate::say(&format!("{answered} of {count} got a reply from {gateway}"));
        Ok(answered)
    }

    /// One RTM_NEWLINK request for a MACVLAN device in bridge mode, in
    /// `into` if given, already up if `up` (IFF_UP in the request itself).
    async fn new_macvlan(
        &self,
        name: &str,
        parent: &str,
        mac: Mac,
        into: Option<&Netns>,
        up: bool,
    ) -> Result<()> {
        let parent_index = self.index_of(parent).await?;
        let mut message =
            LinkMacVlan::new(name, parent_index, MacVlanMode::Bridge).address(mac.0.to_vec());
        if let Some(target) = into {
            message = message.setns_by_fd(target.fd().as_raw_fd());
        }
        if up {
            message = message.up();
        }
        let place = match into {
            Some(target) => format!("({}) inside {}", self.name, target.name),
            None => format!("in {}", self.name),
        };
        self.add_link(message.build())
            .await
            .with_context(|| format!("add the macvlan {name} on {parent} {place}"))
    }
}
