//! The program around an example: [`run`] is every example's `main`.
//!
//! It reads the command line (`--keep`, `--check`, `--topology FILE.svg`
//! and the example's own flags), enters a user namespace when we are not
//! root (see `userns`), starts a single-threaded async runtime, runs the
//! example, and turns errors into a clear message and exit code.

use std::fmt::Display;
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;
use std::sync::atomic::Ordering;

use anyhow::{Context, Result};
use nix::unistd::Uid;

use super::Lab;
use super::check::Claims;
use super::userns::{enter_user_namespace, no_userns_message};
use crate::cli::{self, Flag, Parsed};
use crate::error::{EXIT_NO_USERNS, EXIT_USAGE, usage};
use crate::narrate;

impl Lab {
    /// The value given to one of the example's own flags, as a `T`:
    /// `let local: Ipv4Addr = lab.flag("--underlay-local")?`. A value that
    /// is not a `T` is a wrong command line (exit 64), as an unknown flag is.
    pub fn flag<T: FromStr<Err: Display>>(&self, name: &str) -> Result<T> {
        self.flags
            .value(name)?
            .with_context(|| format!("{name} was not given to {}", self.example))
    }

    /// The value of an optional flag, or `default` when it was left out.
    pub fn flag_or<T: FromStr<Err: Display>>(&self, name: &str, default: T) -> Result<T> {
        Ok(self.flags.value(name)?.unwrap_or(default))
    }

    /// Whether a switch (`--scale`) was given.
    pub fn switch(&self, name: &str) -> bool {
        self.flags.has(name)
    }

    /// `--keep`: print how to look at each namespace, then wait for Enter.
    async fn keep(&self) -> Result<()> {
        let pid = std::process::id();
        // Rootless, the namespaces belong to our user namespace: enter it
        // first. As root, any root shell may enter them.
        let nsenter = if self.rootless {
            format!("nsenter --user=/proc/{pid}/ns/user --preserve-credentials")
        } else {
            "sudo nsenter".to_string()
        };
        println!();
        println!("# --keep: the lab stays up until you press Enter. From another terminal:");
        for netns in self.namespaces.lock().expect("no panics while held").iter() {
            let fd = netns.raw_fd();
            // A container with its own files: its mount and UTS namespaces too.
            let fs = match netns.fs_raw_fds() {
                Some((mnt, uts, pids)) => {
                    let mut fs = format!("--mount=/proc/{pid}/fd/{mnt} ");
                    if let Some(uts) = uts {
                        fs.push_str(&format!("--uts=/proc/{pid}/fd/{uts} "));
                    }
                    if let Some(pids) = pids {
                        fs.push_str(&format!("--pid=/proc/{pid}/fd/{pids} "));
                    }
                    fs
                }
                None => String::new(),
            };
            // A container with a root of its own has its own programs:
            // no `ip` there, but its /etc/os-release.
            let command = if netns.has_own_root() {
                "cat /etc/os-release"
            } else {
                "ip a"
            };
            println!(
                "#   {}: {nsenter} {fs}--net=/proc/{pid}/fd/{fd} {command}",
                netns.name
            );
        }
        let checkable = !self
            .state_claims
            .lock()
            .expect("no panics while held")
            .is_empty();
        if checkable {
            println!(
                "# Change the lab from there (`ip link set docker0 down`), then type `check` and \
                 Enter: the chapter's claims about its state, checked again."
            );
        }
        println!("# Enter or Ctrl-C ends it: the kernel then removes every namespace.");
        loop {
            let line = tokio::task::spawn_blocking(|| {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).map(|_| line)
            })
            .await??;
            if checkable && line.trim() == "check" {
                self.check_state_again().await?;
                continue;
            }
            break;
        }
        println!("# {}: done", self.example);
        Ok(())
    }
}

