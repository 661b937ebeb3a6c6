//! The "MACVLAN" chapter: `cargo run --example macvlan`.

use std::process::Command;

use netlab_tests::observe::Kept;
use netlab_tests::run::{self, As};
use netlab_tests::{check_transcript, record, root};
use serde_json::Value;

const KEY_LINES: &[&str] = &[
    "red$ ip -d link show eth0\n2: eth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue \
     state UP mode DEFAULT group default qlen 1000\n\
     \x20   link/ether 02:42:c0:a8:14:02 brd ff:ff:ff:ff:ff:ff link-netnsid 0 promiscuity 0 ",
    "\n    macvlan mode bridge ",
    "router$ ip neigh | sort\n192.168.20.2 dev eth0 lladdr 02:42:c0:a8:14:02 REACHABLE\n\
     192.168.20.3 dev eth0 lladdr 02:42:c0:a8:14:03 REACHABLE\n",
    "red$ ping -c 1 192.168.20.3\nPING 192.168.20.3 (192.168.20.3) 56(84) bytes of data.\n64 bytes from 192.168.20.3: icmp_seq=1 ttl=64 time=",
    "blue$ ping -c 1 192.168.20.1\nPING 192.168.20.1 (192.168.20.1) 56(84) bytes of data.\n64 bytes from 192.168.20.1: icmp_seq=1 ttl=64 time=",
    "host$ nft add chain netdev trace egress \
     '{ type filter hook egress device \"eth0\" priority filter; policy accept; }'\n",
    // The parent's egress hook: the two pings to the router (red's, then
    // blue's, their addresses in hex at the end of the IPv4 header), and
    // no third line for red's to blue.
    "host$ nft monitor trace\ntrace id ",
    "c0a81402c0a81401 @th,0,160 ",
    "c0a81403c0a81401 @th,0,160 ",
    " netdev trace egress policy accept\n\n# the limit",
    "host$ ping -c 1 192.168.20.2\nPING 192.168.20.2 (192.168.20.2) 56(84) bytes of data.\n\n\
     --- 192.168.20.2 ping statistics ---\n1 packets transmitted, 0 received, 100% packet loss",
    "host$ ip route add 192.168.20.0/25 dev mv-host\n\
     host$ ping -c 1 192.168.20.2\nPING 192.168.20.2 (192.168.20.2) 56(84) bytes of data.\n64 bytes from 192.168.20.2: icmp_seq=1 ttl=64 time=",
    "> done | wc -l\n16\n\n# 16 of 16 got a reply from 192.168.20.1\nrouter$ ip neigh | wc -l\n18\n\
     lan$ bridge fdb show br lan0 brport veth-host dynamic | wc -l\n20\n",
];

/// The line the example prints where the kernel cannot make VLAN devices.
const TRUNK_SKIPPED: &str = "# 802.1q trunk mode: skipped, this kernel has no 8021q support \
     (creating eth0.20 failed: EOPNOTSUPP); the VM run records it (cargo xtask vm)\n";

/// What the example prints where it can: the routers' VLAN interfaces
/// reach green (VLAN 20) and yellow (VLAN 30), and a broadcast of VLAN 30
/// does not reach VLAN 20.
const TRUNK_LINES: &[&str] = &[
    "host$ ip link add link eth0 name eth0.30 type vlan id 30\n",
    "router$ ping -c 1 10.20.0.2\nPING 10.20.0.2 (10.20.0.2) 56(84) bytes of data.\n64 bytes from 10.20.0.2: icmp_seq=1 ttl=64 time=",
    "green$ ping -c 1 10.20.0.1\nPING 10.20.0.1 (10.20.0.1) 56(84) bytes of data.\n64 bytes from 10.20.0.1: icmp_seq=1 ttl=64 time=",
    "router$ ping -c 1 10.30.0.2\nPING 10.30.0.2 (10.30.0.2) 56(84) bytes of data.\n64 bytes from 10.30.0.2: icmp_seq=1 ttl=64 time=",
    "yellow$ ping -c 1 10.30.0.1\nPING 10.30.0.1 (10.30.0.1) 56(84) bytes of data.\n64 bytes from 10.30.0.1: icmp_seq=1 ttl=64 time=",
    "    vlan protocol 802.1Q id 20\n",
    "yellow$ arping -c 1 -I eth0 -s 10.30.0.2 10.20.0.2\nARPING 10.20.0.2 from 10.30.0.2 eth0\n\
     Sent 1 probes (1 broadcast(s))\nReceived 0 response(s)\n",
];

