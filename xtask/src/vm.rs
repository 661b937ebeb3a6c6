//! `cargo xtask vm [EXAMPLE...] [--out DIR] [--timeout SECONDS]`: run the
//! examples as root inside a throwaway QEMU virtual machine.
//!
//! Why: the guest runs Debian's stock kernel with every module the lab needs
//! (802.1q VLANs, which this project's CI kernel lacks, for MACVLAN's trunk
//! mode), and the reader needs no root on their own machine: the examples
//! are root only inside the guest, which nothing outlives.
//!
//! # Layout
//!
//! - [`kernel`]: Debian's kernel package, fetched and unpacked into a cache,
//!   and its compressed image unpacked once more into a plain ELF `vmlinux`.
//! - [`modules`]: which modules to load, in dependency order.
//! - [`runs`]: which examples run, with which arguments, in which order.
//! - [`initramfs`] (with [`cpio`], [`files`] and `init.sh`): the guest's
//!   file system; [`docker`]: what a Docker Engine needs in it.
//! - [`qemu`]: the boot, KVM or TCG, with deadlines.
//! - [`console`]: the console read back into one outcome per example.

mod console;
mod cpio;
mod docker;
mod files;
mod initramfs;
pub(crate) mod kernel;
mod modules;
mod qemu;
mod runs;

use anyhow::{Context, Result, bail};
use console::Outcome;
use qemu::{Accel, Ended};
use runs::is_docker;

use crate::engine::Release;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What `cargo xtask vm` was asked to do (read by `cli`).
#[derive(Debug, Default, PartialEq)]
pub struct Options {
    /// Empty: every example in `snippets/examples/` with a recorded
    /// transcript, but the `docker_*` ones.
    pub examples: Vec<String>,
    /// Examples to run a second time with `--check` (`--check NAME`):
    /// their claims, for an example that `--check` cannot check on a
    /// kernel without its driver. Their outcomes are `NAME.check`.
    pub checks: Vec<String>,
    /// `--engine VERSION`: the Docker Engines the `docker_*` examples run
    /// against, each once per Engine (outcomes `NAME.engine-28`).
    pub engines: Vec<Release>,
    /// Default `target/vm/`.
    pub out: Option<PathBuf>,
    /// The whole boot's limit; by default 2 minutes plus 1 per run (4 per
    /// run against a Docker Engine).
    pub timeout: Option<Duration>,
}

