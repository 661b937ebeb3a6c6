//! Which Docker Engines a test can use: yours (the system's), if one
//! answers, and the releases the book is recorded against, if fetched.

use std::process::Command;

/// Tests that need the system's Docker Engine call this after `have_root`.
/// Outside CI, without one, they return early with the reason; in CI
/// (`CI=true`) a missing Engine is a failure: CI starts one (`.ci/run`).
pub fn have_docker(test: &str) -> bool {
    let path = netlab_docker::reach::socket_path();
    let answer = Command::new("docker")
        .args(["version", "-f", "{{.Server.Version}}"])
        .output();
    let reason = match answer {
        Ok(output) if output.status.success() => return true,
        Ok(output) => String::from_utf8_lossy(&output.stderr).trim().to_string(),
        Err(error) => format!("cannot run the docker CLI: {error}"),
    };
    crate::skip(
        test,
        &format!("no Docker Engine answers at unix://{path}: {reason}"),
    )
}

/// A Docker Engine the book is recorded against, as `cargo xtask engine
/// VERSION` unpacks it into `target/engines/VERSION/root`.
#[derive(Debug, Clone)]
pub struct Release {
    /// `28.5` or `20.10`: the recordings are `output-engine-VERSION.txt`.
    pub version: &'static str,
    /// The folder to pass as `--engine private=DIR`.
    pub dir: String,
}

/// Today's Engine first, then 20.10: the versions the book shows.
pub const VERSIONS: [&str; 2] = ["28.5", "20.10"];

/// The Engine `version`, fetched; or `None` after saying why the test does
/// not run (a failure in CI, which fetches them: `cargo xtask test`).
pub fn release(test: &str, version: &'static str) -> Option<Release> {
    let dir = crate::run::workspace_root()
        .join("target/engines")
        .join(version)
        .join("root");
    if dir.join("usr/sbin/dockerd").is_file() {
        return Some(Release {
            version,
            dir: dir.display().to_string(),
        });
    }
    crate::skip(
        test,
        &format!(
            "Docker Engine {version} is not fetched: run `cargo xtask engine {version}` \
             (or `sudo -E cargo xtask test`, which does)"
        ),
    );
    None
}
