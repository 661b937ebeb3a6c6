//! `nft`: the few nftables rules the lab needs, the way Docker's iptables
//! rules do port publishing and NAT.
//!
//! The kernel's firewall is nftables; `iptables` on Debian 12 is
//! `iptables-nft`, which stores its rules as nftables rules too. We speak to
//! it through Debian's `nft` program, in its JSON dialect, with the
//! `nftables` crate's types: every verb here builds one JSON command, which
//! is the `nft` command narrated above it, and runs `nft -j -f -` with it.
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

use std::io::Write;
use std::net::Ipv4Addr;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result};
use nftables::batch::Batch;
use nftables::expr::{
    Expression, Fib, FibFlag, FibResult, Meta, MetaKey, NamedExpression, Payload, PayloadField,
    Prefix,
};
use nftables::schema::{Chain, NfListObject, Rule, Table};
use nftables::stmt::{AnonymousCounter, Counter, JumpTarget, Match, NAT, Operator, Statement};
use nftables::types::{NfChainPolicy, NfChainType, NfFamily, NfHook};
use nix::errno::Errno;

use crate::error::errno_error;
use crate::ip::addr::parse_cidr;
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
        let json = serde_json::to_string(&batch.to_nftables()).context("write nft's JSON")?;
        self.run_nft(command, &["-j", "-f", "-"], &json).map(drop)
    }

    fn nft_list(&self, command: &str) -> Result<String> {
        narrate::command(self, &format!("nft {command}"));
        let args: Vec<&str> = command.split(' ').collect();
        let text = self.run_nft(command, &args, "")?;
        narrate::output(text.trim_end());
        Ok(text)
    }

    /// Runs `nft ARGS`, with `input` on its stdin, from a thread inside this
    /// namespace, and returns what it printed. (The crate's own helper lets
    /// nft's error messages go to our stderr; we keep them for the error.)
    fn run_nft(&self, command: &str, args: &[&str], input: &str) -> Result<String> {
        let program = nft_program()?;
        let output = self.run(|| {
            let mut child = Command::new(&program)
                .args(args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .with_context(|| format!("start {program} in {}", self.name))?;
            let mut stdin = child.stdin.take().context("nft's stdin")?;
            stdin.write_all(input.as_bytes()).context("write to nft")?;
            drop(stdin);
            child.wait_with_output().context("wait for nft")
        })?;
        if !output.status.success() {
            let message = String::from_utf8_lossy(&output.stderr).trim().to_string();
            // Without CAP_NET_ADMIN: keep the errno, for its hint.
            let error = if message.contains("Operation not permitted") {
                errno_error(Errno::EPERM).context(message)
            } else {
                anyhow::anyhow!(message)
            };
            return Err(error.context(format!("nft {command} in {}", self.name)));
        }
        String::from_utf8(output.stdout).context("read nft's output")
    }
}

/// `ip saddr 172.17.0.0/16`: the packet comes from that subnet.
pub fn ip_saddr(cidr: &str) -> Result<Stmt> {
    Ok(is(ip("saddr"), prefix(cidr)?))
}

/// `ip daddr != 127.0.0.0/8`: the packet is not for that subnet.
pub fn ip_daddr_not(cidr: &str) -> Result<Stmt> {
    Ok(is_not(ip("daddr"), prefix(cidr)?))
}

/// `iifname "docker0"`: the packet came in through that device.
pub fn iifname(device: &str) -> Stmt {
    is(meta(MetaKey::Iifname, "iifname"), quoted(device))
}

/// `iifname != "docker0"`: it came in through any other device.
pub fn iifname_not(device: &str) -> Stmt {
    is_not(meta(MetaKey::Iifname, "iifname"), quoted(device))
}

/// `oifname != "docker0"`: it leaves through any other device.
pub fn oifname_not(device: &str) -> Stmt {
    is_not(meta(MetaKey::Oifname, "oifname"), quoted(device))
}

/// `tcp dport 8443`: a TCP segment for that port.
pub fn tcp_dport(port: u16) -> Stmt {
    let field = payload("tcp", "dport");
    is(field, (port.to_string(), Expression::Number(port.into())))
}

/// `fib daddr type local`: the destination is one of this host's own
/// addresses, on any device (a lookup in the routing table `local`). It is
/// iptables' `-m addrtype --dst-type LOCAL`.
pub fn fib_daddr_type_local() -> Stmt {
    let flags = [FibFlag::Daddr].into_iter().collect();
    let fib = NamedExpression::Fib(Fib {
        result: FibResult::Type,
        flags,
    });
    let left = ("fib daddr type".to_string(), Expression::Named(fib));
    is(
        left,
        ("local".to_string(), Expression::String("local".into())),
    )
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

/// One side of a match: nft's text and the JSON expression.
type Side = (String, Expression<'static>);

/// `LEFT RIGHT`: nft leaves out `==`.
fn is(left: Side, right: Side) -> Stmt {
    let text = format!("{} {}", left.0, right.0);
    let (left, right, op) = (left.1, right.1, Operator::EQ);
    stmt(&text, Statement::Match(Match { left, right, op }))
}

/// `LEFT != RIGHT`.
fn is_not(left: Side, right: Side) -> Stmt {
    let text = format!("{} != {}", left.0, right.0);
    let (left, right, op) = (left.1, right.1, Operator::NEQ);
    stmt(&text, Statement::Match(Match { left, right, op }))
}

fn ip(field: &'static str) -> Side {
    payload("ip", field)
}

/// A field of a packet header: `ip saddr`, `tcp dport`.
fn payload(protocol: &'static str, field: &'static str) -> Side {
    let json = NamedExpression::Payload(Payload::PayloadField(PayloadField {
        protocol: protocol.into(),
        field: field.into(),
    }));
    (format!("{protocol} {field}"), Expression::Named(json))
}

/// Packet metadata: `iifname`, the name of the device it came in by.
fn meta(key: MetaKey, text: &str) -> Side {
    let json = Expression::Named(NamedExpression::Meta(Meta { key }));
    (text.to_string(), json)
}

/// nft prints device names in quotes: they are strings, not keywords.
fn quoted(device: &str) -> Side {
    let json = Expression::String(device.to_string().into());
    (format!("\"{device}\""), json)
}

fn prefix(cidr: &str) -> Result<Side> {
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