/// Builds, boots, runs, reports. Fails when any example failed or the
/// guest misbehaved.
pub fn run(options: Options, root: &Path) -> Result<()> {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let cache = target.join("vm-cache");
    let out = options.out.clone().unwrap_or_else(|| target.join("vm"));
    let names = runs::choose(&options.examples, &options.engines, root)?;
    if let Some(name) = options.checks.iter().find(|name| !names.contains(name)) {
        bail!("--check {name}: `{name}` is not among the examples this run boots with");
    }
    let plan = runs::plan(&names, &options.checks, &options.engines);
    // The console's markers: one per run.
    let markers: Vec<String> = plan.iter().map(|run| run.name.clone()).collect();
    qemu::check_installed()?;

    let binaries = build_examples(root, &target, &names)?;
    let kernel = kernel::obtain(&cache)?;
    let boot_image = kernel::uncompressed(&kernel).unwrap_or_else(|| kernel.vmlinuz.clone());
    println!(
        "vm: kernel {} from Debian's {}",
        kernel.release, kernel.package
    );
    // The run's own files go to its output folder, so that two runs with
    // different --out (the VM test uses its own) never share an archive.
    fs::create_dir_all(&out).with_context(|| format!("create {}", out.display()))?;
    remove_old_outcomes(&out)?;
    let started = Instant::now();
    let initrd = out.join("initramfs.cpio");
    // The recap example's two distributions: fetched once, like the kernel.
    let rootfs = if names.iter().any(|name| name == "recap") {
        crate::rootfs::obtain(&root.join(crate::rootfs::CACHE))?;
        Some(root.join(crate::rootfs::CACHE))
    } else {
        None
    };
    // The Engines the docker_* examples start, fetched once, like the kernel.
    let docker = names.iter().any(|name| is_docker(name));
    let engines = match docker {
        true => docker::fetch(&options.engines, &target)?,
        false => Vec::new(),
    };
    let contents = initramfs::Contents {
        examples: &binaries,
        runs: &plan,
        rootfs: rootfs.as_deref(),
        engines: &engines,
    };
    let built = initramfs::build(&kernel, &contents, &out.join("bin"), &initrd)?;
    println!(
        "vm: initramfs {} ({:.0} MB, {} modules, {} examples) built in {:.1} s",
        built.path.display(),
        built.bytes as f64 / 1e6,
        built.modules,
        names.len(),
        started.elapsed().as_secs_f64()
    );

    let log = qemu::log_path(&out);
    // The Engines' programs (about 170 MB each) live in the guest's memory.
    let memory = 1024 + 1024 * engines.len() as u32;
    let limit = options
        .timeout
        .unwrap_or_else(|| runs::default_limit(&plan));
    let (accels, why) = qemu::choose();
    let mut ended = None;
    for (attempt, accel) in accels.into_iter().enumerate() {
        let why = if attempt == 0 {
            why.as_str()
        } else {
            "falling back"
        };
        println!("vm: booting with {}: {why}", accel.describe());
        match qemu::boot(accel, &boot_image, &initrd, &log, limit, memory) {
            Ok(Ended::Silent) => {
                println!("vm: the {accel:?} guest printed nothing in time; killed it")
            }
            // QEMU itself may refuse a KVM it cannot drive (a PVM host
            // aborts on `-cpu host`): that is a reason to emulate, too.
            Err(error) if accel == Accel::Kvm => println!("vm: KVM failed: {error:#}"),
            Err(error) => return Err(error),
            Ok(other) => {
                ended = Some(other);
                break;
            }
        }
    }
    let Some(ended) = ended else {
        bail!(
            "the guest printed nothing on its console; its log: {}",
            log.display()
        );
    };
    let (console, first_line, init, total) = match ended {
        Ended::PoweredOff {
            console,
            first_line,
            init,
            total,
        } => (console, first_line, init, total),
        Ended::TimedOut { console } => {
            let outcomes = console::parse(&console, &markers);
            let running = outcomes
                .iter()
                .find(|o| o.rc.is_none() && !o.stdout.is_empty());
            bail!(
                "the guest did not power off within {limit:?}{}; killed it. Its console log: {}",
                running.map_or(String::new(), |o| format!(" (it was running {})", o.name)),
                log.display()
            );
        }
        Ended::Silent => unreachable!("handled above"),
    };
    // Boot time: on the host's clock (QEMU started to /init's first line)
    // and on the guest's (its uptime then: the kernel's own boot).
    let seconds =
        |d: Option<Duration>| d.map_or("?".into(), |d| format!("{:.1} s", d.as_secs_f64()));
    let guest_init = console::init_uptime(&console).map(Duration::from_secs_f64);
    println!(
        "vm: first console line after {}, /init after {} (guest uptime {}), powered off after {}",
        seconds(Some(first_line)),
        seconds(init),
        seconds(guest_init),
        seconds(Some(total))
    );

    let outcomes = console::parse(&console, &markers);
    write_outcomes(&out, &outcomes)?;
    report(&outcomes, &out, &log)
}

/// `cargo build --examples -p netlab` (and `-p netlab-docker` for the
/// `docker_*` ones), then each example's binary.
fn build_examples(root: &Path, target: &Path, names: &[String]) -> Result<Vec<(String, PathBuf)>> {
    let mut command = crate::cargo::command();
    command.args(["build", "--quiet", "--examples", "--package", "netlab"]);
    if names.iter().any(|name| is_docker(name)) {
        command.args(["--package", "netlab-docker"]);
    }
    let status = command
        .current_dir(root)
        .status()
        .context("run cargo to build the examples")?;
    if !status.success() {
        bail!("cargo build --examples failed ({status})");
    }
    let dir = target.join("debug/examples");
    Ok(names
        .iter()
        .map(|name| (name.clone(), dir.join(name)))
        .collect())
}

