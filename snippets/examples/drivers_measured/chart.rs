//! `--chart FILE.svg`: the figures as bars, with the library's chart.

use anyhow::Context;
use netlab::Result;
use netlab::observe::svg::chart::{Panel, bars};

use crate::measure::Figures;

pub fn write(file: &str, measured: &[(&str, Figures)]) -> Result<()> {
    let rows: Vec<String> = measured.iter().map(|(name, _)| name.to_string()).collect();
    let panel = |title: &str, unit: &str, colour, value: &dyn Fn(&Figures) -> f64| Panel {
        title: title.to_string(),
        unit: unit.to_string(),
        values: measured.iter().map(|(_, f)| Some(value(f))).collect(),
        colour,
    };
    let micros = |d: std::time::Duration| d.as_secs_f64() * 1e6;
    let panels = [
        panel(
            "TCP bulk throughput (TCP_STREAM)",
            "Gbit/s",
            "#1f5fa8",
            &|f| f.stream.gbit_per_second(),
        ),
        panel(
            "1-byte request/response, median round trip (TCP_RR)",
            "µs",
            "#8a5a00",
            &|f| micros(f.rr.p50),
        ),
        panel("ICMP echo, median round trip", "µs", "#2e7d32", &|f| {
            micros(f.ping)
        }),
        panel(
            "CPU time per GB sent (this process, getrusage)",
            "s",
            "#7b3fa0",
            &|f| f.stream.cpu_per_gigabyte(),
        ),
    ];
    let svg = bars("The drivers, measured", &rows, &panels);
    std::fs::write(file, svg).with_context(|| format!("write the chart to {file}"))
}
