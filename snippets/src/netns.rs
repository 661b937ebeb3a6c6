//! One network namespace, held by a file descriptor, and how work enters it.
//!
//! `ip netns add red` gives a namespace a name by bind-mounting it under
//! `/run/netns/red`; that mount outlives the process that made it, so an
//! interrupted script leaves it behind. We never name a namespace: we keep
//! an open file descriptor to it instead. A namespace lives as long as
//! something refers to it (a process inside it, a mount, or an open fd), so
//! when our process ends (normally, by error, or by `kill -9`) the kernel
//! closes the fd and destroys the namespace with every device inside it.
//!
//! Namespaces belong to threads, not to processes: `setns(2)` moves only
//! the calling thread. So work "inside red" ([`Netns::run`]) runs on a
//! short-lived thread that enters red's namespaces first, and the rest of
//! the program stays where it was.

use std::fmt;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::sync::{Arc, OnceLock};

use anyhow::{Context, Result};
use caps::{CapSet, Capability};
use nix::fcntl::{OFlag, open};
use nix::sched::{CloneFlags, setns, unshare};
use nix::sys::stat::Mode;
use rtnetlink::Handle;

use crate::error::errno_error;

/// A network namespace of the lab ("host", "red", "blue", ...) and a netlink
/// connection that was opened inside it.
#[derive(Clone)]
pub struct Netns {
    /// The name this lab uses for it in narration (`red$ ip a`).
    pub name: String,
    fd: Arc<OwnedFd>,
    /// The netlink connection; requests go through `ip`'s one helper.
    pub(crate) handle: Handle,
    /// The container's own files and hostname, once it has them (see
    /// `etc`): its mount and UTS namespaces. Work run inside enters them too.
    pub(crate) fs: Arc<OnceLock<FsNamespaces>>,
    /// Capabilities a container runs without (see `Netns::cap_drop`, in
    /// `tools/capsh.rs`): work run inside drops them first.
    pub(crate) dropped: Arc<OnceLock<Vec<Capability>>>,
}

/// A mount namespace (the container's own /etc/hosts, ...) and, for a
/// container, a UTS namespace (its own hostname) and, for one started as
/// `docker run` does (`container.rs`), a PID namespace, each held by a
/// descriptor.
pub(crate) struct FsNamespaces {
    pub(crate) mnt: OwnedFd,
    pub(crate) uts: Option<OwnedFd>,
    pub(crate) pid: Option<OwnedFd>,
    /// Whether `/` inside is another folder than ours (after `pivot_root`).
    pub(crate) own_root: bool,
}

/// A namespace shows as its name: `red`.
impl fmt::Display for Netns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Netns {
    /// Creates a new, empty network namespace: `unshare -n`.
    ///
    /// `unshare(CLONE_NEWNET)` moves only the calling thread into the new
    /// namespace. So we do it on a short-lived thread of our own, which opens
    /// `/proc/thread-self/ns/net` to keep the namespace, and a netlink socket
    /// to talk to it, then ends.
    pub async fn new(name: &str) -> Result<Netns> {
        let runtime = tokio::runtime::Handle::current();
        let (fd, handle) = std::thread::scope(|s| {
            s.spawn(|| {
                unshare(CloneFlags::CLONE_NEWNET)
                    .map_err(errno_error)
                    .with_context(|| format!("create the network namespace {name}"))?;
                let fd = open_file("/proc/thread-self/ns/net", name)?;
                anyhow::Ok((fd, netlink_socket(&runtime, name)?))
            })
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })?;
        Ok(Netns::held(name, fd, handle))
    }

    /// The namespace this program already runs in: your machine's own,
    /// unless you started it inside another. Only an example that was
    /// explicitly asked to change it (a command-line flag) uses this; the
    /// kernel never removes this namespace, so what such an example adds
    /// here stays unless it removes it or adds it inside a namespace of its own.
    /// The Docker examples use it to look at what dockerd made there
    /// (docker0, the veths, the firewall rules).
    pub async fn current(name: &str) -> Result<Netns> {
        let fd = open_file("/proc/thread-self/ns/net", name)?;
        let handle = netlink_socket(&tokio::runtime::Handle::current(), name)?;
        Ok(Netns::held(name, fd, handle))
    }

