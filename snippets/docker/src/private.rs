//! A private Docker Engine: a fresh `dockerd` that lives inside namespaces
//! the example owns, and dies with it.
//!
//! `--engine private` starts the `dockerd` on your PATH; `--engine
//! private=DIR` the Engine binaries unpacked in DIR (`cargo xtask engine`
//! prints one). Either way the daemon starts from an empty folder, so every
//! run is a daemon's *first* start, and whatever it builds (docker0, its
//! iptables rules, containers, a swarm) is inside its own namespaces: your
//! machine's links, rules and Docker are untouched.
//!
//! By hand, that is:
//!
//! ```text
//! unshare --pid --fork --kill-child --net --mount --uts --propagation private \
//!     sh -c 'mount -t tmpfs tmpfs /run; mount -t proc proc /proc; exec dockerd \
//!            --data-root $T/data --exec-root $T/exec -H unix://$T/docker.sock ...'
//! ```
//!
//! Why each part:
//! - a **PID namespace** whose first process (its "init") is dockerd. When
//!   the init of a PID namespace dies, the kernel kills every other process
//!   in it: containerd, the shims, the containers. And dockerd gets SIGKILL
//!   when we die (`PR_SET_PDEATHSIG`), even by `kill -9`;
//! - a **network namespace**: docker0, the veths and the NAT rules are
//!   built there, and die with it;
//! - a **mount namespace** with a tmpfs on `/run`: `/run/docker` and
//!   `/run/containerd` are its own, not your Docker's; and a `/proc` of its
//!   PID namespace;
//! - a **UTS namespace**, so `docker info` and `docker node ls` show a
//!   hostname of the lab's (`node1`), not your machine's;
//! - **`net.ipv4.ip_forward` = 0** in its network namespace before dockerd
//!   starts, as on a machine where nothing has turned forwarding on. A new
//!   network namespace copies the IPv4 settings the machine has *now*
//!   (`net.core.devconf_inherit_init_net` is 0 by default), so without this
//!   the daemon would see whatever ran on your machine before: any dockerd,
//!   a VM host or a router turns forwarding on. It matters, because dockerd
//!   sets the filter table's FORWARD policy to DROP only when it turns
//!   forwarding on itself (moby, `setupIPForwarding` in
//!   libnetwork/drivers/bridge/setup_ip_forwarding.go).
//!   [`Forwarding::AlreadyOn`] starts it as on such a machine instead.
//!
//! Its folder (data, exec root, socket, log) is
//! `$TMPDIR/netlab-engine-XXXXXXXXXXXX`: a random name no one can take
//! first, mode 700, so only its owner reaches the daemon's socket
//! (`folder.rs`). We hold a lock on the folder while we run (`flock(2)`;
//! the kernel drops it when we die). A folder of ours whose lock is free
//! belongs to a run that was killed: the next run removes it.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bollard::Docker;
use nix::fcntl::Flock;
use nix::mount::{MsFlags, mount};
use nix::sched::{CloneFlags, unshare};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use super::folder::{new_folder, remove_stale_folders};
use netlab::error::errno_error;

/// Which Docker Engine an example talks to: `--engine ENGINE`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Choice {
    /// `system` (the default): yours, at `DOCKER_HOST` or
    /// `/var/run/docker.sock`, as in the lab.
    #[default]
    System,
    /// `private`: a fresh daemon of the `dockerd` on the PATH.
    Private,
    /// `private=DIR`: a fresh daemon of the Engine binaries in DIR
    /// (`DIR/usr/sbin/dockerd`, as `cargo xtask engine` unpacks them).
    PrivateIn(PathBuf),
}

impl Choice {
    /// Parses the value of `--engine`.
    pub fn parse(value: &str) -> Result<Choice, String> {
        match value.split_once('=') {
            None if value == "system" => Ok(Choice::System),
            None if value == "private" => Ok(Choice::Private),
            Some(("private", dir)) if !dir.is_empty() => Ok(Choice::PrivateIn(dir.into())),
            _ => Err(format!(
                "--engine {value}: expected system, private or private=DIR"
            )),
        }
    }
}

/// How the private daemon finds IPv4 forwarding in its network namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Forwarding {
    /// Off, as on a fresh machine (the default): dockerd turns it on, and
    /// sets the FORWARD policy to DROP.
    #[default]
    Fresh,
    /// On already, as where another Docker, a VM host or a router runs:
    /// dockerd leaves the FORWARD policy as it is, ACCEPT.
    AlreadyOn,
}

/// A running private daemon. Dropping it kills the daemon (and so every
/// process in its PID namespace) and removes its folder.
pub struct PrivateEngine {
    /// Its folder: `data/`, `exec/`, `docker.sock`, `dockerd.log`.
    pub dir: PathBuf,
    /// dockerd's process id, as seen from here (it is 1 in its own PID
    /// namespace). `/proc/PID/ns/net` is the Docker host's network.
    pub pid: i32,
    /// The `docker` CLI of its version, if fetched with it, else the PATH's.
    cli: Option<PathBuf>,
    waiter: Option<JoinHandle<()>>,
    _lock: Flock<File>,
}

