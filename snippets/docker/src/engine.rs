//! [`Engine`]: one Docker Engine of a run, the API client and the host
//! it builds on, and what every verb shares: the version, the label, the
//! run's claims and flags. The verbs are in files named after the `docker`
//! commands they stand for (`container.rs`: `docker run`, `rm`, `kill`,
//! `ps`; `network.rs`; `swarm.rs`; `info.rs`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use bollard::Docker;

use super::{LABEL, Session};
use netlab::{Netns, narrate};

/// A connection to the Docker Engine, and the host's own namespace.
pub struct Engine {
    /// The Engine API client (bollard).
    pub api: Docker,
    /// The machine's network namespace, where dockerd builds docker0 and
    /// the veths: the prompt `host$`.
    pub host: Netns,
    /// The run's command line and claims, shared by all its Engines.
    pub session: Arc<Session>,
    /// The `docker` CLI that prints what the transcript shows after a
    /// `host$ docker ...` prompt: the one of the Engine's own version when
    /// it was fetched with it (`cargo xtask engine`), else the PATH's.
    pub cli: Option<PathBuf>,
    /// Where dockerd keeps the namespaces it makes (`EXEC_ROOT/netns`), as
    /// seen from here: `/run/docker/netns` for your Engine; for a private
    /// daemon, its exec root seen through `/proc/PID/root`, since those
    /// files are mounts in its own mount namespace.
    pub netns_dir: String,
    /// The Engine's socket.
    pub socket: PathBuf,
    /// A private Engine's folder (see `private`); `None` for yours.
    pub private: Option<PathBuf>,
    /// The Engine's version, once [`Engine::show_version`] asked it.
    pub(crate) version: std::sync::OnceLock<String>,
    /// True once this run has initialized a swarm (only then does it leave it).
    pub(crate) swarm_ours: Mutex<bool>,
    /// True once a swarm of ours has made docker_gwbridge (removed with it).
    pub(crate) gwbridge_ours: Mutex<bool>,
}
/// `--filter label=io.netlab`: this lab's objects, for a list request.
pub(crate) fn our_label() -> HashMap<String, Vec<String>> {
    HashMap::from([("label".to_string(), vec![LABEL.to_string()])])
}

/// `{"io.netlab": "1"}`.
pub fn labels() -> HashMap<String, String> {
    HashMap::from([(LABEL.to_string(), "1".to_string())])
}

impl Engine {
    /// Your Engine at the end of `api`, whose host is `host`; set
    /// [`Engine::session`] for a run's flags and claims.
    pub fn new(api: Docker, host: Netns) -> Engine {
        Engine {
            api,
            host,
            session: Arc::new(Session::plain()),
            cli: super::private::which("docker", &std::env::var("PATH").unwrap_or_default()),
            netns_dir: "/run/docker/netns".to_string(),
            socket: super::reach::socket_path().into(),
            private: None,
            version: std::sync::OnceLock::new(),
            swarm_ours: Mutex::new(false),
            gwbridge_ours: Mutex::new(false),
        }
    }

    /// The private daemon `daemon` at the end of `api`: its host is its
    /// network namespace, `host`.
    pub fn private(api: Docker, host: Netns, daemon: &super::PrivateEngine) -> Engine {
        Engine {
            netns_dir: daemon.netns_dir(),
            socket: daemon.socket(),
            private: Some(daemon.dir.clone()),
            cli: daemon.cli(),
            ..Engine::new(api, host)
        }
    }

    /// `docker version --format '{{.Server.Version}}'`: which Engine this
    /// transcript is of. Engines differ (see the chapters): 20.10 and 28
    /// print different rules and MACs for the same commands.
    pub async fn show_version(&self) -> Result<String> {
        let version = self
            .api
            .version()
            .await
            .context("ask the Engine for its version")?;
        self.docker(&["version", "--format", "{{.Server.Version}}"])
            .await?;
        let version = version.version.unwrap_or_default();
        let _ = self.version.set(version.clone());
        Ok(version)
    }

    /// A comment in the transcript.
    pub fn say(&self, text: &str) {
        narrate::say(text);
    }

    /// One claim of the chapter about what the Engine did, and whether it
    /// holds on this run: with `--check` a `PASS` or `FAIL` line, else a
    /// false claim stops the example (see `lab::check`).
    pub fn claim(&self, claim: &str, holds: bool) -> Result<()> {
        self.session.claims.record(claim, holds)
    }

    /// The value of one of the example's own flags as a `T`, or `None`
    /// when it was left out: `engine.flag::<String>("--parent")`.
    pub fn flag<T: std::str::FromStr<Err: std::fmt::Display>>(
        &self,
        name: &str,
    ) -> Result<Option<T>> {
        self.session.flags.value(name)
    }
}

/// The HTTP status of an Engine's error answer.
pub(crate) fn status(error: &bollard::errors::Error) -> Option<u16> {
    match error {
        bollard::errors::Error::DockerResponseServerError { status_code, .. } => Some(*status_code),
        _ => None,
    }
}
