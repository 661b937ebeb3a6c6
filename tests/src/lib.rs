//! The test harness: runs the workbook's examples for real and checks them
//! the way a student would, with tools that do not share the lab library's
//! code.
//!
//! # Layout
//!
//! - [`run`]: find (and build) an example, run it as root or as an ordinary
//!   user, optionally under a seccomp filter, with a timeout.
//! - [`record`]: the transcript: mask what changes from run to run, compare
//!   with `snippets/examples/NAME/output.txt`, or re-record it.
//! - [`observe`]: an example kept alive with `--keep`, looked at from
//!   outside with iproute2's `ip -j` and `bridge -j` through `nsenter`.
//! - [`docker`]: the Docker tests' helpers: is an Engine there, one test at
//!   a time, the `docker` CLI, and the kernel objects a step must build
//!   (bridge shape, DNAT rule, VXLAN device, MACVLAN child) read with
//!   `ip -j` and `nft`, the same way for Docker's objects and ours.
//! - [`snapshot`]: the state of the namespace the tests run in, to prove
//!   that nothing was changed or left behind.

pub mod docker;
pub mod observe;
pub mod record;
pub mod run;
pub mod snapshot;

/// Tests that need root call this first. Outside CI, without root, they
/// return early with a note; in CI (`CI=true`) a missing root is a failure,
/// so a green CI never means "skipped".
pub fn have_root(test: &str) -> bool {
    if nix::unistd::Uid::effective().is_root() {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{test} needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN, and to switch users): run the tests as root"
        );
    }
    eprintln!("{test}: NOT RUN, it needs root (run `sudo -E cargo test`)");
    false
}

/// Runs `example` to the end as `who`, checks that its transcript contains
/// each of `key_lines`, and that it matches the recorded output the book
/// shows (or re-records it, with `NETLAB_RECORD=1`, from the root run).
pub fn check_transcript(example: &str, who: run::As, key_lines: &[&str]) -> String {
    let stdout = run::success(example, who);
    for line in key_lines {
        assert!(
            stdout.contains(line),
            "{example} ({who:?}): the transcript lacks {line:?}:\n{stdout}"
        );
    }
    // A rootless run must print exactly what the root run recorded.
    if who == run::As::Root || !record::recording() {
        record::check(example, &stdout);
    }
    stdout
}