    /// A namespace someone else made, by its file: `/run/docker/netns/1-...`
    /// for a Docker overlay network, under the name `name`. Like `nsenter
    /// --net=PATH`: a short-lived thread enters it and opens the netlink
    /// socket there; we hold the file open, so it stays while we look.
    pub async fn open(path: &str, name: &str) -> Result<Netns> {
        let runtime = tokio::runtime::Handle::current();
        let fd = open_file(path, name)?;
        let handle = in_netns(&fd, name, || netlink_socket(&runtime, name))?;
        Ok(Netns::held(name, fd, handle))
    }

    /// This same network namespace under another name, for a container
    /// that has no network namespace of its own (`docker run --network
    /// host`): one fd, one netlink socket, but files and a hostname of its
    /// own once it is given them ([`Netns::mount_etc`]).
    pub(crate) fn same_namespace(&self, name: &str) -> Netns {
        Netns {
            name: name.to_string(),
            fd: Arc::clone(&self.fd),
            handle: self.handle.clone(),
            fs: Arc::default(),
            dropped: Arc::default(),
        }
    }

    fn held(name: &str, fd: OwnedFd, handle: Handle) -> Netns {
        Netns {
            name: name.to_string(),
            fd: Arc::new(fd),
            handle,
            fs: Arc::default(),
            dropped: Arc::default(),
        }
    }

    /// Runs `work` on a thread that has entered this namespace (and the
    /// container's mount and UTS namespaces, once it has them), and waits
    /// for it. Sockets made inside `work` belong to this namespace, wherever
    /// they are used afterwards (this is how `ip netns exec` works, too).
    pub fn run<T: Send>(&self, work: impl FnOnce() -> Result<T> + Send) -> Result<T> {
        in_netns(&self.fd, &self.name, || {
            if let Some(fs) = self.fs.get() {
                enter_fs(fs, &self.name)?;
            }
            if let Some(dropped) = self.dropped.get() {
                drop_capabilities(dropped, &self.name)?;
            }
            work()
        })
    }

    /// The fd number, for `nsenter --net=/proc/PID/fd/N` while `--keep` waits.
    pub fn raw_fd(&self) -> i32 {
        self.fd.as_raw_fd()
    }

    /// The fd numbers of the mount, UTS and PID namespaces, for `nsenter
    /// --mount=/proc/PID/fd/N` while `--keep` waits.
    pub fn fs_raw_fds(&self) -> Option<(i32, Option<i32>, Option<i32>)> {
        let fs = self.fs.get()?;
        let raw = |fd: &Option<OwnedFd>| fd.as_ref().map(AsRawFd::as_raw_fd);
        Some((fs.mnt.as_raw_fd(), raw(&fs.uts), raw(&fs.pid)))
    }

    /// Whether this container has a root of its own (`pivot_root`), so
    /// that the programs of your machine are not there.
    pub fn has_own_root(&self) -> bool {
        self.fs.get().is_some_and(|fs| fs.own_root)
    }

    /// `unshare --mount [--uts]`, then `build`: gives this namespace a mount
    /// namespace (a copy of the mount table) and, with `uts`, a UTS
    /// namespace (a hostname) of its own, and runs `build` in them to
    /// mount what the container sees. The caller's own mounts never change.
    ///
    /// A thread of our own does it: unshare moves only the calling thread.
    /// It keeps a descriptor to each new namespace, which [`Netns::run`]
    /// enters from then on, whatever `build` mounted over `/proc`.
    pub fn unshare_fs(&self, uts: bool, build: impl FnOnce() -> Result<()> + Send) -> Result<()> {
        let name = &self.name;
        let mut flags = CloneFlags::CLONE_NEWNS;
        if uts {
            flags |= CloneFlags::CLONE_NEWUTS;
        }
        let root_before = root_identity()?;
        let namespaces = std::thread::scope(|s| {
            s.spawn(|| {
                unshare(flags)
                    .map_err(errno_error)
                    .with_context(|| format!("create {name}'s mount namespace"))?;
                let open_ns = |kind: &str| {
                    open_file(&format!("/proc/thread-self/ns/{kind}"), name)
                        .with_context(|| format!("open {name}'s {kind} namespace"))
                };
                let mnt = open_ns("mnt")?;
                let uts = if uts { Some(open_ns("uts")?) } else { None };
                build()?;
                let own_root = root_identity()? != root_before;
                anyhow::Ok(FsNamespaces {
                    mnt,
                    uts,
                    pid: None,
                    own_root,
                })
            })
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })?;
        self.set_fs(namespaces)
    }

