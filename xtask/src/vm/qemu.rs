//! Booting the guest with QEMU: hardware virtualization (KVM) when it
//! works, software emulation (TCG) otherwise.
//!
//! The console is the guest's first serial port, on QEMU's stdout: we copy
//! it to a log file as it comes and watch the clock, because a guest that
//! hangs prints nothing and never ends by itself.

use anyhow::{Context, Result, bail};
use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

const QEMU: &str = "qemu-system-x86_64";

/// How long a KVM guest may stay silent before we call KVM unusable. A
/// working KVM reaches /init in a second or two.
const KVM_FIRST_LINE: Duration = Duration::from_secs(30);

/// What `/init` (init.sh) prints first.
const INIT_LINE: &[u8] = b"netlab-vm: init running";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accel {
    Kvm,
    Tcg,
}

impl Accel {
    pub fn describe(self) -> &'static str {
        match self {
            Accel::Kvm => "KVM (hardware virtualization)",
            Accel::Tcg => "TCG (software emulation, slower)",
        }
    }
}

/// Which accelerators to try, in order, and why.
pub fn choose() -> (Vec<Accel>, String) {
    match std::env::var("NETLAB_VM_ACCEL").as_deref() {
        Ok("tcg") => return (vec![Accel::Tcg], "NETLAB_VM_ACCEL=tcg".into()),
        // Still with the fallback: this is how to try KVM on a PVM host.
        Ok("kvm") => return (vec![Accel::Kvm, Accel::Tcg], "NETLAB_VM_ACCEL=kvm".into()),
        _ => {}
    }
    // A PVM host (a KVM for running inside a cloud VM without nested
    // virtualization) exposes /dev/kvm, but only guests built for PVM run
    // well: Debian's stock kernel does not fail, it crawls in its
    // decompressor without a word. Do not even try.
    if Path::new("/sys/module/kvm_pvm").exists() {
        let why =
            "/dev/kvm belongs to a PVM host (/sys/module/kvm_pvm), where a stock kernel crawls";
        return (vec![Accel::Tcg], why.into());
    }
    let usable = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/kvm")
        .is_ok();
    if usable {
        let why = format!("/dev/kvm is usable; TCG if the guest is silent for {KVM_FIRST_LINE:?}");
        (vec![Accel::Kvm, Accel::Tcg], why)
    } else {
        let why = "/dev/kvm is missing or not ours (as an ordinary user: join the `kvm` group)";
        (vec![Accel::Tcg], why.into())
    }
}

/// Fails with the package to install when QEMU is missing.
pub fn check_installed() -> Result<()> {
    match Command::new(QEMU).arg("--version").output() {
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => bail!(
            "{QEMU} --version failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(e) if e.kind() == ErrorKind::NotFound => bail!(
            "{QEMU} is not installed: install Debian's qemu-system-x86 (`sudo apt-get install qemu-system-x86`)"
        ),
        Err(e) => Err(e).context(format!("run {QEMU}")),
    }
}

/// How a boot ended.
pub enum Ended {
    /// The guest powered off; its whole console.
    PoweredOff {
        console: String,
        first_line: Duration,
        /// When /init printed its first line, if it did.
        init: Option<Duration>,
        total: Duration,
    },
    /// KVM only: nothing on the console in time; killed.
    Silent,
    /// Still running at the deadline; killed. The console so far.
    TimedOut { console: String },
}

/// Boots `kernel` (a `vmlinuz`, or a `vmlinux` through PVH) with `initrd`
/// and `memory` MiB of RAM, copying the console to `log`.
pub fn boot(
    accel: Accel,
    kernel: &Path,
    initrd: &Path,
    log: &Path,
    limit: Duration,
    memory: u32,
) -> Result<Ended> {
    let mut command = Command::new(QEMU);
    match accel {
        Accel::Kvm => command.args(["-accel", "kvm", "-cpu", "host", "-smp", "2"]),
        // One vCPU: the examples run one after another, and the machine
        // this runs on may have only two cores for everything.
        Accel::Tcg => command.args(["-accel", "tcg", "-cpu", "max", "-smp", "1"]),
    };
    command
        // No default devices (network card, VGA, ...): nothing to probe.
        .args([
            "-nodefaults",
            "-no-user-config",
            "-m",
            &format!("{memory}M"),
        ])
        .args([
            "-display",
            "none",
            "-monitor",
            "none",
            "-serial",
            "stdio",
            "-no-reboot",
        ])
        .arg("-kernel")
        .arg(kernel)
        .arg("-initrd")
        .arg(initrd)
        // panic=-1: reboot at once on a panic, which -no-reboot turns into an exit.
        .args(["-append", "console=ttyS0 quiet panic=-1 rdinit=/init"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().with_context(|| format!("start {QEMU}"))?;

    let mut stdout = child.stdout.take().context("qemu's stdout")?;
    let mut log_file = File::create(log).with_context(|| format!("create {}", log.display()))?;
    let (chunks, received) = mpsc::channel::<Vec<u8>>();
    let reader = thread::spawn(move || {
        let mut buffer = [0u8; 8192];
        while let Ok(n) = stdout.read(&mut buffer) {
            if n == 0 {
                break;
            }
            let _ = log_file.write_all(&buffer[..n]);
            if chunks.send(buffer[..n].to_vec()).is_err() {
                break;
            }
        }
    });

    let mut console = Vec::new();
    let mut first_line = None;
    let mut init = None;
    loop {
        if let Ok(chunk) = received.recv_timeout(Duration::from_millis(100)) {
            console.extend_from_slice(&chunk);
        }
        if first_line.is_none() && console.contains(&b'\n') {
            first_line = Some(started.elapsed());
        }
        if init.is_none() && console.windows(INIT_LINE.len()).any(|w| w == INIT_LINE) {
            init = Some(started.elapsed());
        }
        if child.try_wait()?.is_some() {
            break;
        }
        let silent =
            accel == Accel::Kvm && first_line.is_none() && started.elapsed() > KVM_FIRST_LINE;
        if silent || started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let _ = reader.join();
            let console = String::from_utf8_lossy(&console).into_owned();
            return Ok(if silent {
                Ended::Silent
            } else {
                Ended::TimedOut { console }
            });
        }
    }
    let status = child.wait()?;
    let _ = reader.join();
    console.extend(received.try_iter().flatten());
    let total = started.elapsed();
    let mut errors = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut errors);
    }
    if !status.success() {
        bail!("{QEMU} failed ({status}): {}", errors.trim());
    }
    Ok(Ended::PoweredOff {
        console: String::from_utf8_lossy(&console).into_owned(),
        first_line: first_line.unwrap_or(total),
        init,
        total,
    })
}

/// Where the console log of a boot goes.
pub fn log_path(out: &Path) -> PathBuf {
    out.join("console.log")
}
