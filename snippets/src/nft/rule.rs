//! `nft add rule`: a rule is a list of statements, read left to right;
//! every match must hold for the statements after it to act. Each
//! statement here is nft's own text, so a rule is the `nft` command it
//! prints, and that command is what nft is given.

use std::net::Ipv4Addr;

use anyhow::Result;

use crate::Netns;
use crate::ip::addr::parse_cidr;

/// One part of a rule, a match or a statement, in nft's words: `ip saddr
/// 172.17.0.0/16`, `masquerade`.
#[derive(Clone, Debug)]
pub struct Stmt {
    text: String,
}

impl Netns {
    /// `nft add rule ip TABLE CHAIN ...`: append a rule to a chain.
    pub fn add_rule(&self, table: &str, chain: &str, rule: &[Stmt]) -> Result<()> {
        self.add_rule_in("ip", table, chain, rule)
    }

    /// `nft add rule FAMILY TABLE CHAIN ...`: a table's name is its own
    /// only within its family (`ip`, or `netdev`: netdev.rs).
    pub(super) fn add_rule_in(
        &self,
        family: &str,
        table: &str,
        chain: &str,
        rule: &[Stmt],
    ) -> Result<()> {
        let text = rule
            .iter()
            .map(|part| part.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        // Quoted for the shell, which would take `"` and `!` for itself.
        self.nft(&format!("add rule {family} {table} {chain} '{text}'"))
    }
}

/// `ip saddr 172.17.0.0/16`: the packet comes from that subnet.
pub fn ip_saddr(cidr: &str) -> Result<Stmt> {
    Ok(stmt(&format!("ip saddr {}", prefix(cidr)?)))
}

/// `ip daddr != 127.0.0.0/8`: the packet is not for that subnet.
pub fn ip_daddr_not(cidr: &str) -> Result<Stmt> {
    Ok(stmt(&format!("ip daddr != {}", prefix(cidr)?)))
}

/// `iifname "docker0"`: the packet came in through that device.
pub fn iifname(device: &str) -> Stmt {
    stmt(&format!("iifname \"{device}\""))
}

/// `iifname != "docker0"`: it came in through any other device.
pub fn iifname_not(device: &str) -> Stmt {
    stmt(&format!("iifname != \"{device}\""))
}

/// `oifname != "docker0"`: it leaves through any other device.
pub fn oifname_not(device: &str) -> Stmt {
    stmt(&format!("oifname != \"{device}\""))
}

/// `tcp dport 8443`: a TCP segment for that port.
pub fn tcp_dport(port: u16) -> Stmt {
    stmt(&format!("tcp dport {port}"))
}

/// `udp dport 4789`: a UDP datagram for that port.
pub fn udp_dport(port: u16) -> Stmt {
    stmt(&format!("udp dport {port}"))
}

/// `icmp type echo-request`: a ping's request.
pub fn icmp_echo_request() -> Stmt {
    stmt("icmp type echo-request")
}

/// `tcp flags syn`: the SYN bit is set, whatever the others are (nft's
/// `in` for flags: `tcp flags & syn != 0`). The first packet of a TCP
/// connection has it, and so has the answer, SYN-ACK; no other packet does.
pub fn tcp_flags_syn() -> Stmt {
    stmt("tcp flags syn")
}

/// `ct original ip saddr 192.168.20.150`: the packet belongs to a
/// connection that this address opened, in either direction. conntrack
/// keeps each connection's first packet as its `original` tuple, so the
/// match holds for the replies too.
pub fn ct_original_saddr(ip: Ipv4Addr) -> Stmt {
    stmt(&format!("ct original ip saddr {ip}"))
}

/// `ct original proto-dst 8443`: ... of a connection opened to that port.
pub fn ct_original_proto_dst(port: u16) -> Stmt {
    stmt(&format!("ct original proto-dst {port}"))
}

/// `meta nftrace set 1`: trace this packet (`nft monitor trace`, trace.rs).
pub fn nftrace() -> Stmt {
    stmt("meta nftrace set 1")
}

/// `fib daddr type local`: the destination is one of this host's own
/// addresses, on any device (a lookup in the routing table `local`). It is
/// iptables' `-m addrtype --dst-type LOCAL`.
pub fn fib_daddr_type_local() -> Stmt {
    stmt("fib daddr type local")
}

/// `counter`: count the packets and bytes that reach this point of the rule.
pub fn counter() -> Stmt {
    stmt("counter")
}

/// `dnat to 172.17.0.2:80`: rewrite the destination of the connection.
pub fn dnat_to(ip: Ipv4Addr, port: u16) -> Stmt {
    stmt(&format!("dnat to {ip}:{port}"))
}

/// `masquerade`: rewrite the source to the address of the device the
/// packet leaves by (SNAT to whatever address that is right now).
pub fn masquerade() -> Stmt {
    stmt("masquerade")
}

/// `jump CHAIN`: run that chain's rules, then come back.
pub fn jump(chain: &str) -> Stmt {
    stmt(&format!("jump {chain}"))
}

/// `return`: leave this chain, back to the rule that jumped here.
pub fn ret() -> Stmt {
    stmt("return")
}

fn stmt(text: &str) -> Stmt {
    let text = text.to_string();
    Stmt { text }
}

/// `172.17.0.0/16`, checked: an address, and a prefix length of 0 to 32.
fn prefix(cidr: &str) -> Result<String> {
    let (ip, len) = parse_cidr(cidr)?;
    Ok(format!("{ip}/{len}"))
}
