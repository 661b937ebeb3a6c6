//! What the namespace the tests run in looks like, to prove a lab changed
//! nothing there and left nothing behind.

use crate::iproute::ip;

/// The parts of a network namespace a lab could leave behind or change,
/// each as sorted lines: links, addresses, routes, the firewall (`nft list
/// ruleset`), the sysctls an example writes, named namespaces under
/// /run/netns, and nsfs mounts (how a namespace outlives its process).
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub links: Vec<String>,
    pub addrs: Vec<String>,
    pub routes: Vec<String>,
    pub ruleset: Vec<String>,
    pub sysctls: Vec<String>,
    pub named_netns: Vec<String>,
    pub nsfs_mounts: Vec<String>,
}

/// The sysctls the examples write (in their own namespaces), read here in
/// the test's: `net.ipv4.ip_forward`, the IPv6 switch; and the forwarding
/// of every interface, which writing `ip_forward` sets.
pub const SYSCTLS: [&str; 4] = [
    "net/ipv4/ip_forward",
    "net/ipv4/conf/all/forwarding",
    "net/ipv6/conf/default/disable_ipv6",
    "net/ipv6/conf/all/disable_ipv6",
];

impl Snapshot {
    pub fn take() -> Snapshot {
        let links = ip(None, &["link", "show"])
            .iter()
            .map(|l| format!("{} {} master={}", l["ifindex"], l["ifname"], l["master"]))
            .collect();
        let addrs: Vec<String> = ip(None, &["addr", "show"])
            .iter()
            .flat_map(|l| {
                let name = l["ifname"].clone();
                let infos = l["addr_info"].as_array().cloned().unwrap_or_default();
                infos
                    .into_iter()
                    .map(move |a| format!("{name} {}/{}", a["local"], a["prefixlen"]))
            })
            .filter(|addr| !kernel_made_ipv6(addr))
            .collect();
        let ruleset = nft_ruleset();
        let sysctls = SYSCTLS
            .iter()
            .map(|name| {
                let path = format!("/proc/sys/{name}");
                let value =
                    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
                format!("{name} = {}", value.trim())
            })
            .collect();
        let routes = ip(None, &["route", "show", "table", "all"])
            .iter()
            .map(|r| {
                format!(
                    "{} via {} dev {} table {}",
                    r["dst"], r["gateway"], r["dev"], r["table"]
                )
            })
            .filter(|route: &String| !kernel_made_ipv6(route))
            .collect();
        let named_netns = match std::fs::read_dir("/run/netns") {
            Ok(entries) => entries
                .map(|e| {
                    e.expect("read /run/netns")
                        .file_name()
                        .to_string_lossy()
                        .into()
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").expect("read mountinfo");
        let nsfs_mounts = mountinfo
            .lines()
            .filter(|l| l.contains(" - nsfs "))
            .map(str::to_string)
            .collect();
        let mut snapshot = Snapshot {
            links,
            addrs,
            routes,
            ruleset,
            sysctls,
            named_netns,
            nsfs_mounts,
        };
        assert!(
            snapshot.links.iter().any(|link| link.contains("\"lo\"")),
            "a namespace has `lo`: the snapshot read no links: {:?}",
            snapshot.links
        );
        for list in [
            &mut snapshot.links,
            &mut snapshot.addrs,
            &mut snapshot.routes,
            &mut snapshot.ruleset,
            &mut snapshot.sysctls,
            &mut snapshot.named_netns,
            &mut snapshot.nsfs_mounts,
        ] {
            list.sort();
        }
        snapshot
    }

    /// Panics, naming every difference, unless `after` equals `self`.
    pub fn assert_unchanged(&self, after: &Snapshot, what: &str) {
        let mut differences = Vec::new();
        for (name, before, now) in [
            ("links", &self.links, &after.links),
            ("addresses", &self.addrs, &after.addrs),
            ("routes", &self.routes, &after.routes),
            (
                "the firewall (nft list ruleset)",
                &self.ruleset,
                &after.ruleset,
            ),
            ("sysctls", &self.sysctls, &after.sysctls),
            ("/run/netns", &self.named_netns, &after.named_netns),
            ("nsfs mounts", &self.nsfs_mounts, &after.nsfs_mounts),
        ] {
            let gone: Vec<_> = before.iter().filter(|x| !now.contains(x)).collect();
            let new: Vec<_> = now.iter().filter(|x| !before.contains(x)).collect();
            if !gone.is_empty() || !new.is_empty() {
                differences.push(format!("{name}: gone {gone:?}, new {new:?}"));
            }
        }
        assert!(
            differences.is_empty(),
            "{what} changed the test's own network namespace:\n{}",
            differences.join("\n")
        );
    }
}

/// `nft list ruleset`, line by line (without the handles and counters a
/// listing may number differently); empty where nft has nothing.
fn nft_ruleset() -> Vec<String> {
    crate::nft::ruleset(None)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(without_counters)
        .collect()
}

/// A rule without what it counted (`counter packets 58 bytes 4628`):
/// traffic changes the numbers, not the rule.
fn without_counters(line: &str) -> String {
    let mut words: Vec<&str> = Vec::new();
    let mut rest = line.split_whitespace().peekable();
    while let Some(word) = rest.next() {
        if matches!(word, "packets" | "bytes")
            && rest.peek().is_some_and(|n| n.parse::<u64>().is_ok())
        {
            rest.next();
            continue;
        }
        words.push(word);
    }
    words.join(" ")
}

/// Whether an address or route is the IPv6 link-local kind the kernel
/// adds by itself when a device first comes up (`fe80::/64`, `ff00::/8`):
/// not something a lab made. A leaked device shows in the links.
fn kernel_made_ipv6(line: &str) -> bool {
    line.contains("\"fe80:") || line.contains("\"ff00::/8\"")
}

/// What the suite's processes left in `dir` (the temporary directory):
/// every entry named `netlab-*`, with who owns it.
pub fn netlab_leftovers_in(dir: &std::path::Path) -> Vec<String> {
    use std::os::unix::fs::MetadataExt;
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap_or_else(|e| panic!("read {}: {e}", dir.display())))
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("netlab-"))
        .map(|entry| {
            let owner = entry.metadata().map(|m| m.uid()).unwrap_or(u32::MAX);
            format!("{} (uid {owner})", entry.path().display())
        })
        .collect()
}

/// What still refers to the namespaces of kind `kind` (`net`, `mnt`) with
/// these inodes: a process living in one (`/proc/PID/ns/KIND`), a file
/// descriptor held open on one, or a bind mount of one. Empty once the
/// kernel can free them.
pub fn namespace_references(kind: &str, inodes: &[u64]) -> Vec<String> {
    let wanted: Vec<String> = inodes.iter().map(|i| format!("{kind}:[{i}]")).collect();
    let mut found = Vec::new();
    for process in std::fs::read_dir("/proc").expect("read /proc").flatten() {
        let dir = process.path();
        let is_process = dir
            .file_name()
            .is_some_and(|n| n.to_string_lossy().parse::<u32>().is_ok());
        if !is_process {
            continue;
        }
        let mut links = vec![dir.join("ns").join(kind)];
        if let Ok(fds) = std::fs::read_dir(dir.join("fd")) {
            links.extend(fds.flatten().map(|fd| fd.path()));
        }
        for link in links {
            if let Ok(target) = std::fs::read_link(&link)
                && wanted.contains(&target.to_string_lossy().to_string())
            {
                found.push(format!("{} -> {}", link.display(), target.display()));
            }
        }
    }
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").expect("read mountinfo");
    found.extend(
        mountinfo
            .lines()
            .filter(|l| wanted.iter().any(|w| l.contains(w.as_str())))
            .map(str::to_string),
    );
    found
}
