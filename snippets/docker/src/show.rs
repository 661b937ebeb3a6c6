//! `docker info`, `docker network ls` and `docker network inspect`: what
//! the CLI prints, and the fields the chapters talk about, read from the
//! Engine API.

use std::fmt::Write;

use anyhow::{Context, Result};
use bollard::models::NetworkInspect;

use super::Engine;
use netlab::narrate;

impl Engine {
    /// `docker info --format '{{.Plugins.Network}}'`: the network drivers
    /// this Engine has (the line `Network:` under `Plugins:` of `docker
    /// info`).
    pub async fn show_network_drivers(&self) -> Result<Vec<String>> {
        let info = self
            .api
            .info()
            .await
            .context("ask the Engine for docker info")?;
        self.docker(&["info", "--format", "{{.Plugins.Network}}"])
            .await?;
        Ok(info
            .plugins
            .and_then(|plugins| plugins.network)
            .unwrap_or_default())
    }

    /// `docker network ls`, limited to the networks named (a reader's
    /// machine may have others of its own): `--filter name=^bridge$`.
    pub async fn show_networks(&self, names: &[&str]) -> Result<()> {
        let filters: Vec<String> = names.iter().map(|name| format!("name=^{name}$")).collect();
        let mut args = vec!["network", "ls"];
        for filter in &filters {
            args.extend(["--filter", filter]);
        }
        self.docker(&args).await?;
        Ok(())
    }

    /// The claim that the Engine starts with three networks, one per
    /// driver that needs no setup: bridge, host and none (driver null).
    pub async fn claim_default_networks(&self) -> Result<()> {
        let networks = self
            .api
            .list_networks(None::<bollard::query_parameters::ListNetworksOptions>)
            .await
            .context("list the networks")?;
        let has = |name: &str, driver: &str| {
            networks.iter().any(|network| {
                network.name.as_deref() == Some(name) && network.driver.as_deref() == Some(driver)
            })
        };
        self.claim(
            "it starts with three networks, one per driver that needs no setup: bridge (driver \
             bridge), host (host) and none (null)",
            has("bridge", "bridge") && has("host", "host") && has("none", "null"),
        )
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
