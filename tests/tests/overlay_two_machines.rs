//! The overlay chapter on two real machines: `cargo run --example
//! overlay_two_machines -- --underlay-local ... --container red|blue`, one
//! side per machine.

use std::process::{Child, Command};

use netlab_tests::run::{As, example_path, output};
use netlab_tests::spawned::Spawned;
use netlab_tests::{record, root};

const EXAMPLE: &str = "overlay_two_machines";

#[test]
fn two_machines_usage_lists_its_flags() {
    if !root() {
        return;
    }
    let run = output(EXAMPLE, As::Root, &["--underlay-lokal", "192.0.2.10"]);
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

/// Two network namespaces stand for the two machines: each runs one side,
/// as a person types it there, and each side's container pings the
/// other's. Both transcripts are the book's recordings (`output-red.txt`,
/// `output-blue.txt`), and nothing is left in either machine.
#[test]
fn the_overlay_runs_across_two_machines() {
    if !root() {
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
    let sides = [
        (pid1, ["192.0.2.10", "192.0.2.11"], "red", "10.0.1.3"),
        (pid2, ["192.0.2.11", "192.0.2.10"], "blue", "10.0.1.2"),
    ];
    let args = |[local, remote]: [&'static str; 2], container: &'static str| {
        [
            "--underlay-local",
            local,
            "--underlay-remote",
            remote,
            "--parent",
            "eth0",
            "--container",
            container,
        ]
    };
    let mut running: Vec<Spawned> = sides
        .iter()
        .map(|(pid, addresses, container, _)| {
            let mut command = Command::new("nsenter");
            command
                .arg(net(*pid))
                .arg(example_path(EXAMPLE))
                .args(args(*addresses, container));
            Spawned::start(&format!("the {container} side"), command)
        })
        .collect();
    // Each side pings the other, then waits for Enter: read each one's
    // transcript up to there, then end both, as a person would.
    for side in &mut running {
        side.read_until(90, |line| line.starts_with("# Enter ends this side"));
    }
    for ((_, addresses, container, target), side) in sides.iter().zip(&mut running) {
        side.press_enter();
        let (status, transcript, stderr) = side.finish(30);
        assert!(
            status.success(),
            "the {container} side ends well: {stderr}\n{transcript}"
        );
        assert!(
            transcript.contains(&format!(
                "$ ping -c 1 {target}\nPING {target} ({target}) 56(84) bytes of data.\n\
                 64 bytes from {target}:"
            )),
            "{container} reached {target} across the two machines: {transcript}"
        );
        assert!(
            transcript.contains("machine$ ip link add vxlan0 netns overlay type vxlan id 4097"),
            "{container}: vxlan0 is made from the machine's namespace: {transcript}"
        );
        let typed = format!(
            "sudo -E cargo run --example {EXAMPLE} -- {}",
            args(*addresses, container).join(" ")
        );
        let path = record::variant_path(EXAMPLE, container);
        record::check_raw(EXAMPLE, &typed, &transcript, &path);
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

/// A flag's value that is not an address, or a container that is neither
/// red nor blue, is a wrong command line, as an unknown flag is: exit 64
/// (`EX_USAGE`) and one line naming it.
#[test]
fn a_wrong_underlay_address_exits_64() {
    if !root() {
        return;
    }
    let mut args = [
        ["--underlay-local", "999.1.1.1"],
        ["--underlay-remote", "192.0.2.11"],
        ["--parent", "eth0"],
        ["--container", "red"],
    ];
    let run = output(EXAMPLE, As::Root, args.as_flattened());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(64), "exit 64: {stderr}");
    assert!(
        stderr.contains("--underlay-local 999.1.1.1: invalid IPv4 address syntax"),
        "it names the wrong value: {stderr}"
    );
    args[0][1] = "192.0.2.10";
    args[3][1] = "green";
    let run = output(EXAMPLE, As::Root, args.as_flattened());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(64), "exit 64: {stderr}");
    assert!(
        stderr.contains("--container is red or blue, not green"),
        "it names the wrong container: {stderr}"
    );
}

/// Without one of its flags, it says which, with the usage: exit 64.
#[test]
fn a_missing_flag_exits_64_with_the_usage() {
    if !root() {
        return;
    }
    let run = output(EXAMPLE, As::Root, &["--underlay-local", "192.0.2.10"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(64), "exit 64: {stderr}");
    assert!(
        stderr.starts_with(
            "usage: cargo run --example overlay_two_machines -- --underlay-local ADDRESS"
        ),
        "the usage first: {stderr}"
    );
    assert!(
        stderr.ends_with("--underlay-remote ADDRESS is needed\n"),
        "it names the first missing flag: {stderr}"
    );
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
