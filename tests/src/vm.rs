//! `cargo xtask vm` as the VM tests run it: the emulator they need, and
//! one boot that runs examples and reports.

use std::ffi::OsStr;
use std::path::Path;
use std::process::ExitStatus;

use crate::run::workspace_root;
use crate::{cargo, skip};

/// Whether QEMU is installed; if not, `test` is skipped with the package
/// that brings it (a failure in CI).
pub fn have_qemu(test: &str) -> bool {
    let found = std::process::Command::new("qemu-system-x86_64")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    found
        || skip(
            test,
            "it needs qemu-system-x86_64: `sudo apt-get install qemu-system-x86`",
        )
}

/// `cargo xtask vm --out OUT ARGS...`, from the workspace's root: how it
/// ended, and its report (what it printed, stdout then stderr).
pub fn xtask_vm<S: AsRef<OsStr>>(
    out: &Path,
    args: impl IntoIterator<Item = S>,
) -> (ExitStatus, String) {
    let run = cargo::command()
        .args(["run", "--quiet", "--package", "xtask", "--", "vm", "--out"])
        .arg(out)
        .args(args)
        .current_dir(workspace_root())
        .output()
        .expect("run cargo xtask vm");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    (run.status, report)
}
