//! What a Docker Engine needs in the guest, beyond what the other examples
//! need: the Engine's own programs, a container runtime, the iptables
//! userland, kernel modules, and cgroups (`init.sh` mounts cgroup v2).
//!
//! Each `docker_*` example starts a private Engine there, as on the host
//! (`--engine private=/netlab/engines/VERSION`): a fresh `dockerd` in
//! namespaces of its own, whose first start every run is. Its data root is
//! in the guest's `/tmp`, a tmpfs; the `overlay` module is loaded for the
//! `overlay2` storage driver, dockerd's first choice.

use anyhow::{Context, Result};
use std::fs;
use std::path::{Path, PathBuf};

use super::files::{Entry, Files, add_program, find_program};
use super::runs::ENGINES_AT;
use crate::engine::Release;

/// The modules a Docker Engine uses that the other examples do not, in
/// the order to load them (each one's dependencies come along):
/// - `overlay`: the `overlay2` storage driver;
/// - `br_netfilter`: bridged traffic through iptables, which dockerd
///   loads itself on a Debian machine (`modprobe br_netfilter`);
/// - `nft_compat` and the `xt_*` matches and targets: Debian's iptables
///   is `iptables-nft`, which writes nftables rules that call the old
///   iptables extensions (`-m conntrack`, `-m addrtype`, `-j MASQUERADE`,
///   `-j DNAT`) through `nft_compat`;
/// - `nf_conntrack_netlink`: dockerd deletes a stale connection-tracking
///   entry when a port is published again;
/// - `ip_vs` and its round-robin scheduler: a swarm's service load
///   balancing (the overlay example's swarm makes an `ingress` network).
///
/// On the reader's machine the kernel loads each when it is first asked
/// for; here all are loaded at boot, busybox's `modprobe` reading no alias
/// tables.
pub const MODULES: &[(&str, &str)] = &[
    ("overlay", ""),
    ("br_netfilter", ""),
    ("nft_compat", ""),
    ("xt_conntrack", ""),
    ("xt_addrtype", ""),
    ("xt_MASQUERADE", ""),
    ("xt_nat", ""),
    ("xt_tcpudp", ""),
    ("xt_mark", ""),
    ("xt_comment", ""),
    ("xt_multiport", ""),
    ("xt_ipvs", ""),
    ("nf_conntrack_netlink", ""),
    ("ip_vs", ""),
    ("ip_vs_rr", ""),
];

/// The programs of an Engine's folder that a run starts: the daemon, the
/// proxy of published ports, containerd and its shim, and the CLI that
/// prints what the transcripts show. (`ctr`, the v1 shims and the rest are
/// left out: the archive is in the guest's memory.)
const ENGINE_PROGRAMS: &[&str] = &[
    "usr/sbin/dockerd",
    "usr/sbin/docker-proxy",
    "usr/bin/containerd",
    "usr/bin/containerd-shim-runc-v2",
    "usr/bin/docker",
];

/// The names iptables-nft answers to, each a link to `xtables-nft-multi`
/// (as Debian's `update-alternatives` sets them): dockerd runs `iptables`
/// and `ip6tables`, the examples `iptables-save`.
const IPTABLES: &[&str] = &[
    "iptables",
    "iptables-save",
    "iptables-restore",
    "ip6tables",
    "ip6tables-save",
    "ip6tables-restore",
];

/// Where iptables finds its extensions (`libxt_conntrack.so`): it loads
/// them by name at run time, so `ldd` does not list them.
const XTABLES: &str = "usr/lib/x86_64-linux-gnu/xtables";

/// Each of `releases` with its folder on the host (`target/engines/`),
/// fetched there now if it was not (`cargo xtask engine`).
pub fn fetch(releases: &[Release], target: &Path) -> Result<Vec<(Release, PathBuf)>> {
    releases
        .iter()
        .map(|release| {
            Ok((
                *release,
                crate::engine::obtain(&target.join("engines"), *release)?,
            ))
        })
        .collect()
}

/// Adds each of `engines` (a release and its folder on the host) at
/// `/netlab/engines/VERSION`, the machine's `runc`, and iptables.
pub fn add(files: &mut Files, engines: &[(Release, PathBuf)]) -> Result<()> {
    for (release, folder) in engines {
        for program in ENGINE_PROGRAMS {
            let at = format!("{ENGINES_AT}/{}/{program}", release.version);
            add_program(files, &at, &folder.join(program))
                .with_context(|| format!("copy Engine {}'s {program}", release.version))?;
        }
    }
    // sid's runc needs a newer glibc: dockerd runs the machine's, from the
    // PATH, as it does for a private Engine on the host.
    let runc = find_program("runc").context(
        "find runc on this machine: install Debian's runc (`sudo apt-get install runc`)",
    )?;
    add_program(files, "usr/sbin/runc", &runc)?;
    let xtables = find_program("xtables-nft-multi").context(
        "find xtables-nft-multi on this machine: install Debian's iptables (`sudo apt-get install iptables`)",
    )?;
    add_program(files, "usr/sbin/xtables-nft-multi", &xtables)?;
    for name in IPTABLES {
        let link = Entry::Symlink("xtables-nft-multi".into());
        files.insert(format!("usr/sbin/{name}"), link);
    }
    // The examples run `timeout 2 busybox wget` on the host, as the lab
    // would: coreutils' timeout (exit code 124), not busybox's.
    let timeout = find_program("timeout").context("find timeout (Debian's coreutils)")?;
    add_program(files, "usr/bin/timeout", &timeout)?;
    files.insert(
        "etc/resolv.conf".into(),
        Entry::Text(RESOLV_CONF.into(), 0o644),
    );
    add_extensions(files, &Path::new("/").join(XTABLES))
}

/// The guest's `/etc/resolv.conf` where an Engine runs: a nameserver on
/// the machine's network, as a reader's machine has (an address kept for
/// documentation, RFC 5737). The others' `127.0.0.1` would make dockerd
/// leave it out of a container's resolv.conf and name Google's instead.
const RESOLV_CONF: &str = "nameserver 192.0.2.53\n";

/// Every iptables extension of the host (`libxt_*.so`, `libipt_*.so`,
/// ...), with the libraries they load.
fn add_extensions(files: &mut Files, dir: &Path) -> Result<()> {
    let entries = fs::read_dir(dir).with_context(|| {
        format!(
            "list {}, iptables' extensions (Debian's iptables)",
            dir.display()
        )
    })?;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "so") {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            add_program(files, &format!("{XTABLES}/{name}"), &path)?;
        }
    }
    Ok(())
}
