//! The Docker bridge chapter's first lab, what breaks without a bridge:
//! `cargo run --example without_bridge`.

use netlab_tests::observe::Kept;
use netlab_tests::run::As;
use netlab_tests::{check_transcript, root};

const KEY_LINES: &[&str] = &[
    "host$ ip link add veth-red type veth peer name eth0 netns red",
    "host$ ip link add veth-blue type veth peer name eth0 netns blue",
    "172.17.0.0/16 dev veth-red proto kernel scope link src 172.17.0.1",
    "172.17.0.0/16 dev veth-blue proto kernel scope link src 172.17.0.1",
    "1 packets transmitted, 1 received, 0% packet loss, time 0ms",
    "1 packets transmitted, 0 received, 100% packet loss, time 0ms",
];

#[test]
fn without_bridge_transcript_matches_the_book() {
    if root() {
        check_transcript("without_bridge", As::Root, KEY_LINES);
    }
}

#[test]
fn without_bridge_rootless_prints_the_same_transcript() {
    if root() {
        check_transcript("without_bridge", As::Rootless, KEY_LINES);
    }
}

#[test]
fn without_bridge_leaves_two_cables_and_no_bridge() {
    if !root() {
        return;
    }
    for who in [As::Root, As::Rootless] {
        let lab = Kept::start("without_bridge", who);
        assert_eq!(
            lab.link_names("host"),
            ["lo", "veth-red", "veth-blue"],
            "the host has the two cables' ends and no bridge ({who:?})"
        );
        for container in ["red", "blue"] {
            assert_eq!(
                lab.link_names(container),
                ["lo", "eth0"],
                "{container} has lo and eth0 only ({who:?})"
            );
            assert_eq!(
                lab.link("host", &format!("veth-{container}"))["master"],
                serde_json::Value::Null,
                "veth-{container} is a port of nothing ({who:?})"
            );
        }
        assert!(
            lab.finish().success(),
            "without_bridge --keep exits 0 after Enter ({who:?})"
        );
    }
}
