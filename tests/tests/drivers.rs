//! The "What networking does a container have?" chapter: `cargo run
//! --example drivers`, the host, none and default bridge drivers side by side.

use std::process::Command;

use netlab_tests::observe::Kept;
use netlab_tests::run::As;
use netlab_tests::{check_transcript, root};
use regex::Regex;

const KEY_LINES: &[&str] = &[
    "none$ ip a\n1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n",
    "none$ ip route\n\n",
    "red$ ip route\ndefault via 172.17.0.1 dev eth0\n",
    "on-host$ ip route\n172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1\n\
     192.168.20.0/24 dev eth0 proto kernel scope link src 192.168.20.200\n",
    "on-host$ hostname\non-host\n",
    "red$ curl -sS http://172.17.0.1/\nhello from the host, on 172.17.0.1\nyou came from 172.17.0.2\n",
    "red$ curl -sS http://192.168.20.150/\nhello from outside\nyou came from 192.168.20.200\n",
    "# on-host  yes            yes            yes\n\
     # none     ECONNREFUSED   ENETUNREACH    ENETUNREACH\n\
     # red      ECONNREFUSED   yes            yes\n",
];

/// The inode each `readlink /proc/self/ns/net` printed, by prompt.
fn identities(stdout: &str) -> Vec<(String, String)> {
    let pattern = Regex::new(r"(?m)^(\S+)\$ readlink /proc/self/ns/net\n(net:\[\d+\])$").unwrap();
    pattern
        .captures_iter(stdout)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect()
}

fn check(who: As) {
    let stdout = check_transcript("drivers", who, KEY_LINES);
    let ids = identities(&stdout);
    let names: Vec<&str> = ids.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["host", "on-host", "none", "red"],
        "four namespaces' identities printed ({who:?}):\n{stdout}"
    );
    assert_eq!(
        ids[0].1, ids[1].1,
        "on-host's inode is the host's ({who:?})"
    );
    for other in &ids[2..] {
        assert_ne!(other.1, ids[0].1, "{} has its own ({who:?})", other.0);
    }
    assert_ne!(ids[2].1, ids[3].1, "none's and red's differ ({who:?})");
}

#[test]
fn drivers_transcript_matches_the_book() {
    if root() {
        check(As::Root);
    }
}

#[test]
fn drivers_rootless_prints_the_same_transcript() {
    if root() {
        check(As::Rootless);
    }
}

/// The `--mount=... --uts=... --net=...` arguments the example printed for
/// `name` in its `--keep` hints.
fn nsenter_args(lab: &Kept, name: &str) -> Vec<String> {
    let line = lab
        .transcript
        .lines()
        .find(|l| l.starts_with(&format!("#   {name}: ")))
        .unwrap_or_else(|| panic!("a --keep hint for {name}:\n{}", lab.transcript));
    line.split_whitespace()
        .filter(|word| {
            word.starts_with("--mount=") || word.starts_with("--uts=") || word.starts_with("--net=")
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn drivers_each_container_has_the_network_its_driver_gives() {
    if !root() {
        return;
    }
    for who in [As::Root, As::Rootless] {
        let lab = Kept::start("drivers", who);
        // host: on-host is the host's namespace, seen from outside.
        let on_host = nsenter_args(&lab, "on-host");
        let run = |args: &[String], argv: &[&str]| {
            let output = Command::new("nsenter")
                .args(args)
                .args(argv)
                .output()
                .expect("run nsenter");
            assert!(
                output.status.success(),
                "nsenter {args:?} {argv:?}: {output:?}"
            );
            String::from_utf8_lossy(&output.stdout).trim().to_string()
        };
        let inode = |args: &[String]| run(args, &["readlink", "/proc/self/ns/net"]);
        let host = nsenter_args(&lab, "host");
        assert_eq!(
            inode(&on_host),
            inode(&host),
            "on-host is in the host's namespace ({who:?})"
        );
        assert_eq!(
            run(&on_host, &["hostname"]),
            "on-host",
            "on-host has its own hostname ({who:?})"
        );
        assert_eq!(
            run(&on_host, &["cat", "/etc/hostname"]),
            "on-host",
            "and its own /etc/hostname ({who:?})"
        );
        assert_eq!(
            lab.link_names("host"),
            ["lo", "eth0", "docker0", "veth-red"],
            "on-host sees the host's devices ({who:?})"
        );
        // none: lo only, up, and no route at all.
        assert_eq!(lab.link_names("none"), ["lo"], "none has lo only ({who:?})");
        assert_eq!(
            lab.ipv4("none", "lo"),
            ["127.0.0.1/8"],
            "none's lo is up with 127.0.0.1 ({who:?})"
        );
        assert!(
            lab.json("none", &["ip", "route", "show"]).is_empty(),
            "none has no route ({who:?})"
        );
        // bridge: red's eth0 on docker0, a default route via 172.17.0.1.
        assert_eq!(
            lab.ipv4("red", "eth0"),
            ["172.17.0.2/16"],
            "red's address ({who:?})"
        );
        let veth = lab.link("host", "veth-red");
        assert_eq!(
            veth["master"], "docker0",
            "veth-red is a port of docker0 ({who:?})"
        );
        let routes = lab.json("red", &["ip", "route", "show", "default"]);
        assert_eq!(
            routes.len(),
            1,
            "red has one default route ({who:?}): {routes:?}"
        );
        assert_eq!(routes[0]["gateway"], "172.17.0.1", "via docker0 ({who:?})");
        // iputils' ping, from each: outside is reached from on-host and red only.
        for (from, reaches) in [("host", true), ("none", false), ("red", true)] {
            let ping = lab.exec(from, &["ping", "-c", "1", "-W", "1", "192.168.20.150"]);
            assert_eq!(
                ping.status.success(),
                reaches,
                "{from} {} outside ({who:?}): {ping:?}",
                if reaches { "reaches" } else { "does not reach" }
            );
        }
        assert!(
            lab.finish().success(),
            "drivers --keep exits 0 after Enter ({who:?})"
        );
    }
}
