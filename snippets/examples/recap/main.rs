//! Recap: one kernel, many distributions. Two containers on this machine's
//! one kernel, red on Debian 12 (bookworm) and blue on Debian 13 (trixie),
//! each with that distribution's files as its root filesystem.
//!
//! Equivalent to (the lab's opening question, answered with Docker):
//!
//! ```text
//! docker run --rm --name red --hostname red debian:12 cat /etc/os-release
//! docker run --rm --name blue --hostname blue debian:13 cat /etc/os-release
//! uname -r; docker run --rm debian:12 uname -r; docker run --rm debian:13 uname -r
//! docker run --rm debian:12 sh -c 'date -s @$(date +%s)'
//! ```
//!
//! Run it: `cargo xtask rootfs` once (it fetches the two distributions),
//! then `cargo run --example recap` (add `-- --shell red` for a shell on
//! Debian 12).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use netlab::{Lab, Netns, Result, narrate, rootfs};

mod root;

fn main() -> ExitCode {
    netlab::run(recap)
}

async fn recap(lab: &Lab) -> Result<()> {
    // The picture shows each container's system and hostname: the story
    // here is the files, and the network is `lo` only.
    let (bookworm, trixie) = (rootfs::find("bookworm")?, rootfs::find("trixie")?);
    let (os_release_before, root_before) = (read_os_release(), root_identity()?);
    // ANCHOR: kernel
    lab.say("your machine: one kernel");
    let release = rootfs::uname_r()?;
    // ANCHOR_END: kernel

    // ANCHOR: containers
    let red = lab.container("red").await?;
    docker_run(&red, &bookworm)?;
    let blue = lab.container("blue").await?;
    docker_run(&blue, &trixie)?;
    // ANCHOR_END: containers

    // ANCHOR: distributions
    lab.say("two distributions: each container's own files and programs");
    let red_os = red.sh("cat /etc/os-release; hostname")?;
    let red_busybox = red.sh("busybox | head -n 1")?;
    let blue_os = blue.sh("cat /etc/os-release; hostname")?;
    let blue_busybox = blue.sh("busybox | head -n 1")?;
    let debian_12_and_13 = red_os.contains("=bookworm\n") && blue_os.contains("=trixie\n");
    lab.claim("red runs Debian 12, blue Debian 13", debian_12_and_13)?;
    let hostnames = red_os.ends_with("\nred\n") && blue_os.ends_with("\nblue\n");
    lab.claim("each has its own hostname", hostnames)?;
    let two_programs = red_busybox != blue_busybox;
    lab.claim(
        "red and blue run two different busybox programs",
        two_programs,
    )?;
    // ANCHOR_END: distributions

    // ANCHOR: one_kernel
    lab.say("one kernel: uname asks the running kernel, and there is one");
    let in_red = red.sh("uname -r")?;
    let in_blue = blue.sh("uname -r")?;
    let same = in_red.trim() == release && in_blue.trim() == release;
    lab.claim("uname -r prints your kernel's release in both", same)?;
    // ANCHOR_END: one_kernel

    // ANCHOR: closed
    lab.say("as closed as Docker's: red sees its own processes, and cannot change the kernel");
    let ps = red.sh("ps -o pid,comm")?;
    let pids: Vec<&str> = ps
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let own = pids.first() == Some(&"1") && pids.len() <= 3;
    lab.claim(
        "ps in red lists red's processes only, its first one PID 1",
        own,
    )?;
    let sysctl = red.sh("echo 1 > /proc/sys/kernel/panic_on_oops")?;
    let read_only = |said: &str| said.contains("Read-only file system");
    lab.claim(
        "/proc/sys is read-only in red: a sysctl write fails, EROFS",
        read_only(&sysctl),
    )?;
    // `h`, the harmless key: it prints SysRq's help to the kernel's log.
    let sysrq = red.sh("{ echo h > /proc/sysrq-trigger; } 2>/dev/null || echo refused")?;
    let sysrq_closed = sysrq.trim() == "refused";
    lab.claim(
        "/proc/sysrq-trigger, which reboots a machine, cannot be written",
        sysrq_closed,
    )?;
    let keys = red.sh("wc -c < /proc/keys")?;
    lab.claim(
        "/proc/keys, the kernel's keyrings, is masked: empty",
        keys.trim() == "0",
    )?;
    let caps = red.sh("grep CapBnd /proc/self/status")?;
    let docker_caps = caps.contains("00000000a80425fb");
    lab.claim(
        "red has Docker's 14 default capabilities, no more",
        docker_caps,
    )?;
    // ANCHOR_END: closed

    // ANCHOR: clock
    lab.say("what no container may change: the kernel's clock, one for all");
    let refused = red
        .sh("date -s @$(date +%s)")?
        .contains("Operation not permitted");
    lab.claim("setting the clock in a container fails with EPERM", refused)?;
    // ANCHOR_END: clock

    // ANCHOR: untouched
    lab.say("your machine: nothing of the lab is mounted in your mount namespace");
    let mounts = rootfs::grep_mountinfo()?;
    lab.claim(
        "no mount of the lab is in your mount namespace",
        mounts == 0,
    )?;
    // ANCHOR_END: untouched
    let same_root = root_identity()? == root_before;
    lab.claim("your / is the folder it was", same_root)?;
    let same_file = read_os_release() == os_release_before;
    lab.claim("your /etc/os-release reads as before", same_file)?;
    Ok(())
}

// ANCHOR: docker_run
/// `docker run --name NAME --hostname NAME IMAGE`, the half this chapter
/// is about: the container's first process, with its own PID, mount and
/// UTS namespaces, its root filesystem (`root.rs`), hostname and
/// capabilities. (`lab.container` made its network namespace.)
fn docker_run(container: &Netns, rootfs: &Path) -> Result<()> {
    let suite = rootfs.file_name().unwrap_or_default().to_string_lossy();
    let (name, shown) = (container.name.as_str(), format!("target/rootfs/{suite}"));
    for command in [
        "unshare --pid --fork --mount --uts".to_string(),
        "mount --make-rprivate /".to_string(),
        format!("mount --bind {shown} {shown}"),
        format!("mount -t tmpfs tmpfs {shown}/dev    # with null, zero, urandom, ... bound in"),
        format!("mount -t proc proc {shown}/proc"),
        format!("mount --bind /dev/null {shown}/proc/kcore    # and Docker's other masks"),
        format!("mount -o remount,bind,ro {shown}/proc/sys    # and its other read-only paths"),
        format!("cd {shown}"),
        "pivot_root . .".to_string(),
        "umount --lazy .".to_string(),
        format!("hostname {name}"),
    ] {
        narrate::command(container, &command);
    }
    let root = root::Root::new(rootfs, name)?;
    container.start_init(move || root.enter())?;
    // Docker's default capability set leaves out those that act on the
    // whole kernel, such as loading a module or setting the clock.
    narrate::say(&format!(
        "{name} keeps Docker's {} default capabilities (CapBnd 00000000a80425fb) and drops the rest",
        netlab::container::DEFAULT_CAPABILITIES.len()
    ));
    Ok(())
}
// ANCHOR_END: docker_run

/// Your machine's /etc/os-release, if it has one.
fn read_os_release() -> Option<Vec<u8>> {
    std::fs::read("/etc/os-release").ok()
}

/// Which folder `/` is for this thread: its device and inode.
fn root_identity() -> Result<(u64, u64)> {
    let stat = nix::sys::stat::stat("/").context("stat /")?;
    Ok((stat.st_dev, stat.st_ino))
}
