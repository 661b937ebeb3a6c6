//! What the preprocessor costs: builds the real book (this repository's
//! book.toml and src/) warm, several times each way, and prints mean wall times.
//!
//! ```text
//! cargo bench -p mdbook-netlab               # 20 builds each way
//! NETLAB_BENCH_RUNS=50 cargo bench -p mdbook-netlab
//! ```
//!
//! Three ways, each timed from loading book.toml to the last HTML file written:
//! - without: the preprocessor replaced by one that changes nothing (directives
//!   stay as text), the baseline;
//! - in-process: `Netlab` registered with `with_preprocessor`, as `cargo xtask build` does;
//! - command: the built `mdbook-netlab` binary as the `command`, as `mdbook build`
//!   runs it (minus the `cargo run` up-to-date check, which is cargo's cost, not ours).

use anyhow::Result;
use mdbook_driver::MDBook;
use mdbook_driver::book::Book;
use mdbook_driver::config::Config;
use mdbook_netlab::Netlab;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use std::path::Path;
use std::time::{Duration, Instant};

/// Stands in for the preprocessor under its name, so the rest of the build is the same.
struct Without;

impl Preprocessor for Without {
    fn name(&self) -> &str {
        Netlab::NAME
    }
    fn run(&self, _: &PreprocessorContext, book: Book) -> Result<Book> {
        Ok(book)
    }
}

#[derive(Clone, Copy, Debug)]
enum Way {
    Without,
    InProcess,
    Command,
}

fn build(root: &Path, out: &Path, way: Way) -> Result<Duration> {
    let start = Instant::now();
    let mut config = Config::from_disk(root.join("book.toml"))?;
    config.set("build.build-dir", out)?;
    if let Way::Command = way {
        config.set(
            "preprocessor.netlab.command",
            env!("CARGO_BIN_EXE_mdbook-netlab"),
        )?;
    }
    let mut book = MDBook::load_with_config(root, config)?;
    match way {
        Way::Without => {
            book.with_preprocessor(Without);
        }
        Way::InProcess => {
            book.with_preprocessor(Netlab);
        }
        Way::Command => {}
    }
    book.build()?;
    Ok(start.elapsed())
}

fn main() -> Result<()> {
    let runs: u32 = match std::env::var("NETLAB_BENCH_RUNS") {
        Ok(text) => text.parse()?,
        Err(_) => 20,
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root");
    let out = tempfile::tempdir()?;
    let ways = [Way::Without, Way::InProcess, Way::Command];

    // Warm up: the page cache, the binary, mdBook's templates.
    for way in ways {
        build(root, out.path(), way)?;
    }
    // Interleave the ways so a slow moment of the machine hits all of them.
    let mut total = [Duration::ZERO; 3];
    for _ in 0..runs {
        for (i, way) in ways.into_iter().enumerate() {
            total[i] += build(root, out.path(), way)?;
        }
    }

    let chapters = MDBook::load(root)?.book.chapters().count();
    let mean = |i: usize| total[i] / runs;
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("build of the book ({chapters} chapters), mean of {runs} warm runs each:");
    println!("  without the preprocessor   {:8.2} ms", ms(mean(0)));
    for (i, label) in [
        (1, "in-process (cargo xtask) "),
        (2, "command (mdbook build)   "),
    ] {
        let ratio = mean(i).as_secs_f64() / mean(0).as_secs_f64();
        println!("  {label}  {:8.2} ms   {ratio:.2}x", ms(mean(i)));
    }
    Ok(())
}
