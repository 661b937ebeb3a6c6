//! Builds whole books the way `mdbook build` does and checks the HTML a reader
//! gets: every chapter rendered, no directive left as text, each included
//! example's code and recorded output on its page, every internal link alive.
//!
//! The same checks run on the real book (this repository's book.toml and src/),
//! on a small book made here that uses every directive, and on a broken copy of
//! it, to show that each check can fail.

use mdbook_driver::MDBook;
use mdbook_driver::config::Config;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod html_checks;
use html_checks::check;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Builds the book at `root` into `out`, as [`build`] does, and returns the
/// warnings mdBook printed while it did (`WARN ...` lines), which a plain
/// `mdbook build` prints on the terminal and goes on.
fn build_warnings(root: &Path, out: &Path) -> anyhow::Result<Vec<String>> {
    #[derive(Clone, Default)]
    struct Lines(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Lines {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let lines = Lines::default();
    let writer = lines.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .without_time()
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, || build(root, out))?;
    let text = String::from_utf8_lossy(&lines.0.lock().unwrap()).into_owned();
    Ok(text
        .split("\n")
        .filter(|line| {
            line.trim_start().starts_with("WARN") || line.trim_start().starts_with("ERROR")
        })
        .map(str::to_string)
        .collect())
}

/// Builds the book at `root` into `out`, with `root`'s own book.toml.
fn build(root: &Path, out: &Path) -> anyhow::Result<()> {
    let mut config = Config::from_disk(root.join("book.toml"))?;
    config.set("build.build-dir", out)?;
    // book.toml says `cargo run ...`; here cargo has just built that very
    // binary for this test, so run it directly rather than a cargo inside a test.
    config.set(
        "preprocessor.netlab.command",
        env!("CARGO_BIN_EXE_mdbook-netlab"),
    )?;
    MDBook::load_with_config(root, config)?.build()
}

#[test]
fn the_real_book_is_complete() {
    let out = tempfile::tempdir().expect("create a temp dir");
    let warnings = build_warnings(&workspace_root(), out.path()).expect("build the real book");
    assert!(
        warnings.is_empty(),
        "mdBook warned while it built the book:\n{}",
        warnings.join("\n")
    );
    let report = check(&workspace_root(), out.path());
    assert!(report.problems.is_empty(), "{}", report.problems.join("\n"));
    eprintln!("real book: {}", report.summary());
    assert!(
        report.chapters >= 15,
        "SUMMARY.md lists the 15 chapters: {}",
        report.summary()
    );
}

#[test]
fn a_book_using_every_directive_is_complete() {
    let book = fixture_book();
    let out = tempfile::tempdir().expect("create a temp dir");
    build(book.path(), out.path()).expect("build the fixture book");
    let report = check(book.path(), out.path());
    assert!(report.problems.is_empty(), "{}", report.problems.join("\n"));
    assert_eq!(
        (report.chapters, report.examples),
        (2, 5),
        "{}",
        report.summary()
    );
}

/// A warning from mdBook fails the book test: a chapter that pulls Rust in
/// as Markdown (a bare `{{#include}}` outside a code block) makes mdBook
/// warn of an unclosed HTML tag, `<Figures>`.
#[test]
fn a_warning_from_mdbook_is_caught() {
    let book = fixture_book();
    let rust = "fn measure() -> Result<Figures> {\n    todo!()\n}\n";
    fs::write(book.path().join("snippets/examples/veth/measure.rs"), rust).unwrap();
    let chapter = "# veth\n\n{{#include ../snippets/examples/veth/measure.rs}}\n";
    fs::write(book.path().join("src/veth.md"), chapter).unwrap();
    let out = tempfile::tempdir().expect("create a temp dir");
    let warnings = build_warnings(book.path(), out.path()).expect("build the book");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("unclosed HTML tag `<figures>`")),
        "mdBook warns of the tag the Rust made: {warnings:?}"
    );
}

