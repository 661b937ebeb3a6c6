//! Errors a student can act on.
//!
//! Every system call gets a verb-phrase context where it is made ("add the
//! bridge docker0"). Here we add the part a raw errno does not say: which
//! kernel rule was hit, and what to do about it.

use nix::errno::Errno;

/// The exit code when this system lets no ordinary user create a user
/// namespace, so a rootless run is impossible (77 is `EX_NOPERM` in
/// sysexits.h). Documented in the README.
pub const EXIT_NO_USERNS: u8 = 77;

/// The exit code for a wrong command line (`EX_USAGE`).
pub const EXIT_USAGE: u8 = 64;

/// An errno, with a hint for the ones a student is likely to meet.
pub fn hint_errno(errno: Errno) -> anyhow::Error {
    match hint(errno as i32) {
        Some(hint) => anyhow::anyhow!("{} ({hint})", errno.desc()),
        None => anyhow::anyhow!("{}", errno.desc()),
    }
}

/// A netlink error, turned into its errno and hint where it has one.
pub fn hint_netlink(error: rtnetlink::Error) -> anyhow::Error {
    match &error {
        // The kernel answers a failed request with a negative errno.
        rtnetlink::Error::NetlinkError(message) => match message.code {
            Some(code) => hint_errno(Errno::from_raw(-code.get())),
            None => anyhow::Error::new(error),
        },
        _ => anyhow::Error::new(error),
    }
}

fn hint(errno: i32) -> Option<&'static str> {
    match Errno::from_raw(errno) {
        Errno::EPERM => Some(
            "this needs CAP_NET_ADMIN over the namespace, and creating namespaces needs \
             CAP_SYS_ADMIN: run as an ordinary user where user namespaces are allowed, \
             or as root, e.g. `sudo -E cargo run --example NAME`",
        ),
        Errno::EEXIST => Some(
            "that name or address is already taken in this namespace. Every run starts \
             from new, empty namespaces, so nothing can be left over from an earlier run: \
             the example itself made it twice",
        ),
        Errno::EOPNOTSUPP => Some(
            "this kernel lacks the feature (check `zcat /proc/config.gz` or \
             `modprobe` the driver)",
        ),
        Errno::ENETUNREACH => Some("no route to that network in this namespace"),
        _ => None,
    }
}
