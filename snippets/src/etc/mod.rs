//! A container's own `/etc/hosts`, `/etc/hostname` and `/etc/resolv.conf`.
//!
//! Docker writes the three files per container, in the container's
//! directory on the host (`/var/lib/docker/containers/ID/`), and
//! bind-mounts each one over the same path in the container. We do the same
//! from the syscalls up, without touching your machine's files:
//!
//! 1. `unshare(CLONE_NEWNS | CLONE_NEWUTS)`: a mount namespace (a copy of
//!    the mount table) and a UTS namespace (a hostname) of the container's own;
//! 2. `mount --make-rprivate /`: no mount made here propagates to the
//!    mount namespace we copied, and none comes back;
//! 3. a tmpfs on `/tmp`, seen only in this namespace, where the files are
//!    written (Docker's container directory), each bind-mounted over its
//!    path in `/etc`; then the tmpfs is detached from `/tmp` (the bind
//!    mounts keep it alive), so the container sees the usual `/tmp` again;
//! 4. `sethostname`.
//!
//! Mount namespaces, like network namespaces, belong to threads (to a
//! thread's `fs_struct`, which also holds its root and working directory).
//! So a [`Netns`] keeps descriptors to these namespaces too, and
//! [`Netns::run`] enters them: whatever runs "inside red" reads red's files.
//! Nothing is written to any disk: the tmpfs lives in the namespace, which
//! dies with our process, even on `kill -9`.
//!
//! The files' contents are Docker's: see [`contents`].

use anyhow::{Context, Result};
use nix::mount::{MntFlags, MsFlags, mount, umount2};

use crate::error::errno_error;
use crate::{Netns, narrate};

pub mod contents;
pub use contents::{
    EMBEDDED_DNS, hosts, hosts_line, resolv_conf_for_default_bridge, resolv_conf_for_embedded_dns,
};

/// Where the files are staged before they are bind-mounted: a tmpfs on
/// `/tmp`, mounted only in the container's mount namespace.
const STAGING: &str = "/tmp";

impl Netns {
    /// Gives this container (or the lab host) its own copies of files in
    /// `/etc`, bind-mounted in a mount namespace of its own, and, with
    /// `hostname`, its own hostname. `files` pairs a name in `/etc` with
    /// its contents. The machine's own files are never written.
    pub fn mount_etc(&self, hostname: Option<&str>, files: &[(&str, &str)]) -> Result<()> {
        let name = &self.name;
        let mut command = "unshare --mount".to_string();
        if hostname.is_some() {
            command.push_str(" --uts");
        }
        narrate::command(self, &command);
        narrate::command(self, "mount --make-rprivate /");
        narrate::command(self, &format!("mount -t tmpfs tmpfs {STAGING}"));
        for (file, _) in files {
            narrate::command(self, &format!("mount --bind {STAGING}/{file} /etc/{file}"));
        }
        narrate::command(self, &format!("umount --lazy {STAGING}"));
        if let Some(hostname) = hostname {
            narrate::command(self, &format!("hostname {hostname}"));
        }
        self.unshare_fs(hostname.is_some(), || build_etc(name, hostname, files))?;
        Ok(())
    }

    /// Rewrites one of the files `mount_etc` gave this container, as Docker
    /// does when the container's network changes. The bind mount stays:
    /// programs inside see the new contents at once.
    pub fn write_etc(&self, file: &str, contents: &str) -> Result<()> {
        let path = format!("/etc/{file}");
        self.run(|| {
            std::fs::write(&path, contents).with_context(|| format!("write {}'s {path}", self.name))
        })
    }

    /// `echo LINE >> /etc/FILE`: adds to one of this container's files, as
    /// Docker adds a line to /etc/hosts when the container joins a network.
    pub fn append_etc(&self, file: &str, line: &str) -> Result<()> {
        let path = format!("/etc/{file}");
        narrate::command(self, &format!("echo '{}' >> {path}", line.trim_end()));
        self.run(|| {
            let mut file = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .with_context(|| format!("open {}'s {path}", self.name))?;
            std::io::Write::write_all(&mut file, line.as_bytes())
                .with_context(|| format!("append to {}'s {path}", self.name))
        })
    }

    /// `cat PATH`, inside this namespace: prints the file as the container
    /// sees it, and returns it.
    pub fn cat(&self, path: &str) -> Result<String> {
        narrate::command(self, &format!("cat {path}"));
        let text = self.run(|| {
            std::fs::read_to_string(path).with_context(|| format!("read {path} in {}", self.name))
        })?;
        narrate::output(text.trim_end());
        Ok(text)
    }

    /// `hostname`: the name in this container's UTS namespace.
    pub fn show_hostname(&self) -> Result<String> {
        narrate::command(self, "hostname");
        let hostname = self.run(|| {
            let name = nix::unistd::gethostname().context("read the hostname")?;
            Ok(name.to_string_lossy().into_owned())
        })?;
        narrate::output(&hostname);
        Ok(hostname)
    }
}

/// Steps 2 to 4 of the module's recipe, on the thread that has just entered
/// the new mount (and UTS) namespace.
fn build_etc(name: &str, hostname: Option<&str>, files: &[(&str, &str)]) -> Result<()> {
    let none: Option<&str> = None;
    mount(none, "/", none, MsFlags::MS_REC | MsFlags::MS_PRIVATE, none)
        .map_err(errno_error)
        .with_context(|| format!("make every mount private in {name}'s mount namespace"))?;
    mount(
        Some("tmpfs"),
        STAGING,
        Some("tmpfs"),
        MsFlags::empty(),
        Some("mode=0755"),
    )
    .map_err(errno_error)
    .with_context(|| format!("mount a tmpfs on {STAGING} for {name}'s files"))?;
    for (file, contents) in files {
        let staged = format!("{STAGING}/{file}");
        let target = format!("/etc/{file}");
        std::fs::write(&staged, contents).with_context(|| format!("write {name}'s {staged}"))?;
        // A bind mount needs something to mount over: the file must exist
        // in /etc (it does on any Linux system; in an image, Docker makes it).
        mount(
            Some(staged.as_str()),
            target.as_str(),
            none,
            MsFlags::MS_BIND,
            none,
        )
        .map_err(errno_error)
        .with_context(|| format!("bind-mount {name}'s {staged} over {target}"))?;
    }
    // MNT_DETACH (`umount --lazy`): take the tmpfs off /tmp; it lives on
    // for as long as the bind mounts use it.
    umount2(STAGING, MntFlags::MNT_DETACH)
        .map_err(errno_error)
        .with_context(|| format!("detach the tmpfs from {STAGING} in {name}"))?;
    if let Some(hostname) = hostname {
        nix::unistd::sethostname(hostname)
            .map_err(errno_error)
            .with_context(|| format!("set the hostname {hostname} in {name}'s UTS namespace"))?;
    }
    Ok(())
}
