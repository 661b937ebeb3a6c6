//! `cargo xtask rootfs`: the two small distributions of the recap chapter,
//! each a root filesystem in `target/rootfs/SUITE/`.
//!
//! A distribution's userland is files: we take two real Debian packages
//! from each of two releases, `base-files` (its `/etc/os-release`, which
//! says which distribution this is) and `busybox-static` (one static
//! program that is the shell, `cat`, `uname`, `date` and the rest),
//! fetched with `apt-get download` through a private apt configuration
//! ([`crate::apt`]) and unpacked with `dpkg-deb -x`: never installed, and
//! no package script runs. Then, as `busybox --install -s` would, a
//! symlink per command (`bin/cat -> /bin/busybox`), and an empty `proc`
//! for the example to mount `/proc` on.
//!
//! `cargo run --example recap` runs one container on each.

use anyhow::{Context, Result, bail};
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::apt::{PrivateApt, unpack_all};
use crate::process::run;

/// Where they go, under the workspace (the example looks there, unless
/// `NETLAB_ROOTFS` names another folder, as inside the VM).
pub const CACHE: &str = "target/rootfs";

/// The releases, the Debian suites that name them: Debian 12 and 13.
pub const SUITES: [&str; 2] = ["bookworm", "trixie"];

/// What each root filesystem is made of.
const PACKAGES: [&str; 2] = ["base-files", "busybox-static"];

/// The folder of every distribution under `cache` (`target/rootfs`):
/// fetched now, or found there.
pub fn obtain(cache: &Path) -> Result<Vec<PathBuf>> {
    SUITES
        .iter()
        .map(|suite| obtain_one(cache, suite))
        .collect()
}

fn obtain_one(cache: &Path, suite: &str) -> Result<PathBuf> {
    let root = cache.join(suite);
    if is_complete(&root) {
        return Ok(root);
    }
    let work = cache.join(".fetch").join(suite);
    fs::create_dir_all(&work).with_context(|| format!("create {}", work.display()))?;
    eprintln!(
        "rootfs: fetching Debian {suite}'s {} (about 1 MB, once) into {}",
        PACKAGES.join(" and "),
        root.display()
    );
    let apt = PrivateApt::new(&work, suite)?;
    apt.update()?;
    let debs = work.join("debs");
    let _ = fs::remove_dir_all(&debs);
    fs::create_dir_all(&debs)?;
    for package in PACKAGES {
        apt.download(&debs, package)?;
    }
    // Unpack into a temporary folder, then rename: an interrupted unpack
    // must not look like a finished root filesystem.
    let partial = cache.join(format!(".{suite}.partial-{}", std::process::id()));
    unpack_all(&debs, &partial)?;
    finish(&partial).with_context(|| format!("finish the root filesystem of {suite}"))?;
    let _ = fs::remove_dir_all(&root);
    fs::rename(&partial, &root).with_context(|| format!("rename to {}", root.display()))?;
    fs::remove_dir_all(&debs)?;
    if !is_complete(&root) {
        bail!("Debian {suite}'s packages gave no bin/busybox and etc/os-release");
    }
    Ok(root)
}

fn is_complete(root: &Path) -> bool {
    ["bin/busybox", "bin/sh", "etc/os-release", "proc"]
        .iter()
        .all(|path| root.join(path).exists())
}

/// The unpacked packages made into a root a program can run in.
fn finish(root: &Path) -> Result<()> {
    // Debian 13's packages put their programs in usr/bin only (a merged
    // /usr, where /bin is a symlink to usr/bin); Debian 12's busybox-static
    // still in bin. Make the links a merged system has, where missing.
    for (link, target) in [("bin", "usr/bin"), ("sbin", "usr/sbin"), ("lib", "usr/lib")] {
        if fs::symlink_metadata(root.join(link)).is_err() {
            fs::create_dir_all(root.join(target))?;
            symlink(target, root.join(link))?;
        }
    }
    let busybox = root.join("bin/busybox");
    // `busybox --list-full` names each command with its folder: bin/cat,
    // sbin/ifconfig, usr/bin/wc. It is a static program: it runs here too.
    let list = run(Command::new(&busybox).arg("--list-full"))
        .with_context(|| format!("list the commands of {}", busybox.display()))?;
    for command in list.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let path = root.join(command);
        if fs::symlink_metadata(&path).is_ok() {
            continue;
        }
        if let Some(folder) = path.parent() {
            fs::create_dir_all(folder)?;
        }
        symlink("/bin/busybox", &path)
            .with_context(|| format!("link {} to busybox", path.display()))?;
    }
    // Where the example mounts /proc: the programs inside read their own
    // namespaces there (readlink /proc/self/ns/net).
    fs::create_dir_all(root.join("proc"))?;
    Ok(())
}
