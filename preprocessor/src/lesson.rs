//! The lesson files, `src/lessons/STEM.toml`: how a lab chapter is framed as
//! a lesson (its minutes in the session plan, the questions it answers, its
//! objectives, its key points and its quick check), written once and shown
//! by `{{#lesson STEM}}`, `{{#keypoints STEM}}` and `{{#quickcheck STEM}}`.
//!
//! ```toml
//! minutes = 10
//! questions = ["How does a container's traffic leave the host?"]
//! objectives = ["Create a veth pair ...", "Read ..."]
//! key_points = ["A veth pair is a cable ...", "..."]
//!
//! [quick_check]
//! question = "..."
//! answers = [
//!   { text = "...", why = "..." },
//!   { text = "...", why = "...", right = true },
//! ]
//! ```
//!
//! The strings are Markdown (inline: code spans, emphasis, links). A file
//! that breaks a rule of the format (1 to 3 questions, 2 to 4 objectives, 2 to
//! 5 key points, exactly one right answer, a `why` for every answer) stops
//! the build with a message that names the file and the rule.

mod render;

pub use render::{render_frame, render_key_points, render_quick_check};

use anyhow::{Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fs;
use std::io::ErrorKind;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

/// One lesson file. Unknown keys are refused, so `keypoints = [...]` (for
/// `key_points`) is an error rather than a lesson without key points.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// What the session plan gives the chapter: reading its core, running
    /// its example, and its core exercise.
    pub minutes: u32,
    /// The questions the lesson answers, as a student would ask them.
    pub questions: Vec<String>,
    /// What the student can do afterwards, each starting with a verb.
    pub objectives: Vec<String>,
    /// Said at the end of the chapter.
    pub key_points: Vec<String>,
    /// One multiple-choice question built from the chapter's usual mistakes.
    pub quick_check: QuickCheck,
}

/// A multiple-choice question: exactly one right answer, and for every
/// answer why it is right, or which misunderstanding it reveals.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuickCheck {
    pub question: String,
    pub answers: Vec<Answer>,
}

/// One answer of a quick check.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub text: String,
    /// Why it is right, or which misunderstanding choosing it reveals.
    pub why: String,
    #[serde(default)]
    pub right: bool,
}

/// How many of each list a lesson has.
const QUESTIONS: RangeInclusive<usize> = 1..=3;
const OBJECTIVES: RangeInclusive<usize> = 2..=4;
const KEY_POINTS: RangeInclusive<usize> = 2..=5;

impl Lesson {
    /// Reads a lesson from the text of its file; `shown` names the file in
    /// errors (`src/lessons/veth.toml`).
    pub fn parse(text: &str, shown: &str) -> Result<Lesson> {
        let lesson: Lesson = toml::from_str(text).with_context(|| shown.to_string())?;
        lesson
            .check()
            .map_err(|rule| anyhow::anyhow!("{shown}: {rule}"))?;
        Ok(lesson)
    }

    /// The rules of the format; the first one broken, as a sentence.
    fn check(&self) -> Result<(), String> {
        if self.minutes == 0 {
            return Err("`minutes` is 0: the plan gives every lab chapter some time".into());
        }
        count("questions", &self.questions, QUESTIONS)?;
        count("objectives", &self.objectives, OBJECTIVES)?;
        count("key_points", &self.key_points, KEY_POINTS)?;
        let check = &self.quick_check;
        not_empty("quick_check.question", &check.question)?;
        if check.answers.len() < 2 {
            return Err(format!(
                "the quick check has {} answer(s): a multiple-choice question needs at least 2",
                check.answers.len()
            ));
        }
        for (index, answer) in check.answers.iter().enumerate() {
            not_empty(&format!("answer {}'s `text`", index + 1), &answer.text)?;
            not_empty(&format!("answer {}'s `why`", index + 1), &answer.why)?;
        }
        match check.answers.iter().filter(|answer| answer.right).count() {
            1 => Ok(()),
            0 => Err("the quick check has no right answer: mark one with `right = true`".into()),
            n => Err(format!(
                "the quick check has {n} right answers: mark exactly one with `right = true`"
            )),
        }
    }
}

