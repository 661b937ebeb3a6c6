//! [`Session`]: what the Engines of one run share, read from its command
//! line: the example's own flags and the Docker ones (`--engine`,
//! `--forwarding`, `--check`), which Engine it asked for, and the
//! chapter's claims.

use netlab::cli::{self, Flag, Given, Parsed};
use netlab::lab::check::Claims;

use super::private::{Choice, Forwarding};

/// The flags of every `docker_*` example, after its own.
const DOCKER_FLAGS: [Flag; 3] = [
    Flag::optional(
        "--engine",
        "ENGINE",
        "system: your Docker Engine (DOCKER_HOST or /var/run/docker.sock), the default; \
         private: a fresh dockerd of the PATH, in namespaces of this run, gone when it ends; \
         private=DIR: the same with the Engine in DIR (`cargo xtask engine` prints one)",
    ),
    Flag::optional(
        "--forwarding",
        "off|on",
        "how a private Engine finds net.ipv4.ip_forward: off, as on a fresh machine (the \
         default: dockerd turns it on and sets FORWARD's policy to DROP), or on, as where \
         another Docker, a VM host or a router turned it on (the policy stays ACCEPT)",
    ),
    Flag::switch(
        "--check",
        "print each claim of the chapter as PASS or FAIL, not the transcript",
    ),
];

/// Which Engines a run may use, and so which of the Docker flags it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Engines {
    /// One Docker host: yours by default, or a private Engine (`--engine`).
    One,
    /// A lab of this many Docker hosts: private Engines, one per host.
    Several(usize),
    /// The Engine of the machine it runs on, and no other: an example run
    /// once on each of several real machines, whose Engines must reach each
    /// other across the reader's network (no `--engine`, `--forwarding` or
    /// `--check`).
    ThisMachine,
}

/// What the Engines of one run share: the command line, which Engine it
/// asked for, and the chapter's claims.
pub struct Session {
    /// The example's own flags and the common ones, as given.
    pub(crate) flags: Given,
    /// `--engine`: yours, or a private daemon.
    pub choice: Choice,
    /// How a private Engine found forwarding when it started; `None` for
    /// yours, which started before this run.
    pub forwarding: Option<Forwarding>,
    /// `--check`, and how the claims went.
    pub claims: Claims,
}

impl Session {
    /// The session a command line asks for; `None` after printing the usage
    /// for `--help`; `Err` with the usage and what was wrong.
    pub(crate) fn from_command_line(
        name: &str,
        engines: Engines,
        own: &[Flag],
    ) -> Result<Option<Session>, String> {
        let docker_flags = match engines {
            Engines::ThisMachine => &[][..],
            _ => &DOCKER_FLAGS[..],
        };
        let flags = [own, docker_flags].concat();
        let hosts = match engines {
            Engines::Several(hosts) => hosts,
            _ => 1,
        };
        let command = format!("cargo run --example {name}");
        let usage = |problem: String| format!("{}{problem}", cli::usage_text(&command, &flags));
        let given = match cli::parse(&command, &flags, std::env::args_os().skip(1))? {
            Parsed::Help(text) => {
                print!("{text}");
                return Ok(None);
            }
            Parsed::Run(given) => given,
        };
        let choice = match given.text("--engine") {
            Some(value) => Choice::parse(value).map_err(usage)?,
            // Your Engine is one host: a lab of several starts private ones.
            None if hosts > 1 => Choice::Private,
            None => Choice::System,
        };
        if choice == Choice::System && hosts > 1 {
            return Err(usage(format!(
                "{name} needs {hosts} Docker hosts, and your Engine is one: it starts private \
                 Engines (--engine private or private=DIR)"
            )));
        }
        let forwarding = match (given.text("--forwarding"), &choice) {
            (Some(_), Choice::System) => {
                return Err(usage(
                    "--forwarding is for a private Engine: yours started before this run, \
                     with the forwarding your machine had then"
                        .to_string(),
                ));
            }
            (_, Choice::System) => None,
            (None | Some("off"), _) => Some(Forwarding::Fresh),
            (Some("on"), _) => Some(Forwarding::AlreadyOn),
            (Some(other), _) => {
                return Err(usage(format!("--forwarding {other}: expected off or on")));
            }
        };
        let claims = match given.has("--check") {
            true => Claims::checking(),
            false => Claims::default(),
        };
        Ok(Some(Session {
            flags: given,
            choice,
            forwarding,
            claims,
        }))
    }

    /// A session with nothing given: your Engine, no claims checked (for
    /// the benchmarks, which drive an [`Engine`](crate::Engine) themselves).
    pub fn plain() -> Session {
        Session {
            flags: Given::default(),
            choice: Choice::System,
            forwarding: None,
            claims: Claims::default(),
        }
    }
}