impl Lab {
    /// `--shell NAME`: the reader's shell (`$SHELL`, else busybox `sh`)
    /// inside the namespace NAME (and its own files and hostname, for a
    /// container), with the prompt `NAME$ `, to try the lab's commands by
    /// hand. Like `nsenter --net=... $SHELL`: the shell is started by a
    /// thread that has entered the namespaces, so it is born inside them.
    /// When it exits, the example ends and the kernel removes the lab.
    fn shell(&self, name: &str) -> Result<()> {
        let namespaces = self
            .namespaces
            .lock()
            .expect("no panics while held")
            .clone();
        let Some(netns) = namespaces.iter().find(|netns| netns.name == name) else {
            let names: Vec<&str> = namespaces.iter().map(|netns| netns.name.as_str()).collect();
            return Err(usage(format!(
                "--shell {name}: this lab has no namespace {name}; it has {}",
                names.join(", ")
            )));
        };
        let try_this = if netns.has_own_root() {
            "cat /etc/os-release"
        } else {
            "ip a"
        };
        netns.run(|| {
            // Chosen inside: a container with a root of its own (recap)
            // has its own programs, and perhaps not your shell.
            let shell = std::env::var("SHELL")
                .ok()
                .filter(|shell| std::path::Path::new(shell).is_file())
                .unwrap_or_else(|| {
                    if std::path::Path::new("/bin/busybox").is_file() {
                        "/bin/busybox".to_string()
                    } else {
                        "/bin/sh".to_string()
                    }
                });
            println!();
            println!(
                "# --shell {name}: {shell} inside {name}'s namespaces. Try `{try_this}`; `exit` ends the lab."
            );
            // Only a network namespace (and perhaps a few /etc files): as
            // with `ip netns exec`, everything else is your machine's.
            if !netns.has_own_root() {
                println!(
                    "# Only the network is {name}'s, as with `ip netns exec`: the files, the processes and \
                     the rest of the kernel are this machine's, and a root shell here can change them \
                     (a file, a process, a sysctl outside net.*). It is not a container."
                );
            }
            let mut command = std::process::Command::new(&shell);
            if shell.ends_with("busybox") {
                command.arg("sh");
            }
            // bash would take its prompt from ~/.bashrc: not this time.
            if shell.ends_with("bash") {
                command.arg("--norc");
            }
            let status = command
                .env("PS1", format!("{name}$ "))
                .status()
                .with_context(|| format!("start the shell {shell} in {name}"))?;
            println!(
                "# {}: the shell exited ({status}); the lab goes",
                self.example
            );
            Ok(())
        })
    }
}

/// The flags of every syscall example, after its own.
const LAB_FLAGS: [Flag; 4] = [
    Flag::switch(
        "--keep",
        "leave the lab running and show how to look at it, until Enter",
    ),
    Flag::optional(
        "--shell",
        "NAME",
        "a shell inside the namespace NAME (red, host, ...); the lab ends with it",
    ),
    Flag::switch(
        "--check",
        "print each claim of the chapter as PASS or FAIL, not the transcript",
    ),
    Flag::optional(
        "--topology",
        "FILE.svg",
        "draw the lab, as the kernel reports it, into FILE.svg",
    ),
];

/// Every example's `main`: `fn main() -> ExitCode { netlab::run(bridge) }`.
pub fn run(example: impl AsyncFnOnce(&Lab) -> Result<()>) -> ExitCode {
    run_with_flags(&[], example)
}

/// [`run`] for an example with flags of its own, which it reads with
/// [`Lab::flag`]: `netlab::run_with_flags(&FLAGS, two_machines)`.
pub fn run_with_flags(flags: &[Flag], example: impl AsyncFnOnce(&Lab) -> Result<()>) -> ExitCode {
    let name = program_name();
    let all = [flags, &LAB_FLAGS[..]].concat();
    let given = match cli::parse(
        &format!("cargo run --example {name}"),
        &all,
        std::env::args_os().skip(1),
    ) {
        Ok(Parsed::Run(given)) => given,
        Ok(Parsed::Help(usage)) => {
            print!("{usage}");
            return ExitCode::SUCCESS;
        }
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let check = given.has("--check");
    let keep = given.has("--keep");
    let shell = given.text("--shell").map(str::to_string);
    let topology = given.text("--topology").map(PathBuf::from);
    let rootless = !Uid::effective().is_root();
    if rootless && let Err(errno) = enter_user_namespace() {
        eprintln!("{}", no_userns_message(&name, errno));
        return ExitCode::from(EXIT_NO_USERNS);
    }
    // One thread: namespaces are per thread, and a single-threaded program
    // is easier to reason about. Work inside a namespace runs on short-lived
    // threads of its own (see `Netns::run`).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    // `--check` prints the claims instead of the transcript.
    narrate::set_quiet(check);
    let lab = Lab {
        rootless,
        flags: given,
        claims: if check {
            Claims::checking()
        } else {
            Claims::default()
        },
        picture: topology,
        ..Lab::new(&name)
    };
    let result = runtime.map_err(anyhow::Error::from).and_then(|runtime| {
        runtime.block_on(async {
            example(&lab).await?;
            if !lab.drawn.load(Ordering::Relaxed) {
                lab.picture().await?;
            }
            if lab.skipped.load(Ordering::Relaxed) && (keep || shell.is_some()) {
                println!("# {name}: no lab was built, so there is nothing to keep or enter");
                Ok(())
            } else if let Some(name) = &shell {
                lab.shell(name)
            } else if keep {
                lab.keep().await
            } else {
                Ok(())
            }
        })
    });
    if check {
        println!("{}", lab.claims.summary());
    }
    match result {
        Ok(()) if lab.claims.counts().1 > 0 => ExitCode::FAILURE,
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => crate::error::report(&name, &error),
    }
}

/// The name this program was started as: the example's (`bridge`).
pub fn program_name() -> String {
    std::env::args()
        .next()
        .and_then(|path| path.rsplit('/').next().map(str::to_string))
        .unwrap_or_else(|| "example".to_string())
}
