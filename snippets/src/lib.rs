//! The lab library of the container-networking workbook.
//!
//! Every example builds one piece of what Docker builds for a container,
//! from the syscalls up, and narrates it as the shell session of the lab.
//!
//! # Layout
//!
//! - [`lab`]: the program around an example: `--keep`, the user namespace
//!   of a rootless run, errors and exit codes; and the namespaces it holds.
//! - [`netns`]: one network namespace, held by a file descriptor, with a
//!   netlink connection opened inside it.
//! - [`link`], [`addr`], [`route`], [`neigh`]: iproute2-shaped verbs
//!   (`ip link`, `ip addr`, `ip route`, `bridge fdb`) over rtnetlink.
//! - [`vxlan`]: VXLAN devices and the FDB and neighbour entries Docker's
//!   overlay driver writes (`ip link add type vxlan`, `bridge fdb append`).
//! - [`macvlan`]: MACVLAN and 802.1Q VLAN devices on a parent device
//!   (`ip link add ... type macvlan|vlan`), and `ip -d link show`.
//! - [`arp`]: the neighbour table (`ip neigh`) and `arping`.
//! - [`ping`], [`tcp`]: one ICMP echo (a raw socket), one TCP connection.
//! - [`http`]: `curl` and a tiny web server, the lab's nginx.
//! - [`nft`]: nftables rules (`nft add table/chain/rule`) through the `nft`
//!   program: the NAT of port publishing.
//! - [`capture`]: `tcpdump` on one device, with a packet socket.
//! - [`etc`]: a container's own `/etc/hosts`, `/etc/hostname` and
//!   `/etc/resolv.conf`, bind-mounted in a mount namespace of its own.
//! - [`dns`]: Docker's embedded DNS server on 127.0.0.11, and lookups made
//!   from inside a container.
//! - [`show`]: what `ip a`, `ifconfig`, `ip route` and `brctl` would print.
//! - [`narrate`]: the transcript: `red$ ip a` and what it printed.
//! - [`topology`], [`svg`]: the lab as the kernel reports it, drawn as a
//!   picture (`--topology FILE.svg`).
//! - [`check`]: the chapter's claims, enforced, or reported with `--check`.
//! - [`error`]: hints for the errnos a student meets, and exit codes.
//! - [`docker`]: the Docker way, for real: the lab's `docker` commands sent
//!   to a Docker Engine (bollard), its objects removed at the end.
//!
//! Apart from [`docker`] (dockerd changes the machine's namespace; see
//! there), nothing here touches the namespace, `/etc` or firewall of the program
//! that runs an example: every change happens in namespaces the example's
//! own process created, which the kernel removes when the process ends.

pub mod bridge;
pub mod capture;
pub mod check;
pub mod dns;
pub mod docker;
pub mod error;
pub mod etc;
pub mod http;
pub mod ip;
pub mod lab;
pub mod mac;
pub mod narrate;
pub mod netns;
pub mod nft;
pub mod ping;
pub mod show;
pub mod svg;
pub mod tcp;
pub mod tools;
pub mod topology;

pub use anyhow::Result;
/// `netlab::link`: the path of `ip::link` that the `docker` module uses.
pub use ip::link;
pub use lab::{Flag, Lab, run, run_with_flags};
pub use mac::Mac;
pub use netns::Netns;
