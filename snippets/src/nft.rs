//! `nft`: the few nftables rules the lab needs, the way Docker's iptables
//! rules do port publishing and NAT.
//!
//! The kernel's firewall is nftables; `iptables` on Debian 12 is
//! `iptables-nft`, which stores its rules as nftables rules too. We speak to
//! it through Debian's `nft` program, in its JSON dialect, with the
//! `nftables` crate: every verb here builds one JSON command, which is the
//! `nft` command narrated above it, and runs `nft -j -f -` with it.
//!
//! A firewall belongs to a network namespace, like links and routes. `nft`
//! changes the namespace it runs in, and a child process starts in the
//! namespace of the thread that started it: so we start `nft` from a thread
//! inside the lab's namespace ([`Netns::run`]). In a rootless run that child
//! is in our user namespace too, root over the lab's namespaces only.
//!
//! Only the IPv4 family (`ip`), as Docker's default bridge, and only what
//! the chapters use: NAT chains, matches on addresses, interfaces and TCP
//! ports, `dnat`, `masquerade`, `jump`, `return` and `counter`.

use std::net::Ipv4Addr;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use nftables::batch::Batch;
use nftables::expr::{
    Expression, Fib, FibFlag, FibResult, Meta, MetaKey, NamedExpression, Payload, PayloadField,
    Prefix,
};
use nftables::helper::{NftablesError, apply_ruleset_with_args};
use nftables::schema::{Chain, NfListObject, Rule, Table};
use nftables::stmt::{AnonymousCounter, Counter, JumpTarget, Match, NAT, Operator, Statement};
use nftables::types::{NfChainPolicy, NfChainType, NfFamily, NfHook};

use crate::addr::parse_cidr;
use crate::{Netns, narrate};

/// Where a NAT chain hooks into the kernel's path of a packet, with the
/// priority iptables' nat table uses there.
#[derive(Clone, Copy, Debug)]
pub enum Hook {
    /// Packets that arrive, before the routing decision: DNAT goes here.
    Prerouting,
    /// Packets this host's own programs send.
    Output,
    /// Every packet about to leave, after routing: SNAT and masquerade.
    Postrouting,
}

impl Hook {
    /// (hook, priority, the priority as `nft list` prints it). `dstnat`
    /// (-100) and `srcnat` (100) are nft's names for iptables' nat
    /// priorities; nft has no name for -100 at the output hook.
    fn parts(self) -> (NfHook, i32, &'static str, &'static str) {
        match self {
            Hook::Prerouting => (NfHook::Prerouting, -100, "prerouting", "dstnat"),
            Hook::Output => (NfHook::Output, -100, "output", "-100"),
            Hook::Postrouting => (NfHook::Postrouting, 100, "postrouting", "srcnat"),
        }
    }
}

/// One part of a rule: a match or a statement, as nft's text and as its
/// JSON. A rule is a list of them, read left to right: every match must hold
/// for the statements after it to act.
#[derive(Clone, Debug)]
pub struct Stmt {
    text: String,
    json: Statement<'static>,
}

impl Netns {
    /// `nft add table ip TABLE`: a table is a namespace for chains.
    pub fn add_table(&self, table: &str) -> Result<()> {
        let json = NfListObject::Table(Table {
            family: NfFamily::IP,
            name: table.to_string().into(),
            handle: None,
        });
        self.nft(&format!("add table ip {table}"), json)
    }

    /// `nft add chain ip TABLE CHAIN '{ type nat hook HOOK priority P; }'`:
    /// a base chain, which the kernel calls for every packet at its hook.
    /// NAT chains see only the first packet of each connection: conntrack
    /// applies the same translation to the rest, and undoes it on replies.
    pub fn add_nat_chain(&self, table: &str, chain: &str, hook: Hook) -> Result<()> {
        let (nf_hook, priority, hook_name, priority_name) = hook.parts();
        let json = NfListObject::Chain(Chain {
            family: NfFamily::IP,
            table: table.to_string().into(),
            name: chain.to_string().into(),
            _type: Some(NfChainType::NAT),
            hook: Some(nf_hook),
            prio: Some(priority),
            policy: Some(NfChainPolicy::Accept),
            ..Chain::default()
        });
        let spec = format!("type nat hook {hook_name} priority {priority_name}; policy accept;");
        self.nft(
            &format!("add chain ip {table} {chain} '{{ {spec} }}'"),
            json,
        )
    }

