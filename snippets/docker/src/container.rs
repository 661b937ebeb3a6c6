//! [`Container`]: `docker run`, `docker rm`, `docker kill`, `docker ps`,
//! and a container's address, as Engine API requests.
//!
//! Each verb prints the `docker` command it stands for (`host$ docker run
//! ...`), then sends the request the CLI would send. Names get the prefix
//! `netlab-` and everything the label `io.netlab=1`, so the transcript
//! shows both: that is what a cleanup can find.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bollard::Docker;
use bollard::errors::Error::DockerResponseServerError;
use bollard::models::{
    ContainerCreateBody, EndpointSettings, HostConfig, NetworkingConfig, PortBinding,
};
use bollard::query_parameters::{CreateContainerOptionsBuilder, RemoveContainerOptionsBuilder};

use super::engine::{labels, status};
use super::{Engine, IMAGE, LABEL, PREFIX};
use netlab::narrate;

/// A container this run started.
#[derive(Clone, Debug)]
pub struct Container {
    /// The lab's name for it (`red`), which is also its prompt.
    pub name: String,
    /// Docker's name for it (`netlab-red`).
    pub docker_name: String,
    pub id: String,
}

/// What `docker run` is given besides the name.
#[derive(Default)]
pub struct RunArgs<'a> {
    /// `--network NAME` (the default bridge when `None`).
    pub network: Option<&'a str>,
    /// `-p HOST:CONTAINER` (TCP).
    pub publish: Option<(u16, u16)>,
    /// The command; `sleep 3600` when empty: something that waits.
    pub cmd: &'a [&'a str],
}

