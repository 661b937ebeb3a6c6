//! "Run on this machine", through its interface, as a script uses it: the
//! real `cargo xtask serve`, real HTTP requests, and a real run of the
//! veth chapter's example on this machine.
//!
//! | request | answer |
//! |---|---|
//! | `GET /run/NAME?token=T` | the transcript, as plain text or server-sent events |
//! | `GET /run/NAME?token=T&check` | the claims |
//! | no token, or a wrong one | 403 |
//! | a Host or an Origin other than the server's own | 403 |
//! | an unknown NAME | 404 |
//! | while another run runs | 409 |

mod common;

use std::fs;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use common::Served;
use serde_json::Value;

const EVENTS: &str = "Accept: text/event-stream";

/// The server-sent events on `stream` after its headers, each (name, data),
/// until the server closes it.
fn events(stream: TcpStream) -> impl Iterator<Item = (String, String)> {
    stream
        .set_read_timeout(Some(Duration::from_secs(300)))
        .unwrap();
    let mut lines = BufReader::new(stream).lines().map_while(Result::ok);
    let status = lines.next().unwrap_or_default();
    assert_eq!(status, "HTTP/1.1 200 OK", "a stream of events");
    assert!(
        lines.by_ref().any(|line| line.trim_end().is_empty()),
        "the headers end"
    );
    std::iter::from_fn(move || {
        let (mut name, mut data) = (String::from("message"), String::new());
        for line in lines.by_ref() {
            if line.is_empty() {
                return Some((name, data));
            }
            if let Some(value) = line.strip_prefix("event: ") {
                name = value.to_string();
            } else if let Some(value) = line.strip_prefix("data: ") {
                data = value.to_string();
            }
        }
        None
    })
}

/// The example's recorded transcript in the copy of the book, masked as the
/// tests mask it.
fn recorded(served: &Served, name: &str) -> String {
    let path = served
        .book
        .path()
        .join(format!("snippets/examples/{name}/output.txt"));
    let text = fs::read_to_string(&path).expect("read the recording");
    let (command, body) = text.split_once('\n').expect("a command line, then output");
    format!("{command}\n{}", netlab_mask::mask(name, body))
}

#[test]
fn a_run_needs_the_token_and_this_server_s_own_pages() {
    let served = Served::start(&[]);
    let token = format!("token={}", served.token);
    let refused = |target: &str, headers: &[&str], status: u16, says: &str| {
        let (got, body) = served.get(target, headers);
        assert_eq!(got, status, "{target} {headers:?}: {body}");
        assert!(
            body.contains(says),
            "{target} {headers:?}: {body:?} says {says:?}"
        );
    };
    refused("/run/veth", &[], 403, "a run needs the server's token");
    refused(
        "/run/veth?token=0123456789abcdef0123456789abcdef",
        &[],
        403,
        "wrong token",
    );
    refused("/run/veth?check", &[EVENTS], 403, "token");
    let wrong_host = "Host: netlab.example:3000";
    // A second Host header: the server reads the first, ours, so send it alone.
    let mut stream = TcpStream::connect(("127.0.0.1", served.port)).unwrap();
    std::io::Write::write_all(
        &mut stream,
        format!("GET /run/veth?{token} HTTP/1.1\r\n{wrong_host}\r\n\r\n").as_bytes(),
    )
    .unwrap();
    let mut reply = String::new();
    std::io::Read::read_to_string(&mut stream, &mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 403"), "{reply}");
    assert!(reply.contains("not netlab.example:3000"), "{reply}");
    let other_port = format!("Origin: http://127.0.0.1:{}", served.port + 1);
    for origin in [
        "Origin: http://netlab.example",
        "Origin: null",
        other_port.as_str(),
    ] {
        refused(&format!("/run/veth?{token}"), &[origin], 403, "are refused");
    }
    refused(
        &format!("/run/veth?{token}"),
        &["Sec-Fetch-Site: same-site"],
        403,
        "refused",
    );
    // Only the book's examples: not one no chapter shows, nor a path.
    refused(&format!("/run/nope?{token}"), &[], 404, "no example nope");
    refused(
        &format!("/run/docker_cleanup?{token}"),
        &[],
        404,
        "no example",
    );
    refused(
        &format!("/run/../xtask?{token}"),
        &[],
        404,
        "no example ../xtask",
    );
}

#[test]
fn only_the_served_pages_have_run_controls() {
    let served = Served::start(&[]);
    let (status, page) = served.get("/veth.html", &[]);
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("<script src=\"/__netlab/run.js\"></script>"),
        "{page}"
    );
    assert!(page.contains("\"veth\":null"), "veth may run here: {page}");
    let (status, script) = served.get("/__netlab/run.js", &[]);
    assert_eq!(status, 200);
    assert!(script.contains("Run on this machine"), "{script}");
    // The same book, as `cargo xtask build` builds it (the server built it
    // so, into the copy's book/): no run controls, nothing to reload.
    let built = fs::read_to_string(served.book.path().join("book/veth.html")).unwrap();
    assert!(
        built.contains("snippets/examples/veth/output.txt"),
        "the caption run.js finds"
    );
    assert!(
        !built.contains("__netlab"),
        "a built page has no run controls"
    );
}