    /// `nft add chain ip TABLE CHAIN`: a regular chain, which runs only when
    /// a rule jumps to it (as iptables' `DOCKER` chain).
    pub fn add_chain(&self, table: &str, chain: &str) -> Result<()> {
        let json = NfListObject::Chain(Chain {
            family: NfFamily::IP,
            table: table.to_string().into(),
            name: chain.to_string().into(),
            ..Chain::default()
        });
        self.nft(&format!("add chain ip {table} {chain}"), json)
    }

    /// `nft add rule ip TABLE CHAIN ...`: append a rule to a chain.
    pub fn add_rule(&self, table: &str, chain: &str, rule: &[Stmt]) -> Result<()> {
        let text = rule
            .iter()
            .map(|part| part.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let json = NfListObject::Rule(Rule {
            family: NfFamily::IP,
            table: table.to_string().into(),
            chain: chain.to_string().into(),
            expr: rule.iter().map(|part| part.json.clone()).collect(),
            ..Rule::default()
        });
        // Quoted for the shell, which would take `"` and `!` for itself.
        self.nft(&format!("add rule ip {table} {chain} '{text}'"), json)
    }

    /// `nft list ruleset`: every table of this namespace, as nft prints it
    /// (this is nft's own output, not a rendering of ours).
    pub fn list_ruleset(&self) -> Result<String> {
        self.nft_list("list ruleset")
    }

    /// `nft list chain ip TABLE CHAIN`: one chain, with its counters.
    pub fn list_chain(&self, table: &str, chain: &str) -> Result<String> {
        self.nft_list(&format!("list chain ip {table} {chain}"))
    }

    fn nft(&self, command: &str, object: NfListObject<'static>) -> Result<()> {
        narrate::command(self, &format!("nft {command}"));
        let mut batch = Batch::new();
        batch.add(object);
        let ruleset = batch.to_nftables();
        let program = nft_program()?;
        self.run(|| {
            apply_ruleset_with_args(&ruleset, Some(&program), nftables::helper::DEFAULT_ARGS)
                .map_err(nft_error)
                .with_context(|| format!("nft {command} in {}", self.name))
        })
    }

    fn nft_list(&self, command: &str) -> Result<String> {
        narrate::command(self, &format!("nft {command}"));
        let program = nft_program()?;
        let output = self.run(|| {
            Command::new(&program)
                .args(command.split(' '))
                .output()
                .with_context(|| format!("run {program} {command} in {}", self.name))
        })?;
        if !output.status.success() {
            bail!(
                "nft {command} in {} failed: {}",
                self.name,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        let text = String::from_utf8(output.stdout).context("read nft's output")?;
        narrate::output(text.trim_end());
        Ok(text)
    }
}

/// `ip saddr 172.17.0.0/16`: the packet comes from that subnet.
pub fn ip_saddr(cidr: &str) -> Result<Stmt> {
    let (text, json) = prefix(cidr)?;
    Ok(matches(
        "ip saddr",
        ip_field("saddr"),
        Operator::EQ,
        &text,
        json,
    ))
}

/// `ip daddr != 127.0.0.0/8`: the packet is not for that subnet.
pub fn ip_daddr_not(cidr: &str) -> Result<Stmt> {
    let (text, json) = prefix(cidr)?;
    Ok(matches(
        "ip daddr",
        ip_field("daddr"),
        Operator::NEQ,
        &text,
        json,
    ))
}

/// `iifname "docker0"`: the packet came in through that device.
pub fn iifname(device: &str) -> Stmt {
    let (text, json) = quoted(device);
    matches("iifname", meta(MetaKey::Iifname), Operator::EQ, &text, json)
}

/// `iifname != "docker0"`: it came in through any other device.
pub fn iifname_not(device: &str) -> Stmt {
    let (text, json) = quoted(device);
    matches(
        "iifname",
        meta(MetaKey::Iifname),
        Operator::NEQ,
        &text,
        json,
    )
}

/// `oifname != "docker0"`: it leaves through any other device.
pub fn oifname_not(device: &str) -> Stmt {
    let (text, json) = quoted(device);
    matches(
        "oifname",
        meta(MetaKey::Oifname),
        Operator::NEQ,
        &text,
        json,
    )
}

/// `tcp dport 8443`: a TCP segment for that port.
pub fn tcp_dport(port: u16) -> Stmt {
    let left = NamedExpression::Payload(Payload::PayloadField(PayloadField {
        protocol: "tcp".into(),
        field: "dport".into(),
    }));
    let right = Expression::Number(port.into());
    matches("tcp dport", left, Operator::EQ, &port.to_string(), right)
}

/// `fib daddr type local`: the destination is one of this host's own
/// addresses, on any device (a lookup in the routing table `local`). It is
/// iptables' `-m addrtype --dst-type LOCAL`.
pub fn fib_daddr_type_local() -> Stmt {
    let left = NamedExpression::Fib(Fib {
        result: FibResult::Type,
        flags: [FibFlag::Daddr].into_iter().collect(),
    });
    let right = Expression::String("local".into());
    matches("fib daddr type", left, Operator::EQ, "local", right)
}

/// `counter`: count the packets and bytes that reach this point of the rule.
pub fn counter() -> Stmt {
    let json = Statement::Counter(Counter::Anonymous(Some(AnonymousCounter::default())));
    stmt("counter", json)
}

/// `dnat to 172.17.0.2:80`: rewrite the destination of the connection.
pub fn dnat_to(ip: Ipv4Addr, port: u16) -> Stmt {
    let json = Statement::DNAT(Some(NAT {
        addr: Some(Expression::String(ip.to_string().into())),
        family: None,
        port: Some(Expression::Number(port.into())),
        flags: None,
    }));
    stmt(&format!("dnat to {ip}:{port}"), json)
}

/// `masquerade`: rewrite the source to the address of the device the
/// packet leaves by (SNAT to whatever address that is right now).
pub fn masquerade() -> Stmt {
    stmt("masquerade", Statement::Masquerade(None))
}

/// `jump CHAIN`: run that chain's rules, then come back.
pub fn jump(chain: &str) -> Stmt {
    let target = chain.to_string().into();
    stmt(
        &format!("jump {chain}"),
        Statement::Jump(JumpTarget { target }),
    )
}

/// `return`: leave this chain, back to the rule that jumped here.
pub fn ret() -> Stmt {
    stmt("return", Statement::Return(None))
}

fn stmt(text: &str, json: Statement<'static>) -> Stmt {
    let text = text.to_string();
    Stmt { text, json }
}

/// A match, `LEFT RIGHT` or `LEFT != RIGHT`, as nft writes it.
fn matches(
    left_text: &str,
    left: NamedExpression<'static>,
    op: Operator,
    right_text: &str,
    right: Expression<'static>,
) -> Stmt {
    let text = match op {
        Operator::NEQ => format!("{left_text} != {right_text}"),
        _ => format!("{left_text} {right_text}"),
    };
    let left = Expression::Named(left);
    stmt(&text, Statement::Match(Match { left, right, op }))
}

fn ip_field(field: &'static str) -> NamedExpression<'static> {
    NamedExpression::Payload(Payload::PayloadField(PayloadField {
        protocol: "ip".into(),
        field: field.into(),
    }))
}

fn meta(key: MetaKey) -> NamedExpression<'static> {
    NamedExpression::Meta(Meta { key })
}

/// nft prints device names in quotes: they are strings, not keywords.
fn quoted(device: &str) -> (String, Expression<'static>) {
    let json = Expression::String(device.to_string().into());
    (format!("\"{device}\""), json)
}

fn prefix(cidr: &str) -> Result<(String, Expression<'static>)> {
    let (ip, len) = parse_cidr(cidr)?;
    let json = Expression::Named(NamedExpression::Prefix(Prefix {
        addr: Box::new(Expression::String(ip.to_string().into())),
        len: len.into(),
    }));
    Ok((cidr.to_string(), json))
}

/// Where `nft` is. It lives in /usr/sbin, which an ordinary user's PATH
/// often lacks (rootless runs need it all the same).
fn nft_program() -> Result<String> {
    let path = std::env::var("PATH").unwrap_or_default();
    let dirs = path.split(':').chain(["/usr/sbin", "/sbin"]);
    dirs.map(|dir| Path::new(dir).join("nft"))
        .find(|candidate| candidate.is_file())
        .map(|found| found.to_string_lossy().into_owned())
        .context("find the nft program: install Debian's nftables package (apt install nftables)")
}

/// nft's own message says what was wrong ("Error: No such file or
/// directory" for a missing table, "Operation not permitted" without
/// CAP_NET_ADMIN): keep it.
fn nft_error(error: NftablesError) -> anyhow::Error {
    match error {
        NftablesError::NftFailed { stderr, .. } => anyhow::anyhow!("{}", stderr.trim()),
        other => anyhow::Error::new(other),
    }
}
