//! A sheet as a page for Chromium to print: plain HTML and a print
//! stylesheet of its own (`sheet.css`: A4, small margins, no web chrome),
//! since a lab sheet is laid out for paper, not read on the web book's page.
//!
//! The student's sheet leaves room to write under each core exercise and a
//! box to tick before each quick-check answer. The key prints, in their
//! place, the solutions and the right answer with every answer's why, and
//! ends with the claims the recorded runs checked: the values the students
//! should find.

use super::lab::Lab;
use super::{Claims, Sheet};
use mdbook_markdown::pulldown_cmark::html::push_html;
use mdbook_markdown::{MarkdownOptions, new_cmark_parser};
use mdbook_netlab::Exercise;

/// Which of the two a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Print {
    /// The student's sheet: room to write, boxes to tick.
    Sheet,
    /// The instructor's key: solutions, answers, expected values.
    Key,
}

/// The print stylesheet of every sheet.
const STYLE: &str = include_str!("sheet.css");

/// Lines of room to write under each core exercise.
const ROOM_LINES: usize = 5;

/// The largest the picture is printed, in millimetres: about half the
/// page's width, so the questions and objectives fit beside it; a picture
/// taller than wide (a lab of two hosts, stacked) may be taller, else its
/// labels would be too small to read.
const PICTURE_MM: (f64, f64) = (92.0, 80.0);
const PORTRAIT_MM: f64 = 115.0;

/// A CSS pixel in millimetres (96 pixels to the inch).
const MM_PER_PX: f64 = 25.4 / 96.0;

/// A page holding `sheets`, each starting on a page of its own.
pub fn page(sheets: &[&Sheet], print: Print) -> String {
    let title = match sheets {
        [sheet] => sheet.title.clone(),
        _ => "Lab sheets".to_string(),
    };
    let body: Vec<String> = sheets.iter().map(|sheet| section(sheet, print)).collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{}</title><style>{STYLE}</style></head>\n<body>\n{}\n</body></html>\n",
        escape(&title),
        body.join("\n")
    )
}

/// One sheet.
fn section(sheet: &Sheet, print: Print) -> String {
    let lesson = &sheet.lesson;
    let edition = match print {
        Print::Sheet => "Lab sheet",
        Print::Key => "Instructor's key",
    };
    let mut out = vec![
        "<section class=\"sheet\">".to_string(),
        format!(
            "<header><h1>{}</h1><p>{edition} · chapter {} · {} minutes{}</p></header>",
            escape(&sheet.title),
            sheet.number,
            lesson.minutes,
            if print == Print::Sheet {
                " · Name: ____________________"
            } else {
                ""
            }
        ),
        "<div class=\"top\"><div class=\"frame\">".to_string(),
        format!("<h2>Questions it answers</h2>{}", list(&lesson.questions)),
        format!(
            "<h2>Objectives: afterwards you can</h2>{}",
            list(&lesson.objectives)
        ),
        "</div>".to_string(),
    ];
    out.extend(sheet.picture.as_deref().map(picture));
    out.push("</div>".to_string());
    out.push("<h2>The lab's commands</h2>".to_string());
    out.extend(sheet.labs.iter().map(lab));
    if !sheet.exercises.is_empty() {
        out.push("<h2>Exercises</h2>".to_string());
        out.extend(sheet.exercises.iter().map(|e| exercise(e, print)));
    }
    out.push(quick_check(sheet, print));
    if print == Print::Key && !sheet.claims.is_empty() {
        out.push("<h2>Expected values: the claims the recorded runs checked</h2>".to_string());
        out.extend(sheet.claims.iter().map(claims));
    }
    out.push("</section>".to_string());
    out.join("\n")
}

/// One example: the lab's commands it stands for, and the command to run it.
fn lab(lab: &Lab) -> String {
    format!(
        "<p class=\"caption\">{}:</p><pre>{}</pre>\
         <p class=\"run\">Run the example: <code>{}</code></p>",
        escape(&lab.caption),
        escape(&lab.commands),
        escape(&lab.run)
    )
}

