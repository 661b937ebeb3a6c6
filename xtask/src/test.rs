//! `sudo -E cargo xtask test`: the whole test suite on a machine that may
//! have nothing but Rust.
//!
//! 1. checks the programs the tests use, and installs the Debian packages
//!    of those missing with apt, printing the one `apt-get install` line it
//!    runs (without root, or without apt, it prints the line and stops);
//! 2. fetches what the tests fetch: Debian's kernel for the VM test, and the
//!    two Docker Engines (`cargo xtask engine 28.5` and `20.10`), and the
//!    recap chapter's two root filesystems (`cargo xtask rootfs`) into
//!    `target/`. Each Docker test starts a private daemon of its own from
//!    them, so no `dockerd` needs to run on the machine;
//! 3. builds the examples once, runs the suite (with cargo-nextest when it
//!    is installed: the test binaries side by side, `.config/nextest.toml`
//!    keeping apart those that touch the machine; else `cargo test`), then
//!    prints a summary: passed, failed, and each test that did not run,
//!    with its reason.

use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;

use crate::engine;

/// What the tests run, and the Debian package of each.
const NEEDED: &[(&str, &str)] = &[
    // The independent observer: iproute2, iputils ping, nsenter. The
    // examples run ip, bridge and ifconfig themselves to show a namespace.
    ("ip", "iproute2"),
    ("bridge", "iproute2"),
    ("ifconfig", "net-tools"),
    ("ping", "iputils-ping"),
    ("nsenter", "util-linux"),
    ("unshare", "util-linux"),
    // The NAT chapter's back end, and the Docker image's one binary.
    ("nft", "nftables"),
    ("busybox", "busybox-static"),
    // The Docker side: the client and the system's Engine, the container
    // runtime the private Engines use, the rules dockerd writes.
    ("dockerd", "docker.io"),
    ("runc", "runc"),
    ("iptables-save", "iptables"),
    ("tar", "tar"),
    // The VM test (`cargo xtask vm`).
    ("qemu-system-x86_64", "qemu-system-x86"),
    ("xz", "xz-utils"),
    ("dpkg-deb", "dpkg"),
    // The benchmark that checks drivers_measured's throughput against
    // iperf3's on the same paths (`cargo bench --bench drivers_iperf3`).
    ("iperf3", "iperf3"),
    // The handouts test.
    ("chromium", "chromium"),
    ("pdftotext", "poppler-utils"),
    ("pdfinfo", "poppler-utils"),
    ("pdftoppm", "poppler-utils"),
];

/// Whether to stop once everything is installed and fetched.
#[derive(Debug, PartialEq)]
pub enum Mode {
    /// Set up, then run the suite.
    Run,
    /// `--setup-only`: install and fetch, run nothing.
    SetupOnly,
}

pub fn test(root: &Path, mode: Mode, cargo_args: &[String]) -> Result<()> {
    install_missing()?;
    let cache = root.join("target");
    crate::vm::kernel::obtain(&cache.join("vm-cache")).context("fetch the VM's kernel")?;
    for release in engine::RELEASES {
        let dir = engine::obtain(&cache.join("engines"), release)?;
        eprintln!(
            "test: Docker Engine {} is in {}",
            release.version,
            dir.display()
        );
    }
    for dir in crate::rootfs::obtain(&root.join(crate::rootfs::CACHE))? {
        eprintln!(
            "test: a root filesystem for the recap example is in {}",
            dir.display()
        );
    }
    if mode == Mode::SetupOnly {
        return Ok(());
    }
    let skipped = cache.join("netlab-skipped.txt");
    let _ = std::fs::remove_file(&skipped);
    // The examples, once, for every test process (see tests/src/run.rs).
    let built = crate::cargo::command()
        .args([
            "build",
            "--examples",
            "--package",
            "netlab",
            "--package",
            "netlab-docker",
        ])
        .current_dir(root)
        .status()
        .context("run cargo build --examples")?;
    if !built.success() {
        bail!("cargo build --examples of netlab and netlab-docker failed ({built})");
    }
    // cargo-nextest, when installed, runs the test binaries side by side:
    // first everything but the tests of your Docker Engine, which change
    // the machine's namespace that others check; then those, one at a time
    // (see .config/nextest.toml). Plain cargo test runs the binaries one after
    // the other.
    let nextest = crate::cargo::command()
        .args(["nextest", "--version"])
        .output()
        .is_ok_and(|output| output.status.success());
    let runs: Vec<Vec<&str>> = if nextest {
        let run = ["nextest", "run", "--workspace", "--no-fail-fast"];
        vec![
            [
                &run[..],
                &["--profile", "apart", "-E", "not binary(docker)"],
            ]
            .concat(),
            [&run[..], &["-E", "binary(docker)", "--test-threads", "1"]].concat(),
        ]
    } else {
        vec![vec!["test", "--workspace", "--no-fail-fast"]]
    };
    let started = std::time::Instant::now();
    let mut output = String::new();
    let mut failed = None;
    for args in runs {
        let mut command = crate::cargo::command();
        command
            .args(args)
            .args(cargo_args)
            .env("NETLAB_SKIPPED", &skipped)
            .env("NETLAB_EXAMPLES_BUILT", "1")
            .current_dir(root)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        eprintln!("test: {command:?}");
        let child = command.spawn().context("run the tests")?;
        let (status, text) = tee(child)?;
        output.push_str(&text);
        if !status.success() {
            failed = Some(status);
        }
    }
    sweep_temp();
    let summary = Summary::of(
        &output,
        &std::fs::read_to_string(&skipped).unwrap_or_default(),
    );
    println!("{}", summary.text());
    println!("test: the suite took {:.0?}", started.elapsed());
    if let Some(status) = failed {
        bail!("the tests failed ({status})");
    }
    Ok(())
}

