//! The editions on a small chapter: what each removes, opens or leaves.

use super::*;

const CHAPTER: &str = "\
# veth pairs

## Exercises

1. Delete the other end.

<details class=\"solution\"><summary>Solution</summary>

Both ends go: `ip link delete vpeerA`.

```text
<details class=\"solution\"> in code is not markup
</details>
```

</details>

<details class=\"instructor\"><summary>Instructor notes</summary>

Demo it live.

</details>

The end.
";

#[test]
fn finds_both_kinds_of_block_and_skips_code() {
    let found = blocks(CHAPTER, "src/veth.md").expect("parse the blocks");
    let summary: Vec<(&str, (usize, usize))> =
        found.iter().map(|b| (b.class.as_str(), b.lines)).collect();
    assert_eq!(summary, [("solution", (7, 16)), ("instructor", (18, 22))]);
    assert!(
        found[0].text.contains("in code is not markup"),
        "{:?}",
        found[0].text
    );
    assert_eq!(found[1].text, "\nDemo it live.\n\n");
}

#[test]
fn the_web_edition_leaves_the_chapter_as_written() {
    let out = apply(CHAPTER, "src/veth.md", Edition::Web).expect("apply");
    assert_eq!(out, CHAPTER);
}

#[test]
fn the_student_edition_removes_solutions_and_notes() {
    let out = apply(CHAPTER, "src/veth.md", Edition::Student).expect("apply");
    assert_eq!(
        out,
        "# veth pairs\n\n## Exercises\n\n1. Delete the other end.\n\n\n\nThe end.\n"
    );
}

#[test]
fn the_instructor_edition_opens_them() {
    let out = apply(CHAPTER, "src/veth.md", Edition::Instructor).expect("apply");
    assert!(
        out.contains("<details class=\"solution\" open><summary>Solution</summary>\n"),
        "{out}"
    );
    assert!(
        out.contains("<details class=\"instructor\" open><summary>Instructor notes</summary>\n"),
        "{out}"
    );
    // The one in the code block stays as it was.
    assert!(
        out.contains("```text\n<details class=\"solution\"> in code"),
        "{out}"
    );
    assert_eq!(out.len(), CHAPTER.len() + 2 * " open".len());
}

#[test]
fn mistakes_name_the_line() {
    let unclosed = "text\n<details class=\"solution\"><summary>Solution</summary>\n\nno end\n";
    let error = blocks(unclosed, "src/veth.md").expect_err("unclosed");
    assert_eq!(
        error.to_string(),
        "src/veth.md:2: the solution block opened here has no `</details>` on a line of its own"
    );
    let nested = "<details class=\"instructor\">\n<details>\n</details>\n</details>\n";
    let error = apply(nested, "src/veth.md", Edition::Student).expect_err("nested");
    assert!(
        error
            .to_string()
            .starts_with("src/veth.md:2: a <details> inside the instructor block opened on line 1"),
        "{error}"
    );
}

#[test]
fn the_printed_editions_open_the_other_engines_transcript() {
    let chapter = "a\n<details class=\"engine-20\"><summary>What Engine 20.10 printed</summary>\n\nx\n\n</details>\n";
    for edition in [Edition::Student, Edition::Instructor] {
        let out = apply(chapter, "src/docker/bridge.md", edition).expect("apply");
        assert!(
            out.contains("<details class=\"engine-20\" open><summary>"),
            "{edition:?}: {out}"
        );
    }
    let web = apply(chapter, "src/docker/bridge.md", Edition::Web).expect("apply");
    assert_eq!(web, chapter, "the web book leaves it collapsed");
}

#[test]
fn only_the_instructor_edition_opens_the_quick_checks_answers() {
    let chapter = "<details class=\"netlab-answer netlab-right\">\n<summary>\n\n**A.** x\n\n</summary>\n\n**Right.** y\n\n</details>\n";
    let out = apply(chapter, "src/veth.md", Edition::Instructor).expect("apply");
    assert!(
        out.starts_with("<details class=\"netlab-answer netlab-right\" open>\n"),
        "{out}"
    );
    for edition in [Edition::Web, Edition::Student] {
        assert_eq!(
            apply(chapter, "src/veth.md", edition).expect("apply"),
            chapter
        );
    }
}

#[test]
fn other_details_are_not_ours() {
    let other =
        "<details><summary>More</summary>\n\nx\n\n</details>\n<details class=\"solutions\">\n";
    assert_eq!(blocks(other, "src/a.md").expect("parse"), []);
}

#[test]
fn edition_names_round_trip() {
    for name in Edition::NAMES {
        assert_eq!(Edition::parse(name).expect("parse").name(), *name);
    }
    let error = Edition::parse("teacher").expect_err("unknown");
    assert_eq!(
        error.to_string(),
        "unknown edition `teacher`: the editions are web, student, instructor"
    );
}