impl PrivateEngine {
    /// Starts a daemon of `choice` (not `System`) with the hostname
    /// `hostname`, where forwarding is as `forwarding` says, and waits until
    /// its API answers.
    pub async fn start(
        choice: &Choice,
        hostname: &str,
        forwarding: Forwarding,
    ) -> Result<(PrivateEngine, Docker)> {
        let (dockerd, path) = binaries(choice)?;
        for stale in remove_stale_folders() {
            eprintln!("removed the folder of a private Engine an interrupted run left: {stale}");
        }
        let (dir, lock) = new_folder()?;
        let log = File::create(dir.join("dockerd.log")).context("create dockerd.log")?;
        let config = dir.join("daemon.json");
        // An empty configuration: not your /etc/docker/daemon.json.
        std::fs::write(&config, "{}\n").context("write daemon.json")?;
        let mut command = Command::new(&dockerd);
        let folder = |name: &str| dir.join(name).into_os_string();
        command
            .arg("--config-file")
            .arg(&config)
            .arg("--data-root")
            .arg(folder("data"))
            .arg("--exec-root")
            .arg(folder("exec"))
            .arg("--pidfile")
            .arg(folder("docker.pid"))
            .arg("-H")
            .arg(format!("unix://{}", dir.join("docker.sock").display()))
            .env("PATH", path)
            .stdin(Stdio::null())
            .stdout(log.try_clone().context("open dockerd.log")?)
            .stderr(log);
        let hostname = hostname.to_string();
        // SAFETY: between fork and exec, only system calls (no allocation:
        // nix passes short paths on the stack).
        unsafe {
            command.pre_exec(move || {
                enter_namespaces(&hostname, forwarding).map_err(std::io::Error::from)
            });
        }
        let (pid, waiter) = spawn_as_init(command)?;
        let cli = match choice {
            Choice::PrivateIn(engine) => {
                Some(engine.join("usr/bin/docker")).filter(|cli| cli.is_file())
            }
            _ => None,
        };
        let engine = PrivateEngine {
            dir,
            pid,
            cli: cli.or_else(|| which("docker", &std::env::var("PATH").unwrap_or_default())),
            waiter: Some(waiter),
            _lock: lock,
        };
        let api = engine.wait_for_api().await?;
        Ok((engine, api))
    }

    /// The `docker` CLI to show what this Engine holds: its own version's
    /// when it was fetched with it, else the PATH's.
    pub fn cli(&self) -> Option<PathBuf> {
        self.cli.clone()
    }

    /// The daemon's socket: `unix://DIR/docker.sock`.
    pub fn socket(&self) -> PathBuf {
        self.dir.join("docker.sock")
    }

    /// Its network namespace, the Docker host's: `/proc/PID/ns/net`.
    pub fn netns_path(&self) -> String {
        format!("/proc/{}/ns/net", self.pid)
    }

    /// Where it keeps the namespaces it makes (`EXEC_ROOT/netns`), seen
    /// from here: they are mounts in its mount namespace, which we see
    /// through `/proc/PID/root`.
    pub fn netns_dir(&self) -> String {
        format!("/proc/{}/root{}/exec/netns", self.pid, self.dir.display())
    }

