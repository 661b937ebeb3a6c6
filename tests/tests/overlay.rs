//! The overlay chapter: `cargo run --example overlay`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use netlab_tests::observe::Kept;
use netlab_tests::run::{As, example_path, output};
use netlab_tests::{check_transcript, have_root};
use serde_json::Value;

const KEY_LINES: &[&str] = &[
    "host1$ ip link add vxlan0 netns overlay1 type vxlan id 4097 dstport 4789 local 10.0.0.1 dev eth0 proxy\n",
    "overlay1$ bridge fdb show dev vxlan0\n",
    "02:42:0a:00:01:03 dst 10.0.0.2 self permanent\n",
    "red$ ping -c 1 10.0.1.3\n64 bytes from 10.0.1.3: icmp_seq=1 ttl=64 time=",
    ": VXLAN, flags [I] (0x08), vni 4097\nIP 10.0.1.2 > 10.0.1.3: ICMP echo request, id ",
    "red$ nc 10.0.1.3 80\nhello from blue, on host2\n",
    "outside$ ip route\n203.0.113.0/24 dev eth0 proto kernel scope link src 203.0.113.2\nred$ ip route\n",
    // ttl 63: one router on the way, host1, which masqueraded the request.
    "red$ ping -c 1 203.0.113.2\n64 bytes from 203.0.113.2: icmp_seq=1 ttl=63 time=",
];

#[test]
fn overlay_transcript_matches_the_book() {
    if have_root("overlay_transcript_matches_the_book") {
        let stdout = check_transcript("overlay", As::Root, KEY_LINES);
        assert!(
            stdout.contains("IP 10.0.0.1.") && stdout.contains(" > 10.0.0.2.4789: VXLAN"),
            "host2's eth0 saw UDP from host1's VTEP to port 4789:\n{stdout}"
        );
    }
}

#[test]
fn overlay_rootless_prints_the_same_transcript() {
    if have_root("overlay_rootless_prints_the_same_transcript") {
        check_transcript("overlay", As::Rootless, KEY_LINES);
    }
}

#[test]
fn overlay_kernel_state_seen_from_outside() {
    if !have_root("overlay_kernel_state_seen_from_outside") {
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

#[test]
fn overlay_usage_lists_its_flags() {
    if !have_root("overlay_usage_lists_its_flags") {
        return;
    }
    let run = output("overlay", As::Root, &["--underlay-lokal", "192.0.2.10"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(
        run.status.code(),
        Some(64),
        "a wrong flag is a usage error: {stderr}"
    );
    for flag in [
        "--underlay-local ADDRESS",
        "--underlay-remote ADDRESS",
        "--parent DEVICE",
        "--container red|blue",
    ] {
        assert!(stderr.contains(flag), "the usage lists {flag}: {stderr}");
    }
    assert!(
        stderr.ends_with("unknown argument: --underlay-lokal\n"),
        "it names the wrong one: {stderr}"
    );
}

/// The two-machine mode, with two network namespaces standing for the two
/// machines: each runs one side, and each side's container pings the other's.
#[test]
fn overlay_runs_across_two_machines() {
    if !have_root("overlay_runs_across_two_machines") {
        return;
    }
    let machines = [Machine::start(), Machine::start()];
    let (pid1, pid2) = (machines[0].pid(), machines[1].pid());
    let net = |pid: u32| format!("--net=/proc/{pid}/ns/net");
    let ip = |pid: u32, args: &str| {
        let status = Command::new("nsenter")
            .arg(net(pid))
            .arg("ip")
            .args(args.split(' '))
            .status()
            .expect("run ip");
        assert!(status.success(), "ip {args} in machine {pid}");
    };
    ip(
        pid1,
        &format!("link add eth0 type veth peer name eth0 netns {pid2}"),
    );
    for (pid, address) in [(pid1, "192.0.2.10/24"), (pid2, "192.0.2.11/24")] {
        ip(pid, &format!("addr add {address} dev eth0"));
        ip(pid, "link set eth0 up");
    }
    let side = |pid: u32, local: &str, remote: &str, container: &str| {
        Command::new("nsenter")
            .arg(net(pid))
            .arg(example_path("overlay"))
            .args(["--underlay-local", local, "--underlay-remote", remote])
            .args(["--parent", "eth0", "--container", container])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start one side")
    };
    let mut sides = [
        (
            "red",
            side(pid1, "192.0.2.10", "192.0.2.11", "red"),
            "10.0.1.3",
        ),
        (
            "blue",
            side(pid2, "192.0.2.11", "192.0.2.10", "blue"),
            "10.0.1.2",
        ),
    ];
    // Each side pings the other, then waits for Enter: read each one's
    // transcript up to its ping's answer, then end both.
    let mut transcripts = Vec::new();
    for (name, child, target) in &mut sides {
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut transcript = String::new();
        let mut line = String::new();
        while stdout.read_line(&mut line).expect("read one side's output") > 0 {
            transcript.push_str(&line);
            if line.starts_with("# Enter ends this side") {
                break;
            }
            line.clear();
        }
        assert!(
            transcript.contains(&format!("$ ping -c 1 {target}\n64 bytes from {target}:")),
            "{name} reached {target} across the two machines: {transcript}"
        );
        assert!(
            transcript.contains("machine$ ip link add vxlan0 netns overlay type vxlan id 4097"),
            "{name}: vxlan0 is made from the machine's namespace: {transcript}"
        );
        transcripts.push(transcript);
    }
    for (name, child, _) in &mut sides {
        writeln!(child.stdin.take().expect("piped stdin")).expect("press Enter");
        let status = child.wait().expect("wait for one side");
        assert!(
            status.success(),
            "the {name} side ends well: {transcripts:?}"
        );
    }
    for machine in &machines {
        let links = Command::new("nsenter")
            .args([net(machine.pid()).as_str(), "ip", "-o", "link", "show"])
            .output()
            .expect("list the machine's links");
        let links = String::from_utf8_lossy(&links.stdout);
        assert!(
            !links.contains("vxlan0") && !links.contains("br0"),
            "nothing is left in the machine's namespace: {links}"
        );
    }
}

fn has(list: &Value, item: &str) -> bool {
    list.as_array().is_some_and(|l| l.iter().any(|x| x == item))
}

/// A network namespace held by a sleeping process: a "machine".
struct Machine(Child);

impl Machine {
    fn start() -> Machine {
        let child = Command::new("unshare")
            .args(["--net", "sleep", "120"])
            .spawn()
            .expect("start unshare --net sleep");
        // unshare(1) enters the namespace, then execs sleep: wait for that.
        let own = std::fs::read_link("/proc/self/ns/net").expect("our namespace");
        let path = format!("/proc/{}/ns/net", child.id());
        while std::fs::read_link(&path).is_ok_and(|ns| ns == own) {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        Machine(child)
    }

    fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Machine {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A flag's value that is not an address is a wrong command line, as an
/// unknown flag is: exit 64 (`EX_USAGE`) and one line naming it.
#[test]
fn a_wrong_underlay_address_exits_64() {
    if !netlab_tests::have_root("a_wrong_underlay_address_exits_64") {
        return;
    }
    let run = netlab_tests::run::output(
        "overlay",
        netlab_tests::run::As::Root,
        &[
            "--underlay-local",
            "999.1.1.1",
            "--underlay-remote",
            "192.0.2.11",
            "--container",
            "red",
        ],
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(64), "exit 64: {stderr}");
    assert!(
        stderr.contains("--underlay-local takes an IPv4 address, not 999.1.1.1"),
        "it names the wrong value: {stderr}"
    );
}
