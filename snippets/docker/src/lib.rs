//! The Docker way, for real: the lab's `docker` commands, sent to a real
//! Docker Engine through its HTTP API (bollard), narrated like the examples
//! that build the same things from syscalls.
//!
//! These examples are the exception to the lab's rule: dockerd changes the
//! machine's own network namespace (docker0, veths, firewall rules). So
//! everything they create carries the label `io.netlab=1` and a name that
//! starts with `netlab-`, is removed at the end of the run, and a run that
//! was interrupted is cleaned up by the next one ([`cleanup`]).
//!
//! # Layout
//!
//! - this file: [`run`], every `docker_*` example's `main` (connect, clean
//!   leftovers, make the image, run, remove), and [`Engine`], whose verbs
//!   are shaped like the `docker` CLI (`run`, `exec`, `rm`, `network_create`).
//! - [`image`]: the one image the chapters use, `netlab/busybox`, built
//!   locally from Debian's static busybox: no registry is needed.
//! - [`cleanup`]: the label, leftovers of interrupted runs, `docker_cleanup`.
//! - [`kernel`]: what dockerd built, read back from the kernel: DNAT rules,
//!   veth peers, VXLAN and MACVLAN devices.
//! - [`swarm`]: `docker swarm init`, and the VXLAN device of an overlay
//!   network, in the namespace dockerd made for it.
//! - `exec`: `docker exec`, shown as typed at the container's prompt.
//! - [`private`] (and `folder`, its folder): `--engine private`: a fresh dockerd in namespaces the
//!   example owns, which dies with it.
//! - [`reach`]: the one clear line when your Docker Engine does not answer.
//! - `network`: `docker network create` and `docker network rm`.
//! - `show`: what `docker info`, `docker network ls` and `docker network
//!   inspect` print, the fields that matter.

pub mod cleanup;
mod client;
mod engine;
mod exec;
mod firewall;
pub mod folder;
pub mod image;
pub mod kernel;
pub mod lan;
mod names;
mod network;
pub mod private;
pub mod reach;
mod show;
pub mod swarm;

use std::fs::File;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use nix::fcntl::{Flock, FlockArg};

pub use engine::{Container, Engine, RunArgs};
pub use network::NetworkArgs;
pub use private::{Choice, Forwarding, PrivateEngine};
pub use reach::EXIT_NO_DOCKER;

use netlab::Netns;
use netlab::cli::{self, Flag, Given, Parsed};
use netlab::lab::check::Claims;
use netlab::narrate;

/// The label on every container and network these examples create (and on
/// the image and on a swarm this lab initialized).
pub const LABEL: &str = "io.netlab";
/// The prefix of every name they give (`netlab-red`, `netlab-net`).
pub const PREFIX: &str = "netlab-";
/// The image that stands in for nginx, centos and photon.
pub const IMAGE: &str = "netlab/busybox";

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

/// Every `docker_*` example's `main`: `fn main() -> ExitCode { docker::run(bridge) }`.
///
/// Connects to the Engine `--engine` names (yours by default, or a private
/// daemon it starts), removes what an interrupted run left, makes sure the
/// image exists, runs the example, and then, whether it succeeded or not,
/// removes everything it created before exiting. A private daemon is
/// stopped, with all it built.
///
/// When your Engine does not answer, it prints one line saying why and
/// exits with [`EXIT_NO_DOCKER`].
pub fn run(example: impl AsyncFnOnce(&Engine) -> Result<()>) -> ExitCode {
    run_with_flags(&[], example)
}

/// [`run`] for an example with flags of its own, which it reads with
/// [`Engine::flag`]: `docker::run_with_flags(&[PARENT], macvlan)`.
pub fn run_with_flags(
    flags: &[Flag],
    example: impl AsyncFnOnce(&Engine) -> Result<()>,
) -> ExitCode {
    run_hosts_with_flags(&["host"], flags, async |engines: &[Engine]| {
        example(&engines[0]).await
    })
}

/// [`run`] for a lab of several Docker hosts, each a private Engine of its
/// own with that hostname: `docker::run_hosts(&["node1", "node2"], overlay)`.
/// Your own Engine is one host only, so these examples start private
/// Engines unless told `--engine private=DIR` (and refuse `system`).
pub fn run_hosts(hosts: &[&str], example: impl AsyncFnOnce(&[Engine]) -> Result<()>) -> ExitCode {
    run_hosts_with_flags(hosts, &[], example)
}

