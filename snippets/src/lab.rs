//! A lab: the namespaces one example builds, and the program around them.
//!
//! [`run`] is every example's `main`: it reads `--keep` (and `--check`,
//! `--topology FILE.svg`), enters a user namespace when we are not root,
//! starts a single-threaded async runtime, runs the example, and turns
//! errors into a clear message and exit code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use nix::errno::Errno;
use nix::sched::{CloneFlags, unshare};
use nix::unistd::{Uid, getgid, getuid};

use crate::check::Claims;
use crate::error::{EXIT_NO_USERNS, EXIT_USAGE};
use crate::{Netns, narrate};

/// The namespaces of one run. Dropping them (when the process ends, however
/// it ends) is the whole teardown: the kernel frees a namespace, and every
/// device in it, once nothing refers to it.
pub struct Lab {
    example: String,
    rootless: bool,
    namespaces: Mutex<Vec<Netns>>,
    /// The values of the example's own flags ([`run_with_flags`]).
    flags: Vec<(&'static str, String)>,
    /// `--check`: how the claims went (see `check`).
    claims: Claims,
    /// `--topology FILE.svg`: where to draw the lab, and whether it was (see `svg`).
    picture: Option<PathBuf>,
    drawn: AtomicBool,
}

/// A flag an example declares for itself, with a value:
/// `--underlay-local ADDRESS`. `run_with_flags` lists it in the usage.
pub struct Flag {
    pub name: &'static str,
    /// The value's placeholder in the usage message: `ADDRESS`.
    pub value: &'static str,
    pub help: &'static str,
}

impl Flag {
    pub const fn new(name: &'static str, value: &'static str, help: &'static str) -> Flag {
        Flag { name, value, help }
    }
}

impl Lab {
    /// A lab with no namespaces yet. Examples get theirs from [`run`];
    /// benchmarks make their own.
    pub fn new(example: &str) -> Lab {
        Lab {
            example: example.to_string(),
            rootless: false,
            namespaces: Mutex::new(Vec::new()),
            flags: Vec::new(),
            claims: Claims::default(),
            picture: None,
            drawn: AtomicBool::new(false),
        }
    }

    /// The value given to one of the example's own flags, if any.
    pub fn flag(&self, name: &str) -> Option<&str> {
        let given = self.flags.iter().find(|(flag, _)| *flag == name);
        given.map(|(_, value)| value.as_str())
    }

    /// The example's name, `bridge`.
    pub fn name(&self) -> &str {
        &self.example
    }

    /// The namespaces made so far, in the order they were made.
    pub fn namespaces(&self) -> Vec<Netns> {
        self.namespaces
            .lock()
            .expect("no panics while held")
            .clone()
    }

    pub(crate) fn claims(&self) -> &Claims {
        &self.claims
    }

    pub(crate) fn picture_path(&self) -> Option<&Path> {
        self.picture.as_deref()
    }

    pub(crate) fn mark_drawn(&self) {
        self.drawn.store(true, Ordering::Relaxed);
    }

    /// A namespace playing the Docker host. It stands in for your machine,
    /// which this lab never changes. Its loopback device is up, as on any host.
    pub async fn host(&self) -> Result<Netns> {
        narrate::say(
            "host: a new network namespace that plays the Docker host (yours is untouched)",
        );
        let host = self.add("host").await?;
        host.set_up("lo").await?;
        Ok(host)
    }

    /// A namespace for a container, as `docker run` makes one: empty but
    /// for a loopback device, which Docker brings up. Docker's default
    /// network is IPv4 only, and so is ours: with IPv6 off, the container
    /// sends nothing until we make it (no IPv6 neighbour discovery), so what
    /// the bridge learns comes only from the traffic the lab makes.
    pub async fn container(&self, name: &str) -> Result<Netns> {
        narrate::say(&format!(
            "{name}: a new network namespace for a container, as `docker run` makes"
        ));
        let container = self.add(name).await?;
        container.sysctl("net.ipv6.conf.default.disable_ipv6", "1")?;
        container.set_up("lo").await?;
        Ok(container)
    }

    /// A namespace playing another machine of the lab (`host1`, `outside`,
    /// the LAN's router; `role` says which, in the transcript): loopback up
    /// and, as in a container, IPv4 only, so it sends nothing the lab did
    /// not ask for.
    pub async fn machine(&self, name: &str, role: &str) -> Result<Netns> {
        narrate::say(&format!(
            "{name}: a new network namespace that plays {role}"
        ));
        let machine = self.add(name).await?;
        machine.sysctl("net.ipv6.conf.default.disable_ipv6", "1")?;
        machine.set_up("lo").await?;
        Ok(machine)
    }

    /// `unshare -n`: a new network namespace exactly as the kernel makes it.
    pub async fn unshare(&self, from: &Netns, name: &str) -> Result<Netns> {
        narrate::command(
            from,
            &format!("unshare -n /bin/bash    # the new shell's prompt: {name}$"),
        );
        self.add(name).await
    }

    /// A comment in the transcript.
    pub fn say(&self, text: &str) {
        narrate::say(text);
    }

