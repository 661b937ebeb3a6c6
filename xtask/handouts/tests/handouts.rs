//! Makes the handouts, both editions, with the real `cargo xtask handouts`,
//! and reads every PDF back as text (`pdfinfo`, `pdftotext` from Debian's
//! poppler-utils): each has pages; each chapter's handout, and the session's,
//! holds the chapter's commands, example code and recorded output; the
//! student edition holds no solution and no instructor note, the instructor
//! edition holds both; no navigation chrome is printed.
//!
//! Text is compared with all whitespace removed: the printed page wraps long
//! lines, breaks pages, and turns tabs into spaces.

mod pdf;

use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
use mdbook_markdown::{MarkdownOptions, new_cmark_parser};
use mdbook_netlab::{Directive, Snippets, directives, edition};
use pdf::{available, pdf_pages, pdf_text, plain_parts, squeeze, svg_text};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const BOOK_TITLE: &str = "Container networking from the syscalls up";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The chapters in reading order, as SUMMARY.md lists them (`namespaces.md`).
fn chapters() -> Vec<String> {
    let summary = fs::read_to_string(root().join("src/SUMMARY.md")).expect("read SUMMARY.md");
    summary
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .map(str::to_string)
        .collect()
}

/// What every edition of a chapter's handout must hold: its code blocks (the
/// lab's commands) outside the hidden blocks, and each line of the example
/// code and recorded output it includes.
fn must_show(markdown_without_blocks: &str, source: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_code = false;
    for event in new_cmark_parser(markdown_without_blocks, &MarkdownOptions::default()) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(text) if in_code => lines.extend(text.lines().map(squeeze)),
            _ => {}
        }
    }
    let snippets = Snippets::new(root().join("snippets"), "snippets");
    for directive in directives(markdown_without_blocks, source).expect("parse the directives") {
        let text = match &directive {
            Directive::Example { name, file, anchor } => snippets.code(
                name,
                file.as_deref().unwrap_or("main.rs"),
                anchor.as_deref(),
            ),
            Directive::Output { name, variant } => snippets.output(name, variant.as_deref()),
            Directive::Excerpt {
                name,
                variant,
                section,
            } => snippets.excerpt(name, variant.as_deref(), section),
            // The picture's words: the names and addresses it labels.
            Directive::Topology { name, variant } => snippets
                .topology(name, variant.as_deref())
                .map(|svg| svg_text(&svg)),
            // A value is a word of a sentence, not a block of its own.
            Directive::Value { .. } | Directive::Lesson { .. } | Directive::SessionPlan => continue,
            Directive::Claims { name, variant } => snippets
                .claims(name, variant.as_deref())
                .map(|claims| claims.join("\n")),
        };
        lines.extend(text.expect("read the example").lines().map(squeeze));
    }
    lines.retain(|line| !line.is_empty());
    lines
}

struct Chapter {
    file: String,
    show: Vec<String>,
    /// Text of each solution or instructor-notes block: (class, line, parts).
    hidden: Vec<(String, usize, Vec<String>)>,
    /// The parts of `hidden` found nowhere else in the chapter: the student
    /// edition must not hold them.
    distinctive: Vec<String>,
    mentions_title: bool,
}

fn read_chapter(file: &str) -> Chapter {
    let markdown = fs::read_to_string(root().join("src").join(file)).expect("read a chapter");
    let source = format!("src/{file}");
    let student = edition::apply(&markdown, &source, edition::Edition::Student)
        .expect("apply the student edition");
    let blocks = edition::blocks(&markdown, &source).expect("find the blocks");
    let rest = squeeze(&plain_parts(&student).concat());
    let hidden: Vec<(String, usize, Vec<String>)> = blocks
        .iter()
        .map(|block| (block.class.clone(), block.lines.0, plain_parts(&block.text)))
        .collect();
    let mut distinctive = Vec::new();
    for (class, line, parts) in &hidden {
        let own: Vec<String> = parts
            .iter()
            .filter(|part| part.len() >= 30 && !rest.contains(part.as_str()))
            .cloned()
            .collect();
        assert!(
            !own.is_empty(),
            "{source}:{line}: the {class} block has no text of its own to look for"
        );
        distinctive.extend(own);
    }
    Chapter {
        file: file.to_string(),
        show: must_show(&student, &source),
        hidden,
        distinctive,
        mentions_title: markdown.contains(BOOK_TITLE),
    }
}

#[test]
fn handouts_hold_the_chapters_in_both_editions() {
    if !available("chromium", "--version") || !available("pdftotext", "-v") {
        eprintln!(
            "handouts_hold_the_chapters_in_both_editions: NOT RUN, it needs chromium and \
             poppler-utils (apt-get install chromium poppler-utils)"
        );
        return;
    }
    let out = tempfile::tempdir().expect("create a temp dir");
    let run = Command::new(env!("CARGO_BIN_EXE_netlab-handouts"))
        .args(["--out"])
        .arg(out.path())
        .output()
        .expect("run xtask handouts");
    assert!(
        run.status.success(),
        "cargo xtask handouts failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );

    let chapters: Vec<Chapter> = chapters().iter().map(|file| read_chapter(file)).collect();
    let blocks: usize = chapters.iter().map(|c| c.hidden.len()).sum();
    assert!(
        blocks >= 8,
        "the chapters carry solutions and notes: {blocks} blocks"
    );

    for edition in ["student", "instructor"] {
        let folder = out.path().join(edition);
        let session_pdf = folder.join("session.pdf");
        assert!(
            pdf_pages(&session_pdf) > 0,
            "{}: no pages",
            session_pdf.display()
        );
        let session = pdf_text(&session_pdf);
        for (index, chapter) in chapters.iter().enumerate() {
            let stem = chapter.file.trim_end_matches(".md");
            let pdf = folder.join(format!("{:02}-{stem}.pdf", index + 1));
            assert!(pdf.is_file(), "{} was not written", pdf.display());
            assert!(pdf_pages(&pdf) > 0, "{}: no pages", pdf.display());
            let text = pdf_text(&pdf);
            for (what, text) in [
                (pdf.display().to_string(), &text),
                (format!("{edition}/session.pdf"), &session),
            ] {
                for line in &chapter.show {
                    assert!(
                        text.contains(line.as_str()),
                        "{what} lacks this line of {}: {line}",
                        chapter.file
                    );
                }
                if edition == "student" {
                    for part in &chapter.distinctive {
                        assert!(
                            !text.contains(part.as_str()),
                            "{what}, student edition, holds hidden text of {}: {part}",
                            chapter.file
                        );
                    }
                } else {
                    for (class, line, parts) in &chapter.hidden {
                        for part in parts {
                            assert!(
                                text.contains(part.as_str()),
                                "{what} lacks the {class} block of src/{}:{line}: {part}",
                                chapter.file
                            );
                        }
                    }
                }
            }
            // mdBook's menu bar shows the book's title; the print stylesheet hides it.
            if !chapter.mentions_title {
                assert!(
                    !text.contains(&squeeze(BOOK_TITLE)),
                    "{}: navigation chrome printed",
                    pdf.display()
                );
            }
        }
    }
}
