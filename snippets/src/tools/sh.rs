//! `sh -c LINE`: a command line typed at a container's own shell.

use std::io::Read;
use std::process::Command;

use anyhow::{Context, Result};

use crate::{Netns, narrate};

/// The `PATH` Docker gives a container (the image may set another).
const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

impl Netns {
    /// `red$ LINE`: runs `/bin/sh -c LINE` inside this container, with its
    /// files, so `/bin/sh` is the container's own shell and every program
    /// the line names is the container's too. Prints what it printed (its
    /// standard output and error, as a terminal shows them, in order) and
    /// returns that. A command that fails is not an error here: what it
    /// printed is the evidence.
    pub fn sh(&self, line: &str) -> Result<String> {
        narrate::command(self, line);
        let output = self.run(|| {
            // One pipe for both outputs: they arrive in the order written.
            let (mut reader, writer) = std::io::pipe().context("make a pipe")?;
            // And an empty input: a pipe whose other end is closed at
            // once. (Not /dev/null: the container's /dev is empty.)
            let (input, _) = std::io::pipe().context("make a pipe")?;
            let mut child = Command::new("/bin/sh")
                .args(["-c", line])
                .env_clear()
                .env("PATH", PATH)
                .stdin(input)
                .stdout(writer.try_clone().context("copy the pipe")?)
                .stderr(writer)
                .spawn()
                .with_context(|| format!("start /bin/sh in {}", self.name))?;
            let mut text = String::new();
            reader
                .read_to_string(&mut text)
                .with_context(|| format!("read what `{line}` printed in {}", self.name))?;
            child
                .wait()
                .with_context(|| format!("wait for `{line}` in {}", self.name))?;
            Ok(text)
        })?;
        narrate::output(output.trim_end());
        Ok(output)
    }
}
