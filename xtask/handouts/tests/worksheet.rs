//! Makes the worksheet edition with the real `cargo xtask handouts
//! --edition worksheet` and reads it back as a person would (`pdfinfo`,
//! `pdftotext` and `pdftoppm` from Debian's poppler-utils):
//!
//! - every lab chapter framed as a lesson has a sheet and a key, of at most
//!   2 A4 pages each, and the session's sheets fit in at most 24 pages;
//! - a sheet holds the chapter's title, its questions and objectives, the
//!   lab's commands (the ```text block of its example's doc comment) and the
//!   command that runs the example, its core exercises' questions and its
//!   quick check's answers; not the solutions, nor why each answer is right;
//! - the key holds those, the solutions, the whys, and the claims the
//!   chapter's recorded run checked;
//! - page 1 of a sheet, as an image, shows the chapter's picture where the
//!   layout puts it (top right).
//!
//! What to expect is read from the chapters, the lesson files and the
//! examples, as the author wrote them, not from the program's own model.

mod pdf;

use mdbook_netlab::directive::LessonPart;
use mdbook_netlab::exercises::Kind;
use mdbook_netlab::{Directive, Lesson, Lessons, Snippets, directives, exercises};
use pdf::{
    available, colour_on_page, has_colour, page_image, pdf_pages, pdf_text, plain_parts, squeeze,
    svg_text,
};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// At most this many pages: a sheet (LESSON.md §3), and all of them.
const SHEET_PAGES: usize = 2;
const SESSION_PAGES: usize = 24;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What one framed lab chapter's sheet must show, and its key besides.
struct Expected {
    /// `09-veth`, as the PDFs are named.
    name: String,
    /// On the sheet and on the key.
    shown: Vec<String>,
    /// On the key only: the parts of the solutions, whys and claims that
    /// the sheet does not show otherwise (a solution may quote the question).
    key_only: Vec<String>,
    /// The picture the chapter shows, if any.
    picture: Option<String>,
}

/// The framed chapters, in SUMMARY.md's order, numbered as the book's PDFs.
fn expected() -> Vec<Expected> {
    let summary = fs::read_to_string(root().join("src/SUMMARY.md")).expect("read SUMMARY.md");
    let lessons = Lessons::load(&root().join("src/lessons"), "src/lessons").expect("the lessons");
    let mut found = Vec::new();
    let links = summary.split("](").skip(1);
    for (index, file) in links.filter_map(|rest| rest.split(')').next()).enumerate() {
        let source = format!("src/{file}");
        let markdown = fs::read_to_string(root().join(&source)).expect("read a chapter");
        let own = directives(&markdown, &source).expect("the chapter's directives");
        let frame = own.iter().find_map(|directive| match directive {
            Directive::Lesson {
                part: LessonPart::Frame,
                stem,
            } => Some(stem.clone()),
            _ => None,
        });
        let Some(stem) = frame else { continue };
        let title = markdown.lines().next().expect("a title");
        let mut sheet = Expected {
            name: format!("{:02}-{}", index + 1, file.trim_end_matches(".md")),
            shown: vec![squeeze(title.trim_start_matches("# "))],
            key_only: Vec::new(),
            picture: None,
        };
        sheet.lesson(lessons.get(&stem).expect("the chapter's lesson"));
        sheet.exercises(&markdown, &source);
        sheet.lab(&own);
        sheet.shown.retain(|part| !part.is_empty());
        let on_sheet = sheet.shown.concat();
        sheet
            .key_only
            .retain(|part| part.len() >= 12 && !on_sheet.contains(part.as_str()));
        found.push(sheet);
    }
    found
}

impl Expected {
    /// The lesson file's questions, objectives and quick check.
    fn lesson(&mut self, lesson: &Lesson) {
        for text in lesson.questions.iter().chain(&lesson.objectives) {
            self.shown.extend(plain_parts(text));
        }
        self.shown.extend(plain_parts(&lesson.quick_check.question));
        for answer in &lesson.quick_check.answers {
            self.shown.extend(plain_parts(&answer.text));
            self.key_only.extend(plain_parts(&answer.why));
        }
    }

    /// The chapter's core exercises: titles and questions, and solutions.
    fn exercises(&mut self, markdown: &str, source: &str) {
        let all = exercises(markdown, source).expect("the chapter's exercises");
        for exercise in all.iter().filter(|exercise| exercise.kind == Kind::Core) {
            self.shown.extend(plain_parts(&exercise.title));
            // A part holding a directive is printed expanded, not as written.
            let question = plain_parts(&exercise.question);
            self.shown
                .extend(question.into_iter().filter(|part| !part.contains("{{#")));
            let solution = plain_parts(&exercise.solution);
            self.key_only
                .extend(solution.into_iter().filter(|part| !part.contains("{{#")));
        }
    }

