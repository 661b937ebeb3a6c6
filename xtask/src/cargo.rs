//! `cargo`, run from inside a program cargo started: `cargo xtask`, or a
//! test that builds the examples.
//!
//! One file, two users: xtask declares it as its module `cargo`, and the
//! test harness (`tests/src/lib.rs`) includes this very file with
//! `#[path]`. The tests cannot depend on xtask, a binary, and a crate of
//! its own would be more to read than the function it holds. So it uses
//! the standard library only.

use std::process::Command;

/// A `cargo` command without what cargo set for the program that runs it:
/// its `CARGO_*` variables (`CARGO_PKG_NAME`, `CARGO_MANIFEST_DIR`, ...)
/// and `LD_LIBRARY_PATH`. Build scripts (ring's, through the cc crate) read
/// such variables, so a build with them would rebuild those crates, and the
/// next build from a plain shell (or `cargo test`'s own) would rebuild them
/// again. `CARGO_HOME` and `CARGO_TARGET_DIR` stay: they say where to build.
pub fn command() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let keep = ["CARGO_HOME", "CARGO_TARGET_DIR"].contains(&name.as_ref());
        if (name.starts_with("CARGO_") && !keep) || name == "LD_LIBRARY_PATH" {
            command.env_remove(name.as_ref());
        }
    }
    command
}
