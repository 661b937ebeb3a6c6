//! Recorded transcripts: `snippets/examples/NAME/output.txt`.
//!
//! The book shows each example's output from this file. A test run compares
//! the fresh transcript with it and fails with a diff when they differ; with
//! `NETLAB_RECORD=1` it writes the file instead. Only values that change
//! from run to run are masked, each with a placeholder a reader understands.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use crate::run::workspace_root;

/// True when this run re-records the outputs (`NETLAB_RECORD=1`) instead
/// of comparing with them.
pub fn recording() -> bool {
    std::env::var("NETLAB_RECORD").is_ok_and(|v| v == "1")
}

/// The recorded output's path.
pub fn output_path(example: &str) -> PathBuf {
    workspace_root()
        .join("snippets/examples")
        .join(example)
        .join("output.txt")
}

/// The transcript as the book shows it: the command, then what it printed,
/// with volatile values masked.
pub fn normalize(example: &str, stdout: &str) -> String {
    static RULES: LazyLock<Vec<(Regex, &str)>> = LazyLock::new(|| {
        [
            // Bridge ids: priority, then the bridge's MAC without colons.
            (r"\b([0-9a-f]{4})\.[0-9a-f]{12}\b", "$1.<mac>"),
            // Round-trip times of ping.
            (r"time=\d+(\.\d+)? ms", "time=<rtt> ms"),
            // The ageing timer of learned MACs in `brctl showmacs`.
            (r"(\tno\t\t) *\d+\.\d\d$", "$1  <age>"),
        ]
        .into_iter()
        .map(|(pattern, replacement)| (Regex::new(&format!("(?m){pattern}")).unwrap(), replacement))
        .collect()
    });
    // Random MACs (kernel-made for veth and bridge), but not the fixed
    // all-zero (loopback) and all-ones (broadcast) addresses.
    static MAC: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b([0-9a-f]{2}:){5}[0-9a-f]{2}\b").unwrap());
    // Namespace inodes differ from run to run, but which lines show the
    // same namespace does not: number them in order of appearance.
    static INODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"net:\[(\d+)\]").unwrap());

    let mut text = stdout.to_string();
    for (pattern, replacement) in RULES.iter() {
        text = pattern.replace_all(&text, *replacement).into_owned();
    }
    text = MAC
        .replace_all(&text, |c: &regex::Captures| match &c[0] {
            "00:00:00:00:00:00" | "ff:ff:ff:ff:ff:ff" => c[0].to_string(),
            _ => "<mac>".to_string(),
        })
        .into_owned();
    let mut seen: Vec<String> = Vec::new();
    text = INODE
        .replace_all(&text, |c: &regex::Captures| {
            let position = seen.iter().position(|s| s == &c[1]).unwrap_or_else(|| {
                seen.push(c[1].to_string());
                seen.len() - 1
            });
            format!("net:[<inode-{}>]", position + 1)
        })
        .into_owned();
    format!("$ cargo run --example {example}\n{text}")
}

/// The recorded output of the same example run somewhere else, when it
/// prints something else there: `output-VARIANT.txt` next to `output.txt`
/// (`output-vm.txt`: the run inside `cargo xtask vm`'s virtual machine,
/// whose kernel has modules this machine's may lack).
pub fn variant_path(example: &str, variant: &str) -> PathBuf {
    output_path(example).with_file_name(format!("output-{variant}.txt"))
}

/// Compares a fresh transcript with the recorded one; re-records it when
/// `NETLAB_RECORD=1`. Panics with a unified diff when they differ.
pub fn check(example: &str, stdout: &str) {
    check_at(example, stdout, &output_path(example));
}

/// [`check`] against the recording at `path` (see [`variant_path`]).
pub fn check_at(example: &str, stdout: &str, path: &Path) {
    if recording() {
        let fresh = normalize(example, stdout);
        // Write, then rename: a reader never sees half a file.
        let partial = path.with_extension("txt.partial");
        std::fs::write(&partial, &fresh)
            .unwrap_or_else(|e| panic!("write {}: {e}", partial.display()));
        std::fs::rename(&partial, path)
            .unwrap_or_else(|e| panic!("rename to {}: {e}", path.display()));
        return;
    }
    compare(example, stdout, path);
}

/// Compares a fresh transcript with the recording at `path`, and never
/// re-records it (for a run that checks another run's recording).
pub fn compare(example: &str, stdout: &str, path: &Path) {
    let fresh = normalize(example, stdout);
    let recorded = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "no recorded output at {} ({e}): record it with `NETLAB_RECORD=1 cargo test -p netlab-tests`",
            path.display()
        )
    });
    if recorded != fresh {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let diff = similar::TextDiff::from_lines(&recorded, &fresh)
            .unified_diff()
            .header(&format!("recorded {name}"), "this run")
            .to_string();
        panic!(
            "the {example} example's transcript drifted from {}:\n{diff}\n\
             If the change is intended, re-record: NETLAB_RECORD=1 cargo test -p netlab-tests",
            path.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_what_changes_and_keeps_the_rest() {
        let raw = "host$ ip a\n    link/ether 3a:fc:83:cc:4b:16 brd ff:ff:ff:ff:ff:ff\n\
                   docker0\t\t8000.bad96c61302f\tno\t\tveth-red\n\
                   64 bytes from 172.17.0.3: icmp_seq=1 ttl=64 time=4.227 ms\n\
                   \x20 1\tea:ab:35:e9:01:34\tno\t\t   0.31\n\
                   \x20 1\tba:d9:6c:61:30:2f\tyes\t\t   0.00\n\
                   net:[4026532177]\nnet:[4026532246]\nnet:[4026532177]\n";
        let expected = "$ cargo run --example bridge\n\
                        host$ ip a\n    link/ether <mac> brd ff:ff:ff:ff:ff:ff\n\
                        docker0\t\t8000.<mac>\tno\t\tveth-red\n\
                        64 bytes from 172.17.0.3: icmp_seq=1 ttl=64 time=<rtt> ms\n\
                        \x20 1\t<mac>\tno\t\t  <age>\n\
                        \x20 1\t<mac>\tyes\t\t   0.00\n\
                        net:[<inode-1>]\nnet:[<inode-2>]\nnet:[<inode-1>]\n";
        assert_eq!(normalize("bridge", raw), expected);
    }
}
