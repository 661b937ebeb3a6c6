//! The veth chapter: `cargo run --example veth`.

use netlab_tests::observe::Kept;
use netlab_tests::run::As;
use netlab_tests::{check_transcript, root};

const KEY_LINES: &[&str] = &[
    "host$ ip link add vethA type veth peer name vpeerA",
    "2: vpeerA@vethA: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group default qlen 1000",
    "3: vethA@vpeerA: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group default qlen 1000",
    "host$ ip link delete vethA",
];

#[test]
fn veth_transcript_matches_the_book() {
    if root() {
        let stdout = check_transcript("veth", As::Root, KEY_LINES);
        let after_delete = stdout.rsplit("host$ ip link delete vethA").next().unwrap();
        assert!(
            !after_delete.contains("vpeerA"),
            "vpeerA went with vethA:\n{after_delete}"
        );
    }
}

#[test]
fn veth_rootless_prints_the_same_transcript() {
    if root() {
        check_transcript("veth", As::Rootless, KEY_LINES);
    }
}

#[test]
fn veth_leaves_only_lo_after_deleting_one_end() {
    if !root() {
        return;
    }
    for who in [As::Root, As::Rootless] {
        let lab = Kept::start("veth", who);
        assert_eq!(
            lab.link_names("host"),
            ["lo"],
            "both ends are gone ({who:?})"
        );
        assert!(
            lab.finish().success(),
            "veth --keep exits 0 after Enter ({who:?})"
        );
    }
}
