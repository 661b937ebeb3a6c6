//! What the preprocessor does to a whole book, in two passes.
//!
//! 1. Each chapter: include its fragments, expand its directives, and, for a
//!    lab chapter (one with `{{#lesson STEM}}`), note its row of the session
//!    plan (its core's reading time is counted on the expanded text); then
//!    wrap its deep dives and apply the edition.
//! 2. The chapter holding `{{#session-plan}}`, which was left for now: its
//!    table needs every lab chapter's row, so it is expanded last.

use crate::chapter::wrap_deep_dives;
use crate::directive::{Directive, LessonPart};
use crate::edition::{self, Edition};
use crate::exercises::{Kind, exercises};
use crate::expand::{Sources, directives, expand, include_fragments};
use crate::reading::reading_time;
use crate::session_plan::{self, Row};
use anyhow::{Result, anyhow, bail};
use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::{Book, Chapter};

/// Runs both passes over `book`; stops at the first mistake, with one
/// clear message (the author fixes one line at a time anyway).
pub fn run(
    ctx: &PreprocessorContext,
    mut book: Book,
    mut sources: Sources,
    edition: Edition,
) -> Result<Book> {
    let mut rows = Vec::new();
    let mut later = Vec::new(); // chapters holding the session plan, by position
    let mut position = 0;
    each_chapter(&mut book, |chapter| {
        position += 1;
        let source = source_of(ctx, chapter);
        let own = directives(&chapter.content, &source)?;
        if own.contains(&Directive::SessionPlan) {
            later.push(position);
            return Ok(());
        }
        let expanded = expand_chapter(ctx, chapter, &source, &sources)?;
        rows.extend(plan_row(chapter, &own, &expanded, &source, &sources)?);
        chapter.content = finish(&expanded, &source, edition)?;
        Ok(())
    })?;
    if later.is_empty() {
        return Ok(book);
    }
    sources.session_plan = Some(session_plan::render(&rows));
    let mut position = 0;
    each_chapter(&mut book, |chapter| {
        position += 1;
        if !later.contains(&position) {
            return Ok(());
        }
        let source = source_of(ctx, chapter);
        // The table links the chapters from the book's `src` folder.
        if chapter.path.as_ref().and_then(|p| p.parent()) != Some("".as_ref()) {
            bail!(
                "{source}: `{{{{#session-plan}}}}` links to the chapters from the book's src folder: put it in a page there"
            );
        }
        let expanded = expand_chapter(ctx, chapter, &source, &sources)?;
        chapter.content = finish(&expanded, &source, edition)?;
        Ok(())
    })?;
    Ok(book)
}

/// Calls `change` on every chapter, in the book's order, until one fails.
fn each_chapter(book: &mut Book, mut change: impl FnMut(&mut Chapter) -> Result<()>) -> Result<()> {
    let mut first_error = None;
    book.for_each_chapter_mut(|chapter| {
        if first_error.is_none() {
            first_error = change(chapter).err();
        }
    });
    first_error.map_or(Ok(()), Err)
}

/// The chapter's file as the author knows it (`src/bridge.md`), for messages.
fn source_of(ctx: &PreprocessorContext, chapter: &Chapter) -> String {
    match &chapter.source_path {
        Some(path) => ctx.config.book.src.join(path).display().to_string(),
        None => chapter.name.clone(),
    }
}

/// The chapter with its fragments included and every directive expanded.
fn expand_chapter(
    ctx: &PreprocessorContext,
    chapter: &Chapter,
    source: &str,
    sources: &Sources,
) -> Result<String> {
    // `{{#include docker/bridge.md}}`: relative to the chapter's folder.
    let folder = chapter
        .source_path
        .as_ref()
        .and_then(|path| path.parent())
        .map(|path| ctx.config.book.src.join(path))
        .unwrap_or_else(|| ctx.config.book.src.clone());
    let read = |target: &str| {
        let shown = folder.join(target);
        std::fs::read_to_string(ctx.root.join(&shown))
            .map(|text| (text, shown.display().to_string()))
            .map_err(|e| anyhow!("cannot include {}: {e}", shown.display()))
    };
    let content = include_fragments(&chapter.content, source, sources, read)?;
    expand(&content, source, sources)
}

/// The last steps, on the expanded chapter: deep dives marked, and the
/// edition's solutions and notes removed or opened.
fn finish(expanded: &str, source: &str, edition: Edition) -> Result<String> {
    edition::apply(&wrap_deep_dives(expanded), source, edition)
}

/// The session plan's row of a lab chapter (one with `{{#lesson STEM}}`
/// among `own`, its own directives), or `None` for another chapter. Its
/// exercises are read from the chapter's own file, so that a mistake's
/// line is one the author finds there.
fn plan_row(
    chapter: &Chapter,
    own: &[Directive],
    expanded: &str,
    source: &str,
    sources: &Sources,
) -> Result<Option<Row>> {
    let frames: Vec<&str> = own
        .iter()
        .filter_map(|directive| match directive {
            Directive::Lesson {
                part: LessonPart::Frame,
                stem,
            } => Some(stem.as_str()),
            _ => None,
        })
        .collect();
    let stem = match frames.as_slice() {
        [] => return Ok(None),
        [stem] => *stem,
        _ => bail!(
            "{source}: {} `{{{{#lesson}}}}` directives: a chapter is one lesson",
            frames.len()
        ),
    };
    let lesson = sources
        .lessons
        .get(stem)
        .map_err(|e| anyhow!("{source}: {e}"))?;
    let core_exercises = exercises(&chapter.content, source)?
        .into_iter()
        .filter(|exercise| exercise.kind == Kind::Core)
        .map(|exercise| format!("Exercise {}: {}", exercise.number, exercise.title))
        .collect();
    let path = chapter.path.as_ref().map(|path| path.display().to_string());
    Ok(Some(Row {
        title: chapter.name.clone(),
        path: path.unwrap_or_default(),
        reading: reading_time(expanded),
        minutes: lesson.minutes,
        core_exercises,
    }))
}

#[cfg(test)]
mod tests;
