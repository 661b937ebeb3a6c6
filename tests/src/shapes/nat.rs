//! Lab step 4 (and the embedded DNS server of step 9): DNAT and masquerade
//! rules, read with `nft list ruleset`.

use regex::Regex;

use crate::iproute::ipv4_subnet;
use crate::nft::ruleset;

/// A DNAT rule: TCP packets to `dport` are sent to `to`, `ADDRESS:PORT`.
#[derive(Debug, PartialEq, Eq, Clone)]
pub struct Dnat {
    /// The TCP destination port the rule matches (8443).
    pub dport: u16,
    /// The address it sends the packets to (the container's).
    pub to_address: String,
    /// The port it sends them to (80).
    pub to_port: u16,
}

/// The TCP DNAT rules of a namespace, from `nft list ruleset`. nft prints
/// iptables-nft's rules (Docker's, on Debian 12) as native statements too,
/// so the same reading serves Docker's rules and the lab's own nftables:
/// `... tcp dport 8443 ... dnat to 172.17.0.2:80` (`dnat ip to` in a table
/// of the inet family).
pub fn dnat_rules(netns: Option<&str>) -> Vec<Dnat> {
    let ruleset = ruleset(netns);
    let rule = Regex::new(r"tcp dport (\d+) .*dnat (?:ip )?to ([0-9.]+):(\d+)").unwrap();
    ruleset
        .lines()
        .filter_map(|line| rule.captures(line))
        .map(|c| Dnat {
            dport: c[1].parse().expect("a port"),
            to_address: c[2].to_string(),
            to_port: c[3].parse().expect("a port"),
        })
        .collect()
}

/// The source subnets of the masquerade rules of a namespace, from `nft
/// list ruleset`: `ip saddr 172.17.0.0/16 ... masquerade`, whichever order
/// iptables-nft (Docker's `-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE`)
/// or the lab's own nftables wrote the matches in.
pub fn masquerade_sources(netns: Option<&str>) -> Vec<String> {
    let ruleset = ruleset(netns);
    let rule = Regex::new(r"ip saddr ([0-9.]+/\d+) .*\bmasquerade\b").unwrap();
    ruleset
        .lines()
        .filter_map(|line| rule.captures(line))
        .map(|c| c[1].to_string())
        .collect()
}

/// What publishing a container's port 80 as `dport` put in the nat table of
/// the namespace that holds the bridge, whoever did it: the parts that must
/// agree between Docker and our example (addresses may differ).
#[derive(Debug, PartialEq, Eq)]
pub struct Published {
    /// Per DNAT rule for TCP `dport`: whether it goes to the container's
    /// address, and the port it goes to.
    pub dnat: Vec<(bool, u16)>,
    /// Whether a masquerade rule covers the bridge's subnet.
    pub masquerades_the_bridge_subnet: bool,
}

/// Observes the DNAT rules for `dport` and the masquerade rules in `host`,
/// against `bridge`'s subnet and the container's address `container`.
pub fn published(host: Option<&str>, dport: u16, bridge: &str, container: &str) -> Published {
    let subnet = ipv4_subnet(host, bridge);
    Published {
        dnat: dnat_rules(host)
            .iter()
            .filter(|rule| rule.dport == dport)
            .map(|rule| (rule.to_address == container, rule.to_port))
            .collect(),
        masquerades_the_bridge_subnet: masquerade_sources(host).contains(&subnet),
    }
}
