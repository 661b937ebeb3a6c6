//! Nothing is left behind: not after a normal exit, not after an error, not
//! after `kill -9` in the middle of the setup. And the namespace the tests
//! run in (standing for the reader's machine) is never changed.

use std::os::unix::fs::MetadataExt;
use std::time::{Duration, Instant};

use netlab_tests::observe::Kept;
use netlab_tests::root;
use netlab_tests::run::{As, command, output};
use netlab_tests::snapshot::{Snapshot, namespace_references};

/// One test per example and check (a test runner runs them side by side;
/// the examples never touch the machine's namespace, so they may): `mod
/// bridge { fn leaves_nothing_after_a_normal_exit ... }`.
macro_rules! per_example {
    ($($example:ident),*) => {
        $(
            mod $example {
                #[test]
                fn leaves_nothing_after_a_normal_exit() {
                    super::leaves_nothing_after_a_normal_exit(stringify!($example));
                }

                #[test]
                fn sigkill_during_setup_leaves_nothing() {
                    super::sigkill_during_setup_leaves_nothing(stringify!($example));
                }
            }
        )*
    };
}

netlab_tests::for_each_example!(per_example);

fn leaves_nothing_after_a_normal_exit(example: &str) {
    if !root() {
        return;
    }
    let before = Snapshot::take();
    for who in [As::Root, As::Rootless] {
        let run = output(example, who, &[]);
        assert!(
            run.status.success(),
            "{example} ({who:?}) succeeds: {run:?}"
        );
        before.assert_unchanged(&Snapshot::take(), &format!("{example} ({who:?})"));
    }
}

#[test]
fn an_error_in_the_middle_is_explained_and_leaves_nothing() {
    if !root() {
        return;
    }
    let before = Snapshot::take();
    // setns(2) is denied: the example makes what it can without entering a
    // namespace, then fails at its first setns. Each example's first
    // narrated step, made without setns, and the step its first setns
    // belongs to.
    for (example, got_going, failed_step) in [
        // Their first setns: the lab host's `sysctl` turning IPv6 off
        // (Lab::host), right after the namespace is made.
        (
            "unshare",
            "# host: a new network namespace",
            "enter the network namespace host",
        ),
        (
            "port_publish",
            "# host: a new network namespace",
            "enter the network namespace host",
        ),
        (
            "drivers",
            "# host: a new network namespace",
            "enter the network namespace host",
        ),
        (
            "bridge",
            "# host: a new network namespace",
            "enter the network namespace host",
        ),
        (
            "veth",
            "# host: a new network namespace",
            "enter the network namespace host",
        ),
        (
            "same_bridge",
            "# host: a new network namespace",
            "enter the network namespace host",
        ),
        (
            "dns",
            "# host: a new network namespace",
            "enter the network namespace host",
        ),
        // Theirs: the first machine's, the same way (Lab::machine).
        (
            "overlay",
            "# host1: a new network namespace",
            "enter the network namespace host1",
        ),
        (
            "macvlan",
            "# lan: a new network namespace",
            "enter the network namespace lan",
        ),
    ] {
        let run = output(example, As::RootWithoutSetns, &[]);
        let stdout = String::from_utf8_lossy(&run.stdout);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(
            stdout.contains(got_going),
            "{example} got going first: {stdout}"
        );
        assert_eq!(
            run.status.code(),
            Some(1),
            "{example} fails with exit code 1: {stderr}"
        );
        assert!(
            stderr.starts_with(&format!("error: {failed_step}\n")),
            "{example}: the error names the step that failed: {stderr}"
        );
        assert!(
            stderr.contains("caused by: Operation not permitted\n"),
            "{example}: the errno: {stderr}"
        );
        let hint = format!(
            "  hint: this needs CAP_NET_ADMIN over the namespace (and CAP_SYS_ADMIN to create one). \
             Run it as an ordinary user where user namespaces are allowed, or as root: \
             sudo -E cargo run --example {example}\n"
        );
        assert!(
            stderr.ends_with(&hint),
            "{example}: EPERM names the capability and the command: {stderr}"
        );
        assert!(
            !stderr.contains("panicked"),
            "{example}: no panic: {stderr}"
        );
        before.assert_unchanged(&Snapshot::take(), &format!("{example} after an error"));
    }
}

