//! The workbook's tasks, run with `cargo xtask <command>` (an alias in
//! `.cargo/config.toml`). A fresh clone needs only Rust and cargo: the book is
//! built by mdBook's library, not by an installed `mdbook`.

mod serve;
mod vm;

use anyhow::{Context, Result, anyhow, bail};
use mdbook_driver::MDBook;
use mdbook_netlab::Netlab;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  build               build the book into book/
  serve [--port N]    build the book, then serve it on http://127.0.0.1:N/ (default 3000)
  vm [EXAMPLE...] [--out DIR] [--timeout SECONDS]
                      run examples (default: all) as root in a throwaway QEMU VM";

/// The tasks, one variant each.
enum Task {
    /// Build the book into `book/`.
    Build,
    /// Build the book, then serve `book/` on the loopback address.
    Serve { port: u16 },
    /// Run examples as root inside a throwaway QEMU virtual machine.
    Vm(vm::Options),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = parse(&args).and_then(|task| match task {
        Task::Build => build_book().map(|dir| println!("Built the book in {}", dir.display())),
        Task::Serve { port } => build_book().and_then(|dir| serve::serve(&dir, port)),
        Task::Vm(options) => workspace_root().and_then(|root| vm::run(options, &root)),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn parse(args: &[String]) -> Result<Task> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let port = |text: &str| {
        text.parse::<u16>()
            .map_err(|_| anyhow!("`{text}` is not a port number\n\n{USAGE}"))
    };
    match args.as_slice() {
        ["build"] => Ok(Task::Build),
        ["serve"] => Ok(Task::Serve { port: 3000 }),
        ["serve", "--port", number] => Ok(Task::Serve {
            port: port(number)?,
        }),
        ["serve", flag] if flag.starts_with("--port=") => Ok(Task::Serve {
            port: port(&flag["--port=".len()..])?,
        }),
        ["vm", rest @ ..] => vm::Options::parse(rest)
            .map(Task::Vm)
            .map_err(|e| anyhow!("{e}\n\n{USAGE}")),
        _ => bail!("{USAGE}"),
    }
}

/// The workspace root: xtask lives one folder below it.
fn workspace_root() -> Result<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .context("xtask lives one folder below the workspace root")
}

/// Builds the book at the workspace root and returns the folder it went to.
fn build_book() -> Result<PathBuf> {
    let root = workspace_root()?;
    let mut book = MDBook::load(&root).context("load book.toml and src/SUMMARY.md")?;
    // book.toml runs the preprocessor as `cargo run ...`, which is what a plain
    // `mdbook build` needs. We are already a cargo-built program, so we hand
    // mdBook the same preprocessor in-process instead: mdBook keys preprocessors
    // by name, so this replaces the command (it runs once, in the same place in
    // the order, and without a nested cargo).
    book.with_preprocessor(Netlab);
    book.build().context("build the book")?;
    Ok(root.join(&book.config.build.build_dir))
}
