//! Reaching the Docker Engine, or saying in one line why we could not.
//!
//! The `docker` CLI and bollard both talk HTTP over the Unix socket
//! `/var/run/docker.sock` (or the one `DOCKER_HOST=unix://...` names). We
//! first connect to that socket ourselves, so that the three usual failures
//! get their own advice: no socket (Docker not installed or not started),
//! nobody listening (the daemon is down), permission denied (the socket is
//! `root:docker`, mode 660).

use std::io::ErrorKind;
use std::os::unix::net::UnixStream;

use bollard::Docker;

/// The exit code of a Docker example when no Docker Engine answers (69 is
/// `EX_UNAVAILABLE` in sysexits.h). Documented in the README.
pub const EXIT_NO_DOCKER: u8 = netlab::error::EXIT_UNAVAILABLE;

/// The socket bollard will use: `DOCKER_HOST` when it is a `unix://` path.
pub fn socket_path() -> String {
    match std::env::var("DOCKER_HOST") {
        Ok(host) if host.starts_with("unix://") => host["unix://".len()..].to_string(),
        _ => "/var/run/docker.sock".to_string(),
    }
}

/// A client whose `ping` was answered, or the one line to print.
pub async fn connect() -> Result<Docker, String> {
    let path = socket_path();
    let tried = format!("cannot reach the Docker Engine at unix://{path}");
    let start = "start it: `sudo systemctl start docker` (or `sudo dockerd &`)";
    if let Ok(host) = std::env::var("DOCKER_HOST")
        && !host.starts_with("unix://")
    {
        return Err(format!(
            "DOCKER_HOST={host}: these examples read the kernel of the Docker host, so they \
             need a local Engine: unset DOCKER_HOST or point it at unix:///var/run/docker.sock \
             (exit code {EXIT_NO_DOCKER})"
        ));
    }
    if let Err(error) = UnixStream::connect(&path) {
        let fix = match error.kind() {
            ErrorKind::NotFound => format!(
                "there is no such socket: is Docker installed (Debian: `sudo apt-get install \
                 docker.io`)? Then {start}"
            ),
            ErrorKind::ConnectionRefused => format!("nothing listens on it: {start}"),
            ErrorKind::PermissionDenied => "permission denied: the socket belongs to root and \
                 the group `docker`; run as root (`sudo -E cargo run --example ...`) or add \
                 yourself to that group (`sudo usermod -aG docker $USER`, then log in again)"
                .to_string(),
            _ => format!("{error}"),
        };
        return Err(format!("{tried}: {fix} (exit code {EXIT_NO_DOCKER})"));
    }
    let docker = Docker::connect_with_unix(&path, 120, bollard::API_DEFAULT_VERSION)
        .map_err(|error| format!("{tried}: {error} (exit code {EXIT_NO_DOCKER})"))?;
    match docker.ping().await {
        Ok(_) => Ok(docker),
        Err(error) => Err(format!(
            "{tried}: it did not answer a ping: {error}; {start} (exit code {EXIT_NO_DOCKER})"
        )),
    }
}