#[test]
fn a_run_streams_its_transcript_and_says_it_is_the_same_as_the_book() {
    let served = Served::start(&[]);
    let own = format!("Origin: http://127.0.0.1:{}", served.port);
    let target = format!("/run/veth?token={}", served.token);
    let mut lines = Vec::new();
    let mut verdict = None;
    for (name, data) in events(served.send(&target, &[EVENTS, &own])) {
        match name.as_str() {
            "start" => assert_eq!(data, "cargo run --example veth"),
            "line" => {
                assert!(verdict.is_none(), "lines come before the verdict");
                lines.push(data);
            }
            "verdict" => verdict = Some(serde_json::from_str::<Value>(&data).expect("JSON")),
            "note" => eprintln!("note: {data}"),
            other => panic!("an event {other}: {data}"),
        }
    }
    let verdict = verdict.expect("a verdict at the end");
    assert_eq!(verdict["outcome"], "same", "{verdict:#}");
    assert_eq!(verdict["ended"], "exit status: 0");
    let headline = verdict["headline"].as_str().unwrap();
    assert!(headline.starts_with("The same as the book"), "{headline}");
    // What the page showed is what the book shows, masked as the tests mask.
    let shown = format!("$ cargo run --example veth\n{}\n", lines.join("\n"));
    let masked = format!(
        "$ cargo run --example veth\n{}",
        netlab_mask::mask("veth", &shown["$ cargo run --example veth\n".len()..])
    );
    assert_eq!(masked, recorded(&served, "veth"));

    // The same run as plain text: the transcript as the book records it.
    let (status, text) = served.get(&target, &[]);
    assert_eq!(status, 200, "{text}");
    let (command, body) = text.split_once('\n').unwrap();
    assert_eq!(
        format!("{command}\n{}", netlab_mask::mask("veth", body)),
        recorded(&served, "veth")
    );
}

#[test]
fn an_ordinary_user_runs_it_rootless_and_it_is_the_same_as_the_book() {
    if !is_root() {
        eprintln!("as an ordinary user: the other tests of this file ran so");
        return;
    }
    build_example("veth");
    let served = Served::start_as_nobody(&[]);
    let target = format!("/run/veth?token={}", served.token);
    let all: Vec<(String, String)> = events(served.send(&target, &[EVENTS])).collect();
    let notes: Vec<&str> = all
        .iter()
        .filter(|(name, _)| name == "note")
        .map(|(_, note)| note.as_str())
        .collect();
    assert!(
        notes
            .iter()
            .any(|note| note.starts_with("as you, rootless")),
        "{notes:?}"
    );
    let (name, verdict) = all.last().expect("events");
    assert_eq!(name, "verdict");
    let verdict: Value = serde_json::from_str(verdict).unwrap();
    assert_eq!(verdict["outcome"], "same", "{verdict:#}");
    // A Docker chapter's example needs root to start its Engine: it says so.
    let (status, why) = served.get(&format!("/run/docker_bridge?token={}", served.token), &[]);
    assert_eq!(status, 503, "{why}");
    assert!(why.contains("starting dockerd needs root"), "{why}");
}

#[test]
fn as_root_a_docker_chapter_runs_against_a_private_engine() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let engine = root.join("target/engines/28.5/root/usr/sbin/dockerd");
    if !is_root() || !engine.is_file() {
        // `cargo xtask test` runs as root and fetches the Engine first.
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI runs this as root, with the Engine fetched"
        );
        eprintln!("a Docker chapter: NOT RUN, it needs root and `cargo xtask engine 28.5`");
        return;
    }
    let served = Served::start(&[]);
    let target = format!("/run/docker_bridge?token={}", served.token);
    let all: Vec<(String, String)> = events(served.send(&target, &[EVENTS])).collect();
    let (name, command) = &all[0];
    assert_eq!(name, "start");
    assert!(
        command.ends_with("--engine private=$(cargo xtask engine 28.5)"),
        "{command}"
    );
    let (name, verdict) = all.last().expect("events");
    assert_eq!(name, "verdict");
    let verdict: Value = serde_json::from_str(verdict).unwrap();
    assert_eq!(verdict["outcome"], "same", "{verdict:#}");
    assert_eq!(
        verdict["recording"],
        "snippets/examples/docker_bridge/output-engine-28.txt"
    );
}

/// Whether this test runs as root (`/proc/self/status`'s effective uid).
fn is_root() -> bool {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        == Some("0")
}

