//! What dockerd built, read back from the kernel of the host: the proof
//! that Docker's objects are the kernel objects the other chapters build
//! from syscalls.

use std::process::Command;

use anyhow::{Context, Result, bail};

use super::{Container, Engine};
use crate::link::Link;
use crate::narrate;

impl Engine {
    /// Which host veth is this container's? `cat /sys/class/net/eth0/iflink`
    /// inside the container prints the ifindex of eth0's peer (a veth knows
    /// its peer's index even across namespaces); the host device with that
    /// index is the other end. `docker` itself never tells.
    pub async fn host_veth_of(&self, container: &Container) -> Result<Link> {
        let iflink = self
            .exec(container, &["cat", "/sys/class/net/eth0/iflink"])
            .await?;
        let index: u32 = iflink
            .trim()
            .parse()
            .with_context(|| format!("read eth0's peer index in {}: {iflink:?}", container.name))?;
        narrate::command(&self.host, &format!("ip -o link | grep '^{index}:'"));
        let links = self.host.links().await?;
        let Some(veth) = links.iter().find(|link| link.index == index) else {
            bail!("no device with ifindex {index} on the host");
        };
        let master = veth
            .master
            .and_then(|m| links.iter().find(|link| link.index == m))
            .map(|m| format!(" master {}", m.name))
            .unwrap_or_default();
        let peer = veth
            .peer_index
            .map(|p| format!("@if{p}"))
            .unwrap_or_default();
        narrate::output(&format!(
            "{index}: {}{peer}: mtu {}{master} state {}",
            veth.name, veth.mtu, veth.operstate
        ));
        Ok(veth.clone())
    }

    /// `iptables-save -t nat | grep -e DOCKER -e MASQUERADE`: the NAT rules
    /// dockerd keeps (on Debian 12, iptables-nft: they are nftables rules
    /// underneath, in tables named `nat`, and `nft list ruleset` shows them
    /// too). Returns the rule lines.
    pub fn show_nat_rules(&self) -> Result<Vec<String>> {
        narrate::command(
            &self.host,
            "iptables-save -t nat | grep -e '^-A DOCKER' -e MASQUERADE",
        );
        let rules = docker_nat_rules()?;
        narrate::output(&rules.join("\n"));
        Ok(rules)
    }
}

/// The lines of `iptables-save -t nat` that Docker added: its DOCKER chain
/// and the masquerade rules for its subnets.
pub fn docker_nat_rules() -> Result<Vec<String>> {
    let output = Command::new("iptables-save")
        .args(["-t", "nat"])
        .output()
        .context("run iptables-save -t nat (Debian: `sudo apt-get install iptables`)")?;
    if !output.status.success() {
        bail!(
            "iptables-save -t nat failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(text
        .lines()
        .filter(|line| line.starts_with("-A DOCKER") || line.contains("MASQUERADE"))
        .map(str::to_string)
        .collect())
}
