//! The user namespace of a rootless run: `unshare -Ur`.

use nix::errno::Errno;
use nix::sched::{CloneFlags, unshare};
use nix::unistd::{getgid, getuid};

use crate::error::EXIT_NO_USERNS;

/// Like `unshare -Ur`: a new user namespace in which we are root (uid 0 maps
/// to our own uid). Root there may create network namespaces, which that user
/// namespace then owns, and configure them, but nothing outside it.
///
/// The kernel refuses CLONE_NEWUSER to a multi-threaded process, so this
/// runs first, before the async runtime starts any thread.
pub(super) fn enter_user_namespace() -> Result<(), Errno> {
    let (uid, gid) = (getuid(), getgid());
    unshare(CloneFlags::CLONE_NEWUSER)?;
    let write = |path: &str, text: String| std::fs::write(path, text).map_err(|_| Errno::EPERM);
    // An unprivileged process may map only its own ids, and must give up
    // setgroups(2) before it may write a gid map.
    write("/proc/self/setgroups", "deny".to_string())?;
    write("/proc/self/uid_map", format!("0 {uid} 1"))?;
    write("/proc/self/gid_map", format!("0 {gid} 1"))
}

pub(super) fn no_userns_message(name: &str, errno: Errno) -> String {
    format!(
        "error: this system does not let an ordinary user create a user namespace\n  \
         (unshare(CLONE_NEWUSER) failed: {}).\n  \
         The lab lives in network namespaces of its own. Creating them needs CAP_SYS_ADMIN and\n  \
         configuring them CAP_NET_ADMIN; an ordinary user has both only inside a user namespace.\n  \
         Run it as root instead:  sudo -E cargo run --example {name}\n  \
         (or allow unprivileged user namespaces; see the README, exit code {EXIT_NO_USERNS})",
        errno.desc()
    )
}
