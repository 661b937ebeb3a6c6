//! The "IPvlan" chapter: `cargo run --example ipvlan`.
//!
//! Where this kernel has no ipvlan driver (this project's CI kernel), the
//! example prints one line, that it skips and why, and that is its
//! `output.txt`; the VM test runs it for real under Debian's kernel and
//! compares it with `output-vm.txt`. Where the kernel has the driver, the
//! tests below check the real run here too.

use netlab_tests::observe::Kept;
use netlab_tests::run::{self, As, kernel_lacks_driver_of};
use netlab_tests::{check_transcript, root};

/// The line the example prints where the kernel cannot make IPvlan devices.
const SKIPPED: &str = "\n# ipvlan: skipped, this kernel has no ipvlan driver (creating an \
     ipvlan device failed: EOPNOTSUPP); the VM run records it (cargo xtask vm)\n";

/// What the example prints where it runs (in the VM, and on a kernel with
/// ipvlan): both modes' devices, the router's neighbours at one MAC, the
/// route L3 needs.
const KEY_LINES: &[&str] = &[
    "host$ ip link add iv-red link eth0 netns red type ipvlan mode l2\n",
    "    ipvlan  mode l2 bridge ",
    "lan$ bridge fdb show br lan0 brport veth-host dynamic | wc -l\n1\n",
    "host$ ping -c 1 192.168.20.2\nPING 192.168.20.2 (192.168.20.2) 56(84) bytes of data.\n\n\
     --- 192.168.20.2 ping statistics ---\n1 packets transmitted, 0 received, 100% packet loss",
    "<BROADCAST,MULTICAST,NOARP,UP,LOWER_UP>",
    "    ipvlan  mode l3 bridge ",
    "green$ ip route\ndefault dev eth0 scope link\n",
    "router$ ping -c 1 192.168.30.2\nping: connect: Network is unreachable\n\
     router$ ip route add 192.168.30.0/24 via 192.168.20.200\n\
     router$ ping -c 1 192.168.30.2\nPING 192.168.30.2 (192.168.30.2) 56(84) bytes of data.\n\
     64 bytes from 192.168.30.2: icmp_seq=1 ttl=64 time=",
    "green$ arping -c 1 -I eth0 -s 192.168.30.2 192.168.20.1\n\
     ARPING 192.168.20.1 from 192.168.30.2 eth0\n\n\
     # the request never left: sendto on eth0 failed with ENOBUFS",
];

fn check(who: As) {
    if kernel_lacks_driver_of("ipvlan") {
        let stdout = check_transcript("ipvlan", who, &[SKIPPED]);
        assert_eq!(
            stdout, SKIPPED,
            "ipvlan ({who:?}) prints that one line and nothing else"
        );
        return;
    }
    // A kernel with ipvlan: the recording here is the skip line, so check
    // the lines the chapter relies on (the VM test compares the whole run).
    let stdout = run::success("ipvlan", who);
    for line in KEY_LINES {
        assert!(
            stdout.contains(line),
            "ipvlan ({who:?}) lacks {line:?}:\n{stdout}"
        );
    }
}

#[test]
fn ipvlan_transcript_matches_the_book() {
    if root() {
        check(As::Root);
    }
}

#[test]
fn ipvlan_rootless_prints_the_same_transcript() {
    if root() {
        check(As::Rootless);
    }
}

#[test]
fn ipvlan_containers_share_the_parents_mac() {
    if !root() {
        return;
    }
    if kernel_lacks_driver_of("ipvlan") {
        eprintln!("this kernel has no ipvlan: the VM test runs the example for real");
        return;
    }
    let lab = Kept::start("ipvlan", As::Root);
    let parent = lab.link("host", "eth0");
    for (name, mode, ip) in [
        ("green", "l3", "192.168.30.2/24"),
        ("yellow", "l3", "192.168.30.3/24"),
    ] {
        let eth0 = lab.link(name, "eth0");
        let info = &eth0["linkinfo"];
        assert_eq!(
            info["info_kind"], "ipvlan",
            "{name}'s eth0 is IPvlan: {eth0}"
        );
        assert_eq!(
            info["info_data"]["mode"], mode,
            "{name}: mode {mode}: {eth0}"
        );
        assert_eq!(
            eth0["address"], parent["address"],
            "{name} has the parent's MAC"
        );
        assert_eq!(lab.ipv4(name, "eth0"), [ip], "{name}'s address");
    }
    let ping = lab.exec("router", &["ping", "-c", "1", "-W", "2", "192.168.30.3"]);
    assert!(ping.status.success(), "the router pings yellow: {ping:?}");
    assert!(lab.finish().success(), "ipvlan --keep exits 0 after Enter");
}
