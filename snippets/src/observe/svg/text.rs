//! What each box says: a device's lines, a namespace's default route.

use crate::observe::topology::{Device, End, Kind, Namespace};

/// The lines of a device's box, after its name.
pub(super) fn details(device: &Device, here: &str) -> Vec<String> {
    let place = |end: &End| match end.namespace == here {
        true => end.device.clone(),
        false => format!("{} in {}", end.device, end.namespace),
    };
    let mut lines = match &device.kind {
        Kind::Loopback => vec!["loopback".to_string()],
        Kind::Bridge => vec!["bridge".to_string()],
        Kind::Veth { peer: Some(_) } => vec!["veth".to_string()],
        Kind::Veth { peer: None } => vec!["veth, peer outside the lab".to_string()],
        Kind::Vxlan {
            vni,
            port,
            remote,
            local,
            dev,
        } => {
            let mut lines = vec![format!("vxlan id {vni}")];
            if let Some(remote) = remote {
                let word = if remote.is_multicast() {
                    "group"
                } else {
                    "remote"
                };
                lines.push(format!("{word} {remote}"));
            }
            lines.extend(local.map(|local| format!("local {local}")));
            lines.extend(port.map(|port| format!("dstport {port}")));
            lines.extend(dev.as_ref().map(|dev| format!("dev {}", place(dev))));
            lines
        }
        Kind::Macvlan { mode, parent } => {
            let mut lines = vec![format!("macvlan mode {mode}")];
            lines.extend(parent.as_ref().map(|p| format!("on {}", place(p))));
            lines
        }
        Kind::Ipvlan { mode, parent } => {
            let mut lines = vec![format!("ipvlan mode {mode}")];
            lines.extend(parent.as_ref().map(|p| format!("on {}", place(p))));
            lines
        }
        Kind::Other(kind) => vec![kind.clone()],
    };
    if !device.up {
        lines[0].push_str(", down");
    }
    lines.extend(device.addrs.iter().cloned());
    lines
}

pub(super) fn route_text(ns: &Namespace) -> Option<String> {
    let (gateway, device) = ns.default_route.as_ref()?;
    Some(format!("default via {gateway} dev {device}"))
}

/// The lines at the foot of a namespace's box, top to bottom: the system of
/// a container with its own root, then the default route.
pub(super) fn footer_lines(ns: &Namespace) -> Vec<String> {
    ns.system.iter().cloned().chain(route_text(ns)).collect()
}