/// Builds the example (a server run as `nobody` cannot: it may not write
/// in `target/`), unless `cargo xtask test` built them all already.
fn build_example(name: &str) {
    if std::env::var("NETLAB_EXAMPLES_BUILT").is_ok_and(|built| built == "1") {
        return;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = std::process::Command::new(cargo)
        .args(["build", "--example", name, "--package", "netlab"])
        .status()
        .expect("run cargo build");
    assert!(built.success(), "cargo build --example {name}");
}

#[test]
fn the_claims_are_checked_on_this_machine() {
    let served = Served::start(&[]);
    let target = format!("/run/veth?token={}&check", served.token);
    let all: Vec<(String, String)> = events(served.send(&target, &[EVENTS])).collect();
    assert_eq!(
        all[0],
        ("start".into(), "cargo run --example veth -- --check".into())
    );
    let claims: Vec<&str> = all
        .iter()
        .filter(|(name, _)| name == "line")
        .map(|(_, line)| line.as_str())
        .collect();
    let recorded = fs::read_to_string(served.book.path().join("snippets/examples/veth/claims.txt"))
        .expect("read the recorded claims");
    assert_eq!(format!("{}\n", claims.join("\n")), recorded);
    let (name, verdict) = all.last().unwrap();
    assert_eq!(name, "verdict");
    let verdict: Value = serde_json::from_str(verdict).unwrap();
    assert_eq!(verdict["outcome"], "same", "{verdict:#}");
    let headline = verdict["headline"].as_str().unwrap();
    assert!(headline.starts_with("On this machine: "), "{headline}");
    assert!(headline.contains(" 0 failed."), "{headline}");
}

#[test]
fn one_run_at_a_time_and_a_run_is_killed_when_its_page_goes_away() {
    // drivers_measured measures for half a minute: long enough to ask again.
    let served = Served::start(&[]);
    let long = format!("/run/drivers_measured?token={}", served.token);
    let mut first = events(served.send(&long, &[EVENTS]));
    // Its first line: it runs.
    assert!(
        first.any(|(name, _)| name == "line"),
        "drivers_measured prints"
    );
    assert_eq!(children(served.pid()), ["drivers_measured"]);
    let (status, body) = served.get(&format!("/run/veth?token={}", served.token), &[]);
    assert_eq!(status, 409, "{body}");
    assert!(
        body.contains("drivers_measured is running: one run at a time"),
        "{body}"
    );
    // The page goes away: the server kills the run, and the next may start.
    drop(first);
    served.prints("stopped drivers_measured: its page went away");
    assert!(children(served.pid()).is_empty(), "the run is gone");
    let (status, body) = served.get(&format!("/run/veth?token={}", served.token), &[]);
    assert_eq!(status, 200, "{body}");
}

#[test]
fn a_run_dies_with_the_server() {
    let mut served = Served::start(&[]);
    let long = format!("/run/drivers_measured?token={}", served.token);
    let mut page = events(served.send(&long, &[EVENTS]));
    assert!(
        page.any(|(name, _)| name == "line"),
        "drivers_measured prints"
    );
    let run = child_pids(served.pid());
    assert_eq!(run.len(), 1, "one run");
    served.kill();
    // It would measure for half a minute; it dies at once, killed by the
    // kernel when the server goes (a zombie until someone reaps it).
    let started = std::time::Instant::now();
    while fs::read_to_string(format!("/proc/{}/stat", run[0])).is_ok_and(|stat| {
        !stat
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z'))
    }) {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the run outlived its server"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The processes whose parent is `pid`.
fn child_pids(pid: u32) -> Vec<u32> {
    let mut pids = Vec::new();
    for entry in fs::read_dir("/proc").expect("read /proc").flatten() {
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `PID (NAME) STATE PPID ...`, and NAME may hold `) `: the last.
        let parent = stat
            .rsplit_once(") ")
            .and_then(|(_, rest)| rest.split(' ').nth(1))
            .and_then(|ppid| ppid.parse::<u32>().ok());
        if parent == Some(pid)
            && let Ok(child) = entry.file_name().to_string_lossy().parse()
        {
            pids.push(child);
        }
    }
    pids
}

/// The programs whose parent is `pid`: the name of the file each runs.
fn children(pid: u32) -> Vec<String> {
    child_pids(pid)
        .into_iter()
        .filter_map(|child| fs::read_link(format!("/proc/{child}/exe")).ok())
        .map(|program| {
            program
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

#[test]
fn a_run_is_stopped_at_the_time_limit() {
    let served = Served::start(&["--time-limit", "0"]);
    let target = format!("/run/veth?token={}", served.token);
    let (name, data) = events(served.send(&target, &[EVENTS]))
        .last()
        .expect("events");
    assert_eq!(name, "verdict");
    let verdict: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(verdict["outcome"], "stopped", "{verdict:#}");
    let headline = verdict["headline"].as_str().unwrap();
    assert!(
        headline.contains("longer than the time limit"),
        "{headline}"
    );
}
