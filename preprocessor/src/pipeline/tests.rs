//! A small book through the whole preprocessor: a lab chapter framed as a
//! lesson, and the page of the session plan before it.

use crate::Netlab;
use mdbook_preprocessor::book::{Book, Chapter};
use mdbook_preprocessor::config::Config;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use std::fs;
use std::path::Path;

/// 200 words of prose: one minute of reading.
fn minute_of_prose() -> String {
    "word ".repeat(200)
}

fn veth_chapter() -> String {
    format!(
        "# veth pairs\n\n{{{{#lesson veth}}}}\n\n{}\n\n## Deep dive: the syscalls\n\n{}\n\n\
         ## Key points\n\n{{{{#keypoints veth}}}}\n\n## Quick check\n\n{{{{#quickcheck veth}}}}\n\n\
         ## Exercises\n\n### Exercise 1 (homework): later\n\nQ.\n\n{SOLUTION}\n\
         ### Exercise 2 (core): in the room\n\nQ.\n\n{SOLUTION}",
        minute_of_prose(),
        minute_of_prose().repeat(5),
    )
}

const SOLUTION: &str =
    "<details class=\"solution\"><summary>Solution</summary>\n\nA.\n\n</details>\n";

/// A book root with `src/lessons/veth.toml` (and no examples).
fn book_root() -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("create a temp dir");
    fs::create_dir_all(root.path().join("src/lessons")).expect("create src/lessons");
    fs::write(
        root.path().join("src/lessons/veth.toml"),
        crate::lesson::SAMPLE,
    )
    .expect("write veth.toml");
    root
}

/// Runs the preprocessor on `chapters` (name, file, content), in order.
fn run(root: &Path, chapters: &[(&str, &str, String)], extra: &str) -> anyhow::Result<Book> {
    let config: Config = format!("[preprocessor.netlab]\n{extra}").parse()?;
    let ctx = PreprocessorContext::new(root.to_path_buf(), config, "html".into());
    let items = chapters
        .iter()
        .map(|(name, file, content)| Chapter::new(name, content.clone(), file, Vec::new()).into())
        .collect();
    Netlab.run(&ctx, Book::new_with_items(items))
}

fn contents(book: &Book) -> Vec<String> {
    book.chapters()
        .map(|chapter| chapter.content.clone())
        .collect()
}

#[test]
fn the_session_plan_shows_each_lab_chapter_it_comes_before() {
    let root = book_root();
    let chapters = [
        (
            "Session plan",
            "session-plan.md",
            "# Session plan\n\n{{#session-plan}}\n".into(),
        ),
        ("veth pairs", "veth.md", veth_chapter()),
        ("Glossary", "glossary.md", "# Glossary\n".into()),
    ];
    let book = run(root.path(), &chapters, "").expect("run the preprocessor");
    let [plan, veth, glossary] = &contents(&book)[..] else {
        panic!("three chapters");
    };
    assert!(
        plan.contains("| [veth pairs](veth.md) | 1 min | 8 min | Exercise 2: in the room |"),
        "the deep dive and the exercises are not read in the session: {plan}"
    );
    assert!(
        plan.contains("| **Total** | **1 min** | **8 min** |"),
        "{plan}"
    );
    assert!(
        veth.contains("\n<div class=\"deep-dive\">\n\n## Deep dive: the syscalls\n"),
        "{veth}"
    );
    assert!(veth.contains("\n</div>\n\n## Key points\n"), "{veth}");
    assert!(veth.contains("<div class=\"netlab-lesson\">"), "{veth}");
    assert_eq!(glossary, "# Glossary\n");
}

#[test]
fn the_instructor_edition_opens_the_answers_and_the_student_one_drops_solutions() {
    let root = book_root();
    let chapters = [("veth pairs", "veth.md", veth_chapter())];
    let book = run(root.path(), &chapters, "edition = \"instructor\"").expect("instructor");
    let veth = &contents(&book)[0];
    assert_eq!(veth.matches("<details class=\"netlab-answer").count(), 2);
    assert_eq!(veth.matches("\" open>\n<summary>").count(), 2, "{veth}");
    let book = run(root.path(), &chapters, "edition = \"student\"").expect("student");
    let veth = &contents(&book)[0];
    assert!(!veth.contains("class=\"solution\""), "{veth}");
    assert!(
        !veth.contains("\" open>"),
        "the answers stay closed: {veth}"
    );
}

#[test]
fn a_lab_chapter_with_an_unmarked_exercise_or_two_lessons_fails() {
    let root = book_root();
    let unmarked = veth_chapter().replace("Exercise 2 (core):", "Exercise 2:");
    let error = run(root.path(), &[("veth pairs", "veth.md", unmarked)], "")
        .expect_err("unmarked exercise");
    assert!(
        error.to_string().starts_with("src/veth.md:")
            && error.to_string().contains("`### Exercise N (core): TITLE`"),
        "{error}"
    );
    let twice = veth_chapter() + "\n{{#lesson veth}}\n";
    let error = run(root.path(), &[("veth pairs", "veth.md", twice)], "").expect_err("two");
    assert_eq!(
        error.to_string(),
        "src/veth.md: 2 `{{#lesson}}` directives: a chapter is one lesson"
    );
}

#[test]
fn a_broken_lesson_file_stops_the_build() {
    let root = book_root();
    let broken = crate::lesson::SAMPLE.replace(", right = true", "");
    fs::write(root.path().join("src/lessons/veth.toml"), broken).unwrap();
    let error = run(
        root.path(),
        &[("Glossary", "glossary.md", "# G\n".into())],
        "",
    )
    .expect_err("no right answer");
    assert_eq!(
        error.to_string(),
        "src/lessons/veth.toml: the quick check has no right answer: mark one with `right = true`"
    );
}

#[test]
fn the_session_plan_belongs_in_the_src_folder() {
    let root = book_root();
    let chapters = [("Plan", "teach/plan.md", "{{#session-plan}}\n".to_string())];
    let error = run(root.path(), &chapters, "").expect_err("in a subfolder");
    assert!(
        error
            .to_string()
            .starts_with("src/teach/plan.md: `{{#session-plan}}` links"),
        "{error}"
    );
}
