//! What `nft monitor trace` printed on the lab host, read for the chapter's
//! claims: outside's SYN passes the DNAT and is forwarded to red; red's
//! SYN-ACK passes no nat chain, and still leaves from 192.168.20.200:8443,
//! because conntrack undoes the DNAT on the replies itself.

use netlab::nft::Trace;
use netlab::{Lab, Result};

/// The chapter's claims about the path of the connection's first packets.
pub fn claim_path(lab: &Lab, lines: &[String]) -> Result<()> {
    let trace = Trace::parse(lines)?;
    // The SYN's reports, then the SYN-ACK's: from its first report on,
    // where it enters from docker0. (Not by trace id: the kernel may give
    // a packet a new one on its way.)
    let reply = trace
        .iter()
        .position(|l| l.packet_field("iif") == Some("docker0"));
    let (syn, syn_ack) = trace.split_at(reply.unwrap_or(trace.len()));

    let dnat = syn.iter().filter(|l| l.is_in("nat", "docker")).any(|l| {
        l.rule()
            .is_some_and(|rule| rule.contains("dnat to 172.17.0.2:80"))
    });
    lab.claim("the SYN passed the DNAT rule in prerouting", dnat)?;
    let forwarded = syn
        .iter()
        .any(|l| l.is_in("trace", "forward") && l.policy() == Some("accept"));
    lab.claim("the SYN was forwarded", forwarded)?;

    let no_nat = !syn_ack.is_empty() && syn_ack.iter().all(|l| l.table != "nat");
    lab.claim("no nat chain saw the SYN-ACK", no_nat)?;
    // As it leaves by eth0, after conntrack's srcnat.
    let leaving = syn_ack.iter().filter(|l| l.is_in("trace", "postrouting"));
    let unnat = leaving
        .filter(|l| l.packet_field("oif") == Some("eth0"))
        .any(|l| {
            l.packet_field("ip saddr") == Some("192.168.20.200")
                && l.packet_field("tcp sport") == Some("8443")
        });
    lab.claim(
        "conntrack gave the SYN-ACK the source 192.168.20.200:8443",
        unnat,
    )
}
