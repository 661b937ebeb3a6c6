//! Lab step 11: a container's MACVLAN interface and its parent, read with
//! `ip -j -d link`.

use crate::iproute::ip;

/// A MACVLAN device: its mode, its parent's ifindex (in the namespace
/// where the parent lives), and its MAC.
#[derive(Debug, PartialEq, Eq, Clone)]
pub struct Macvlan {
    /// Its name (`eth0`, in a container).
    pub name: String,
    /// Its mode (`bridge`, `private`, `vepa`, `passthru`).
    pub mode: String,
    /// Its parent's ifindex, in the parent's namespace.
    pub parent_index: u64,
    /// Its MAC address.
    pub mac: String,
}

/// The MACVLAN devices of a namespace, from `ip -j -d link show type macvlan`.
pub fn macvlan_devices(netns: Option<&str>) -> Vec<Macvlan> {
    ip(netns, &["-d", "link", "show", "type", "macvlan"])
        .iter()
        .map(|link| Macvlan {
            name: link["ifname"].as_str().unwrap_or("?").to_string(),
            mode: link["linkinfo"]["info_data"]["mode"]
                .as_str()
                .unwrap_or("?")
                .to_string(),
            parent_index: link["link_index"].as_u64().unwrap_or(0),
            mac: link["address"].as_str().unwrap_or("?").to_string(),
        })
        .collect()
}

/// A container's MACVLAN interface, whoever made it: the parts that must
/// agree between Docker and our example (names and MACs may differ).
#[derive(Debug, PartialEq, Eq)]
pub struct MacvlanShape {
    /// How many MACVLAN devices the container has: one, its eth0.
    pub macvlan_devices: usize,
    /// Its mode (`bridge`: Docker's default).
    pub mode: String,
    /// Whether its parent is the given parent interface (by ifindex, in
    /// the parent's namespace).
    pub child_of_the_parent: bool,
    /// Whether its MAC differs from the parent's.
    pub own_mac: bool,
}

/// Observes the MACVLAN devices of the namespace `container`, against the
/// interface `parent` in the namespace `host`.
pub fn macvlan_shape(container: &str, host: Option<&str>, parent: &str) -> MacvlanShape {
    let children = macvlan_devices(Some(container));
    let Some(child) = children.first() else {
        panic!("a MACVLAN device in {container}: ip -d link show type macvlan shows none");
    };
    let parent = &ip(host, &["link", "show", parent])[0];
    MacvlanShape {
        macvlan_devices: children.len(),
        mode: child.mode.clone(),
        child_of_the_parent: parent["ifindex"].as_u64() == Some(child.parent_index),
        own_mac: parent["address"].as_str() != Some(child.mac.as_str()),
    }
}
