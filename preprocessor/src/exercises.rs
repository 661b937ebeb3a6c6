//! A chapter's exercises, as the session plan and the worksheets (the lab
//! sheets `cargo xtask handouts` prints) need them: which are core (done in
//! the lab room) and which homework, each with its question and solution.
//!
//! An exercise is a `###` heading of the form
//!
//! ```text
//! ### Exercise 2 (core): both ends in one namespace
//! ```
//!
//! (`core` or `homework`), its question (the Markdown up to its solution),
//! and its solution block:
//!
//! ```text
//! <details class="solution"><summary>Solution</summary>
//!
//! ...
//!
//! </details>
//! ```

use crate::chapter::{Heading, headings};
use crate::edition;
use anyhow::{Result, bail};

/// Whether an exercise belongs to the session or is done afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Done in the lab room: needs no Rust edit (`--shell`, `--keep`, the
    /// lab's own `docker` commands, or predicting a failure). At most 12
    /// in the whole book, about one per lab chapter.
    Core,
    /// Done after the session.
    Homework,
}

/// One exercise of a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    /// The `N` of `Exercise N`.
    pub number: u32,
    pub kind: Kind,
    /// The heading's text after `(core): `, as Markdown.
    pub title: String,
    /// The Markdown between the heading and the solution, trimmed.
    pub question: String,
    /// The Markdown inside the solution block, trimmed.
    pub solution: String,
    /// The 1-based line of the heading in the text given.
    pub line: usize,
}

/// The exercises of a chapter, in order. `source` names the chapter in
/// errors, with line numbers of `markdown` (give it the chapter's own file
/// for lines the author can find). A `### Exercise` heading that does not
/// say `(core)` or `(homework)`, or an exercise without a solution block
/// before the next heading, is an error.
pub fn exercises(markdown: &str, source: &str) -> Result<Vec<Exercise>> {
    let headings: Vec<Heading> = headings(markdown)
        .into_iter()
        .filter(|heading| heading.level <= 3)
        .collect();
    let solutions: Vec<edition::Block> = edition::blocks(markdown, source)?
        .into_iter()
        .filter(|block| block.class == "solution")
        .collect();
    let mut found = Vec::new();
    for (index, heading) in headings.iter().enumerate() {
        if heading.level != 3 || !heading.text.starts_with("Exercise") {
            continue;
        }
        let Some((number, kind, title)) = parse_heading(&markdown[heading.start..heading.end])
        else {
            bail!(
                "{source}:{}: write an exercise's heading as `### Exercise N (core): TITLE` \
                 or `### Exercise N (homework): TITLE`",
                heading.line
            );
        };
        let end = headings.get(index + 1).map_or(markdown.len(), |h| h.start);
        let next_line = headings.get(index + 1).map_or(usize::MAX, |h| h.line);
        let Some(solution) = solutions
            .iter()
            .find(|block| (heading.line..next_line).contains(&block.lines.0))
        else {
            bail!(
                "{source}:{}: exercise {number} has no `<details class=\"solution\">` block \
                 before the next heading",
                heading.line
            );
        };
        found.push(Exercise {
            number,
            kind,
            title,
            question: question(&markdown[heading.end..end]),
            solution: solution.text.trim().to_string(),
            line: heading.line,
        });
    }
    Ok(found)
}

/// `### Exercise 2 (core): both ends` as its number, kind and title.
fn parse_heading(line: &str) -> Option<(u32, Kind, String)> {
    let text = line.trim().trim_start_matches('#').trim();
    let rest = text.strip_prefix("Exercise ")?;
    let (number, rest) = rest.split_once(' ')?;
    let (kind, title) = rest.split_once("): ")?;
    let kind = match kind {
        "(core" => Kind::Core,
        "(homework" => Kind::Homework,
        _ => return None,
    };
    let title = title.trim().trim_end_matches('#').trim();
    match (number.parse(), title.is_empty()) {
        (Ok(number), false) => Some((number, kind, title.to_string())),
        _ => None,
    }
}

/// The question: the exercise's text up to the first `<details` line (its
/// solution, or an instructor note).
fn question(text: &str) -> String {
    let mut question = String::new();
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with("<details") {
            break;
        }
        question.push_str(line);
    }
    question.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAPTER: &str = "\
# veth pairs

## Exercises

Try them in the scratch shell.

### Exercise 1 (homework): a pair without a peer name

Run `ip link add vethC type veth`.

```text
### Exercise 9 (core): in code, not an exercise
```

<details class=\"solution\"><summary>Solution</summary>

No error: the kernel names the peer.

</details>

### Exercise 2 (core): both ends in one namespace

Give the ends addresses.

Does the ping cross the cable?

<details class=\"solution\"><summary>Solution</summary>

It does not: `local 10.0.0.2 dev lo`.

</details>

<details class=\"instructor\"><summary>Instructor notes</summary>

Demo it.

</details>
";

    #[test]
    fn lists_each_exercise_with_its_question_and_solution() {
        let found = exercises(CHAPTER, "src/veth.md").expect("parse the exercises");
        assert_eq!(
            found,
            [
                Exercise {
                    number: 1,
                    kind: Kind::Homework,
                    title: "a pair without a peer name".into(),
                    question: "Run `ip link add vethC type veth`.\n\n```text\n\
                               ### Exercise 9 (core): in code, not an exercise\n```"
                        .into(),
                    solution: "No error: the kernel names the peer.".into(),
                    line: 7,
                },
                Exercise {
                    number: 2,
                    kind: Kind::Core,
                    title: "both ends in one namespace".into(),
                    question: "Give the ends addresses.\n\nDoes the ping cross the cable?".into(),
                    solution: "It does not: `local 10.0.0.2 dev lo`.".into(),
                    line: 21,
                },
            ]
        );
    }

    #[test]
    fn an_unmarked_exercise_or_one_without_solution_names_its_line() {
        let unmarked = CHAPTER.replace("Exercise 2 (core):", "Exercise 2:");
        let error = exercises(&unmarked, "src/veth.md").expect_err("unmarked");
        assert_eq!(
            error.to_string(),
            "src/veth.md:21: write an exercise's heading as `### Exercise N (core): TITLE` \
             or `### Exercise N (homework): TITLE`"
        );
        let bad_kind = CHAPTER.replace("(core)", "(lab)");
        assert!(exercises(&bad_kind, "src/veth.md").is_err());
        let no_solution = "### Exercise 1 (core): alone\n\nText.\n\n### Exercise 2 (homework): next\n\n<details class=\"solution\"><summary>Solution</summary>\n\nx\n\n</details>\n";
        let error = exercises(no_solution, "src/veth.md").expect_err("no solution");
        assert_eq!(
            error.to_string(),
            "src/veth.md:1: exercise 1 has no `<details class=\"solution\">` block before the next heading"
        );
    }

    #[test]
    fn other_headings_are_not_exercises() {
        let text = "## Exercises\n\n### Extra reading\n\n## Exercise caution\n";
        assert_eq!(exercises(text, "src/a.md").expect("no exercises"), []);
    }
}
