//! A run on this machine beside the book's recording: the same, or the
//! lines that differ, and, where the book has a recording that explains a
//! line (another Engine, another kernel, forwarding on), which one.
//!
//! The transcripts are compared as the tests compare them, through the
//! same masks (the `netlab-mask` crate): a MAC, an ifindex, a time or an
//! id that changes from run to run is not a difference. The claims of a
//! `--check` run hold no such values, and are compared as they are, as
//! the tests do too.

use std::path::Path;

use serde_json::{Value, json};
use similar::{ChangeTag, TextDiff};

use super::recordings::{Recording, masked, recordings};

/// The verdict on a run of `name` (its claims, with `check`) that printed
/// `stdout`, in the situation of the recording `variant` (`engine-28`;
/// `None`: `output.txt`). As JSON for the page: `outcome` (`same`,
/// `variant`: the same as another recording, `differs`), a `headline`,
/// the `recording` compared with, and `rows`: the compared lines, each
/// `same`, only `here`, or only in the `book`, with `why` where known.
pub fn compare(book: &Path, name: &str, check: bool, variant: Option<&str>, stdout: &str) -> Value {
    let recordings = recordings(book, name, check, variant);
    let fresh = masked(name, check, stdout);
    let shown = |recording: &Recording| format!("snippets/examples/{name}/{}", recording.file);
    let summary = if check {
        claims_summary(stdout)
    } else {
        String::new()
    };
    let masking = match check {
        true => "",
        false => {
            ", masked as the tests mask (MACs, times, ids and ifindexes change from run to run)"
        }
    };
    let main = recordings.iter().find(|r| r.situation.is_none());
    let (outcome, headline) = if let Some(main) = main.filter(|main| main.text == fresh) {
        let headline = format!(
            "The same as the book: this run printed what {} shows{masking}.",
            shown(main)
        );
        ("same", headline)
    } else if let Some(other) = recordings.iter().find(|r| r.text == fresh) {
        let situation = other.situation.as_deref().unwrap_or_default();
        let headline = format!(
            "The same as the book's recording {} ({situation}){masking}.",
            shown(other)
        );
        ("variant", headline)
    } else {
        ("differs", String::new())
    };
    let Some(base) = main.or(recordings.first()) else {
        let kind = if check { "claims" } else { "transcript" };
        return json!({
            "outcome": "differs",
            "headline": format!("{summary}The book has no recording of {name}'s {kind} to compare with."),
            "rows": [],
        });
    };
    let rows = match outcome {
        "same" => Vec::new(),
        _ => rows(base, &fresh, &recordings),
    };
    let headline = match outcome {
        "differs" => {
            let differing = rows.iter().filter(|row| row["kind"] != "same").count();
            let explained = rows.iter().filter(|row| row["why"].is_string()).count();
            let because = match explained {
                0 => String::new(),
                n => format!(", {n} of them as in another recording of the book (marked)"),
            };
            format!(
                "{differing} lines differ from {}{because}{masking}.",
                shown(base)
            )
        }
        _ => headline,
    };
    json!({
        "outcome": outcome,
        "headline": format!("{summary}{headline}"),
        "recording": shown(base),
        "rows": rows,
    })
}

/// `check: 3 claims, 3 passed, 0 failed` as the start of a sentence.
fn claims_summary(stdout: &str) -> String {
    stdout
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix("check: "))
        .map(|counts| format!("On this machine: {counts}. "))
        .unwrap_or_default()
}

/// The lines of `main` and `fresh`, each the same, only here or only in
/// the book. A line only here is explained by the first other recording
/// that has it where this run has it; a line only in the book, by the
/// first other recording that lacks it too.
fn rows(main: &Recording, fresh: &str, all: &[Recording]) -> Vec<Value> {
    let others: Vec<(&Recording, Vec<usize>, Vec<usize>)> = all
        .iter()
        .filter(|other| other.situation.is_some() && !std::ptr::eq(*other, main))
        .map(|other| {
            let here_too = indexes(&other.text, fresh, ChangeTag::Equal, |c| c.new_index());
            let lacking = indexes(&main.text, &other.text, ChangeTag::Delete, |c| {
                c.old_index()
            });
            (other, here_too, lacking)
        })
        .collect();
    let why = |other: &Recording, how: &str| {
        let situation = other.situation.as_deref().unwrap_or_default();
        format!("{how} {}: {situation}", other.file)
    };
    let mut rows = Vec::new();
    for change in TextDiff::from_lines(main.text.as_str(), fresh).iter_all_changes() {
        let text = change.value().trim_end_matches('\n');
        let (kind, why) = match (change.tag(), change.old_index(), change.new_index()) {
            (ChangeTag::Equal, ..) => ("same", None),
            (ChangeTag::Insert, _, Some(line)) => {
                let other = others
                    .iter()
                    .find(|(_, here_too, _)| here_too.contains(&line));
                ("here", other.map(|(other, ..)| why(other, "as in")))
            }
            (_, line, _) => {
                let other = others
                    .iter()
                    .find(|(_, _, lacking)| line.is_some_and(|line| lacking.contains(&line)));
                ("book", other.map(|(other, ..)| why(other, "not in")))
            }
        };
        rows.push(json!({ "kind": kind, "text": text, "why": why }));
    }
    rows
}

