//! The workbook's tasks, run with `cargo xtask <command>` (an alias in
//! `.cargo/config.toml`). A fresh clone needs only Rust and cargo: the book is
//! built by mdBook's library, not by an installed `mdbook`.

mod apt;
mod cargo;
mod cli;
mod engine;
mod process;
mod rootfs;
mod serve;
mod test;
mod vm;

use anyhow::{Context, Result};
use mdbook_driver::MDBook;
use mdbook_netlab::Netlab;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cli::{Parsed, Task};

fn main() -> ExitCode {
    let task = match cli::parse(std::env::args_os().skip(1)) {
        Ok(Parsed::Run(task)) => task,
        Ok(Parsed::Help(usage)) => {
            print!("{usage}");
            return ExitCode::SUCCESS;
        }
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(64);
        }
    };
    let result = match task {
        Task::Build { book } => book_root(book)
            .and_then(|root| build_book(&root))
            .map(|dir| println!("Built the book in {}", dir.display())),
        Task::Serve {
            port,
            book,
            time_limit,
        } => book_root(book).and_then(|root| serve::serve(&root, port, time_limit)),
        Task::Test(mode, args) => workspace_root().and_then(|root| test::test(&root, mode, &args)),
        Task::Engine(release) => workspace_root().and_then(|root| {
            let dir = engine::obtain(&root.join("target/engines"), release)?;
            println!("{}", dir.display());
            Ok(())
        }),
        Task::Vm(options) => workspace_root().and_then(|root| vm::run(options, &root)),
        Task::Rootfs => workspace_root().and_then(|root| {
            for dir in rootfs::obtain(&root.join(rootfs::CACHE))? {
                println!("{}", dir.display());
            }
            Ok(())
        }),
        Task::Handouts(args) => print_handouts(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The book to build: the folder given, or the workspace's own.
fn book_root(given: Option<PathBuf>) -> Result<PathBuf> {
    match given {
        Some(dir) => Ok(dir),
        None => workspace_root(),
    }
}

/// The workspace root: xtask lives one folder below it.
fn workspace_root() -> Result<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .context("xtask lives one folder below the workspace root")
}

/// `cargo xtask handouts ARGS`: the handouts are a program of their own,
/// `netlab-handouts` (xtask/handouts), because they drive a browser, and its
/// driver (headless_chrome, with its TLS and websocket stack) is 75 crates
/// that `cargo xtask build` and `serve` need not compile. cargo builds it
/// the first time, showing its progress.
fn print_handouts(args: &[std::ffi::OsString]) -> Result<()> {
    let status = cargo::command()
        .args(["run", "--package", "netlab-handouts", "--"])
        .args(args)
        .current_dir(workspace_root()?)
        .status()
        .context("run cargo run --package netlab-handouts")?;
    if !status.success() {
        anyhow::bail!("netlab-handouts failed ({status})");
    }
    Ok(())
}

/// Builds the book at `root` and returns the folder it went to.
fn build_book(root: &Path) -> Result<PathBuf> {
    let mut book = MDBook::load(root).context("load book.toml and src/SUMMARY.md")?;
    // book.toml runs the preprocessor as `cargo run ...`, which is what a plain
    // `mdbook build` needs. We are already a cargo-built program, so we hand
    // mdBook the same preprocessor in-process instead: mdBook keys preprocessors
    // by name, so this replaces the command (it runs once, in the same place in
    // the order, and without a nested cargo).
    book.with_preprocessor(Netlab);
    book.build().context("build the book")?;
    Ok(root.join(&book.config.build.build_dir))
}
