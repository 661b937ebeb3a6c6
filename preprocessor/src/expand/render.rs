//! What each directive becomes: a captioned block of code, a transcript, a
//! list of claims, an inline picture, a quoted value, a part of a lesson,
//! or the session plan.

use super::Sources;
use crate::directive::{Directive, LessonPart};
use crate::lesson;
use crate::snippets::{claims_file, output_file, topology_file};

/// The Markdown for one directive: a caption line (raw HTML, styled by
/// `theme/netlab.css`), a blank line, and a fenced block.
pub(super) fn render(directive: &Directive, sources: &Sources) -> Result<String, String> {
    let snippets = &sources.snippets;
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
        Directive::Excerpt {
            name,
            variant,
            section,
        } => {
            let excerpt = snippets.excerpt(name, variant.as_deref(), section)?;
            let file = snippets.shown_path(name, &output_file(variant.as_deref()));
            let caption = format!(
                "recorded output (excerpt): <code>{}</code>",
                escape_html(&file)
            );
            Ok(transcript(&caption, &excerpt))
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
        Directive::Lesson { part, stem } => {
            let lesson = sources.lessons.get(stem)?;
            Ok(match part {
                LessonPart::Frame => lesson::render_frame(lesson),
                LessonPart::KeyPoints => lesson::render_key_points(lesson),
                LessonPart::QuickCheck => lesson::render_quick_check(lesson),
            })
        }
        Directive::SessionPlan => sources.session_plan.clone().ok_or_else(|| {
            "the session plan is made after every lab chapter: `{{#session-plan}}` \
             goes in a chapter's own file, not in an included fragment"
                .to_string()
        }),
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

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