#[test]
fn the_checks_catch_mistakes() {
    let book = fixture_book();
    let chapter = "# Bridge\n\n{{#example bridge:add}}\n\n{{#topology bridge}}\n\nIn prose: \\{{#example bridge}}\n\n[gone](gone.html) [nowhere](#nowhere)\n";
    fs::write(book.path().join("src/bridge.md"), chapter).unwrap();
    let out = tempfile::tempdir().expect("create a temp dir");
    build(book.path(), out.path()).expect("build the broken book");
    // After the build, the example changes (the page is stale) and a page goes.
    let main_rs = book.path().join("snippets/examples/bridge/main.rs");
    let code = fs::read_to_string(&main_rs)
        .unwrap()
        .replace("docker0", "br0");
    fs::write(&main_rs, code).unwrap();
    let picture = book.path().join("snippets/examples/bridge/topology.svg");
    let svg = fs::read_to_string(&picture)
        .unwrap()
        .replace("docker0", "br0");
    fs::write(&picture, svg).unwrap();
    fs::remove_file(out.path().join("veth.html")).unwrap();

    let problems = check(book.path(), out.path()).problems.join("\n");
    for expected in [
        "veth.html: not rendered",
        "bridge.html: directive text `{{#example bridge}}` outside code",
        "bridge.html: link `gone.html`: no such file",
        "bridge.html: link `#nowhere`: no id=\"nowhere\" there",
        "bridge.html: missing code of snippets/examples/bridge/main.rs: `add_bridge(\"br0\"",
        "bridge.html: missing code of snippets/examples/bridge/topology.svg: `>br0</text>`",
    ] {
        assert!(
            problems.contains(expected),
            "expected {expected:?} in:\n{problems}"
        );
    }
}

#[test]
fn the_binary_fails_with_one_clear_message() {
    let book = fixture_book();
    fs::write(
        book.path().join("src/bridge.md"),
        "# Bridge\n\n{{#output brigde}}\n",
    )
    .unwrap();
    let md = MDBook::load(book.path()).expect("load the fixture book");
    let ctx = mdbook_preprocessor::PreprocessorContext::new(
        book.path().to_path_buf(),
        md.config.clone(),
        "html".into(),
    );
    let input = serde_json::to_vec(&(&ctx, &md.book)).expect("serialize the input");

    let exe = env!("CARGO_BIN_EXE_mdbook-netlab");
    let supports = Command::new(exe)
        .args(["supports", "html"])
        .status()
        .unwrap();
    assert!(supports.success(), "supports html");
    let mut child = Command::new(exe)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mdbook-netlab");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(!output.status.success(), "the preprocessor must fail");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: src/bridge.md:3: unknown example `brigde`; \
         the examples in snippets/examples are: bridge, veth\n"
    );
}

/// A two-chapter book with the real book.toml and two examples.
fn fixture_book() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("create a temp dir");
    let root = dir.path();
    let real = workspace_root();
    let files = [
        ("book.toml", fs::read_to_string(real.join("book.toml")).unwrap()),
        ("theme/netlab.css", fs::read_to_string(real.join("theme/netlab.css")).unwrap()),
        ("theme/core-path.js", fs::read_to_string(real.join("theme/core-path.js")).unwrap()),
        ("src/SUMMARY.md", "- [Bridge](bridge.md)\n- [Veth](veth.md)\n".into()),
        ("src/bridge.md", "# Bridge\n\n{{#example bridge:add}}\n\nThen [veth](veth.md#run-it).\n\n{{#output bridge}}\n\n{{#topology bridge}}\n".into()),
        ("src/veth.md", "# Veth\n\n{{#example veth}}\n\n## Run it\n\n{{#output veth}}\n".into()),
        ("snippets/examples/bridge/main.rs", "fn main() {\n    // ANCHOR: add\n    add_bridge(\"docker0\", 1 < 2 && true)?;\n    // ANCHOR_END: add\n}\n".into()),
        ("snippets/examples/bridge/output.txt", "$ cargo run --example bridge\nadded docker0 <UP>\n".into()),
        ("snippets/examples/bridge/topology.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"80\" height=\"20\">\n<title>bridge &amp; co</title>\n<text>docker0</text>\n</svg>\n".into()),
        ("snippets/examples/veth/main.rs", "//! Create a veth pair.\nfn main() {}\n".into()),
        ("snippets/examples/veth/output.txt", "$ cargo run --example veth\nveth-red@ceth0: 'up'\n".into()),
    ];
    for (path, text) in files {
        fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
        fs::write(root.join(path), text).unwrap();
    }
    dir
}
