//! The overlay driver: the VNIs of the swarm's overlay networks, each
//! host's `docker_gwbridge`, and the VXLAN device dockerd makes for an
//! overlay network, read in the namespace where it lives.

use anyhow::{Context, Result, bail};

use super::Engine;
use super::engine::status;
use netlab::link::Link;
use netlab::{Netns, narrate};

impl Engine {
    /// The claims about the VNIs: `ingress`, the overlay swarm mode makes,
    /// has the first, 4096, and `network` got the next, 4097 (moby:
    /// libnetwork/drivers/overlay/ovmanager, VNIs from 4096 up).
    pub async fn claim_swarm_networks(&self, network: &str) -> Result<()> {
        let inspect = |name: &str| {
            let name = name.to_string();
            async move {
                let found = self.api.inspect_network(&name, None).await;
                found.with_context(|| format!("inspect the network {name}"))
            }
        };
        let vni = |network: &bollard::models::NetworkInspect| {
            let options = network.options.clone().unwrap_or_default();
            options
                .get("com.docker.network.driver.overlay.vxlanid_list")
                .cloned()
        };
        let ingress = inspect("ingress").await?;
        self.claim(
            "swarm init made the network ingress, an overlay with the first VNI, 4096",
            ingress.driver.as_deref() == Some("overlay")
                && vni(&ingress).as_deref() == Some("4096"),
        )?;
        let ours = inspect(network).await?;
        self.claim(
            &format!("{network} got the next VNI, 4097"),
            vni(&ours).as_deref() == Some("4097"),
        )
    }

    /// The claim that this host has `docker_gwbridge`, once an overlay
    /// container runs on it: a bridge network of its own, each host's way
    /// out. (dockerd makes it when it first needs it: for the first overlay
    /// container, or, Engine 28, for the ingress network's sandbox a moment
    /// after `swarm init`.)
    pub async fn claim_gwbridge(&self) -> Result<()> {
        let gwbridge = self.api.inspect_network("docker_gwbridge", None).await;
        self.claim(
            &format!(
                "{} has docker_gwbridge, a bridge network of its own: each host's way out",
                self.host.name
            ),
            gwbridge.is_ok_and(|network| {
                network.driver.as_deref() == Some("bridge")
                    && network.scope.as_deref() == Some("local")
            }),
        )
    }

    /// The claim that this Engine, a worker, does not know `network` yet:
    /// a worker learns of an overlay network when its first container
    /// joins it.
    pub async fn claim_network_unknown(&self, network: &str) -> Result<()> {
        let known = self.api.inspect_network(network, None).await;
        let missing = matches!(known, Err(ref error) if status(error) == Some(404));
        self.claim(
            &format!(
                "{}, a worker, has no {network} until its first container joins it",
                self.host.name
            ),
            missing,
        )
    }

    /// The claim that on an overlay network a container's MAC is still
    /// `02:42` and its address, on every Engine (moby's overlay driver,
    /// ov_endpoint.go: `GenerateMACFromIP`): other hosts work it out.
    pub async fn claim_overlay_mac(
        &self,
        container: &super::Container,
        address: &str,
    ) -> Result<()> {
        let (_, _, mac) = self.eth0_of(container).await?;
        let derived = netlab::Mac::docker(address.parse()?);
        self.claim(
            &format!(
                "on the overlay, {}'s MAC is still 02:42 and its address, {derived}, on every Engine",
                container.name
            ),
            mac == derived,
        )
    }

    /// `iptables-save -t nat | grep -e docker_gwbridge`, and the claim that
    /// this host masquerades what leaves docker_gwbridge's subnet: an
    /// overlay container's way out to the world is NAT behind the host's
    /// own address, as on docker0.
    pub fn claim_gwbridge_masquerade(&self) -> Result<()> {
        let nat = self.show_nat_rules_of(&["docker_gwbridge"])?;
        let masquerade = "-A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE";
        self.claim(
            &format!(
                "{} masquerades what leaves docker_gwbridge's subnet: {masquerade}",
                self.host.name
            ),
            nat.iter().any(|rule| rule == masquerade),
        )
    }

    /// The overlay's peers: the addresses of the swarm's nodes that have a
    /// container on `network`, as the gossip told this node (`docker
    /// network inspect`'s `Peers`), sorted; not narrated. A node joins the
    /// list with its first container there and leaves it with its last.
    pub async fn overlay_peers(&self, network: &str) -> Result<Vec<String>> {
        let inspect = self
            .api
            .inspect_network(network, None)
            .await
            .with_context(|| format!("inspect the network {network}"))?;
        let peers = inspect.peers.unwrap_or_default().into_iter();
        let mut peers: Vec<String> = peers.filter_map(|peer| peer.ip).collect();
        peers.sort();
        Ok(peers)
    }

    /// The namespace dockerd made for an overlay network on this host,
    /// `/run/docker/netns/1-` and the first ten digits of the network's id.
    /// It holds the network's bridge `br0` and its VXLAN device.
    pub async fn overlay_namespace(&self, network: &str) -> Result<Netns> {
        let inspect = self
            .api
            .inspect_network(network, None)
            .await
            .with_context(|| format!("inspect the network {network}"))?;
        let id = inspect.id.unwrap_or_default();
        let path = format!("{}/1-{}", self.netns_dir, &id[..id.len().min(10)]);
        // Its prompt: `overlay$`, or `node1-overlay$` in a lab of hosts.
        let name = match self.host.name.as_str() {
            "host" => "overlay".to_string(),
            host => format!("{host}-overlay"),
        };
        narrate::say(&format!(
            "{name}: the overlay's own namespace, EXEC_ROOT/netns/1-<first 10 digits of {network}'s id>"
        ));
        Netns::open(&path, &name).await
    }
}

/// The VXLAN devices of a namespace, their VNI and UDP port: what `ip -d
/// link show type vxlan` shows of them, said as a comment.
pub async fn show_vxlan(netns: &Netns) -> Result<Vec<Link>> {
    let found: Vec<Link> = netns
        .links()
        .await?
        .into_iter()
        .filter(|link| link.vxlan.is_some())
        .collect();
    if found.is_empty() {
        bail!("no VXLAN device in {}", netns.name);
    }
    // Read with netlink, said as a comment: `ip -d link show type vxlan`
    // prints the same fields among many others (`vxlan id 4097 ...
    // dstport 4789`).
    let text: Vec<String> = found
        .iter()
        .filter_map(|link| Some((&link.name, link.vxlan.as_ref()?)))
        .map(|(name, v)| format!("{name}: vxlan id {} dstport {}", v.vni, v.port.unwrap_or(0)))
        .collect();
    narrate::say(&format!(
        "{}'s VXLAN devices, as `ip -d link show type vxlan` lists them:\n{}",
        netns.name,
        text.join("\n")
    ));
    Ok(found)
}
