//! The drivers, measured: each driver's data path, built in namespaces of
//! this run, then its latency, throughput, MTU and bytes of headers.
//!
//! Equivalent to, for each path (loopback, veth pair, bridge, published
//! port, overlay, MACVLAN, host network, IPvlan), with netperf and tcpdump:
//!
//! ```text
//! netserver                                          # in the server's namespace
//! tcpdump -e -n -c 1 -i eth0 tcp &                   # on the path's wire
//! netperf -H 172.17.0.3 -t TCP_RR -l 2 -- -r 1,1 -o P50_LATENCY,P99_LATENCY
//! ping -c 20 172.17.0.3
//! netperf -H 172.17.0.3 -t TCP_STREAM -l 2
//! ```
//!
//! Run it: `cargo run --release --example drivers_measured` (a debug build
//! measures the debug build); `-- --seconds 0.5` for shorter runs, `--chart
//! FILE.svg` to draw the figures, `--scale` for how a bridge scales.

use std::process::ExitCode;

use netlab::error::usage;
use netlab::narrate::{hush, output};
use netlab::{Flag, Lab, Result};

mod chart;
mod measure;
mod paths;
mod scale;

const FLAGS: [Flag; 4] = [
    Flag::optional("--seconds", "S", "how long each test runs (default 2)"),
    Flag::optional("--chart", "FILE.svg", "draw the figures into FILE.svg"),
    Flag::switch("--scale", "how a bridge scales, instead of the paths"),
    Flag::optional("--containers", "N", "--scale: up to N containers (1000)"),
];

fn main() -> ExitCode {
    netlab::run_with_flags(&FLAGS, drivers_measured)
}

async fn drivers_measured(lab: &Lab) -> Result<()> {
    if lab.switch("--scale") {
        let containers: usize = lab.flag_or("--containers", 1000)?;
        if containers == 0 {
            return Err(usage("--containers 0: one container at least"));
        }
        return scale::scale(lab, containers).await;
    }
    let seconds: f64 = lab.flag_or("--seconds", 2.0)?;
    if seconds <= 0.0 {
        return Err(usage(format!(
            "--seconds {seconds}: a test needs some time"
        )));
    }
    // ANCHOR: build
    lab.say("each driver's data path, between two endpoints, in namespaces of this run");
    // Each path is built with its chapter's own steps (see paths.rs), whose
    // commands that chapter shows: here, one line per path sums it up.
    let quiet = hush();
    let mut paths = vec![
        paths::loopback(lab).await?,
        paths::veth(lab).await?,
        paths::bridge(lab).await?,
        paths::published(lab).await?,
        paths::overlay(lab).await?,
        paths::macvlan(lab).await?,
        paths::host_network(lab).await?,
    ];
    let ipvlan = paths::ipvlan(lab).await?;
    drop(quiet);
    for path in &paths {
        output(&format!("{:<15} {}", path.name, path.route));
    }
    match ipvlan {
        Some(path) => paths.push(path),
        None => output(
            "ipvlan          skipped: this kernel has no ipvlan driver (EOPNOTSUPP); the VM's has",
        ),
    }
    // ANCHOR_END: build

    lab.say(&format!(
        "per path: TCP_RR (1-byte request/response) for {seconds} s, 20 pings, TCP_STREAM for {seconds} s"
    ));
    // ANCHOR: table
    output(measure::HEADER);
    let mut measured = Vec::new();
    for path in &paths {
        let figures = measure::measure(lab, path, seconds).await?;
        output(&figures.row(path.name));
        measured.push((path.name, figures));
    }
    // ANCHOR_END: table
    measure::claims(lab, &measured)?;
    let chart: String = lab.flag_or("--chart", String::new())?;
    if !chart.is_empty() {
        chart::write(&chart, &measured)?;
    }
    Ok(())
}
