//! The lab as the kernel reports it: every namespace, its devices, how they
//! are joined ([`topology`]), and that drawn as a picture ([`svg`]). This is
//! what the topology pictures are drawn from, and what the examples' claims
//! ask about.
//!
//! [`read`] reads, in each namespace: the links (`ip -d link show`), their
//! kinds, the bridge each is a port of (`master`), what a veth, MACVLAN or
//! VXLAN device is stacked on or joined to, the IPv4 addresses (`ip -4
//! addr`) and the default route (`ip route show default`). Nothing here
//! comes from what the example meant to build: a veth the example forgot
//! to plug into the bridge shows up unplugged.
//!
//! Devices in two namespaces are joined through a *netnsid*: a veth whose
//! peer is elsewhere reports the peer's ifindex and `IFLA_LINK_NETNSID`, a
//! number that means something only in the reporting namespace ("the
//! namespace I call 0"). We learn which of the lab's namespaces that is with
//! `RTM_GETNSID`, asking "what do you call the namespace behind this file
//! descriptor?" (`ip netns list-id` does the same).
//!
//! Everything is named, never numbered: ifindexes, MACs and netnsids vary
//! from run to run or from machine to machine, so the model holds none of
//! them, and the same lab always gives the same picture.

use std::os::fd::AsRawFd;

use anyhow::{Context, Result};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::link::LinkFlags;
use netlink_packet_route::nsid::{NsidAttribute, NsidMessage};

use crate::Netns;
use crate::ip::GET;
use crate::ip::link::{Link, Vxlan};
use topology::{Device, End, Kind, Namespace, Topology};

pub mod svg;
pub mod topology;

/// Reads `namespaces` (in this order) into a [`Topology`]. A name that
/// stands for a namespace read already (a container on the host network is
/// the host's namespace under another name) is not read again: it has no
/// devices of its own to draw.
pub async fn read(namespaces: &[Netns]) -> Result<Topology> {
    let mut distinct: Vec<Netns> = Vec::new();
    for netns in namespaces {
        // One namespace, one descriptor: the same fd number.
        if !distinct.iter().any(|seen| seen.raw_fd() == netns.raw_fd()) {
            distinct.push(netns.clone());
        }
    }
    let namespaces = distinct.as_slice();
    let mut raw = Vec::new();
    for netns in namespaces {
        raw.push(RawNamespace::read(netns, namespaces).await?);
    }
    let mut topology = Topology {
        namespaces: Vec::new(),
    };
    for ns in &raw {
        let mut devices: Vec<Device> = ns.links.iter().map(|link| device(ns, link, &raw)).collect();
        devices.sort_by_key(|d| (d.kind != Kind::Loopback, d.name.clone()));
        let device_name = |index: Option<u32>| {
            let link = ns.links.iter().find(|l| Some(l.index) == index);
            link.map_or_else(|| "?".to_string(), |l| l.name.clone())
        };
        let default_route = ns
            .routes
            .iter()
            .find(|r| r.destination.is_none())
            .and_then(|r| Some((r.gateway?, device_name(r.device))));
        topology.namespaces.push(Namespace {
            name: ns.name.clone(),
            devices,
            default_route,
            system: ns.system.clone(),
        });
    }
    Ok(topology)
}

/// For a container with a root of its own, what it runs: `PRETTY_NAME` of
/// its `/etc/os-release` and its hostname, read inside its mount and UTS
/// namespaces (`cat /etc/os-release; hostname` there).
fn system_of(netns: &Netns) -> Result<Option<String>> {
    if !netns.has_own_root() {
        return Ok(None);
    }
    netns.run(|| {
        let release = std::fs::read_to_string("/etc/os-release")
            .with_context(|| format!("read {}'s /etc/os-release", netns.name))?;
        let name = release
            .lines()
            .find_map(|line| line.strip_prefix("PRETTY_NAME="))
            .map(|value| value.trim_matches('"').to_string())
            .unwrap_or_else(|| "an unnamed system".to_string());
        let hostname = nix::unistd::gethostname()
            .map_err(crate::error::errno_error)?
            .to_string_lossy()
            .into_owned();
        Ok(Some(format!("{name}, hostname {hostname}")))
    })
}

/// What one namespace reported, with its ifindexes and netnsids still in.
struct RawNamespace {
    name: String,
    links: Vec<Link>,
    addrs: Vec<crate::ip::addr::Addr>,
    routes: Vec<crate::ip::route::Route>,
    /// netnsid (as this namespace numbers them) -> index into the lab's list.
    nsids: Vec<(i32, usize)>,
    /// A container with its own root: its system and hostname.
    system: Option<String>,
}

