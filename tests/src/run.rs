//! Running an example binary: as root, as an ordinary user, or under a
//! seccomp filter that takes a system call away.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Duration;

use assert_cmd::assert::OutputAssertExt;
use nix::unistd::{Gid, Uid, setgid, setgroups, setuid};
use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule,
};

/// The unprivileged user the rootless runs switch to: `nobody`.
pub const NOBODY: u32 = 65534;

/// Every from-syscalls example, one per chapter, in the book's order.
pub const EXAMPLES: [&str; 12] = [
    "recap",
    "unshare",
    "port_publish",
    "drivers",
    "without_bridge",
    "bridge",
    "veth",
    "same_bridge",
    "dns",
    "overlay",
    "macvlan",
    "ipvlan",
];

/// Examples that need a kernel driver this machine's kernel may lack, and
/// the commands (iproute2) that make such a device. Where they fail, the
/// example prints one line saying that it skips, and why, and exits 0; the
/// VM test runs it for real, under Debian's kernel, which has the driver.
pub const NEEDS_DRIVER: [(&str, &str); 1] = [(
    "ipvlan",
    "ip link add probe0 type veth peer name probe1 && \
     ip link add link probe0 name probe0.iv type ipvlan mode l2",
)];

/// Whether this kernel lacks the driver `example` needs ([`NEEDS_DRIVER`]),
/// asked on its own: iproute2 in a throwaway network namespace (`unshare
/// --net`, which needs root, as the tests that ask do).
pub fn kernel_lacks_driver_of(example: &str) -> bool {
    let Some((_, probe)) = NEEDS_DRIVER.iter().find(|(name, _)| *name == example) else {
        return false;
    };
    let run = Command::new("unshare")
        .args(["--net", "sh", "-c", probe])
        .output()
        .expect("run unshare --net sh -c 'ip link add ...'");
    !run.status.success()
}

/// Examples that cannot run without arguments, so not in [`EXAMPLES`],
/// which the shared tests run bare: `overlay_two_machines` needs two
/// machines and is told which side it is.
pub const WITH_ARGUMENTS: [&str; 1] = ["overlay_two_machines"];

/// Examples that measure rather than show, for seconds, best in a release
/// build: `tests/tests/drivers_measured.rs` runs them short (`--seconds
/// 0.1`), not the shared tests, which run every example bare and in debug.
pub const MEASURING: [&str; 1] = ["drivers_measured"];

/// The Docker examples (root only, one at a time, against the machine's
/// dockerd): `tests/tests/docker.rs` runs them, not the shared tests
/// (`docker_overlay_two_machines`, run once per machine with arguments:
/// `tests/tests/docker_overlay_two_machines.rs`).
pub const DOCKER_EXAMPLES: [&str; 10] = [
    "docker_port_publish",
    "docker_dns",
    "docker_drivers",
    "docker_bridge",
    "docker_same_bridge",
    "docker_macvlan",
    "docker_ipvlan",
    "docker_overlay",
    "docker_overlay_two_machines",
    "docker_cleanup",
];

/// No example takes more than a second or two; a hang is a failure.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Who runs the example, and what the kernel refuses it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum As {
    Root,
    /// An ordinary user (`nobody`): the example enters a user namespace.
    Rootless,
    /// An ordinary user on a system that forbids unprivileged user
    /// namespaces, simulated by denying unshare(CLONE_NEWUSER).
    RootlessWithoutUserns,
    /// Root, but setns(2) fails: an error in the middle of the setup.
    RootWithoutSetns,
}

/// The example's binary, built once per test process.
///
/// `cargo test` builds examples, but `cargo test -p netlab-tests` does not
/// build another package's, so we ask cargo once; it returns at once when
/// they are up to date.
pub fn example_path(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        // `cargo xtask test` builds them once before the suite
        // (NETLAB_EXAMPLES_BUILT=1): with nextest each test is a process
        // of its own, and a cargo run in each would cost more than the test.
        let built = std::env::var("NETLAB_EXAMPLES_BUILT").is_ok_and(|v| v == "1");
        let status = if built {
            std::process::ExitStatus::default()
        } else {
            crate::cargo::command()
                .args(["build", "--quiet", "--examples", "--package", "netlab"])
                .args(["--package", "netlab-docker"])
                .current_dir(workspace_root())
                .status()
                .expect("run cargo to build the examples")
        };
        assert!(
            status.success(),
            "cargo build --examples --package netlab failed"
        );
        fetch_rootfs();
        // Test binaries live in target/debug/deps; examples in target/debug/examples.
        let exe = std::env::current_exe().expect("the test binary's path");
        let profile_dir = exe.parent().and_then(Path::parent).expect("target/debug");
        world_readable_copy(&profile_dir.join("examples"))
    });
    let path = dir.join(name);
    assert!(path.exists(), "no example binary at {}", path.display());
    path
}

/// The recap example's two distributions, fetched once into
/// `target/rootfs/` by `cargo xtask rootfs` (as `cargo xtask test` does),
/// when they are not there yet. If that fails (no apt, no mirror), the
/// recap runs say why, and how to fetch them (exit code 69).
fn fetch_rootfs() {
    let cache = workspace_root().join("target/rootfs");
    if cache.join("trixie/bin/busybox").exists() && cache.join("bookworm/bin/busybox").exists() {
        return;
    }
    let fetched = crate::cargo::command()
        .args(["run", "--quiet", "--package", "xtask", "--", "rootfs"])
        .current_dir(workspace_root())
        .stdout(std::process::Stdio::null())
        .status();
    if !fetched.is_ok_and(|status| status.success()) {
        eprintln!(
            "could not fetch the recap example's root filesystems: cargo xtask rootfs failed"
        );
    }
}

