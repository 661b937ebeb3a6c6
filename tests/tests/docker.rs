//! The Docker way on *your* Engine (the system's `dockerd`, as the lab
//! uses): an example runs against it, the one clear line when it does not
//! answer, the leftovers of interrupted runs, recovery after `kill -9` at
//! any point, and `docker_cleanup`. (The transcripts the book shows are
//! checked against private Engines: `docker_engines.rs`.)
//!
//! Its own test binary, so that `cargo test` runs it after (never alongside)
//! the tests that snapshot the machine's namespace; inside it, one test at
//! a time (`serial`), each waiting for its cleanup before it returns.

use std::io::{BufRead, BufReader};

use netlab_tests::docker::{DockerObjects, docker, have_docker, serial};
use netlab_tests::run::{As, DOCKER_EXAMPLES, output};
use netlab_tests::snapshot::Snapshot;
use netlab_tests::{have_root, record, root};

/// Root and a Docker Engine, or the reason this test does not run.
fn ready(test: &str) -> bool {
    have_root(test) && have_docker(test)
}

/// Nothing labelled `io.netlab` is left in Docker, and the machine's
/// namespace is as it was `before` (its links, addresses, routes,
/// firewall and sysctls: a container's veth, a network's bridge or its
/// rules, the MACVLAN example's parent).
fn assert_nothing_left(what: &str, before: &Snapshot) {
    let containers = docker(&["ps", "-aq", "--filter", "label=io.netlab"]);
    let networks = docker(&["network", "ls", "-q", "--filter", "label=io.netlab"]);
    assert!(
        containers.is_empty() && networks.is_empty(),
        "{what} removed its containers ({containers:?}) and networks ({networks:?})"
    );
    before.assert_unchanged(&Snapshot::take(), what);
}

/// The check above can fail: a labelled network planted on your Engine
/// (and the bridge dockerd makes for it) is found.
#[test]
fn a_planted_docker_leftover_is_found() {
    if !ready("a_planted_docker_leftover_is_found") {
        return;
    }
    let _one = serial();
    let before = Snapshot::take();
    let mut objects = DockerObjects::default();
    objects.network("netlab-planted", &[]);
    let found = std::panic::catch_unwind(|| assert_nothing_left("the planted network", &before))
        .err()
        .and_then(|panic| panic.downcast::<String>().ok())
        .expect("the planted network is found");
    assert!(
        found.contains("networks (\"") && !found.contains("networks (\"\")"),
        "the planted network is named: {found}"
    );
    drop(objects);
    assert_nothing_left("the planted network, removed", &before);
}

/// What the lab does: the examples talk to your Engine by default. It may
/// be any version and have run for months, so the transcript is checked
/// for its key lines, not against a recording.
#[test]
fn docker_bridge_runs_against_your_engine() {
    if !ready("docker_bridge_runs_against_your_engine") {
        return;
    }
    let _one = serial();
    let before = Snapshot::take();
    let run = output("docker_bridge", As::Root, &[]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "docker_bridge on your Engine: {}\n{stdout}",
        String::from_utf8_lossy(&run.stderr)
    );
    for line in [
        "host$ docker version --format '{{.Server.Version}}'\n",
        "    inet 172.17.0.2/16 brd 172.17.255.255 scope global eth0",
        "64 bytes from 172.17.0.1: seq=0 ttl=64",
        "\"com.docker.network.bridge.name\": \"docker0\",",
    ] {
        assert!(
            stdout.contains(line),
            "the transcript has {line:?}:\n{stdout}"
        );
    }
    assert_nothing_left("docker_bridge", &before);
}

