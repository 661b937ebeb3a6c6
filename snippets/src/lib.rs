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
//! - [`ping`], [`tcp`]: one ICMP echo (a raw socket), one TCP connection.
//! - [`show`]: what `ip a`, `ifconfig`, `ip route` and `brctl` would print.
//! - [`narrate`]: the transcript: `red$ ip a` and what it printed.
//! - [`error`]: hints for the errnos a student meets, and exit codes.
//! - [`docker`]: the Docker way, for real: the lab's `docker` commands sent
//!   to a Docker Engine (bollard), its objects removed at the end.
//!
//! Apart from [`docker`] (dockerd changes the machine's namespace; see
//! there), nothing here touches the namespace, `/etc` or firewall of the program
//! that runs an example: every change happens in namespaces the example's
//! own process created, which the kernel removes when the process ends.

pub mod addr;
pub mod docker;
pub mod error;
pub mod lab;
pub mod link;
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
