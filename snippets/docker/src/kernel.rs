//! What dockerd built, read back from the kernel of the host: the proof
//! that Docker's objects are the kernel objects the other chapters build
//! from syscalls.

use anyhow::{Context, Result, bail};

use super::{Container, Engine};
use netlab::link::Link;
use netlab::{Mac, narrate};

impl Engine {
    /// Which host veth is this container's? `cat /sys/class/net/eth0/iflink`
    /// inside the container prints the ifindex of eth0's peer (a veth knows
    /// its peer's index even across namespaces); the host device with that
    /// index is the other end. `docker` itself never tells.
    pub async fn host_veth_of(&self, container: &Container) -> Result<Link> {
        let iflink = self
            .exec(container, &["cat", "/sys/class/net/eth0/iflink"])
            .await?;
        let index: u32 = iflink
            .trim()
            .parse()
            .with_context(|| format!("read eth0's peer index in {}: {iflink:?}", container.name))?;
        let links = self.host.links().await?;
        let Some(veth) = links.iter().find(|link| link.index == index) else {
            bail!("no device with ifindex {index} on the host");
        };
        let master = veth
            .master
            .and_then(|m| links.iter().find(|link| link.index == m))
            .map(|m| format!(", master {}", m.name))
            .unwrap_or_default();
        let peer = veth
            .peer_index
            .map(|p| format!("@if{p}"))
            .unwrap_or_default();
        // What we read with netlink, said as a comment: `ip -o link` would
        // print the same device on one longer line (flags, qdisc, state).
        narrate::say(&format!(
            "the host's device with ifindex {index}, as `ip -o link | grep '^{index}:'` lists it:\n\
             {}{peer}, mtu {}{master}",
            veth.name, veth.mtu
        ));
        Ok(veth.clone())
    }