    async fn add(&self, name: &str) -> Result<Netns> {
        let netns = Netns::new(name).await?;
        self.namespaces
            .lock()
            .expect("no panics while held")
            .push(netns.clone());
        Ok(netns)
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
                Some((mnt, Some(uts))) => {
                    format!("--mount=/proc/{pid}/fd/{mnt} --uts=/proc/{pid}/fd/{uts} ")
                }
                Some((mnt, None)) => format!("--mount=/proc/{pid}/fd/{mnt} "),
                None => String::new(),
            };
            println!(
                "#   {}: {nsenter} {fs}--net=/proc/{pid}/fd/{fd} ip a",
                netns.name
            );
        }
        println!("# Enter or Ctrl-C ends it: the kernel then removes every namespace.");
        let mut line = String::new();
        tokio::task::spawn_blocking(move || std::io::stdin().read_line(&mut line)).await??;
        println!("# {}: done", self.example);
        Ok(())
    }
}

/// Every example's `main`: `fn main() -> ExitCode { netlab::run(bridge) }`.
pub fn run(example: impl AsyncFnOnce(&Lab) -> Result<()>) -> ExitCode {
    run_with_flags(&[], example)
}

/// [`run`] for an example with flags of its own, which it reads with
/// [`Lab::flag`]: `netlab::run_with_flags(&[Flag::new(..)], overlay)`.
pub fn run_with_flags(flags: &[Flag], example: impl AsyncFnOnce(&Lab) -> Result<()>) -> ExitCode {
    let name = std::env::args()
        .next()
        .and_then(|path| path.rsplit('/').next().map(str::to_string))
        .unwrap_or_else(|| "example".to_string());
    let options = match parse_args(&name, flags) {
        Ok(options) => options,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
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
    narrate::set_quiet(options.check);
    let lab = Lab {
        rootless,
        flags: options.flags,
        claims: if options.check {
            Claims::checking()
        } else {
            Claims::default()
        },
        picture: options.topology,
        ..Lab::new(&name)
    };
    let result = runtime.map_err(anyhow::Error::from).and_then(|runtime| {
        runtime.block_on(async {
            example(&lab).await?;
            if !lab.drawn.load(Ordering::Relaxed) {
                lab.picture().await?;
            }
            if options.keep {
                lab.keep().await
            } else {
                Ok(())
            }
        })
    });
    if options.check {
        println!("{}", lab.claims.summary());
    }
    match result {
        Ok(()) if lab.claims.counts().1 > 0 => ExitCode::FAILURE,
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => crate::error::report(&name, &error),
    }
}

/// What the command line asked for: `--keep`, `--check`, `--topology`,
/// and the values of the example's own flags.
#[derive(Default)]
struct Options {
    keep: bool,
    check: bool,
    topology: Option<PathBuf>,
    flags: Vec<(&'static str, String)>,
}

fn parse_args(name: &str, flags: &[Flag]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--keep" => options.keep = true,
            "--check" => options.check = true,
            "--topology" => match args.next() {
                Some(file) => options.topology = Some(PathBuf::from(file)),
                None => return Err(usage(name, flags, "--topology needs a FILE.svg")),
            },
            _ => {
                let flag = flags.iter().find(|flag| flag.name == arg);
                match (flag, flag.and_then(|_| args.next())) {
                    (Some(flag), Some(value)) => options.flags.push((flag.name, value)),
                    (Some(flag), None) => {
                        return Err(usage(name, flags, &format!("{arg} needs a {}", flag.value)));
                    }
                    (None, _) => {
                        return Err(usage(name, flags, &format!("unknown argument: {arg}")));
                    }
                }
            }
        }
    }
    Ok(options)
}

fn usage(name: &str, flags: &[Flag], problem: &str) -> String {
    let mut usage =
        format!("usage: cargo run --example {name} [-- --keep] [--check] [--topology FILE.svg]");
    for flag in flags {
        usage.push_str(&format!(" [{} {}]", flag.name, flag.value));
    }
    usage.push_str(
        "\n  --keep  leave the lab running and show how to look at it, until Enter\n  \
         --check  print each claim of the chapter as PASS or FAIL, not the transcript\n  \
         --topology FILE.svg  draw the lab, as the kernel reports it, into FILE.svg\n",
    );
    for flag in flags {
        usage.push_str(&format!("  {} {}  {}\n", flag.name, flag.value, flag.help));
    }
    usage + problem
}

/// Like `unshare -Ur`: a new user namespace in which we are root (uid 0 maps
/// to our own uid). Root there may create network namespaces, which that user
/// namespace then owns, and configure them, but nothing outside it.
///
/// The kernel refuses CLONE_NEWUSER to a multi-threaded process, so this
/// runs first, before the async runtime starts any thread.
fn enter_user_namespace() -> Result<(), Errno> {
    let (uid, gid) = (getuid(), getgid());
    unshare(CloneFlags::CLONE_NEWUSER)?;
    let write = |path: &str, text: String| std::fs::write(path, text).map_err(|_| Errno::EPERM);
    // An unprivileged process may map only its own ids, and must give up
    // setgroups(2) before it may write a gid map.
    write("/proc/self/setgroups", "deny".to_string())?;
    write("/proc/self/uid_map", format!("0 {uid} 1"))?;
    write("/proc/self/gid_map", format!("0 {gid} 1"))
}

fn no_userns_message(name: &str, errno: Errno) -> String {
    format!(
        "error: this system does not let an ordinary user create a user namespace\n  \
         (unshare(CLONE_NEWUSER) failed: {}).\n  \
         The lab lives in network namespaces of its own. Creating them needs CAP_SYS_ADMIN and\n  \
         configuring them CAP_NET_ADMIN; an ordinary user has both only inside a user namespace.\n  \
         Run it as root instead:  sudo -E cargo run --example {name}\n  \
         (or allow unprivileged user namespaces; see the README, exit code {EXIT_NO_USERNS})",
        errno.desc()
    )
}
