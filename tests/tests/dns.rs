//! The "container DNS" chapter: `cargo run --example dns`.

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use netlab_tests::observe::Kept;
use netlab_tests::run::{As, command, output};
use netlab_tests::snapshot::namespace_references;
use netlab_tests::{check_transcript, root};

const KEY_LINES: &[&str] = &[
    "red$ cat /etc/hosts\n127.0.0.1\tlocalhost\n",
    "ff02::2\tip6-allrouters\n172.17.0.2\tred\nred$ cat /etc/hostname\nred\nred$ hostname\nred\n",
    "nameserver 192.0.2.53\n\n# Based on host file: '/etc/resolv.conf' (legacy)\n",
    "red$ ping -c 1 -n blue\nping: blue: Temporary failure in name resolution\n",
    "nameserver 127.0.0.11\noptions ndots:0\n",
    "red$ nslookup -type=a blue\nServer:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nName:\tblue\nAddress: 172.18.0.3\n",
    "red$ ping -c 1 -n blue\nPING blue (172.18.0.3) 56(84) bytes of data.\n64 bytes from 172.18.0.3: icmp_seq=1 ttl=64 time=",
];

/// The machine's own files, which the lab must never change.
const MACHINE_FILES: [&str; 3] = ["/etc/hosts", "/etc/hostname", "/etc/resolv.conf"];

#[test]
fn dns_transcript_matches_the_book() {
    if root() {
        check_transcript("dns", As::Root, KEY_LINES);
    }
}

#[test]
fn dns_rootless_prints_the_same_transcript() {
    if root() {
        check_transcript("dns", As::Rootless, KEY_LINES);
    }
}

/// The contents of the machine's /etc files, and the mounts of the test's
/// own mount namespace that concern /etc.
fn machine_state() -> (Vec<Vec<u8>>, Vec<String>) {
    let files = MACHINE_FILES
        .iter()
        .map(|path| std::fs::read(path).unwrap_or_else(|e| panic!("read {path}: {e}")))
        .collect();
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").expect("read mountinfo");
    // Field 5 of a mountinfo line is the mount point.
    let etc_mounts = mountinfo
        .lines()
        .filter(|l| {
            let point = l.split(' ').nth(4).unwrap_or_default();
            point.starts_with("/etc") || point == "/tmp"
        })
        .map(str::to_string)
        .collect();
    (files, etc_mounts)
}

/// The `nsenter` options the example printed for one namespace with
/// `--keep`: `--mount=... --uts=... --net=...`.
fn nsenter_options(lab: &Kept, name: &str) -> Vec<String> {
    let prefix = format!("#   {name}: ");
    let line = lab
        .transcript
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("the lab printed no line for {name}:\n{}", lab.transcript));
    line.split_whitespace()
        .filter(|w| {
            ["--mount=", "--uts=", "--net="]
                .iter()
                .any(|o| w.starts_with(o))
        })
        .map(str::to_string)
        .collect()
}

/// Runs `argv` inside a namespace of the lab, its mount (and UTS)
/// namespace included, as a student would with the printed command.
fn inside(lab: &Kept, name: &str, argv: &[&str]) -> Output {
    Command::new("nsenter")
        .args(nsenter_options(lab, name))
        .args(argv)
        .output()
        .unwrap_or_else(|e| panic!("run nsenter {argv:?} in {name}: {e}"))
}

