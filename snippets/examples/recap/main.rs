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

use std::process::ExitCode;

use netlab::netns::root_identity;
use netlab::{Lab, Result, rootfs};

mod root;

use root::docker_run;

fn main() -> ExitCode {
    netlab::run(recap)
}

async fn recap(lab: &Lab) -> Result<()> {
    // The picture shows each container's system and hostname: the story
    // here is the files, and the network is `lo` only.
    let (bookworm, trixie) = (rootfs::find("bookworm")?, rootfs::find("trixie")?);
    let os_release = || std::fs::read("/etc/os-release").ok();
    let (os_release_before, root_before) = (os_release(), root_identity()?);
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
    // Under the header, a PID a line: red's first process, then ps (and its sh).
    let mut pids = ps.lines().skip(1).flat_map(|l| l.split_whitespace().next());
    let own = pids.next() == Some("1") && pids.count() <= 2;
    lab.claim(
        "ps in red lists red's processes only, its first one PID 1",
        own,
    )?;
    let sysctl = red.sh("echo 1 > /proc/sys/kernel/panic_on_oops")?;
    let read_only = sysctl.contains("Read-only file system");
    lab.claim(
        "/proc/sys is read-only in red: a sysctl write fails, EROFS",
        read_only,
    )?;
    // `h`, the harmless key: it prints SysRq's help to the kernel's log.
    let sysrq = red.sh("{ echo h > /proc/sysrq-trigger; } 2>/dev/null || echo refused")?;
    let sysrq_closed = sysrq.trim() == "refused";
    lab.claim(
        "/proc/sysrq-trigger, which reboots a machine, cannot be written",
        sysrq_closed,
    )?;
    let empty = red.sh("wc -c < /proc/keys")?.trim() == "0";
    lab.claim("/proc/keys, the kernel's keyrings, is masked: empty", empty)?;
    let caps = red.sh("grep CapBnd /proc/self/status")?;
    let docker_caps = caps.contains("00000000a80425fb");
    lab.claim(
        "red has Docker's 14 default capabilities, no more",
        docker_caps,
    )?;
    // ANCHOR_END: closed

    // ANCHOR: clock
    lab.say("what no container may change: the kernel's clock, one for all");
    let date = red.sh("date -s @$(date +%s)")?;
    let refused = date.contains("Operation not permitted");
    lab.claim("setting the clock in a container fails with EPERM", refused)?;
    // ANCHOR_END: clock

    // ANCHOR: untouched
    lab.say("your machine: nothing of the lab is mounted in your mount namespace");
    let unmounted = rootfs::grep_mountinfo()? == 0;
    lab.claim("no mount of the lab is in your mount namespace", unmounted)?;
    // ANCHOR_END: untouched
    let same_root = root_identity()? == root_before;
    lab.claim("your / is the folder it was", same_root)?;
    let same_file = os_release() == os_release_before;
    lab.claim("your /etc/os-release reads as before", same_file)?;
    Ok(())
}
