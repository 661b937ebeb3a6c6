//! `cargo run --example NAME -- --check`: the chapter's claims, each printed
//! as PASS or FAIL, on the reader's machine; exit 0 only if all held.

use std::os::unix::process::CommandExt;
use std::process::Output;

use netlab_tests::root;
use netlab_tests::run::{As, command};
use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule,
};

/// One test per example (a test runner runs them side by side).
macro_rules! per_example {
    ($($example:ident),*) => {
        $(
            #[test]
            fn $example() {
                check_passes_every_claim_of(stringify!($example));
            }
        )*
    };
}

mod check_passes_every_claim_of {
    use super::*;

    netlab_tests::for_each_example!(per_example);
}

fn check_passes_every_claim_of(example: &str) {
    if !root() {
        return;
    }
    if netlab_tests::run::kernel_lacks_driver_of(example) {
        // It skips: one SKIP line that says why, no claim, exit 0. Its
        // claims are checked by the VM test's run (a false one stops it).
        let run = command(example, As::Root, &["--check"])
            .output()
            .expect("run the example");
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(run.status.success(), "{example} --check exits 0: {run:?}");
        let lines: Vec<&str> = stdout.lines().collect();
        assert!(
            lines.len() == 2 && lines[0].starts_with(&format!("SKIP {example}: skipped")),
            "{example} --check says in one line that it skips, and why:\n{stdout}"
        );
        assert_eq!(lines[1], "check: 0 claims, 0 passed, 0 failed", "{example}");
        return;
    }
    {
        for who in [As::Root, As::Rootless] {
            let run = command(example, who, &["--check"])
                .output()
                .expect("run the example");
            let stdout = String::from_utf8_lossy(&run.stdout);
            assert!(
                run.status.success(),
                "{example} --check ({who:?}) exits 0: {run:?}"
            );
            let lines: Vec<&str> = stdout.lines().collect();
            let (summary, claims) = lines.split_last().expect("at least a summary");
            assert!(
                claims.len() >= 3,
                "{example} ({who:?}) states its claims:\n{stdout}"
            );
            for line in claims {
                assert!(
                    line.starts_with("PASS "),
                    "{example} --check ({who:?}) prints PASS lines only (no transcript):\n{stdout}"
                );
            }
            let n = claims.len();
            assert_eq!(
                *summary,
                format!("check: {n} claims, {n} passed, 0 failed"),
                "{example} ({who:?}): the summary counts them"
            );
            // What the book lists: the root run's claims, recorded.
            if who == As::Root {
                netlab_tests::record::check_claims(example, &stdout);
            }
        }
    }
}

/// With ICMP echo requests refused by the kernel (a seccomp filter makes
/// `sendto` to an IPv4 address fail with EPERM, as a sandbox might), ping
/// fails: the claim that relies on it fails, the others still hold.
#[test]
fn a_failing_claim_prints_fail_and_the_run_exits_non_zero() {
    if !root() {
        return;
    }
    let run = without_ping("same_bridge", &["--check"]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "exit code 1: {run:?}");
    assert!(
        stdout.starts_with("FAIL red reaches blue across docker0\n"),
        "the ping claim fails:\n{stdout}"
    );
    assert!(
        stdout.contains("PASS red reaches an unpublished port of blue\n"),
        "the run goes on after a failure, and TCP still works:\n{stdout}"
    );
    assert!(
        stdout.ends_with("check: 10 claims, 9 passed, 1 failed\n"),
        "the summary counts the failure:\n{stdout}"
    );

    // Without --check, the same failure stops the example, as ensure! did.
    let run = without_ping("same_bridge", &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "exit code 1: {stderr}");
    assert!(
        stderr.starts_with(
            "error: the chapter says that red reaches blue across docker0, \
             but on this run it is not so\n"
        ),
        "the error names the claim: {stderr}"
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains("ping: sendmsg: Operation not permitted"),
        "the transcript shows why: {stdout}"
    );
    assert!(
        !stdout.contains("nc 172.17.0.3 80"),
        "and it stopped there: {stdout}"
    );
}

/// Runs an example as root, with `sendto(2)` to a `sockaddr_in` (16 bytes)
/// denied. Netlink's `sendto` (a 12-byte `sockaddr_nl`) and TCP still work.
fn without_ping(example: &str, args: &[&str]) -> Output {
    let mut command = command(example, As::Root, args);
    let filter = deny_sendto_ipv4();
    // SAFETY: between fork and exec we only install the filter, compiled before.
    unsafe {
        command.pre_exec(move || {
            seccompiler::apply_filter(&filter).map_err(std::io::Error::other)?;
            Ok(())
        });
    }
    command.output().expect("run the example")
}

fn deny_sendto_ipv4() -> BpfProgram {
    let sockaddr_in = std::mem::size_of::<nix::libc::sockaddr_in>() as u64;
    let addrlen_is_ipv4 =
        SeccompCondition::new(5, SeccompCmpArgLen::Dword, SeccompCmpOp::Eq, sockaddr_in)
            .expect("a valid condition");
    let rule = SeccompRule::new(vec![addrlen_is_ipv4]).expect("a valid rule");
    let filter = SeccompFilter::new(
        [(nix::libc::SYS_sendto, vec![rule])].into_iter().collect(),
        SeccompAction::Allow,
        SeccompAction::Errno(nix::libc::EPERM as u32),
        std::env::consts::ARCH
            .try_into()
            .expect("a seccomp architecture"),
    )
    .expect("a valid filter");
    filter.try_into().expect("compile the filter")
}

/// Claims can be seen to fail: same_bridge's lab, kept, broken from
/// outside as a student would break it (docker0 down, red's default route
/// deleted), and `check` typed: those claims FAIL, the others still PASS.
#[test]
fn a_lab_broken_from_outside_fails_the_claims_about_what_broke() {
    if !netlab_tests::root() {
        return;
    }
    let mut lab = netlab_tests::observe::Kept::start("same_bridge", As::Root);
    let before = lab.check_again(7);
    assert!(
        before.iter().all(|line| line.starts_with("PASS ")),
        "the lab as built holds every state claim: {before:?}"
    );
    for (namespace, argv) in [
        ("host", &["ip", "link", "set", "docker0", "down"][..]),
        ("red", &["ip", "route", "del", "default"][..]),
    ] {
        let run = lab.exec(namespace, argv);
        assert!(run.status.success(), "{argv:?} in {namespace}: {run:?}");
    }
    let after = lab.check_again(7);
    for expected in [
        "FAIL docker0 is up",
        "FAIL red's default route goes via docker0's address, 172.17.0.1",
        "PASS blue's default route goes via docker0's address, 172.17.0.1",
        "PASS veth-red is a port of docker0",
    ] {
        assert!(
            after.iter().any(|line| line == expected),
            "after the breakage, `check` prints {expected:?}: {after:?}"
        );
    }
    assert!(lab.finish().success(), "the example ends well");
}
