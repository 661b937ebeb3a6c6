//! The Docker bridge chapter: `cargo run --example bridge`.

use netlab_tests::observe::Kept;
use netlab_tests::run::As;
use netlab_tests::{check_transcript, root};

const KEY_LINES: &[&str] = &[
    "host$ ip link add docker0 type bridge",
    "host$ ip link set red-eth0 netns red",
    "red$ ip link set red-eth0 name eth0",
    "        inet 172.17.0.2  netmask 255.255.0.0  broadcast 172.17.255.255",
    "default via 172.17.0.1 dev eth0",
    "4: veth-red@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master docker0 state UP group default qlen 1000",
];

#[test]
fn bridge_transcript_matches_the_book() {
    if root() {
        check_transcript("bridge", As::Root, KEY_LINES);
    }
}

#[test]
fn bridge_rootless_prints_the_same_transcript() {
    if root() {
        check_transcript("bridge", As::Rootless, KEY_LINES);
    }
}

#[test]
fn bridge_builds_what_the_chapter_says() {
    if !root() {
        return;
    }
    for who in [As::Root, As::Rootless] {
        let lab = Kept::start("bridge", who);
        let docker0 = lab.link("host", "docker0");
        assert_eq!(
            docker0["linkinfo"]["info_kind"], "bridge",
            "docker0 is a bridge ({who:?})"
        );
        assert_eq!(
            lab.ipv4("host", "docker0"),
            ["172.17.0.1/16"],
            "docker0's address ({who:?})"
        );
        let veth = lab.link("host", "veth-red");
        assert_eq!(
            veth["master"], "docker0",
            "veth-red is a port of docker0 ({who:?})"
        );
        assert_eq!(
            veth["linkinfo"]["info_kind"], "veth",
            "veth-red is a veth ({who:?})"
        );

        assert_eq!(
            lab.link_names("red"),
            ["lo", "eth0"],
            "red has lo and eth0 only ({who:?})"
        );
        let eth0 = lab.link("red", "eth0");
        assert_eq!(
            eth0["ifindex"], veth["link_index"],
            "red's eth0 is veth-red's peer ({who:?})"
        );
        assert_eq!(
            lab.ipv4("red", "eth0"),
            ["172.17.0.2/16"],
            "red's address ({who:?})"
        );
        let routes = lab.json("red", &["ip", "route", "show", "default"]);
        assert_eq!(
            routes[0]["gateway"], "172.17.0.1",
            "red's default route ({who:?}): {routes:?}"
        );

        let fdb = lab.json("host", &["bridge", "fdb", "show", "br", "docker0"]);
        let veth_mac = veth["address"].as_str().expect("veth-red has a MAC");
        assert!(
            fdb.iter()
                .any(|e| e["mac"] == veth_mac && e["state"] == "permanent"),
            "docker0 knows veth-red's own MAC as local ({who:?}): {fdb:?}"
        );
        assert!(
            lab.finish().success(),
            "bridge --keep exits 0 after Enter ({who:?})"
        );
    }
}