/// The line numbers (`index` of each change) that a diff from `old` to
/// `new` tags `tag`.
fn indexes(
    old: &str,
    new: &str,
    tag: ChangeTag,
    index: impl Fn(&similar::Change<&str>) -> Option<usize>,
) -> Vec<usize> {
    TextDiff::from_lines(old, new)
        .iter_all_changes()
        .filter(|change| change.tag() == tag)
        .filter_map(|change| index(&change))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// A book with one example, `bridge`, and its recordings.
    fn book(files: &[(&str, &str)]) -> tempfile::TempDir {
        let book = tempfile::tempdir().expect("a temporary folder");
        let dir = book.path().join("snippets/examples/bridge");
        fs::create_dir_all(&dir).unwrap();
        for (file, text) in files {
            fs::write(dir.join(file), text).unwrap();
        }
        book
    }

    #[test]
    fn masked_as_the_tests_mask_the_same_is_the_same() {
        let book = book(&[(
            "output.txt",
            "$ cargo run --example bridge\n    link/ether 3a:c4:07:f0:76:5d brd ff:ff:ff:ff:ff:ff\n",
        )]);
        let run = "    link/ether 0a:86:b5:74:65:d8 brd ff:ff:ff:ff:ff:ff\n";
        let verdict = compare(book.path(), "bridge", false, None, run);
        assert_eq!(verdict["outcome"], "same", "{verdict}");
        let other = compare(
            book.path(),
            "bridge",
            false,
            None,
            "    link/ether <none>\n",
        );
        assert_eq!(other["outcome"], "differs", "{other}");
        assert_eq!(other["rows"][0]["kind"], "book");
        assert_eq!(other["rows"][1]["kind"], "here");
    }

    #[test]
    fn a_line_as_in_another_recording_says_which() {
        let book = book(&[
            (
                "output-engine-28.txt",
                "$ sudo -E cargo run ... 28.5\nServer 28.5.2\nsame\n",
            ),
            (
                "output-engine-20.txt",
                "$ sudo -E cargo run ... 20.10\nServer 20.10.24\nsame\n",
            ),
            ("output-scale.txt", "$ cargo run -- --scale\nServer 99\n"),
        ]);
        let verdict = compare(
            book.path(),
            "bridge",
            false,
            Some("engine-28"),
            "Server 20.10.24\nsame\n",
        );
        assert_eq!(verdict["outcome"], "variant", "{verdict}");
        let rows = verdict["rows"].as_array().unwrap();
        assert_eq!(rows[0]["kind"], "book");
        assert_eq!(
            rows[0]["why"],
            "not in output-engine-20.txt: Docker Engine 20.10"
        );
        assert_eq!(rows[1]["kind"], "here");
        assert_eq!(
            rows[1]["why"],
            "as in output-engine-20.txt: Docker Engine 20.10"
        );
        assert_eq!(rows[2]["kind"], "same");
        // A recording made with other arguments explains nothing.
        let odd = compare(
            book.path(),
            "bridge",
            false,
            Some("engine-28"),
            "Server 99\nsame\n",
        );
        assert_eq!(odd["outcome"], "differs", "{odd}");
        assert!(odd["rows"][1]["why"].is_null(), "{odd}");
    }

    #[test]
    fn claims_are_compared_as_they_are_and_counted() {
        let book = book(&[(
            "claims.txt",
            "PASS a\ncheck: 1 claims, 1 passed, 0 failed\n",
        )]);
        let same = compare(
            book.path(),
            "bridge",
            true,
            None,
            "PASS a\ncheck: 1 claims, 1 passed, 0 failed\n",
        );
        assert_eq!(same["outcome"], "same", "{same}");
        let failed = compare(
            book.path(),
            "bridge",
            true,
            None,
            "FAIL a\ncheck: 1 claims, 0 passed, 1 failed\n",
        );
        assert_eq!(failed["outcome"], "differs", "{failed}");
        let headline = failed["headline"].as_str().unwrap();
        assert!(
            headline.starts_with("On this machine: 1 claims, 0 passed, 1 failed."),
            "{headline}"
        );
    }
}
