//! Swarm mode and the overlay driver: `docker swarm init`, and the VXLAN
//! device dockerd makes for an overlay network, read in the namespace
//! where it lives.

use std::collections::HashMap;

use anyhow::{Context, Result, bail};
use bollard::models::{SwarmInitRequest, SwarmSpec};
use futures::TryStreamExt;
use netlink_packet_route::link::{InfoData, InfoVxlan, LinkAttribute, LinkInfo};

use super::Engine;
use super::engine::labels;
use crate::{Netns, narrate};

/// One VXLAN device: `ip -d link show type vxlan`.
#[derive(Debug, Clone)]
pub struct Vxlan {
    pub name: String,
    /// The VXLAN network identifier: which overlay a packet belongs to.
    pub vni: u32,
    /// The UDP port it sends to and listens on (4789, IANA's).
    pub port: u16,
    /// The bridge it is a port of, as an ifindex.
    pub master: Option<u32>,
}

impl Engine {
    /// `docker swarm init --advertise-addr ADDRESS --listen-addr ADDRESS:2377`,
    /// unless this Engine is already in a swarm (then it is used, and left
    /// as it was). Our swarm carries the label `io.netlab=1` in its spec, so
    /// that a later run knows it may leave it.
    pub async fn swarm_init(&self, address: &str) -> Result<()> {
        let info = self
            .api
            .info()
            .await
            .context("ask the Engine for docker info")?;
        let state = info
            .swarm
            .and_then(|swarm| swarm.local_node_state)
            .map(|state| state.to_string())
            .unwrap_or_default();
        if state == "active" {
            self.say("this Engine is already in a swarm: using it, and leaving it as it is");
            return Ok(());
        }
        narrate::command(
            &self.host,
            &format!("docker swarm init --advertise-addr {address} --listen-addr {address}:2377"),
        );
        let request = SwarmInitRequest {
            listen_addr: Some(format!("{address}:2377")),
            advertise_addr: Some(address.to_string()),
            spec: Some(SwarmSpec {
                labels: Some(labels()),
                ..SwarmSpec::default()
            }),
            ..SwarmInitRequest::default()
        };
        let node = match self.api.init_swarm(request.clone()).await {
            // Already in a swarm since `docker info` answered: the `swarm
            // init` of an interrupted run reached dockerd after this run
            // swept. If that swarm is ours, leave it and start again.
            Err(error) if super::engine::status(&error) == Some(503) => {
                if !super::cleanup::leave_our_swarm(self).await? {
                    return Err(error).context("initialize a swarm (docker swarm init)");
                }
                eprintln!("removed what an interrupted run left behind: swarm membership");
                self.api.init_swarm(request).await
            }
            node => node,
        }
        .context("initialize a swarm (docker swarm init)")?;
        *self.swarm_ours.lock().expect("no panics while held") = true;
        // The first overlay container makes docker_gwbridge; ours, then.
        *self.gwbridge_ours.lock().expect("no panics while held") = true;
        narrate::output(&format!(
            "Swarm initialized: current node ({node}) is now a manager."
        ));
        Ok(())
    }

    /// `docker swarm leave --force`, if this run initialized the swarm, and
    /// `docker network rm docker_gwbridge`, which swarm mode made and
    /// leaving does not remove.
    pub async fn swarm_leave(&self) -> Result<()> {
        if !*self.swarm_ours.lock().expect("no panics while held") {
            return Ok(());
        }
        narrate::command(&self.host, "docker swarm leave --force");
        super::cleanup::leave_swarm(self).await?;
        narrate::output("Node left the swarm.");
        narrate::command(&self.host, "docker network rm docker_gwbridge");
        self.api
            .remove_network("docker_gwbridge")
            .await
            .context("remove the network docker_gwbridge")?;
        narrate::output("docker_gwbridge");
        Ok(())
    }

    /// The gateway of the default bridge network: docker0's address.
    ///
    /// Docker's IPAM usually says it (`docker network inspect bridge`,
    /// `IPAM.Config[0].Gateway`), but Engine 20.10 leaves it out after a
    /// daemon's *first* start (it appears once dockerd restarts). docker0
    /// has the address all the same: then read it from the kernel, as
    /// `ip -4 addr show docker0` does.
    pub async fn bridge_gateway(&self) -> Result<String> {
        let bridge = self
            .api
            .inspect_network("bridge", None)
            .await
            .context("inspect the network bridge")?;
        let gateway = bridge
            .ipam
            .and_then(|ipam| ipam.config)
            .and_then(|configs| configs.into_iter().find_map(|c| c.gateway));
        if let Some(gateway) = gateway {
            return Ok(gateway);
        }
        let docker0 = self.host.link("docker0").await?;
        let addrs = self.host.addrs().await?;
        let addr = addrs.iter().find(|addr| addr.index == docker0.index);
        let addr =
            addr.context("the bridge network has no gateway, and docker0 no IPv4 address")?;
        Ok(addr.ip.to_string())
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
        narrate::say(&format!(
            "the overlay's own namespace: /run/docker/netns/1-<first 10 digits of {network}'s id>"
        ));
        Netns::open(&path, "overlay").await
    }
}

/// The VXLAN devices of a namespace, shown as `ip -d link show type vxlan`
/// would, in short.
pub async fn show_vxlan(netns: &Netns) -> Result<Vec<Vxlan>> {
    narrate::command(netns, "ip -d link show type vxlan");
    let messages: Vec<_> = netns
        .handle
        .link()
        .get()
        .execute()
        .try_collect()
        .await
        .with_context(|| format!("list the links in {}", netns.name))?;
    let mut found = Vec::new();
    for message in messages {
        let mut name = String::new();
        let mut vxlan = None;
        let mut master = None;
        for attribute in &message.attributes {
            match attribute {
                LinkAttribute::IfName(n) => name = n.clone(),
                LinkAttribute::Controller(m) => master = Some(*m),
                LinkAttribute::LinkInfo(infos) => {
                    for info in infos {
                        if let LinkInfo::Data(InfoData::Vxlan(data)) = info {
                            vxlan = Some(data.clone());
                        }
                    }
                }
                _ => {}
            }
        }
        let Some(data) = vxlan else { continue };
        let fields: HashMap<&str, u32> = data
            .iter()
            .filter_map(|item| match item {
                InfoVxlan::Id(id) => Some(("id", *id)),
                InfoVxlan::Port(port) => Some(("port", u32::from(*port))),
                _ => None,
            })
            .collect();
        found.push(Vxlan {
            name,
            vni: fields.get("id").copied().unwrap_or(0),
            port: fields.get("port").copied().unwrap_or(0) as u16,
            master,
        });
    }
    if found.is_empty() {
        bail!("no VXLAN device in {}", netns.name);
    }
    let text: Vec<String> = found
        .iter()
        .map(|v| format!("{}: vxlan id {} dstport {}", v.name, v.vni, v.port))
        .collect();
    narrate::output(&text.join("\n"));
    Ok(found)
}