    /// The chapter's example (the first whose run it shows, not a Docker
    /// one): its commands, how to run it, its claims; and the picture (the
    /// example's, else the chapter's first).
    fn lab(&mut self, own: &[Directive]) {
        let snippets = Snippets::new(root().join("snippets"), "snippets");
        let example = own.iter().find_map(|directive| match directive {
            Directive::Output { name, .. } if !name.starts_with("docker_") => Some(name.clone()),
            _ => None,
        });
        let pictures: Vec<(String, Option<String>)> = own
            .iter()
            .filter_map(|directive| match directive {
                Directive::Topology { name, variant } => Some((name.clone(), variant.clone())),
                _ => None,
            })
            .collect();
        let of_example = pictures
            .iter()
            .find(|(name, _)| Some(name) == example.as_ref());
        let topology = of_example.or(pictures.first()).cloned();
        let Some(example) = example else { return };
        self.shown.extend(lab_commands(&example));
        self.shown.push(squeeze(&format!("--example {example}")));
        for directive in own {
            if let Directive::Claims { name, variant } = directive
                && *name == example
            {
                let claims = snippets.claims(name, variant.as_deref()).expect("claims");
                self.key_only
                    .extend(claims.iter().map(|claim| squeeze(claim)));
            }
        }
        if let Some((name, variant)) = topology {
            let svg = snippets
                .topology(&name, variant.as_deref())
                .expect("the picture");
            self.shown.extend(svg_text(&svg).lines().map(squeeze));
            self.picture = Some(svg);
        }
    }
}

/// The lines of the ```text block after `Equivalent to` in the doc comment
/// of an example's main.rs: the lab's commands.
fn lab_commands(example: &str) -> Vec<String> {
    let path = root().join(format!("snippets/examples/{example}/main.rs"));
    let code = fs::read_to_string(&path).expect("read the example");
    let doc: Vec<&str> = code
        .lines()
        .map_while(|line| line.strip_prefix("//!"))
        .collect();
    let after = &doc[doc
        .iter()
        .position(|line| line.contains("Equivalent to"))
        .expect("Equivalent to")..];
    let block = after
        .iter()
        .skip_while(|line| line.trim() != "```text")
        .skip(1)
        .take_while(|line| line.trim() != "```");
    block
        .map(|line| squeeze(line))
        .filter(|line| !line.is_empty())
        .collect()
}

/// The sheets (or, with `key`, the keys) in `dir`: one per framed lab
/// chapter and the session, each within its pages, showing what it must.
fn check_folder(dir: &Path, sheets: &[Expected], key: bool) {
    let mut pdfs: Vec<String> = fs::read_dir(dir)
        .expect("read the folder")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".pdf"))
        .collect();
    pdfs.sort();
    let mut names: Vec<String> = sheets.iter().map(|s| format!("{}.pdf", s.name)).collect();
    names.push("session.pdf".into());
    names.sort();
    let shown = dir.display();
    assert_eq!(
        pdfs, names,
        "{shown}: a PDF per framed lab chapter, and the session"
    );
    let pages = pdf_pages(&dir.join("session.pdf"));
    assert!(
        (sheets.len()..=SESSION_PAGES).contains(&pages),
        "{shown}/session.pdf: {pages} pages for {} sheets, at most {SESSION_PAGES}",
        sheets.len()
    );
    let session = pdf_text(&dir.join("session.pdf"));
    for sheet in sheets {
        let pdf = dir.join(format!("{}.pdf", sheet.name));
        let pages = pdf_pages(&pdf);
        assert!(
            (1..=SHEET_PAGES).contains(&pages),
            "{}: {pages} pages",
            pdf.display()
        );
        let text = pdf_text(&pdf);
        for (text, what) in [
            (&text, pdf.display().to_string()),
            (&session, "the session".into()),
        ] {
            for part in &sheet.shown {
                assert!(text.contains(part.as_str()), "{what} lacks {part}");
            }
            for part in &sheet.key_only {
                assert_eq!(
                    text.contains(part.as_str()),
                    key,
                    "{what}: {part} is on the key only"
                );
            }
        }
    }
}

#[test]
fn worksheets_hold_the_lab_and_fit_their_pages() {
    let tools = ["pdftotext", "pdftoppm"].iter().all(|p| available(p, "-v"));
    if !tools || !available("chromium", "--version") {
        eprintln!(
            "worksheets_hold_the_lab_and_fit_their_pages: NOT RUN, it needs chromium and \
             poppler-utils (apt-get install chromium poppler-utils)"
        );
        return;
    }
    let out = tempfile::tempdir().expect("create a temp dir");
    let run = Command::new(env!("CARGO_BIN_EXE_netlab-handouts"))
        .args(["--edition", "worksheet", "--out"])
        .arg(out.path())
        .output()
        .expect("run xtask handouts");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success(),
        "cargo xtask handouts --edition worksheet failed:\n{stderr}"
    );
    let sheets = expected();
    assert!(!sheets.is_empty(), "no lab chapter is framed as a lesson");
    let folder = out.path().join("worksheet");
    check_folder(&folder, &sheets, false);
    check_folder(&folder.join("key"), &sheets, true);

    // A picture in colour (a veth pair's line, a bridge's box): the first.
    let sheet = sheets
        .iter()
        .find(|sheet| sheet.picture.as_deref().is_some_and(has_colour))
        .expect("a sheet whose picture has a colour to look for");
    let image = page_image(&folder.join(format!("{}.pdf", sheet.name)), 1, 100);
    let (inside, outside) = colour_on_page(&image);
    let name = &sheet.name;
    assert!(
        inside >= 30,
        "{name}: page 1 shows no picture ({inside} coloured pixels)"
    );
    assert_eq!(
        outside, 0,
        "{name}: colour outside the picture's place, top right"
    );
}
