//! A private Engine's folder, `$TMPDIR/netlab-engine-XXXXXXXXXXXX`: its
//! data, exec root, socket and log.
//!
//! A daemon that runs as root keeps its socket and data there, so nobody
//! else may own the folder or reach into it:
//! - it is made with one `mkdir` that fails if the name exists, under a
//!   name with 12 random characters, so no one can make it first; with mode
//!   700 (the `tempfile` crate does both), so only its owner can enter it,
//!   reach the socket inside, or read the data;
//! - it is checked to be ours, a folder and not a link, before use.
//!
//! It is locked while its run lives (`flock(2)`: the kernel drops the lock
//! when the run dies, even by `kill -9`). The next run removes a folder of
//! this prefix only when it is the caller's own and its lock is free: the
//! folder of a run that was killed. Another user's folders are left alone.

use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use nix::fcntl::{Flock, FlockArg};

/// The prefix of a private Engine's folder in the temporary directory.
pub const FOLDER_PREFIX: &str = "netlab-engine-";

/// A new folder `$TMPDIR/netlab-engine-XXXXXXXXXXXX`, ours alone, locked.
pub(super) fn new_folder() -> Result<(PathBuf, Flock<File>)> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new()
        .prefix(FOLDER_PREFIX)
        .rand_bytes(12)
        // Made so (mkdir with mode 700), not changed after.
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir()
        .context("make a private Engine's folder in the temporary directory")?
        // Kept: PrivateEngine removes it when the daemon has stopped.
        .keep();
    check_ours(&dir)?;
    let lock = File::open(&dir)
        .and_then(|file| {
            Flock::lock(file, FlockArg::LockExclusiveNonblock)
                .map_err(|(_, errno)| std::io::Error::from(errno))
        })
        .with_context(|| format!("lock {}", dir.display()))?;
    Ok((dir, lock))
}

/// That `dir` is a folder (not a link to one), owned by us, that no one
/// else may enter (mode 700).
fn check_ours(dir: &Path) -> Result<()> {
    let meta = std::fs::symlink_metadata(dir).with_context(|| format!("stat {}", dir.display()))?;
    let uid = nix::unistd::Uid::effective().as_raw();
    if !meta.is_dir() || meta.uid() != uid || meta.mode() & 0o077 != 0 {
        bail!(
            "{} is not a folder of ours that only we may enter (owner {}, mode {:o})",
            dir.display(),
            meta.uid(),
            meta.mode() & 0o7777
        );
    }
    Ok(())
}

/// Removes the folders of private Engines whose run has ended: ours (our
/// uid owns them) and unlocked. Returns their paths. Their daemons died
/// with those runs.
pub fn remove_stale_folders() -> Vec<String> {
    remove_stale_folders_in(&std::env::temp_dir())
}

/// [`remove_stale_folders`] in `tmp`.
pub fn remove_stale_folders_in(tmp: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return Vec::new();
    };
    let uid = nix::unistd::Uid::effective().as_raw();
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        if !entry
            .file_name()
            .to_string_lossy()
            .starts_with(FOLDER_PREFIX)
        {
            continue;
        }
        let dir = entry.path();
        let ours = std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir() && m.uid() == uid);
        // The lock is free once its run has ended, however it ended.
        let free = ours
            && File::open(&dir)
                .is_ok_and(|file| Flock::lock(file, FlockArg::LockExclusiveNonblock).is_ok());
        if free && std::fs::remove_dir_all(&dir).is_ok() {
            removed.push(dir.display().to_string());
        }
    }
    removed
}
