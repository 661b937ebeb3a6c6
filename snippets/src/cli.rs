//! The one command-line parser of every example, syscall or Docker.
//!
//! An example declares its flags as a list of [`Flag`]s; the program around
//! it (`netlab::run`, `docker::run`) adds its own (`--keep`, `--engine`)
//! and parses them all the same way: `--flag VALUE` and `--flag=VALUE`,
//! `-h` and `--help` print the usage on stdout, and anything else is a
//! wrong command line, answered with the usage and what was wrong (exit
//! 64, `EX_USAGE`). The words are split by lexopt, a small, well-kept
//! parser with no dependencies.

use std::ffi::OsString;
use std::fmt::Display;
use std::str::FromStr;

use crate::error::usage;

/// A flag: one with a value it cannot run without (`--underlay-local
/// ADDRESS`), one with a value it may do without (`--chart FILE.svg`), or
/// a switch with no value (`--scale`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flag {
    pub name: &'static str,
    /// The value's placeholder in the usage message: `ADDRESS`; empty for
    /// a switch.
    pub value: &'static str,
    pub help: &'static str,
    pub needed: bool,
}

impl Flag {
    /// A flag the example cannot run without.
    pub const fn new(name: &'static str, value: &'static str, help: &'static str) -> Flag {
        Flag {
            name,
            value,
            help,
            needed: true,
        }
    }

    /// A flag with a value, which may be left out.
    pub const fn optional(name: &'static str, value: &'static str, help: &'static str) -> Flag {
        Flag {
            name,
            value,
            help,
            needed: false,
        }
    }

    /// A switch, on when given.
    pub const fn switch(name: &'static str, help: &'static str) -> Flag {
        Flag::optional(name, "", help)
    }

    fn is_switch(&self) -> bool {
        self.value.is_empty()
    }

    /// `--engine ENGINE`, or `[--engine ENGINE]` when it may be left out.
    fn synopsis(&self) -> String {
        let shown = format!("{} {}", self.name, self.value);
        match self.needed {
            true => shown.trim_end().to_string(),
            false => format!("[{}]", shown.trim_end()),
        }
    }
}

/// The flags given on one command line, with their values (empty for a
/// switch), in the order given.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Given {
    values: Vec<(&'static str, String)>,
}

impl Given {
    /// Whether the switch or flag `name` was given.
    pub fn has(&self, name: &str) -> bool {
        self.values.iter().any(|(flag, _)| *flag == name)
    }

    /// The text given to `name` (the last one, if given twice).
    pub fn text(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(flag, _)| *flag == name)
            .map(|(_, value)| value.as_str())
    }

    /// The value of `name` as a `T`, or `None` when it was not given. A
    /// value that is not a `T` is a wrong command line (exit 64).
    pub fn value<T: FromStr<Err: Display>>(&self, name: &str) -> anyhow::Result<Option<T>> {
        self.text(name)
            .map(|text| {
                text.parse()
                    .map_err(|error| usage(format!("{name} {text}: {error}")))
            })
            .transpose()
    }
}

/// What a command line asks for.
#[derive(Debug, PartialEq)]
pub enum Parsed {
    /// Run, with these flags.
    Run(Given),
    /// `--help` or `-h`: print this usage on stdout, exit 0.
    Help(String),
}

/// A command line's words (after the program's name), read against
/// `flags`. `Err` holds the usage and what was wrong, for stderr.
pub fn parse(
    command: &str,
    flags: &[Flag],
    args: impl IntoIterator<Item = impl Into<OsString>>,
) -> Result<Parsed, String> {
    let help = |problem: &str| format!("{}{problem}", usage_text(command, flags));
    let mut given = Given::default();
    let mut parser = lexopt::Parser::from_args(args);
    loop {
        let arg = match parser.next() {
            Ok(Some(arg)) => arg,
            Ok(None) => break,
            Err(error) => return Err(help(&error.to_string())),
        };
        let name = match arg {
            lexopt::Arg::Long("help") | lexopt::Arg::Short('h') => {
                return Ok(Parsed::Help(usage_text(command, flags)));
            }
            lexopt::Arg::Long(name) => format!("--{name}"),
            lexopt::Arg::Short(letter) => {
                return Err(help(&format!("unknown argument: -{letter}")));
            }
            lexopt::Arg::Value(value) => {
                return Err(help(&format!(
                    "unknown argument: {}",
                    value.to_string_lossy()
                )));
            }
        };
        let Some(flag) = flags.iter().find(|flag| flag.name == name) else {
            return Err(help(&format!("unknown argument: {name}")));
        };
        if flag.is_switch() {
            if let Some(value) = parser.optional_value() {
                let value = value.to_string_lossy();
                return Err(help(&format!("{name} takes no value (got {value})")));
            }
            given.values.push((flag.name, String::new()));
            continue;
        }
        let value = parser
            .value()
            .map_err(|_| help(&format!("{name} needs a value ({})", flag.value)))?;
        let Ok(value) = value.into_string() else {
            return Err(help(&format!("{name}: the value is not UTF-8")));
        };
        given.values.push((flag.name, value));
    }
    if let Some(missing) = flags
        .iter()
        .find(|flag| flag.needed && !given.has(flag.name))
    {
        return Err(help(&format!(
            "{} {} is needed",
            missing.name, missing.value
        )));
    }
    Ok(Parsed::Run(given))
}

