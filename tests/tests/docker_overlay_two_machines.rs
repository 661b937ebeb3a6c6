//! Lab step 10 on two real machines, the Docker way: `cargo run --example
//! docker_overlay_two_machines -- --manager --advertise ADDRESS` on one,
//! then the command it prints on the other.
//!
//! The two machines are made of namespaces: each a private Engine of a
//! release the book shows (its network namespace is the machine's), with a
//! hostname and a /run/lock of its own, joined by a veth pair, the
//! underlay (`two_machines/docker_machine.rs`). The tests type what a
//! person types, the second command copied from the first run's output,
//! and check what a person would: the ping by name crossed the underlay,
//! the VXLAN packet came in on the second machine's `eth0`, and each
//! machine's Engine (swarm, networks, containers) and links are as before.

use std::process::Output;

use netlab_tests::docker::{Release, VERSIONS, release};
use netlab_tests::run::{As, output};
use netlab_tests::spawned::Spawned;
use netlab_tests::{have_root, record, root};

#[path = "two_machines/docker_machine.rs"]
mod docker_machine;
#[path = "two_machines/docker_transcripts.rs"]
mod docker_transcripts;

use docker_machine::{DockerMachine, EXAMPLE, TO_TYPE, two_machines};
use docker_transcripts::{check_manager, check_worker, manager_stderr_says_it_cleaned};

/// `--help` shows both roles, and `--engine` is refused: the example runs
/// on the machine's own Engine only.
#[test]
fn help_shows_both_roles() {
    let help = output(EXAMPLE, As::Root, &["--help"]);
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(help.status.success(), "--help exits 0: {help:?}");
    for role in [
        "--manager",
        "--advertise ADDRESS",
        "--join TOKEN@ADDRESS",
        "--network NAME",
        "--keep",
    ] {
        assert!(text.contains(role), "--help lists {role}:\n{text}");
    }
    let engine = output(EXAMPLE, As::Root, &["--engine", "private"]);
    let stderr = String::from_utf8_lossy(&engine.stderr);
    assert_eq!(
        engine.status.code(),
        Some(64),
        "--engine is refused: {stderr}"
    );
    assert!(stderr.ends_with("unknown argument: --engine\n"), "{stderr}");
}

/// The two commands a person types, on both Engine versions: the ping by
/// name crosses the underlay, red's answer comes in on node2's eth0 inside
/// VXLAN with the overlay's VNI, each side removes what it made, and the
/// transcripts match the book's (`output-manager-engine-28.txt`, ...).
#[test]
fn the_overlay_runs_across_two_machines_on_each_engine() {
    let test = "the_overlay_runs_across_two_machines_on_each_engine";
    if !have_root(test) {
        return;
    }
    for version in VERSIONS {
        let Some(release) = release(test, version) else {
            continue;
        };
        let (node1, node2) = two_machines(&release);
        let before = [node1.state(), node2.state()];
        let (mut manager, typed) = node1.start_manager();
        let (status, worker, stderr) = node2.run_worker(&typed);
        assert!(
            status.success(),
            "the worker on Engine {version}: {stderr}\n{worker}"
        );
        let (status, manager_text, stderr) = manager.finish(120);
        assert!(
            status.success(),
            "the manager on Engine {version} ends by itself once the worker is done: \
             {stderr}\n{manager_text}"
        );
        check_worker(version, &worker);
        check_manager(version, &manager_text);
        let major = version.split('.').next().unwrap_or(version);
        let manager_line = format!("{TO_TYPE}--manager --advertise 192.0.2.10");
        let worker_line = format!("{TO_TYPE}{}", typed.join(" "));
        for (side, line, text) in [
            ("manager", manager_line, &manager_text),
            ("worker", worker_line, &worker),
        ] {
            let path = record::variant_path(EXAMPLE, &format!("{side}-engine-{major}"));
            record::check_raw(EXAMPLE, &line, text, &path);
        }
        let after = [node1.state(), node2.state()];
        assert_eq!(
            after, before,
            "both machines are as before, on Engine {version}"
        );
    }
}

/// A firewall that drops one of the swarm's ports is named by the second
/// machine's run before it makes anything: UDP 4789 dropped on its way into
/// node1, then TCP 7946 dropped on its way into node2. The manager, ended
/// by Ctrl-C (SIGINT) while it waits, removes what it made.
#[test]
fn a_blocked_port_is_named_before_anything_is_made() {
    let Some(release) = engine(&netlab_tests::this_test()) else {
        return;
    };
    let (node1, node2) = two_machines(&release);
    let before = [node1.state(), node2.state()];
    let (mut manager, typed) = node1.start_manager();
    for (machine, rule, blocked) in [
        (
            &node1,
            "udp dport 4789 drop",
            "UDP 4789, to 192.0.2.10 and back",
        ),
        (&node2, "tcp dport 7946 drop", "TCP 7946, from 192.0.2.10"),
    ] {
        machine.nft(&format!(
            "table inet netlab_test {{ chain input {{ type filter hook input priority 0; {rule}; }}; }}"
        ));
        let (status, worker, stderr) = node2.run_worker(&typed);
        machine.nft("delete table inet netlab_test");
        assert_eq!(
            status.code(),
            Some(69),
            "{rule} on {}: exit 69\n{stderr}\n{worker}",
            machine.name
        );
        assert!(
            worker.contains(&format!("{blocked}: BLOCKED, no answer within 3 s")),
            "the transcript names {blocked}:\n{worker}"
        );
        assert!(
            stderr.contains(&format!("blocks {blocked}: let it through"))
                && stderr.contains("nothing was made"),
            "the error names {blocked}, and that nothing was made: {stderr}"
        );
        assert!(
            !worker.contains("docker swarm join"),
            "no join was tried:\n{worker}"
        );
        assert_eq!(
            node2.state(),
            before[1],
            "node2 is as before, after {rule} on {}",
            machine.name
        );
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(manager.pid()),
        nix::sys::signal::Signal::SIGINT,
    )
    .expect("send the manager SIGINT");
    let (status, text, stderr) = manager.finish(60);
    assert!(
        status.success(),
        "Ctrl-C ends the manager's wait: {stderr}\n{text}"
    );
    assert!(
        text.contains("host$ docker swarm leave --force\n"),
        "and it removes what it made:\n{text}"
    );
    assert_eq!(node1.state(), before[0], "node1 is as before");
}

