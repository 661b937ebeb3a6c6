//! The command line of `cargo xtask`: a command, then its options, split
//! by lexopt (the examples' parser too): `--flag VALUE` or `--flag=VALUE`;
//! `-h` and `--help`, anywhere before a `--`, print the usage on stdout.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use lexopt::Arg::{Long, Short, Value};

use crate::{engine, test, vm};

const USAGE: &str = "\
usage: cargo xtask <command> [--help]

commands:
  build [--book DIR]  build the book into book/ (DIR: another copy of the book)
  serve [--port N] [--book DIR] [--time-limit SECONDS]
                      build the book and serve it on http://127.0.0.1:N/ (default 3000;
                      0: any free port); it rebuilds when a chapter, an example or the
                      theme changes, and the open page reloads. Opened with the token
                      it prints, its pages run the chapters' examples on this machine
                      (a run is killed after --time-limit, default 300 s)
  engine [28.5|20.10] fetch Debian's Docker Engine and its docker CLI (default 28.5)
                      into target/engines/, unpacked, never installed; prints the
                      folder for --engine private=DIR
  rootfs              fetch the recap chapter's two small distributions (Debian 12
                      and 13's base-files and busybox-static) into target/rootfs/
  test [--setup-only] [-- TEST-RUNNER-ARGS]
                      install the packages the tests need (apt, as root), fetch the
                      VM's kernel, the two Docker Engines and the recap chapter's
                      root filesystems, run every test, and print a summary with
                      each skipped test and why
  vm [EXAMPLE...] [--engine 28.5|20.10]... [--check EXAMPLE] [--out DIR] [--timeout SECONDS]
                      run examples (default: all) as root in a throwaway QEMU VM;
                      --check: run that one again with --check (its claims);
                      --engine: run the docker_* examples (default with it: all)
                      against a private Docker Engine of that version in the VM
  handouts [--out DIR] [--edition student|instructor|worksheet|both|all]
                      print a PDF per chapter and one for the session into
                      DIR/EDITION/ (default target/handouts, all editions),
                      and the lab sheets and their key into DIR/worksheet/;
                      needs Chromium (Debian: apt-get install chromium)
";

/// The tasks, one variant each.
#[derive(Debug, PartialEq)]
pub enum Task {
    /// Build the book (the workspace's, or the one in the folder given)
    /// into its `book/`.
    Build { book: Option<PathBuf> },
    /// Build the book, serve it on the loopback address, rebuild on change,
    /// and run its examples for its pages, each for `time_limit` at most.
    Serve {
        port: u16,
        book: Option<PathBuf>,
        time_limit: Duration,
    },
    /// Set up what the tests need, run them all, and sum up.
    Test(test::Mode, Vec<String>),
    /// Fetch a Docker Engine's binaries; print their folder.
    Engine(engine::Release),
    /// Run examples as root inside a throwaway QEMU virtual machine.
    Vm(vm::Options),
    /// Fetch the recap chapter's root filesystems; print their folders.
    Rootfs,
    /// Print the handouts (the netlab-handouts program, given these words).
    Handouts(Vec<OsString>),
}

/// What a command line asks for.
#[derive(Debug, PartialEq)]
pub enum Parsed {
    Run(Task),
    /// `--help`: this usage, for stdout.
    Help(String),
}

/// The words after `cargo xtask`. `Err` holds the usage and what was
/// wrong, for stderr (exit 64).
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Parsed, String> {
    let args: Vec<OsString> = args.into_iter().collect();
    // What follows `--` is for the test runner, untouched.
    let split = args.iter().position(|arg| arg == "--");
    let (ours, theirs) = match split {
        Some(at) => (&args[..at], args[at + 1..].to_vec()),
        None => (&args[..], Vec::new()),
    };
    let wrong = |problem: String| format!("{USAGE}\n{problem}");
    if ours.iter().any(|arg| arg == "-h" || arg == "--help")
        || ours.first().is_some_and(|a| a == "help")
    {
        return Ok(Parsed::Help(USAGE.to_string()));
    }
    let Some((command, rest)) = ours.split_first() else {
        return Err(wrong("a command is needed".to_string()));
    };
    let command = command.to_string_lossy();
    let mut parser = lexopt::Parser::from_args(rest.iter().cloned());
    let task = match command.as_ref() {
        "build" => book_option(&mut parser).map(|book| Task::Build { book }),
        "rootfs" => no_options(&mut parser).map(|()| Task::Rootfs),
        "serve" => serve(&mut parser),
        "engine" => engine(&mut parser),
        "test" => test_task(&mut parser, &theirs),
        "vm" => vm_task(&mut parser),
        // netlab-handouts reads its own options.
        "handouts" => Ok(Task::Handouts(rest.to_vec())),
        other => Err(format!("unknown command `{other}`")),
    }
    .map_err(wrong)?;
    if split.is_some() && !matches!(task, Task::Test(..)) {
        return Err(wrong(format!("`--` is for `test` only, not `{command}`")));
    }
    Ok(Parsed::Run(task))
}

fn no_options(parser: &mut lexopt::Parser) -> Result<(), String> {
    match parser.next().map_err(|e| e.to_string())? {
        None => Ok(()),
        Some(arg) => Err(unexpected(arg)),
    }
}

