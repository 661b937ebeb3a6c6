//! `nft monitor trace`: which hooks, chains and rules a packet passes.
//!
//! The statement `meta nftrace set 1` ([`super::nftrace`]) marks a packet.
//! From then on, every base chain of the namespace that the packet passes,
//! in any table, reports to the netlink group `NFNLGRP_NFTRACE`: the packet
//! as it is at that point (the first report of each chain), each rule that
//! decided something, and the chain's policy. `nft monitor trace` joins the
//! group and prints each report as one line, the rule in nft's own words.
//!
//! We run that program rather than read the group ourselves: the reports
//! name a rule only by its handle and carry the raw headers, and nft
//! already looks the rule up and decodes the headers, so the transcript
//! shows nft's own output. The group works in a rootless run too: joining
//! it needs `CAP_NET_ADMIN` over the namespace, which our user namespace
//! owns.
//!
//! Like `tcpdump`, it runs until it is stopped: [`Netns::monitor_trace`]
//! starts it and waits until it has joined the group (else it could miss
//! the first packet); [`Trace::show`] waits until it has printed every
//! report, stops it and prints what it printed.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use super::nft_program;
use crate::{Netns, narrate};

/// `NETLINK_NETFILTER`, nftables' netlink protocol, and its group of trace
/// reports, `NFNLGRP_NFTRACE` (linux/netfilter/nfnetlink.h).
const NETLINK_NETFILTER: u32 = 12;
const NFNLGRP_NFTRACE: u32 = 9;

/// A running `nft monitor trace`, in one namespace.
pub struct Trace {
    who: String,
    pid: Pid,
    lines: Receiver<String>,
    waiter: JoinHandle<String>,
}

impl Netns {
    /// `nft monitor trace &`: start printing the trace reports of marked
    /// packets; they are shown later, by [`Trace::show`].
    pub fn monitor_trace(&self) -> Result<Trace> {
        let program = nft_program()?;
        let (started, start) = mpsc::channel();
        let (line, lines) = mpsc::channel();
        // A thread started from inside the namespace is inside it too. It
        // starts nft and lives as long as nft does: PR_SET_PDEATHSIG, which
        // kills nft if we die (even by kill -9), fires when the *thread*
        // that started it ends.
        let waiter = self.run(|| {
            Ok(std::thread::spawn(move || {
                let mut command = Command::new(program);
                command.args(["monitor", "trace"]);
                command.stdout(Stdio::piped()).stderr(Stdio::piped());
                // SAFETY: prctl is async-signal-safe; nothing else runs here.
                unsafe {
                    command.pre_exec(|| {
                        nix::sys::prctl::set_pdeathsig(Signal::SIGKILL).map_err(Into::into)
                    })
                };
                let mut child = match command.spawn() {
                    Ok(child) => child,
                    Err(error) => {
                        let _ = started.send(Err(error));
                        return String::new();
                    }
                };
                let _ = started.send(Ok(child.id()));
                if let Some(stdout) = child.stdout.take() {
                    for text in BufReader::new(stdout).lines().map_while(Result::ok) {
                        let _ = line.send(text);
                    }
                }
                let mut errors = String::new();
                if let Some(mut stderr) = child.stderr.take() {
                    let _ = stderr.read_to_string(&mut errors);
                }
                let _ = child.wait();
                errors
            }))
        })?;
        let pid = start
            .recv()
            .context("the thread that starts nft monitor trace ended")?
            .with_context(|| format!("start nft monitor trace in {}", self.name))?;
        let trace = Trace {
            who: self.name.clone(),
            pid: Pid::from_raw(pid as i32),
            lines,
            waiter,
        };
        // Joined when its socket listens to the group: /proc/net/netlink.
        let deadline = Instant::now() + Duration::from_secs(5);
        while trace.queued()?.is_none() {
            if trace.waiter.is_finished() || Instant::now() > deadline {
                let errors = trace.stop()?;
                bail!("nft monitor trace in {} did not start: {errors}", self.name);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(trace)
    }
}

impl Trace {
    /// `nft monitor trace`, and what it printed since it started, up to
    /// now: the lines are also returned, for the chapter's claims. nft ends
    /// some lines with a space; we leave it out.
    pub fn show(self) -> Result<Vec<String>> {
        narrate::command(&self.who, "nft monitor trace");
        let mut printed = Vec::new();
        // nft has read every report when its socket's queue is empty, and
        // printed them when it then stays quiet for a moment.
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match self.lines.recv_timeout(Duration::from_millis(100)) {
                Ok(line) => printed.push(line),
                Err(RecvTimeoutError::Timeout) => {
                    if self.queued()? == Some(0) || Instant::now() > deadline {
                        break;
                    }
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        let lines = self.lines.try_iter().collect::<Vec<_>>();
        printed.extend(lines);
        let errors = self.stop()?;
        if !errors.trim().is_empty() {
            bail!("nft monitor trace: {}", errors.trim());
        }
        let printed: Vec<String> = printed.iter().map(|l| l.trim_end().to_string()).collect();
        narrate::output(&printed.join("\n"));
        Ok(printed)
    }

    /// Stops nft (SIGTERM, as Ctrl-C would) and returns its error output.
    fn stop(self) -> Result<String> {
        // It may have ended already: then there is no one to signal.
        let _ = kill(self.pid, Signal::SIGTERM);
        let waiter = self.waiter;
        waiter
            .join()
            .map_err(|_| anyhow::anyhow!("the thread that waits for nft monitor trace panicked"))
    }

    /// The bytes waiting in nft's socket for the trace group, or None while
    /// no socket of its namespace has joined that group. Each line of
    /// `/proc/PID/net/netlink` is a netlink socket of that process's
    /// namespace: its protocol (`Eth`), the bitmask of the first 32 groups
    /// it joined (`Groups`, group N is bit N-1), and its receive queue
    /// (`Rmem`).
    fn queued(&self) -> Result<Option<u64>> {
        let path = format!("/proc/{}/net/netlink", self.pid);
        let Ok(table) = std::fs::read_to_string(&path) else {
            return Ok(None); // nft has ended
        };
        for row in table.lines().skip(1) {
            let fields: Vec<&str> = row.split_whitespace().collect();
            let [_, protocol, _, groups, rmem, ..] = fields[..] else {
                continue;
            };
            let groups = u32::from_str_radix(groups, 16).with_context(|| format!("read {path}"))?;
            if protocol == NETLINK_NETFILTER.to_string() && groups & 1 << (NFNLGRP_NFTRACE - 1) != 0
            {
                return Ok(Some(rmem.parse().with_context(|| format!("read {path}"))?));
            }
        }
        Ok(None)
    }
}
