//! `nft add rule ip nat postrouting ip saddr SUBNET oifname != BRIDGE
//! masquerade`: docker_gwbridge's way out.
//!
//! A small, self-contained use of nftables for the overlay chapter; the
//! `nft` module (port publishing) is the general one, and this belongs
//! there once both exist. The `nftables` crate writes the rules as JSON and
//! hands them to the `nft` binary (`nft -j -f -`), which we run on a thread
//! inside the lab host's namespace: a child process starts in the network
//! namespace of the thread that forks it, so the rules land there, never
//! in your machine's firewall.

use std::borrow::Cow;

use anyhow::{Context, Result};
use nftables::batch::Batch;
use nftables::expr::{Expression, Meta, MetaKey, NamedExpression, Payload, PayloadField, Prefix};
use nftables::schema::{Chain, NfListObject, Rule, Table};
use nftables::stmt::{Match, Operator, Statement};
use nftables::types::{NfChainType, NfFamily, NfHook};

use crate::addr::parse_cidr;
use crate::{Netns, narrate};

impl Netns {
    /// What Docker's `-t nat -A POSTROUTING -s 172.18.0.0/16 ! -o
    /// docker_gwbridge -j MASQUERADE` does, in nftables: packets from the
    /// bridge's subnet that leave by another device get the address of that
    /// device as their source. Conntrack remembers each connection, and
    /// undoes the change on the replies.
    pub fn masquerade(&self, subnet: &str, bridge: &str) -> Result<()> {
        narrate::command(self, "nft add table ip nat");
        narrate::command(
            self,
            "nft add chain ip nat postrouting '{ type nat hook postrouting priority srcnat; }'",
        );
        narrate::command(
            self,
            &format!(
                "nft add rule ip nat postrouting ip saddr {subnet} oifname != \"{bridge}\" masquerade"
            ),
        );
        let (network, prefix_len) = parse_cidr(subnet)?;
        let mut batch = Batch::new();
        batch.add(NfListObject::Table(Table {
            family: NfFamily::IP,
            name: "nat".into(),
            handle: None,
        }));
        batch.add(NfListObject::Chain(Chain {
            family: NfFamily::IP,
            table: "nat".into(),
            name: "postrouting".into(),
            _type: Some(NfChainType::NAT),
            hook: Some(NfHook::Postrouting),
            prio: Some(100), // srcnat
            ..Chain::default()
        }));
        let from_subnet = Statement::Match(Match {
            left: Expression::Named(NamedExpression::Payload(Payload::PayloadField(
                PayloadField {
                    protocol: "ip".into(),
                    field: "saddr".into(),
                },
            ))),
            right: Expression::Named(NamedExpression::Prefix(Prefix {
                addr: Box::new(Expression::String(network.to_string().into())),
                len: u32::from(prefix_len),
            })),
            op: Operator::EQ,
        });
        let not_back_to_bridge = Statement::Match(Match {
            left: Expression::Named(NamedExpression::Meta(Meta {
                key: MetaKey::Oifname,
            })),
            right: Expression::String(Cow::Owned(bridge.to_string())),
            op: Operator::NEQ,
        });
        batch.add(NfListObject::Rule(Rule {
            family: NfFamily::IP,
            table: "nat".into(),
            chain: "postrouting".into(),
            expr: vec![from_subnet, not_back_to_bridge, Statement::Masquerade(None)].into(),
            handle: None,
            index: None,
            comment: None,
        }));
        let ruleset = batch.to_nftables();
        self.run(|| {
            nftables::helper::apply_ruleset(&ruleset)
                .context("run `nft -j -f -` (Debian's package nftables)")
        })
        .with_context(|| format!("add the masquerade rule for {subnet} in {}", self.name))
    }
}
