//! Walking a chapter: find each directive, check it, and replace its line with
//! the block it stands for.

use crate::directive::{self, Directive, Parsed};
use crate::snippets::{Snippets, claims_file, output_file, topology_file};
use anyhow::{Result, anyhow};
use mdbook_markdown::pulldown_cmark::{Event, Tag};
use mdbook_markdown::{MarkdownOptions, new_cmark_parser};
use std::ops::Range;

/// Expands every directive of a chapter. `source` names the chapter's file
/// (`src/bridge.md`) in error messages, which read `src/bridge.md:12: ...`.
pub fn expand(markdown: &str, source: &str, snippets: &Snippets) -> Result<String> {
    scan(markdown, source, |directive, indent| {
        render(directive, snippets).map(|block| indent_lines(&block, indent))
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
    snippets: &Snippets,
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
                out.push_str(expand(&fragment, &name, snippets)?.trim_end());
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

/// The Markdown for one directive: a caption line (raw HTML, styled by
/// `theme/netlab.css`), a blank line, and a fenced block.
fn render(directive: &Directive, snippets: &Snippets) -> Result<String, String> {
    match directive {
        Directive::Example { name, file, anchor } => {
            let file = file.as_deref().unwrap_or("main.rs");
            let code = snippets.code(name, file, anchor.as_deref())?;
            let file = snippets.shown_path(name, file);
            let excerpt = if anchor.is_some() { " (excerpt)" } else { "" };
            let caption = format!(
                "<code>{}</code>{excerpt} · run it: <code>cargo run --example {name}</code>",
                escape_html(&file)
            );
            // `ignore`: `mdbook test` and the playground cannot build code that
            // needs the workbook's crates; the examples are tested by cargo.
            Ok(captioned(&caption, "rust,ignore", &code))
        }
        Directive::Output { name, variant } => {
            let output = snippets.output(name, variant.as_deref())?;
            let file = snippets.shown_path(name, &output_file(variant.as_deref()));
            let caption = format!("recorded output: <code>{}</code>", escape_html(&file));
            Ok(transcript(&caption, &output))
        }
        Directive::Value {
            name,
            variant,
            before,
            after,
        } => {
            let value = snippets.value(name, variant.as_deref(), before, after)?;
            // As code, in backticks enough that none inside ends it.
            let ticks = "`".repeat(value.matches('`').count() + 1);
            Ok(format!("{ticks}{value}{ticks}"))
        }
        Directive::Claims { name, variant } => {
            let claims = snippets.claims(name, variant.as_deref())?;
            let file = snippets.shown_path(name, &claims_file(variant.as_deref()));
            let items: Vec<String> = claims
                .iter()
                .map(|claim| format!("<li>{}</li>", escape_html(claim)))
                .collect();
            Ok(format!(
                "<p class=\"netlab-caption\">the chapter's claims, each checked by the recorded run: \
                 <code>{}</code> · check them on your machine: <code>cargo run --example {name} -- --check</code></p>\n\n\
                 <ul class=\"netlab-claims\">\n{}\n</ul>",
                escape_html(&file),
                items.join("\n")
            ))
        }
        // Inlined, not linked: an `<img src>` would need the file copied
        // next to each page (and the print page sits elsewhere); an inline
        // picture goes wherever the page goes, printed handouts included.
        Directive::Topology { name, variant } => {
            let svg = snippets.topology(name, variant.as_deref())?;
            let file = snippets.shown_path(name, &topology_file(variant.as_deref()));
            Ok(format!(
                "<figure class=\"netlab-topology\">\n{svg}\n<figcaption class=\"netlab-caption\">\
                 the lab as the kernel reported it, drawn by the recorded run: <code>{}</code>\
                 </figcaption>\n</figure>",
                escape_html(&file)
            ))
        }
    }
}

fn captioned(caption: &str, language: &str, body: &str) -> String {
    // The fence must be longer than any run of backticks inside the body
    // (a doc comment may hold a ``` block of its own).
    let longest = body
        .lines()
        .map(|line| line.trim_start().chars().take_while(|&c| c == '`').count())
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("<p class=\"netlab-caption\">{caption}</p>\n\n{fence}{language}\n{body}\n{fence}")
}

/// A recorded run as a transcript: HTML of our own, not a code block. A
/// code block would be coloured by highlight.js as a shell script, and a
/// transcript is not one: its `# comments` are narration, its output is
/// plain text, and one apostrophe ("the hosts' eth0") would open a string
/// that colours the lines after it. Here each line is styled alone: a
/// prompt (`host$`, `red$`, and the first line's `$`) and the command
/// typed at it, a narration comment, or plain output. No element spans two
/// lines, so nothing leaks from one into the next.
pub fn transcript(caption: &str, body: &str) -> String {
    let lines: Vec<String> = body.lines().map(transcript_line).collect();
    format!(
        "<p class=\"netlab-caption\">{caption}</p>\n\n<pre class=\"netlab-transcript\">{}</pre>",
        lines.join("\n")
    )
}

/// One line of a transcript, as HTML.
fn transcript_line(line: &str) -> String {
    if line == "#" || line.starts_with("# ") {
        return format!("<span class=\"comment\">{}</span>", escape_html(line));
    }
    if let Some((who, command)) = line.split_once("$ ") {
        let a_name = who.len() <= 24
            && who
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if a_name {
            return format!(
                "<span class=\"prompt\">{}$</span> <span class=\"command\">{}</span>",
                escape_html(who),
                escape_html(command)
            );
        }
    }
    escape_html(line)
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

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests;
