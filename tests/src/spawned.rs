//! One side of a two-machine example, running in the background: its
//! transcript as it comes, line by line, so that a test can wait for the
//! line the other side needs (the join command, "Enter ends this side"),
//! then start the other side, then wait for the end. Killed when dropped.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A run of an example, started by [`Spawned::start`].
pub struct Spawned {
    /// What it is, for the messages: `the manager on node1`.
    pub what: String,
    child: Child,
    lines: Receiver<String>,
    stderr: Option<JoinHandle<String>>,
    /// What it printed so far.
    pub transcript: String,
}

impl Spawned {
    /// Starts `command` with its stdout and stderr read as they come, and
    /// its stdin a pipe (for the Enter a person would press).
    pub fn start(what: &str, mut command: Command) -> Spawned {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start {what}: {e}"));
        let stdout = child.stdout.take().expect("a piped stdout");
        let mut stderr = child.stderr.take().expect("a piped stderr");
        let (sender, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Spawned {
            what: what.to_string(),
            child,
            lines,
            stderr: Some(stderr),
            transcript: String::new(),
        }
    }

    /// Its process id, to send it a signal.
    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Reads its transcript up to the first line that `wanted` accepts,
    /// and returns that line; panics, with what it printed, if it ends or
    /// `seconds` pass first.
    pub fn read_until(&mut self, seconds: u64, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.transcript.push_str(&line);
                    self.transcript.push('\n');
                    if wanted(&line) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!(
                    "{} printed no such line within {seconds} s:\n{}",
                    self.what, self.transcript
                ),
                Err(RecvTimeoutError::Disconnected) => {
                    let (status, _, stderr) = self.finish(5);
                    panic!(
                        "{} ended ({status}) before printing such a line:\n{}\n{stderr}",
                        self.what, self.transcript
                    )
                }
            }
        }
    }

    /// Presses Enter: a line on its stdin.
    pub fn press_enter(&mut self) {
        use std::io::Write;
        let stdin = self.child.stdin.as_mut().expect("a piped stdin");
        writeln!(stdin).unwrap_or_else(|e| panic!("press Enter in {}: {e}", self.what));
    }

    /// Waits up to `seconds` for it to end (then kills it: a hang is a
    /// failure) and returns its exit status, its whole transcript and its
    /// stderr.
    pub fn finish(&mut self, seconds: u64) -> (ExitStatus, String, String) {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for the example") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let status = self.child.wait().expect("wait for the killed example");
                eprintln!("{} did not end within {seconds} s: killed", self.what);
                break status;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        // The reader thread sends the rest, then hangs up.
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.transcript.push_str(&line);
            self.transcript.push('\n');
        }
        let stderr = self.stderr.take().map(|t| t.join().unwrap_or_default());
        (status, self.transcript.clone(), stderr.unwrap_or_default())
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
