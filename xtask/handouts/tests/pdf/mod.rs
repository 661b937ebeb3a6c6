//! Reading a printed PDF back as a person would, with Debian's
//! poppler-utils: its pages (`pdfinfo`), its text (`pdftotext`) and a page
//! as an image (`pdftoppm`). Shared by the tests of both kinds of handout
//! (`mod pdf;`), and what a lab sheet's page image shows: each test uses a
//! part, so some of it is dead code to the other.
#![allow(dead_code)]

use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
use mdbook_markdown::{MarkdownOptions, new_cmark_parser};
use std::path::Path;
use std::process::Command;

/// Whether `program` runs. Outside CI a machine without it skips the test
/// with a message; in CI (`CI=true`), which installs both, it is a failure.
/// (The rule of `netlab_tests::skip`, written again: xtask cannot depend on
/// netlab-tests, which would build the whole lab library into it.)
pub fn available(program: &str, arg: &str) -> bool {
    let runs = Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|output| output.status.success());
    if !runs && std::env::var("CI").as_deref() == Ok("true") {
        panic!("{program} is missing in CI: .ci/run installs chromium and poppler-utils");
    }
    runs
}

/// `text` without whitespace or hyphens, with the typographic ligatures a
/// PDF may hold spelled out and straight quotes for curly ones, and without
/// the backslash of an escaped `\{{#directive}}`, which mdBook removes on
/// the page, in code too.
pub fn squeeze(text: &str) -> String {
    text.replace("\\{{#", "{{#")
        .replace('\u{fb01}', "fi")
        .replace('\u{fb02}', "fl")
        .replace('\u{fb00}', "ff")
        // Markdown's smart punctuation prints typographic quotes.
        .replace(['\u{2018}', '\u{2019}'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
        .chars()
        // Hyphens too: pdftotext joins a word broken after a hyphen at the
        // end of a printed line and drops the hyphen (`--ip-range`).
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

pub fn pdf_pages(pdf: &Path) -> usize {
    let output = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("run pdfinfo");
    assert!(
        output.status.success(),
        "pdfinfo {}: not a PDF",
        pdf.display()
    );
    let info = String::from_utf8_lossy(&output.stdout);
    info.lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// The PDF's text, whitespace removed.
pub fn pdf_text(pdf: &Path) -> String {
    // `-raw`: in the order the page draws it, which keeps the columns of a
    // tab-separated output (`brctl showmacs`) on their line. But a line that
    // wraps at the foot of a page comes out of `-raw` after the next page's
    // first lines, and out of the default mode with its columns read apart;
    // `-layout` keeps such a line whole, but may split what `-raw` keeps. A
    // line counts as printed when any of the three modes shows it.
    let mode = |option: Option<&str>| {
        let mut command = Command::new("pdftotext");
        command.args(option);
        let output = command.arg(pdf).arg("-").output().expect("run pdftotext");
        assert!(output.status.success(), "pdftotext {}", pdf.display());
        squeeze(&String::from_utf8_lossy(&output.stdout))
    };
    [mode(Some("-raw")), mode(None), mode(Some("-layout"))].join("\u{0}")
}

/// The plain text of Markdown, one string per paragraph, list item, heading
/// or code block, as a reader sees it printed.
pub fn plain_parts(markdown: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    for event in new_cmark_parser(markdown, &MarkdownOptions::default()) {
        match event {
            Event::Text(text) | Event::Code(text) => {
                parts.last_mut().expect("one part").push_str(&text)
            }
            Event::Start(Tag::Item) | Event::End(TagEnd::Item) => parts.push(String::new()),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock) => {
                parts.push(String::new())
            }
            _ => {}
        }
    }
    parts
        .iter()
        .map(|part| squeeze(part))
        .filter(|part| !part.is_empty())
        .collect()
}

/// The text of an SVG's `<text>` elements, one per line.
pub fn svg_text(svg: &str) -> String {
    let mut words = Vec::new();
    for piece in svg.split("<text").skip(1) {
        let Some(start) = piece.find('>') else {
            continue;
        };
        let Some(end) = piece.find("</text>") else {
            continue;
        };
        let inner = &piece[start + 1..end];
        words.push(
            inner
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        );
    }
    words.join("\n")
}

/// A page of a PDF as an image: its width, height and RGB pixels, row by row.
pub struct Image {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
}

impl Image {
    /// The colour of the pixel at column `x`, row `y`.
    pub fn pixel(&self, x: usize, y: usize) -> [u8; 3] {
        let at = (y * self.width + x) * 3;
        [self.rgb[at], self.rgb[at + 1], self.rgb[at + 2]]
    }
}

/// Page `page` of `pdf` rendered at `dpi` by `pdftoppm`, read from the
/// binary PPM it writes (`P6`, width, height, 255, then the pixels): a
/// format simple enough to need no image crate.
pub fn page_image(pdf: &Path, page: usize, dpi: usize) -> Image {
    let page = page.to_string();
    let output = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-f", &page, "-l", &page])
        .arg(pdf)
        .output()
        .expect("run pdftoppm");
    assert!(output.status.success(), "pdftoppm {}", pdf.display());
    let ppm = output.stdout;
    // The header: four words separated by single whitespace characters.
    let mut words = Vec::new();
    let mut at = 0;
    while words.len() < 4 {
        let start = at;
        while !ppm[at].is_ascii_whitespace() {
            at += 1;
        }
        words.push(String::from_utf8_lossy(&ppm[start..at]).into_owned());
        at += 1;
    }
    assert_eq!(words[0], "P6", "pdftoppm wrote a binary PPM");
    let number = |word: &str| word.parse::<usize>().expect("a PPM header number");
    let (width, height) = (number(&words[1]), number(&words[2]));
    let rgb = ppm[at..].to_vec();
    assert_eq!(rgb.len(), width * height * 3, "a whole page of pixels");
    Image { width, height, rgb }
}

/// Whether a pixel has a colour, which a lab sheet's stylesheet (black and
/// greys) never prints: only the picture's fills and lines have one.
pub fn coloured(rgb: [u8; 3]) -> bool {
    let (max, min) = (
        rgb.iter().max().unwrap_or(&0),
        rgb.iter().min().unwrap_or(&0),
    );
    max - min >= 48
}

/// Whether an SVG uses a colour, as `#rrggbb`, that [`coloured`] counts.
pub fn has_colour(svg: &str) -> bool {
    svg.split('#').skip(1).any(|rest| {
        let hex = rest.get(..6).unwrap_or("");
        let channel = |at: usize| u8::from_str_radix(&hex[at..at + 2], 16).ok();
        match (hex.len(), channel(0), channel(2), channel(4)) {
            (6, Some(r), Some(g), Some(b)) => coloured([r, g, b]),
            _ => false,
        }
    })
}

/// The coloured pixels of a page: how many lie in its top-right quarter,
/// where a sheet prints its picture, and how many elsewhere.
pub fn colour_on_page(image: &Image) -> (usize, usize) {
    let (mut inside, mut outside) = (0, 0);
    for y in 0..image.height {
        for x in (0..image.width).filter(|&x| coloured(image.pixel(x, y))) {
            match x >= image.width * 2 / 5 && y < image.height / 2 {
                true => inside += 1,
                false => outside += 1,
            }
        }
    }
    (inside, outside)
}
