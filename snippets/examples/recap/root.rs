//! `docker run`'s container, made by its first process (PID 1 of its own
//! PID namespace, in its own mount and UTS namespaces) before it runs
//! anything: its root filesystem and hostname, what `docker run` has runc
//! do. That process runs between `fork` and `exec`, so it makes system
//! calls only (every path was made before), its errors are bare errnos, and
//! it may print nothing. So the steps are one list, each with the shell
//! commands it stands for: `docker_run` prints them before the fork, and
//! the first process performs them, in the same order.

use std::ffi::{CString, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use anyhow::{Context, Result};
use netlab::container::{DEFAULT_CAPABILITIES, Protections};
use netlab::{Netns, narrate};
use nix::mount::{MntFlags, MsFlags, mount, umount2};
use nix::unistd::{chdir, pivot_root, sethostname};

// ANCHOR: docker_run
/// `docker run --name NAME --hostname NAME IMAGE`, the half this chapter
/// is about: the container's first process, with its own PID, mount and
/// UTS namespaces, its root filesystem and hostname (`Root::enter`, below)
/// and capabilities. (`lab.container` made its network namespace.)
pub fn docker_run(container: &Netns, rootfs: &Path) -> Result<()> {
    let root = Root::new(rootfs, &container.name)?;
    // The first process may print nothing: its steps are narrated here,
    // before the fork, from the very list it performs. The first line is
    // start_init's own part: a PID namespace, and the fork into it.
    narrate::command(container, "unshare --pid --fork --mount --uts");
    for step in &root.steps {
        for command in &step.shell {
            narrate::command(container, command);
        }
    }
    container.start_init(move || root.enter())?;
    // Docker's default capability set leaves out those that act on the
    // whole kernel, such as loading a module or setting the clock.
    narrate::say(&format!(
        "{} keeps Docker's {} default capabilities (CapBnd 00000000a80425fb) and drops the rest",
        container.name,
        DEFAULT_CAPABILITIES.len()
    ));
    Ok(())
}
// ANCHOR_END: docker_run

/// What the first process does, step by step, made beforehand.
struct Root {
    steps: Vec<Step>,
}

/// One step: the shell commands it stands for, as the transcript shows
/// them, and what the first process does for them.
struct Step {
    shell: Vec<String>,
    action: Action,
}

/// A step's system calls, with every path they need.
enum Action {
    MakeRprivate,
    BindOntoItself(CString),
    Protections(Protections),
    Chdir(CString),
    PivotRoot,
    DetachOldRoot,
    Hostname(CString),
}

impl Step {
    fn new(shell: &[impl AsRef<str>], action: Action) -> Step {
        let shell = shell.iter().map(|line| line.as_ref().to_string()).collect();
        Step { shell, action }
    }
}

impl Root {
    /// The steps for a container named `hostname` whose root filesystem is
    /// the folder `rootfs`, shown as `cargo xtask rootfs` names it.
    fn new(rootfs: &Path, hostname: &str) -> Result<Root> {
        let suite = rootfs.file_name().unwrap_or_default().to_string_lossy();
        let shown = format!("target/rootfs/{suite}");
        let dir = CString::new(rootfs.as_os_str().as_encoded_bytes()).context("a path")?;
        let name = CString::new(hostname).context("a hostname")?;
        let protections = [
            format!("mount -t tmpfs tmpfs {shown}/dev    # with null, zero, urandom, ... bound in"),
            format!("mount -t proc proc {shown}/proc"),
            format!("mount --bind /dev/null {shown}/proc/kcore    # and Docker's other masks"),
            format!("mount -o remount,bind,ro {shown}/proc/sys    # and its other read-only paths"),
        ];
        let steps = vec![
            Step::new(&["mount --make-rprivate /"], Action::MakeRprivate),
            Step::new(
                &[format!("mount --bind {shown} {shown}")],
                Action::BindOntoItself(dir.clone()),
            ),
            Step::new(
                &protections,
                Action::Protections(Protections::under(rootfs)?),
            ),
            Step::new(&[format!("cd {shown}")], Action::Chdir(dir)),
            Step::new(&["pivot_root . ."], Action::PivotRoot),
            Step::new(&["umount --lazy ."], Action::DetachOldRoot),
            Step::new(&[format!("hostname {hostname}")], Action::Hostname(name)),
        ];
        Ok(Root { steps })
    }

    // ANCHOR: enter
    /// Inside the first process: each step, in the order the transcript
    /// showed them. The root filesystem becomes `/`.
    fn enter(&self) -> nix::Result<()> {
        let none: Option<&str> = None;
        for step in &self.steps {
            match &step.action {
                // Our copy of the mount table first stops sharing mount
                // events with yours: systemd makes / shared, so a mount made
                // here would appear in your namespace too; and pivot_root(2)
                // refuses (EINVAL) when the new or the old root hangs on a
                // shared mount.
                Action::MakeRprivate => {
                    mount(none, "/", none, MsFlags::MS_REC | MsFlags::MS_PRIVATE, none)?
                }
                // pivot_root swaps whole mounts, so the new root must be one
                // (else EINVAL): a folder becomes a mount bind-mounted onto
                // itself.
                Action::BindOntoItself(dir) => {
                    let dir = dir.as_c_str();
                    mount(Some(dir), dir, none, MsFlags::MS_BIND, none)?
                }
                // A /dev of its own, a /proc of this PID namespace (ours is
                // PID 1 of it: its `ps` lists the container's processes
                // only), and Docker's masks over it: /proc/kcore reads as
                // empty, /proc/sys cannot be written.
                Action::Protections(protections) => protections.apply()?,
                // pivot_root(".", "."): the folder we stand in becomes `/`
                // for every process of this mount namespace (the
                // container's alone), and the old root is stacked on top of
                // it, at the same place...
                Action::Chdir(dir) => chdir(dir.as_c_str())?,
                Action::PivotRoot => pivot_root(".", ".")?,
                // ...from where we detach it, with every mount under it
                // (MNT_DETACH: at once, even while in use). Your files are
                // gone from this namespace; in yours, nothing changed.
                Action::DetachOldRoot => {
                    umount2(".", MntFlags::MNT_DETACH)?;
                    chdir("/")?
                }
                Action::Hostname(name) => sethostname(OsStr::from_bytes(name.to_bytes()))?,
            }
        }
        Ok(())
    }
    // ANCHOR_END: enter
}