/// A wrong command line is a usage error (exit 64) that says what is
/// wrong, before anything is made: no role, a join that is no
/// TOKEN@ADDRESS, an address that is not the machine's.
#[test]
fn a_wrong_command_line_makes_nothing() {
    let Some(release) = engine(&netlab_tests::this_test()) else {
        return;
    };
    let node1 = DockerMachine::start(&release, "node1", "192.0.2.10");
    let before = node1.state();
    for (args, says) in [
        (
            &["--keep"][..],
            "give --manager --advertise ADDRESS on the first machine",
        ),
        (
            &["--join", "192.0.2.10"],
            "--join 192.0.2.10: expected TOKEN@ADDRESS",
        ),
        (
            &["--manager", "--advertise", "203.0.113.9"],
            "203.0.113.9 is not an address of this machine",
        ),
    ] {
        let run: Output = node1
            .example(EXAMPLE, args)
            .output()
            .expect("run the example");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(64), "{args:?}: exit 64: {stderr}");
        assert!(
            stderr.contains(says),
            "{args:?}: the error says {says:?}: {stderr}"
        );
        assert_eq!(node1.state(), before, "{args:?} made nothing");
    }
}

/// Killed with SIGKILL midway, each side is cleaned up by its next run on
/// the same machine: the manager after it ran red, the worker after it
/// joined the swarm. The runs after the kills succeed, and both machines
/// end as before.
#[test]
fn each_side_killed_midway_is_cleaned_by_its_next_run() {
    let Some(release) = engine(&netlab_tests::this_test()) else {
        return;
    };
    let (node1, node2) = two_machines(&release);
    let before = [node1.state(), node2.state()];
    // The manager, killed once red runs: its swarm, overlay and red stay.
    let args = ["--manager", "--advertise", node1.address];
    let mut killed = Spawned::start("the first manager", node1.example(EXAMPLE, &args));
    killed.read_until(120, |line| line.starts_with("# on the second machine"));
    drop(killed);
    let (mut manager, typed) = node1.start_manager();
    // The worker, killed once it joined the swarm.
    let typed_args: Vec<&str> = typed.iter().map(String::as_str).collect();
    let mut killed = Spawned::start("the first worker", node2.example(EXAMPLE, &typed_args));
    killed.read_until(120, |line| line == "This node joined a swarm as a worker.");
    drop(killed);
    let (status, worker, stderr) = node2.run_worker(&typed);
    assert!(
        status.success(),
        "the worker's next run succeeds: {stderr}\n{worker}"
    );
    assert!(
        stderr.contains("removed what an interrupted run left behind: swarm membership"),
        "it left the swarm the killed run joined: {stderr}"
    );
    let (status, text, stderr) = manager.finish(120);
    assert!(
        status.success(),
        "the manager's next run succeeds: {stderr}\n{text}"
    );
    assert!(
        manager_stderr_says_it_cleaned(&stderr),
        "it removed what the killed run made: {stderr}"
    );
    assert_eq!(
        [node1.state(), node2.state()],
        before,
        "both machines are as before"
    );
}

/// A swarm the first machine's Engine was in before the run is used, and
/// left as it was: the run says so, removes red, the overlay and node2's
/// entry only, and the swarm is still there, as before.
#[test]
fn a_swarm_that_was_there_is_left_as_it_was() {
    let Some(release) = engine(&netlab_tests::this_test()) else {
        return;
    };
    let (node1, node2) = two_machines(&release);
    node1.swarm_init();
    let before = [node1.state(), node2.state()];
    assert!(before[0].starts_with("swarm: active\n"), "{}", before[0]);
    let nodes = node1.daemon.docker(&["node", "ls", "-q"]);
    let (mut manager, typed) = node1.start_manager();
    let (status, worker, stderr) = node2.run_worker(&typed);
    assert!(status.success(), "the worker: {stderr}\n{worker}");
    let (status, text, stderr) = manager.finish(120);
    assert!(status.success(), "the manager: {stderr}\n{text}");
    for line in [
        "# this Engine is already in a swarm: using it, and leaving it as it is\n",
        "host$ docker network rm netlab-overlay\n",
        "host$ docker node rm ",
        "# the swarm was here before this run: it stays as it was\n",
    ] {
        assert!(text.contains(line), "the manager says {line:?}:\n{text}");
    }
    assert!(!text.contains("docker swarm leave"), "no leave:\n{text}");
    let after = node1.daemon.docker(&["node", "ls", "-q"]);
    assert_eq!(after, nodes, "node2 is out of the swarm's list again");
    assert_eq!(
        [node1.state(), node2.state()],
        before,
        "both machines are as before"
    );
}

/// Root and today's Engine, or the reason this test does not run.
fn engine(test: &str) -> Option<Release> {
    if !root() {
        return None;
    }
    release(test, VERSIONS[0])
}