/// `DIR/NAME.stdout`, `DIR/NAME.stderr` and `DIR/NAME.rc` (the exit code, or
/// `none` when the example never finished), and `DIR/NAME.svg`, the picture
/// of its lab, when it drew one.
fn write_outcomes(out: &Path, outcomes: &[Outcome]) -> Result<()> {
    for o in outcomes {
        let rc = o.rc.map_or("none".to_string(), |rc| rc.to_string());
        let picture = o.picture.as_ref().map(|svg| ("svg", svg));
        let files = [("stdout", &o.stdout), ("stderr", &o.stderr), ("rc", &rc)];
        for (extension, text) in files.into_iter().chain(picture) {
            let path = out.join(format!("{}.{extension}", o.name));
            fs::write(&path, text).with_context(|| format!("write {}", path.display()))?;
        }
    }
    Ok(())
}

/// An earlier run's `NAME.stdout`, `.stderr`, `.rc`, `.svg`: a file left from it
/// must not pass for this run's.
fn remove_old_outcomes(out: &Path) -> Result<()> {
    for entry in fs::read_dir(out).with_context(|| format!("list {}", out.display()))? {
        let path = entry?.path();
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ["stdout", "stderr", "rc", "svg"].contains(&extension) {
            fs::remove_file(&path).with_context(|| format!("remove {}", path.display()))?;
        }
    }
    Ok(())
}

/// A table of the outcomes; an error naming each failure, with its output.
fn report(outcomes: &[Outcome], out: &Path, log: &Path) -> Result<()> {
    let mut failures = String::new();
    for o in outcomes {
        let status = match o.rc {
            Some(0) => "ok".to_string(),
            Some(rc) => format!("FAILED, exit code {rc}"),
            None => "FAILED, did not finish".to_string(),
        };
        // Its cost, on the guest's clock.
        let took = o.seconds.map_or(String::new(), |s| format!(" ({s:.1} s)"));
        println!("  {:<32} {status}{took}", o.name);
        if o.rc != Some(0) {
            failures += &format!(
                "\n--- {} ({status}) stdout:\n{}\n--- stderr:\n{}\n",
                o.name, o.stdout, o.stderr
            );
        }
    }
    println!(
        "vm: outputs in {} (NAME.stdout, NAME.stderr, NAME.rc)",
        out.display()
    );
    if !failures.is_empty() {
        bail!(
            "examples failed inside the VM:{failures}\nThe whole console log: {}",
            log.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_example_is_an_error_that_shows_its_output() {
        let outcome = |name: &str, rc| Outcome {
            name: name.into(),
            stdout: format!("{name}$ ip link add docker0 type bridge\n"),
            stderr: format!("Error: {name} failed"),
            picture: None,
            rc,
            seconds: None,
        };
        let (out, log) = (Path::new("/tmp/out"), Path::new("/tmp/out/console.log"));
        assert!(report(&[outcome("veth", Some(0))], out, log).is_ok());
        let outcomes = [
            outcome("veth", Some(0)),
            outcome("bridge", Some(1)),
            outcome("dns", None),
        ];
        let error = report(&outcomes, out, log).unwrap_err().to_string();
        assert!(
            error.contains("--- bridge (FAILED, exit code 1) stdout:\nbridge$ ip link add"),
            "{error}"
        );
        assert!(error.contains("Error: bridge failed"), "{error}");
        assert!(
            error.contains("--- dns (FAILED, did not finish)"),
            "{error}"
        );
        assert!(!error.contains("--- veth"), "veth passed: {error}");
        assert!(error.ends_with("/tmp/out/console.log"), "{error}");
    }
}
