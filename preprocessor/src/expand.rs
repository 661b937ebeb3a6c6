//! Walking a chapter: find each directive, check it, and replace its line with
//! the block it stands for.

use crate::directive::{self, Directive, Parsed};
use crate::lesson::Lessons;
use crate::snippets::Snippets;
use anyhow::{Result, anyhow};
use mdbook_markdown::pulldown_cmark::{Event, Tag};
use mdbook_markdown::{MarkdownOptions, new_cmark_parser};
use std::ops::Range;

mod render;
use render::render;
pub use render::transcript;

/// What the directives read.
pub struct Sources {
    /// The examples folder: code, recordings, pictures, claims.
    pub snippets: Snippets,
    /// The lesson files (`src/lessons/STEM.toml`).
    pub lessons: Lessons,
    /// The session plan's table, once every lab chapter has been expanded
    /// (it shows their reading times); `None` until then.
    pub session_plan: Option<String>,
}

impl Sources {
    /// A book without lessons (yet): examples only.
    pub fn new(snippets: Snippets) -> Self {
        Sources {
            snippets,
            lessons: Lessons::default(),
            session_plan: None,
        }
    }
}

/// Expands every directive of a chapter. `source` names the chapter's file
/// (`src/bridge.md`) in error messages, which read `src/bridge.md:12: ...`.
pub fn expand(markdown: &str, source: &str, sources: &Sources) -> Result<String> {
    scan(markdown, source, |directive, indent| {
        render(directive, sources).map(|block| indent_lines(&block, indent))
    })
}

/// Includes the chapter fragments a chapter names with mdBook's own
/// `{{#include FILE.md}}`, on a line of its own and outside code, after
/// expanding our directives inside each one. mdBook's `links` preprocessor,
/// which would otherwise include them, runs after us (see book.toml): too
/// late for the directives a fragment holds. `read` returns a fragment's
/// text and the name to give it in error messages (`src/docker/iptables.md`).
/// Other includes (code files, anchors, line ranges) are left to `links`.
pub fn include_fragments(
    markdown: &str,
    source: &str,
    sources: &Sources,
    read: impl Fn(&str) -> Result<(String, String)>,
) -> Result<String> {
    let code = code_ranges(markdown);
    let mut out = String::with_capacity(markdown.len());
    let mut offset = 0;
    for (index, line) in markdown.split_inclusive('\n').enumerate() {
        let text = line.trim();
        let target = text
            .strip_prefix("{{#include ")
            .and_then(|rest| rest.strip_suffix("}}"))
            .map(str::trim)
            .filter(|target| target.ends_with(".md"));
        let in_code = code.iter().any(|range| range.contains(&offset));
        offset += line.len();
        match target {
            Some(target) if !in_code => {
                let (fragment, name) =
                    read(target).map_err(|e| anyhow!("{source}:{}: {e}", index + 1))?;
                out.push_str(expand(&fragment, &name, sources)?.trim_end());
                out.push_str(&line[line.trim_end_matches(['\r', '\n']).len()..]);
            }
            _ => out.push_str(line),
        }
    }
    Ok(out)
}

/// The directives of a chapter, in order, without expanding them (the book's
/// tests use this to know which examples a page must show).
pub fn directives(markdown: &str, source: &str) -> Result<Vec<Directive>> {
    let mut found = Vec::new();
    scan(markdown, source, |directive, _| {
        found.push(directive.clone());
        Ok(String::new())
    })?;
    Ok(found)
}

/// Copies `markdown`, letting `replace` produce the text that takes the place
/// of each directive's line.
fn scan(
    markdown: &str,
    source: &str,
    mut replace: impl FnMut(&Directive, &str) -> Result<String, String>,
) -> Result<String> {
    let code = code_ranges(markdown);
    let mut out = String::with_capacity(markdown.len());
    let mut offset = 0; // of the current line in `markdown`
    for (index, line) in markdown.split_inclusive('\n').enumerate() {
        let in_code = |at: usize| code.iter().any(|range| range.contains(&(offset + at)));
        let expanded = expand_line(line, in_code, &mut replace)
            .map_err(|message| anyhow!("{source}:{}: {message}", index + 1))?;
        out.push_str(&expanded);
        offset += line.len();
    }
    Ok(out)
}

/// One line: copied as it is, unless it holds a directive of ours.
fn expand_line(
    line: &str,
    in_code: impl Fn(usize) -> bool,
    replace: &mut impl FnMut(&Directive, &str) -> Result<String, String>,
) -> Result<String, String> {
    let mut out = String::new();
    let mut copied = 0; // bytes of `line` already in `out`
    let mut search = 0;
    while let Some(found) = line[search..].find("{{#") {
        let start = search + found;
        search = start + "{{#".len();
        if in_code(start) {
            continue; // a page about directives shows them in code
        }
        let parsed = directive::parse(&line[start..]);
        if line[..start].ends_with('\\') {
            // Escaped: shown, not expanded. mdBook's `links` preprocessor drops
            // the backslash of its own directives (`\{{#include}}`) after us.
            if parsed != Ok(Parsed::Mdbook) {
                out.push_str(&line[copied..start - 1]);
                copied = start;
            }
            continue;
        }
        match parsed? {
            Parsed::Mdbook => continue,
            // A value stands in a sentence: replaced where it is.
            Parsed::Ours(directive @ Directive::Value { .. }, len) => {
                out.push_str(&line[copied..start]);
                out.push_str(&replace(&directive, "")?);
                copied = start + len;
                search = copied;
            }
            Parsed::Ours(directive, len) => {
                // The block replaces the whole line, so nothing else may share it.
                let (indent, rest) = (&line[..start], &line[start + len..]);
                if !indent.trim().is_empty() || !rest.trim().is_empty() {
                    return Err(format!(
                        "`{}` must stand on a line of its own (to show it in prose, \
                         put it in `code` or write \\{})",
                        &line[start..start + len],
                        &line[start..start + len],
                    ));
                }
                let newline = &line[line.trim_end_matches(['\r', '\n']).len()..];
                return Ok(replace(&directive, indent)? + newline);
            }
        }
    }
    out.push_str(&line[copied..]);
    Ok(out)
}

/// Byte ranges of code blocks and code spans, found by the parser mdBook
/// renders with, so "is this code?" gets the same answer as on the page.
pub(crate) fn code_ranges(markdown: &str) -> Vec<Range<usize>> {
    new_cmark_parser(markdown, &MarkdownOptions::default())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => Some(range),
            _ => None,
        })
        .collect()
}

/// A directive indented inside a list item gets its block indented the same.
fn indent_lines(block: &str, indent: &str) -> String {
    let lines: Vec<String> = block
        .lines()
        .map(|line| match line {
            "" => String::new(),
            _ => format!("{indent}{line}"),
        })
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests;