fn serve(parser: &mut lexopt::Parser) -> Result<Task, String> {
    let (mut port, mut book, mut seconds) = (3000, None, 300);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("port") => port = value(parser, "--port")?,
            Long("book") => book = Some(value(parser, "--book")?),
            Long("time-limit") => seconds = value(parser, "--time-limit")?,
            arg => return Err(unexpected(arg)),
        }
    }
    let time_limit = Duration::from_secs(seconds);
    Ok(Task::Serve {
        port,
        book,
        time_limit,
    })
}

/// `[--book DIR]`.
fn book_option(parser: &mut lexopt::Parser) -> Result<Option<PathBuf>, String> {
    let mut book = None;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("book") => book = Some(value(parser, "--book")?),
            arg => return Err(unexpected(arg)),
        }
    }
    Ok(book)
}

fn engine(parser: &mut lexopt::Parser) -> Result<Task, String> {
    let mut release = engine::RELEASES[0];
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Value(version) => {
                release = engine::Release::parse(&version.to_string_lossy())
                    .map_err(|e| e.to_string())?;
            }
            arg => return Err(unexpected(arg)),
        }
    }
    Ok(Task::Engine(release))
}

fn test_task(parser: &mut lexopt::Parser, theirs: &[OsString]) -> Result<Task, String> {
    let mut mode = test::Mode::Run;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("setup-only") => mode = test::Mode::SetupOnly,
            arg => return Err(unexpected(arg)),
        }
    }
    let theirs = theirs
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    Ok(Task::Test(mode, theirs))
}

fn vm_task(parser: &mut lexopt::Parser) -> Result<Task, String> {
    let mut options = vm::Options::default();
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("out") => options.out = Some(value::<PathBuf>(parser, "--out")?),
            Long("check") => options.checks.push(value(parser, "--check")?),
            Long("engine") => {
                let version: String = value(parser, "--engine")?;
                let release = engine::Release::parse(&version).map_err(|e| e.to_string())?;
                options.engines.push(release);
            }
            Long("timeout") => {
                let seconds: u64 = value(parser, "--timeout")?;
                options.timeout = Some(Duration::from_secs(seconds));
            }
            Value(name) => options.examples.push(name.to_string_lossy().into_owned()),
            arg => return Err(unexpected(arg)),
        }
    }
    Ok(Task::Vm(options))
}

/// The value after `flag`, as a `T`.
fn value<T: std::str::FromStr>(parser: &mut lexopt::Parser, flag: &str) -> Result<T, String> {
    let text = parser
        .value()
        .map_err(|_| format!("{flag} needs a value"))?
        .to_string_lossy()
        .into_owned();
    text.parse()
        .map_err(|_| format!("{flag} {text}: not a valid value"))
}

fn unexpected(arg: lexopt::Arg) -> String {
    match arg {
        Long(name) => format!("unknown option --{name}"),
        Short(letter) => format!("unknown option -{letter}"),
        Value(value) => format!("unexpected `{}`", value.to_string_lossy()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(words: &str) -> Result<Parsed, String> {
        parse(words.split_whitespace().map(OsString::from))
    }

    #[test]
    fn commands_and_their_options() {
        assert_eq!(parsed("build"), Ok(Parsed::Run(Task::Build { book: None })));
        let serve = |port, book: Option<&str>, seconds| {
            Ok(Parsed::Run(Task::Serve {
                port,
                book: book.map(PathBuf::from),
                time_limit: Duration::from_secs(seconds),
            }))
        };
        assert_eq!(parsed("serve --port=8000"), serve(8000, None, 300));
        assert_eq!(
            parsed("serve --book /tmp/b --port 0 --time-limit 5"),
            serve(0, Some("/tmp/b"), 5)
        );
        assert_eq!(
            parsed("test -- -E binary(docker)"),
            Ok(Parsed::Run(Task::Test(
                test::Mode::Run,
                vec!["-E".into(), "binary(docker)".into()]
            )))
        );
        let Ok(Parsed::Run(Task::Vm(options))) = parsed("vm bridge --check ipvlan --timeout 60")
        else {
            panic!("vm parses");
        };
        assert_eq!(options.examples, ["bridge"]);
        assert!(options.engines.is_empty());
        let Ok(Parsed::Run(Task::Vm(docker))) = parsed("vm --engine 28.5 --engine=20.10") else {
            panic!("vm --engine parses");
        };
        assert_eq!(docker.engines, engine::RELEASES);
        assert_eq!(options.checks, ["ipvlan"]);
        assert_eq!(options.timeout, Some(Duration::from_secs(60)));
        assert_eq!(
            parsed("handouts --edition student"),
            Ok(Parsed::Run(Task::Handouts(vec![
                "--edition".into(),
                "student".into()
            ])))
        );
    }

    #[test]
    fn help_anywhere_is_the_usage_and_mistakes_say_what() {
        for words in ["--help", "-h", "help", "build --help", "vm -h bridge"] {
            assert_eq!(
                parsed(words),
                Ok(Parsed::Help(USAGE.to_string())),
                "{words}"
            );
        }
        for (words, problem) in [
            ("", "a command is needed"),
            ("bake", "unknown command `bake`"),
            ("serve --port", "--port needs a value"),
            ("serve --port x", "--port x: not a valid value"),
            ("build --fast", "unknown option --fast"),
            ("engine 19.03", "no Engine 19.03"),
            ("build -- x", "`--` is for `test` only"),
        ] {
            let error = parsed(words).expect_err(words);
            assert!(error.starts_with("usage: cargo xtask"), "{words}: {error}");
            assert!(error.contains(problem), "{words}: {error}");
        }
    }
}