/// Killed with SIGKILL at any point (right after it sends a request),
/// every Docker example is followed by a run that succeeds: the next run
/// finds what the killed one left, half done as it may be (a container
/// being removed, a network just created), and removes it. Three or four
/// kill points per example, spread over the `host$ docker ...` commands it
/// prints: 23 kills over the seven examples that use your Engine.
#[test]
fn every_docker_example_killed_midway_is_followed_by_a_run_that_succeeds() {
    let test = "every_docker_example_killed_midway_is_followed_by_a_run_that_succeeds";
    if !ready(test) {
        return;
    }
    let _one = serial();
    let before = Snapshot::take();
    // docker_overlay needs two Docker hosts: it never uses yours; and
    // docker_overlay_two_machines two machines (its own test kills it).
    let not_here = [
        "docker_cleanup",
        "docker_overlay",
        "docker_overlay_two_machines",
    ];
    let examples = DOCKER_EXAMPLES.iter().filter(|e| !not_here.contains(e));
    for (n, example) in examples.enumerate() {
        // How many Docker commands a whole run prints, as recorded: the
        // kill points are spread over them.
        let recorded = std::fs::read_to_string(record::engine_path(example, "28.5"))
            .unwrap_or_else(|e| panic!("read {example}'s recording: {e}"));
        let commands = recorded
            .lines()
            .filter(|line| line.starts_with("host$ docker "))
            .count();
        assert!(commands >= 3, "{example} sends at least 3 Docker commands");
        // Four points for the first two examples, three for the other five:
        // 23 kills.
        let mut points = if n < 2 {
            vec![1, commands / 3, 2 * commands / 3, commands - 1]
        } else {
            vec![1, commands / 2, commands - 1]
        };
        points.dedup();
        for point in points {
            let seen = kill_at(example, point);
            let next = output(example, As::Root, &[]);
            assert!(
                next.status.success(),
                "{example}, killed after Docker command {point} of {commands}, is followed by a \
                 run that succeeds; the killed run printed:\n{seen}\nthe next one: {}\n{}",
                String::from_utf8_lossy(&next.stderr),
                String::from_utf8_lossy(&next.stdout)
            );
        }
    }
    assert_nothing_left("the runs after the kills", &before);
    let swarm = docker(&["info", "-f", "{{.Swarm.LocalNodeState}}"]);
    assert_eq!(swarm, "inactive", "no swarm of the lab's is left");
}

/// Runs `example` and kills it with SIGKILL as soon as it has printed its
/// `point`-th `host$ docker ...` line (the request is on its way); returns
/// what it printed.
fn kill_at(example: &str, point: usize) -> String {
    let mut child = netlab_tests::run::command(example, As::Root, &[])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {example}: {e}"));
    let stdout = child.stdout.take().expect("piped stdout");
    let (mut seen, mut commands) = (String::new(), 0);
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("read the example's output");
        seen.push_str(&line);
        seen.push('\n');
        if line.starts_with("host$ docker ") {
            commands += 1;
            if commands == point {
                break;
            }
        }
    }
    child.kill().expect("SIGKILL the example");
    child.wait().expect("reap the example");
    seen
}

/// The overlay crosses two Docker hosts, and your Engine is one: asked to
/// use it, docker_overlay says so, with its usage, and exits 64.
#[test]
fn docker_overlay_refuses_your_single_engine_with_exit_64() {
    if !root() {
        return;
    }
    let run = output("docker_overlay", As::Root, &["--engine", "system"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(64), "exit 64: {stderr}");
    assert!(
        stderr.contains("docker_overlay needs 2 Docker hosts, and your Engine is one"),
        "it says why: {stderr}"
    );
}

#[test]
fn no_docker_engine_is_one_clear_line_and_exit_69() {
    if !root() {
        return;
    }
    let mut command = netlab_tests::run::command("docker_drivers", As::Root, &[]);
    let run = command
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .output()
        .expect("run docker_drivers");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(69), "exit code 69: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.starts_with(
            "docker_drivers: cannot reach the Docker Engine at unix:///nonexistent/docker.sock: \
             there is no such socket"
        ),
        "it says what was tried and what failed: {stderr}"
    );
    assert!(
        stderr.contains("sudo systemctl start docker"),
        "and how to fix it: {stderr}"
    );
}

