//! `docker network create`, `connect`, `inspect` and `rm`: the lab's
//! networks, labelled as this lab's.

use std::collections::HashMap;
use std::fmt::Write;

use anyhow::{Context, Result};
use bollard::Docker;
use bollard::models::{Ipam, NetworkCreateRequest, NetworkInspect};

use super::Engine;
use super::engine::{labels, status};
use netlab::narrate;

/// What `docker network create` is given besides the name and driver.
#[derive(Default)]
pub struct NetworkArgs<'a> {
    /// `--subnet`, `--gateway`, `--ip-range`.
    pub subnet: Option<&'a str>,
    pub gateway: Option<&'a str>,
    pub ip_range: Option<&'a str>,
    /// `--attachable` (overlay: plain containers may join, not only services).
    pub attachable: bool,
    /// `-o KEY=VALUE` driver options (`parent=netlab-mv0`).
    pub options: &'a [(&'a str, &'a str)],
}

impl Engine {
    /// `docker network create -d DRIVER [--subnet ...] [-o k=v] --label
    /// io.netlab=1 NAME`.
    pub async fn network_create(
        &self,
        name: &str,
        driver: &str,
        args: NetworkArgs<'_>,
    ) -> Result<()> {
        let mut line = format!("docker network create -d {driver}");
        for (flag, value) in [
            ("--subnet", args.subnet),
            ("--gateway", args.gateway),
            ("--ip-range", args.ip_range),
        ] {
            if let Some(value) = value {
                write!(line, " {flag}={value}")?;
            }
        }
        if args.attachable {
            line.push_str(" --attachable");
        }
        for (key, value) in args.options {
            write!(line, " -o {key}={value}")?;
        }
        narrate::command(
            &self.host,
            &format!("{line} --label {}=1 {name}", super::LABEL),
        );
        let ipam = args.subnet.map(|subnet| Ipam {
            config: Some(vec![bollard::models::IpamConfig {
                subnet: Some(subnet.to_string()),
                gateway: args.gateway.map(str::to_string),
                ip_range: args.ip_range.map(str::to_string),
                ..Default::default()
            }]),
            ..Default::default()
        });
        let options: HashMap<String, String> = args
            .options
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let request = NetworkCreateRequest {
            name: name.to_string(),
            driver: Some(driver.to_string()),
            attachable: Some(args.attachable),
            ipam,
            options: Some(options),
            labels: Some(labels()),
            ..Default::default()
        };
        // A network of an interrupted run, made after this run swept
        // (dockerd finishes a request whose client was killed), goes first:
        // Engine 20.10 would make a second network of the same name.
        if let Ok(existing) = self.api.inspect_network(name, None).await
            && existing
                .labels
                .is_some_and(|labels| labels.contains_key(super::LABEL))
        {
            remove_network(&self.api, name).await?;
            eprintln!("removed what an interrupted run left behind: network {name}");
        }
        let created = self
            .api
            .create_network(request)
            .await
            .with_context(|| format!("create the {driver} network {name}"))?;
        narrate::output(&created.id);
        Ok(())
    }

    /// [`Engine::network_create`] for a network the Engine may refuse: its
    /// answer is printed as the CLI prints it (`Error response from
    /// daemon: ...`) instead of ending the run. True if it was made.
    pub async fn try_network_create(
        &self,
        name: &str,
        driver: &str,
        args: NetworkArgs<'_>,
    ) -> Result<bool> {
        done_or_refused(self.network_create(name, driver, args).await)
    }

    /// `docker network rm NAME`.
    pub async fn network_rm(&self, name: &str) -> Result<()> {
        narrate::command(&self.host, &format!("docker network rm {name}"));
        self.api
            .remove_network(name)
            .await
            .with_context(|| format!("remove the network {name}"))?;
        narrate::output(name);
        Ok(())
    }

    /// [`Engine::network_rm`] for a network the Engine may refuse to remove
    /// (one that another machine's container still uses): its answer is
    /// printed as the CLI prints it, and the run goes on. True if removed.
    pub async fn try_network_rm(&self, name: &str) -> Result<bool> {
        done_or_refused(self.network_rm(name).await)
    }

