//! The recap chapter's two small distributions: root filesystems that
//! `cargo xtask rootfs` unpacks from Debian 12 and 13's packages
//! (`base-files` and `busybox-static`) into `target/rootfs/SUITE/`.
//!
//! Docker gets a container's root filesystem from an image: layers
//! unpacked on the host and stacked with overlayfs. Ours is one plain
//! folder per distribution, the same files without the layers.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::error::unavailable;
use crate::narrate;

/// The folder `cargo xtask rootfs` fills: `NETLAB_ROOTFS` when it is set
/// (inside `cargo xtask vm`'s guest, `/target/rootfs`), else `target/rootfs`
/// of the workspace this example was built in.
pub fn cache() -> PathBuf {
    match std::env::var_os("NETLAB_ROOTFS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/rootfs")),
    }
}

/// The root filesystem of Debian's `suite` (`bookworm`), or, when it was
/// never fetched, an error that says how (exit code 69).
pub fn find(suite: &str) -> Result<PathBuf> {
    let root = cache().join(suite);
    if root.join("bin/busybox").is_file() && root.join("etc/os-release").is_file() {
        // Absolute, without `..`: the path the kernel reports in mountinfo.
        return Ok(root.canonicalize()?);
    }
    Err(unavailable(format!(
        "no root filesystem of Debian {suite} in {}: fetch them once with `cargo xtask rootfs` \
         (about 2 MB from a Debian mirror, with apt-get download)",
        root.display()
    )))
}

/// `$ uname -r`, typed on your machine: the release of the running kernel.
pub fn uname_r() -> Result<String> {
    narrate::command("", "uname -r");
    let uname = nix::sys::utsname::uname().context("ask the kernel its release")?;
    let release = uname.release().to_string_lossy().into_owned();
    narrate::output(&release);
    Ok(release)
}

/// `$ grep -c target/rootfs /proc/self/mountinfo`, on your machine: how
/// many mounts of your mount namespace involve the root filesystems (the
/// program's first thread never leaves that namespace).
pub fn grep_mountinfo() -> Result<usize> {
    narrate::command("", "grep -c target/rootfs /proc/self/mountinfo");
    let cache = cache().canonicalize()?.to_string_lossy().into_owned();
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").context("read mountinfo")?;
    let count = mountinfo
        .lines()
        .filter(|line| line.contains(&cache))
        .count();
    narrate::output(&count.to_string());
    Ok(count)
}
