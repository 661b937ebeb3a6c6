//! The checks on a built book's HTML, shared by the tests in `book.rs`.
//! Each check adds a line to `problems` rather than panicking, so one run
//! lists every mistake at once.

use mdbook_netlab::Directive;
use mdbook_netlab::snippets::Snippets;
use std::fs;
use std::path::{Path, PathBuf};

/// What `check` found.
#[derive(Default)]
pub struct Report {
    pub problems: Vec<String>,
    pub chapters: usize,
    pub examples: usize,
    pub links: usize,
}

impl Report {
    pub fn summary(&self) -> String {
        format!(
            "{} chapters, {} included examples/outputs, {} internal links checked",
            self.chapters, self.examples, self.links
        )
    }
}

/// Checks the HTML in `out` built from the book at `root`.
pub fn check(root: &Path, out: &Path) -> Report {
    let mut report = Report::default();
    let summary = fs::read_to_string(root.join("src/SUMMARY.md")).expect("read SUMMARY.md");

    // Every chapter SUMMARY.md lists, found by reading it ourselves rather
    // than asking mdBook, which is what is under test.
    for chapter in summary
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
    {
        report.chapters += 1;
        let page = chapter.replace(".md", ".html");
        let Ok(html) = fs::read_to_string(out.join(&page)) else {
            report.problems.push(format!("{page}: not rendered"));
            continue;
        };
        let markdown = fs::read_to_string(root.join("src").join(chapter)).unwrap_or_default();
        let source = format!("src/{chapter}");
        let directives = mdbook_netlab::directives(&markdown, &source).expect("parse directives");
        // Every recorded output is a transcript block of ours, not a code
        // block that highlight.js would colour as a shell script.
        let outputs = directives
            .iter()
            .filter(|d| matches!(d, Directive::Output { .. } | Directive::Excerpt { .. }))
            .count();
        let transcripts = html.matches("<pre class=\"netlab-transcript\">").count();
        if transcripts < outputs {
            report.problems.push(format!(
                "{page}: {outputs} recorded outputs, but {transcripts} transcript blocks"
            ));
        }
        for directive in directives {
            // A value is a word in a sentence, checked by its own test
            // (prose_values.rs); the rest are blocks of a file.
            // The lesson's parts and the session plan come from src/, checked
            // by their own test (lessons.rs).
            if matches!(
                directive,
                Directive::Value { .. } | Directive::Lesson { .. } | Directive::SessionPlan
            ) {
                continue;
            }
            report.examples += 1;
            let (file, anchor) = match &directive {
                Directive::Example { name, file, anchor } => {
                    let file = file.as_deref().unwrap_or("main.rs");
                    (format!("{name}/{file}"), anchor.as_deref())
                }
                Directive::Output { name, variant } | Directive::Excerpt { name, variant, .. } => {
                    let file = mdbook_netlab::snippets::output_file(variant.as_deref());
                    (format!("{name}/{file}"), None)
                }
                Directive::Topology { name, variant } => {
                    let file = mdbook_netlab::snippets::topology_file(variant.as_deref());
                    (format!("{name}/{file}"), None)
                }
                Directive::Claims { name, variant } => {
                    let file = mdbook_netlab::snippets::claims_file(variant.as_deref());
                    (format!("{name}/{file}"), None)
                }
                Directive::Value { .. } | Directive::Lesson { .. } | Directive::SessionPlan => {
                    continue;
                }
            };
            let shown = format!("snippets/examples/{file}");
            let text = fs::read_to_string(root.join(&shown)).unwrap_or_default();
            let (lines, page_text) = match directive {
                Directive::Topology { .. } => (picture_texts(&text), html.clone()),
                // Each claim that held, as an item of the list.
                Directive::Claims { .. } => {
                    let claims = text.lines().filter_map(|l| l.strip_prefix("PASS "));
                    let items = claims.map(|c| format!("<li>{}</li>", escape(c))).collect();
                    (items, html.clone())
                }
                // A transcript's lines are styled: match them without tags.
                Directive::Output { .. } => (expected_lines(&text, None), without_spans(&html)),
                // An excerpt: the lines of its step, as the preprocessor cut them.
                Directive::Excerpt {
                    name,
                    variant,
                    section,
                } => {
                    let snippets = Snippets::new(root.join("snippets"), "snippets");
                    let excerpt = snippets
                        .excerpt(&name, variant.as_deref(), &section)
                        .unwrap_or_else(|e| panic!("{page}: {e}"));
                    (expected_lines(&excerpt, None), without_spans(&html))
                }
                _ => (expected_lines(&text, anchor), html.clone()),
            };
            for line in lines {
                if !page_text.contains(&line) {
                    report
                        .problems
                        .push(format!("{page}: missing code of {shown}: `{line}`"));
                }
            }
        }
    }

    for page in html_pages(out) {
        let html = fs::read_to_string(&page).expect("read a page");
        let name = page.strip_prefix(out).unwrap().display().to_string();
        check_directives_gone(&name, &html, &mut report.problems);
        check_transcripts(&name, &html, &mut report.problems);
        report.links += check_links(out, &page, &name, &html, &mut report.problems);
    }
    report
}