/// Runs the child to the end, passing its stdout and stderr through while
/// keeping a copy of both (libtest prints `test result:` on stdout, nextest
/// its `Summary` on stderr).
fn tee(mut child: std::process::Child) -> Result<(std::process::ExitStatus, String)> {
    use std::io::{BufRead, BufReader, Write};
    let stderr = child.stderr.take().context("the tests' stderr")?;
    let copier = std::thread::spawn(move || {
        let mut copy = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = writeln!(std::io::stderr(), "{line}");
            copy.push_str(&line);
            copy.push('\n');
        }
        copy
    });
    let stdout = child.stdout.take().context("the tests' stdout")?;
    let mut copy = String::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.context("read the tests' output")?;
        let _ = writeln!(std::io::stdout(), "{line}");
        copy.push_str(&line);
        copy.push('\n');
    }
    copy.push_str(&copier.join().unwrap_or_default());
    Ok((child.wait().context("wait for the tests")?, copy))
}

/// `line` without its parenthesized remarks: `11 passed (2 slow), 0
/// skipped` is `11 passed , 0 skipped`.
fn without_remarks(line: &str) -> String {
    let mut depth = 0usize;
    line.chars()
        .filter(|&c| {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth = depth.saturating_sub(1);
                    return false;
                }
                _ => {}
            }
            depth == 0
        })
        .collect()
}

/// The counts of libtest's `test result:` lines, and the skip lines.
#[derive(Debug, Default, PartialEq)]
struct Summary {
    passed: usize,
    failed: usize,
    ignored: usize,
    skipped: Vec<String>,
}

impl Summary {
    /// libtest's `test result: ok. 12 passed; 0 failed; 1 ignored; ...`
    /// lines, or nextest's `Summary [ 61.2s] 130 tests run: 128 passed, 2
    /// failed, 3 skipped`; and the lines the tests' `skip` appended to the
    /// skip file.
    fn of(output: &str, skipped: &str) -> Summary {
        let mut summary = Summary::default();
        let nextest: Vec<&str> = output
            .lines()
            .filter_map(|l| l.trim().strip_prefix("Summary ["))
            .filter_map(|l| l.split_once("tests run:").map(|(_, counts)| counts))
            .collect();
        // nextest also shows a failed test's own libtest lines: its summary
        // alone counts, when there is one.
        let libtest: Vec<&str> = if nextest.is_empty() {
            output
                .lines()
                .filter_map(|l| l.trim().strip_prefix("test result: "))
                .collect()
        } else {
            Vec::new()
        };
        for line in libtest.into_iter().chain(nextest) {
            // nextest's `128 passed (2 slow)`: the remark is not a count.
            let line = without_remarks(line);
            for part in line.split([';', ',']) {
                let mut words = part.split_whitespace().rev();
                let (Some(what), Some(n)) = (words.next(), words.next()) else {
                    continue;
                };
                let n: usize = n.parse().unwrap_or(0);
                match what {
                    "passed" => summary.passed += n,
                    "failed" => summary.failed += n,
                    "ignored" => summary.ignored += n,
                    _ => {}
                }
            }
        }
        summary.skipped = skipped.lines().map(str::to_string).collect();
        summary
    }

