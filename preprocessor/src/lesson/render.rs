//! A lesson's parts as the page shows them: HTML boxes (styled by
//! `theme/netlab.css`) around Markdown. Each HTML line stands alone between
//! blank lines, so mdBook still renders the Markdown inside (an HTML block
//! ends at a blank line) and the lesson's code spans and links work.

use super::{Lesson, QuickCheck};

/// `{{#lesson STEM}}`: the frame at the top of the chapter, a box with its
/// minutes, the questions it answers and its objectives.
pub fn render_frame(lesson: &Lesson) -> String {
    [
        "<div class=\"netlab-lesson\">".to_string(),
        format!(
            "<p class=\"netlab-lesson-minutes\"><strong>This lesson</strong> · {} minutes in the \
             session plan: read the core, run the example, do the core exercise</p>",
            lesson.minutes
        ),
        String::new(),
        label("It answers"),
        String::new(),
        bullets(&lesson.questions),
        String::new(),
        label("Afterwards you can"),
        String::new(),
        bullets(&lesson.objectives),
        String::new(),
        "</div>".to_string(),
    ]
    .join("\n")
}

/// `{{#keypoints STEM}}`: the key points, a list in a box.
pub fn render_key_points(lesson: &Lesson) -> String {
    format!(
        "<div class=\"netlab-keypoints\">\n\n{}\n\n</div>",
        bullets(&lesson.key_points)
    )
}

/// `{{#quickcheck STEM}}`: the question, then each answer as a collapsed
/// `<details>`: its summary is the answer (lettered A, B, ...), its body
/// says whether it is right and why. On the web a reader picks one and
/// opens it; the student handout prints the answers closed (choices to
/// tick), the instructor's prints them open (see [`crate::edition`]).
pub fn render_quick_check(lesson: &Lesson) -> String {
    let QuickCheck { question, answers } = &lesson.quick_check;
    let mut out = vec![
        "<div class=\"netlab-quickcheck\">".to_string(),
        String::new(),
        one_line(question),
        String::new(),
    ];
    for (answer, letter) in answers.iter().zip('A'..='Z') {
        let (class, verdict) = match answer.right {
            true => ("netlab-right", "Right."),
            false => ("netlab-wrong", "Wrong."),
        };
        out.extend([
            format!("<details class=\"netlab-answer {class}\">"),
            "<summary>".to_string(),
            String::new(),
            format!("**{letter}.** {}", one_line(&answer.text)),
            String::new(),
            "</summary>".to_string(),
            String::new(),
            format!("**{verdict}** {}", one_line(&answer.why)),
            String::new(),
            "</details>".to_string(),
            String::new(),
        ]);
    }
    out.push("</div>".to_string());
    out.join("\n")
}

/// A small heading inside a box: not a Markdown heading, which would get
/// an id and a place in the page's table of contents.
fn label(text: &str) -> String {
    format!("<p class=\"netlab-lesson-label\">{text}</p>")
}

/// A Markdown list, one item per string.
fn bullets(items: &[String]) -> String {
    let lines: Vec<String> = items
        .iter()
        .map(|item| format!("- {}", one_line(item)))
        .collect();
    lines.join("\n")
}

/// A string of the lesson file on one line: a line break inside it would
/// end a list item, or a paragraph, where the author did not mean to.
fn one_line(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join(" ")
}
