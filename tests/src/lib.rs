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
//! - [`iproute`]: iproute2's `ip -j` and `bridge -j`, the independent
//!   observer, run in any network namespace and read as JSON.
//! - [`nft`]: nftables' `nft list ruleset`, the firewall's observer, in
//!   any network namespace.
//! - [`observe`]: an example kept alive with `--keep`, looked at from
//!   outside with [`iproute`] through `nsenter`.
//! - [`docker`]: the Docker tests' helpers: is an Engine there, one test at
//!   a time, the `docker` CLI, a private daemon of a fetched release.
//! - [`shapes`]: the kernel objects a lab step must build (bridge shape,
//!   DNAT rule, VXLAN device, MACVLAN child, name files) read with `ip -j`
//!   and `nft`, the same way for Docker's objects and ours.
//! - [`spawned`]: one side of a two-machine example, run in the
//!   background and read line by line, so that a test can type on the
//!   second machine what the first one printed.
//! - [`vm`]: `cargo xtask vm` as the VM tests run it.
//! - [`snapshot`]: the state of the namespace the tests run in, to prove
//!   that nothing was changed or left behind.
//! - [`cargo`]: `cargo` run from inside a test, xtask's own file
//!   (`xtask/src/cargo.rs`), included here: one copy for both.

#[path = "../../xtask/src/cargo.rs"]
pub mod cargo;
pub mod docker;
pub mod iproute;
pub mod nft;
pub mod observe;
pub mod record;
pub mod run;
pub mod shapes;
pub mod snapshot;
pub mod spawned;
pub mod vm;

/// A test that cannot run here says why in one line and returns false;
/// in CI (`CI=true`), where everything is installed, it fails instead, so
/// a green CI never means "skipped".
///
/// `cargo xtask test` gathers these lines for its summary: it names a file
/// in `NETLAB_SKIPPED`, and each skip appends its line there.
pub fn skip(test: &str, reason: &str) -> bool {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{test}: {reason}");
    }
    let line = format!("{test}: NOT RUN, {reason}");
    eprintln!("{line}");
    if let Ok(file) = std::env::var("NETLAB_SKIPPED") {
        use std::io::Write;
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&file)
            .and_then(|mut f| writeln!(f, "{line}"));
        if let Err(error) = appended {
            eprintln!("could not note the skip in {file}: {error}");
        }
    }
    false
}

/// The programs the root tests run or look into the labs with, and the
/// Debian package of each (`cargo xtask test` installs what is missing).
pub const TOOLS: [(&str, &str); 8] = [
    ("ip", "iproute2"),
    ("bridge", "iproute2"),
    ("ifconfig", "net-tools"),
    ("nsenter", "util-linux"),
    ("unshare", "util-linux"),
    ("nft", "nftables"),
    ("ping", "iputils-ping"),
    ("busybox", "busybox-static"),
];

/// The packages of the [`TOOLS`] missing on this machine's PATH.
pub fn missing_packages(tools: &[(&str, &str)]) -> Vec<String> {
    let path = std::env::var("PATH").unwrap_or_default();
    let mut packages: Vec<String> = Vec::new();
    for (program, package) in tools {
        let found = path
            .split(':')
            .chain(["/usr/sbin", "/sbin", "/bin"])
            .any(|dir| std::path::Path::new(dir).join(program).is_file());
        if !found && !packages.iter().any(|p| p == package) {
            packages.push(package.to_string());
        }
    }
    packages
}

/// [`have_root`] for the test running on this thread, named as the test
/// harness names its thread (the test's path): `if !root() { return; }`.
pub fn root() -> bool {
    have_root(&this_test())
}

/// The running test's name: libtest (and nextest) run each test on a
/// thread named after it.
pub fn this_test() -> String {
    std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string()
}

/// Tests that need root call this first: root, and the [`TOOLS`]. Outside CI, without root, they
/// return early with a note; in CI (`CI=true`) a missing root is a failure,
/// so a green CI never means "skipped".
pub fn have_root(test: &str) -> bool {
    if nix::unistd::Uid::effective().is_root() {
        let missing = missing_packages(&TOOLS);
        if missing.is_empty() {
            return true;
        }
        return skip(
            test,
            &format!(
                "it needs {}: `sudo apt-get install {}` (or `sudo -E cargo xtask test`, which does)",
                missing.join(", "),
                missing.join(" ")
            ),
        );
    }
    skip(
        test,
        "it needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN, and to switch users): run \
         `sudo -E cargo xtask test`",
    )
}

/// Runs `example` to the end as `who`, checks that its transcript contains
/// each of `key_lines`, and that it matches the recorded output the book
/// shows (or re-records it, with `NETLAB_RECORD=1`, from the root run); and
/// the same for the topology picture the run drew (`--topology`).
pub fn check_transcript(example: &str, who: run::As, key_lines: &[&str]) -> String {
    let (stdout, picture) = run_drawing(example, who);
    for line in key_lines {
        assert!(
            stdout.contains(line),
            "{example} ({who:?}): the transcript lacks {line:?}:\n{stdout}"
        );
    }
    // A rootless run must print exactly what the root run recorded.
    if who == run::As::Root || !record::recording() {
        record::check(example, &stdout);
        record::check_topology(example, picture.as_deref());
    }
    stdout
}

/// Runs `example ARGS --topology FILE` to the end as `who`, asserts that it
/// succeeded, and returns its stdout and the picture it drew, if any.
pub fn run_drawing(example: &str, who: run::As) -> (String, Option<String>) {
    use std::os::unix::fs::PermissionsExt;
    use std::sync::atomic::{AtomicUsize, Ordering};
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    // A rootless run is `nobody`: give it a folder it may write in.
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let name = format!("netlab-topology-{}-{run}", std::process::id());
    let dir = std::env::temp_dir().join(name);
    std::fs::create_dir_all(&dir).expect("make a folder for the picture");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).expect("chmod 777");
    let file = dir.join(format!("{example}.svg"));
    let path = file.to_str().expect("a UTF-8 temp path");
    let output = run::output(example, who, &["--topology", path]);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let picture = std::fs::read_to_string(&file).ok();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "{example} ({who:?}) --topology {path} failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    (stdout, picture)
}

/// Calls the macro `$callback` with the from-syscalls examples as
/// identifiers, in the book's order (the same as [`run::EXAMPLES`]): a test
/// file makes one test per example with it, so that a runner can run them
/// side by side. `for_each_example!(per_example)`.
#[macro_export]
macro_rules! for_each_example {
    ($callback:ident) => {
        $callback! {
            recap,
            unshare,
            port_publish,
            drivers,
            without_bridge,
            bridge,
            veth,
            same_bridge,
            dns,
            overlay,
            macvlan,
            ipvlan
        }
    };
}

#[cfg(test)]
mod tests {
    macro_rules! names {
        ($($example:ident),*) => {
            [$(stringify!($example)),*]
        };
    }

    #[test]
    fn for_each_example_names_every_example() {
        let names = for_each_example!(names);
        assert_eq!(names, crate::run::EXAMPLES);
    }
}
