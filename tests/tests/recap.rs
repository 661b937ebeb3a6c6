//! The recap chapter: two containers, red on Debian 12 and blue on Debian
//! 13, each behind `pivot_root` in its own mount namespace, on the one
//! kernel of this machine.

use std::process::Command;

use netlab_tests::observe::Kept;
use netlab_tests::run::As;
use netlab_tests::{check_transcript, root};
use regex::Regex;

/// This machine's kernel release, as `uname -r` prints it.
fn kernel_release() -> String {
    let uname = nix::sys::utsname::uname().expect("uname");
    uname.release().to_string_lossy().into_owned()
}

#[test]
fn two_distributions_run_on_one_kernel() {
    if !root() {
        return;
    }
    let release = kernel_release();
    for who in [As::Root, As::Rootless] {
        let stdout = check_transcript(
            "recap",
            who,
            &[
                "red$ mount --make-rprivate /",
                "red$ mount --bind target/rootfs/bookworm target/rootfs/bookworm",
                "red$ pivot_root . .",
                "red$ umount --lazy .",
                "blue$ pivot_root . .",
                "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n",
                "PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\n",
                "BusyBox v1.35.0 (Debian ",
                "BusyBox v1.37.0 (Debian ",
                "\nred\n",
                "\nblue\n",
                "red$ date -s @$(date +%s)\ndate: can't set date: Operation not permitted\n",
                "$ grep -c target/rootfs /proc/self/mountinfo\n0\n",
            ],
        );
        // Your machine's `uname -r`, then red's and blue's: one release.
        let releases: Vec<&str> = stdout
            .split("$ uname -r\n")
            .skip(1)
            .map(|rest| rest.lines().next().unwrap_or_default())
            .collect();
        assert_eq!(
            releases,
            [release.as_str(); 3],
            "recap ({who:?}): uname -r prints this machine's kernel release, on the machine, \
             in red and in blue:\n{stdout}"
        );
    }
}

/// While the lab is up, from outside with util-linux's `nsenter`: red's
/// and blue's mount namespaces show each its distribution at `/`, their
/// UTS namespaces their hostnames, and the test's own mount namespace
/// (standing for yours) holds no mount of either.
#[test]
fn from_outside_each_container_has_its_own_root_and_yours_is_untouched() {
    if !root() {
        return;
    }
    let our_os_release = std::fs::read("/etc/os-release").ok();
    let hint =
        Regex::new(r"(?m)^#   (red|blue): .*--mount=(\S+) --uts=(\S+) --pid=\S+ --net=").unwrap();
    for who in [As::Root, As::Rootless] {
        let lab = Kept::start("recap", who);
        let mut seen = Vec::new();
        for found in hint.captures_iter(&lab.transcript) {
            let (name, mnt, uts) = (&found[1], &found[2], &found[3]);
            // The programs run are the container's own (its cat, hostname).
            let run = Command::new("nsenter")
                .args([format!("--mount={mnt}"), format!("--uts={uts}")])
                .args(["sh", "-c", "cat /etc/os-release; hostname"])
                .output()
                .expect("run nsenter");
            let text = String::from_utf8_lossy(&run.stdout);
            let codename = if name == "red" { "bookworm" } else { "trixie" };
            assert!(
                run.status.success()
                    && text.contains(&format!("VERSION_CODENAME={codename}\n"))
                    && text.ends_with(&format!("\n{name}\n")),
                "recap ({who:?}): {name}'s / is Debian {codename}'s, its hostname {name}: \
                 {text}{}",
                String::from_utf8_lossy(&run.stderr)
            );
            seen.push(name.to_string());
        }
        assert_eq!(
            seen,
            ["red", "blue"],
            "recap ({who:?}) prints how to enter both"
        );
        let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").expect("mountinfo");
        assert!(
            !mountinfo.contains("/target/rootfs/"),
            "recap ({who:?}): while it runs, our mount namespace has no mount of it:\n{mountinfo}"
        );
        assert!(lab.finish().success(), "recap ({who:?}) ends well");
    }
    assert_eq!(
        std::fs::read("/etc/os-release").ok(),
        our_os_release,
        "our /etc/os-release is as it was"
    );
}

/// Without the root filesystems: one line that names the command that
/// fetches them, exit code 69 (`EX_UNAVAILABLE`), and nothing built.
#[test]
fn without_the_root_filesystems_it_says_how_to_fetch_them() {
    if !root() {
        return;
    }
    let mut command = netlab_tests::run::command("recap", As::Root, &[]);
    command.env("NETLAB_ROOTFS", "/nonexistent/rootfs");
    let run = command.output().expect("run recap");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(69), "exit code 69: {stderr}");
    assert!(
        stderr.starts_with("error: no root filesystem of Debian bookworm in /nonexistent/rootfs/")
            && stderr.contains("`cargo xtask rootfs`")
            && stderr.lines().count() == 1,
        "one line naming the command: {stderr}"
    );
    assert!(run.stdout.is_empty(), "nothing narrated, nothing built");
}

/// `--shell red`: a shell as closed as a Docker container's. It sees red's
/// processes only (its first is PID 1), and cannot write a sysctl: as root
/// and rootless.
#[test]
fn a_shell_in_red_sees_its_own_processes_and_cannot_write_proc_sys() {
    if !netlab_tests::have_root("a_shell_in_red_sees_its_own_processes_and_cannot_write_proc_sys") {
        return;
    }
    for who in [As::Root, As::Rootless] {
        let mut shell = netlab_tests::run::command("recap", who, &["--shell", "red"])
            .env("SHELL", "/bin/sh")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start recap --shell red");
        let typed = "echo pids $(ps -o pid | tail -n +2)\n\
                     echo 1 > /proc/sys/kernel/panic_on_oops\n\
                     echo host $(cat /proc/1/comm)\nexit\n";
        std::io::Write::write_all(&mut shell.stdin.take().unwrap(), typed.as_bytes()).unwrap();
        let run = shell.wait_with_output().expect("wait for the shell");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(run.status.success(), "{who:?}: {text}");
        let pids: Vec<u32> = text
            .lines()
            .find_map(|l| l.strip_prefix("pids "))
            .unwrap_or_else(|| panic!("{who:?}: ps answered:\n{text}"))
            .split_whitespace()
            .filter_map(|p| p.parse().ok())
            .collect();
        assert!(
            pids.first() == Some(&1) && pids.len() <= 5,
            "{who:?}: red's ps lists red's few processes, the first PID 1: {pids:?}"
        );
        assert!(
            text.contains("panic_on_oops: Read-only file system"),
            "{who:?}: /proc/sys is read-only in red:\n{text}"
        );
        // PID 1 of red is red's first process, not this machine's init.
        assert!(
            text.contains("host busybox"),
            "{who:?}: PID 1 is red's:\n{text}"
        );
    }
}