/// `usage: COMMAND [--flag VALUE] ...`, then one line per flag.
pub fn usage_text(command: &str, flags: &[Flag]) -> String {
    let mut text = format!("usage: {command}");
    if !flags.is_empty() {
        text.push_str(" --");
    }
    for flag in flags {
        text.push(' ');
        text.push_str(&flag.synopsis());
    }
    text.push('\n');
    let width = flags
        .iter()
        .map(|flag| format!("{} {}", flag.name, flag.value).trim_end().len())
        .max()
        .unwrap_or(0);
    for flag in flags {
        let shown = format!("{} {}", flag.name, flag.value);
        text.push_str(&format!("  {:<width$}  {}\n", shown.trim_end(), flag.help));
    }
    text.push_str(&format!(
        "  {:<width$}  print this and exit\n",
        "-h, --help"
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAGS: [Flag; 3] = [
        Flag::switch("--keep", "leave the lab running"),
        Flag::optional("--engine", "ENGINE", "which Docker Engine"),
        Flag::new("--underlay-local", "ADDRESS", "this machine's address"),
    ];

    fn parsed(args: &[&str]) -> Result<Parsed, String> {
        parse("cargo run --example x", &FLAGS, args.iter().copied())
    }

    #[test]
    fn a_value_follows_its_flag_with_a_space_or_an_equals_sign() {
        for args in [
            &["--underlay-local", "10.0.0.1", "--engine", "system"][..],
            &["--underlay-local=10.0.0.1", "--engine=system"][..],
        ] {
            let Ok(Parsed::Run(given)) = parsed(args) else {
                panic!("{args:?} parses");
            };
            assert_eq!(given.text("--engine"), Some("system"), "{args:?}");
            let address: Option<std::net::Ipv4Addr> = given.value("--underlay-local").unwrap();
            assert_eq!(address, Some([10, 0, 0, 1].into()), "{args:?}");
            assert!(!given.has("--keep"));
        }
    }

    #[test]
    fn help_is_an_answer_not_an_error() {
        for flag in ["--help", "-h"] {
            let Ok(Parsed::Help(text)) = parsed(&["--keep", flag]) else {
                panic!("{flag} asks for the usage");
            };
            assert!(text.starts_with("usage: cargo run --example x -- [--keep] [--engine ENGINE] --underlay-local ADDRESS\n"), "{text}");
            assert!(
                text.contains("  --engine ENGINE           which Docker Engine\n"),
                "{text}"
            );
        }
    }

    #[test]
    fn a_wrong_command_line_says_what_was_wrong_after_the_usage() {
        for (args, problem) in [
            (
                &["--underlay-local", "1", "--nope"][..],
                "unknown argument: --nope",
            ),
            (
                &["--underlay-local", "1", "stray"][..],
                "unknown argument: stray",
            ),
            (&["--underlay-local", "1", "-x"][..], "unknown argument: -x"),
            (
                &["--underlay-local"][..],
                "--underlay-local needs a value (ADDRESS)",
            ),
            (&["--keep"][..], "--underlay-local ADDRESS is needed"),
            (
                &["--underlay-local", "1", "--keep=yes"][..],
                "--keep takes no value (got yes)",
            ),
        ] {
            let error = parsed(args).expect_err("wrong");
            assert!(error.starts_with("usage: "), "{error}");
            assert!(error.ends_with(problem), "{args:?}: {error}");
        }
        let Ok(Parsed::Run(given)) = parsed(&["--underlay-local", "x.y"]) else {
            panic!("parses: the value's type is checked when it is read");
        };
        let wrong = given.value::<std::net::Ipv4Addr>("--underlay-local");
        assert!(wrong.is_err(), "x.y is no address");
    }
}
