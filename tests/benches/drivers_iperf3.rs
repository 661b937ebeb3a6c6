//! drivers_measured's TCP bulk throughput (the lab library's TCP_STREAM)
//! against two standard tools on the very same paths: iperf3 and iperf
//! (version 2, Debian's `iperf`). One row per path and congestion control:
//! each tool's Gbit/s, the CPU time it spent per gigabyte at each end
//! (sender/receiver), and last our figure divided by iperf3's, which
//! measures the same thing the same way (one TCP connection, 128 KiB
//! writes, ends pinned alike), within ±10 % or not.
//!
//! Each path runs with every congestion control the kernel has of `cubic`
//! (Debian's default) and `bbr` (that of some kernels, this book's
//! recording machine among them), set on the sending socket by each tool
//! alike (`TCP_CONGESTION`, `iperf3 -C`, `iperf -Z`): the comparison
//! chapter shows why it matters. Five rounds run each tool once, one after
//! the other, and the row shows the median of each tool's runs, and of the
//! rounds' ratios: on a machine whose speed changes from second to second
//! (a virtual machine sharing its host, or one busy with other work), a
//! round's two runs are the nearest in time. Both ends are pinned: the client to
//! the first CPU, the server to the second (`iperf3 -A`, `taskset`). A
//! tool's CPU time is that of its process (user and system, from
//! `/proc/PID/stat`); ours, that of each end's thread.
//!
//! Run it: `sudo -E cargo bench -p netlab-tests --bench drivers_iperf3`.
//! Needs root, `iperf3` and `iperf`. With `NETLAB_RECORD=1` it also
//! writes what it printed to drivers_measured's `output-tools.txt`, which
//! the comparison chapter shows.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use netlab::{Lab, Result};
use nix::sys::wait::{Id, WaitPidFlag, waitid};
use nix::unistd::{Pid, SysconfVar, sysconf};
use serde_json::Value;

/// The start every benchmark shares (without the same_bridge lab, which
/// paths.rs compiles in itself).
#[path = "common/runtime.rs"]
mod runtime;

/// The example's paths, compiled in: the benchmark measures exactly what
/// the chapter measures.
#[allow(dead_code)]
#[path = "../../snippets/examples/drivers_measured/paths.rs"]
mod paths;

use paths::Path;

const SECONDS: f64 = 2.0;
const ROUNDS: usize = 5;
const COMMAND: &str = "sudo -E cargo bench -p netlab-tests --bench drivers_iperf3";

/// One run of one tool: Gbit/s the receiver counted, and CPU seconds per
/// gigabyte at the sending and at the receiving end.
#[derive(Clone, Copy, Default)]
struct Run {
    gbit: f64,
    sender: f64,
    receiver: f64,
}

impl Run {
    /// Each figure's median over `runs`.
    fn median(runs: &[Run]) -> Run {
        let of = |figure: fn(&Run) -> f64| median(runs.iter().map(figure).collect());
        Run {
            gbit: of(|run| run.gbit),
            sender: of(|run| run.sender),
            receiver: of(|run| run.receiver),
        }
    }

    fn cell(&self) -> String {
        format!("{:.2} {:.2}/{:.2}", self.gbit, self.sender, self.receiver)
    }
}