    /// `docker network rm NAME` for a network whose last endpoints dockerd
    /// is still taking down (`docker_gwbridge` a moment after `docker swarm
    /// leave`): asked again, for up to 10 s, while it answers that the
    /// network has active endpoints.
    pub(crate) async fn network_rm_when_free(&self, name: &str) -> Result<()> {
        narrate::command(&self.host, &format!("docker network rm {name}"));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            match self.api.remove_network(name).await {
                Err(bollard::errors::Error::DockerResponseServerError { message, .. })
                    if message.contains("active endpoints")
                        && std::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
                removed => {
                    removed.with_context(|| format!("remove the network {name}"))?;
                    narrate::output(name);
                    return Ok(());
                }
            }
        }
    }

    /// `docker network connect NETWORK CONTAINER`: a running container gets
    /// one more interface (`eth1`), an address on that network, and a line
    /// for it in /etc/hosts.
    pub async fn network_connect(&self, network: &str, container: &super::Container) -> Result<()> {
        narrate::command(
            &self.host,
            &format!("docker network connect {network} {}", container.docker_name),
        );
        let request = bollard::models::NetworkConnectRequest {
            container: container.id.clone(),
            endpoint_config: None,
        };
        self.api
            .connect_network(network, request)
            .await
            .with_context(|| {
                format!("connect {} to the network {network}", container.docker_name)
            })?;
        Ok(())
    }

    /// What `docker network inspect NAME` reports that matters here: its
    /// driver, subnet, gateway, options and the containers on it, one per
    /// line. Not the command's own output (that is JSON: see
    /// [`Engine::show_network_inspect_json`]), so the transcript says so in
    /// a comment.
    pub async fn show_network_inspect(&self, name: &str) -> Result<NetworkInspect> {
        narrate::say(&format!(
            "{name}, as `docker network inspect {name}` reports it (the fields that matter, one a line):"
        ));
        let network = self
            .api
            .inspect_network(name, None)
            .await
            .with_context(|| format!("inspect the network {name}"))?;
        let mut out = String::new();
        writeln!(
            out,
            "Driver: {}",
            network.driver.clone().unwrap_or_default()
        )?;
        for config in network
            .ipam
            .as_ref()
            .and_then(|ipam| ipam.config.clone())
            .unwrap_or_default()
        {
            let field = |value: Option<String>| value.unwrap_or_else(|| "-".to_string());
            write!(out, "Subnet: {}", field(config.subnet))?;
            write!(out, "  Gateway: {}", field(config.gateway))?;
            if let Some(range) = config.ip_range {
                write!(out, "  IPRange: {range}")?;
            }
            out.push('\n');
        }
        let mut options: Vec<_> = network
            .options
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect();
        options.sort();
        for (key, value) in options {
            writeln!(out, "Options: {key}={value}")?;
        }
        let mut containers: Vec<_> = network
            .containers
            .clone()
            .unwrap_or_default()
            .into_values()
            .collect();
        containers.sort_by(|a, b| a.ipv4_address.cmp(&b.ipv4_address));
        for container in containers {
            writeln!(
                out,
                "Container: {}  {}  {}",
                container.name.unwrap_or_default(),
                container.ipv4_address.unwrap_or_default(),
                container.mac_address.unwrap_or_default()
            )?;
        }
        narrate::output(out.trim_end());
        Ok(network)
    }

    /// `docker network inspect NAME`, whole: the CLI's JSON.
    pub async fn show_network_inspect_json(&self, name: &str) -> Result<()> {
        self.docker(&["network", "inspect", name]).await?;
        Ok(())
    }
}

/// `docker network rm NAME`, where already gone counts as removed: a 404,
/// or for a swarm network that the swarm removed meanwhile, a 500 whose
/// message says "not found".
pub(crate) async fn remove_network(api: &Docker, name: &str) -> Result<()> {
    match api.remove_network(name).await {
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 500,
            message,
        }) if message.contains("not found") => Ok(()),
        Err(error) if status(&error) != Some(404) => Err(error.into()),
        _ => Ok(()),
    }
}

/// True when the request was done; false, with the Engine's answer printed
/// as the CLI prints it, when the Engine refused it; any other error stays
/// an error.
fn done_or_refused(result: Result<()>) -> Result<bool> {
    match result {
        Ok(()) => Ok(true),
        Err(error) => match error.downcast_ref::<bollard::errors::Error>() {
            Some(bollard::errors::Error::DockerResponseServerError { message, .. }) => {
                narrate::output(&format!("Error response from daemon: {message}"));
                Ok(false)
            }
            _ => Err(error),
        },
    }
}