/// `items` holds a number of non-empty strings within `range`.
fn count(key: &str, items: &[String], range: RangeInclusive<usize>) -> Result<(), String> {
    if !range.contains(&items.len()) {
        return Err(format!(
            "`{key}` has {} item(s); a lesson has {} to {}",
            items.len(),
            range.start(),
            range.end()
        ));
    }
    for (index, item) in items.iter().enumerate() {
        not_empty(&format!("item {} of `{key}`", index + 1), item)?;
    }
    Ok(())
}

fn not_empty(what: &str, text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        Err(format!("{what} is empty"))
    } else {
        Ok(())
    }
}

/// Every lesson file of a book, by stem (`veth` for `veth.toml`).
#[derive(Debug, Default)]
pub struct Lessons {
    lessons: BTreeMap<String, Lesson>,
    /// The folder as the author sees it (`src/lessons`), for messages.
    shown: String,
}

impl Lessons {
    /// The folder where a book keeps its lessons, under its `src`.
    pub const FOLDER: &'static str = "lessons";

    /// Reads and checks every `*.toml` in `dir`; `shown` is how messages
    /// name it (`src/lessons`). A book without the folder has no lessons.
    pub fn load(dir: &Path, shown: &str) -> Result<Lessons> {
        let mut paths: Vec<PathBuf> = match fs::read_dir(dir) {
            Ok(entries) => entries
                .map(|entry| entry.map(|entry| entry.path()))
                .collect::<std::io::Result<_>>()
                .with_context(|| format!("read {shown}"))?,
            Err(e) if e.kind() == ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e).with_context(|| format!("read {shown}")),
        };
        // In order, so that of two broken files the same one is reported.
        paths.sort();
        let mut lessons = BTreeMap::new();
        for path in paths {
            let (Some(stem), Some("toml")) = (
                path.file_stem().and_then(|s| s.to_str()),
                path.extension().and_then(|e| e.to_str()),
            ) else {
                continue;
            };
            let file = format!("{shown}/{stem}.toml");
            let text = fs::read_to_string(&path).with_context(|| format!("read {file}"))?;
            lessons.insert(stem.to_string(), Lesson::parse(&text, &file)?);
        }
        Ok(Lessons {
            lessons,
            shown: shown.to_string(),
        })
    }

    /// The lesson of `stem`, or a message that lists the stems there are.
    pub fn get(&self, stem: &str) -> Result<&Lesson, String> {
        if let Some(lesson) = self.lessons.get(stem) {
            return Ok(lesson);
        }
        if self.lessons.is_empty() {
            return Err(format!(
                "unknown lesson `{stem}`: {} has no lessons yet (write {0}/{stem}.toml)",
                self.shown
            ));
        }
        Err(format!(
            "unknown lesson `{stem}`; the lessons in {} are: {}",
            self.shown,
            self.stems().collect::<Vec<_>>().join(", ")
        ))
    }

    /// The stems there are, sorted.
    pub fn stems(&self) -> impl Iterator<Item = &str> {
        self.lessons.keys().map(String::as_str)
    }
}

/// A lesson file that keeps every rule, for the tests of the parts that
/// read lesson files (the directives, the pipeline).
#[cfg(test)]
pub(crate) const SAMPLE: &str = r#"
minutes = 8
questions = ["What is a veth pair?"]
objectives = ["Create a veth pair", "Delete it"]
key_points = ["A veth pair is a cable.", "Deleting one end deletes both."]

[quick_check]
question = "What does `ip link delete vethA` delete?"
answers = [
  { text = "`vethA` only", why = "A pair is one cable." },
  { text = "Both ends", why = "The kernel never leaves half a veth.", right = true },
]
"#;

#[cfg(test)]
mod tests;
