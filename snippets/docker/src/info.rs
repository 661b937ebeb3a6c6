//! `docker info` and `docker network ls`: what the CLI prints, and the
//! claims the chapters make about it, read from the Engine API.

use anyhow::{Context, Result};

use super::Engine;

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
}
