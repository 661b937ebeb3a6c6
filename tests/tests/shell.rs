//! `--shell NAME`: every example builds its lab and opens a shell inside
//! one of its namespaces, through a pseudo-terminal as a student would
//! (util-linux's `script` gives the example one), and the lab ends with
//! the shell.

use std::io::Write;
use std::process::{Command, Stdio};

use netlab_tests::root;
use netlab_tests::run::{As, example_path, output};

macro_rules! per_example {
    ($($example:ident),*) => {
        $(
            #[test]
            fn $example() {
                super::a_shell_opens_inside_the_lab(stringify!($example));
            }
        )*
    };
}

mod shell_in {
    netlab_tests::for_each_example!(per_example);
}

fn a_shell_opens_inside_the_lab(example: &str) {
    if !root() {
        return;
    }
    if netlab_tests::run::kernel_lacks_driver_of(example) {
        // No lab was built: it says so, and exits 0 without a shell.
        let run = output(example, As::Root, &["--shell", "red"]);
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(
            run.status.success(),
            "{example} --shell red exits 0: {run:?}"
        );
        assert!(
            stdout.contains(&format!(
                "# {example}: no lab was built, so there is nothing to keep or enter"
            )),
            "{example} --shell says why there is no shell:\n{stdout}"
        );
        return;
    }
    // A name the lab does not have: exit 64, and the names it has.
    let wrong = output(example, As::Root, &["--shell", "nowhere"]);
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert_eq!(
        wrong.status.code(),
        Some(64),
        "{example}: exit 64: {stderr}"
    );
    let names = stderr
        .split("; it has ")
        .nth(1)
        .unwrap_or_else(|| panic!("{example} lists its namespaces: {stderr}"));
    let first = names.split([',', ' ']).next().unwrap_or_default().trim();
    assert!(!first.is_empty(), "{example}: a namespace name in {stderr}");

    // The first of them, in a shell on a terminal: the prompt names it, and
    // the shell's network namespace is not the one the test runs in.
    let line = format!("{} --shell {first}", example_path(example).display());
    let mut script = Command::new("script")
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .env("SHELL", "/bin/sh")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run script (util-linux)");
    let mut stdin = script.stdin.take().expect("script's stdin");
    stdin
        .write_all(b"echo inside $(readlink /proc/self/ns/net)\nexit 0\n")
        .expect("type into the shell");
    drop(stdin);
    let run = script.wait_with_output().expect("wait for script");
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{example} --shell {first} exits 0:\n{text}"
    );
    assert!(
        text.contains(&format!("{first}$ ")),
        "{example}: the prompt is `{first}$ `:\n{text}"
    );
    let ours = std::fs::read_link("/proc/self/ns/net").expect("our network namespace");
    let inside = text
        .lines()
        .find_map(|line| line.split_once("inside net:").map(|(_, inode)| inode))
        .unwrap_or_else(|| panic!("{example}: the shell answered:\n{text}"));
    assert_ne!(
        format!("net:{}", inside.trim()),
        ours.to_string_lossy(),
        "{example}: the shell runs in {first}'s namespace, not the test's:\n{text}"
    );
    assert!(
        text.contains(&format!("# {example}: the shell exited")),
        "{example}: the lab ends with the shell:\n{text}"
    );
    // A shell in a namespace that is only a network namespace says so; a
    // container with a root of its own (the recap's) is closed as Docker's.
    let warned = text.contains(&format!("# Only the network is {first}'s"));
    assert_eq!(
        warned,
        example != "recap",
        "{example}: the shell in {first} says whether it is only a network namespace:\n{text}"
    );
}
