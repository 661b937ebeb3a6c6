//! No value in the prose that no run printed: every MAC address, ping or
//! round-trip time, throughput, `N: eth0@ifM` pair, random veth name, bridge
//! id or short container id that a chapter's prose quotes must appear in a
//! file the chapter includes (its examples' recordings, claims, pictures or
//! code). A value typed by hand from a run that is not shown, or from an
//! older run, fails here with its file and line.
//!
//! Fenced code blocks are left out: they are the lab's own commands, or
//! the blocks the directives make.

use std::fs;
use std::path::{Path, PathBuf};

use mdbook_netlab::Directive;
use mdbook_netlab::snippets::{claims_file, output_file};
use regex::Regex;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The kinds of run-to-run values the prose may quote, each with the part
/// that must appear in an included file (a time's number, `0.185`, whatever
/// the recording prints around it).
fn value_patterns() -> Vec<(&'static str, Regex)> {
    [
        ("a MAC address", r"\b[0-9a-f]{2}(?::[0-9a-f]{2}){5}\b"),
        ("a time", r"\b(\d+\.\d+) ?(?:ms|µs)\b"),
        ("a throughput", r"\b(\d+(?:\.\d+)?) ?Gbit/s\b"),
        ("an ifindex pair", r"\b\d+: [a-z][a-z0-9_.-]*@if\d+\b"),
        ("a random veth name", r"\bveth[0-9a-f]{7}\b"),
        ("a bridge id", r"\b[0-9a-f]{4}\.[0-9a-f]{12}\b"),
        ("a short container id", r"\b[0-9a-f]{12}\b"),
    ]
    .into_iter()
    .map(|(kind, pattern)| (kind, Regex::new(pattern).expect("a valid pattern")))
    .collect()
}

/// Addresses no run makes: loopback and broadcast.
const FIXED: [&str; 2] = ["00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"];

/// Each value `markdown`'s prose quotes that is in none of `included`, as
/// `SOURCE:LINE: KIND VALUE`.
fn unbacked(markdown: &str, source: &str, included: &str) -> Vec<String> {
    let patterns = value_patterns();
    let mut problems = Vec::new();
    let mut fenced = false;
    for (number, line) in markdown.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        for (kind, pattern) in &patterns {
            for found in pattern.captures_iter(line) {
                let value = found
                    .get(1)
                    .unwrap_or_else(|| found.get(0).unwrap())
                    .as_str();
                if FIXED.contains(&value) || included.contains(value) {
                    continue;
                }
                problems.push(format!(
                    "{source}:{}: {kind}, `{}`, is in no file the chapter includes",
                    number + 1,
                    &found[0]
                ));
            }
        }
    }
    problems
}

/// The text of every file a chapter's directives show.
fn included_files(markdown: &str, source: &str) -> String {
    let directives = mdbook_netlab::directives(markdown, source)
        .unwrap_or_else(|e| panic!("read the directives of {source}: {e}"));
    let examples = root().join("snippets/examples");
    let mut text = String::new();
    for directive in directives {
        let (name, file) = match directive {
            Directive::Example { name, file, .. } => {
                (name, file.unwrap_or_else(|| "main.rs".into()))
            }
            Directive::Output { name, variant }
            | Directive::Excerpt { name, variant, .. }
            | Directive::Value { name, variant, .. } => (name, output_file(variant.as_deref())),
            Directive::Claims { name, variant } => (name, claims_file(variant.as_deref())),
            Directive::Topology { name, variant } => (
                name,
                mdbook_netlab::snippets::topology_file(variant.as_deref()),
            ),
            // From src/lessons, not from a recording.
            Directive::Lesson { .. } | Directive::SessionPlan => continue,
        };
        let path = examples.join(&name).join(&file);
        text.push_str(
            &fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{source} includes {}: {e}", path.display())),
        );
    }
    text
}

/// A chapter with the fragments it includes (`{{#include docker/NAME.md}}`).
fn with_fragments(markdown: &str) -> String {
    let include = Regex::new(r"(?m)^\{\{#include ([a-z/_-]+\.md)\}\}$").unwrap();
    include
        .replace_all(markdown, |found: &regex::Captures| {
            fs::read_to_string(root().join("src").join(&found[1]))
                .unwrap_or_else(|e| panic!("read src/{}: {e}", &found[1]))
        })
        .into_owned()
}

#[test]
fn every_value_the_prose_quotes_is_in_a_recording_the_chapter_shows() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for entry in fs::read_dir(root().join("src")).expect("read src/") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let source = format!("src/{}", path.file_name().unwrap().to_string_lossy());
        let markdown = with_fragments(&fs::read_to_string(&path).unwrap());
        let included = included_files(&markdown, &source);
        problems.extend(unbacked(&markdown, &source, &included));
        checked += 1;
    }
    assert!(checked >= 15, "read the chapters ({checked})");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_value_typed_from_another_run_is_found() {
    let recording = "host$ ip link show eth0\n2: eth0@if3: <BROADCAST> mtu 1500\n    link/ether 22:72:53:53:9b:5a brd ff:ff:ff:ff:ff:ff\n64 bytes from 192.168.20.1: icmp_seq=1 ttl=64 time=0.185 ms\n";
    let prose = "The host's `eth0`, `fe:ab:17:72:f1:a7` in this run, answered in\n\
                 `time=0.469 ms`; `2: eth0@if3` and `22:72:53:53:9b:5a` are real.\n\
                 ```console\n$ ip link add x 11:22:33:44:55:66\n```\n";
    let problems = unbacked(prose, "src/macvlan.md", recording);
    assert_eq!(
        problems,
        [
            "src/macvlan.md:1: a MAC address, `fe:ab:17:72:f1:a7`, is in no file the chapter includes",
            "src/macvlan.md:2: a time, `0.469 ms`, is in no file the chapter includes",
        ]
    );
}
