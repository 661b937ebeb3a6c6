//! The lab's LAN: the physical network that Docker's `macvlan` and `ipvlan`
//! drivers expect to find behind `-o parent=eth0`, built of namespaces.
//!
//! A real Docker host is already plugged into such a network before Docker
//! starts: a switch, a router that is the subnet's `--gateway`, and the
//! host's own NIC, `eth0`. None of it is Docker's work, so the chapters that
//! put containers on it (MACVLAN, IPvlan) build it with one call,
//! [`Lab::lan`], whose transcript still shows every command.

use anyhow::Result;

use crate::{Lab, Netns};

/// The machines of the LAN, each a network namespace of the lab.
pub struct Lan {
    /// `lan`: the LAN's switch, a bridge `lan0`. It has no address: a switch
    /// forwards frames, it does not take part in IP.
    pub lan: Netns,
    /// `router`: the LAN's router, `192.168.20.1/24` on its `eth0`, the
    /// `--gateway` of `docker network create`. Docker does not create it.
    pub router: Netns,
    /// `host`: the Docker host, whose `eth0` (`192.168.20.200/24`) is a
    /// cable into the switch: the parent of the containers' devices.
    pub host: Netns,
}

impl Lab {
    /// The LAN `192.168.20.0/24`: a switch (a bridge `lan0` in a namespace of
    /// its own, `lan`), the router at `.1` and the Docker host at `.200`,
    /// each plugged into the switch by [`plug_into_lan`].
    ///
    /// Equivalent to:
    ///
    /// ```text
    /// ip link add lan0 type bridge; ip link set lan0 up        # in lan
    /// # then for the router (192.168.20.1/24) and the host (.200/24):
    /// ip link add veth-router type veth peer name eth0 netns router
    /// ip link set veth-router master lan0; ip link set veth-router up
    /// ip addr add 192.168.20.1/24 brd + dev eth0; ip link set eth0 up  # in router
    /// ```
    pub async fn lan(&self) -> Result<Lan> {
        let lan = self
            .machine("lan", "the LAN's switch, the bridge lan0")
            .await?;
        lan.add_bridge("lan0").await?;
        lan.set_up("lan0").await?;
        let router = self.machine("router", "the LAN's router").await?;
        plug_into_lan(&lan, &router, "192.168.20.1/24").await?;
        let host = self.host().await?;
        plug_into_lan(&lan, &host, "192.168.20.200/24").await?;
        Ok(Lan { lan, router, host })
    }
}

/// A cable from `machine` into the LAN's switch: a veth pair made on the
/// switch, its end `veth-NAME` a port of `lan0`, its other end born in
/// `machine` as `eth0`, at `cidr`, and up. A real machine's NIC would be
/// `eth0` just the same; a port of a real switch has no name at all.
pub async fn plug_into_lan(switch: &Netns, machine: &Netns, cidr: &str) -> Result<()> {
    let port = format!("veth-{}", machine.name);
    switch.add_veth_into(&port, "eth0", machine).await?;
    switch.set_master(&port, "lan0").await?;
    switch.set_up(&port).await?;
    machine.add_addr("eth0", cidr).await?;
    machine.set_up("eth0").await
}