/// The repository's root (the tests crate sits in `tests/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// `nobody` must be able to execute the examples, wherever the checkout is.
/// Usually it can, where cargo put them: then they are run from there, and
/// nothing is copied. Where it cannot (a home directory closed to others),
/// they are linked somewhere open: hard links cost no space; across file
/// systems (a `/tmp` that is a tmpfs, memory) they are copied. No
/// destructor runs for a static, so each test process removes the folders
/// of processes that have ended, and `cargo xtask test` removes the rest
/// when the suite ends.
fn world_readable_copy(examples: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    if others_may_run_from(examples) {
        return examples.to_path_buf();
    }
    let tmp = std::env::temp_dir();
    remove_stale_copies(&tmp);
    let dir = tmp.join(format!("{COPY_PREFIX}{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("make a directory for the example binaries");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod 755");
    for name in EXAMPLES
        .iter()
        .chain(&WITH_ARGUMENTS)
        .chain(&MEASURING)
        .chain(&DOCKER_EXAMPLES)
    {
        let (original, copy) = (examples.join(name), dir.join(name));
        let _ = std::fs::remove_file(&copy);
        if std::fs::hard_link(&original, &copy).is_err() {
            std::fs::copy(&original, &copy)
                .unwrap_or_else(|e| panic!("copy the {name} example: {e}"));
        }
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    dir
}

/// Whether a user who is neither owner nor group can reach `dir` (every
/// folder on the way lets others search it) and run the examples in it.
fn others_may_run_from(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let searchable = |path: &Path| {
        std::fs::metadata(path).is_ok_and(|meta| meta.permissions().mode() & 0o001 != 0)
    };
    let runnable = |name: &&str| {
        std::fs::metadata(dir.join(name))
            .is_ok_and(|meta| meta.permissions().mode() & 0o005 == 0o005)
    };
    dir.ancestors().all(searchable) && EXAMPLES.iter().all(runnable)
}

const COPY_PREFIX: &str = "netlab-examples-";

/// Remove `netlab-examples-PID` folders whose process has ended.
fn remove_stale_copies(tmp: &Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(COPY_PREFIX)) else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A `Command` for the example, set up to run as `who`.
pub fn command(name: &str, who: As, args: &[&str]) -> Command {
    let mut command = Command::new(example_path(name));
    command.args(args);
    let filter = match who {
        As::Root | As::Rootless => None,
        As::RootlessWithoutUserns => {
            Some(deny(libc_sys::SYS_UNSHARE, Some(libc_sys::CLONE_NEWUSER)))
        }
        As::RootWithoutSetns => Some(deny(libc_sys::SYS_SETNS, None)),
    };
    let drop_root = matches!(who, As::Rootless | As::RootlessWithoutUserns);
    // SAFETY: between fork and exec we only make system calls (setgroups,
    // setgid, setuid, prctl, seccomp); the filter was compiled before fork.
    unsafe {
        command.pre_exec(move || {
            if drop_root {
                setgroups(&[]).map_err(std::io::Error::from)?;
                setgid(Gid::from_raw(NOBODY)).map_err(std::io::Error::from)?;
                setuid(Uid::from_raw(NOBODY)).map_err(std::io::Error::from)?;
            }
            if let Some(filter) = &filter {
                seccompiler::apply_filter(filter).map_err(std::io::Error::other)?;
            }
            Ok(())
        });
    }
    command
}

/// Makes `command` run as `nobody`, an ordinary user with no groups.
pub fn as_nobody(command: &mut Command) -> &mut Command {
    // SAFETY: between fork and exec only system calls (setgroups, setgid,
    // setuid).
    unsafe {
        command.pre_exec(|| {
            setgroups(&[]).map_err(std::io::Error::from)?;
            setgid(Gid::from_raw(NOBODY)).map_err(std::io::Error::from)?;
            setuid(Uid::from_raw(NOBODY)).map_err(std::io::Error::from)
        })
    }
}

/// Runs the example to the end and returns what it printed.
pub fn output(name: &str, who: As, args: &[&str]) -> Output {
    let mut command = assert_cmd::Command::from_std(command(name, who, args));
    command.timeout(TIMEOUT);
    command
        .output()
        .unwrap_or_else(|e| panic!("run the {name} example as {who:?}: {e}"))
}

/// Runs the example, asserts that it succeeded, and returns its stdout.
pub fn success(name: &str, who: As) -> String {
    let output = output(name, who, &[]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    output.assert().success();
    text
}

/// A seccomp filter that makes `syscall` fail with EPERM (when its first
/// argument has the bits of `flag`, if given) and allows everything else.
fn deny(syscall: i64, flag: Option<u64>) -> BpfProgram {
    let rules = match flag {
        Some(flag) => {
            let has_flag = SeccompCondition::new(
                0,
                SeccompCmpArgLen::Qword,
                SeccompCmpOp::MaskedEq(flag),
                flag,
            )
            .expect("a valid condition");
            vec![SeccompRule::new(vec![has_flag]).expect("a valid rule")]
        }
        None => vec![],
    };
    let filter = SeccompFilter::new(
        [(syscall, rules)].into_iter().collect(),
        SeccompAction::Allow,
        SeccompAction::Errno(libc_sys::EPERM),
        std::env::consts::ARCH
            .try_into()
            .expect("a seccomp architecture"),
    )
    .expect("a valid filter");
    filter.try_into().expect("compile the filter")
}

/// The few raw numbers the filters need.
mod libc_sys {
    pub const SYS_UNSHARE: i64 = nix::libc::SYS_unshare;
    pub const SYS_SETNS: i64 = nix::libc::SYS_setns;
    pub const CLONE_NEWUSER: u64 = nix::libc::CLONE_NEWUSER as u64;
    pub const EPERM: u32 = nix::libc::EPERM as u32;
}
