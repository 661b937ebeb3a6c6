//! The real book fits its 2-hour lab session (issue 26): every lab chapter
//! is framed by its lesson file; the cores of the lab chapters read in at
//! most 75 minutes; the session plan adds up to 120 minutes; at most 12
//! exercises are core, and none of them asks for a Rust edit.
//!
//! The chapters are read as the reader gets them: this repository's book,
//! run through the preprocessor (web edition), so included code and
//! transcripts count. `cargo test -p mdbook-netlab --test lessons --
//! --nocapture` prints every chapter's reading time.

use mdbook_driver::MDBook;
use mdbook_driver::book::{Book, BookItem, Chapter};
use mdbook_netlab::chapter::headings;
use mdbook_netlab::directive::LessonPart;
use mdbook_netlab::exercises::Kind;
use mdbook_netlab::session_plan::{CORE_READING_MINUTES, SESSION_MINUTES};
use mdbook_netlab::{Directive, Exercise, Lessons, Netlab, directives, exercises, reading_time};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use std::path::{Path, PathBuf};

/// The lab chapters, in the lab's order (LESSON.md).
const LAB_STEMS: [&str; 12] = [
    "recap",
    "namespaces",
    "iptables",
    "drivers",
    "bridge",
    "veth",
    "same-bridge",
    "dns",
    "overlay",
    "macvlan",
    "ipvlan",
    "comparison",
];

/// At most this many core exercises in the whole book.
const MAX_CORE_EXERCISES: usize = 12;

