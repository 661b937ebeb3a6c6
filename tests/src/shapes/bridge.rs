//! Lab steps 6 and 8: a bridge network, read from the kernel with `ip -j`.

use crate::iproute::ip;

/// What a bridge network looks like, whoever built it: the parts that must
/// agree between Docker and our examples (names and addresses may differ).
#[derive(Debug, PartialEq, Eq)]
pub struct BridgeShape {
    /// `bridge`.
    pub kind: String,
    /// The bridge's IPv4 prefix length (16 for docker0).
    pub prefix_len: u64,
    /// The bridge's address is the subnet's first (`.1`), the gateway.
    pub gateway_is_first: bool,
    /// The kind of each port (`veth`), one per container.
    pub port_kinds: Vec<String>,
    /// Per container: eth0's prefix length, and whether eth0 is a veth whose
    /// peer is a port of the bridge, and its default route is the bridge.
    pub containers: Vec<(u64, bool, bool)>,
}

/// Observes `bridge` in the namespace `host`, and each container namespace.
pub fn bridge_shape(host: Option<&str>, bridge: &str, containers: &[&str]) -> BridgeShape {
    let link = ip(host, &["-d", "link", "show", bridge]);
    let kind = link[0]["linkinfo"]["info_kind"]
        .as_str()
        .unwrap_or("?")
        .to_string();
    let addrs = ip(host, &["-4", "addr", "show", "dev", bridge]);
    let addr = &addrs[0]["addr_info"][0];
    let gateway = addr["local"].as_str().unwrap_or("?").to_string();
    let ports = ip(host, &["-d", "link", "show", "master", bridge]);
    let port_kinds = ports
        .iter()
        .map(|p| {
            p["linkinfo"]["info_kind"]
                .as_str()
                .unwrap_or("?")
                .to_string()
        })
        .collect();
    let port_indexes: Vec<u64> = ports.iter().filter_map(|p| p["ifindex"].as_u64()).collect();
    let containers = containers
        .iter()
        .map(|netns| {
            let eth0 = ip(Some(netns), &["-d", "link", "show", "eth0"]);
            let is_veth = eth0[0]["linkinfo"]["info_kind"] == "veth";
            let peer = eth0[0]["link_index"].as_u64();
            let plugged = is_veth && peer.is_some_and(|peer| port_indexes.contains(&peer));
            let addrs = ip(Some(netns), &["-4", "addr", "show", "dev", "eth0"]);
            let prefix = addrs[0]["addr_info"][0]["prefixlen"].as_u64().unwrap_or(0);
            let routes = ip(Some(netns), &["route", "show", "default"]);
            let via_bridge = routes.iter().any(|r| r["gateway"] == gateway.as_str());
            (prefix, plugged, via_bridge)
        })
        .collect();
    BridgeShape {
        kind,
        prefix_len: addr["prefixlen"].as_u64().unwrap_or(0),
        gateway_is_first: gateway.ends_with(".1"),
        port_kinds,
        containers,
    }
}
