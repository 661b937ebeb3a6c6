//! Where the system forbids unprivileged user namespaces, an ordinary user
//! gets one clear message and exit code 77, not a panic or a raw errno.
//! Simulated with a seccomp filter that denies unshare(CLONE_NEWUSER), so the
//! machine's own settings stay as they are.

use netlab::error::EXIT_NO_USERNS;
use netlab_tests::root;
use netlab_tests::run::{As, EXAMPLES, output};

#[test]
fn without_user_namespaces_an_ordinary_user_is_told_how_to_run() {
    if !root() {
        return;
    }
    for example in EXAMPLES {
        let run = output(example, As::RootlessWithoutUserns, &[]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(
            run.status.code(),
            Some(i32::from(EXIT_NO_USERNS)),
            "{example}: the documented exit code; stderr: {stderr}"
        );
        for needed in [
            "does not let an ordinary user create a user namespace",
            "CAP_SYS_ADMIN",
            &format!("sudo -E cargo run --example {example}"),
        ] {
            assert!(
                stderr.contains(needed),
                "{example}: the message says {needed:?}: {stderr}"
            );
        }
        assert_eq!(
            stderr.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "one message: {stderr}"
        );
        assert!(
            !stderr.contains("panicked"),
            "{example}: no panic: {stderr}"
        );
        assert!(
            run.stdout.is_empty(),
            "{example}: nothing was built, nothing narrated"
        );
    }
}

#[test]
fn a_wrong_argument_gets_the_usage() {
    if !root() {
        return;
    }
    let run = output("bridge", As::Root, &["--kep"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(64), "EX_USAGE: {stderr}");
    assert!(
        stderr.contains("usage: cargo run --example bridge -- [--keep]"),
        "{stderr}"
    );
    assert!(stderr.contains("unknown argument: --kep"), "{stderr}");
}
