//! iproute2's JSON output (`ip -j`, `bridge -j`), the independent observer
//! every test reads the kernel with: one way to run it, in any network
//! namespace, and one way to read what it printed.
//!
//! A namespace is given by a path, as `nsenter --net=PATH` takes it:
//! `/proc/PID/ns/net` of a Docker container, `/proc/PID/fd/N` of a kept
//! example's namespace, `/run/docker/netns/...` of an overlay network; or
//! `None`, the namespace the test runs in.

use std::process::Command;

use serde_json::Value;

/// `program` (`ip`, `bridge`, `nft`, ...) ready to run in the network
/// namespace `netns`: through util-linux's `nsenter --net=PATH`, or as it
/// is for the test's own namespace (`None`).
pub fn in_netns(netns: Option<&str>, program: &str) -> Command {
    match netns {
        None => Command::new(program),
        Some(path) => {
            let mut command = Command::new("nsenter");
            command.arg(format!("--net={path}")).arg(program);
            command
        }
    }
}

/// `ip -j ARGS` in the namespace `netns`, read as a JSON list.
pub fn ip(netns: Option<&str>, args: &[&str]) -> Vec<Value> {
    json(netns, "ip", args)
}

/// `PROGRAM -j ARGS` (`ip` or `bridge`) in the namespace `netns`, which
/// must succeed; what it printed, read as a JSON list.
pub fn json(netns: Option<&str>, program: &str, args: &[&str]) -> Vec<Value> {
    let output = in_netns(netns, program)
        .arg("-j")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {program} -j {args:?} (Debian: iproute2): {e}"));
    assert!(
        output.status.success(),
        "{program} -j {args:?} in {netns:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    parse_json(&output.stdout, program, args)
}

/// What `PROGRAM -j ARGS` printed, read as a JSON list; a panic, naming what
/// it printed, if it is not one. iproute2 prints `[]` when there is nothing
/// to list, so even empty output is a failure: an observer that read
/// nothing must not pass as "nothing there" (nor a snapshot as "nothing
/// changed").
pub fn parse_json(stdout: &[u8], program: &str, args: &[&str]) -> Vec<Value> {
    match serde_json::from_slice(stdout) {
        Ok(Value::Array(items)) => items,
        other => panic!(
            "{program} -j {args:?} printed no JSON list ({other:?}): {}",
            String::from_utf8_lossy(stdout)
        ),
    }
}

/// The IPv4 address of `dev` in a namespace, without its prefix length:
/// `172.17.0.2` for `inet 172.17.0.2/16`.
pub fn ipv4_address(netns: Option<&str>, dev: &str) -> String {
    let addrs = ip(netns, &["-4", "addr", "show", "dev", dev]);
    let local = addrs.first().map(|a| &a["addr_info"][0]["local"]);
    local
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{dev} in {netns:?} has an IPv4 address: {addrs:?}"))
        .to_string()
}

/// The subnet of `dev`'s IPv4 address, `172.17.0.0/16` for `172.17.0.1/16`.
pub fn ipv4_subnet(netns: Option<&str>, dev: &str) -> String {
    let addrs = ip(netns, &["-4", "addr", "show", "dev", dev]);
    let addr = addrs.first().map(|a| &a["addr_info"][0]);
    let (local, len) = addr
        .and_then(|a| Some((a["local"].as_str()?, a["prefixlen"].as_u64()?)))
        .unwrap_or_else(|| panic!("{dev} in {netns:?} has an IPv4 address: {addrs:?}"));
    let local: std::net::Ipv4Addr = local.parse().expect("ip prints an IPv4 address");
    let mask = u32::MAX.checked_shl(32 - len as u32).unwrap_or(0);
    let network = std::net::Ipv4Addr::from(u32::from(local) & mask);
    format!("{network}/{len}")
}
