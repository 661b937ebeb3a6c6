//! `nft add rule`: a rule is a list of statements, read left to right;
//! every match must hold for the statements after it to act. Each
//! statement here is nft's text and its JSON side by side, so a rule prints
//! as the `nft` command it is.

use std::net::Ipv4Addr;

use anyhow::Result;
use nftables::expr::{
    CT, CTDir, Expression, Fib, FibFlag, FibResult, Meta, MetaKey, NamedExpression, Payload,
    PayloadField, Prefix,
};
use nftables::schema::{NfListObject, Rule};
use nftables::stmt::{
    AnonymousCounter, Counter, JumpTarget, Mangle, Match, NAT, Operator, Statement,
};
use nftables::types::NfFamily;

use crate::Netns;
use crate::ip::addr::parse_cidr;

/// One part of a rule: a match or a statement, as nft's text and as its
/// JSON. A rule is a list of them, read left to right: every match must hold
/// for the statements after it to act.
#[derive(Clone, Debug)]
pub struct Stmt {
    text: String,
    json: Statement<'static>,
}

impl Netns {
    /// `nft add rule ip TABLE CHAIN ...`: append a rule to a chain.
    pub fn add_rule(&self, table: &str, chain: &str, rule: &[Stmt]) -> Result<()> {
        self.add_rule_in(NfFamily::IP, table, chain, rule)
    }

    /// `nft add rule FAMILY TABLE CHAIN ...`: a table's name is its own
    /// only within its family (`ip`, or `netdev`: netdev.rs).
    pub(super) fn add_rule_in(
        &self,
        family: NfFamily,
        table: &str,
        chain: &str,
        rule: &[Stmt],
    ) -> Result<()> {
        let text = rule
            .iter()
            .map(|part| part.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let json = NfListObject::Rule(Rule {
            family,
            table: table.to_string().into(),
            chain: chain.to_string().into(),
            expr: rule.iter().map(|part| part.json.clone()).collect(),
            ..Rule::default()
        });
        let family = match family {
            NfFamily::NetDev => "netdev",
            _ => "ip",
        };
        // Quoted for the shell, which would take `"` and `!` for itself.
        self.nft(&format!("add rule {family} {table} {chain} '{text}'"), json)
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

/// `udp dport 4789`: a UDP datagram for that port.
pub fn udp_dport(port: u16) -> Stmt {
    let field = payload("udp", "dport");
    is(field, (port.to_string(), Expression::Number(port.into())))
}

/// `icmp type echo-request`: a ping's request.
pub fn icmp_echo_request() -> Stmt {
    let value = (
        "echo-request".to_string(),
        Expression::String("echo-request".into()),
    );
    is(payload("icmp", "type"), value)
}

/// `tcp flags syn`: the SYN bit is set, whatever the others are (nft's
/// `in` for flags: `tcp flags & syn != 0`). The first packet of a TCP
/// connection has it, and so has the answer, SYN-ACK; no other packet does.
pub fn tcp_flags_syn() -> Stmt {
    let json = Statement::Match(Match {
        left: payload("tcp", "flags").1,
        right: Expression::String("syn".into()),
        op: Operator::IN,
    });
    stmt("tcp flags syn", json)
}

/// `ct original ip saddr 192.168.20.150`: the packet belongs to a
/// connection that this address opened, in either direction. conntrack
/// keeps each connection's first packet as its `original` tuple, so the
/// match holds for the replies too.
pub fn ct_original_saddr(ip: Ipv4Addr) -> Stmt {
    let value = (ip.to_string(), Expression::String(ip.to_string().into()));
    is(ct_original("ip saddr"), value)
}

/// `ct original proto-dst 8443`: ... of a connection opened to that port.
pub fn ct_original_proto_dst(port: u16) -> Stmt {
    let value = (port.to_string(), Expression::Number(port.into()));
    is(ct_original("proto-dst"), value)
}

/// `meta nftrace set 1`: trace this packet (`nft monitor trace`, trace.rs).
pub fn nftrace() -> Stmt {
    let key = Expression::Named(NamedExpression::Meta(Meta {
        key: MetaKey::Nftrace,
    }));
    let value = Expression::Number(1);
    stmt(
        "meta nftrace set 1",
        Statement::Mangle(Mangle { key, value }),
    )
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

/// A field of a connection's original tuple, as conntrack keeps it.
fn ct_original(key: &'static str) -> Side {
    let json = NamedExpression::CT(CT {
        key: key.into(),
        family: None,
        dir: Some(CTDir::Original),
    });
    (format!("ct original {key}"), Expression::Named(json))
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