    /// Keeps the container's own namespaces, which work run inside enters.
    pub(crate) fn set_fs(&self, namespaces: FsNamespaces) -> Result<()> {
        if self.fs.set(namespaces).is_err() {
            anyhow::bail!("{} already has its own mount namespace", self.name);
        }
        Ok(())
    }

    /// Enters this network namespace on the calling thread itself, and runs
    /// `work` there: for a thread of our own that must outlive `work` (the
    /// one whose child is a container's init: see `container.rs`).
    pub(crate) fn in_own_thread<T>(&self, work: impl FnOnce() -> Result<T>) -> Result<T> {
        setns(self.fd.as_fd(), CloneFlags::CLONE_NEWNET)
            .map_err(errno_error)
            .with_context(|| format!("enter the network namespace {}", self.name))?;
        work()
    }

    /// The file descriptor, to move links into this namespace.
    pub(crate) fn fd(&self) -> &OwnedFd {
        &self.fd
    }
}

/// Opens a namespace's file (`/proc/thread-self/ns/net`, a bind mount of
/// one) to hold it.
fn open_file(path: &str, name: &str) -> Result<OwnedFd> {
    open(path, OFlag::O_RDONLY | OFlag::O_CLOEXEC, Mode::empty())
        .map_err(errno_error)
        .with_context(|| format!("open the network namespace {name} ({path})"))
}

/// A netlink socket in the namespace of the calling thread, served by a
/// task of `runtime`. A netlink socket talks to the namespace of the thread
/// that opened it, for its whole life: open it there, use it anywhere.
fn netlink_socket(runtime: &tokio::runtime::Handle, name: &str) -> Result<Handle> {
    // The socket registers with the runtime's reactor as it is made.
    let _runtime = runtime.enter();
    let (connection, handle, _) =
        rtnetlink::new_connection().with_context(|| format!("open a netlink socket in {name}"))?;
    runtime.spawn(connection);
    Ok(handle)
}

/// Runs `work` on a new thread that has entered the network namespace `fd`.
fn in_netns<T: Send>(
    fd: &OwnedFd,
    name: &str,
    work: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    std::thread::scope(|s| {
        s.spawn(|| {
            setns(fd.as_fd(), CloneFlags::CLONE_NEWNET)
                .map_err(errno_error)
                .with_context(|| format!("enter the network namespace {name}"))?;
            work()
        })
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// The device and inode of `/` as the calling thread sees it: which
/// folder `/` is (two that differ name two folders).
pub fn root_identity() -> Result<(u64, u64)> {
    let stat = nix::sys::stat::stat("/").context("stat /")?;
    Ok((stat.st_dev, stat.st_ino))
}

/// Takes `capabilities` out of the calling thread's bounding, effective,
/// permitted and inheritable sets (capabilities belong to threads).
fn drop_capabilities(capabilities: &[Capability], name: &str) -> Result<()> {
    for &capability in capabilities {
        for set in [
            CapSet::Bounding,
            CapSet::Effective,
            CapSet::Permitted,
            CapSet::Inheritable,
        ] {
            caps::drop(None, set, capability)
                .with_context(|| format!("drop {capability} ({set:?}) in {name}"))?;
        }
    }
    Ok(())
}

/// Enters the mount (and UTS) namespace of a container, on a thread of
/// [`Netns::run`]. A thread shares its `fs_struct` (root, working directory,
/// mount namespace) with the others of its process, and the kernel will not
/// move a shared one to another mount namespace (EINVAL):
/// `unshare(CLONE_FS)` gives the thread its own first.
fn enter_fs(fs: &FsNamespaces, name: &str) -> Result<()> {
    unshare(CloneFlags::CLONE_FS)
        .map_err(errno_error)
        .context("give the thread its own filesystem attributes")?;
    setns(fs.mnt.as_fd(), CloneFlags::CLONE_NEWNS)
        .map_err(errno_error)
        .with_context(|| format!("enter the mount namespace of {name}"))?;
    if let Some(uts) = &fs.uts {
        setns(uts.as_fd(), CloneFlags::CLONE_NEWUTS)
            .map_err(errno_error)
            .with_context(|| format!("enter the UTS namespace of {name}"))?;
    }
    // The thread stays in its PID namespace; the programs it starts from
    // now on are born in the container's (`nsenter --pid` forks for this).
    if let Some(pid) = &fs.pid {
        setns(pid.as_fd(), CloneFlags::CLONE_NEWPID)
            .map_err(errno_error)
            .with_context(|| format!("enter the PID namespace of {name}"))?;
    }
    Ok(())
}