#[test]
fn a_daemon_that_is_down_is_one_clear_line_and_exit_69() {
    if !root() {
        return;
    }
    // A socket file nobody listens on: what a stopped dockerd leaves.
    let dir = std::env::temp_dir().join(format!("netlab-down-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("make a directory");
    let socket = dir.join("docker.sock");
    drop(std::os::unix::net::UnixListener::bind(&socket).expect("bind a socket"));
    let mut command = netlab_tests::run::command("docker_bridge", As::Root, &[]);
    let run = command
        .env("DOCKER_HOST", format!("unix://{}", socket.display()))
        .output()
        .expect("run docker_bridge");
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(69), "exit code 69: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains(": nothing listens on it: start it: `sudo systemctl start docker`"),
        "it says the daemon is down and how to start it: {stderr}"
    );
    assert!(run.stdout.is_empty(), "and nothing else ran");
}

#[test]
fn an_ordinary_user_is_told_about_the_docker_group() {
    if !ready("an_ordinary_user_is_told_about_the_docker_group") {
        return;
    }
    // `nobody` may not open the socket (root:docker, mode 660).
    let run = output("docker_drivers", As::Rootless, &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(69), "exit code 69: {stderr}");
    assert!(
        stderr.contains(": permission denied: the socket belongs to root and the group `docker`"),
        "it names the permission problem and the fix: {stderr}"
    );
}

#[test]
fn an_interrupted_runs_leftovers_are_removed_at_the_next_start() {
    if !ready("an_interrupted_runs_leftovers_are_removed_at_the_next_start") {
        return;
    }
    let _one = serial();
    let before = Snapshot::take();
    // What a killed run leaves: a labelled container and network.
    let mut objects = DockerObjects::default();
    objects.network("netlab-leftover", &[]);
    objects.run(
        "leftover",
        &[
            "--network",
            "netlab-leftover",
            "netlab/busybox",
            "sleep",
            "60",
        ],
    );
    let run = output("docker_drivers", As::Root, &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "docker_drivers succeeds: {stderr}");
    assert!(
        stderr.contains(
            "docker_drivers: removed what an interrupted run left behind: \
             container netlab-test-leftover, network netlab-leftover"
        ),
        "it says what it removed: {stderr}"
    );
    assert_nothing_left("the leftover sweep", &before);
}

#[test]
fn a_docker_example_killed_midway_is_cleaned_up_by_the_next_run() {
    if !ready("a_docker_example_killed_midway_is_cleaned_up_by_the_next_run") {
        return;
    }
    let _one = serial();
    let before = Snapshot::take();
    let mut child = netlab_tests::run::command("docker_dns", As::Root, &[])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start docker_dns");
    // Kill it once the network and blue exist, before it removes anything.
    let stdout = child.stdout.take().expect("piped stdout");
    let mut seen = String::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("read docker_dns's output");
        seen.push_str(&line);
        seen.push('\n');
        if line.starts_with("host$ docker run -d --name netlab-green") {
            break;
        }
    }
    child.kill().expect("SIGKILL docker_dns");
    child.wait().expect("reap docker_dns");
    assert!(
        seen.contains("host$ docker network create"),
        "docker_dns got as far as its network before the kill:\n{seen}"
    );
    let left = docker(&["ps", "-aq", "--filter", "label=io.netlab"]);
    assert!(
        !left.is_empty(),
        "the kill left containers behind, as expected"
    );
    let run = output("docker_drivers", As::Root, &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "docker_drivers succeeds: {stderr}");
    for thing in [
        "container netlab-red",
        "container netlab-blue",
        "network netlab-net",
    ] {
        assert!(
            stderr.contains(thing),
            "the next run says it removed the {thing} left behind: {stderr}"
        );
    }
    assert_nothing_left("the next run after a kill", &before);
}

#[test]
fn docker_cleanup_removes_everything_and_says_what() {
    if !ready("docker_cleanup_removes_everything_and_says_what") {
        return;
    }
    let _one = serial();
    let before = Snapshot::take();
    let mut objects = DockerObjects::default();
    objects.run("forgotten", &["netlab/busybox", "sleep", "60"]);
    let run = output("docker_cleanup", As::Root, &[]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "docker_cleanup succeeds: {run:?}");
    assert!(
        stdout.contains("removed container netlab-test-forgotten\n")
            && stdout.contains("removed image netlab/busybox\n"),
        "it lists what it removed: {stdout}"
    );
    assert_nothing_left("docker_cleanup", &before);
    // What the README shows it printing: this run's transcript, recorded.
    record::check("docker_cleanup", &stdout);
    let images = docker(&["images", "-q", "netlab/busybox"]);
    assert!(images.is_empty(), "the image is gone too: {images:?}");
    let again = output("docker_cleanup", As::Root, &[]);
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        "nothing to remove\n",
        "a second cleanup finds nothing"
    );
}
