//! The model of a lab's topology: namespaces, their devices, and what each
//! device is joined to, by name. Plain data, read from the kernel by
//! `observe::read`, drawn by `observe::svg`, and asked about by the
//! examples' claims (`seen.master("host", "veth-red") == Some("docker0")`).

use std::net::Ipv4Addr;

/// Every namespace of a lab, in the order the lab made them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    pub namespaces: Vec<Namespace>,
}

/// One network namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    pub name: String,
    /// `lo` first, then by name.
    pub devices: Vec<Device>,
    /// `default via GATEWAY dev DEVICE`, if there is one.
    pub default_route: Option<(Ipv4Addr, String)>,
    /// For a container with a root filesystem of its own: its system, as
    /// its `/etc/os-release` names it, and its hostname
    /// (`Debian GNU/Linux 12 (bookworm), hostname red`).
    pub system: Option<String>,
}

/// One network device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub name: String,
    pub kind: Kind,
    /// The administrative state (`ip link set NAME up`), not the carrier.
    pub up: bool,
    /// The bridge this device is a port of, in the same namespace.
    pub master: Option<String>,
    /// IPv4 addresses, `172.17.0.2/16`, sorted.
    pub addrs: Vec<String>,
}

/// What a device is, and what it is joined to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Loopback,
    Bridge,
    /// `peer` is `None` when the other end is outside the lab (or gone).
    Veth {
        peer: Option<End>,
    },
    /// A VXLAN tunnel endpoint: VNI, UDP port, the remote (or multicast
    /// group) and local underlay addresses, and the underlay device.
    Vxlan {
        vni: u32,
        port: Option<u16>,
        remote: Option<Ipv4Addr>,
        local: Option<Ipv4Addr>,
        dev: Option<End>,
    },
    /// A MACVLAN device on `parent`, in `mode` ("bridge", "vepa", ...).
    Macvlan {
        mode: String,
        parent: Option<End>,
    },
    /// An IPvlan device on `parent`, in `mode` ("l2", "l3", ...).
    Ipvlan {
        mode: String,
        parent: Option<End>,
    },
    /// Any other driver, by its name.
    Other(String),
}

/// A device somewhere in the lab: `red`'s `eth0`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct End {
    pub namespace: String,
    pub device: String,
}

impl End {
    pub fn new(namespace: &str, device: &str) -> End {
        End {
            namespace: namespace.to_string(),
            device: device.to_string(),
        }
    }
}

impl Topology {
    /// The namespace called `name`.
    pub fn namespace(&self, name: &str) -> Option<&Namespace> {
        self.namespaces.iter().find(|ns| ns.name == name)
    }

    /// The device `device` in the namespace `namespace`.
    pub fn device(&self, namespace: &str, device: &str) -> Option<&Device> {
        self.namespace(namespace)?
            .devices
            .iter()
            .find(|d| d.name == device)
    }

    /// What a device is: `kind("host", "docker0") == Some(&Kind::Bridge)`.
    pub fn kind(&self, namespace: &str, device: &str) -> Option<&Kind> {
        Some(&self.device(namespace, device)?.kind)
    }

    /// The bridge `device` is a port of: `master("host", "veth-red")`.
    pub fn master(&self, namespace: &str, device: &str) -> Option<&str> {
        self.device(namespace, device)?.master.as_deref()
    }

    /// The addresses of a device, `["172.17.0.2/16"]` (empty if it has none).
    pub fn addrs(&self, namespace: &str, device: &str) -> Vec<&str> {
        let addrs = self.device(namespace, device).map(|d| d.addrs.as_slice());
        addrs
            .unwrap_or_default()
            .iter()
            .map(String::as_str)
            .collect()
    }

    /// The names of a namespace's devices, `lo` first.
    pub fn device_names(&self, namespace: &str) -> Vec<&str> {
        let devices = self.namespace(namespace).map(|ns| ns.devices.as_slice());
        let devices = devices.unwrap_or_default().iter();
        devices.map(|d| d.name.as_str()).collect()
    }

    /// The gateway of a namespace's default route.
    pub fn gateway(&self, namespace: &str) -> Option<Ipv4Addr> {
        self.namespace(namespace)?
            .default_route
            .as_ref()
            .map(|r| r.0)
    }

    /// The other end of a veth.
    pub fn peer(&self, namespace: &str, device: &str) -> Option<&End> {
        match &self.device(namespace, device)?.kind {
            Kind::Veth { peer } => peer.as_ref(),
            _ => None,
        }
    }
}
