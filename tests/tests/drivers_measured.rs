//! The drivers, measured: `cargo run --release --example drivers_measured`,
//! the comparison chapter's figures.
//!
//! No timing is checked: rates and latencies differ from machine to machine
//! and run to run (the transcript's comparison masks them, see `record.rs`).
//! What is checked is the same everywhere: every path passes traffic (the
//! example's claims stop it otherwise), each path's MTU and bytes of
//! headers, the port limit of a bridge and the kernel's errno past it, and
//! that nothing is left behind. The tests run it short (`--seconds 0.1`,
//! `--containers 10`); `NETLAB_RECORD=1` records the documented command,
//! full length and in release, as the book shows it.

use std::path::PathBuf;
use std::time::Duration;

use assert_cmd::assert::OutputAssertExt;
use netlab_tests::cargo;
use netlab_tests::record::{check_raw, output_path, recording, variant_path};
use netlab_tests::root;
use netlab_tests::run::{As, workspace_root};
use netlab_tests::snapshot::Snapshot;

const EXAMPLE: &str = "drivers_measured";
const COMMAND: &str = "cargo run --release --example drivers_measured";

/// Each path's row, up to the bar: MTU, frame length and header bytes of a
/// 1-byte request. The overlay's frame has 50 bytes more (VXLAN, UDP, IPv4
/// and Ethernet outside), and lo's MTU is IP's largest packet.
const ROWS: [&str; 7] = [
    "loopback         65535   67 B     66 B |",
    "veth pair         1500   67 B     66 B |",
    "bridge            1500   67 B     66 B |",
    "published port    1500   67 B     66 B |",
    "overlay           1450  117 B    116 B |",
    "macvlan           1500   67 B     66 B |",
    "host network     65535   67 B     66 B |",
];

#[test]
fn drivers_measured_root() {
    if root() {
        measure_and_check(As::Root);
    }
}

#[test]
fn drivers_measured_rootless() {
    if root() {
        measure_and_check(As::Rootless);
    }
}

fn measure_and_check(who: As) {
    let before = Snapshot::take();
    let dir = writable_dir();
    let chart = dir.join("chart.svg");
    let chart_arg = chart.to_str().expect("a UTF-8 temp path");
    let full = recording() && who == As::Root;
    let stdout = match full {
        true => release_run(&["--chart", chart_arg]),
        false => short_run(who, &["--seconds", "0.1", "--chart", chart_arg]),
    };
    for row in ROWS {
        assert!(
            stdout.contains(row),
            "{who:?}: a row starting {row:?}:\n{stdout}"
        );
    }
    if full || !recording() {
        check_raw(EXAMPLE, COMMAND, &stdout, &output_path(EXAMPLE));
    }
    let svg = std::fs::read_to_string(&chart).expect("--chart wrote the chart");
    for row in ROWS {
        let name = row.split("  ").next().expect("a name");
        assert!(
            svg.contains(&format!("<title>{name}: ")),
            "{who:?}: the chart has a bar for {name}:\n{svg}"
        );
    }
    if full {
        let recorded = output_path(EXAMPLE).with_file_name("chart.svg");
        std::fs::write(&recorded, &svg).expect("record the chart");
    }
    let _ = std::fs::remove_dir_all(&dir);
    before.assert_unchanged(&Snapshot::take(), &format!("{EXAMPLE} ({who:?})"));
}

/// The scale part, short: 1 and 10 containers, then plain ports up to the
/// limit. Root and rootless; the kernel's answer at the limit is the same.
#[test]
fn a_bridge_refuses_its_1024th_port_with_exfull() {
    if !root() {
        return;
    }
    let before = Snapshot::take();
    for who in [As::Root, As::Rootless] {
        let stdout = short_run(who, &["--scale", "--containers", "10"]);
        for line in [
            "         1  ",
            "        10  ",
            "host$ ip link set p1024 master docker0\nRTNETLINK answers: Exchange full\n\n\
             # EXFULL: docker0 has 1023 ports, port 1024 is refused",
        ] {
            assert!(stdout.contains(line), "{who:?}: {line:?} in:\n{stdout}");
        }
        before.assert_unchanged(&Snapshot::take(), &format!("{EXAMPLE} --scale ({who:?})"));
    }
    if recording() {
        let stdout = release_run(&["--scale"]);
        let command = format!("{COMMAND} -- --scale");
        check_raw(EXAMPLE, &command, &stdout, &variant_path(EXAMPLE, "scale"));
    }
}

/// The comparison chapter's table of ours against iperf3 and iperf,
/// `output-tools.txt`, written by `NETLAB_RECORD=1 sudo -E cargo bench -p
/// netlab-tests --bench drivers_iperf3` (a benchmark: it takes ten
/// minutes, and its figures need a quiet machine). What it must hold: the
/// command, a row per path of this example and congestion control, three
/// tools' cells of Gbit/s and CPU seconds per GB at each end, and a verdict
/// that says what the ratio says.
#[test]
fn the_tools_table_has_a_row_per_path_and_congestion_control() {
    let (path, table) = tools_table();
    assert!(
        table.starts_with("$ sudo -E cargo bench -p netlab-tests --bench drivers_iperf3\n"),
        "{} starts with the command that made it",
        path.display()
    );
    for name in ROWS.map(|row| row[..15].trim_end()) {
        for control in ["cubic", "bbr"] {
            let row = tools_row(&table, name, control);
            for (gbit, sender, receiver) in row.cells {
                assert!(gbit > 0.0 && sender > 0.0 && receiver > 0.0, "{}", row.line);
            }
            let within = (row.ratio - 1.0).abs() <= 0.10;
            let verdict = if within {
                "within ±10 %"
            } else {
                "OUTSIDE ±10 %"
            };
            assert_eq!(row.verdict, verdict, "{}", row.line);
        }
    }
}

