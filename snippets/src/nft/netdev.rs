//! The `netdev` family: chains bound to one device. Its `ingress` hook sees
//! every frame the device receives, before anything else of the namespace
//! does (the IP layer, a bridge, or a MACVLAN device on it); its `egress`
//! hook every frame the device is about to send, whoever sent it.

use anyhow::Result;
use nftables::schema::{Chain, NfListObject, Table};
use nftables::types::{NfChainPolicy, NfChainType, NfFamily, NfHook};

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
        let json = NfListObject::Table(Table {
            family: NfFamily::NetDev,
            name: table.to_string().into(),
            handle: None,
        });
        self.nft(&format!("add table netdev {table}"), json)
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
        let (nf_hook, name) = match hook {
            NetdevHook::Ingress => (NfHook::Ingress, "ingress"),
            NetdevHook::Egress => (NfHook::Egress, "egress"),
        };
        let json = NfListObject::Chain(Chain {
            family: NfFamily::NetDev,
            table: table.to_string().into(),
            name: chain.to_string().into(),
            _type: Some(NfChainType::Filter),
            hook: Some(nf_hook),
            prio: Some(0),
            dev: Some(device.to_string().into()),
            policy: Some(NfChainPolicy::Accept),
            ..Chain::default()
        });
        let spec =
            format!("type filter hook {name} device \"{device}\" priority filter; policy accept;");
        self.nft(
            &format!("add chain netdev {table} {chain} '{{ {spec} }}'"),
            json,
        )
    }

    /// `nft add rule netdev TABLE CHAIN ...`.
    pub fn add_netdev_rule(&self, table: &str, chain: &str, rule: &[Stmt]) -> Result<()> {
        self.add_rule_in(NfFamily::NetDev, table, chain, rule)
    }
}
