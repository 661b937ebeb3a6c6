//! Swarm mode and the overlay driver: `docker swarm init`, and the VXLAN
//! device dockerd makes for an overlay network, read in the namespace
//! where it lives.

use anyhow::{Context, Result, bail};
use bollard::models::{SwarmInitRequest, SwarmJoinRequest, SwarmSpec};

use super::Engine;
use super::engine::labels;
use netlab::link::Link;
use netlab::{Netns, narrate};

impl Engine {
    /// `docker swarm init --advertise-addr ADDRESS --listen-addr ADDRESS:2377`,
    /// unless this Engine is already in a swarm (then it is used, and left
    /// as it was). The CLI itself runs it, for what it prints: the node's
    /// id and the `docker swarm join` line for the workers. Our swarm then
    /// gets the label `io.netlab=1` in its spec (`POST /swarm/update`; the
    /// CLI has no flag for it), so that a later run knows it may leave it.
    pub async fn swarm_init(&self, address: &str) -> Result<()> {
        if self.swarm_state().await? == "active" {
            self.say("this Engine is already in a swarm: using it, and leaving it as it is");
            return Ok(());
        }
        let listen = format!("{address}:2377");
        let init = [
            "swarm",
            "init",
            "--advertise-addr",
            address,
            "--listen-addr",
            &listen,
        ];
        let request = SwarmInitRequest {
            listen_addr: Some(listen.clone()),
            advertise_addr: Some(address.to_string()),
            spec: Some(SwarmSpec {
                labels: Some(labels()),
                ..SwarmSpec::default()
            }),
            ..SwarmInitRequest::default()
        };
        let initialized = match self.docker(&init).await {
            // No CLI here: the same request, through the API, already
            // labelled (the transcript said so).
            Ok(None) => self
                .api
                .init_swarm(request)
                .await
                .map(|_| ())
                .map_err(Into::into),
            Ok(Some(_)) => Ok(()),
            // Already in a swarm since `docker info` answered: the `swarm
            // init` of an interrupted run reached dockerd after this run
            // swept. If that swarm is ours, leave it and start again.
            Err(error) => {
                if !super::cleanup::leave_our_swarm(self).await? {
                    return Err(error).context("initialize a swarm (docker swarm init)");
                }
                eprintln!("removed what an interrupted run left behind: swarm membership");
                self.docker(&init).await.map(|_| ())
            }
        };
        initialized.context("initialize a swarm (docker swarm init)")?;
        *self.swarm_ours.lock().expect("no panics while held") = true;
        // The first overlay container makes docker_gwbridge; ours, then.
        *self.gwbridge_ours.lock().expect("no panics while held") = true;
        self.label_swarm().await
    }

    /// Puts our label into the swarm's spec, so that a later run may leave
    /// it: `POST /swarm/update` with the spec as it is, plus the label.
    async fn label_swarm(&self) -> Result<()> {
        let swarm = self
            .api
            .inspect_swarm()
            .await
            .context("inspect the new swarm")?;
        let version = swarm
            .version
            .and_then(|version| version.index)
            .context("the swarm has no version")?;
        let mut spec = swarm.spec.unwrap_or_default();
        spec.labels.get_or_insert_default().extend(labels());
        let options = bollard::query_parameters::UpdateSwarmOptionsBuilder::default()
            .version(version as i64)
            .build();
        self.api
            .update_swarm(spec, options)
            .await
            .context("label the swarm as this lab's (POST /swarm/update)")
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
        let listen = format!("{address}:2377");
        let manager = format!("{manager_address}:2377");
        let join = [
            "swarm",
            "join",
            "--advertise-addr",
            address,
            "--listen-addr",
            &listen,
            "--token",
            &token,
            &manager,
        ];
        if self.docker(&join).await?.is_some() {
            return Ok(());
        }
        // No CLI here: the same request, through the API.
        let request = SwarmJoinRequest {
            listen_addr: Some(listen),
            advertise_addr: Some(address.to_string()),
            remote_addrs: Some(vec![manager]),
            join_token: Some(token),
            ..SwarmJoinRequest::default()
        };
        self.api
            .join_swarm(request)
            .await
            .context("join the swarm (docker swarm join)")?;
        Ok(())
    }

    /// `docker node ls` on a manager, once `count` nodes are Ready (a node
    /// that just joined takes a moment to report in).
    pub async fn show_nodes(&self, count: usize) -> Result<()> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let ready = loop {
            let nodes = self
                .api
                .list_nodes(None)
                .await
                .context("list the swarm's nodes")?;
            let ready = nodes
                .iter()
                .filter(|node| {
                    let state = node.status.as_ref().and_then(|s| s.state);
                    state.map(|s| s.to_string()).as_deref() == Some("ready")
                })
                .count();
            if ready >= count || std::time::Instant::now() > deadline {
                break ready;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        };
        self.docker(&["node", "ls"]).await?;
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
        let missing = matches!(known, Err(ref error) if super::engine::status(error) == Some(404));
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