impl RawNamespace {
    async fn read(netns: &Netns, lab: &[Netns]) -> Result<RawNamespace> {
        let mut nsids = Vec::new();
        for (position, other) in lab.iter().enumerate() {
            if other.raw_fd() == netns.raw_fd() {
                continue;
            }
            if let Some(id) = nsid_of(netns, other).await? {
                nsids.push((id, position));
            }
        }
        Ok(RawNamespace {
            system: system_of(netns)?,
            name: netns.name.clone(),
            links: netns.links().await?,
            addrs: netns.addrs().await?,
            routes: netns.routes().await?,
            nsids,
        })
    }
}

/// `ip netns list-id`, for one namespace: the id `netns` gave `other`, if it
/// gave it one. `RTM_GETNSID` with `NETNSA_FD` only looks the id up; it does
/// not make one (a link dump does, for a veth whose peer is elsewhere).
async fn nsid_of(netns: &Netns, other: &Netns) -> Result<Option<i32>> {
    let mut message = NsidMessage::default();
    let fd = u32::try_from(other.fd().as_raw_fd()).context("a namespace fd is not negative")?;
    message.attributes.push(NsidAttribute::Fd(fd));
    let answers = netns
        .request(RouteNetlinkMessage::GetNsId(message), GET)
        .await
        .with_context(|| format!("ask {} for the id of {}", netns.name, other.name))?;
    let ids = answers.iter().filter_map(|answer| match answer {
        RouteNetlinkMessage::NewNsId(answer) => Some(&answer.attributes),
        _ => None,
    });
    let id = ids.flatten().find_map(|attribute| match attribute {
        NsidAttribute::Id(id) if *id >= 0 => Some(*id),
        _ => None,
    });
    Ok(id)
}

/// One device of `ns`, with its ifindexes resolved to names.
fn device(ns: &RawNamespace, link: &Link, lab: &[RawNamespace]) -> Device {
    let end = |index: Option<u32>| resolve(ns, index?, link.peer_netnsid, lab);
    let kind = match link.kind.as_deref() {
        _ if link.flags.contains(LinkFlags::Loopback) => Kind::Loopback,
        Some("bridge") => Kind::Bridge,
        Some("veth") => Kind::Veth {
            peer: end(link.peer_index),
        },
        Some("vxlan") => vxlan(link.vxlan.clone().unwrap_or_default(), end),
        Some("macvlan") => Kind::Macvlan {
            mode: link.macvlan_mode.clone().unwrap_or("?".to_string()),
            parent: end(link.peer_index),
        },
        Some("ipvlan") => Kind::Ipvlan {
            mode: link.ipvlan_mode.clone().unwrap_or("?".to_string()),
            parent: end(link.peer_index),
        },
        Some(other) => Kind::Other(other.to_string()),
        None => Kind::Other("device".to_string()),
    };
    let master = link
        .master
        .and_then(|m| ns.links.iter().find(|l| l.index == m));
    let mut addrs: Vec<String> = ns
        .addrs
        .iter()
        .filter(|a| a.index == link.index)
        .map(|a| format!("{}/{}", a.ip, a.prefix_len))
        .collect();
    addrs.sort();
    Device {
        name: link.name.clone(),
        kind,
        up: link.flags.contains(LinkFlags::Up),
        master: master.map(|m| m.name.clone()),
        addrs,
    }
}

/// A VXLAN device, its underlay device resolved to a name.
fn vxlan(vxlan: Vxlan, end: impl Fn(Option<u32>) -> Option<End>) -> Kind {
    Kind::Vxlan {
        vni: vxlan.vni,
        port: vxlan.port,
        remote: vxlan.remote,
        local: vxlan.local,
        dev: end(vxlan.dev),
    }
}

/// The device with ifindex `index` in the namespace `netnsid` names (in
/// `ns`'s numbering), or in `ns` itself when there is no netnsid.
fn resolve(
    ns: &RawNamespace,
    index: u32,
    netnsid: Option<i32>,
    lab: &[RawNamespace],
) -> Option<End> {
    let target = match netnsid {
        None => ns,
        Some(id) => {
            let position = ns.nsids.iter().find(|(known, _)| *known == id)?.1;
            lab.get(position)?
        }
    };
    let link = target.links.iter().find(|l| l.index == index)?;
    Some(End {
        namespace: target.name.clone(),
        device: link.name.clone(),
    })
}
