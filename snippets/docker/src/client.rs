//! The `docker` CLI itself, for what the transcript shows after a prompt.
//!
//! The lab's commands that *change* something (`docker run`, `docker
//! network create`, `docker rm`) are sent to the Engine API by the library
//! (bollard), and what the CLI prints for them is the Engine's answer
//! itself: an id, a name. The commands that *show* something (`docker ps`,
//! `docker network ls`, `docker node ls`, `docker network inspect`) print
//! what the CLI makes of the Engine's answer: its columns, its widths, its
//! JSON. Those are run with the real CLI, the one of the Engine's own
//! version where it was fetched with it (`cargo xtask engine`), against the
//! Engine's socket, so the transcript is what you would see.

use std::process::Command;

use anyhow::{Context, Result, bail};

use super::Engine;
use netlab::narrate;

impl Engine {
    /// `docker ARGS` at the host's prompt, run by the docker CLI, and what it
    /// printed; it must succeed. Without a CLI on this machine, the
    /// transcript says so in a comment, and this returns `None`.
    pub async fn docker(&self, args: &[&str]) -> Result<Option<String>> {
        let typed = format!("docker {}", narrate::shell_words(args));
        let Some(cli) = self.cli.clone() else {
            narrate::say(&format!(
                "{}$ {typed}: no docker CLI on this machine to show what it prints \
                 (Debian: `sudo apt-get install docker.io`)",
                self.host
            ));
            return Ok(None);
        };
        narrate::command(&self.host, &typed);
        let mut command = Command::new(&cli);
        // A private Engine: its socket, and a configuration of its own (not
        // your ~/.docker/config.json, whose `psFormat` would change `docker
        // ps`). Yours: as you would type it.
        if let Some(folder) = &self.private {
            command
                .arg("--host")
                .arg(format!("unix://{}", self.socket.display()))
                .env("DOCKER_CONFIG", folder.join("cli"))
                .env_remove("DOCKER_HOST")
                .env_remove("DOCKER_CONTEXT");
        }
        command.args(args);
        let output = tokio::task::spawn_blocking(move || command.output())
            .await?
            .with_context(|| format!("run {} {}", cli.display(), args.join(" ")))?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        if !output.status.success() {
            bail!(
                "`{typed}` failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        narrate::output(stdout.trim_end());
        Ok(Some(stdout))
    }
}
