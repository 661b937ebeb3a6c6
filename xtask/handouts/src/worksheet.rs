//! The worksheet edition: a lab sheet of at most two A4 pages for each lab
//! chapter, and the instructor's key to it (LESSON.md §3).
//!
//! Nothing on a sheet is written for it: everything comes from the chapter
//! and what it points to, read with the preprocessor's own parsers.
//!
//! - the title, from SUMMARY.md;
//! - the questions and objectives, from the lesson file `src/lessons/STEM.toml`
//!   that the chapter's `{{#lesson STEM}}` names ([`mdbook_netlab::lesson`]);
//! - the lab's commands and how to run the example, from the doc comment of
//!   the chapter's example and of its Docker twin `docker_NAME` ([`lab`]);
//! - the picture, the `{{#topology NAME[:vm]}}` the chapter shows;
//! - the core exercises, `### Exercise N (core): ...`, read from the chapter
//!   with its directives expanded ([`mdbook_netlab::exercises`]);
//! - the quick check, from the lesson file;
//! - for the key, the solutions, and the claims the chapter's recorded runs
//!   checked (`claims.txt`), as the values the students should find.
//!
//! Every lab chapter (a chapter that shows a recorded run) must be framed as
//! a lesson: one that is not stops the worksheet with a message naming it.
//!
//! [`page`] reads a chapter for its sheet; [`html`] lays the sheets out as
//! pages for Chromium to print.

pub mod html;
pub mod lab;
mod page;

use anyhow::{Context, Result, bail};
use lab::Lab;
use mdbook_driver::MDBook;
use mdbook_driver::book::BookItem;
use mdbook_netlab::{Directive, Exercise, Lesson, Lessons, Netlab, Snippets, Sources, directives};
use page::Page;
use std::path::Path;

/// One lab chapter's sheet: what the sheet and its key print.
pub struct Sheet {
    /// The chapter's number in the book: the other editions' PDFs carry the
    /// same (`09-veth.pdf`), so a sheet and its chapter's handout match.
    pub number: usize,
    /// The chapter's file stem (`same-bridge` for `src/same-bridge.md`).
    pub stem: String,
    /// The chapter's title, as SUMMARY.md gives it.
    pub title: String,
    pub lesson: Lesson,
    /// The chapter's example, then its Docker twin (`docker_NAME`) if the
    /// chapter shows one.
    pub labs: Vec<Lab>,
    /// The picture the chapter shows (`{{#topology NAME[:vm]}}`), as SVG.
    pub picture: Option<String>,
    /// The core exercises, their Markdown with the directives expanded.
    pub exercises: Vec<Exercise>,
    /// The claims the chapter shows for its example, as the recorded runs
    /// checked them.
    pub claims: Vec<Claims>,
}

/// The claims one recording checked.
pub struct Claims {
    /// The example, and its recordings (`docker_drivers, engine-28 and
    /// engine-20` when both found the same).
    pub source: String,
    pub claims: Vec<String>,
}

/// The sheets of the book at `root`, in the book's order. A lab chapter (a
/// chapter that shows a recorded run) without a lesson is an error that
/// names it: every lab chapter has its sheet.
pub fn sheets(root: &Path) -> Result<Vec<Sheet>> {
    let book = MDBook::load(root).context("load book.toml and src/SUMMARY.md")?;
    let src = book.config.book.src.clone();
    let key = format!("preprocessor.{}.snippets", Netlab::NAME);
    let dir = book
        .config
        .get::<String>(&key)?
        .unwrap_or_else(|| Netlab::DEFAULT_SNIPPETS.to_string());
    let lessons = src.join(Lessons::FOLDER);
    let sources = Sources {
        snippets: Snippets::new(root.join(&dir), &dir),
        lessons: Lessons::load(&root.join(&lessons), &lessons.display().to_string())?,
        session_plan: None,
    };
    let (mut sheets, mut unframed) = (Vec::new(), Vec::new());
    let chapters = book.book.iter().filter_map(|item| match item {
        BookItem::Chapter(chapter) if chapter.path.is_some() => Some(chapter),
        _ => None,
    });
    for (index, chapter) in chapters.enumerate() {
        let Some(source_path) = &chapter.source_path else {
            continue;
        };
        let source = src.join(source_path).display().to_string();
        // The session plan's page is made from the lab chapters, not one of them.
        if directives(&chapter.content, &source)?.contains(&Directive::SessionPlan) {
            continue;
        }
        let page = Page::read(root, &src, chapter, &source, &sources)?;
        match page.frame() {
            Some(lesson_stem) => {
                let sheet = page.sheet(index + 1, &lesson_stem, &sources);
                sheets.push(sheet.with_context(|| format!("the worksheet of {source}"))?);
            }
            None if page.shows_a_run() => unframed.push(source),
            None => {}
        }
    }
    match unframed.as_slice() {
        [] => Ok(sheets),
        _ => bail!(
            "{} {} a recorded run, so {} a lab chapter, but not framed as a lesson: \
             write `{{{{#lesson STEM}}}}` under its title, and src/lessons/STEM.toml \
             (STEM: the chapter's file name), for its lab sheet",
            unframed.join(" and "),
            if unframed.len() == 1 { "shows" } else { "show" },
            if unframed.len() == 1 {
                "it is"
            } else {
                "each is"
            },
        ),
    }
}

#[cfg(test)]
mod tests;
