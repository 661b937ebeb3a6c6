//! Swarm mode: `docker swarm init`, `join` and `leave`, what the overlay
//! driver needs first (the overlay itself: `overlay.rs`; the nodes, `docker
//! node ls`: `node.rs`).

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
    /// True if this run made the swarm; false if it uses one that was there.
    pub async fn swarm_init(&self, address: &str) -> Result<bool> {
        if self.swarm_state().await? == "active" {
            self.say("this Engine is already in a swarm: using it, and leaving it as it is");
            return Ok(false);
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
        self.label_swarm().await?;
        Ok(true)
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
        Ok(self
            .swarm_info()
            .await?
            .and_then(|swarm| swarm.local_node_state)
            .map(|state| state.to_string())
            .unwrap_or_default())
    }

    /// The `Swarm` part of `docker info`, if the Engine sent one.
    async fn swarm_info(&self) -> Result<Option<bollard::models::SwarmInfo>> {
        let info = self
            .api
            .info()
            .await
            .context("ask the Engine for docker info")?;
        Ok(info.swarm)
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
        let (token, _) = manager.worker_token().await?;
        self.swarm_join_token(&token, manager_address, address)
            .await
    }

    /// What `docker swarm join-token worker` prints, on a manager: the
    /// token a worker joins with, and the address it joins at (this node's
    /// own, `MANAGER:2377`, as the swarm knows it).
    pub async fn worker_token(&self) -> Result<(String, String)> {
        let swarm = self
            .api
            .inspect_swarm()
            .await
            .context("ask the manager for its join tokens (docker swarm join-token worker)")?;
        let token = swarm
            .join_tokens
            .and_then(|tokens| tokens.worker)
            .context("the manager has no worker token")?;
        let info = self
            .api
            .info()
            .await
            .context("ask the Engine for docker info")?;
        let address = info
            .swarm
            .and_then(|swarm| swarm.node_addr)
            .context("the manager has no address in its swarm")?;
        Ok((token, address))
    }

    /// `docker swarm join --token TOKEN MANAGER:2377` with a token given
    /// (one a manager on another machine printed). This node listens and
    /// advertises on `address`, its underlay address. An Engine already in
    /// a swarm is refused: a node belongs to one swarm at a time.
    pub async fn swarm_join_token(
        &self,
        token: &str,
        manager_address: &str,
        address: &str,
    ) -> Result<()> {
        if self.swarm_state().await? != "inactive" {
            bail!(
                "this Engine is already in a swarm (`docker info` says Swarm: {}), and a node \
                 belongs to one swarm at a time: leave it first (`docker swarm leave`), or run \
                 this on another machine",
                self.swarm_state().await?
            );
        }
        // Swarm mode makes docker_gwbridge with the first overlay container
        // unless an earlier swarm left one: only a new one is ours to remove.
        let gwbridge = self.api.inspect_network("docker_gwbridge", None).await;
        *self.gwbridge_ours.lock().expect("no panics while held") = gwbridge.is_err();
        // Yours outlives this run: write down that this membership is the
        // lab's, before the request goes out (a private Engine dies with us).
        let noted = self.private.is_none();
        if noted {
            super::joined::note_joining(self)?;
        }
        *self.swarm_ours.lock().expect("no panics while held") = true;
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
            token,
            &manager,
        ];
        if self.docker(&join).await?.is_none() {
            // No CLI here: the same request, through the API.
            let request = SwarmJoinRequest {
                listen_addr: Some(listen),
                advertise_addr: Some(address.to_string()),
                remote_addrs: Some(vec![manager]),
                join_token: Some(token.to_string()),
                ..SwarmJoinRequest::default()
            };
            self.api
                .join_swarm(request)
                .await
                .context("join the swarm (docker swarm join)")?;
        }
        if noted {
            super::joined::note_joined(self, &self.swarm_node_id().await?)?;
        }
        Ok(())
    }

    /// `docker info --format '{{.Swarm.NodeID}}'`: this node's id in its
    /// swarm (empty when it is in none).
    pub async fn swarm_node_id(&self) -> Result<String> {
        Ok(self
            .swarm_info()
            .await?
            .and_then(|swarm| swarm.node_id)
            .unwrap_or_default())
    }

    /// `docker swarm leave`, if this run started or joined the swarm
    /// (`--force` on a manager: it is the swarm's last, and leaving ends
    /// it), and `docker network rm docker_gwbridge`, which swarm mode made
    /// and leaving does not remove. False if the swarm was there before this
    /// run: it is left as it was.
    pub async fn swarm_leave(&self) -> Result<bool> {
        if !*self.swarm_ours.lock().expect("no panics while held") {
            return Ok(false);
        }
        let manager = self.is_manager().await?;
        let force = if manager { " --force" } else { "" };
        narrate::command(&self.host, &format!("docker swarm leave{force}"));
        super::cleanup::leave_swarm(self, manager).await?;
        narrate::output("Node left the swarm.");
        if *self.gwbridge_ours.lock().expect("no panics while held") {
            self.network_rm_when_free("docker_gwbridge").await?;
            *self.gwbridge_ours.lock().expect("no panics while held") = false;
        }
        Ok(true)
    }

    /// Whether this node is one of its swarm's managers (`docker info`'s
    /// `Swarm.ControlAvailable`): only they may change the swarm.
    pub async fn is_manager(&self) -> Result<bool> {
        let info = self
            .api
            .info()
            .await
            .context("ask the Engine for docker info")?;
        Ok(info
            .swarm
            .and_then(|swarm| swarm.control_available)
            .unwrap_or(false))
    }
}