fn main() -> Result<()> {
    for tool in ["iperf3", "iperf"] {
        if Command::new(tool).arg("--version").output().is_err() {
            eprintln!("this benchmark needs {tool}: apt-get install iperf3 iperf");
            std::process::exit(1);
        }
    }
    let runtime = runtime::root_runtime("the lab's namespaces, iperf3 and iperf inside them")?;
    let lab = Lab::new("bench");
    let mut paths = runtime.block_on(async {
        anyhow::Ok(vec![
            paths::loopback(&lab).await?,
            paths::veth(&lab).await?,
            paths::bridge(&lab).await?,
            paths::published(&lab).await?,
            paths::overlay(&lab).await?,
            paths::macvlan(&lab).await?,
            paths::host_network(&lab).await?,
        ])
    })?;
    let ipvlan = runtime.block_on(paths::ipvlan(&lab))?;
    let ipvlan_missing = ipvlan.is_none();
    paths.extend(ipvlan);
    let controls = congestion_controls()?;
    let mut report = vec![
        format!(
            "TCP bulk throughput, {SECONDS} s per run, {ROUNDS} rounds of ours, iperf3, iperf2 \
             one after the other; this kernel's default congestion control: {}",
            default_congestion_control()?
        ),
        "each tool: the median of its runs' Gbit/s, then of their CPU seconds per GB at the \
         sender/receiver"
            .to_string(),
        "ours÷iperf3: the median of the rounds' ratios".to_string(),
        format!(
            "{:<15} {:<6} {:>18} {:>18} {:>18} {:>12}",
            "path", "cc", "ours", "iperf3", "iperf2", "ours÷iperf3"
        ),
    ];
    if ipvlan_missing {
        report.insert(
            0,
            "ipvlan: skipped, this kernel has no ipvlan driver".to_string(),
        );
    }
    for line in &report {
        println!("{line}");
    }
    for path in &paths {
        for control in &controls {
            let mut runs: [Vec<Run>; 3] = Default::default();
            for _ in 0..ROUNDS {
                let round = [
                    ours(path, control)?,
                    iperf3(path, control)?,
                    iperf2(path, control)?,
                ];
                for (runs, run) in runs.iter_mut().zip(round) {
                    runs.push(run);
                }
            }
            let ratios: Vec<f64> = runs[0]
                .iter()
                .zip(&runs[1])
                .map(|(ours, theirs)| ours.gbit / theirs.gbit)
                .collect();
            let ratio = median(ratios);
            let verdict = match (ratio - 1.0).abs() <= 0.10 {
                true => "within ±10 %",
                false => "OUTSIDE ±10 %",
            };
            let [ours, iperf3, iperf2] = runs.map(|runs| Run::median(&runs).cell());
            let line = format!(
                "{:<15} {:<6} {ours:>18} {iperf3:>18} {iperf2:>18} {ratio:>12.2}  {verdict}",
                path.name, control,
            );
            println!("{line}");
            report.push(line);
        }
    }
    if netlab_tests::record::recording() {
        let file = netlab_tests::record::variant_path("drivers_measured", "tools");
        let text = format!("$ {COMMAND}\n{}\n", report.join("\n"));
        std::fs::write(&file, text).with_context(|| format!("write {}", file.display()))?;
        println!("recorded in {}", file.display());
    }
    Ok(())
}

/// The middle value (of an even count, the mean of the two middle ones).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// `cubic` and `bbr`, those of them this kernel has.
fn congestion_controls() -> Result<Vec<String>> {
    let file = "/proc/sys/net/ipv4/tcp_available_congestion_control";
    let available = std::fs::read_to_string(file).with_context(|| format!("read {file}"))?;
    let have: Vec<&str> = available.split_whitespace().collect();
    Ok(["cubic", "bbr"]
        .into_iter()
        .filter(|control| have.contains(control))
        .map(str::to_string)
        .collect())
}

fn default_congestion_control() -> Result<String> {
    let file = "/proc/sys/net/ipv4/tcp_congestion_control";
    let text = std::fs::read_to_string(file).with_context(|| format!("read {file}"))?;
    Ok(text.trim().to_string())
}

/// The lab library's TCP_STREAM over `path`.
fn ours(path: &Path, control: &str) -> Result<Run> {
    let stream = path.client.tcp_stream_with(
        &path.server,
        path.port,
        path.target,
        SECONDS,
        Some(control),
    )?;
    Ok(Run {
        gbit: stream.gbit_per_second(),
        sender: stream.per_gigabyte(stream.client_cpu),
        receiver: stream.per_gigabyte(stream.server_cpu),
    })
}

/// The `nth` CPU this process may use, as the lab library pins its own
/// ends (`netperf::pin`): the client on the first, the server on the second.
fn cpu(nth: usize) -> String {
    let allowed = nix::sched::sched_getaffinity(Pid::from_raw(0));
    let cpus: Vec<usize> = (0..nix::sched::CpuSet::count())
        .filter(|cpu| {
            allowed
                .as_ref()
                .is_ok_and(|set| set.is_set(*cpu).unwrap_or(false))
        })
        .collect();
    cpus.get(nth).or(cpus.first()).unwrap_or(&0).to_string()
}

/// `iperf3 -s -1` in the server's namespace and `iperf3 -c TARGET -t
/// SECONDS -C CONTROL -J` in the client's: what the receiver counted, as
/// the client's report gives it. Each is started by a thread inside the
/// namespace, so it is born there.
fn iperf3(path: &Path, control: &str) -> Result<Run> {
    let port = path.port.to_string();
    let server = path.server.run(|| {
        Command::new("iperf3")
            .args(["-s", "-1", "-p", &port, "-A", &cpu(1)])
            .stdout(Stdio::null())
            .spawn()
            .context("start iperf3 -s")
    })?;
    let (target, target_port) = (path.target.ip().to_string(), path.target.port().to_string());
    let seconds = SECONDS.to_string();
    let client = || {
        let mut command = Command::new("iperf3");
        command
            .args(["-c", &target, "-p", &target_port, "-t", &seconds, "-J"])
            .args(["-A", &cpu(0), "-C", control]);
        command
    };
    measure(path, "iperf3", server, client, |client, _| {
        let report: Value = serde_json::from_str(client).ok()?;
        let received = &report["end"]["sum_received"];
        Some((
            received["bytes"].as_f64()?,
            received["bits_per_second"].as_f64()?,
        ))
    })
}

