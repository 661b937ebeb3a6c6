//! The workbook's tasks, run with `cargo xtask <command>` (an alias in
//! `.cargo/config.toml`). A fresh clone needs only Rust and cargo: the book is
//! built by mdBook's library, not by an installed `mdbook`.

mod apt;
mod engine;
mod handouts;
mod rootfs;
mod serve;
mod test;
mod vm;

use anyhow::{Context, Result, anyhow, bail};
use mdbook_driver::MDBook;
use mdbook_netlab::{Edition, Netlab};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  build               build the book into book/
  serve [--port N]    build the book, then serve it on http://127.0.0.1:N/ (default 3000)
  engine [28.5|20.10] fetch Debian's Docker Engine (default 28.5) into target/engines/,
                      unpacked, never installed; prints the folder for --engine private=DIR
  rootfs              fetch the recap chapter's two small distributions (Debian 12
                      and 13's base-files and busybox-static) into target/rootfs/
  test [--setup-only] [-- CARGO-TEST-ARGS]
                      install the packages the tests need (apt, as root), fetch the
                      VM's kernel, the two Docker Engines and the recap chapter's
                      root filesystems, run every test, and
                      print a summary with each skipped test and why
  vm [EXAMPLE...] [--check EXAMPLE] [--out DIR] [--timeout SECONDS]
                      run examples (default: all) as root in a throwaway QEMU VM;
                      --check: run that one again with --check (its claims)
  handouts [--out DIR] [--edition student|instructor|both]
                      print a PDF per chapter and one for the session into
                      DIR/EDITION/ (default target/handouts, both editions);
                      needs Chromium (Debian: apt-get install chromium)";

/// The tasks, one variant each.
#[derive(Debug, PartialEq)]
enum Task {
    /// Build the book into `book/`.
    Build,
    /// Build the book, then serve `book/` on the loopback address.
    Serve { port: u16 },
    /// Set up what the tests need, run them all, and sum up.
    Test(test::Mode, Vec<String>),
    /// Fetch a Docker Engine's binaries; print their folder.
    Engine(engine::Release),
    /// Run examples as root inside a throwaway QEMU virtual machine.
    Vm(vm::Options),
    /// Fetch the recap chapter's root filesystems; print their folders.
    Rootfs,
    /// Print the handouts: a PDF per chapter and one for the session.
    Handouts {
        out: PathBuf,
        editions: Vec<Edition>,
    },
}

/// `cargo`, for a build from inside `cargo xtask`, without the variables
/// `cargo run` set for this program (`CARGO_PKG_NAME`, `CARGO_MANIFEST_DIR`,
/// ..., `LD_LIBRARY_PATH`): build scripts (ring's, through the cc crate)
/// read such variables, so a build with them would rebuild those crates,
/// and the next build from a plain shell would rebuild them again.
pub fn cargo() -> std::process::Command {
    let mut command =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let keep = ["CARGO_HOME", "CARGO_TARGET_DIR"].contains(&name.as_ref());
        if (name.starts_with("CARGO_") && !keep) || name == "LD_LIBRARY_PATH" {
            command.env_remove(name.as_ref());
        }
    }
    command
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = parse(&args).and_then(|task| match task {
        Task::Build => build_book().map(|dir| println!("Built the book in {}", dir.display())),
        Task::Serve { port } => build_book().and_then(|dir| serve::serve(&dir, port)),
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
        Task::Handouts { out, editions } => print_handouts(&out, &editions),
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
        ["rootfs"] => Ok(Task::Rootfs),
        ["handouts", options @ ..] => parse_handouts(options),
        ["serve"] => Ok(Task::Serve { port: 3000 }),
        ["serve", "--port", number] => Ok(Task::Serve {
            port: port(number)?,
        }),
        ["serve", flag] if flag.starts_with("--port=") => Ok(Task::Serve {
            port: port(&flag["--port=".len()..])?,
        }),
        ["test", "--setup-only"] => Ok(Task::Test(test::Mode::SetupOnly, Vec::new())),
        ["test"] => Ok(Task::Test(test::Mode::Run, Vec::new())),
        ["test", "--", rest @ ..] => Ok(Task::Test(
            test::Mode::Run,
            rest.iter().map(|s| s.to_string()).collect(),
        )),
        ["engine"] => Ok(Task::Engine(engine::RELEASES[0])),
        ["engine", version] => engine::Release::parse(version)
            .map(Task::Engine)
            .map_err(|e| anyhow!("{e}\n\n{USAGE}")),
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

/// `handouts [--out DIR] [--edition student|instructor|both]`, in any order.
fn parse_handouts(mut options: &[&str]) -> Result<Task> {
    let mut out = workspace_root()?.join("target/handouts");
    let mut editions = vec![Edition::Student, Edition::Instructor];
    loop {
        match options {
            [] => return Ok(Task::Handouts { out, editions }),
            ["--out", dir, rest @ ..] => (out, options) = (PathBuf::from(dir), rest),
            ["--edition", "both", rest @ ..] => {
                (editions, options) = (vec![Edition::Student, Edition::Instructor], rest)
            }
            ["--edition", name @ ("student" | "instructor"), rest @ ..] => {
                (editions, options) = (vec![Edition::parse(name)?], rest)
            }
            [flag, ..] => {
                bail!("`{flag}`: not an option of handouts, or missing its value\n\n{USAGE}")
            }
        }
    }
}

fn print_handouts(out: &Path, editions: &[Edition]) -> Result<()> {
    let started = Instant::now();
    let written = handouts::handouts(&workspace_root()?, out, editions)?;
    for pdf in &written {
        println!("{}", pdf.display());
    }
    println!(
        "Printed {} handouts in {:.0?} into {}",
        written.len(),
        started.elapsed(),
        out.display()
    );
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(words: &str) -> Result<Task> {
        let args: Vec<String> = words.split_whitespace().map(String::from).collect();
        parse(&args)
    }

    #[test]
    fn handouts_options() {
        let both = vec![Edition::Student, Edition::Instructor];
        let default_out = workspace_root().expect("root").join("target/handouts");
        assert_eq!(
            parse_words("handouts").expect("no options"),
            Task::Handouts {
                out: default_out.clone(),
                editions: both.clone()
            }
        );
        assert_eq!(
            parse_words("handouts --edition instructor --out /tmp/h").expect("both options"),
            Task::Handouts {
                out: PathBuf::from("/tmp/h"),
                editions: vec![Edition::Instructor]
            }
        );
        assert_eq!(
            parse_words("handouts --edition student --edition both").expect("the last wins"),
            Task::Handouts {
                out: default_out,
                editions: both
            }
        );
        for wrong in ["handouts --edition web", "handouts --out", "handouts now"] {
            let error = parse_words(wrong).expect_err(wrong).to_string();
            assert!(
                error.contains("not an option of handouts"),
                "{wrong}: {error}"
            );
        }
    }
}
