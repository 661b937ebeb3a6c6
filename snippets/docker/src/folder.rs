//! A private Engine's folder, `$TMPDIR/netlab-engine-PID-N`: its data,
//! exec root, socket and log. Locked while its run lives (`flock(2)`: the
//! kernel drops the lock when the run dies, even by `kill -9`); the next
//! run removes a folder whose lock is free and whose run has ended.

use std::fs::File;
use std::path::PathBuf;

use anyhow::{Context, Result};
use nix::fcntl::{Flock, FlockArg};

/// The prefix of a private Engine's folder in the temporary directory.
const FOLDER_PREFIX: &str = "netlab-engine-";

/// A new folder `$TMPDIR/netlab-engine-PID-N`, locked.
pub(super) fn new_folder() -> Result<(PathBuf, Flock<File>)> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "{FOLDER_PREFIX}{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let dir = std::env::temp_dir().join(name);
    // The folder of a run killed long ago whose PID we now have: start over.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("create {}", dir.display()))?;
    let lock = File::open(&dir)
        .and_then(|file| {
            Flock::lock(file, FlockArg::LockExclusiveNonblock)
                .map_err(|(_, errno)| std::io::Error::from(errno))
        })
        .with_context(|| format!("lock {}", dir.display()))?;
    Ok((dir, lock))
}

/// Removes the folders of private Engines whose run has ended (its PID is
/// gone and the folder's lock is free); returns their paths. Their daemons
/// died with those runs.
pub fn remove_stale_folders() -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(FOLDER_PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<i32>().ok())
        else {
            continue;
        };
        // A live PID is a run still going (or, rarely, a new process that
        // got an old run's PID: its folder waits until that one ends). A
        // zombie, killed but not yet reaped by its parent, is not.
        if alive(pid) {
            continue;
        }
        let dir = entry.path();
        let free = File::open(&dir)
            .is_ok_and(|file| Flock::lock(file, FlockArg::LockExclusiveNonblock).is_ok());
        if free && std::fs::remove_dir_all(&dir).is_ok() {
            removed.push(dir.display().to_string());
        }
    }
    removed
}

/// Whether the process `pid` exists and is not a zombie (state `Z` in
/// `/proc/PID/stat`, after the command name in parentheses).
fn alive(pid: i32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let state = stat.rsplit_once(')').map(|(_, rest)| rest.trim_start());
    !state.is_some_and(|rest| rest.starts_with('Z'))
}