fn stdout_of(output: &Output, what: &str) -> String {
    assert!(
        output.status.success(),
        "{what} succeeds: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn dns_containers_see_their_own_files_and_find_each_other_by_name() {
    if !root() {
        return;
    }
    let before = machine_state();
    for who in [As::Root, As::Rootless] {
        let lab = Kept::start("dns", who);
        for (name, eth0, eth1) in [
            ("red", "172.17.0.2", "172.18.0.2"),
            ("blue", "172.17.0.3", "172.18.0.3"),
        ] {
            let hosts = stdout_of(
                &inside(&lab, name, &["cat", "/etc/hosts"]),
                "cat /etc/hosts",
            );
            assert!(
                hosts.starts_with("127.0.0.1\tlocalhost\n"),
                "{name}'s /etc/hosts starts with localhost ({who:?}): {hosts}"
            );
            assert!(
                hosts.ends_with(&format!("{eth0}\t{name}\n{eth1}\t{name}\n")),
                "{name}'s /etc/hosts ends with its two addresses ({who:?}): {hosts}"
            );
            assert!(
                !hosts.contains(if name == "red" { "blue" } else { "red" }),
                "{name}'s /etc/hosts does not name the other container ({who:?}): {hosts}"
            );
            let hostname = stdout_of(&inside(&lab, name, &["hostname"]), "hostname");
            assert_eq!(
                hostname,
                format!("{name}\n"),
                "{name}'s UTS hostname ({who:?})"
            );
            let file = stdout_of(&inside(&lab, name, &["cat", "/etc/hostname"]), "cat");
            assert_eq!(
                file,
                format!("{name}\n"),
                "{name}'s /etc/hostname ({who:?})"
            );
            let resolv = stdout_of(&inside(&lab, name, &["cat", "/etc/resolv.conf"]), "cat");
            assert!(
                resolv.contains("\nnameserver 127.0.0.11\noptions ndots:0\n"),
                "{name} asks the embedded DNS server ({who:?}): {resolv}"
            );
            let mounts = stdout_of(
                &inside(&lab, name, &["cat", "/proc/self/mountinfo"]),
                "cat mountinfo",
            );
            for path in MACHINE_FILES {
                assert!(
                    mounts.lines().any(|l| l.split(' ').nth(4) == Some(path)),
                    "{name} has a bind mount on {path} ({who:?}):\n{mounts}"
                );
            }
        }
        // BusyBox's nslookup asks 127.0.0.11 inside each container.
        for (from, to, address) in [("red", "blue", "172.18.0.3"), ("blue", "red", "172.18.0.2")] {
            let answer = inside(&lab, from, &["busybox", "nslookup", to, "127.0.0.11"]);
            let text = stdout_of(&answer, "busybox nslookup");
            assert!(
                text.contains(&format!("Name:\t{to}\nAddress: {address}\n")),
                "{from}'s embedded DNS server resolves {to} to {address} ({who:?}): {text}"
            );
            let ping = inside(&lab, from, &["ping", "-c", "1", "-W", "2", address]);
            assert!(
                ping.status.success(),
                "{from} pings {to} at {address} ({who:?}): {ping:?}"
            );
        }
        // The lab host has its own resolv.conf, too.
        let host_resolv = stdout_of(&inside(&lab, "host", &["cat", "/etc/resolv.conf"]), "cat");
        assert_eq!(
            host_resolv, "nameserver 127.0.0.1\nnameserver 192.0.2.53\n",
            "the lab host's made-up resolv.conf ({who:?})"
        );
        // While the lab is up, the machine's own files and mounts are as before.
        assert_eq!(
            machine_state(),
            before,
            "the machine's /etc files and mounts, while the lab runs ({who:?})"
        );
        assert!(
            lab.finish().success(),
            "dns --keep exits 0 after Enter ({who:?})"
        );
    }
    assert_eq!(
        machine_state(),
        before,
        "the machine's /etc files and mounts, after"
    );
}

#[test]
fn dns_never_changes_the_machines_files_even_when_killed() {
    if !root() {
        return;
    }
    let before = machine_state();
    let start = Instant::now();
    assert!(output("dns", As::Root, &[]).status.success(), "dns runs");
    let whole_run = start.elapsed();
    assert_eq!(
        machine_state(),
        before,
        "the machine's /etc after a normal run"
    );
    for who in [As::Root, As::Rootless] {
        for attempt in 0..6 {
            // Spread the kills over the run: each lands in another step.
            // The kill must land while the example runs: one that ended
            // first is tried again, sooner.
            let mut delay = whole_run.mul_f64(f64::from(attempt) / 6.0);
            let killed = loop {
                let mut child = command("dns", who, &[])
                    .stdout(Stdio::null())
                    .spawn()
                    .expect("start the example");
                std::thread::sleep(delay);
                child.kill().expect("SIGKILL the example");
                let status = child.wait().expect("reap the example");
                if status.signal() == Some(9) || delay.is_zero() {
                    break status;
                }
                delay /= 2;
            };
            assert_eq!(
                killed.signal(),
                Some(9),
                "the kill at {delay:?} landed while dns ran ({who:?}): {killed:?}"
            );
            assert_eq!(
                machine_state(),
                before,
                "the machine's /etc after kill -9 at {delay:?} ({who:?})"
            );
        }
    }
}

#[test]
fn sigkill_frees_the_containers_mount_namespaces() {
    if !root() {
        return;
    }
    for who in [As::Root, As::Rootless] {
        let lab = Kept::start("dns", who);
        let mounts: Vec<u64> = ["host", "red", "blue"]
            .iter()
            .map(|name| {
                let option = nsenter_options(&lab, name)
                    .into_iter()
                    .find(|o| o.starts_with("--mount="))
                    .unwrap_or_else(|| panic!("{name} has a mount namespace ({who:?})"));
                let path = option.trim_start_matches("--mount=");
                std::fs::metadata(path)
                    .expect("stat the mount namespace")
                    .ino()
            })
            .collect();
        let held = namespace_references("mnt", &mounts);
        assert!(
            held.len() >= 3,
            "the lab holds its 3 mount namespaces ({who:?}): {held:?}"
        );
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(lab.pid() as i32),
            nix::sys::signal::Signal::SIGKILL,
        )
        .expect("SIGKILL the lab");
        drop(lab);
        let deadline = Instant::now() + Duration::from_secs(5);
        while !namespace_references("mnt", &mounts).is_empty() {
            assert!(
                Instant::now() < deadline,
                "a mount namespace is still referenced after SIGKILL ({who:?}): {:?}",
                namespace_references("mnt", &mounts)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
