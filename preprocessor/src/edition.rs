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
    if edition == Edition::Web || (blocks.is_empty() && !markdown.contains(PRINTED_OPEN)) {
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
mod tests {
    use super::*;

    const CHAPTER: &str = "\
# veth pairs

## Exercises

1. Delete the other end.

<details class=\"solution\"><summary>Solution</summary>

Both ends go: `ip link delete vpeerA`.

```text
<details class=\"solution\"> in code is not markup
</details>
```

</details>

<details class=\"instructor\"><summary>Instructor notes</summary>

Demo it live.

</details>

The end.
";

    #[test]
    fn finds_both_kinds_of_block_and_skips_code() {
        let found = blocks(CHAPTER, "src/veth.md").expect("parse the blocks");
        let summary: Vec<(&str, (usize, usize))> =
            found.iter().map(|b| (b.class.as_str(), b.lines)).collect();
        assert_eq!(summary, [("solution", (7, 16)), ("instructor", (18, 22))]);
        assert!(
            found[0].text.contains("in code is not markup"),
            "{:?}",
            found[0].text
        );
        assert_eq!(found[1].text, "\nDemo it live.\n\n");
    }

    #[test]
    fn the_web_edition_leaves_the_chapter_as_written() {
        let out = apply(CHAPTER, "src/veth.md", Edition::Web).expect("apply");
        assert_eq!(out, CHAPTER);
    }

    #[test]
    fn the_student_edition_removes_solutions_and_notes() {
        let out = apply(CHAPTER, "src/veth.md", Edition::Student).expect("apply");
        assert_eq!(
            out,
            "# veth pairs\n\n## Exercises\n\n1. Delete the other end.\n\n\n\nThe end.\n"
        );
    }

    #[test]
    fn the_instructor_edition_opens_them() {
        let out = apply(CHAPTER, "src/veth.md", Edition::Instructor).expect("apply");
        assert!(
            out.contains("<details class=\"solution\" open><summary>Solution</summary>\n"),
            "{out}"
        );
        assert!(
            out.contains(
                "<details class=\"instructor\" open><summary>Instructor notes</summary>\n"
            ),
            "{out}"
        );
        // The one in the code block stays as it was.
        assert!(
            out.contains("```text\n<details class=\"solution\"> in code"),
            "{out}"
        );
        assert_eq!(out.len(), CHAPTER.len() + 2 * " open".len());
    }

    #[test]
    fn mistakes_name_the_line() {
        let unclosed = "text\n<details class=\"solution\"><summary>Solution</summary>\n\nno end\n";
        let error = blocks(unclosed, "src/veth.md").expect_err("unclosed");
        assert_eq!(
            error.to_string(),
            "src/veth.md:2: the solution block opened here has no `</details>` on a line of its own"
        );
        let nested = "<details class=\"instructor\">\n<details>\n</details>\n</details>\n";
        let error = apply(nested, "src/veth.md", Edition::Student).expect_err("nested");
        assert!(
            error.to_string().starts_with(
                "src/veth.md:2: a <details> inside the instructor block opened on line 1"
            ),
            "{error}"
        );
    }

    #[test]
    fn the_printed_editions_open_the_other_engines_transcript() {
        let chapter = "a\n<details class=\"engine-20\"><summary>What Engine 20.10 printed</summary>\n\nx\n\n</details>\n";
        for edition in [Edition::Student, Edition::Instructor] {
            let out = apply(chapter, "src/docker/bridge.md", edition).expect("apply");
            assert!(
                out.contains("<details class=\"engine-20\" open><summary>"),
                "{edition:?}: {out}"
            );
        }
        let web = apply(chapter, "src/docker/bridge.md", Edition::Web).expect("apply");
        assert_eq!(web, chapter, "the web book leaves it collapsed");
    }

    #[test]
    fn other_details_are_not_ours() {
        let other =
            "<details><summary>More</summary>\n\nx\n\n</details>\n<details class=\"solutions\">\n";
        assert_eq!(blocks(other, "src/a.md").expect("parse"), []);
    }

    #[test]
    fn edition_names_round_trip() {
        for name in Edition::NAMES {
            assert_eq!(Edition::parse(name).expect("parse").name(), *name);
        }
        let error = Edition::parse("teacher").expect_err("unknown");
        assert_eq!(
            error.to_string(),
            "unknown edition `teacher`: the editions are web, student, instructor"
        );
    }
}
