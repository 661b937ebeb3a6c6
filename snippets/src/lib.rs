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
//! - [`macvlan`]: MACVLAN and 802.1Q VLAN devices on a parent device
//!   (`ip link add ... type macvlan|vlan`), and `ip -d link show`.
//! - [`arp`]: the neighbour table (`ip neigh`) and `arping`.
//! - [`ping`], [`tcp`]: one ICMP echo (a raw socket), one TCP connection.
//! - [`show`]: what `ip a`, `ifconfig`, `ip route` and `brctl` would print.
//! - [`narrate`]: the transcript: `red$ ip a` and what it printed.
//! - [`error`]: hints for the errnos a student meets, and exit codes.
//!
//! Nothing here touches the namespace, `/etc` or firewall of the program
//! that runs an example: every change happens in namespaces the example's
//! own process created, which the kernel removes when the process ends.

pub mod addr;
pub mod arp;
pub mod error;
pub mod lab;
pub mod link;
pub mod macvlan;
pub mod narrate;
pub mod neigh;
pub mod netns;
pub mod ping;
pub mod route;
pub mod show;
pub mod tcp;

pub use anyhow::Result;
pub use lab::{Lab, run};
pub use netns::Netns;
