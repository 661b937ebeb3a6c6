//! Lab step 10: an overlay network's VXLAN device and its bridge, read
//! with `ip -j -d link`.

use crate::iproute::ip;

/// A VXLAN device: its VNI and the UDP port it sends to.
#[derive(Debug, PartialEq, Eq, Clone)]
pub struct Vxlan {
    /// Its name (`vxlan0`).
    pub name: String,
    /// The VXLAN Network Identifier it tags frames with (4097).
    pub vni: u64,
    /// The UDP port it sends to (4789, IANA's).
    pub dstport: u64,
}

/// The VXLAN devices of a namespace, from `ip -j -d link show type vxlan`.
pub fn vxlan_devices(netns: Option<&str>) -> Vec<Vxlan> {
    ip(netns, &["-d", "link", "show", "type", "vxlan"])
        .iter()
        .map(|link| {
            let data = &link["linkinfo"]["info_data"];
            Vxlan {
                name: link["ifname"].as_str().unwrap_or("?").to_string(),
                vni: data["id"].as_u64().unwrap_or(0),
                dstport: data["port"].as_u64().unwrap_or(0),
            }
        })
        .collect()
}

/// What an overlay network's namespace holds, whoever built it: the parts
/// that must agree between Docker and our example (the VNI's value may
/// differ: Docker picks one from 4096 up).
#[derive(Debug, PartialEq, Eq)]
pub struct OverlayShape {
    /// How many VXLAN devices: one per overlay network.
    pub vxlan_devices: usize,
    /// Whether it has a VNI (not 0).
    pub has_vni: bool,
    /// The UDP port it sends to and listens on (4789, IANA's).
    pub dstport: u64,
    /// The bridge it is a port of: its name and kind.
    pub master: (String, String),
}

/// Observes the overlay namespace `netns`; returns its shape and the VNI,
/// to compare with the network's own id.
pub fn overlay_shape(netns: &str) -> (OverlayShape, u64) {
    let devices = vxlan_devices(Some(netns));
    let Some(vxlan) = devices.first() else {
        panic!("a VXLAN device in {netns}: ip -d link show type vxlan shows none");
    };
    let link = &ip(Some(netns), &["-d", "link", "show", &vxlan.name])[0];
    let master = link["master"].as_str().unwrap_or("").to_string();
    let master_kind = if master.is_empty() {
        String::new()
    } else {
        let bridge = &ip(Some(netns), &["-d", "link", "show", &master])[0];
        let kind = bridge["linkinfo"]["info_kind"].as_str();
        kind.unwrap_or("?").to_string()
    };
    let shape = OverlayShape {
        vxlan_devices: devices.len(),
        has_vni: vxlan.vni != 0,
        dstport: vxlan.dstport,
        master: (master, master_kind),
    };
    (shape, vxlan.vni)
}
