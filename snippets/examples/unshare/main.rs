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
    lab.picture().await?;

    // ANCHOR: compare
    lab.say("two namespaces, two identities: the inode behind /proc/self/ns/net");
    let (host_id, shell_id) = (host.show_identity()?, shell.show_identity()?);
    lab.claim("unshare made a namespace of its own", host_id != shell_id)?;

    lab.say("nothing is shared: not even 127.0.0.1 works until lo is up");
    let loopback = Ipv4Addr::LOCALHOST;
    lab.claim("the host reaches its own loopback", host.ping(loopback)?)?;
    let reached = shell.ping(loopback)?;
    lab.claim(
        "while lo is down, the shell cannot reach 127.0.0.1",
        !reached,
    )?;
    shell.set_up("lo").await?;
    let reached = shell.ping(loopback)?;
    lab.claim("with lo up, the shell reaches 127.0.0.1", reached)?;
    // ANCHOR_END: compare

    // What the tests also check from outside, with `ip -j`.
    let seen = lab.topology().await?;
    lab.claim(
        "the new namespace has lo only",
        seen.device_names("shell") == ["lo"],
    )?;
    let host_lo = seen.addrs("host", "lo");
    lab.claim(
        "the host has lo only, with 127.0.0.1/8",
        host_lo == ["127.0.0.1/8"],
    )?;
    Ok(())
}