/// `iperf -s` (version 2) in the server's namespace, listening a little
/// longer than the test, and `iperf -c TARGET -t SECONDS -Z CONTROL` in the
/// client's: what the server reports it received.
fn iperf2(path: &Path, control: &str) -> Result<Run> {
    let port = path.port.to_string();
    let listen = (SECONDS + 2.0).to_string();
    let server = path.server.run(|| {
        Command::new("taskset")
            .args([
                "-c",
                &cpu(1),
                "iperf",
                "-s",
                "-p",
                &port,
                "-t",
                &listen,
                "-f",
                "b",
            ])
            .stdout(Stdio::piped())
            .spawn()
            .context("start iperf -s")
    })?;
    let (target, target_port) = (path.target.ip().to_string(), path.target.port().to_string());
    let seconds = SECONDS.to_string();
    let client = || {
        let mut command = Command::new("taskset");
        command
            .args(["-c", &cpu(0), "iperf", "-c", &target, "-p", &target_port])
            .args(["-t", &seconds, "-Z", control, "-f", "b"]);
        command
    };
    measure(path, "iperf", server, client, |client, server| {
        // A client that found no server yet prints no report.
        client.contains(" bits/sec").then_some(())?;
        // The server's last report line: `[  1] 0.0000-2.0003 sec
        // 6027083776 Bytes  24104306219 bits/sec`.
        let line = server
            .lines()
            .rev()
            .find(|line| line.contains(" bits/sec"))?;
        let words: Vec<&str> = line.split_whitespace().collect();
        let before = |unit: &str| -> Option<f64> {
            let at = words.iter().position(|word| *word == unit)?;
            words.get(at.checked_sub(1)?)?.parse().ok()
        };
        Some((before("Bytes")?, before("bits/sec")?))
    })
}

/// Runs the client (`client` makes its command) until it finds the server
/// listening, then waits for the server; `report` reads the bytes and
/// bits per second the receiver counted from the client's and the
/// server's output, or `None` when the client found no server yet.
fn measure(
    path: &Path,
    tool: &str,
    mut server: Child,
    client: impl Fn() -> Command,
    report: impl Fn(&str, &str) -> Option<(f64, f64)>,
) -> Result<Run> {
    // The server needs a moment to listen: try again while it refuses.
    for _ in 0..50 {
        let (output, client_cpu) = run_timed(path, client())?;
        let output = String::from_utf8_lossy(&output);
        if output.trim().is_empty() || !output.contains("bits") {
            std::thread::sleep(Duration::from_millis(50));
            continue;
        }
        let mut served = String::new();
        if let Some(mut stdout) = server.stdout.take() {
            stdout
                .read_to_string(&mut served)
                .context("read the server's report")?;
        }
        let server_cpu = cpu_at_exit(&mut server)?;
        let Some((bytes, bits)) = report(&output, &served) else {
            bail!(
                "{tool} reported no bytes on {}:\n{output}\n{served}",
                path.name
            );
        };
        let gigabytes = bytes / 1e9;
        return Ok(Run {
            gbit: bits / 1e9,
            sender: client_cpu.as_secs_f64() / gigabytes,
            receiver: server_cpu.as_secs_f64() / gigabytes,
        });
    }
    let _ = server.kill();
    let _ = server.wait();
    bail!("{tool} found no server on {} ({})", path.target, path.name)
}

/// Runs `command` in the client's namespace to its end: its standard
/// output and the CPU time it used.
fn run_timed(path: &Path, mut command: Command) -> Result<(Vec<u8>, Duration)> {
    let mut child = path.client.run(|| {
        command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("start the client")
    })?;
    let mut output = Vec::new();
    if let Some(mut stdout) = child.stdout.take() {
        stdout
            .read_to_end(&mut output)
            .context("read the client's report")?;
    }
    Ok((output, cpu_at_exit(&mut child)?))
}

/// Waits for `child` to end and reads its CPU time (user and system, every
/// thread) from `/proc/PID/stat` before reaping it: `WNOWAIT` leaves it a
/// zombie, whose counters are final.
fn cpu_at_exit(child: &mut Child) -> Result<Duration> {
    let pid = Pid::from_raw(child.id() as i32);
    waitid(Id::Pid(pid), WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT)
        .context("wait for the tool to end")?;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).context("read its stat")?;
    // After the command's name in parentheses: the state is field 3, utime
    // and stime (in clock ticks) fields 14 and 15.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |index: usize| -> Result<f64> {
        let field = fields.get(index).context("a short /proc/PID/stat")?;
        field.parse::<f64>().context("a tick count")
    };
    let per_second = sysconf(SysconfVar::CLK_TCK)?.unwrap_or(100) as f64;
    let seconds = (ticks(11)? + ticks(12)?) / per_second;
    child.wait().context("reap the tool")?;
    Ok(Duration::from_secs_f64(seconds))
}
