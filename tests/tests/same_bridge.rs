//! The "two containers on one bridge" chapter: `cargo run --example same_bridge`.

use netlab_tests::observe::Kept;
use netlab_tests::run::As;
use netlab_tests::{check_transcript, root};

const KEY_LINES: &[&str] = &[
    "red$ ping -c 1 172.17.0.3\nPING 172.17.0.3 (172.17.0.3) 56(84) bytes of data.\n64 bytes from 172.17.0.3: icmp_seq=1 ttl=64 time=",
    "red$ nc 172.17.0.3 80\nhello from blue, port 80\n",
];

#[test]
fn same_bridge_transcript_matches_the_book() {
    if root() {
        let stdout = check_transcript("same_bridge", As::Root, KEY_LINES);
        // `brctl showmacs` rows: "  PORT\tMAC\tIS-LOCAL\tAGE"; learned ones say "no".
        let rows = stdout
            .lines()
            .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()));
        let learned = rows.filter(|l| l.contains("\tno\t")).count();
        assert_eq!(
            learned, 2,
            "docker0 learned red's and blue's MACs:\n{stdout}"
        );
    }
}

#[test]
fn same_bridge_rootless_prints_the_same_transcript() {
    if root() {
        check_transcript("same_bridge", As::Rootless, KEY_LINES);
    }
}

#[test]
fn same_bridge_containers_reach_each_other() {
    if !root() {
        return;
    }
    for who in [As::Root, As::Rootless] {
        let lab = Kept::start("same_bridge", who);
        let docker0 = lab.link("host", "docker0");
        let flags = docker0["flags"].as_array().cloned().unwrap_or_default();
        assert!(
            flags.iter().any(|f| f == "UP") && docker0["operstate"] == "UP",
            "docker0 is up, and has carrier ({who:?}): {docker0}"
        );
        assert_eq!(
            lab.ipv4("host", "docker0"),
            ["172.17.0.1/16"],
            "docker0 has the containers' gateway address ({who:?})"
        );
        for (name, ip) in [("red", "172.17.0.2/16"), ("blue", "172.17.0.3/16")] {
            let routes = lab.json(name, &["ip", "route", "show", "default"]);
            assert!(
                routes.len() == 1
                    && routes[0]["gateway"] == "172.17.0.1"
                    && routes[0]["dev"] == "eth0",
                "{name}'s default route goes via docker0's address on eth0 ({who:?}): {routes:?}"
            );
            let gateway = lab.exec(name, &["ping", "-c", "1", "-W", "2", "172.17.0.1"]);
            assert!(
                gateway.status.success(),
                "{name} reaches docker0's address, its gateway ({who:?}): {gateway:?}"
            );
            assert_eq!(
                lab.ipv4(name, "eth0"),
                [ip],
                "{name}'s eth0 address ({who:?})"
            );
        }
        for name in ["red", "blue"] {
            let veth = lab.link("host", &format!("veth-{name}"));
            assert_eq!(
                veth["master"], "docker0",
                "veth-{name} is a port of docker0 ({who:?})"
            );
        }
        // An independent ping, iputils' own, both ways.
        for (from, to) in [("red", "172.17.0.3"), ("blue", "172.17.0.2")] {
            let ping = lab.exec(from, &["ping", "-c", "1", "-W", "2", to]);
            assert!(
                ping.status.success(),
                "{from} pings {to} ({who:?}): {ping:?}"
            );
        }
        let fdb = lab.json("host", &["bridge", "fdb", "show", "br", "docker0"]);
        for name in ["red", "blue"] {
            let mac = lab.link(name, "eth0")["address"].clone();
            assert!(
                fdb.iter()
                    .any(|e| e["mac"] == mac && e["state"] != "permanent"),
                "docker0 learned {name}'s MAC {mac} ({who:?}): {fdb:?}"
            );
        }
        assert!(
            lab.finish().success(),
            "same_bridge --keep exits 0 after Enter ({who:?})"
        );
    }
}
