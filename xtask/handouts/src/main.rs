//! `cargo xtask handouts [--out DIR] [--edition student|instructor|both]`:
//! the printed handouts, run by xtask as this program of its own (see
//! `handouts.rs`).

mod handouts;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use mdbook_netlab::Edition;

const USAGE: &str = "\
usage: cargo xtask handouts [--out DIR] [--edition student|instructor|both]
  --out DIR        where the PDFs go, DIR/EDITION/ (default target/handouts)
  --edition WHICH  student, instructor or both (the default)
  -h, --help       print this and exit
";

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (out, editions) = match parse(&root, std::env::args_os().skip(1)) {
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
    match handouts::handouts(&root, &out, &editions) {
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

/// The folder and the editions, or `None` for `--help`.
fn parse(
    root: &Path,
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Result<Option<(PathBuf, Vec<Edition>)>, String> {
    use lexopt::Arg::{Long, Short};
    let mut out = root.join("target/handouts");
    let mut editions = vec![Edition::Student, Edition::Instructor];
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
            "edition" => {
                editions = match value(&mut parser)?.as_str() {
                    "both" => vec![Edition::Student, Edition::Instructor],
                    name @ ("student" | "instructor") => {
                        vec![Edition::parse(name).map_err(|e| e.to_string())?]
                    }
                    other => return Err(format!("--edition {other}: student, instructor or both")),
                }
            }
            other => return Err(format!("not an option of handouts: --{other}")),
        }
    }
    Ok(Some((out, editions)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(words: &str) -> Result<Option<(PathBuf, Vec<Edition>)>, String> {
        parse(Path::new("/book"), words.split_whitespace().map(Into::into))
    }

    #[test]
    fn options_the_last_wins_and_help() {
        let both = vec![Edition::Student, Edition::Instructor];
        assert_eq!(
            parsed(""),
            Ok(Some((PathBuf::from("/book/target/handouts"), both.clone())))
        );
        assert_eq!(
            parsed("--edition instructor --out=/tmp/h"),
            Ok(Some((PathBuf::from("/tmp/h"), vec![Edition::Instructor])))
        );
        assert_eq!(
            parsed("--edition student --edition both"),
            Ok(Some((PathBuf::from("/book/target/handouts"), both)))
        );
        assert_eq!(parsed("--help"), Ok(None));
        for wrong in ["--edition web", "--out", "now"] {
            assert!(parsed(wrong).is_err(), "{wrong}");
        }
    }
}
