//! drivers_measured's TCP bulk throughput (the lab library's TCP_STREAM)
//! against iperf3's, on the very same paths: our figure divided by
//! iperf3's, per path, which should stay within ±10 %. Each side runs
//! three times, alternating, and the best run of each is compared: on a
//! machine busy with other work, the best run is the one it disturbed
//! least. Both pin their ends alike: the client to the first CPU, the
//! server to the second (`iperf3 -A`). Needs root and Debian's `iperf3`.
//!
//! Run it: `sudo -E cargo bench -p netlab-tests --bench drivers_iperf3`

use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use netlab::{Lab, Result};
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
const ROUNDS: usize = 3;

fn main() -> Result<()> {
    if Command::new("iperf3").arg("--version").output().is_err() {
        eprintln!("this benchmark needs iperf3: apt-get install iperf3");
        std::process::exit(1);
    }
    let runtime = runtime::root_runtime("the lab's namespaces, iperf3 inside them")?;
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
    match runtime.block_on(paths::ipvlan(&lab))? {
        Some(path) => paths.push(path),
        None => println!("ipvlan: skipped, this kernel has no ipvlan driver"),
    }
    println!("TCP bulk throughput, {SECONDS} s per run, best of {ROUNDS} runs each, alternating");
    println!(
        "{:<15} {:>12} {:>12} {:>8}",
        "path", "ours Gbit/s", "iperf3", "ratio"
    );
    for path in &paths {
        let (mut ours, mut theirs) = (0.0, 0.0);
        for _ in 0..ROUNDS {
            let stream = path
                .client
                .tcp_stream(&path.server, path.port, path.target, SECONDS)?;
            ours = f64::max(ours, stream.gbit_per_second());
            theirs = f64::max(theirs, iperf3(path)?);
        }
        let ratio = ours / theirs;
        let verdict = if (ratio - 1.0).abs() <= 0.10 {
            "within ±10 %"
        } else {
            "OUTSIDE ±10 %"
        };
        println!(
            "{:<15} {ours:>12.2} {theirs:>12.2} {ratio:>8.2}  {verdict}",
            path.name
        );
    }
    Ok(())
}

/// The `nth` CPU this process may use, as the lab library pins its own
/// ends (`netperf::pin`): the client on the first, the server on the second.
fn cpu(nth: usize) -> String {
    let allowed = nix::sched::sched_getaffinity(nix::unistd::Pid::from_raw(0));
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
/// SECONDS -J` in the client's: what the receiver counted, in Gbit/s.
/// Each is started by a thread inside the namespace, so it is born there.
fn iperf3(path: &Path) -> Result<f64> {
    let port = path.port.to_string();
    let mut server = path.server.run(|| {
        Command::new("iperf3")
            .args(["-s", "-1", "-p", &port, "-A", &cpu(1)])
            .stdout(Stdio::null())
            .spawn()
            .context("start iperf3 -s")
    })?;
    let (target, target_port) = (path.target.ip().to_string(), path.target.port().to_string());
    let seconds = SECONDS.to_string();
    // The server needs a moment to listen: try again while it refuses.
    for _ in 0..50 {
        let client = path.client.run(|| {
            Command::new("iperf3")
                .args(["-c", &target, "-p", &target_port, "-t", &seconds, "-J"])
                .args(["-A", &cpu(0)])
                .output()
                .context("run iperf3 -c")
        })?;
        let report: Value = serde_json::from_slice(&client.stdout).unwrap_or_default();
        if let Some(bits) = report["end"]["sum_received"]["bits_per_second"].as_f64() {
            server.wait().context("wait for iperf3 -s")?;
            return Ok(bits / 1e9);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = server.kill();
    let _ = server.wait();
    bail!("iperf3 found no server on {} ({})", path.target, path.name)
}
