//! What `docker info`, `docker network ls` and `docker network inspect`
//! print: the fields the chapters talk about, read from the Engine API.

use std::fmt::Write;

use anyhow::{Context, Result};
use bollard::models::NetworkInspect;
use bollard::query_parameters::ListNetworksOptionsBuilder;

use super::Engine;
use crate::narrate;

impl Engine {
    /// `docker info`, the line `Network:` under `Plugins:`: the network
    /// drivers this Engine has.
    pub async fn show_network_drivers(&self) -> Result<Vec<String>> {
        narrate::command(
            &self.host,
            "docker info --format '{{.Plugins.Network}}'    # Plugins: Network:",
        );
        let info = self
            .api
            .info()
            .await
            .context("ask the Engine for docker info")?;
        let drivers = info
            .plugins
            .and_then(|plugins| plugins.network)
            .unwrap_or_default();
        narrate::output(&format!("[{}]", drivers.join(" ")));
        Ok(drivers)
    }

    /// `docker network ls`, limited to the networks named (a reader's
    /// machine may have others of its own).
    pub async fn show_networks(&self, names: &[&str]) -> Result<()> {
        let filter = names
            .iter()
            .map(|name| format!(" --filter name=^{name}$"))
            .collect::<String>();
        narrate::command(&self.host, &format!("docker network ls{filter}"));
        let options = ListNetworksOptionsBuilder::default().build();
        let networks = self
            .api
            .list_networks(Some(options))
            .await
            .context("list the networks")?;
        let mut out = String::from("NETWORK ID     NAME      DRIVER    SCOPE\n");
        for name in names {
            if let Some(network) = networks.iter().find(|n| n.name.as_deref() == Some(name)) {
                let id = network.id.clone().unwrap_or_default();
                writeln!(
                    out,
                    "{:<14} {:<9} {:<9} {}",
                    &id[..id.len().min(12)],
                    name,
                    network.driver.clone().unwrap_or_default(),
                    network.scope.clone().unwrap_or_default()
                )?;
            }
        }
        narrate::output(out.trim_end());
        Ok(())
    }

    /// `docker network inspect NAME`: its driver, subnet, gateway, options
    /// and the containers on it, one per line instead of Docker's JSON.
    pub async fn show_network_inspect(&self, name: &str) -> Result<NetworkInspect> {
        narrate::command(
            &self.host,
            &format!("docker network inspect {name}    # the fields that matter"),
        );
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
}
