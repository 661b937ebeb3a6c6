//! The workbook's mdBook preprocessor: it pulls each chapter's example code
//! and its recorded output into the page, so no code in the book is typed by hand.
//!
//! A chapter writes, on a line of its own:
//!
//! ```text
//! {{#example bridge}}                the whole snippets/examples/bridge/main.rs
//! {{#example bridge:create_bridge}}  the lines between `// ANCHOR: create_bridge`
//!                                    and `// ANCHOR_END: create_bridge`
//! {{#output bridge}}                 the recorded snippets/examples/bridge/output.txt
//! {{#topology bridge}}               the picture of the lab the same run drew,
//!                                    snippets/examples/bridge/topology.svg, inlined
//! {{#output bridge:vm}}              the same example's run in `cargo xtask vm`'s
//!                                    virtual machine: .../bridge/output-vm.txt
//! {{#lesson veth}}                   the lesson's frame from src/lessons/veth.toml:
//!                                    minutes, questions, objectives
//! {{#keypoints veth}}                its key points
//! {{#quickcheck veth}}               its multiple-choice question
//! {{#session-plan}}                  the session plan: every lab chapter's
//!                                    reading time, minutes and core exercise
//! ```
//!
//! A `## Deep dive: TITLE` heading starts a deep dive, which runs to the next
//! `##` heading that is not one: the page marks it, and a reader may hide it.
//!
//! A backslash shows a directive instead of expanding it: `\{{#example bridge}}`
//! renders as `{{#example bridge}}`. Directives inside code blocks and code spans
//! are left alone too. mdBook's own `{{#include ...}}` and friends pass through,
//! but for `{{#include FRAGMENT.md}}` on a line of its own: a piece of a
//! chapter kept in a file of its own (`src/docker/*.md`), which we include
//! with its directives expanded.
//!
//! # Layout
//!
//! - [`directive`] parses the text of one `{{#...}}`.
//! - [`snippets`] reads the examples folder: code, anchors, recorded output.
//! - [`expand`] walks a chapter line by line and replaces each directive with
//!   a captioned, fenced block.
//! - [`lesson`] reads and checks the lesson files, and renders their parts.
//! - [`chapter`] finds a chapter's headings, sections and deep dives, and
//!   wraps the deep dives in a `<div>` the web book can hide.
//! - [`reading`] counts how long a chapter's core takes to read, and
//!   [`exercises`] lists its exercises (core or homework): the session plan
//!   ([`session_plan`]) and the worksheets use both.
//! - [`edition`] removes or opens the solution and instructor-notes blocks
//!   (`<details class="solution">`): the student and instructor editions.
//! - `pipeline` runs all that over a book, in two passes (the session plan
//!   needs every lab chapter first); this file plugs it into mdBook's
//!   [`Preprocessor`] trait; `main.rs` is the thin binary mdBook runs
//!   (`command` in `book.toml`).

pub mod chapter;
pub mod directive;
pub mod edition;
pub mod exercises;
pub mod expand;
pub mod lesson;
mod pipeline;
pub mod reading;
pub mod session_plan;
pub mod snippets;

pub use directive::Directive;
pub use edition::Edition;
pub use exercises::{Exercise, exercises};
pub use expand::{Sources, directives, expand, include_fragments};
pub use lesson::{Lesson, Lessons};
pub use reading::{ReadingTime, reading_time};
pub use snippets::Snippets;

use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

/// The preprocessor. Its name is the key of its table in `book.toml`
/// (`[preprocessor.netlab]`); the xtask relies on that to register it in-process
/// in place of the `command` (one run, no `cargo run` inside a build).
pub struct Netlab;

impl Netlab {
    pub const NAME: &'static str = "netlab";
    /// Where the examples live when `book.toml` does not say, relative to the book root.
    pub const DEFAULT_SNIPPETS: &'static str = "snippets";
}