/// What the comparison chapter says of that table, row by row: each
/// tool's Gbit/s is bound by its sender's CPU, so ours ÷ iperf3 is
/// iperf3's sender CPU per GB ÷ ours (within ±10 %); ours and iperf3 agree
/// on loopback, the host network and the published port; and the overlay
/// costs more CPU per byte (both ends) than the veth pair, for ours and
/// for iperf3, with either congestion control.
#[test]
fn the_tools_table_shows_what_the_chapter_says_of_it() {
    let (_, table) = tools_table();
    for name in ROWS.map(|row| row[..15].trim_end()) {
        for control in ["cubic", "bbr"] {
            let row = tools_row(&table, name, control);
            let [ours, iperf3, _] = row.cells;
            let by_throughput = ours.0 / iperf3.0;
            let by_sender_cpu = iperf3.1 / ours.1;
            assert!(
                (by_throughput / by_sender_cpu - 1.0).abs() <= 0.10,
                "{name} {control}: ours ÷ iperf3 {by_throughput:.2} by Gbit/s, \
                 {by_sender_cpu:.2} by the sender's CPU per GB"
            );
            if ["loopback", "host network", "published port"].contains(&name) {
                assert!((row.ratio - 1.0).abs() <= 0.10, "{}", row.line);
            }
        }
    }
    let both = |cell: (f64, f64, f64)| cell.1 + cell.2;
    for control in ["cubic", "bbr"] {
        let veth = tools_row(&table, "veth pair", control).cells;
        let overlay = tools_row(&table, "overlay", control).cells;
        for (tool, name) in ["ours", "iperf3"].iter().enumerate() {
            assert!(
                both(overlay[tool]) > both(veth[tool]),
                "{control}, {name}: the overlay costs more per byte than the veth pair"
            );
        }
    }
}

/// `output-tools.txt`, and where it is.
fn tools_table() -> (PathBuf, String) {
    let path = variant_path(EXAMPLE, "tools");
    let table =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    (path, table)
}

/// One row of the tools table: per tool (ours, iperf3, iperf2) Gbit/s and
/// CPU s/GB at the sender and the receiver, ours ÷ iperf3, the verdict.
struct ToolsRow {
    line: String,
    cells: [(f64, f64, f64); 3],
    ratio: f64,
    verdict: String,
}

fn tools_row(table: &str, name: &str, control: &str) -> ToolsRow {
    let start = format!("{name:<15} {control:<6} ");
    let line = table
        .lines()
        .find(|line| line.starts_with(&start))
        .unwrap_or_else(|| panic!("the tools table has no row for {name} with {control}"));
    let words: Vec<&str> = line[start.len()..].split_whitespace().collect();
    assert!(
        words.len() >= 9,
        "{line}: three cells, a ratio and a verdict"
    );
    let number = |s: &str| -> f64 {
        s.parse()
            .unwrap_or_else(|_| panic!("{line}: `{s}` is no number"))
    };
    let cell = |at: usize| {
        let (sender, receiver) = words[at + 1]
            .split_once('/')
            .unwrap_or_else(|| panic!("{line}: no sender/receiver"));
        (number(words[at]), number(sender), number(receiver))
    };
    ToolsRow {
        line: line.to_string(),
        cells: [cell(0), cell(2), cell(4)],
        ratio: number(words[6]),
        verdict: words[7..].join(" "),
    }
}

/// A run of the (debug) example as `who`, which must succeed.
fn short_run(who: As, args: &[&str]) -> String {
    let output = netlab_tests::run::output(EXAMPLE, who, args);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{EXAMPLE} {args:?} ({who:?}) succeeds: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The documented command, as root: a release build, full length.
fn release_run(args: &[&str]) -> String {
    let status = cargo::command()
        .args(["build", "--quiet", "--release", "-p", "netlab"])
        .args(["--example", EXAMPLE])
        .current_dir(workspace_root())
        .status()
        .expect("run cargo build --release");
    assert!(
        status.success(),
        "cargo build --release --example {EXAMPLE}"
    );
    let binary = workspace_root()
        .join("target/release/examples")
        .join(EXAMPLE);
    let output = assert_cmd::Command::new(binary)
        .args(args)
        .timeout(Duration::from_secs(180))
        .output()
        .expect("run the release build");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    output.assert().success();
    stdout
}

/// A folder the rootless run (`nobody`) may write its chart in.
fn writable_dir() -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    use std::sync::atomic::{AtomicUsize, Ordering};
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("netlab-measured-{}-{run}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("make a folder for the chart");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).expect("chmod 777");
    dir
}