/// The page with the transcripts' `<span class="...">` and `</span>` taken
/// out: the text a reader sees.
fn without_spans(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<span class=\"") {
        text.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find('>').map_or(rest.len(), |end| end + 1);
        rest = &rest[end..];
    }
    text.push_str(rest);
    text.replace("</span>", "")
}

/// Each line of a transcript opens and closes its own spans: no style
/// carries from a line into the next (in a highlighted shell code block, an
/// apostrophe opens a string that runs on through the lines after it).
fn check_transcripts(name: &str, html: &str, problems: &mut Vec<String>) {
    for block in html.split("<pre class=\"netlab-transcript\">").skip(1) {
        let block = block.split("</pre>").next().unwrap_or_default();
        for (number, line) in block.lines().enumerate() {
            let opened = line.matches("<span").count();
            let closed = line.matches("</span>").count();
            if opened != closed || line.contains("<code") {
                problems.push(format!(
                    "{name}: transcript line {} carries a style across lines: {line}",
                    number + 1
                ));
            }
        }
    }
}

/// The lines of an example file (or of one anchored region) as they must
/// appear in the page: trimmed, anchor lines left out, HTML-escaped.
fn expected_lines(text: &str, anchor: Option<&str>) -> Vec<String> {
    let mut inside = anchor.is_none();
    let mut lines = Vec::new();
    for line in text.lines().map(str::trim) {
        if let Some(anchor) = anchor {
            if line == format!("// ANCHOR: {anchor}") {
                inside = true;
            } else if line == format!("// ANCHOR_END: {anchor}") {
                inside = false;
            }
        }
        if inside && !line.is_empty() && !line.contains("ANCHOR:") && !line.contains("ANCHOR_END:")
        {
            lines.push(escape(line));
        }
    }
    lines
}

/// The words of an inlined SVG picture: each `<text>` and `<title>`, as
/// `>docker0</text>`. Not its markup: mdBook parses the page's HTML and
/// writes it out again (`viewBox` becomes `viewbox`, which browsers read
/// back as `viewBox` inside `<svg>`, and `/>` becomes ` />`).
fn picture_texts(svg: &str) -> Vec<String> {
    let mut texts = Vec::new();
    for tag in ["</text>", "</title>"] {
        for (at, _) in svg.match_indices(tag) {
            let content = svg[..at].rsplit('>').next().unwrap_or("");
            texts.push(format!(">{content}{tag}"));
        }
    }
    texts
}

/// `{{#` may show only inside `<code>`, and only on the page that teaches the
/// directives (and the print page, which holds every chapter).
fn check_directives_gone(name: &str, html: &str, problems: &mut Vec<String>) {
    let teaching = ["adding-a-chapter.html", "print.html"].contains(&name);
    for (at, _) in html.match_indices("{{#") {
        let before = &html[..at];
        let in_code = before.rfind("<code") > before.rfind("</code>");
        if !(in_code && teaching) {
            let text: String = html[at..]
                .chars()
                .take_while(|&c| c != '<' && c != '\n')
                .collect();
            let place = if in_code {
                "inside code"
            } else {
                "outside code"
            };
            problems.push(format!("{name}: directive text `{text}` {place}"));
        }
    }
}

/// Checks every relative `href` of a page; returns how many it checked.
fn check_links(
    out: &Path,
    page: &Path,
    name: &str,
    html: &str,
    problems: &mut Vec<String>,
) -> usize {
    // 404.html has `<base href="/">`: its links are relative to the book's root.
    let base = if html.contains("<base href=\"/\">") {
        out
    } else {
        page.parent().unwrap()
    };
    let mut checked = 0;
    for (at, _) in html.match_indices("href=\"") {
        let link = html[at + 6..].split('"').next().unwrap_or("");
        let tag_start = html[..at].rfind('<').unwrap_or(0);
        let external = ["http:", "https:", "mailto:", "//"]
            .iter()
            .any(|p| link.starts_with(p));
        if external || link.is_empty() || link == "#" || html[tag_start..].starts_with("<base") {
            continue;
        }
        checked += 1;
        let (path, fragment) = link.split_once('#').unwrap_or((link, ""));
        let mut target = if path.is_empty() {
            page.to_path_buf()
        } else {
            base.join(path)
        };
        if target.is_dir() {
            target.push("index.html");
        }
        if !target.is_file() {
            problems.push(format!("{name}: link `{link}`: no such file"));
        } else if !fragment.is_empty() {
            let target_html = fs::read_to_string(&target).unwrap_or_default();
            if !target_html.contains(&format!("id=\"{fragment}\"")) {
                problems.push(format!("{name}: link `{link}`: no id=\"{fragment}\" there"));
            }
        }
    }
    checked
}

fn html_pages(dir: &Path) -> Vec<PathBuf> {
    let mut pages = Vec::new();
    for entry in fs::read_dir(dir).expect("list the build folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            pages.extend(html_pages(&path));
        } else if path.extension().is_some_and(|ext| ext == "html") {
            pages.push(path);
        }
    }
    pages
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