/// Whether this kernel can make an 802.1Q VLAN device, asked on its own:
/// iproute2 in a throwaway network namespace.
fn kernel_has_8021q() -> bool {
    let probe = "ip link add probe0 type veth peer name probe1 && \
                 ip link add link probe0 name probe0.20 type vlan id 20";
    let status = Command::new("unshare")
        .args(["--net", "sh", "-c", probe])
        .output()
        .expect("run unshare --net ip link add ... type vlan");
    status.status.success()
}

/// The lines on the trunk part this kernel must show.
fn check_trunk(stdout: &str) {
    if kernel_has_8021q() {
        for line in TRUNK_LINES {
            assert!(
                stdout.contains(line),
                "this kernel has 8021q: the trunk part shows {line:?}:\n{stdout}"
            );
        }
        assert!(
            !stdout.contains("802.1q trunk mode: skipped"),
            "this kernel has 8021q: the trunk part is not skipped:\n{stdout}"
        );
    } else {
        assert!(
            stdout.contains(TRUNK_SKIPPED),
            "this kernel lacks 8021q: the example says it skips the trunk part, and why:\n{stdout}"
        );
    }
}

/// The comment that opens the trunk part of the transcript.
const TRUNK_HEADER: &str = "\n# 802.1q trunk mode: docker network create";

/// Runs the example as `who` and checks its transcript against the book's.
///
/// The trunk part depends on the kernel: where the recording was made on a
/// kernel like this one (both with 8021q, or both without), the whole
/// transcript must match it; otherwise everything before the trunk part
/// must, and the trunk part must show what this kernel can do.
fn check_macvlan_transcript(who: As) {
    let recorded = std::fs::read_to_string(record::output_path("macvlan")).unwrap_or_default();
    let recorded_without_8021q = recorded.contains(TRUNK_SKIPPED);
    let same_kind_of_kernel = recorded_without_8021q != kernel_has_8021q();
    let stdout = if recorded.is_empty() || same_kind_of_kernel || record::recording() {
        check_transcript("macvlan", who, KEY_LINES)
    } else {
        let stdout = run::success("macvlan", who);
        for line in KEY_LINES {
            assert!(
                stdout.contains(line),
                "macvlan ({who:?}) lacks {line:?}:\n{stdout}"
            );
        }
        let fresh = record::normalize("macvlan", &stdout);
        let recorded = record::mask("macvlan", &recorded);
        let before_trunk = |text: &str| text.split(TRUNK_HEADER).next().unwrap_or("").to_string();
        assert_eq!(
            before_trunk(&fresh),
            before_trunk(&recorded),
            "macvlan ({who:?}): up to the trunk part, the transcript matches output.txt \
             (recorded on a kernel {} 8021q)",
            if recorded_without_8021q {
                "without"
            } else {
                "with"
            }
        );
        stdout
    };
    // Two frames passed the parent's egress hook, the pings to the router;
    // red's ping to blue (192.168.20.2 to .3) did not.
    let packets = stdout.matches(" netdev trace egress packet: ").count();
    assert!(
        packets == 2 && !stdout.contains("c0a81402c0a81403"),
        "macvlan ({who:?}): eth0's egress hook saw two pings, none between the children:\n{stdout}"
    );
    check_trunk(&stdout);
}

#[test]
fn macvlan_transcript_matches_the_book() {
    if root() {
        check_macvlan_transcript(As::Root);
    }
}

#[test]
fn macvlan_rootless_prints_the_same_transcript() {
    if root() {
        check_macvlan_transcript(As::Rootless);
    }
}

/// `ip -j -d link show NAME`'s `linkinfo`: kind and data.
fn linkinfo(link: &Value) -> (&str, &Value) {
    let info = &link["linkinfo"];
    (info["info_kind"].as_str().unwrap_or(""), &info["info_data"])
}

