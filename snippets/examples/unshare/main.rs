//! A new network namespace: what a process sees after `unshare -n`.
//!
//! Equivalent to (lab step 1):
//!
//! ```text
//! unshare -n /bin/bash
//! ip a
//! exit
//! ```
//!
//! Run it: `cargo run --example unshare` (add `-- --keep` to look around).

use std::net::Ipv4Addr;
use std::process::ExitCode;

use anyhow::ensure;
use netlab::{Lab, Result};

fn main() -> ExitCode {
    netlab::run(unshare)
}

async fn unshare(lab: &Lab) -> Result<()> {
    // ANCHOR: host
    // The lab's host: a namespace that stands in for your machine. Like any
    // host, its loopback device is up and has 127.0.0.1.
    let host = lab.host().await?;
    host.show_ip_a().await?;
    // ANCHOR_END: host

    // ANCHOR: unshare
    // unshare(CLONE_NEWNET): the kernel makes a new network namespace with
    // its own devices, addresses, routes and firewall. It starts with a
    // loopback device only, and that one is down.
    let shell = lab.unshare(&host, "shell").await?;
    shell.show_ip_a().await?;
    // ANCHOR_END: unshare

    // ANCHOR: compare
    lab.say("two namespaces, two identities: the inode behind /proc/self/ns/net");
    let (host_id, shell_id) = (host.show_identity()?, shell.show_identity()?);
    ensure!(host_id != shell_id, "unshare made a namespace of its own");

    lab.say("nothing is shared: not even 127.0.0.1 works until lo is up");
    let loopback = Ipv4Addr::LOCALHOST;
    ensure!(host.ping(loopback)?, "the host reaches its own loopback");
    ensure!(!shell.ping(loopback)?, "a new namespace's loopback is down");
    shell.set_up("lo").await?;
    ensure!(
        shell.ping(loopback)?,
        "with lo up, the shell reaches 127.0.0.1"
    );
    // ANCHOR_END: compare
    Ok(())
}
