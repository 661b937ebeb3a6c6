//! Lab step 9: a container's name files (/etc/resolv.conf, /etc/hosts,
//! /etc/hostname), read with `cat` in its mount namespace.

use std::process::Command;

/// A container's name files, whoever wrote them: the parts that must agree
/// between Docker and our example on a user-defined network.
#[derive(Debug, PartialEq, Eq)]
pub struct NameFiles {
    /// The `nameserver` lines of /etc/resolv.conf.
    pub nameservers: Vec<String>,
    /// Whether /etc/hosts maps the container's own `address` to its
    /// hostname (the one in /etc/hostname).
    pub hosts_has_own_address: bool,
}

/// Reads /etc/resolv.conf, /etc/hosts and /etc/hostname as the container
/// sees them: `cat` run in its mount namespace `mount_ns`.
pub fn name_files(mount_ns: &str, address: &str) -> NameFiles {
    let cat = |path: &str| {
        let output = Command::new("nsenter")
            .arg(format!("--mount={mount_ns}"))
            .args(["cat", path])
            .output()
            .unwrap_or_else(|e| panic!("run nsenter --mount={mount_ns} cat {path}: {e}"));
        assert!(
            output.status.success(),
            "cat {path} in {mount_ns}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let resolv = cat("/etc/resolv.conf");
    let hosts = cat("/etc/hosts");
    let hostname = cat("/etc/hostname");
    let hostname = hostname.trim();
    NameFiles {
        nameservers: resolv
            .lines()
            .filter_map(|line| line.strip_prefix("nameserver "))
            .map(|server| server.trim().to_string())
            .collect(),
        hosts_has_own_address: hosts.lines().any(|line| {
            let mut fields = line.split_whitespace();
            fields.next() == Some(address) && fields.any(|name| name == hostname)
        }),
    }
}