impl Engine {
    /// `docker run -d --name netlab-NAME --label io.netlab=1 [-p H:C]
    /// [--network N] netlab/busybox CMD`: create and start a container.
    pub async fn run(&self, name: &str, args: RunArgs<'_>) -> Result<Container> {
        let docker_name = format!("{PREFIX}{name}");
        let cmd: Vec<String> = match args.cmd {
            [] => vec!["sleep".into(), "3600".into()],
            cmd => cmd.iter().map(|s| s.to_string()).collect(),
        };
        let mut line = format!("docker run -d --name {docker_name} --label {LABEL}=1");
        if let Some((host_port, port)) = args.publish {
            line.push_str(&format!(" -p {host_port}:{port}"));
        }
        if let Some(network) = args.network {
            line.push_str(&format!(" --network {network}"));
        }
        narrate::command(&self.host, &format!("{line} {IMAGE} {}", cmd.join(" ")));
        let host_config = HostConfig {
            network_mode: args.network.map(str::to_string),
            port_bindings: args.publish.map(|(host_port, port)| {
                let binding = PortBinding {
                    host_ip: None,
                    host_port: Some(host_port.to_string()),
                };
                HashMap::from([(format!("{port}/tcp"), Some(vec![binding]))])
            }),
            ..HostConfig::default()
        };
        let body = ContainerCreateBody {
            image: Some(IMAGE.to_string()),
            cmd: Some(cmd),
            labels: Some(labels()),
            exposed_ports: args.publish.map(|(_, port)| vec![format!("{port}/tcp")]),
            host_config: Some(host_config),
            networking_config: args.network.map(|network| NetworkingConfig {
                endpoints_config: Some(HashMap::from([(
                    network.to_string(),
                    EndpointSettings::default(),
                )])),
            }),
            ..ContainerCreateBody::default()
        };
        let options = CreateContainerOptionsBuilder::default()
            .name(&docker_name)
            .build();
        // The name may be taken: by a container of an interrupted run whose
        // `docker run` reached dockerd after this run swept (dockerd
        // finishes a request whose client was killed). Ours: remove it and
        // try again. Someone else's: say so. Not there when we look: dockerd
        // holds the name while it still creates or removes that container;
        // wait a moment and try again.
        let mut attempts = 0;
        let created = loop {
            attempts += 1;
            match self
                .api
                .create_container(Some(options.clone()), body.clone())
                .await
            {
                Err(error) if status(&error) == Some(409) && attempts < 50 => {
                    if !self.remove_leftover_container(&docker_name).await? {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
                created => break created,
            }
        }
        .with_context(|| format!("create the container {docker_name}"))?;
        match (
            self.api.start_container(&created.id, None).await,
            args.network,
        ) {
            (
                Err(DockerResponseServerError {
                    status_code,
                    message,
                }),
                Some(network),
            ) if attach_timed_out(status_code, &message) => {
                self.start_again(&docker_name, network, &message).await?
            }
            // `docker run -d` prints the new container's id.
            (started, _) => {
                started.with_context(|| format!("start the container {docker_name}"))?;
                narrate::output(&created.id);
            }
        }
        Ok(Container {
            name: name.to_string(),
            docker_name,
            id: created.id,
        })
    }

    /// `docker start NAME` after a first start that ran out of the swarm's
    /// time to attach the container to its overlay `network` (`error`).
    /// Engine 20.10 sets a node up for the swarm at its first container
    /// there: the ingress network's namespace, `docker_gwbridge`, the
    /// overlay's namespace, and well over a hundred `iptables` runs. The swarm
    /// gives the attachment 20 s, and on a slow machine (one emulated in
    /// software) that is too short. The setting up goes on, and when it
    /// ends the failed attachment is let go, the overlay's namespace with
    /// it; the node keeps the rest. Once it is gone, start again: while it
    /// is being let go, dockerd answers "network ... not found".
    async fn start_again(&self, docker_name: &str, network: &str, error: &str) -> Result<()> {
        self.say(&format!("the Engine answered: {error}"));
        self.say(
            "a node's first overlay container sets the node up for the swarm, and the swarm \
             waits 20 s for it: too short for this slow machine. The Engine finishes, lets the \
             failed attachment go, and keeps the rest: once it has, start the container again",
        );
        narrate::command(&self.host, &format!("docker start {docker_name}"));
        for attempt in 1.. {
            self.wait_until_let_go(network).await?;
            match self.api.start_container(docker_name, None).await {
                Err(error) if retry_start(&error) && attempt < 5 => {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                started => {
                    started.with_context(|| format!("start the container {docker_name} again"))?;
                    break;
                }
            }
        }
        // `docker start` prints the name it was given.
        narrate::output(docker_name);
        Ok(())
    }

    /// Waits (up to a minute) until this node has no namespace of the
    /// overlay `network` left: dockerd removes it when it lets a failed
    /// attachment go. A worker that has let go no longer knows the network.
    async fn wait_until_let_go(&self, network: &str) -> Result<()> {
        let id = match self.api.inspect_network(network, None).await {
            Err(error) if status(&error) == Some(404) => return Ok(()),
            inspect => inspect
                .with_context(|| format!("inspect the network {network}"))?
                .id
                .unwrap_or_default(),
        };
        let namespace = format!("{}/1-{}", self.netns_dir, &id[..id.len().min(10)]);
        let deadline = Instant::now() + Duration::from_secs(60);
        while Path::new(&namespace).exists() {
            if Instant::now() > deadline {
                bail!("{network}'s namespace {namespace} was still there after a minute");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Ok(())
    }

    /// Removes the container `name` if it carries our label (a leftover of
    /// an interrupted run), and says so; fails if it is not ours. False when
    /// there is no such container (any more, or not yet).
    pub(crate) async fn remove_leftover_container(&self, name: &str) -> Result<bool> {
        let inspect = match self.api.inspect_container(name, None).await {
            Err(error) if status(&error) == Some(404) => return Ok(false),
            inspect => inspect
                .with_context(|| format!("inspect the container {name}, whose name is taken"))?,
        };
        let labels = inspect.config.and_then(|config| config.labels);
        if !labels.is_some_and(|labels| labels.contains_key(LABEL)) {
            bail!(
                "a container named {name} exists and is not this lab's (no label {LABEL}): remove it"
            );
        }
        remove_container(&self.api, name)
            .await
            .with_context(|| format!("remove the container {name}"))?;
        eprintln!("removed what an interrupted run left behind: container {name}");
        Ok(true)
    }

    /// `docker rm -f CONTAINER`: stop (SIGKILL) and remove it. Docker
    /// deletes its veth pair, its namespace and its port rules.
    pub async fn rm(&self, container: &Container) -> Result<()> {
        narrate::command(
            &self.host,
            &format!("docker rm -f {}", container.docker_name),
        );
        remove_container(&self.api, &container.id)
            .await
            .with_context(|| format!("remove the container {}", container.docker_name))?;
        narrate::output(&container.docker_name);
        Ok(())
    }

    /// `docker kill CONTAINER`: SIGKILL its processes. The container stops
    /// but stays (`docker ps -a` lists it); Docker undoes its port rules.
    pub async fn kill(&self, container: &Container) -> Result<()> {
        narrate::command(
            &self.host,
            &format!("docker kill {}", container.docker_name),
        );
        self.api
            .kill_container(&container.id, None)
            .await
            .with_context(|| format!("kill the container {}", container.docker_name))?;
        narrate::output(&container.docker_name);
        Ok(())
    }

    /// `docker ps --format 'table {{.Names}}\t{{.Image}}\t{{.Ports}}'`: the
    /// running containers of this lab, their image and published ports
    /// (the columns that do not change from run to run).
    pub async fn show_ps(&self) -> Result<()> {
        let format = "table {{.Names}}\t{{.Image}}\t{{.Ports}}";
        let filter = format!("label={LABEL}");
        self.docker(&["ps", "--filter", &filter, "--format", format])
            .await?;
        Ok(())
    }

    /// The container's address on `network` (`docker inspect -f
    /// '{{.NetworkSettings.Networks.bridge.IPAddress}}'`), not narrated.
    pub async fn address(&self, container: &Container, network: &str) -> Result<String> {
        let inspect = self
            .api
            .inspect_container(&container.id, None)
            .await
            .with_context(|| format!("inspect the container {}", container.docker_name))?;
        let address = inspect
            .network_settings
            .and_then(|settings| settings.networks)
            .and_then(|networks| networks.get(network).cloned())
            .and_then(|endpoint| endpoint.ip_address);
        match address {
            Some(address) if !address.is_empty() => Ok(address),
            _ => bail!(
                "{} has no address on the network {network}",
                container.docker_name
            ),
        }
    }
}

/// Force-removes a container (with its anonymous volumes: there are none).
///
/// Already gone (404) counts as removed. So does a removal already in
/// progress (409), started by a run that was killed: we wait until it is
/// done, since its network cannot go before it.
pub(crate) async fn remove_container(api: &Docker, id: &str) -> Result<()> {
    let options = RemoveContainerOptionsBuilder::default().force(true).build();
    match api.remove_container(id, Some(options)).await {
        Ok(()) => Ok(()),
        Err(error) if status(&error) == Some(404) => Ok(()),
        Err(error) if status(&error) == Some(409) => {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
            while std::time::Instant::now() < deadline {
                match api.inspect_container(id, None).await {
                    Err(gone) if status(&gone) == Some(404) => return Ok(()),
                    _ => tokio::time::sleep(Duration::from_millis(100)).await,
                }
            }
            Err(error).context("wait for its removal, already in progress")
        }
        Err(error) => Err(error.into()),
    }
}

/// Whether `error` says the swarm did not attach a container to its
/// overlay network in time (dockerd's `AttachNetwork`, a 500).
fn attach_timed_out(status: u16, message: &str) -> bool {
    status == 500
        && message.starts_with("attaching to network failed")
        && message.ends_with("context deadline exceeded")
}

/// Whether a second start may be tried again after `error`: the
/// attachment ran out of time again, or dockerd was still letting the
/// first one go ("network ... not found", a 404).
fn retry_start(error: &bollard::errors::Error) -> bool {
    match error {
        DockerResponseServerError {
            status_code,
            message,
        } => {
            attach_timed_out(*status_code, message)
                || (*status_code == 404
                    && message.starts_with("network ")
                    && message.ends_with(" not found"))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status_code: u16, message: &str) -> bollard::errors::Error {
        DockerResponseServerError {
            status_code,
            message: message.to_string(),
        }
    }

    #[test]
    fn a_start_is_tried_again_only_after_the_swarm_ran_out_of_time_or_was_letting_go() {
        // Engine 20.10's answers, as dockerd printed them in the VM.
        let timed_out = "attaching to network failed, make sure your network options are \
                         correct and check manager logs: context deadline exceeded";
        assert!(attach_timed_out(500, timed_out));
        assert!(retry_start(&answer(500, timed_out)));
        assert!(retry_start(&answer(
            404,
            "network rv3kkx6tns6iyyon9ge1yajqr not found"
        )));
        // Anything else is an error of its own.
        assert!(!attach_timed_out(400, timed_out));
        assert!(!retry_start(&answer(404, "No such container: netlab-red")));
        assert!(!retry_start(&answer(
            500,
            "driver failed programming external connectivity"
        )));
    }
}
