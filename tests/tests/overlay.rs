//! The overlay chapter: `cargo run --example overlay`.

use netlab_tests::observe::Kept;
use netlab_tests::run::As;
use netlab_tests::{check_transcript, root};
use serde_json::Value;

const KEY_LINES: &[&str] = &[
    "host1$ ip link add vxlan0 netns overlay1 type vxlan id 4097 dstport 4789 local 10.0.0.1 dev eth0 proxy\n",
    "overlay1$ bridge fdb show dev vxlan0\n",
    "02:42:0a:00:01:03 dst 10.0.0.2 link-netnsid 0 self permanent\n",
    "red$ ping -c 1 10.0.1.3\nPING 10.0.1.3 (10.0.1.3) 56(84) bytes of data.\n64 bytes from 10.0.1.3: icmp_seq=1 ttl=64 time=",
    ": VXLAN, flags [I] (0x08), vni 4097\nIP 10.0.1.2 > 10.0.1.3: ICMP echo request, id ",
    // host1's own netfilter hooks saw the VXLAN packet, nothing else.
    "host1$ nft add rule ip trace output 'udp dport 4789 meta nftrace set 1'\n",
    "host1$ nft monitor trace\ntrace id ",
    " ip trace output rule udp dport 4789 meta nftrace set 1 (verdict continue)\n",
    " ip trace postrouting policy accept\nblue$ ",
    "red$ nc 10.0.1.3 80\nhello from blue, on host2\n",
    "outside$ ip route\n203.0.113.0/24 dev eth0 proto kernel scope link src 203.0.113.2\nred$ ip route\n",
    // ttl 63: one router on the way, host1, which masqueraded the request.
    "red$ ping -c 1 203.0.113.2\nPING 203.0.113.2 (203.0.113.2) 56(84) bytes of data.\n64 bytes from 203.0.113.2: icmp_seq=1 ttl=63 time=",
];

#[test]
fn overlay_transcript_matches_the_book() {
    if root() {
        let stdout = check_transcript("overlay", As::Root, KEY_LINES);
        assert!(
            stdout.contains("IP 10.0.0.1.") && stdout.contains(" > 10.0.0.2.4789: VXLAN"),
            "host2's eth0 saw UDP from host1's VTEP to port 4789:\n{stdout}"
        );
    }
}

#[test]
fn overlay_rootless_prints_the_same_transcript() {
    if root() {
        check_transcript("overlay", As::Rootless, KEY_LINES);
    }
}

#[test]
fn overlay_kernel_state_seen_from_outside() {
    if !root() {
        return;
    }
    for who in [As::Root, As::Rootless] {
        let lab = Kept::start("overlay", who);
        for (overlay, local, peer_ip, peer_mac, vtep) in [
            (
                "overlay1",
                "10.0.0.1",
                "10.0.1.3",
                "02:42:0a:00:01:03",
                "10.0.0.2",
            ),
            (
                "overlay2",
                "10.0.0.2",
                "10.0.1.2",
                "02:42:0a:00:01:02",
                "10.0.0.1",
            ),
        ] {
            let vxlan = lab.link(overlay, "vxlan0");
            let info = &vxlan["linkinfo"]["info_data"];
            assert_eq!(
                vxlan["linkinfo"]["info_kind"], "vxlan",
                "vxlan0 in {overlay} is a VXLAN device ({who:?}): {vxlan}"
            );
            assert_eq!(
                info["id"], 4097,
                "vxlan0 in {overlay} has VNI 4097 ({who:?}): {info}"
            );
            assert_eq!(
                info["port"], 4789,
                "vxlan0 in {overlay} uses UDP port 4789 ({who:?}): {info}"
            );
            assert_eq!(
                info["local"], local,
                "vxlan0 in {overlay} sends from {local} ({who:?}): {info}"
            );
            assert_eq!(
                info["proxy"], true,
                "vxlan0 in {overlay} answers ARP itself ({who:?}): {info}"
            );
            assert_eq!(
                vxlan["master"], "br0",
                "vxlan0 is a port of br0 in {overlay} ({who:?}): {vxlan}"
            );

            let fdb = lab.json(overlay, &["bridge", "fdb", "show", "dev", "vxlan0"]);
            assert!(
                fdb.iter().any(|e| e["mac"] == peer_mac
                    && e["dst"] == vtep
                    && e["state"] == "permanent"
                    && has(&e["flags"], "self")),
                "{overlay}: vxlan0 sends {peer_mac} to the VTEP {vtep} ({who:?}): {fdb:?}"
            );
            let neigh = lab.json(overlay, &["ip", "neigh", "show", "dev", "vxlan0"]);
            assert!(
                neigh.iter().any(|n| n["dst"] == peer_ip
                    && n["lladdr"] == peer_mac
                    && has(&n["state"], "PERMANENT")),
                "{overlay}: vxlan0 knows {peer_ip} is at {peer_mac} ({who:?}): {neigh:?}"
            );
        }
        assert_eq!(
            lab.ipv4("red", "eth0"),
            ["10.0.1.2/24"],
            "red on the overlay ({who:?})"
        );
        assert_eq!(
            lab.ipv4("blue", "eth0"),
            ["10.0.1.3/24"],
            "blue on the overlay ({who:?})"
        );
        assert_eq!(
            lab.link("red", "eth0")["mtu"],
            1450,
            "red's eth0 leaves room for VXLAN's 50 bytes ({who:?})"
        );
        assert_eq!(
            lab.ipv4("red", "eth1"),
            ["172.18.0.2/16"],
            "red on docker_gwbridge ({who:?})"
        );
        assert_eq!(
            lab.link("host1", "gw-red")["master"],
            "docker_gwbridge",
            "gw-red is a port of docker_gwbridge ({who:?})"
        );

        // iputils' own ping, across the overlay and out through the NAT.
        for (from, to) in [
            ("red", "10.0.1.3"),
            ("blue", "10.0.1.2"),
            ("red", "203.0.113.2"),
        ] {
            let ping = lab.exec(from, &["ping", "-c", "1", "-W", "2", to]);
            assert!(
                ping.status.success(),
                "{from} pings {to} ({who:?}): {ping:?}"
            );
        }
        let routes = lab.json("outside", &["ip", "route", "show"]);
        assert!(
            routes
                .iter()
                .all(|r| !r["dst"].as_str().unwrap_or("").starts_with("172.18.")
                    && r["dst"] != "default"),
            "outside has no route back to 172.18.0.0/16 ({who:?}): {routes:?}"
        );
        let ruleset = lab.exec("host1", &["nft", "list", "ruleset"]);
        let ruleset = String::from_utf8_lossy(&ruleset.stdout);
        assert!(
            ruleset.contains("ip saddr 172.18.0.0/16 oifname != \"docker_gwbridge\" masquerade"),
            "host1 masquerades docker_gwbridge's subnet ({who:?}): {ruleset}"
        );
        assert!(
            lab.finish().success(),
            "overlay --keep exits 0 after Enter ({who:?})"
        );
    }
}

fn has(list: &Value, item: &str) -> bool {
    list.as_array().is_some_and(|l| l.iter().any(|x| x == item))
}
