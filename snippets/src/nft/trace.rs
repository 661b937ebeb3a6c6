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
//! report, stops it and prints what it printed. [`Trace::parse`] reads
//! those lines into [`TraceLine`]s, for the claims a chapter makes about
//! a packet's path.

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

/// One line of `nft monitor trace`, read into its parts:
///
/// ```text
/// trace id 96f42320 ip nat docker rule iifname != "docker0" tcp dport 8443 ... (verdict accept)
///          id       family, table, chain, then the report
/// ```
///
/// The id is a label for the reports of one packet, not a name: a kernel
/// may give a packet a new one on its way (in port_publish's recording, the
/// SYN-ACK gets one at `forward`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceLine {
    pub id: String,
    /// The table's family: `ip`, `ip6`, `inet`, `netdev`, ...
    pub family: String,
    pub table: String,
    pub chain: String,
    pub report: Report,
}

/// What one line of `nft monitor trace` reports, in nft's own words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Report {
    /// `packet: iif "eth0" ... ip saddr 192.168.20.150 ...`: the packet as
    /// it is when it enters the chain, its headers as nft matches them.
    Packet(String),
    /// `rule RULE (verdict VERDICT)`: a rule that matched, and what it
    /// decided (`continue`, `jump docker`, `accept`).
    Rule { rule: String, verdict: String },
    /// `verdict continue`: the chain's rules are done and none decided
    /// (Debian 12's kernel, 6.1, prints it; others may go straight to the
    /// policy).
    Verdict(String),
    /// `policy accept`: the chain's policy decided.
    Policy(String),
}

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
        // printed them when it then stays quiet for a while: it looks each
        // rule up before it prints, which on a slow machine (a VM emulated
        // in software, beside other work) took longer than a tenth of a
        // second. Every caller traced a packet, so until the first line
        // comes, or the deadline, nft is not done.
        let (deadline, mut quiet) = (Instant::now() + Duration::from_secs(10), Duration::ZERO);
        loop {
            match self.lines.recv_timeout(Duration::from_millis(100)) {
                Ok(line) => {
                    printed.push(line);
                    quiet = Duration::ZERO;
                }
                Err(RecvTimeoutError::Timeout) => {
                    quiet += Duration::from_millis(100);
                    let done = !printed.is_empty()
                        && quiet >= Duration::from_secs(1)
                        && self.queued()? == Some(0);
                    if done || Instant::now() > deadline {
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

    /// Reads what `nft monitor trace` printed ([`Trace::show`]'s lines)
    /// into its parts, one `TraceLine` each; a line that is not a trace
    /// report is an error that quotes it.
    pub fn parse(lines: &[String]) -> Result<Vec<TraceLine>> {
        lines
            .iter()
            .map(|line| {
                TraceLine::parse(line).with_context(|| {
                    format!("read `{line}`: not `trace id ID FAMILY TABLE CHAIN` and a report")
                })
            })
            .collect()
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

impl TraceLine {
    /// One line, or None when it is not `trace id ID FAMILY TABLE CHAIN`
    /// followed by one of the four reports.
    fn parse(line: &str) -> Option<TraceLine> {
        let mut words = line.strip_prefix("trace id ")?.trim_end().splitn(5, ' ');
        let mut word = || words.next().map(str::to_string);
        let (id, family, table, chain) = (word()?, word()?, word()?, word()?);
        let report = word()?;
        let report = if let Some(packet) = report.strip_prefix("packet: ") {
            Report::Packet(packet.to_string())
        } else if let Some(rule) = report.strip_prefix("rule ") {
            // The rule's own text may hold parentheses: the verdict is the last.
            let (rule, verdict) = rule.strip_suffix(')')?.rsplit_once(" (verdict ")?;
            let (rule, verdict) = (rule.to_string(), verdict.to_string());
            Report::Rule { rule, verdict }
        } else if let Some(verdict) = report.strip_prefix("verdict ") {
            Report::Verdict(verdict.to_string())
        } else {
            Report::Policy(report.strip_prefix("policy ")?.to_string())
        };
        Some(TraceLine {
            id,
            family,
            table,
            chain,
            report,
        })
    }

    /// Whether this line is a report of `chain` in `table`.
    pub fn is_in(&self, table: &str, chain: &str) -> bool {
        self.table == table && self.chain == chain
    }

    /// The text of the rule this line reports, if it reports a rule.
    pub fn rule(&self) -> Option<&str> {
        match &self.report {
            Report::Rule { rule, .. } => Some(rule),
            _ => None,
        }
    }

    /// The chain's policy, if this line reports it.
    pub fn policy(&self) -> Option<&str> {
        match &self.report {
            Report::Policy(policy) => Some(policy),
            _ => None,
        }
    }

    /// In a packet report, the value nft prints after `field`: `iif` gives
    /// `docker0` (without nft's quotes), `ip saddr` gives `192.168.20.150`,
    /// `tcp sport` gives `8443`. None for other reports, or when the packet
    /// has no such header field.
    pub fn packet_field(&self, field: &str) -> Option<&str> {
        let Report::Packet(packet) = &self.report else {
            return None;
        };
        let words: Vec<&str> = packet.split_whitespace().collect();
        let field: Vec<&str> = field.split_whitespace().collect();
        if field.is_empty() {
            return None;
        }
        let at = words.windows(field.len()).position(|w| w == field)? + field.len();
        // `tcp flags == syn`: an operator between the field and its value.
        let value = match *words.get(at)? {
            "==" => words.get(at + 1)?,
            value => value,
        };
        Some(value.trim_matches('"'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines of port_publish's recording: the SYN-ACK through NAT, back.
    const SYN_ACK: [&str; 4] = [
        r#"trace id 92f41b42 ip trace prerouting packet: iif "docker0" ether saddr be:5e:61:40:69:16 ip saddr 172.17.0.2 ip daddr 192.168.20.150 tcp sport 80 tcp dport 49774 tcp flags == 0x12"#,
        "trace id 92f41b42 ip trace prerouting rule tcp flags syn ct original ip saddr 192.168.20.150 meta nftrace set 1 (verdict continue)",
        "trace id c07ee4ef ip trace forward verdict continue",
        "trace id c07ee4ef ip trace forward policy accept ",
    ];

    #[test]
    fn a_trace_reads_into_its_reports() {
        let lines: Vec<String> = SYN_ACK.iter().map(|l| l.to_string()).collect();
        let trace = Trace::parse(&lines).expect("every line is a trace report");
        let [packet, rule, verdict, policy] = &trace[..] else {
            panic!("one TraceLine per line: {trace:?}");
        };
        assert_eq!(
            (packet.id.as_str(), packet.family.as_str()),
            ("92f41b42", "ip")
        );
        assert!(packet.is_in("trace", "prerouting"), "{packet:?}");
        assert_eq!(packet.packet_field("iif"), Some("docker0"));
        assert_eq!(packet.packet_field("ip saddr"), Some("172.17.0.2"));
        assert_eq!(packet.packet_field("tcp sport"), Some("80"));
        assert_eq!(packet.packet_field("tcp flags"), Some("0x12"));
        assert_eq!(packet.packet_field("oif"), None, "no oif at prerouting");
        assert_eq!(
            rule.rule(),
            Some("tcp flags syn ct original ip saddr 192.168.20.150 meta nftrace set 1")
        );
        assert_eq!(rule.packet_field("ip saddr"), None, "a rule is no packet");
        assert_eq!(verdict.report, Report::Verdict("continue".into()));
        assert_eq!(
            (policy.chain.as_str(), policy.id.as_str()),
            ("forward", "c07ee4ef")
        );
        assert_eq!(
            policy.policy(),
            Some("accept"),
            "the trailing space is no part of it"
        );
    }

    #[test]
    fn a_line_that_is_no_trace_report_is_an_error_that_quotes_it() {
        for line in [
            "trace id 1 ip nat",
            "trace id 1 ip nat docker jumped",
            "hello",
        ] {
            let error = Trace::parse(&[line.to_string()]).expect_err(line);
            assert!(format!("{error:#}").contains(line), "{error:#}");
        }
    }
}