fn run_hosts_with_flags(
    hosts: &[&str],
    flags: &[Flag],
    example: impl AsyncFnOnce(&[Engine]) -> Result<()>,
) -> ExitCode {
    let name = netlab::lab::cli::program_name();
    let session = match Session::from_command_line(&name, hosts.len(), flags) {
        Ok(Some(session)) => Arc::new(session),
        Ok(None) => return ExitCode::SUCCESS,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(netlab::error::EXIT_USAGE);
        }
    };
    // `--check` prints the claims instead of the transcript.
    narrate::set_quiet(session.claims.is_checking());
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(async {
        let mut engines = Vec::new();
        let mut daemons = Vec::new();
        for host in hosts {
            match connect(&name, &session, host).await {
                Ok(Some((engine, daemon))) => {
                    engines.push(engine);
                    daemons.extend(daemon);
                }
                Ok(None) => return ExitCode::from(EXIT_NO_DOCKER),
                Err(error) => return netlab::error::report(&name, &error),
            }
        }
        // One Docker example at a time on your Engine: each removes the
        // others' objects as leftovers when it starts. A private Engine
        // is this run's alone.
        let _lock = match session.choice {
            Choice::System => match one_at_a_time(&name) {
                Ok(lock) => Some(lock),
                Err(error) => return netlab::error::report(&name, &error),
            },
            _ => None,
        };
        // A private Engine starts empty and dies with us: only yours has
        // leftovers to sweep and objects to remove at the end.
        let sweep = session.choice == Choice::System;
        let result = async {
            for engine in engines.iter().filter(|_| sweep) {
                let left = cleanup::remove_leftovers(engine).await?;
                if !left.is_empty() {
                    eprintln!(
                        "{name}: removed what an interrupted run left behind: {}",
                        left.join(", ")
                    );
                }
            }
            engines[0].show_version().await?;
            for engine in &engines {
                image::ensure(engine).await?;
            }
            let outcome = example(&engines).await;
            // Always clean up, and wait until it is done: the tests and the
            // next run find the machine as it was.
            let mut cleaned = Ok(());
            for engine in engines.iter().filter(|_| sweep) {
                cleaned = cleaned.and(cleanup::remove_run(engine).await);
            }
            outcome.and(cleaned)
        }
        .await;
        // Stops the private daemons, and everything in their namespaces.
        drop(engines);
        drop(daemons);
        match result {
            Ok(()) if session.claims.counts().1 > 0 => ExitCode::FAILURE,
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => netlab::error::report(&name, &error),
        }
    });
    if session.claims.is_checking() {
        println!("{}", session.claims.summary());
    }
    code
}

/// What the Engines of one run share: the command line, which Engine it
/// asked for, and the chapter's claims.
pub struct Session {
    /// The example's own flags and the common ones, as given.
    flags: Given,
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
    fn from_command_line(
        name: &str,
        hosts: usize,
        own: &[Flag],
    ) -> Result<Option<Session>, String> {
        let flags = [own, &DOCKER_FLAGS[..]].concat();
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
    /// the benchmarks, which drive an [`Engine`] themselves).
    pub fn plain() -> Session {
        Session {
            flags: Given::default(),
            choice: Choice::System,
            forwarding: None,
            claims: Claims::default(),
        }
    }
}

/// The Engine the session names: yours (or `None` after printing the one
/// line that says why it does not answer), or a private daemon, started,
/// whose hostname and prompt are `host`.
async fn connect(
    name: &str,
    session: &Arc<Session>,
    host: &str,
) -> Result<Option<(Engine, Option<PrivateEngine>)>> {
    if session.choice == Choice::System {
        let api = match reach::connect().await {
            Ok(api) => api,
            Err(line) => {
                eprintln!("{name}: {line}");
                return Ok(None);
            }
        };
        let netns = Netns::current(host).await?;
        let mut engine = Engine::new(api, netns);
        engine.session = session.clone();
        return Ok(Some((engine, None)));
    }
    let forwarding = session.forwarding.unwrap_or_default();
    let (daemon, api) = PrivateEngine::start(&session.choice, host, forwarding).await?;
    // The Docker host is the daemon's network namespace.
    let netns = Netns::open(&daemon.netns_path(), host).await?;
    let mut engine = Engine::private(api, netns, &daemon);
    engine.session = session.clone();
    Ok(Some((engine, Some(daemon))))
}

/// An exclusive lock on `/run/lock/netlab-docker.lock`, held until the
/// process ends (the kernel drops it even on `kill -9`).
fn one_at_a_time(name: &str) -> Result<Flock<File>> {
    let dir = ["/run/lock", "/tmp"]
        .into_iter()
        .find(|dir| std::path::Path::new(dir).is_dir())
        .unwrap_or("/tmp");
    let path = format!("{dir}/netlab-docker.lock");
    let file = File::create(&path).with_context(|| format!("create the lock file {path}"))?;
    match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
        Ok(lock) => Ok(lock),
        Err((file, _)) => {
            eprintln!("{name}: another Docker example is running; waiting for it to finish");
            Flock::lock(file, FlockArg::LockExclusive)
                .map_err(|(_, errno)| netlab::error::errno_error(errno))
                .with_context(|| format!("lock {path}"))
        }
    }
}
