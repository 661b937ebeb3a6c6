//! How long the core of a chapter takes to read, counted on the chapter as
//! the reader gets it: after the preprocessor, so the code and transcripts
//! it includes count.
//!
//! The core is what is left outside the deep dives, the `## Exercises` and
//! `## Quick check` sections, and every `<details>` block (solutions,
//! instructor notes, another Engine's transcript). Prose reads at 200
//! words a minute; code blocks and transcripts (`<pre>`), which a reader
//! scans more than reads, at 300. The pictures' labels are not counted.
//! A word is a run of non-blank characters that holds a letter or a digit
//! (`|` or `}` alone is not one); HTML tags are not words, and neither is a
//! link's address.

use crate::chapter::{deep_dives, sections};
use crate::expand::code_ranges;
use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
use mdbook_markdown::{MarkdownOptions, new_cmark_parser};
use std::ops::Range;

/// The sections of a lab chapter that are not read in the session.
pub const NOT_CORE_SECTIONS: &[&str] = &["Exercises", "Quick check"];

/// The words of a chapter's core, by how fast they are read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadingTime {
    /// Words of prose (paragraphs, lists, headings, tables, captions).
    pub prose_words: usize,
    /// Words of code blocks and transcripts.
    pub code_words: usize,
}

impl ReadingTime {
    pub const PROSE_WORDS_PER_MINUTE: usize = 200;
    pub const CODE_WORDS_PER_MINUTE: usize = 300;

    /// The minutes, unrounded.
    pub fn exact_minutes(&self) -> f64 {
        self.prose_words as f64 / Self::PROSE_WORDS_PER_MINUTE as f64
            + self.code_words as f64 / Self::CODE_WORDS_PER_MINUTE as f64
    }

    /// The minutes, to the nearest whole minute (half a minute rounds up):
    /// what the session plan shows, and what its totals add up.
    pub fn minutes(&self) -> u32 {
        self.exact_minutes().round() as u32
    }
}

/// The reading time of the core of an expanded chapter (see the module's
/// documentation for what is counted).
pub fn reading_time(markdown: &str) -> ReadingTime {
    let skipped = not_core(markdown);
    let is_core = |at: usize| !skipped.iter().any(|range| range.contains(&at));
    let mut prose = String::new();
    let mut code = String::new();
    let mut html = HtmlState::default();
    let mut in_code_block = false;
    for (event, range) in new_cmark_parser(markdown, &MarkdownOptions::default()).into_offset_iter()
    {
        let core = is_core(range.start);
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                code.push(' ');
            }
            Event::Text(text) if in_code_block && core => code.push_str(&text),
            // Text is split at quotes and entities: joined, not spaced.
            Event::Text(text) | Event::Code(text) if core => prose.push_str(&text),
            Event::Html(text) | Event::InlineHtml(text) => {
                for line in text.split_inclusive('\n') {
                    html.line(line, core, &mut prose, &mut code);
                }
            }
            // Emphasis and links run inside a word ("`veth`s"); every other
            // event (a paragraph's end, a line break, ...) separates words.
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Link { .. })
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Link) => {}
            _ => prose.push(' '),
        }
    }
    ReadingTime {
        prose_words: words(&prose),
        code_words: words(&code),
    }
}

/// Where we are in raw HTML, across its lines: inside a transcript's
/// `<pre>`, or a picture's `<svg>`.
#[derive(Default)]
struct HtmlState {
    in_pre: bool,
    in_svg: bool,
}

impl HtmlState {
    /// One line of raw HTML: its text, tags taken out, goes to the code
    /// (in a `<pre>`), nowhere (in an `<svg>`) or the prose.
    fn line(&mut self, line: &str, core: bool, prose: &mut String, code: &mut String) {
        self.in_pre |= line.contains("<pre");
        self.in_svg |= line.contains("<svg");
        let text = without_tags(line);
        match (core, self.in_svg, self.in_pre) {
            (false, _, _) | (_, true, _) => {}
            (true, false, true) => code.push_str(&text),
            (true, false, false) => prose.push_str(&text),
        }
        if line.ends_with('\n') {
            prose.push(' ');
            code.push(' ');
        }
        self.in_pre &= !line.contains("</pre>");
        self.in_svg &= !line.contains("</svg>");
    }
}

/// The byte ranges that are not the core: deep dives, the sections not
/// read in the session, and `<details>` blocks.
fn not_core(markdown: &str) -> Vec<Range<usize>> {
    let mut ranges = deep_dives(markdown);
    for title in NOT_CORE_SECTIONS {
        ranges.extend(sections(markdown, title));
    }
    ranges.extend(details_blocks(markdown));
    ranges
}

/// The byte ranges of `<details>` blocks, from their opening line to the
/// end of the line that closes them (nested ones inside), outside code.
pub fn details_blocks(markdown: &str) -> Vec<Range<usize>> {
    let code = code_ranges(markdown);
    let mut ranges = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut offset = 0;
    for line in markdown.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        // Tags shown in code (`<details>` in a code span) are not tags.
        let tags = |tag: &str| {
            line.match_indices(tag)
                .filter(|(at, _)| !code.iter().any(|range| range.contains(&(line_start + at))))
                .count()
        };
        let opened = tags("<details>") + tags("<details ");
        let closed = tags("</details>");
        if depth == 0 && opened > 0 {
            start = line_start;
        }
        let was_open = depth > 0 || opened > 0;
        depth = (depth + opened).saturating_sub(closed);
        if was_open && depth == 0 {
            ranges.push(start..offset);
        }
    }
    if depth > 0 {
        ranges.push(start..markdown.len());
    }
    ranges
}

/// `text` without its HTML tags (`<code>`, `</span>`, ...): a tag inside a
/// word (`<code>veth</code>s`) does not split it.
fn without_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The words of `text`: runs of non-blank characters holding a letter or a digit.
fn words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .count()
}

#[cfg(test)]
mod tests;
