//! The container's root filesystem, made by its first process (PID 1 of
//! its own PID namespace, in its own mount and UTS namespaces) before it
//! runs anything: what `docker run` has runc do. This runs between `fork`
//! and `exec`, so it makes system calls only (every path was made before),
//! and its errors are bare errnos.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use anyhow::{Context, Result};
use netlab::container::Protections;
use nix::mount::{MntFlags, MsFlags, mount, umount2};
use nix::unistd::{chdir, pivot_root, sethostname};

/// What the first process needs, made beforehand.
pub struct Root {
    dir: CString,
    hostname: CString,
    protections: Protections,
}

impl Root {
    /// The root filesystem in `dir`, for a container named `hostname`.
    pub fn new(dir: &Path, hostname: &str) -> Result<Root> {
        Ok(Root {
            dir: CString::new(dir.as_os_str().as_encoded_bytes()).context("a path")?,
            hostname: CString::new(hostname).context("a hostname")?,
            protections: Protections::under(dir)?,
        })
    }

    // ANCHOR: enter
    /// Inside the first process: the root filesystem becomes `/`.
    pub fn enter(&self) -> nix::Result<()> {
        let none: Option<&str> = None;
        let dir = self.dir.as_c_str();
        // Our copy of the mount table first stops sharing mount events
        // with yours: systemd makes / shared, so a mount made here would
        // appear in your namespace too; and pivot_root(2) refuses (EINVAL)
        // when the new or the old root hangs on a shared mount.
        mount(none, "/", none, MsFlags::MS_REC | MsFlags::MS_PRIVATE, none)?;
        // pivot_root swaps whole mounts, so the new root must be one (else
        // EINVAL): a folder becomes a mount bind-mounted onto itself.
        mount(Some(dir), dir, none, MsFlags::MS_BIND, none)?;
        // A /proc of this PID namespace (ours is PID 1 of it: its `ps`
        // lists the container's processes only), and Docker's masks over
        // it: /proc/kcore reads as empty, /proc/sys cannot be written.
        self.protections.apply()?;
        // pivot_root(".", "."): the folder we stand in becomes `/` for
        // every process of this mount namespace (the container's alone),
        // and the old root is stacked on top of it, at the same place...
        chdir(dir)?;
        pivot_root(".", ".")?;
        // ...from where we detach it, with every mount under it
        // (MNT_DETACH: at once, even while in use). Your files are gone
        // from this namespace; in yours, nothing changed.
        umount2(".", MntFlags::MNT_DETACH)?;
        chdir("/")?;
        sethostname(std::ffi::OsStr::from_bytes(self.hostname.to_bytes()))
    }
    // ANCHOR_END: enter
}
