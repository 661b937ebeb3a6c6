//! The shape of a chapter that its framing as a lesson relies on: its
//! headings, its named sections (`## Exercises`, `## Quick check`), and its
//! deep dives, which the web book marks and lets a reader hide.
//!
//! A deep dive starts at a `## Deep dive: TITLE` heading and runs to the next
//! `##` (or `#`) heading that is not a deep dive, or to the chapter's end;
//! its `###` subsections belong to it. Headings are found with the parser
//! mdBook renders with, so a `## ` line inside a fenced code block, or in a
//! list item or a quote, starts nothing.

use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
use mdbook_markdown::{MarkdownOptions, new_cmark_parser};
use std::ops::Range;

/// How the heading of a deep dive starts.
pub const DEEP_DIVE: &str = "Deep dive: ";

/// The class of the `<div>` a deep dive is wrapped in (see `theme/netlab.css`
/// and `theme/core-path.js`).
pub const DEEP_DIVE_CLASS: &str = "deep-dive";

/// A heading of the chapter, outside code, lists and quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 for `#`, 2 for `##`, ...
    pub level: u8,
    /// Its text as the reader sees it (code spans without backticks).
    pub text: String,
    /// Byte offset of the start of its line.
    pub start: usize,
    /// Byte offset just past its line (or lines, for a setext heading).
    pub end: usize,
    /// Its 1-based line number.
    pub line: usize,
}

/// The chapter's top-level headings, in order.
pub fn headings(markdown: &str) -> Vec<Heading> {
    let mut found = Vec::new();
    let mut nested = 0; // inside lists and quotes
    let mut current: Option<Heading> = None;
    for (event, range) in new_cmark_parser(markdown, &MarkdownOptions::default()).into_offset_iter()
    {
        match event {
            Event::Start(Tag::List(_) | Tag::BlockQuote(_)) => nested += 1,
            Event::End(TagEnd::List(_) | TagEnd::BlockQuote(_)) => nested -= 1,
            Event::Start(Tag::Heading { level, .. }) if nested == 0 => {
                let start = markdown[..range.start].rfind('\n').map_or(0, |at| at + 1);
                // Just past its last line, newline included.
                let end = match markdown[..range.end].ends_with('\n') {
                    true => range.end,
                    false => markdown[range.end..]
                        .find('\n')
                        .map_or(markdown.len(), |at| range.end + at + 1),
                };
                current = Some(Heading {
                    level: level as u8,
                    text: String::new(),
                    start,
                    end,
                    line: markdown[..start].matches('\n').count() + 1,
                });
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(heading) = &mut current {
                    heading.text.push_str(&text);
                }
            }
            Event::End(TagEnd::Heading(_)) => found.extend(current.take()),
            _ => {}
        }
    }
    found
}

/// Whether a heading starts a deep dive.
pub fn is_deep_dive(heading: &Heading) -> bool {
    heading.level == 2 && heading.text.starts_with(DEEP_DIVE)
}

/// The byte ranges of the deep dives: from the start of a deep dive's
/// heading line to the start of the next `##` or `#` heading that is not a
/// deep dive (so two deep dives in a row make one range), or the end.
pub fn deep_dives(markdown: &str) -> Vec<Range<usize>> {
    let headings = headings(markdown);
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut open: Option<usize> = None;
    for heading in headings.iter().filter(|heading| heading.level <= 2) {
        match (open, is_deep_dive(heading)) {
            (None, true) => open = Some(heading.start),
            (Some(start), false) => {
                ranges.push(start..heading.start);
                open = None;
            }
            _ => {}
        }
    }
    ranges.extend(open.map(|start| start..markdown.len()));
    ranges
}

/// The byte ranges of the sections headed `## TITLE` (exactly that text),
/// each up to the next `##` or `#` heading.
pub fn sections(markdown: &str, title: &str) -> Vec<Range<usize>> {
    let headings: Vec<Heading> = headings(markdown)
        .into_iter()
        .filter(|heading| heading.level <= 2)
        .collect();
    headings
        .iter()
        .enumerate()
        .filter(|(_, heading)| heading.level == 2 && heading.text == title)
        .map(|(index, heading)| {
            let end = headings.get(index + 1).map_or(markdown.len(), |h| h.start);
            heading.start..end
        })
        .collect()
}

/// The chapter with each deep dive wrapped in `<div class="deep-dive">` and
/// `</div>`, each on a line of its own between blank lines: the Markdown
/// inside is still Markdown to mdBook, which renders it and gives its
/// headings their ids, as it would without the `<div>`.
pub fn wrap_deep_dives(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + 64);
    let mut copied = 0;
    for range in deep_dives(markdown) {
        out.push_str(&markdown[copied..range.start]);
        blank_line(&mut out);
        out.push_str(&format!("<div class=\"{DEEP_DIVE_CLASS}\">\n\n"));
        out.push_str(&markdown[range.start..range.end]);
        blank_line(&mut out);
        out.push_str("</div>\n\n");
        copied = range.end;
    }
    out.push_str(&markdown[copied..]);
    out
}

/// Ends `out` with an empty line (unless it is empty): an HTML block
/// starts, and the one before it ends, only after a blank line.
fn blank_line(out: &mut String) {
    if out.is_empty() || out.ends_with("\n\n") {
        return;
    }
    out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
}

#[cfg(test)]
mod tests;
