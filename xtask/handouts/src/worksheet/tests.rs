//! A small book of its own, in a temporary folder: one lab chapter framed
//! as a lesson, and one that is not.

use super::*;
use std::fs;

/// The framed chapter: its frame, picture, run, claims, and a homework and
/// a core exercise whose question quotes a value of the recording.
const VETH: &str = "\
# veth pairs

{{#lesson veth}}

{{#topology veth}}

{{#output veth}}

{{#claims veth}}

## Exercises

### Exercise 1 (homework): later

Change the example.

<details class=\"solution\"><summary>Solution</summary>

Later.

</details>

### Exercise 2 (core): the address

Is {{#value veth link/ether {} }} random?

<details class=\"solution\"><summary>Solution</summary>

Yes.

</details>
";

const LESSON: &str = r#"
minutes = 9
questions = ["What is a veth?"]
objectives = ["Create a pair", "Delete it"]
key_points = ["A cable.", "Two ends."]
[quick_check]
question = "Which?"
answers = [{ text = "This", why = "Because", right = true }, { text = "That", why = "No" }]
"#;

const MAIN: &str = "\
//! A veth pair.
//!
//! Equivalent to (lab step 7):
//!
//! ```text
//! ip link add vethA type veth peer name vpeerA
//! ```
//!
//! Run it: `cargo run --example veth`.

fn main() {}
";

/// Writes the book; `summary` lists its chapters.
fn book(summary: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("create a temp dir");
    let files = [
        (
            "book.toml",
            "[book]\ntitle = \"t\"\n\n[preprocessor.netlab]\nsnippets = \"lab\"\n",
        ),
        ("src/SUMMARY.md", summary),
        ("src/veth.md", VETH),
        ("src/bridge.md", "# The bridge\n\n{{#output veth}}\n"),
        ("src/lessons/veth.toml", LESSON),
        ("lab/examples/veth/main.rs", MAIN),
        (
            "lab/examples/veth/output.txt",
            "host$ ip a\n    link/ether 0a:1b brd\n",
        ),
        (
            "lab/examples/veth/claims.txt",
            "PASS the pair exists\ncheck: 1 claims\n",
        ),
        (
            "lab/examples/veth/topology.svg",
            "<svg width=\"9\" height=\"9\"></svg>\n",
        ),
    ];
    for (path, text) in files {
        let path = root.path().join(path);
        fs::create_dir_all(path.parent().expect("a folder")).expect("create a folder");
        fs::write(path, text).expect("write a file");
    }
    root
}

#[test]
fn a_framed_lab_chapter_makes_a_sheet_of_its_parts() {
    let root = book("# Summary\n\n- [veth pairs](veth.md)\n");
    let sheets = sheets(root.path()).expect("make the sheets");
    let [sheet] = sheets.as_slice() else {
        panic!("one sheet, not {}", sheets.len());
    };
    assert_eq!((sheet.number, sheet.stem.as_str()), (1, "veth"));
    assert_eq!(sheet.title, "veth pairs");
    assert_eq!(sheet.lesson.minutes, 9);
    assert_eq!(
        sheet.labs,
        [Lab {
            example: "veth".into(),
            caption: "Equivalent to (lab step 7)".into(),
            commands: "ip link add vethA type veth peer name vpeerA".into(),
            run: "cargo run --example veth".into(),
        }]
    );
    assert!(
        sheet
            .picture
            .as_deref()
            .is_some_and(|svg| svg.starts_with("<svg"))
    );
    let [core] = sheet.exercises.as_slice() else {
        panic!("the core exercise only");
    };
    assert_eq!(core.number, 2);
    assert_eq!(core.question, "Is `0a:1b` random?", "its value quoted");
    assert_eq!(core.solution, "Yes.");
    let [claims] = sheet.claims.as_slice() else {
        panic!("one recording's claims");
    };
    assert_eq!(
        (claims.source.as_str(), &claims.claims[..]),
        ("veth", &["the pair exists".to_string()][..])
    );
}

#[test]
fn a_lab_chapter_without_its_frame_is_an_error_that_names_it() {
    let root = book("# Summary\n\n- [veth pairs](veth.md)\n- [The bridge](bridge.md)\n");
    let error = sheets(root.path())
        .err()
        .expect("the bridge chapter is not framed");
    assert_eq!(
        error.to_string(),
        "src/bridge.md shows a recorded run, so it is a lab chapter, but not framed as a \
         lesson: write `{{#lesson STEM}}` under its title, and src/lessons/STEM.toml \
         (STEM: the chapter's file name), for its lab sheet"
    );
}
