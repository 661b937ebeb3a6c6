//! A container's first process, as `docker run` starts it: PID 1 of a PID
//! namespace of its own, in mount and UTS namespaces of its own, with a
//! `/dev` and a `/proc` of its own, Docker's masked and read-only paths,
//! and Docker's default capabilities. What runs in the container afterwards
//! (`red.sh(...)`, `--shell red`) enters all of them.
//!
//! Why a process: a PID namespace is entered by processes, not threads.
//! `unshare(CLONE_NEWPID)` puts the caller's *next child* into the new
//! namespace, as its PID 1, and the namespace lives as long as that
//! process. So a thread of ours makes it, forks the container's init, and
//! waits for it; the init mounts the container's files (the `prepare` the
//! caller gives, then the protections here), then becomes `sleep`, and
//! dies with us (`PR_SET_PDEATHSIG`).
//!
//! Between `fork` and `exec` only system calls run: no allocation, no
//! lock. So everything the init needs (paths) is made before the fork,
//! and errors are bare errnos (`nix::Result`).
//!
//! Docker's lists come from moby's default spec (v28.5.2,
//! `oci/defaults.go`: `defaultLinuxMaskedPaths`, `ReadonlyPaths`;
//! `oci/caps/defaults.go`: `DefaultCapabilities`).

use std::ffi::CString;
use std::os::fd::OwnedFd;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result};
use caps::Capability;
use nix::mount::{MsFlags, mount};
use nix::sched::{CloneFlags, unshare};
use nix::sys::signal::Signal;

use crate::Netns;
use crate::error::errno_error;

/// Paths Docker hides from a container: a file is covered by `/dev/null`,
/// a folder by an empty read-only tmpfs.
pub const MASKED: [&str; 12] = [
    "/proc/asound",
    "/proc/acpi",
    "/proc/interrupts",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/sys/firmware",
    "/sys/devices/virtual/powercap",
];

/// Paths Docker lets a container read but not write: `/proc/sys` (every
/// sysctl, most of them the machine's) and `/proc/sysrq-trigger` (which
/// reboots it) among them.
pub const READ_ONLY: [&str; 5] = [
    "/proc/bus",
    "/proc/fs",
    "/proc/irq",
    "/proc/sys",
    "/proc/sysrq-trigger",
];

/// Docker's default capabilities: root in a container keeps these 14 and
/// loses the rest (loading modules, setting the clock, mounting, ...).
pub const DEFAULT_CAPABILITIES: [Capability; 14] = [
    Capability::CAP_CHOWN,
    Capability::CAP_DAC_OVERRIDE,
    Capability::CAP_FSETID,
    Capability::CAP_FOWNER,
    Capability::CAP_MKNOD,
    Capability::CAP_NET_RAW,
    Capability::CAP_SETGID,
    Capability::CAP_SETUID,
    Capability::CAP_SETFCAP,
    Capability::CAP_SETPCAP,
    Capability::CAP_NET_BIND_SERVICE,
    Capability::CAP_SYS_CHROOT,
    Capability::CAP_KILL,
    Capability::CAP_AUDIT_WRITE,
];

/// The devices Docker gives every container, in a `/dev` of its own (a
/// tmpfs): the host's, bind-mounted (making a device needs a capability a
/// user namespace does not grant; binding one does not).
pub const DEVICES: [&str; 6] = ["null", "zero", "full", "random", "urandom", "tty"];

/// The paths of Docker's protections under a root filesystem, made before
/// the fork.
pub struct Protections {
    dev: CString,
    devices: Vec<(CString, CString)>,
    proc: CString,
    masked: Vec<CString>,
    read_only: Vec<CString>,
}

impl Protections {
    /// Docker's protections for a container whose root filesystem is `root`
    /// (before `pivot_root`: the paths are under it).
    pub fn under(root: &Path) -> Result<Protections> {
        let inside = |path: &str| {
            CString::new(
                root.join(path.trim_start_matches('/'))
                    .into_os_string()
                    .into_encoded_bytes(),
            )
            .context("a path without NUL bytes")
        };
        let host_device = |name: &str| CString::new(format!("/dev/{name}")).context("a path");
        Ok(Protections {
            dev: inside("/dev")?,
            devices: DEVICES
                .iter()
                .map(|name| Ok((host_device(name)?, inside(&format!("/dev/{name}"))?)))
                .collect::<Result<_>>()?,
            proc: inside("/proc")?,
            masked: MASKED
                .iter()
                .map(|path| inside(path))
                .collect::<Result<_>>()?,
            read_only: READ_ONLY
                .iter()
                .map(|path| inside(path))
                .collect::<Result<_>>()?,
        })
    }

