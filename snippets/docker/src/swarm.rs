//! Swarm mode: `docker swarm init`, `join`, `leave` and `docker node ls`,
//! what the overlay driver needs first (the overlay itself: `overlay.rs`).

use anyhow::{Context, Result, bail};
use bollard::models::{SwarmInitRequest, SwarmJoinRequest, SwarmSpec};

use super::Engine;
use super::engine::labels;
use netlab::narrate;

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
}
