//! `{{#session-plan}}`: the instructor's table of the 2-hour session. One
//! row per lab chapter (a chapter framed by `{{#lesson STEM}}`), in the
//! book's order: the minutes its core takes to read (counted, see
//! [`crate::reading`]), the minutes the plan gives it (its lesson file's
//! `minutes`: reading, running the example, the core exercise), and its
//! core exercise; then the totals.

use crate::reading::ReadingTime;

/// The session the book follows: the plan's minutes add up to this.
pub const SESSION_MINUTES: u32 = 120;

/// At most this many minutes to read the cores of all lab chapters.
pub const CORE_READING_MINUTES: u32 = 75;

/// One lab chapter in the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The chapter's title, as SUMMARY.md gives it.
    pub title: String,
    /// Its file, relative to the book's `src` (`veth.md`).
    pub path: String,
    /// How long its core takes to read.
    pub reading: ReadingTime,
    /// The minutes its lesson file gives it.
    pub minutes: u32,
    /// The titles of its core exercises, as Markdown.
    pub core_exercises: Vec<String>,
}

/// The table, as Markdown, linking each chapter relative to the book's
/// `src` folder (where the page holding the plan must be).
pub fn render(rows: &[Row]) -> String {
    if rows.is_empty() {
        return "No chapter is framed as a lesson yet: write `{{#lesson STEM}}` \
                under a lab chapter's title, and `src/lessons/STEM.toml`."
            .to_string();
    }
    let mut lines = vec![
        "| Chapter | Reading the core (counted) | In the plan | Core exercise |".to_string(),
        "|:--|--:|--:|:--|".to_string(),
    ];
    for row in rows {
        lines.push(format!(
            "| [{}]({}) | {} min | {} min | {} |",
            cell(&row.title),
            row.path,
            row.reading.minutes(),
            row.minutes,
            cell(&row.core_exercises.join("; ")),
        ));
    }
    let reading: u32 = rows.iter().map(|row| row.reading.minutes()).sum();
    let planned: u32 = rows.iter().map(|row| row.minutes).sum();
    let core: usize = rows.iter().map(|row| row.core_exercises.len()).sum();
    lines.push(format!(
        "| **Total** | **{reading} min** | **{planned} min** | {} |",
        plural(core, "core exercise")
    ));
    lines.push(String::new());
    lines.push(format!(
        "The plan gives {planned} of the session's {SESSION_MINUTES} minutes to the \
         {} framed so far; reading their cores takes {reading} of at most \
         {CORE_READING_MINUTES}.",
        plural(rows.len(), "lab chapter")
    ));
    lines.join("\n")
}

/// `1 lab chapter`, `2 lab chapters`.
fn plural(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        _ => format!("{count} {noun}s"),
    }
}

/// Text that can stand in a table cell: a `|` would end the cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(title: &str, path: &str, prose_words: usize, minutes: u32, core: &[&str]) -> Row {
        Row {
            title: title.into(),
            path: path.into(),
            reading: ReadingTime {
                prose_words,
                code_words: 0,
            },
            minutes,
            core_exercises: core.iter().map(|title| title.to_string()).collect(),
        }
    }

    #[test]
    fn a_row_per_chapter_and_the_totals() {
        let rows = [
            row(
                "veth pairs",
                "veth.md",
                800,
                8,
                &["both ends in one namespace"],
            ),
            row("A | B", "docker/ab.md", 1000, 10, &[]),
        ];
        assert_eq!(
            render(&rows),
            "\
| Chapter | Reading the core (counted) | In the plan | Core exercise |
|:--|--:|--:|:--|
| [veth pairs](veth.md) | 4 min | 8 min | both ends in one namespace |
| [A \\| B](docker/ab.md) | 5 min | 10 min |  |
| **Total** | **9 min** | **18 min** | 1 core exercise |

The plan gives 18 of the session's 120 minutes to the 2 lab chapters framed so far; \
reading their cores takes 9 of at most 75."
        );
    }

    #[test]
    fn no_lab_chapter_yet_says_how_to_frame_one() {
        assert!(render(&[]).contains("write `{{#lesson STEM}}`"));
    }
}