    /// `test: N passed, N failed, N skipped` (the line CI reads), then each
    /// skipped test with its reason.
    fn text(&self) -> String {
        let mut text = format!(
            "test: {} passed, {} failed, {} skipped",
            self.passed,
            self.failed,
            self.skipped.len()
        );
        for line in &self.skipped {
            text.push_str("\n  skipped: ");
            text.push_str(line);
        }
        text
    }
}

/// Removes what the suite's processes left in the temporary directory
/// (`$TMPDIR`, a tmpfs on many systems: memory): the folders of example
/// binaries a test process linked or copied for `nobody` when it could not
/// run them where cargo put them (`netlab-examples-PID`). Every test
/// process has ended by now.
fn sweep_temp() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ended = name
            .strip_prefix("netlab-examples-")
            .and_then(|pid| pid.parse::<u32>().ok())
            .is_some_and(|pid| !Path::new("/proc").join(pid.to_string()).exists());
        if ended && let Err(error) = std::fs::remove_dir_all(entry.path()) {
            eprintln!("test: could not remove {}: {error}", entry.path().display());
        }
    }
}

/// Installs the packages of the programs missing from the PATH, or says
/// which line to run and stops.
fn install_missing() -> Result<()> {
    let mut packages: Vec<&str> = Vec::new();
    for (program, package) in NEEDED {
        if !on_path(program) && !packages.contains(package) {
            packages.push(package);
        }
    }
    if packages.is_empty() {
        return Ok(());
    }
    // Just these packages: no recommended extras (avahi, cups, gstreamer
    // plugins, ...), which would start services on the reader's machine.
    let line = format!(
        "apt-get install -y --no-install-recommends {}",
        packages.join(" ")
    );
    let root = effective_uid_is_root();
    if !root || !on_path("apt-get") {
        bail!(
            "the tests need {}: run `sudo {line}` (Debian/Ubuntu), then this again{}",
            packages.join(", "),
            if root {
                ""
            } else {
                " (or run it as root: `sudo -E cargo xtask test`)"
            }
        );
    }
    eprintln!("test: installing what the tests need: {line}");
    // Package lists first: a fresh machine has none.
    crate::process::run(Command::new("apt-get").args(["update", "-q"]))
        .context("apt-get update")?;
    let status = Command::new("apt-get")
        .args(["install", "-y", "-q", "--no-install-recommends"])
        .args(&packages)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .context("run apt-get install")?;
    if !status.success() {
        bail!("`{line}` failed ({status})");
    }
    Ok(())
}

fn on_path(program: &str) -> bool {
    let path = std::env::var("PATH").unwrap_or_default();
    path.split(':')
        .chain(["/usr/sbin", "/sbin"])
        .any(|dir| Path::new(dir).join(program).is_file())
}

/// Whether we run as root: the effective uid in `/proc/self/status` (its
/// `Uid:` line: real, effective, saved, filesystem), read there rather
/// than through a system-call crate xtask would otherwise not need.
pub fn effective_uid_is_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        == Some("0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_adds_up_every_binary_and_lists_the_skips() {
        let output = "running 3 tests\n\
                      test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\
                      test result: FAILED. 5 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out; finished in 1s\n";
        let skipped = "vm: NOT RUN, it needs qemu-system-x86_64\n";
        let nextest = "    test result: FAILED. 0 passed; 1 failed; 0 ignored\n\
                       \x20   Summary [  61.234s] 130 tests run: 128 passed, 2 failed, 3 skipped\n";
        let summary = Summary::of(nextest, "");
        assert_eq!(
            (summary.passed, summary.failed),
            (128, 2),
            "nextest's summary"
        );
        let summary = Summary::of(output, skipped);
        assert_eq!(
            summary,
            Summary {
                passed: 8,
                failed: 2,
                ignored: 1,
                skipped: vec!["vm: NOT RUN, it needs qemu-system-x86_64".to_string()],
            }
        );
        assert!(
            summary
                .text()
                .starts_with("test: 8 passed, 2 failed, 1 skipped\n  skipped: vm: NOT RUN")
        );
    }
    #[test]
    fn a_slow_remark_is_not_a_count() {
        let output = "     Summary [  47.173s] 190 tests run: 190 passed, 0 skipped\n\
                      \x20    Summary [  74.552s] 11 tests run: 11 passed (2 slow), 0 skipped\n";
        let summary = Summary::of(output, "");
        assert_eq!(
            (summary.passed, summary.failed),
            (201, 0),
            "both runs' tests"
        );
    }
}
