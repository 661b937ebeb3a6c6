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
mod engine;
mod exec;
mod folder;
pub mod image;
pub mod kernel;
mod network;
pub mod private;
pub mod reach;
mod show;
pub mod swarm;

use std::fs::File;
use std::process::ExitCode;

use anyhow::{Context, Result};
use nix::fcntl::{Flock, FlockArg};

pub use engine::{Container, Engine, RunArgs};
pub use network::NetworkArgs;
pub use private::{Choice, PrivateEngine};
pub use reach::EXIT_NO_DOCKER;

use crate::Netns;

/// The label on every container and network these examples create (and on
/// the image and on a swarm this lab initialized).
pub const LABEL: &str = "io.netlab";
/// The prefix of every name they give (`netlab-red`, `netlab-net`).
pub const PREFIX: &str = "netlab-";
/// The image that stands in for nginx, centos and photon.
pub const IMAGE: &str = "netlab/busybox";

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
    run_hosts(&["host"], async |engines: &[Engine]| {
        example(&engines[0]).await
    })
}

/// [`run`] for a lab of several Docker hosts, each a private Engine of its
/// own with that hostname: `docker::run_hosts(&["node1", "node2"], overlay)`.
/// Your own Engine is one host only, so these examples start private
/// Engines unless told `--engine private=DIR` (and refuse `system`).
pub fn run_hosts(hosts: &[&str], example: impl AsyncFnOnce(&[Engine]) -> Result<()>) -> ExitCode {
    let name = std::env::args()
        .next()
        .and_then(|path| path.rsplit('/').next().map(str::to_string))
        .unwrap_or_else(|| "docker".to_string());
    let parsed = Args::parse(&name, std::env::args().skip(1)).and_then(|args| {
        let usage = Args::usage(&name, "");
        match (&args.engine, hosts.len()) {
            (Some(Choice::System), 2..) => Err(format!(
                "{usage}{name} needs {} Docker hosts, and your Engine is one: it starts \
                 private Engines (--engine private or private=DIR)",
                hosts.len()
            )),
            _ => Ok(args),
        }
    });
    let args = match parsed {
        Ok(args) => args,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(crate::error::EXIT_USAGE);
        }
    };
    let choice = match (&args.engine, hosts.len()) {
        (Some(choice), _) => choice.clone(),
        (None, 1) => Choice::System,
        (None, _) => Choice::Private,
    };
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
    runtime.block_on(async {
        let mut engines = Vec::new();
        let mut daemons = Vec::new();
        for host in hosts {
            match connect(&name, &choice, host, &args).await {
                Ok(Some((engine, daemon))) => {
                    engines.push(engine);
                    daemons.extend(daemon);
                }
                Ok(None) => return ExitCode::from(EXIT_NO_DOCKER),
                Err(error) => return crate::error::report(&name, &error),
            }
        }
        // One Docker example at a time on your Engine: each removes the
        // others' objects as leftovers when it starts. A private Engine
        // is this run's alone.
        let _lock = match choice {
            Choice::System => match one_at_a_time(&name) {
                Ok(lock) => Some(lock),
                Err(error) => return crate::error::report(&name, &error),
            },
            _ => None,
        };
        // A private Engine starts empty and dies with us: only yours has
        // leftovers to sweep and objects to remove at the end.
        let sweep = choice == Choice::System;
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
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => crate::error::report(&name, &error),
        }
    })
}

/// The Engine `choice` names: yours (or `None` after printing the one
/// line that says why it does not answer), or a private daemon, started,
/// whose hostname and prompt are `host`.
async fn connect(
    name: &str,
    choice: &Choice,
    host: &str,
    args: &Args,
) -> Result<Option<(Engine, Option<PrivateEngine>)>> {
    if *choice == Choice::System {
        let api = match reach::connect().await {
            Ok(api) => api,
            Err(line) => {
                eprintln!("{name}: {line}");
                return Ok(None);
            }
        };
        let netns = Netns::current(host).await?;
        let engine = Engine::new(api, netns, args.parent.clone());
        return Ok(Some((engine, None)));
    }
    let (daemon, api) = PrivateEngine::start(choice, host).await?;
    // The Docker host is the daemon's network namespace.
    let netns = Netns::open(&daemon.netns_path(), host).await?;
    let mut engine = Engine::new(api, netns, args.parent.clone());
    engine.netns_dir = daemon.netns_dir();
    engine.socket = daemon.socket();
    Ok(Some((engine, Some(daemon))))
}

/// The command line of a `docker_*` example.
#[derive(Debug, Default, PartialEq)]
pub struct Args {
    /// `--engine system|private|private=DIR`, if given.
    pub engine: Option<Choice>,
    /// `--parent IFACE` (MACVLAN only): use a real interface instead of the
    /// lab's own veth pair.
    pub parent: Option<String>,
}

impl Args {
    /// Parses the arguments after the program's name, or returns the usage
    /// message with what was wrong.
    pub fn parse(name: &str, args: impl IntoIterator<Item = String>) -> Result<Args, String> {
        let macvlan = name == "docker_macvlan";
        let usage = |problem: &str| Args::usage(name, problem);
        let mut parsed = Args::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => {
                    (flag.to_string(), Some(value.to_string()))
                }
                _ => (arg.clone(), None),
            };
            let mut value = || inline.clone().or_else(|| args.next());
            match flag.as_str() {
                "--engine" => {
                    let value = value().ok_or_else(|| usage("--engine needs a value"))?;
                    parsed.engine = Some(Choice::parse(&value).map_err(|e| usage(&e))?);
                }
                "--parent" if macvlan => {
                    parsed.parent = Some(value().ok_or_else(|| usage("--parent needs an IFACE"))?);
                }
                _ => return Err(usage(&format!("unknown argument: {arg}"))),
            }
        }
        Ok(parsed)
    }

    /// The usage message, then `problem`.
    pub fn usage(name: &str, problem: &str) -> String {
        let extra = if name == "docker_macvlan" {
            " [--parent IFACE]"
        } else {
            ""
        };
        format!(
            "usage: cargo run --example {name} [-- --engine ENGINE]{extra}\n  \
             --engine system       your Docker Engine (DOCKER_HOST or /var/run/docker.sock), the default\n  \
             --engine private      a fresh dockerd of the PATH, in namespaces of this run, gone when it ends\n  \
             --engine private=DIR  the same with the Engine in DIR (`cargo xtask engine` prints one)\n\
             {problem}"
        )
    }
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
                .map_err(|(_, errno)| crate::error::errno_error(errno))
                .with_context(|| format!("lock {path}"))
        }
    }
}
