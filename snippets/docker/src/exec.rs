//! `docker exec`: a command run inside a container, shown as typed at its
//! prompt (`red$ ping -c 1 blue`), with what it printed.

use anyhow::{Context, Result, bail};
use bollard::exec::StartExecResults;
use bollard::models::ExecConfig;
use futures::StreamExt;

use super::{Container, Engine};
use netlab::narrate;

impl Engine {
    /// `docker exec CONTAINER ARGV...`, shown as `red$ ARGV...`: runs a
    /// command inside the container, prints what it printed, and fails if
    /// it exited with a non-zero status.
    pub async fn exec(&self, container: &Container, argv: &[&str]) -> Result<String> {
        let (status, output) = self.exec_status(container, argv).await?;
        if status != 0 {
            bail!(
                "`{}` in {} exited with status {status}: {output}",
                argv.join(" "),
                container.docker_name
            );
        }
        Ok(output)
    }

    /// Like [`Engine::exec`], but returns the exit status instead of failing.
    pub async fn exec_status(&self, container: &Container, argv: &[&str]) -> Result<(i64, String)> {
        narrate::prompt(&container.name, &narrate::shell_words(argv));
        let (status, text) = self.exec_quiet(container, argv).await?;
        narrate::output(text.trim_end());
        Ok((status, text))
    }

    /// Waits, up to `seconds`, until `argv` succeeds in the container,
    /// without a line in the transcript: for what the Engine finishes a
    /// moment after it answered (a name the swarm's gossip still spreads).
    pub async fn wait_until(
        &self,
        container: &Container,
        argv: &[&str],
        seconds: u64,
    ) -> Result<()> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        loop {
            let (status, text) = self.exec_quiet(container, argv).await?;
            if status == 0 {
                return Ok(());
            }
            if std::time::Instant::now() > deadline {
                bail!(
                    "`{}` in {} did not succeed within {seconds} s: {}",
                    argv.join(" "),
                    container.docker_name,
                    text.trim()
                );
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }

    /// `docker exec CONTAINER ARGV...`, not in the transcript: what it
    /// printed, for a claim to read. It must succeed.
    pub async fn read(&self, container: &Container, argv: &[&str]) -> Result<String> {
        let (status, text) = self.exec_quiet(container, argv).await?;
        if status != 0 {
            bail!(
                "`{}` in {} exited with status {status}: {text}",
                argv.join(" "),
                container.docker_name
            );
        }
        Ok(text)
    }

    /// `docker exec`, not narrated: the exit status and the output.
    async fn exec_quiet(&self, container: &Container, argv: &[&str]) -> Result<(i64, String)> {
        let what = || format!("run `{}` in {}", argv.join(" "), container.docker_name);
        let config = ExecConfig {
            cmd: Some(argv.iter().map(|s| s.to_string()).collect()),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            ..ExecConfig::default()
        };
        let exec = self
            .api
            .create_exec(&container.id, config)
            .await
            .with_context(what)?;
        let mut text = String::new();
        if let StartExecResults::Attached { mut output, .. } = self
            .api
            .start_exec(&exec.id, None)
            .await
            .with_context(what)?
        {
            while let Some(chunk) = output.next().await {
                text.push_str(&chunk.with_context(what)?.to_string());
            }
        }
        let inspect = self.api.inspect_exec(&exec.id).await.with_context(what)?;
        Ok((inspect.exit_code.unwrap_or(-1), text))
    }
}