/// Words in a core exercise's question that ask for a Rust edit (lower case).
const EDIT_WORDS: &[&str] = &[
    "change the example",
    "change the code",
    "edit the",
    "modify the",
    "add a line",
    "```rust",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// One chapter of the real book: as written, and as the reader gets it.
struct Page {
    /// `veth`, for `src/veth.md`.
    stem: String,
    source: String,
    written: String,
    expanded: String,
    /// The stem of its `{{#lesson STEM}}`, if it has one.
    lesson: Option<String>,
}

/// The real book's chapters, in SUMMARY order.
fn pages() -> Vec<Page> {
    let book = MDBook::load(root()).expect("load the real book");
    let ctx = PreprocessorContext::new(root(), book.config.clone(), "html".into());
    let expanded = Netlab
        .run(&ctx, book.book.clone())
        .expect("run the preprocessor on the real book");
    chapters(&book.book)
        .into_iter()
        .zip(chapters(&expanded))
        .map(|(written, expanded)| {
            let path = written.path.clone().expect("a chapter with a file");
            let source = format!("src/{}", path.display());
            let own = directives(&written.content, &source).expect("parse the directives");
            let lesson = own.into_iter().find_map(|directive| match directive {
                Directive::Lesson {
                    part: LessonPart::Frame,
                    stem,
                } => Some(stem),
                _ => None,
            });
            Page {
                stem: path.with_extension("").display().to_string(),
                source,
                written: written.content.clone(),
                expanded: expanded.content.clone(),
                lesson,
            }
        })
        .collect()
}

fn chapters(book: &Book) -> Vec<&Chapter> {
    book.iter()
        .filter_map(|item| match item {
            BookItem::Chapter(chapter) if chapter.path.is_some() => Some(chapter),
            _ => None,
        })
        .collect()
}

fn lessons() -> Lessons {
    Lessons::load(&root().join("src/lessons"), "src/lessons").expect("load the lessons")
}

/// A lab chapter's exercises, which must all be marked core or homework.
fn lab_exercises(page: &Page) -> Vec<Exercise> {
    exercises(&page.written, &page.source).unwrap_or_else(|e| panic!("{e:#}"))
}

#[test]
fn every_lesson_file_frames_its_lab_chapter() {
    let pages = pages();
    let lessons = lessons();
    let mut problems = Vec::new();
    for stem in LAB_STEMS {
        if lessons.get(stem).is_err() {
            problems.push(format!(
                "src/lessons/{stem}.toml: missing: {stem} must be framed"
            ));
        }
    }
    for stem in lessons.stems() {
        if !LAB_STEMS.contains(&stem) {
            problems.push(format!(
                "src/lessons/{stem}.toml: {stem} is not a lab chapter ({})",
                LAB_STEMS.join(", ")
            ));
            continue;
        }
        let Some(page) = pages.iter().find(|page| page.stem == stem) else {
            problems.push(format!(
                "src/lessons/{stem}.toml: no src/{stem}.md in SUMMARY.md"
            ));
            continue;
        };
        let own = directives(&page.written, &page.source).expect("parse the directives");
        for part in [
            LessonPart::Frame,
            LessonPart::KeyPoints,
            LessonPart::QuickCheck,
        ] {
            let wanted = Directive::Lesson {
                part,
                stem: stem.to_string(),
            };
            if !own.contains(&wanted) {
                problems.push(format!(
                    "{}: no {part:?} of its lesson ({wanted:?})",
                    page.source
                ));
            }
        }
        // The worksheet lists the exercises: each must be marked.
        lab_exercises(page);
    }
    for page in &pages {
        if let Some(stem) = &page.lesson
            && *stem != page.stem
        {
            problems.push(format!(
                "{}: `{{{{#lesson {stem}}}}}` frames another chapter; write {{{{#lesson {}}}}}",
                page.source, page.stem
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_core_path_fits_the_session() {
    let pages = pages();
    let lessons = lessons();
    let mut reading = 0;
    let mut planned = 0;
    eprintln!("core reading time (minutes, prose words, code words):");
    for page in &pages {
        let time = reading_time(&page.expanded);
        let framed = page.lesson.is_some();
        eprintln!(
            "  {:<20} {:>3} min ({:.1}) {:>6} {:>6}{}",
            page.stem,
            time.minutes(),
            time.exact_minutes(),
            time.prose_words,
            time.code_words,
            if framed { "  lesson" } else { "" }
        );
        if let Some(stem) = &page.lesson {
            reading += time.minutes();
            planned += lessons.get(stem).expect("its lesson").minutes;
        }
    }
    eprintln!("  lab chapters framed: reading {reading} min, planned {planned} min");
    assert!(
        reading <= CORE_READING_MINUTES,
        "the cores of the framed lab chapters read in {reading} minutes; at most {CORE_READING_MINUTES}"
    );
    assert_eq!(
        planned, SESSION_MINUTES,
        "the session plan adds up to {planned} minutes, not {SESSION_MINUTES}"
    );
}

#[test]
fn core_exercises_fit_the_lab_room() {
    let pages = pages();
    let mut core = Vec::new();
    for page in &pages {
        let found = match page.lesson {
            Some(_) => lab_exercises(page),
            // A chapter not framed yet may still number its exercises
            // without a kind: none of them is core, then.
            None => exercises(&page.written, &page.source).unwrap_or_default(),
        };
        let ours = found.into_iter().filter(|e| e.kind == Kind::Core);
        core.extend(ours.map(|exercise| (page.source.clone(), exercise)));
    }
    let unmarked: usize = pages
        .iter()
        .flat_map(|page| headings(&page.written))
        .filter(|h| h.level == 3 && h.text.contains("(core):"))
        .count();
    assert!(
        core.len() <= MAX_CORE_EXERCISES && unmarked <= MAX_CORE_EXERCISES,
        "{} core exercises; at most {MAX_CORE_EXERCISES}",
        core.len().max(unmarked)
    );
    let edits: Vec<String> = core
        .iter()
        .filter(|(_, exercise)| asks_for_a_rust_edit(&exercise.question))
        .map(|(source, e)| format!("{source}:{}: Exercise {}", e.line, e.number))
        .collect();
    assert!(
        edits.is_empty(),
        "core exercises need no Rust edit (make them homework, or use --keep, --shell, \
         the lab's docker commands or a prediction):\n{}",
        edits.join("\n")
    );
}

/// Whether a question names a Rust file or asks to change code.
fn asks_for_a_rust_edit(question: &str) -> bool {
    let lower = question.to_lowercase();
    let names_a_rust_file = lower
        .split(|c: char| c.is_whitespace() || "`()[],;:".contains(c))
        .any(|word| word.trim_end_matches('.').ends_with(".rs"));
    names_a_rust_file || EDIT_WORDS.iter().any(|words| lower.contains(words))
}

#[test]
fn a_rust_edit_is_recognised() {
    for edit in [
        "Change the example: before the deletion, move the peer.",
        "In `snippets/examples/veth/main.rs`, add a claim.",
        "Edit the example's `main` so that it keeps the pair.",
        "Open main.rs.",
    ] {
        assert!(asks_for_a_rust_edit(edit), "{edit}");
    }
    for not_an_edit in [
        "Give the ends addresses and run `ping -c 1 10.0.0.2`.",
        "Run `cargo run --example veth -- --keep` and predict what `ip a` shows.",
        "What does `docker network inspect bridge` print for `.Subnet`?",
    ] {
        assert!(!asks_for_a_rust_edit(not_an_edit), "{not_an_edit}");
    }
}
