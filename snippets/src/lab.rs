//! A lab: the namespaces one example builds, and the program around them.
//!
//! [`run`] is every example's `main`: it reads `--keep`, enters a user
//! namespace when we are not root, starts a single-threaded async runtime,
//! runs the example, and turns errors into a clear message and exit code.

use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::Result;
use nix::errno::Errno;
use nix::sched::{CloneFlags, unshare};
use nix::unistd::{Uid, getgid, getuid};

use crate::error::{EXIT_NO_USERNS, EXIT_USAGE, SysError};
use crate::{Netns, narrate};

/// The namespaces of one run. Dropping them (when the process ends, however
/// it ends) is the whole teardown: the kernel frees a namespace, and every
/// device in it, once nothing refers to it.
pub struct Lab {
    example: String,
    rootless: bool,
    namespaces: Mutex<Vec<Netns>>,
}

impl Lab {
    /// A lab with no namespaces yet. Examples get theirs from [`run`];
    /// benchmarks make their own.
    pub fn new(example: &str) -> Lab {
        Lab {
            example: example.to_string(),
            rootless: false,
            namespaces: Mutex::new(Vec::new()),
        }
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

    /// A namespace playing another machine of the lab, such as the LAN's
    /// router: loopback up and, as in a container, IPv4 only, so it sends
    /// nothing the lab did not ask for.
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
            println!(
                "#   {}: {nsenter} --net=/proc/{pid}/fd/{fd} ip a",
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
    let name = std::env::args()
        .next()
        .and_then(|path| path.rsplit('/').next().map(str::to_string))
        .unwrap_or_else(|| "example".to_string());
    let keep = match parse_args(&name) {
        Ok(keep) => keep,
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
    let lab = Lab {
        rootless,
        ..Lab::new(&name)
    };
    let result = runtime.map_err(anyhow::Error::from).and_then(|runtime| {
        runtime.block_on(async {
            example(&lab).await?;
            if keep { lab.keep().await } else { Ok(()) }
        })
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            let errno = error
                .chain()
                .find_map(|cause| cause.downcast_ref::<SysError>());
            if let Some(hint) = errno.and_then(|errno| errno.hint(&name)) {
                eprintln!("  hint: {hint}");
            }
            ExitCode::FAILURE
        }
    }
}

fn parse_args(name: &str) -> Result<bool, String> {
    let mut keep = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--keep" => keep = true,
            _ => {
                return Err(format!(
                    "usage: cargo run --example {name} [-- --keep]\n  \
                     --keep  leave the lab running and show how to look at it, until Enter\n\
                     unknown argument: {arg}"
                ));
            }
        }
    }
    Ok(keep)
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