    /// Connects to the socket and pings until the API answers (about a
    /// second for a first start), or fails with the end of dockerd's log.
    async fn wait_for_api(&self) -> Result<Docker> {
        let socket = self.socket();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if socket.exists()
                && let Ok(api) = Docker::connect_with_unix(
                    &socket.to_string_lossy(),
                    120,
                    bollard::API_DEFAULT_VERSION,
                )
                && api.ping().await.is_ok()
            {
                return Ok(api);
            }
            let gone = kill(Pid::from_raw(self.pid), None).is_err()
                || self.waiter.as_ref().is_some_and(|w| w.is_finished());
            if gone || Instant::now() > deadline {
                let log = std::fs::read_to_string(self.dir.join("dockerd.log")).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(8).collect();
                let tail: Vec<&str> = tail.into_iter().rev().collect();
                bail!(
                    "the private dockerd {} answered no ping; the end of its log:\n{}",
                    if gone { "exited and" } else { "for 60 s" },
                    tail.join("\n")
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for PrivateEngine {
    fn drop(&mut self) {
        // dockerd is the init of its PID namespace: killing it kills
        // containerd, the shims and the containers too. Its namespaces go
        // with the last of them.
        let _ = kill(Pid::from_raw(self.pid), Signal::SIGKILL);
        if let Some(waiter) = self.waiter.take() {
            let _ = waiter.join();
        }
        if let Err(error) = std::fs::remove_dir_all(&self.dir) {
            eprintln!(
                "warning: remove the private Engine's folder {}: {error}",
                self.dir.display()
            );
        }
    }
}

/// The `dockerd` to run and the PATH to give it. With a DIR, its binaries
/// come first: dockerd starts the containerd, shim and docker-proxy it finds
/// on the PATH. `runc` is the machine's (Debian 12's `runc`): a newer
/// Debian's needs a newer glibc.
fn binaries(choice: &Choice) -> Result<(PathBuf, String)> {
    let path = std::env::var("PATH").unwrap_or_else(|_| "/usr/sbin:/usr/bin:/sbin:/bin".into());
    let (dockerd, path) = match choice {
        Choice::System => bail!("the system Engine is not started by us"),
        Choice::Private => (which("dockerd", &path), path),
        Choice::PrivateIn(dir) => {
            let dockerd = dir.join("usr/sbin/dockerd");
            let ours = format!(
                "{}:{}:{path}",
                dir.join("usr/sbin").display(),
                dir.join("usr/bin").display()
            );
            (dockerd.exists().then_some(dockerd), ours)
        }
    };
    let Some(dockerd) = dockerd else {
        bail!(
            "no dockerd to start for --engine {}: install Docker (Debian: `sudo apt-get install \
             docker.io`), or fetch an Engine with `cargo xtask engine` and pass \
             --engine private=DIR with the folder it prints",
            match choice {
                Choice::PrivateIn(dir) => format!("private={}", dir.display()),
                _ => "private".to_string(),
            }
        );
    };
    if which("runc", &path).is_none() {
        bail!(
            "no runc on the PATH: dockerd needs it to start containers (Debian: `sudo apt-get install runc`)"
        );
    }
    Ok((dockerd, path))
}

/// The first `program` on `path` (a `PATH`-like list of folders).
pub(super) fn which(program: &str, path: &str) -> Option<PathBuf> {
    path.split(':')
        .map(|dir| Path::new(dir).join(program))
        .find(|candidate| candidate.is_file())
}

/// In the child, before exec: new network, mount and UTS namespaces (the
/// PID namespace was chosen by the thread that forked), a private copy of
/// the mounts, a tmpfs on /run, a /proc of its own, a hostname, and
/// forwarding as `forwarding` says.
fn enter_namespaces(hostname: &str, forwarding: Forwarding) -> nix::Result<()> {
    // If we die, even by kill -9, the kernel sends dockerd SIGKILL.
    nix::sys::prctl::set_pdeathsig(Signal::SIGKILL)?;
    unshare(CloneFlags::CLONE_NEWNET | CloneFlags::CLONE_NEWNS | CloneFlags::CLONE_NEWUTS)?;
    // `mount --make-rprivate /`: mounts made from now on stay in here.
    mount(
        None::<&str>,
        "/",
        None::<&str>,
        MsFlags::MS_REC | MsFlags::MS_PRIVATE,
        None::<&str>,
    )?;
    mount(
        Some("tmpfs"),
        "/run",
        Some("tmpfs"),
        MsFlags::MS_NOSUID | MsFlags::MS_NODEV,
        Some("mode=755"),
    )?;
    mount(
        Some("proc"),
        "/proc",
        Some("proc"),
        MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC,
        None::<&str>,
    )?;
    nix::unistd::sethostname(hostname)?;
    // `sysctl -w net.ipv4.ip_forward=0`: /proc/sys/net is the network
    // namespace of whoever opens it, this new one. Writing ip_forward sets
    // `forwarding` on every interface of the namespace, as the sysctl does.
    let ip_forward = nix::fcntl::open(
        "/proc/sys/net/ipv4/ip_forward",
        nix::fcntl::OFlag::O_WRONLY | nix::fcntl::OFlag::O_CLOEXEC,
        nix::sys::stat::Mode::empty(),
    )?;
    let value: &[u8] = match forwarding {
        Forwarding::Fresh => b"0\n",
        Forwarding::AlreadyOn => b"1\n",
    };
    nix::unistd::write(&ip_forward, value)?;
    Ok(())
}

/// Starts `command` as the first process of a new PID namespace.
///
/// `unshare(CLONE_NEWPID)` does not move the caller: it puts the caller's
/// *next child* into a new PID namespace, as its init. It is per thread, so
/// a thread of our own does it, forks dockerd, and then waits for it. That
/// thread must live as long as dockerd: `PR_SET_PDEATHSIG` fires when the
/// thread that forked the child ends, not only the process.
fn spawn_as_init(mut command: Command) -> Result<(i32, JoinHandle<()>)> {
    let (sender, receiver) = mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let started = unshare(CloneFlags::CLONE_NEWPID)
            .map_err(errno_error)
            .context("create a PID namespace for dockerd")
            .and_then(|()| command.spawn().context("start dockerd"));
        match started {
            Ok(mut child) => {
                let _ = sender.send(Ok(child.id() as i32));
                let _ = child.wait();
            }
            Err(error) => {
                let _ = sender.send(Err(error));
            }
        }
    });
    let pid = receiver
        .recv()
        .context("the thread that starts dockerd ended")??;
    Ok((pid, waiter))
}
