//! Errors a student can act on.
//!
//! Every system call gets a verb-phrase context where it is made ("add the
//! bridge docker0"). Here we add the part a raw errno does not say: which
//! kernel rule was hit, and what to do about it.

use std::fmt;

use nix::errno::Errno;

/// The exit code when this system lets no ordinary user create a user
/// namespace, so a rootless run is impossible (77 is `EX_NOPERM` in
/// sysexits.h). Documented in the README.
pub const EXIT_NO_USERNS: u8 = 77;

/// The exit code for a wrong command line (`EX_USAGE`).
pub const EXIT_USAGE: u8 = 64;

/// The exit code when something the example needs from outside is missing
/// (69 is `EX_UNAVAILABLE` in sysexits.h): a Docker Engine that answers,
/// or the recap chapter's root filesystems. Documented in the README.
pub const EXIT_UNAVAILABLE: u8 = 69;

/// An errno from a system call or netlink request.
#[derive(Debug)]
pub struct SysError(pub Errno);

impl fmt::Display for SysError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.desc())
    }
}

impl std::error::Error for SysError {}

impl SysError {
    /// What to do about it, for the errnos a student is likely to meet.
    /// `example` is the example's name, for the command to run instead.
    pub fn hint(&self, example: &str) -> Option<String> {
        match self.0 {
            Errno::EPERM | Errno::EACCES => Some(format!(
                "this needs CAP_NET_ADMIN over the namespace (and CAP_SYS_ADMIN to create one). \
                 Run it as an ordinary user where user namespaces are allowed, or as root: \
                 sudo -E cargo run --example {example}"
            )),
            Errno::EEXIST => Some(
                "that name or address is already taken in this namespace. Every run starts \
                 from new, empty namespaces, so nothing is left over from an earlier run: \
                 the example itself made it twice"
                    .to_string(),
            ),
            Errno::EOPNOTSUPP => Some(
                "this kernel lacks the feature: its driver is neither built in nor loaded"
                    .to_string(),
            ),
            _ => None,
        }
    }
}

/// A wrong value on the command line, found by the example itself (a
/// flag's value that is not an IPv4 address, say): the run exits with
/// [`EXIT_USAGE`], as for an unknown flag.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// `Err(usage(...))`: see [`UsageError`].
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(message.into()))
}

/// Something the example needs and this machine lacks, found before
/// anything was built: the run prints this one line, which says what to
/// do, and exits with [`EXIT_UNAVAILABLE`].
#[derive(Debug)]
pub struct Unavailable(pub String);

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unavailable {}

/// `Err(unavailable(...))`: see [`Unavailable`].
pub fn unavailable(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Unavailable(message.into()))
}

/// An errno as an error that keeps it, so `run` can find its hint later.
pub fn errno_error(errno: Errno) -> anyhow::Error {
    anyhow::Error::new(SysError(errno))
}

/// A netlink error, turned into its errno where it has one.
pub fn netlink_error(error: rtnetlink::Error) -> anyhow::Error {
    match &error {
        // The kernel answers a failed request with a negative errno.
        rtnetlink::Error::NetlinkError(message) => match message.code {
            Some(code) => errno_error(Errno::from_raw(-code.get())),
            None => anyhow::Error::new(error),
        },
        _ => anyhow::Error::new(error),
    }
}

/// Prints an error, its causes and, for a known errno, the hint; the exit
/// code of a failed step (1). `example` names the command to run instead.
pub fn report(example: &str, error: &anyhow::Error) -> std::process::ExitCode {
    if let Some(wrong) = error.downcast_ref::<UsageError>() {
        eprintln!(
            "error: {wrong} (a wrong command line: exit code {EXIT_USAGE}; {example} printed nothing else)"
        );
        return std::process::ExitCode::from(EXIT_USAGE);
    }
    if let Some(missing) = error.downcast_ref::<Unavailable>() {
        eprintln!("error: {missing} (exit code {EXIT_UNAVAILABLE})");
        return std::process::ExitCode::from(EXIT_UNAVAILABLE);
    }
    eprintln!("error: {error}");
    for cause in error.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
    let errno = error
        .chain()
        .find_map(|cause| cause.downcast_ref::<SysError>());
    if let Some(hint) = errno.and_then(|errno| errno.hint(example)) {
        eprintln!("  hint: {hint}");
    }
    std::process::ExitCode::FAILURE
}
