//! The network namespaces chapter: `cargo run --example unshare`.

use netlab_tests::observe::Kept;
use netlab_tests::run::As;
use netlab_tests::{check_transcript, root};

const KEY_LINES: &[&str] = &[
    "host$ unshare -n /bin/bash",
    "shell$ ip a\n1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN group default qlen 1000\n\
     \x20   link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n",
    "shell$ ping -c 1 127.0.0.1\nping: connect: Network is unreachable\n",
];

#[test]
fn unshare_transcript_matches_the_book() {
    if root() {
        let stdout = check_transcript("unshare", As::Root, KEY_LINES);
        let ids: Vec<&str> = stdout.lines().filter(|l| l.starts_with("net:[")).collect();
        assert_eq!(ids.len(), 2, "two namespace ids printed:\n{stdout}");
        assert_ne!(ids[0], ids[1], "the new namespace is a different one");
    }
}

#[test]
fn unshare_rootless_prints_the_same_transcript() {
    if root() {
        check_transcript("unshare", As::Rootless, KEY_LINES);
    }
}

#[test]
fn unshare_namespace_has_only_loopback() {
    if !root() {
        return;
    }
    for who in [As::Root, As::Rootless] {
        let lab = Kept::start("unshare", who);
        assert_eq!(
            lab.link_names("shell"),
            ["lo"],
            "the new namespace has lo only ({who:?})"
        );
        assert_eq!(
            lab.link_names("host"),
            ["lo"],
            "so does the lab's host ({who:?})"
        );
        assert_eq!(
            lab.ipv4("host", "lo"),
            ["127.0.0.1/8"],
            "host's lo has 127.0.0.1 ({who:?})"
        );
        // The example brought the shell's lo up at its end; ping proves it.
        let ping = lab.exec("shell", &["ping", "-c", "1", "-W", "2", "127.0.0.1"]);
        assert!(
            ping.status.success(),
            "ping 127.0.0.1 in the shell namespace ({who:?}): {ping:?}"
        );
        let fd_paths: Vec<&String> = lab.namespaces.values().collect();
        let inode = |p: &str| std::fs::metadata(p).map(|m| std::os::unix::fs::MetadataExt::ino(&m));
        assert_ne!(
            inode(fd_paths[0]).unwrap(),
            inode(fd_paths[1]).unwrap(),
            "two namespaces"
        );
        assert!(
            lab.finish().success(),
            "unshare --keep exits 0 after Enter ({who:?})"
        );
    }
}
