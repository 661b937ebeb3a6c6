//! Editions of the book: what happens to solutions and instructor notes.
//!
//! A chapter marks them with two kinds of collapsed block, each opening and
//! closing on a line of its own, with blank lines around the Markdown inside
//! (HTML blocks end at a blank line; without it, mdBook would not render the
//! Markdown):
//!
//! ```text
//! <details class="solution"><summary>Solution</summary>
//!
//! Markdown ...
//!
//! </details>
//!
//! <details class="instructor"><summary>Instructor notes</summary>
//!
//! Markdown ...
//!
//! </details>
//! ```
//!
//! - [`Edition::Web`], the default: left as written, so the web book shows
//!   both blocks collapsed (a reader opens a solution after trying).
//! - [`Edition::Student`]: both kinds of block are removed, with their text.
//! - [`Edition::Instructor`]: both are opened (`<details ... open>`), because
//!   a printed page shows only the summary of a closed `<details>`.
//!
//!
//! Both printed editions also open the other Engine's transcript
//! (`<details class="engine-20">`, what Engine 20.10 printed): paper cannot
//! be clicked open, and instructors compare the two.
//!
//! A quick check's answers (`<details class="netlab-answer ...">`, see
//! [`crate::lesson`]) stay closed in the student edition, which prints each
//! answer as a choice to tick, and open in the instructor's, which prints
//! whether each is right, and why.
//!
//! The edition comes from `edition = "student"` under `[preprocessor.netlab]`
//! in `book.toml`, which mdBook also reads from its environment variable:
//! `MDBOOK_PREPROCESSOR__NETLAB__EDITION=student mdbook build`.
//! `cargo xtask handouts` sets it for each edition it prints.

use crate::expand::code_ranges;
use anyhow::{Result, anyhow, bail};

/// The classes of the blocks an edition removes or opens.
pub const CLASSES: &[&str] = &["solution", "instructor"];

/// The opening line of a block that the printed editions open and the web
/// book leaves collapsed: another Engine version's transcript.
pub const PRINTED_OPEN: &str = "<details class=\"engine-20\">";

/// How the opening line of a quick check's answer starts: the instructor
/// edition opens it.
pub const ANSWER_OPEN: &str = "<details class=\"netlab-answer";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Edition {
    /// The web book: solutions and instructor notes collapsed.
    #[default]
    Web,
    /// Exercises without solutions or instructor notes.
    Student,
    /// Solutions and instructor notes, open.
    Instructor,
}

impl Edition {
    pub const NAMES: &[&str] = &["web", "student", "instructor"];

    pub fn parse(name: &str) -> Result<Edition> {
        match name {
            "web" => Ok(Edition::Web),
            "student" => Ok(Edition::Student),
            "instructor" => Ok(Edition::Instructor),
            _ => bail!(
                "unknown edition `{name}`: the editions are {}",
                Edition::NAMES.join(", ")
            ),
        }
    }

    pub fn name(self) -> &'static str {
        Edition::NAMES[self as usize]
    }
}

/// One solution or instructor-notes block of a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// `solution` or `instructor`.
    pub class: String,
    /// 1-based line numbers of its `<details ...>` and `</details>` lines.
    pub lines: (usize, usize),
    /// The Markdown between them.
    pub text: String,
}

/// The class of a line that opens one of our blocks, if it does.
fn opening_class(line: &str) -> Option<&'static str> {
    let line = line.trim();
    CLASSES.iter().copied().find(|class| {
        line.strip_prefix(&format!("<details class=\"{class}\">"))
            .is_some_and(|rest| rest.is_empty() || rest.starts_with("<summary>"))
    })
}

/// Finds the blocks of a chapter. `source` names the chapter's file in errors.
/// Lines inside code blocks are never markup (a page may show the syntax).
pub fn blocks(markdown: &str, source: &str) -> Result<Vec<Block>> {
    let code = code_ranges(markdown);
    let mut found = Vec::new();
    let mut open: Option<(&str, usize, String)> = None;
    let mut offset = 0;
    for (index, line) in markdown.split_inclusive('\n').enumerate() {
        let number = index + 1;
        let in_code = code.iter().any(|range| range.contains(&offset));
        offset += line.len();
        if in_code {
            if let Some((_, _, text)) = &mut open {
                text.push_str(line);
            }
            continue;
        }
        match (&mut open, opening_class(line)) {
            (None, Some(class)) => open = Some((class, number, String::new())),
            (None, None) => {}
            (Some((class, start, _)), _) if line.trim_start().starts_with("<details") => {
                bail!(
                    "{source}:{number}: a <details> inside the {class} block opened on line {start}; close that one first"
                )
            }
            (Some(_), _) if line.trim() == "</details>" => {
                let (class, start, text) = open.take().expect("a block is open");
                found.push(Block {
                    class: class.to_string(),
                    lines: (start, number),
                    text,
                });
            }
            (Some((_, _, text)), _) => text.push_str(line),
        }
    }
    match open {
        Some((class, start, _)) => Err(anyhow!(
            "{source}:{start}: the {class} block opened here has no `</details>` on a line of its own"
        )),
        None => Ok(found),
    }
}

/// Applies `edition` to a chapter: see the module's documentation.
pub fn apply(markdown: &str, source: &str, edition: Edition) -> Result<String> {
    let blocks = blocks(markdown, source)?;
    let nothing_to_open = !markdown.contains(PRINTED_OPEN) && !markdown.contains(ANSWER_OPEN);
    if edition == Edition::Web || (blocks.is_empty() && nothing_to_open) {
        return Ok(markdown.to_string());
    }
    let mut out = String::with_capacity(markdown.len());
    for (index, line) in markdown.split_inclusive('\n').enumerate() {
        let number = index + 1;
        let block = blocks
            .iter()
            .find(|block| (block.lines.0..=block.lines.1).contains(&number));
        match (edition, block) {
            (_, None) if line.starts_with(PRINTED_OPEN) => {
                out.push_str(&line.replacen(PRINTED_OPEN, "<details class=\"engine-20\" open>", 1));
            }
            (Edition::Instructor, None) if line.starts_with(ANSWER_OPEN) => {
                out.push_str(&line.replacen("\">", "\" open>", 1));
            }
            (_, None) => out.push_str(line),
            (Edition::Student, Some(_)) => {}
            (_, Some(block)) if block.lines.0 == number => {
                let tag = format!("<details class=\"{}\">", block.class);
                let open = format!("<details class=\"{}\" open>", block.class);
                out.push_str(&line.replacen(&tag, &open, 1));
            }
            (_, Some(_)) => out.push_str(line),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
