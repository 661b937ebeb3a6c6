//! Swarm mode and the overlay driver: `docker swarm init`, and the VXLAN
//! device dockerd makes for an overlay network, read in the namespace
//! where it lives.

use anyhow::{Context, Result, bail};
use bollard::models::{SwarmInitRequest, SwarmJoinRequest, SwarmSpec};

use super::Engine;
use super::engine::labels;
use crate::link::Link;
use crate::{Netns, narrate};

impl Engine {
    /// `docker swarm init --advertise-addr ADDRESS --listen-addr ADDRESS:2377`,
    /// unless this Engine is already in a swarm (then it is used, and left
    /// as it was). Our swarm carries the label `io.netlab=1` in its spec, so
    /// that a later run knows it may leave it.
    pub async fn swarm_init(&self, address: &str) -> Result<()> {
        if self.swarm_state().await? == "active" {
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

    /// `docker info --format '{{.Swarm.LocalNodeState}}'`: `inactive`,
    /// `pending`, `active`, `error` or `locked`.
    pub async fn swarm_state(&self) -> Result<String> {
        let info = self
            .api
            .info()
            .await
            .context("ask the Engine for docker info")?;
        Ok(info
            .swarm
            .and_then(|swarm| swarm.local_node_state)
            .map(|state| state.to_string())
            .unwrap_or_default())
    }

    /// `docker swarm join --token TOKEN MANAGER:2377`, on this Engine, into
    /// the swarm `manager` leads, as a worker: the token comes from the
    /// manager (`docker swarm join-token worker`). This node listens and
    /// advertises on `address`, its underlay address.
    pub async fn swarm_join(
        &self,
        manager: &Engine,
        manager_address: &str,
        address: &str,
    ) -> Result<()> {
        let swarm = manager
            .api
            .inspect_swarm()
            .await
            .context("ask the manager for its join tokens (docker swarm join-token worker)")?;
        let token = swarm
            .join_tokens
            .and_then(|tokens| tokens.worker)
            .context("the manager has no worker token")?;
        narrate::command(
            &self.host,
            &format!(
                "docker swarm join --advertise-addr {address} --listen-addr {address}:2377 \
                 --token {token} {manager_address}:2377"
            ),
        );
        let request = SwarmJoinRequest {
            listen_addr: Some(format!("{address}:2377")),
            advertise_addr: Some(address.to_string()),
            remote_addrs: Some(vec![format!("{manager_address}:2377")]),
            join_token: Some(token),
            ..SwarmJoinRequest::default()
        };
        self.api
            .join_swarm(request)
            .await
            .context("join the swarm (docker swarm join)")?;
        narrate::output("This node joined a swarm as a worker.");
        Ok(())
    }

    /// `docker node ls` on a manager, once `count` nodes are Ready (a node
    /// that just joined takes a moment to report in).
    pub async fn show_nodes(&self, count: usize) -> Result<()> {
        narrate::command(&self.host, "docker node ls");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let (nodes, ready) = loop {
            let nodes = self
                .api
                .list_nodes(None)
                .await
                .context("list the swarm's nodes")?;
            let ready = nodes
                .iter()
                .filter(|node| {
                    node.status
                        .as_ref()
                        .and_then(|s| s.state)
                        .map(|s| s.to_string())
                        == Some("ready".to_string())
                })
                .count();
            if ready >= count || std::time::Instant::now() > deadline {
                break (nodes, ready);
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        };
        let mut rows: Vec<(String, String)> = Vec::new();
        for node in nodes {
            let id = node.id.unwrap_or_default();
            let hostname = node
                .description
                .and_then(|d| d.hostname)
                .unwrap_or_default();
            let state = node
                .status
                .and_then(|s| s.state)
                .map(|s| s.to_string())
                .unwrap_or_default();
            let availability = node
                .spec
                .and_then(|spec| spec.availability)
                .map(|a| a.to_string())
                .unwrap_or_default();
            let leader = node.manager_status.and_then(|m| m.leader) == Some(true);
            let role = if leader { "Leader" } else { "" };
            rows.push((
                hostname.clone(),
                format!(
                    "{id:<27} {hostname:<9} {:<7} {:<13} {role}",
                    capitalize(&state),
                    capitalize(&availability)
                ),
            ));
        }
        rows.sort();
        let mut text = format!(
            "{:<27} {:<9} {:<7} {:<13} MANAGER STATUS\n",
            "ID", "HOSTNAME", "STATUS", "AVAILABILITY"
        );
        for (_, row) in &rows {
            text.push_str(row.trim_end());
            text.push('\n');
        }
        narrate::output(text.trim_end());
        if ready < count {
            bail!("the swarm has {ready} nodes Ready, not {count}, after 30 s");
        }
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

/// `ready` -> `Ready`, as the docker CLI prints a node's state.
fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
