//! The real `ip`, `bridge` and `ifconfig`, run inside a namespace of the
//! lab: what the transcript shows under `red$ ip a` is what `ip a` printed.
//!
//! The examples build everything themselves, with netlink; to *look* at it
//! they run the same programs a student would type. Those programs are an
//! independent witness: they read the kernel their own way (`ip` with
//! netlink, `ifconfig` with ioctls and `/proc/net/dev`), so what they print
//! shows what the kernel holds, not what the example meant to build.

use std::process::Command;

use anyhow::{Context, Result};

use crate::{Netns, narrate};

/// Where Debian and Ubuntu put `ip`, `bridge` and `ifconfig`: in `/usr/sbin`,
/// which an ordinary user's `PATH` may not list.
const SBIN: &str = "/usr/sbin:/sbin";

/// The package a program comes from, to say what to install when it is
/// missing.
fn package_of(program: &str) -> &'static str {
    match program {
        "ifconfig" => "net-tools",
        "busybox" => "busybox-static",
        _ => "iproute2",
    }
}

impl Netns {
    /// Prints `argv` at this namespace's prompt, runs it there and prints
    /// what it printed (standard output, then standard error), as a
    /// terminal would. Returns the standard output; `None` when the program
    /// is not installed, which the transcript says in a comment.
    pub(crate) fn show_program(&self, argv: &[&str]) -> Result<Option<String>> {
        narrate::command(self, &argv.join(" "));
        self.run_program(argv, true)
    }

    /// Like `show_program` (which prints a program's output), for a program whose failure is part of
    /// the lesson (`wget` to a port a firewall drops): its exit code (`None`
    /// if a signal ended it), and its standard output.
    pub fn show_program_status(&self, argv: &[&str]) -> Result<Option<(Option<i32>, String)>> {
        narrate::command(self, &narrate::shell_words(argv));
        let Some(output) = self.spawn_program(argv)? else {
            return Ok(None);
        };
        let stdout = trim_line_ends(&String::from_utf8_lossy(&output.stdout));
        narrate::output(&stdout);
        narrate::output(&trim_line_ends(&String::from_utf8_lossy(&output.stderr)));
        Ok(Some((output.status.code(), stdout)))
    }

    /// Runs `argv` here and returns its standard output; prints what it
    /// printed only if `print`, for a pipeline such as `ip neigh | wc -l`,
    /// whose caller prints the prompt and the pipeline's result.
    pub(crate) fn run_program(&self, argv: &[&str], print: bool) -> Result<Option<String>> {
        let Some(output) = self.spawn_program(argv)? else {
            return Ok(None);
        };
        let stdout = trim_line_ends(&String::from_utf8_lossy(&output.stdout));
        if print {
            narrate::output(&stdout);
            narrate::output(&trim_line_ends(&String::from_utf8_lossy(&output.stderr)));
        }
        Ok(Some(stdout))
    }

    /// Runs `argv` inside this namespace and waits for it; `None` (said in
    /// a comment) when the program is not installed.
    fn spawn_program(&self, argv: &[&str]) -> Result<Option<std::process::Output>> {
        let (program, args) = argv.split_first().context("an empty command")?;
        let path = match std::env::var("PATH") {
            Ok(path) if !path.is_empty() => format!("{path}:{SBIN}"),
            _ => format!("/usr/bin:/bin:{SBIN}"),
        };
        // A process started by a thread inside the namespace is born there
        // (fork copies the calling thread's namespaces), as with
        // `ip netns exec` or `nsenter`.
        let output = self.run(|| {
            let spawned = Command::new(program).args(args).env("PATH", &path).output();
            match spawned {
                Ok(output) => Ok(Some(output)),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(error) => Err(error).with_context(|| format!("run {program} in {}", self.name)),
            }
        })?;
        let Some(output) = output else {
            narrate::say(&format!(
                "{program}: not installed here, so nothing to show (Debian/Ubuntu: apt-get install {})",
                package_of(program)
            ));
            return Ok(None);
        };
        Ok(Some(output))
    }
}

/// The text without the spaces some programs leave at the end of a line
/// (`ip route` does): invisible on a terminal, and noise in a recording.
fn trim_line_ends(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_spaces_go_and_lines_stay() {
        let text = "default via 172.17.0.1 dev eth0 \n172.17.0.0/16 dev eth0 \n";
        assert_eq!(
            trim_line_ends(text),
            "default via 172.17.0.1 dev eth0\n172.17.0.0/16 dev eth0"
        );
    }

    #[test]
    fn a_missing_program_names_its_package() {
        assert_eq!(package_of("ifconfig"), "net-tools");
        assert_eq!(package_of("bridge"), "iproute2");
    }
}