impl Preprocessor for Netlab {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn run(&self, ctx: &PreprocessorContext, book: Book) -> Result<Book> {
        // `[preprocessor.netlab] snippets = "snippets"`, relative to the book root.
        let key = format!("preprocessor.{}.snippets", Self::NAME);
        let dir = ctx
            .config
            .get::<String>(&key)?
            .unwrap_or_else(|| Self::DEFAULT_SNIPPETS.to_string());
        let snippets = Snippets::new(ctx.root.join(&dir), &dir);
        // The lessons: `lessons/` in the book's src folder.
        let lessons = ctx.config.book.src.join(Lessons::FOLDER);
        let lessons = Lessons::load(&ctx.root.join(&lessons), &lessons.display().to_string())?;
        let sources = Sources {
            snippets,
            lessons,
            session_plan: None,
        };
        pipeline::run(ctx, book, sources, edition_of(ctx)?)
    }

    // The output is plain Markdown with one line of HTML (the caption), which
    // every renderer can take: the default `supports_renderer` (true) is right.
}

/// The edition to build: `edition` under `[preprocessor.netlab]` (or
/// `MDBOOK_PREPROCESSOR__NETLAB__EDITION`), else the web book.
fn edition_of(ctx: &PreprocessorContext) -> Result<Edition> {
    let key = format!("preprocessor.{}.edition", Netlab::NAME);
    match ctx.config.get::<String>(&key)? {
        Some(name) => Edition::parse(&name).map_err(|error| error.context(key)),
        None => Ok(Edition::Web),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mdbook_preprocessor::book::Chapter;
    use mdbook_preprocessor::config::Config;

    /// A book root with `[preprocessor.netlab] snippets = "lab"` and one example.
    fn book_root() -> tempfile::TempDir {
        let root = tempfile::tempdir().expect("create a temp dir");
        let example = root.path().join("lab/examples/veth");
        std::fs::create_dir_all(&example).expect("create the example folder");
        std::fs::write(example.join("main.rs"), "fn main() {}\n").expect("write main.rs");
        root
    }

    fn run(root: &std::path::Path, chapter: &str) -> Result<Book> {
        run_with(root, chapter, "")
    }

    /// `extra`: more lines of the `[preprocessor.netlab]` table.
    fn run_with(root: &std::path::Path, chapter: &str, extra: &str) -> Result<Book> {
        let toml = format!("[preprocessor.netlab]\nsnippets = \"lab\"\n{extra}");
        let config: Config = toml.parse()?;
        let ctx = PreprocessorContext::new(root.to_path_buf(), config, "html".into());
        let chapter = Chapter::new("veth pairs", chapter.into(), "veth.md", Vec::new());
        Netlab.run(&ctx, Book::new_with_items(vec![chapter.into()]))
    }

    #[test]
    fn reads_the_snippets_folder_from_book_toml() {
        let root = book_root();
        let book = run(root.path(), "{{#example veth}}\n").expect("run the preprocessor");
        let content = &book.chapters().next().expect("one chapter").content;
        assert!(
            content.contains("<code>lab/examples/veth/main.rs</code>"),
            "{content}"
        );
        assert!(
            content.contains("```rust,ignore\nfn main() {}\n```"),
            "{content}"
        );
    }

    #[test]
    fn errors_name_the_source_file_under_src() {
        let root = book_root();
        let error = run(root.path(), "\n{{#example bridge}}\n").expect_err("unknown example");
        assert_eq!(
            error.to_string(),
            "src/veth.md:2: unknown example `bridge`; the examples in lab/examples are: veth"
        );
    }

    #[test]
    fn reads_the_edition_from_book_toml() {
        let root = book_root();
        let chapter = "Try it.\n\n<details class=\"solution\"><summary>Solution</summary>\n\nDone.\n\n</details>\n";
        let content = |extra: &str| {
            let book = run_with(root.path(), chapter, extra).expect("run the preprocessor");
            book.chapters().next().expect("one chapter").content.clone()
        };
        assert_eq!(content(""), chapter, "the web edition by default");
        assert_eq!(content("edition = \"student\"\n"), "Try it.\n\n");
        assert!(
            content("edition = \"instructor\"\n").contains("<details class=\"solution\" open>"),
            "the instructor edition opens the solution"
        );
        let error = run_with(root.path(), chapter, "edition = \"teacher\"\n").expect_err("unknown");
        assert_eq!(
            format!("{error:#}"),
            "preprocessor.netlab.edition: unknown edition `teacher`: the editions are web, student, instructor"
        );
    }
}