/// The picture, scaled down to fit [`PICTURE_MM`], never up.
fn picture(svg: &str) -> String {
    let (width, height) = (size_of(svg, "width"), size_of(svg, "height"));
    let scale = match (width, height) {
        (Some(w), Some(h)) if w > 0.0 && h > 0.0 => {
            let tallest = if h > w { PORTRAIT_MM } else { PICTURE_MM.1 };
            (PICTURE_MM.0 / (w * MM_PER_PX))
                .min(tallest / (h * MM_PER_PX))
                .min(1.0)
        }
        _ => 1.0,
    };
    let style = match (width, height) {
        (Some(w), Some(h)) => format!(
            " style=\"width:{:.1}mm;height:{:.1}mm\"",
            w * MM_PER_PX * scale,
            h * MM_PER_PX * scale
        ),
        _ => String::new(),
    };
    format!("<figure class=\"picture\"{style}>{svg}</figure>")
}

/// A number attribute (`width="337"`) of the `<svg>` element, in pixels.
fn size_of(svg: &str, attribute: &str) -> Option<f64> {
    let tag = &svg[..svg.find('>')?];
    let at = tag.find(&format!(" {attribute}=\""))? + attribute.len() + 3;
    tag[at..].split('"').next()?.parse().ok()
}

/// A core exercise, with room to write or its solution.
fn exercise(exercise: &Exercise, print: Print) -> String {
    let answer = match print {
        Print::Sheet => format!(
            "<div class=\"room\">{}</div>",
            "<div class=\"line\"></div>".repeat(ROOM_LINES)
        ),
        Print::Key => format!(
            "<div class=\"solution\"><h4>Solution</h4>{}</div>",
            markdown(&exercise.solution)
        ),
    };
    format!(
        "<div class=\"exercise\"><h3>Exercise {}: {}</h3>{}{answer}</div>",
        exercise.number,
        inline(&exercise.title),
        markdown(&exercise.question)
    )
}

/// The quick check: a box before each answer; in the key, the right one
/// ticked, and why each answer is right or wrong.
fn quick_check(sheet: &Sheet, print: Print) -> String {
    let check = &sheet.lesson.quick_check;
    let mut out = vec![
        "<div class=\"quick-check\"><h2>Quick check</h2>".to_string(),
        format!("<p>{}</p><ol class=\"answers\">", inline(&check.question)),
    ];
    for (answer, letter) in check.answers.iter().zip('A'..='Z') {
        let (tick, why) = match (print, answer.right) {
            (Print::Sheet, _) => ("", String::new()),
            (Print::Key, right) => (
                if right { "✓" } else { "" },
                format!(
                    "<p class=\"why\"><strong>{}</strong> {}</p>",
                    if right { "Right." } else { "Wrong." },
                    inline(&answer.why)
                ),
            ),
        };
        out.push(format!(
            "<li><span class=\"box\">{tick}</span><strong>{letter}.</strong> {}{why}</li>",
            inline(&answer.text)
        ));
    }
    out.push("</ol></div>".to_string());
    out.join("\n")
}

/// One recording's claims, as a list of plain text (as the book shows
/// them: a claim is what the run printed, not Markdown).
fn claims(claims: &Claims) -> String {
    let items: Vec<String> = claims
        .claims
        .iter()
        .map(|claim| format!("<li>{}</li>", escape(claim)))
        .collect();
    format!(
        "<p class=\"caption\">Recorded by <code>{}</code>:</p><ul>{}</ul>",
        escape(&claims.source),
        items.concat()
    )
}

/// A list of a lesson file's Markdown strings.
fn list(items: &[String]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|item| format!("<li>{}</li>", inline(item)))
        .collect();
    format!("<ul>{}</ul>", items.concat())
}

/// Markdown as HTML, as mdBook renders it.
fn markdown(text: &str) -> String {
    let mut html = String::new();
    push_html(
        &mut html,
        new_cmark_parser(text, &MarkdownOptions::default()),
    );
    html
}

/// One paragraph of Markdown as HTML, without its `<p>`.
fn inline(text: &str) -> String {
    let html = markdown(text);
    let trimmed = html.trim();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|rest| rest.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    }
}

/// Text as HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_is_scaled_down_to_fit_and_never_up() {
        let wide = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"665\" height=\"100\"></svg>";
        assert!(
            picture(wide).contains("style=\"width:92.0mm;height:13.8mm\""),
            "{}",
            picture(wide)
        );
        let small = "<svg width=\"96\" height=\"48\"><text>x</text></svg>";
        assert!(picture(small).contains("style=\"width:25.4mm;height:12.7mm\""));
    }

    #[test]
    fn inline_markdown_loses_its_paragraph_only() {
        assert_eq!(
            inline("Run `ip a` & see"),
            "Run <code>ip a</code> &amp; see"
        );
        assert_eq!(escape("a < \"b\" & c"), "a &lt; &quot;b&quot; &amp; c");
    }
}
