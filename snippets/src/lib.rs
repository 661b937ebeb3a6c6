//! The lab library of the container-networking workbook.
//!
//! Every example builds one piece of what Docker builds for a container,
//! from the syscalls up, and narrates it as the shell session of the lab.
//! A verb is named after the command it stands for, and lives in the file
//! named after that command: `ip link set veth0 master br0` is
//! [`Netns::set_master`], in `ip/link/set.rs`; `bridge fdb append` is in
//! `bridge/fdb.rs`; `ping` in `tools/ping.rs`.
//!
//! # Layout
//!
//! - [`lab`]: a [`Lab`], the namespaces one example makes and holds (the
//!   host, containers, other machines); `lab/cli.rs`, the program around an
//!   example ([`run`]: flags, `--keep`, the user namespace of a rootless
//!   run, exit codes); `lab/check.rs`, the chapter's claims (`--check`).
//! - [`observe`]: the lab as the kernel reports it, read into plain data
//!   ([`observe::topology`]) and drawn as a picture ([`observe::svg`],
//!   `--topology FILE.svg`).
//! - [`show`]: what `ip a`, `ip -d link`, `ip route`, `ip neigh`,
//!   `ifconfig`, `brctl` and `bridge fdb show` print.
//! - [`tools`]: the other programs the lab types: `ping`, `arping`, `nc`,
//!   `curl` and a web server, Docker's embedded DNS and `nslookup`,
//!   `tcpdump`, `sysctl`, and `sh -c`, a container's own shell.
//! - [`etc`]: a container's own `/etc/hosts`, `/etc/hostname` and
//!   `/etc/resolv.conf`, bind-mounted in a mount namespace of its own.
//! - [`rootfs`]: the recap chapter's two small distributions, root
//!   filesystems that `cargo xtask rootfs` unpacks from Debian's packages.
//! - [`nft`]: nftables rules (`nft add table/chain/rule`) through the `nft`
//!   program: the NAT of port publishing; `nft monitor trace`, the path of
//!   marked packets through the hooks.
//! - [`bridge`]: `bridge fdb`, the MAC table of a bridge or VXLAN device.
//! - [`ip`]: `ip`'s verbs over rtnetlink, and the one helper that sends
//!   every request: [`ip::link`] (one file per `ip link add ... type`, and
//!   `set.rs` for `ip link set`/`delete`), [`ip::addr`], [`ip::route`],
//!   [`ip::neigh`].
//! - [`netns`]: [`Netns`], one network namespace held by a file
//!   descriptor, with a netlink connection opened inside it; running work
//!   inside it (and inside a container's mount and UTS namespaces, without
//!   the capabilities it dropped).
//! - [`narrate`]: the transcript: `red$ ip a` and what it printed.
//! - [`mac`]: [`Mac`], an Ethernet address, and Docker's address-made ones.
//! - [`error`]: hints for the errnos a student meets, and exit codes.
//! - [`cli`]: the one command-line parser of every example.
//! - [`container`]: a container's first process, as `docker run` starts
//!   it: PID namespace, `/proc`, Docker's masked and read-only paths and
//!   default capabilities.
//!
//! A module uses only modules listed after it (and `cli`): no two of them
//! import each other, directly or around a loop.
//!
//! The Docker way, the lab's `docker` commands sent to a real Docker
//! Engine, is a package of its own, `netlab-docker` (`snippets/docker/`),
//! built on this one: a syscall example compiles no Docker client.
//!
//! Nothing here touches the namespace, `/etc` or firewall of the program
//! that runs an example: every change happens in namespaces the example's
//! own process created, which the kernel removes when the process ends.

pub mod bridge;
pub mod cli;
pub mod container;
pub mod error;
pub mod etc;
pub mod ip;
pub mod lab;
pub mod mac;
pub mod narrate;
pub mod netns;
pub mod nft;
pub mod observe;
pub mod rootfs;
pub mod show;
pub mod tools;

pub use anyhow::Result;
pub use cli::Flag;
/// `netlab::link`: the path of `ip::link` that netlab-docker uses.
pub use ip::link;
pub use lab::Lab;
pub use lab::cli::{run, run_with_flags};
pub use mac::Mac;
pub use netns::Netns;