    /// In the container's init (PID 1 of its PID namespace, in its mount
    /// namespace, before `pivot_root`): a `/dev` of its own with Docker's
    /// devices, a new `/proc`, which shows this PID namespace's processes
    /// only, then the masked and read-only paths. A path this kernel does
    /// not have is skipped.
    pub fn apply(&self) -> nix::Result<()> {
        let none: Option<&str> = None;
        let dev_flags = MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC;
        mount(
            Some("tmpfs"),
            self.dev.as_c_str(),
            Some("tmpfs"),
            dev_flags,
            Some("mode=755"),
        )?;
        for (host, inside) in &self.devices {
            // A file to mount the device on, then the device itself.
            let flags = nix::fcntl::OFlag::O_CREAT
                | nix::fcntl::OFlag::O_WRONLY
                | nix::fcntl::OFlag::O_CLOEXEC;
            drop(nix::fcntl::open(
                inside.as_c_str(),
                flags,
                nix::sys::stat::Mode::from_bits_truncate(0o666),
            )?);
            // A device the machine lacks stays an empty file.
            let _ = mount(
                Some(host.as_c_str()),
                inside.as_c_str(),
                none,
                MsFlags::MS_BIND,
                none,
            );
        }
        let proc_flags = MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC;
        mount(
            Some("proc"),
            self.proc.as_c_str(),
            Some("proc"),
            proc_flags,
            none,
        )?;
        for path in &self.masked {
            match nix::sys::stat::stat(path.as_c_str()) {
                Ok(stat) if stat.st_mode & libc_dir() != 0 => {
                    let flags = MsFlags::MS_RDONLY | MsFlags::MS_NOSUID | MsFlags::MS_NODEV;
                    mount(Some("tmpfs"), path.as_c_str(), Some("tmpfs"), flags, none)?
                }
                Ok(_) => mount(
                    Some("/dev/null"),
                    path.as_c_str(),
                    none,
                    MsFlags::MS_BIND,
                    none,
                )?,
                Err(_) => {}
            }
        }
        for path in &self.read_only {
            if nix::sys::stat::stat(path.as_c_str()).is_err() {
                continue;
            }
            // A bind mount of the path onto itself, then made read-only:
            // a remount keeps proc's flags (a user namespace may not drop
            // them) and adds MS_RDONLY.
            let bind = MsFlags::MS_BIND | MsFlags::MS_REC;
            mount(Some(path.as_c_str()), path.as_c_str(), none, bind, none)?;
            let remount = MsFlags::MS_BIND | MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY | proc_flags;
            mount(none, path.as_c_str(), none, remount, none)?;
        }
        Ok(())
    }
}

/// `S_IFDIR`: the type bits of a folder.
fn libc_dir() -> u32 {
    nix::sys::stat::SFlag::S_IFDIR.bits()
}

impl Netns {
    /// Starts this container's first process, `init`: PID 1 of a new PID
    /// namespace, in new mount and UTS namespaces, inside this network
    /// namespace. It runs `prepare` (which mounts its files and makes its
    /// root, `pivot_root`, and names it), then becomes `/bin/busybox sleep`
    /// of the new root and waits, until we die. From then on, work run
    /// inside this container enters its mount, UTS and PID namespaces, and
    /// keeps only Docker's default capabilities.
    pub fn start_init(
        &self,
        prepare: impl Fn() -> nix::Result<()> + Send + Sync + 'static,
    ) -> Result<()> {
        let name = self.name.clone();
        let (started, waiter) = std::sync::mpsc::channel();
        // The thread that forks the init must live as long as it: the init's
        // death signal fires when that thread ends, not only the process.
        let netns = self.clone();
        std::thread::spawn(move || {
            let spawned = netns.in_own_thread(|| {
                unshare(CloneFlags::CLONE_NEWPID)
                    .map_err(errno_error)
                    .context("create a PID namespace")?;
                let mut command = Command::new("/bin/busybox");
                command
                    .args(["sleep", "2147483647"])
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null());
                // SAFETY: between fork and exec the closure makes system
                // calls only; its paths were made before the fork.
                unsafe {
                    command.pre_exec(move || {
                        nix::sys::prctl::set_pdeathsig(Signal::SIGKILL)?;
                        unshare(CloneFlags::CLONE_NEWNS | CloneFlags::CLONE_NEWUTS)?;
                        prepare()?;
                        Ok(())
                    });
                }
                command
                    .spawn()
                    .context("start the container's first process")
            });
            match spawned {
                Ok(mut child) => {
                    let _ = started.send(Ok(child.id()));
                    let _ = child.wait();
                }
                Err(error) => {
                    let _ = started.send(Err(error));
                }
            }
        });
        let pid = waiter
            .recv()
            .context("the thread that starts the container ended")?
            .with_context(|| format!("start {name}'s first process"))?;
        let open = |kind: &str| -> Result<OwnedFd> {
            let path = format!("/proc/{pid}/ns/{kind}");
            nix::fcntl::open(
                path.as_str(),
                nix::fcntl::OFlag::O_RDONLY | nix::fcntl::OFlag::O_CLOEXEC,
                nix::sys::stat::Mode::empty(),
            )
            .map_err(errno_error)
            .with_context(|| format!("open {name}'s {kind} namespace ({path})"))
        };
        let namespaces = crate::netns::FsNamespaces {
            mnt: open("mnt")?,
            uts: Some(open("uts")?),
            pid: Some(open("pid")?),
            own_root: true,
        };
        self.set_fs(namespaces)?;
        let dropped: Vec<Capability> = caps::all()
            .into_iter()
            .filter(|capability| !DEFAULT_CAPABILITIES.contains(capability))
            .collect();
        if self.dropped.set(dropped).is_err() {
            anyhow::bail!("{name} already dropped its capabilities");
        }
        Ok(())
    }
}
