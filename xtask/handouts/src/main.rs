//! `cargo xtask handouts [--out DIR] [--edition WHICH]`: the printed
//! handouts, run by xtask as this program of its own (see `handouts.rs`, and
//! `worksheet.rs` for the lab sheets).

mod handouts;
mod worksheet;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use mdbook_netlab::Edition;

const USAGE: &str = "\
usage: cargo xtask handouts [--out DIR] [--edition WHICH]
  --out DIR        where the PDFs go, DIR/EDITION/ (default target/handouts)
  --edition WHICH  student, instructor, worksheet (the lab sheets and their
                   key), both (student and instructor) or all (the default)
  -h, --help       print this and exit
";

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (out, Editions { books, sheets }) = match parse(&root, std::env::args_os().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprintln!("{USAGE}{problem}");
            return ExitCode::from(64);
        }
    };
    let started = Instant::now();
    match handouts::handouts(&root, &out, &books, sheets) {
        Ok(written) => {
            for pdf in &written {
                println!("{}", pdf.display());
            }
            println!(
                "Printed {} handouts in {:.0?} into {}",
                written.len(),
                started.elapsed(),
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The editions to print.
#[derive(Debug, PartialEq)]
struct Editions {
    /// The book's editions, printed chapter by chapter.
    books: Vec<Edition>,
    /// Whether to print the worksheet edition (the lab sheets and their key).
    sheets: bool,
}

impl Editions {
    /// `--edition WHICH`.
    fn parse(which: &str) -> Result<Editions, String> {
        let books = vec![Edition::Student, Edition::Instructor];
        Ok(match which {
            "all" => Editions {
                books,
                sheets: true,
            },
            "both" => Editions {
                books,
                sheets: false,
            },
            "worksheet" => Editions {
                books: Vec::new(),
                sheets: true,
            },
            name @ ("student" | "instructor") => Editions {
                books: vec![Edition::parse(name).map_err(|e| e.to_string())?],
                sheets: false,
            },
            other => {
                return Err(format!(
                    "--edition {other}: student, instructor, worksheet, both or all"
                ));
            }
        })
    }
}

/// The folder and the editions, or `None` for `--help`.
fn parse(
    root: &Path,
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Result<Option<(PathBuf, Editions)>, String> {
    use lexopt::Arg::{Long, Short};
    let mut out = root.join("target/handouts");
    let mut editions = Editions::parse("all")?;
    let mut parser = lexopt::Parser::from_args(args);
    let value = |parser: &mut lexopt::Parser| {
        let value = parser.value().map_err(|e| e.to_string())?;
        Ok::<String, String>(value.to_string_lossy().into_owned())
    };
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        let flag = match arg {
            Long(name) => name.to_string(),
            Short('h') => "help".to_string(),
            other => return Err(format!("not an option of handouts: {other:?}")),
        };
        match flag.as_str() {
            "help" => return Ok(None),
            "out" => out = PathBuf::from(value(&mut parser)?),
            "edition" => editions = Editions::parse(&value(&mut parser)?)?,
            other => return Err(format!("not an option of handouts: --{other}")),
        }
    }
    Ok(Some((out, editions)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(words: &str) -> Result<Option<(PathBuf, Editions)>, String> {
        parse(Path::new("/book"), words.split_whitespace().map(Into::into))
    }

    fn editions(books: &[Edition], sheets: bool) -> Editions {
        let books = books.to_vec();
        Editions { books, sheets }
    }

    #[test]
    fn options_the_last_wins_and_help() {
        let both = [Edition::Student, Edition::Instructor];
        let default = PathBuf::from("/book/target/handouts");
        assert_eq!(
            parsed(""),
            Ok(Some((default.clone(), editions(&both, true))))
        );
        assert_eq!(
            parsed("--edition instructor --out=/tmp/h"),
            Ok(Some((
                PathBuf::from("/tmp/h"),
                editions(&[Edition::Instructor], false)
            )))
        );
        assert_eq!(
            parsed("--edition student --edition both"),
            Ok(Some((default.clone(), editions(&both, false))))
        );
        assert_eq!(
            parsed("--edition worksheet"),
            Ok(Some((default, editions(&[], true))))
        );
        assert_eq!(parsed("--help"), Ok(None));
        for wrong in ["--edition web", "--out", "now"] {
            assert!(parsed(wrong).is_err(), "{wrong}");
        }
    }
}
