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

    /// `docker network inspect NAME`, whole, as the CLI prints it: the
    /// Engine's own JSON answer to `GET /networks/NAME`, its keys in the
    /// Engine's order, in a list, indented by four spaces.
    ///
    /// bollard would parse the answer into a struct and lose the order of
    /// its maps, so this one request is made by hand: HTTP/1.0 over the
    /// Unix socket, the body after the first empty line.
    pub async fn show_network_inspect_json(&self, name: &str) -> Result<()> {
        narrate::command(&self.host, &format!("docker network inspect {name}"));
        let socket = self.socket.clone();
        let path = format!("/networks/{name}");
        let body = tokio::task::spawn_blocking(move || raw_get(&socket, &path)).await??;
        let network: serde_json::Value = serde_json::from_slice(&body)
            .with_context(|| format!("read the Engine's JSON for the network {name}"))?;
        let mut text = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut serializer = serde_json::Serializer::with_formatter(&mut text, formatter);
        serde::Serialize::serialize(&vec![network], &mut serializer)
            .context("print the network's JSON")?;
        narrate::output(&String::from_utf8_lossy(&text));
        Ok(())
    }
}

/// `GET PATH` to the Engine's socket, and the body of its answer.
fn raw_get(socket: &std::path::Path, path: &str) -> Result<Vec<u8>> {
    use std::io::{Read, Write};
    let what = || format!("GET {path} from the Engine at {}", socket.display());
    let mut stream = std::os::unix::net::UnixStream::connect(socket).with_context(what)?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: docker\r\n\r\n").with_context(what)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).with_context(what)?;
    let start = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .with_context(|| format!("{}: no HTTP answer", what()))?;
    if !answer.starts_with(b"HTTP/1.0 200") && !answer.starts_with(b"HTTP/1.1 200") {
        let status = String::from_utf8_lossy(&answer[..start]);
        anyhow::bail!("{}: {}", what(), status.lines().next().unwrap_or_default());
    }
    Ok(answer[start + 4..].to_vec())
}