fn sigkill_during_setup_leaves_nothing(example: &str) {
    if !root() {
        return;
    }
    let before = Snapshot::take();
    {
        // Four kills as root and four rootless, each while the example is
        // still running (a kill that comes after the exit does not count).
        for who in [As::Root, As::Rootless] {
            // How long a whole run takes here, as this user (the shorter
            // of two: other tests keep the machine busy): the kill points
            // fall inside it.
            let whole_run = (0..2)
                .map(|_| {
                    let start = Instant::now();
                    let run = output(example, who, &[]);
                    assert!(run.status.success(), "{example} ({who:?}) runs");
                    start.elapsed()
                })
                .min()
                .expect("two runs");
            let mut landed = 0;
            for _attempt in 0..100 {
                let delay = whole_run.mul_f64(fastrand::f64());
                let mut child = command(example, who, &[])
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .expect("start the example");
                std::thread::sleep(delay);
                let running = child.try_wait().expect("poll the example").is_none();
                child.kill().expect("SIGKILL the example");
                child.wait().expect("reap the example");
                let what = format!("{example} ({who:?}) killed after {delay:?}");
                before.assert_unchanged(&Snapshot::take(), &what);
                landed += usize::from(running);
                if landed == 4 {
                    break;
                }
            }
            assert_eq!(
                landed, 4,
                "{example} ({who:?}): four kills landed during the run"
            );
        }
    }
}

#[test]
fn sigkill_frees_the_labs_namespaces() {
    if !root() {
        return;
    }
    for who in [As::Root, As::Rootless] {
        let lab = Kept::start("same_bridge", who);
        let inodes: Vec<u64> = lab
            .namespaces
            .values()
            .map(|path| std::fs::metadata(path).expect("stat the namespace").ino())
            .collect();
        assert_eq!(inodes.len(), 3, "host, red and blue ({who:?})");
        let held = namespace_references("net", &inodes);
        assert!(
            held.len() >= 3,
            "while alive, the lab holds its namespaces ({who:?}): {held:?}"
        );
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(lab.pid() as i32),
            nix::sys::signal::Signal::SIGKILL,
        )
        .expect("SIGKILL the lab");
        drop(lab);
        // A namespace lives while a process is in it, a file descriptor or a
        // mount refers to it. Look for any reference left, anywhere.
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let held = namespace_references("net", &inodes);
            if held.is_empty() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "still referenced after SIGKILL ({who:?}): {held:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Each check above can fail: in a namespace of this test's own, a
/// snapshot, then one planted leak at a time (a veth pair, a firewall
/// table, a sysctl), and the comparison must name it. Output `ip -j`
/// cannot have printed stops the snapshot too.
#[test]
fn the_snapshot_sees_each_planted_leak() {
    if !root() {
        return;
    }
    let plants: [(&str, &[&str], &str); 3] = [
        (
            "links",
            &[
                "ip",
                "link",
                "add",
                "netlab-leak0",
                "type",
                "veth",
                "peer",
                "name",
                "netlab-leak1",
            ],
            "netlab-leak0",
        ),
        (
            "firewall",
            &["nft", "add", "table", "ip", "netlab_leak"],
            "netlab_leak",
        ),
        // The other value than the one it has (copied from the machine's).
        (
            "sysctls",
            &[
                "sh",
                "-c",
                "f=/proc/sys/net/ipv4/ip_forward; echo $((1 - $(cat $f))) > $f",
            ],
            "net/ipv4/ip_forward = ",
        ),
    ];
    for (what, plant, named) in plants {
        // A thread in a network namespace of its own: the programs it
        // starts (ip, nft, sysctl) are born there, and so is what it reads.
        let found = std::thread::spawn(move || {
            nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET).expect("unshare -n");
            let status = std::process::Command::new("ip")
                .args(["link", "set", "lo", "up"])
                .status()
                .expect("run ip");
            assert!(status.success());
            let before = Snapshot::take();
            let planted = std::process::Command::new(plant[0])
                .args(&plant[1..])
                .status()
                .expect("plant the leak");
            assert!(planted.success(), "planted {plant:?}");
            let after = Snapshot::take();
            std::panic::catch_unwind(|| before.assert_unchanged(&after, "the planted leak"))
                .err()
                .and_then(|panic| panic.downcast::<String>().ok())
        })
        .join()
        .expect("the thread ends");
        let message = found.unwrap_or_else(|| panic!("the snapshot missed the planted {what}"));
        assert!(
            message.contains(named),
            "the difference names the planted {what} ({named}): {message}"
        );
    }
    let garbage = std::panic::catch_unwind(|| {
        netlab_tests::iproute::parse_json(b"not json", "ip", &["link", "show"])
    });
    assert!(
        garbage.is_err(),
        "output that is not JSON stops the snapshot"
    );
}

/// The check of the temporary folder finds what was left in it.
#[test]
fn the_temporary_folder_check_sees_a_planted_leftover() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    assert!(netlab_tests::snapshot::netlab_leftovers_in(tmp.path()).is_empty());
    std::fs::create_dir(tmp.path().join("netlab-engine-planted")).unwrap();
    std::fs::write(tmp.path().join("other"), "").unwrap();
    let left = netlab_tests::snapshot::netlab_leftovers_in(tmp.path());
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].contains("netlab-engine-planted"), "{left:?}");
}
