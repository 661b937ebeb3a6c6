//! What `docker info`, `docker network ls` and `docker network inspect`
//! print: the fields the chapters talk about, read from the Engine API.

use std::collections::HashMap;
use std::fmt::Write;

use anyhow::{Context, Result};
use bollard::models::{Ipam, NetworkCreateRequest, NetworkInspect};
use bollard::query_parameters::ListNetworksOptionsBuilder;

use super::Engine;
use super::engine::labels;
use crate::narrate;

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
            super::engine::remove_network(&self.api, name).await?;
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
}