    /// What the kernel says of a container's `eth0`, read inside it (from
    /// `/sys/class/net/eth0`): its ifindex there, its peer's index
    /// (`iflink`), and its MAC.
    pub async fn eth0_of(&self, container: &Container) -> Result<(u32, u32, Mac)> {
        let read = |file: &'static str| async move {
            let path = format!("/sys/class/net/eth0/{file}");
            let text = self.read(container, &["cat", &path]).await?;
            Ok::<String, anyhow::Error>(text.trim().to_string())
        };
        let index = read("ifindex").await?.parse()?;
        let iflink = read("iflink").await?.parse()?;
        let mac = read("address").await?;
        let mac = mac
            .parse::<Mac>()
            .map_err(|error| anyhow::anyhow!("read {}'s MAC: {error}", container.name))?;
        Ok((index, iflink, mac))
    }

    /// The claims about where dockerd created the container's end of its
    /// veth pair, which its ifindex tells: moby 28's bridge driver creates
    /// it inside the container's namespace (the peer's `IFLA_NET_NS_FD`,
    /// libnetwork/drivers/bridge/bridge_linux.go `createVeth`), where it is
    /// the device after `lo`, index 2; 20.10 creates both ends on the host
    /// and moves this one (`sandbox.AddInterface`), and a moved device keeps
    /// its index: the host's, next to its peer's.
    pub async fn claim_veth_origin(&self, container: &Container) -> Result<()> {
        let (index, peer, _) = self.eth0_of(container).await?;
        let name = &container.name;
        if self.major() >= 28 {
            self.claim(
                &format!(
 "Engine 28 created {name}'s eth0 inside {name}'s namespace: there it is the device after lo, index 2, and its peer's index is the host's"
                ),
                index == 2 && peer != 2,
            )
        } else {
            self.claim(
                &format!(
 "Engine 20.10 created both ends of {name}'s veth pair on the host and moved eth0 into {name}'s namespace, where it kept the index the host gave it, one below its peer's"
                ),
                index + 1 == peer,
            )
        }
    }

    /// The claim about the MAC of the container's `eth0` at `address`:
    /// `02:42` and the address up to Engine 20.10, random from 28 on, for
    /// the bridge and macvlan drivers (moby 28.0, "bridge/macvlan endpoints
    /// always use a random MAC address"; the overlay driver keeps `02:42`).
    pub async fn claim_mac(&self, container: &Container, address: &str) -> Result<()> {
        let (_, _, mac) = self.eth0_of(container).await?;
        let derived = Mac::docker(address.parse()?);
        let name = &container.name;
        if self.major() >= 28 {
            let local = mac.0[0] & 0b11 == 0b10;
            self.claim(
                &format!(
 "Engine 28 gave {name}'s eth0 a random MAC: locally administered, and not {derived}, the one Engine 20.10 makes from {address}"
                ),
                local && mac != derived,
            )
        } else {
            self.claim(
                &format!(
 "Engine 20.10 gave {name}'s eth0 the MAC {derived}: 02:42 and the four bytes of its address, {address}"
                ),
                mac == derived,
            )
        }
    }

    /// The claims about docker0 itself: its MAC, and its gateway in
    /// Docker's IPAM against its address in the kernel.
    pub async fn claim_docker0(&self) -> Result<()> {
        let docker0 = self.host.link("docker0").await?;
        let mac = docker0.mac.unwrap_or_default();
        let docker_prefix = mac.0[..2] == [0x02, 0x42];
        if self.major() >= 28 {
            self.claim(
                "Engine 28 gave docker0 a MAC random in all six bytes (not 02:42 and four random ones)",
                !docker_prefix,
            )?;
        } else {
            self.claim(
                "Engine 20.10 gave docker0 a MAC of 02:42 and four random bytes",
                docker_prefix,
            )?;
        }
        let addrs = self.host.addrs().await?;
        let address = addrs.iter().find(|addr| addr.index == docker0.index);
        self.claim(
            "docker0 has the address 172.17.0.1/16 in the kernel, the containers' gateway",
            address
                .is_some_and(|addr| addr.ip.to_string() == "172.17.0.1" && addr.prefix_len == 16),
        )?;
        // What the IPAM says depends on docker0 existing when dockerd
        // started: known only for a private Engine, which starts fresh.
        if self.private.is_some() {
            let bridge = self
                .api
                .inspect_network("bridge", None)
                .await
                .context("inspect the network bridge")?;
            let gateway = bridge
                .ipam
                .and_then(|ipam| ipam.config)
                .and_then(|configs| configs.into_iter().find_map(|config| config.gateway));
            if self.major() >= 28 {
                self.claim(
 "on its first start, Engine 28's IPAM already has the default bridge's gateway: \"Gateway\": \"172.17.0.1\" in docker network inspect bridge",
 gateway.as_deref() == Some("172.17.0.1"),
                )?;
            } else {
                self.claim(
 "on its first start (no docker0 yet), Engine 20.10's IPAM has no gateway for the default bridge: docker network inspect bridge shows only the Subnet",
 gateway.is_none(),
                )?;
            }
        }
        Ok(())
    }

    /// The claim about the name of a container's host veth: `veth` and
    /// seven hex digits (moby makes it from random bytes, `netutils.GenerateIfaceName`).
    pub fn claim_veth_name(&self, veth: &Link) -> Result<()> {
        let name = &veth.name;
        let random = name.len() == 11
            && name.starts_with("veth")
            && name[4..].chars().all(|c| c.is_ascii_hexdigit());
        self.claim(
            "dockerd names the host's end of the pair veth and seven random hex digits (the \
             lab's examples call it veth-red)",
            random,
        )
    }

    /// The claim that removing the containers removed their veth pairs:
    /// no port is left on docker0.
    pub async fn claim_no_ports(&self) -> Result<()> {
        let links = self.host.links().await?;
        let docker0 = links
            .iter()
            .find(|link| link.name == "docker0")
            .map(|l| l.index);
        let ports = links
            .iter()
            .filter(|link| docker0.is_some() && link.master == docker0)
            .count();
        self.claim(
            "removing the container removed its veth pair: docker0 has no port left",
            ports == 0,
        )
    }

    /// The host's device `name`, its peer and its MAC, as `ip link show
    /// NAME` lists them, said as a comment (read with netlink).
    pub async fn show_host_link(&self, name: &str) -> Result<Link> {
        let links = self.host.links().await?;
        let Some(link) = links.iter().find(|link| link.name == name) else {
            bail!("there is no device named {name} on the host");
        };
        let peer = link
            .peer_index
            .and_then(|p| links.iter().find(|l| l.index == p))
            .map(|p| format!("@{}", p.name))
            .unwrap_or_default();
        narrate::say(&format!(
            "the host's {name}, as `ip link show {name}` lists it:\n\
             {}: {name}{peer}, mtu {}, link/ether {}",
            link.index,
            link.mtu,
            netlab::show::mac(link.mac)
        ));
        Ok(link.clone())
    }
}
