//! The `netdev` family: chains bound to one device. Its `ingress` hook sees
//! every frame the device receives, before anything else of the namespace
//! does (the IP layer, a bridge, or a MACVLAN device on it); its `egress`
//! hook every frame the device is about to send, whoever sent it.

use anyhow::Result;

use super::Stmt;
use crate::Netns;

/// Where a netdev chain hooks into its device's path.
#[derive(Clone, Copy, Debug)]
pub enum NetdevHook {
    /// Frames the device receives, first of all.
    Ingress,
    /// Frames the device is about to send, last of all.
    Egress,
}

impl Netns {
    /// `nft add table netdev TABLE`.
    pub fn add_netdev_table(&self, table: &str) -> Result<()> {
        self.nft(&format!("add table netdev {table}"))
    }

    /// `nft add chain netdev TABLE CHAIN '{ type filter hook HOOK device
    /// "DEV" priority filter; policy accept; }'`: a base chain for one
    /// device's frames.
    pub fn add_netdev_chain(
        &self,
        table: &str,
        chain: &str,
        hook: NetdevHook,
        device: &str,
    ) -> Result<()> {
        let name = match hook {
            NetdevHook::Ingress => "ingress",
            NetdevHook::Egress => "egress",
        };
        let spec =
            format!("type filter hook {name} device \"{device}\" priority filter; policy accept;");
        self.nft(&format!("add chain netdev {table} {chain} '{{ {spec} }}'"))
    }

    /// `nft add rule netdev TABLE CHAIN ...`.
    pub fn add_netdev_rule(&self, table: &str, chain: &str, rule: &[Stmt]) -> Result<()> {
        self.add_rule_in("netdev", table, chain, rule)
    }
}
