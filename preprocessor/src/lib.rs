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
//! ```
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
//! - [`edition`] removes or opens the solution and instructor-notes blocks
//!   (`<details class="solution">`): the student and instructor editions.
//! - this file plugs that into mdBook's [`Preprocessor`] trait; `main.rs` is the
//!   thin binary mdBook runs (`command` in `book.toml`).

pub mod directive;
pub mod edition;
pub mod expand;
pub mod snippets;

pub use directive::Directive;
pub use edition::Edition;
pub use expand::{directives, expand, include_fragments};
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

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        // `[preprocessor.netlab] snippets = "snippets"`, relative to the book root.
        let key = format!("preprocessor.{}.snippets", Self::NAME);
        let dir = ctx
            .config
            .get::<String>(&key)?
            .unwrap_or_else(|| Self::DEFAULT_SNIPPETS.to_string());
        let snippets = Snippets::new(ctx.root.join(&dir), &dir);
        let edition = edition_of(ctx)?;

        // Stop at the first mistake: one clear message beats a cascade, and the
        // author fixes one line at a time anyway.
        let mut first_error = None;
        book.for_each_chapter_mut(|chapter| {
            if first_error.is_some() {
                return;
            }
            // Name the file as the author knows it (`src/bridge.md`), not the chapter title.
            let source = match &chapter.source_path {
                Some(path) => ctx.config.book.src.join(path).display().to_string(),
                None => chapter.name.clone(),
            };
            // `{{#include docker/bridge.md}}`: relative to the chapter's folder.
            let folder = chapter
                .source_path
                .as_ref()
                .and_then(|path| path.parent())
                .map(|path| ctx.config.book.src.join(path))
                .unwrap_or_else(|| ctx.config.book.src.clone());
            let read = |target: &str| {
                let shown = folder.join(target);
                std::fs::read_to_string(ctx.root.join(&shown))
                    .map(|text| (text, shown.display().to_string()))
                    .map_err(|e| anyhow::anyhow!("cannot include {}: {e}", shown.display()))
            };
            let content = include_fragments(&chapter.content, &source, &snippets, read);
            let expanded = content
                .and_then(|content| expand(&content, &source, &snippets))
                .and_then(|content| edition::apply(&content, &source, edition));
            match expanded {
                Ok(content) => chapter.content = content,
                Err(error) => first_error = Some(error),
            }
        });
        match first_error {
            Some(error) => Err(error),
            None => Ok(book),
        }
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
