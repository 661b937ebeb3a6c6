//! Running another program (apt-get, dpkg-deb, busybox) and reading what
//! it printed.

use anyhow::{Context, Result, bail};
use std::process::Command;

/// Runs a command and returns its stdout; the error carries its stderr.
pub fn run(command: &mut Command) -> Result<String> {
    let shown = format!("{command:?}");
    let output = command
        .output()
        .with_context(|| format!("run {shown} (is it installed?)"))?;
    if !output.status.success() {
        bail!(
            "{shown} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