#[test]
fn macvlan_containers_are_on_the_lan_with_their_own_macs() {
    if !root() {
        return;
    }
    for who in [As::Root, As::Rootless] {
        let lab = Kept::start("macvlan", who);
        let parent = lab.link("host", "eth0");
        let parent_mac = parent["address"]
            .as_str()
            .expect("eth0 has a MAC")
            .to_string();
        assert_eq!(
            parent["promiscuity"], 1,
            "the kernel made the parent promiscuous, once for all its MACVLAN devices ({who:?}): {parent}"
        );
        let neighbours = lab.json("router", &["ip", "neigh", "show", "dev", "eth0"]);
        for (name, ip, mac) in [
            ("red", "192.168.20.2", "02:42:c0:a8:14:02"),
            ("blue", "192.168.20.3", "02:42:c0:a8:14:03"),
        ] {
            let eth0 = lab.link(name, "eth0");
            let (kind, data) = linkinfo(&eth0);
            assert_eq!(
                kind, "macvlan",
                "{name}'s eth0 is a MACVLAN device ({who:?}): {eth0}"
            );
            assert_eq!(
                data["mode"], "bridge",
                "{name}'s eth0 is in bridge mode ({who:?}): {eth0}"
            );
            assert_eq!(
                eth0["address"], mac,
                "{name}'s eth0 has Docker's MAC for {ip} ({who:?})"
            );
            assert_ne!(
                eth0["address"], parent_mac,
                "{name}'s MAC is not the parent's ({who:?})"
            );
            assert_eq!(
                lab.ipv4(name, "eth0"),
                [format!("{ip}/24")],
                "{name}'s address is from the LAN ({who:?})"
            );
            assert!(
                neighbours
                    .iter()
                    .any(|n| n["dst"] == ip && n["lladdr"] == mac),
                "the router knows {ip} at {name}'s MAC {mac} ({who:?}): {neighbours:?}"
            );
        }
        // iputils' own ping, from the router to red, and from red to blue.
        for (from, to) in [("router", "192.168.20.2"), ("red", "192.168.20.3")] {
            let ping = lab.exec(from, &["ping", "-c", "1", "-W", "2", to]);
            assert!(
                ping.status.success(),
                "{from} pings {to} ({who:?}): {ping:?}"
            );
        }
        // The switch learned 20 MACs behind the one cable to the host: its
        // eth0, red, blue, mv-host and mv101..mv116 (on a kernel with
        // 8021q, green's and yellow's come on top).
        let fdb = lab.json(
            "lan",
            &["bridge", "fdb", "show", "br", "lan0", "brport", "veth-host"],
        );
        let learned: Vec<&str> = fdb
            .iter()
            .filter(|e| !e["flags"].to_string().contains("self") && e["state"] != "permanent")
            .filter_map(|e| e["mac"].as_str())
            .collect();
        let mut expected = vec![parent_mac.clone()];
        expected.extend(
            [2, 3, 0xfe]
                .iter()
                .chain(&(101..=116).collect::<Vec<u8>>())
                .map(|host| format!("02:42:c0:a8:14:{host:02x}")),
        );
        for mac in &expected {
            assert!(
                learned.contains(&mac.as_str()),
                "lan0 learned {mac} behind veth-host ({who:?}): {learned:?}"
            );
        }
        let vlan_containers = if kernel_has_8021q() { 2 } else { 0 };
        assert_eq!(
            learned.len(),
            20 + vlan_containers,
            "lan0 learned those and no other MACs behind veth-host ({who:?}): {learned:?}"
        );
        let pool = lab.link("host", "mv116");
        assert_eq!(
            linkinfo(&pool).0,
            "macvlan",
            "mv116 is a MACVLAN device ({who:?})"
        );
        assert!(
            lab.finish().success(),
            "macvlan --keep exits 0 after Enter ({who:?})"
        );
    }
}

#[test]
fn macvlan_trunk_mode_uses_vlan_devices_where_the_kernel_has_them() {
    if !root() {
        return;
    }
    if !kernel_has_8021q() {
        // Checked by the transcript tests: the example says it skipped.
        eprintln!("this kernel has no 8021q: the trunk part is recorded in the VM run");
        return;
    }
    let lab = Kept::start("macvlan", As::Root);
    for (vlan, name) in [(20, "green"), (30, "yellow")] {
        let device = format!("eth0.{vlan}");
        let sub = lab.link("host", &device);
        let (kind, data) = linkinfo(&sub);
        assert_eq!(kind, "vlan", "the host's {device} is a VLAN device: {sub}");
        assert_eq!(data["id"], vlan, "{device} has VLAN id {vlan}: {sub}");
        let eth0 = lab.link(name, "eth0");
        let (kind, data) = linkinfo(&eth0);
        assert_eq!(kind, "macvlan", "{name}'s eth0 is a MACVLAN device: {eth0}");
        assert_eq!(
            data["mode"], "bridge",
            "{name}'s eth0 is in bridge mode: {eth0}"
        );
        let router_ip = format!("10.{vlan}.0.1");
        let ping = lab.exec(name, &["ping", "-c", "1", "-W", "2", &router_ip]);
        assert!(
            ping.status.success(),
            "{name} pings {router_ip} on VLAN {vlan}: {ping:?}"
        );
    }
    assert!(lab.finish().success(), "macvlan --keep exits 0 after Enter");
}
