//! Building and tearing down the same_bridge lab: the lab library against
//! the equivalent iproute2 shell script (`ip netns add`, `ip link`, ...),
//! one after the other in one run. Needs root.
//!
//! Run it: `cargo bench -p netlab-tests --bench same_bridge`

use std::process::Command;
use std::time::{Duration, Instant};

use netlab::{Lab, Result};

mod common;

const ROUNDS: u32 = 30;

/// The example's topology: host with docker0, red and blue. The same as the
/// script below. Teardown: drop the lab; the kernel frees the namespaces
/// (asynchronously).
async fn same_bridge() -> Result<()> {
    common::same_bridge(&Lab::new("bench")).await
}

/// The iproute2 way, with named namespaces (and their deletion at the end).
fn script(prefix: &str) -> String {
    let (host, red, blue) = (
        format!("{prefix}host"),
        format!("{prefix}red"),
        format!("{prefix}blue"),
    );
    let mut lines = vec![
        format!("ip netns add {host}"),
        format!("ip -n {host} link set lo up"),
        format!("ip -n {host} link add docker0 type bridge"),
        format!("ip -n {host} addr add 172.17.0.1/16 brd + dev docker0"),
        format!("ip -n {host} link set docker0 up"),
    ];
    for (name, ns, ip) in [("red", &red, "172.17.0.2"), ("blue", &blue, "172.17.0.3")] {
        lines.extend([
            format!("ip netns add {ns}"),
            format!("ip netns exec {ns} sysctl -qw net.ipv6.conf.default.disable_ipv6=1"),
            format!("ip -n {ns} link set lo up"),
            format!("ip -n {host} link add veth-{name} type veth peer name eth0 netns {ns}"),
            format!("ip -n {host} link set veth-{name} master docker0"),
            format!("ip -n {host} link set veth-{name} up"),
            format!("ip -n {ns} addr add {ip}/16 brd + dev eth0"),
            format!("ip -n {ns} link set eth0 up"),
            format!("ip -n {ns} route add default via 172.17.0.1"),
        ]);
    }
    lines.push(format!(
        "ip netns del {host}; ip netns del {red}; ip netns del {blue}"
    ));
    format!("set -e\n{}\n", lines.join("\n"))
}

fn main() -> Result<()> {
    let runtime = common::root_runtime("it compares with `ip netns add`")?;
    let script = script(&format!("bench{}-", std::process::id()));
    let library = || runtime.block_on(same_bridge());
    let shell = || {
        let status = Command::new("bash").arg("-c").arg(&script).status()?;
        anyhow::ensure!(status.success(), "the iproute2 script failed");
        Ok(())
    };
    println!(
        "same_bridge lab (host, docker0, red, blue), build + tear down, mean of {ROUNDS} rounds"
    );
    // Dropping a namespace is cheap for the caller, but the kernel frees it
    // afterwards, on a worker thread. Back to back, each round competes with
    // the cleanup of the one before; with a pause, each starts on an idle
    // kernel, as a student's single run does. Both are shown.
    for (label, pause) in [
        ("back to back", Duration::ZERO),
        ("200 ms apart", Duration::from_millis(200)),
    ] {
        let library = time(library, pause)?;
        let shell = time(shell, pause)?;
        println!("  {label}:");
        println!(
            "    lab library:     {:8.2} ms",
            library.as_secs_f64() * 1e3
        );
        println!("    iproute2 script: {:8.2} ms", shell.as_secs_f64() * 1e3);
        println!(
            "    ratio library/script: {:.3}",
            library.as_secs_f64() / shell.as_secs_f64()
        );
    }
    Ok(())
}

/// The mean wall time of `work` over ROUNDS rounds, after one to warm up.
fn time(mut work: impl FnMut() -> Result<()>, pause: Duration) -> Result<Duration> {
    let mut samples = Vec::new();
    for round in 0..=ROUNDS {
        std::thread::sleep(pause);
        let start = Instant::now();
        work()?;
        if round > 0 {
            samples.push(start.elapsed());
        }
    }
    Ok(samples.iter().sum::<Duration>() / ROUNDS)
}
