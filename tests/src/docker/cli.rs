//! The `docker` CLI against your (the system's) Engine, and the objects a
//! test makes with it, removed when the test ends.

use std::process::Command;

/// `docker ARGS` against the system's Engine, which must succeed; its
/// stdout, trimmed.
pub fn docker(args: &[&str]) -> String {
    let mut command = Command::new("docker");
    command.args(args);
    stdout_of(command, args)
}

/// Runs a `docker` command that must succeed; its stdout, trimmed.
pub(super) fn stdout_of(mut command: Command, args: &[&str]) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("run docker {args:?}: {e}"));
    assert!(
        output.status.success(),
        "docker {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// Containers and networks a test makes with the `docker` CLI on the
/// system's Engine, labelled like the examples', removed when it ends
/// (even by a failed assertion).
#[derive(Default)]
pub struct DockerObjects {
    containers: Vec<String>,
    networks: Vec<String>,
}

impl DockerObjects {
    /// `docker run -d --label io.netlab=1 --name netlab-test-NAME ARGS...`;
    /// returns the container's network namespace, `/proc/PID/ns/net`.
    pub fn run(&mut self, name: &str, args: &[&str]) -> String {
        ensure_image();
        let name = format!("netlab-test-{name}");
        // Removed on drop even when `docker run` fails after creating it
        // (a network it cannot join fails at start, after create).
        self.containers.push(name.clone());
        let mut argv = vec!["run", "-d", "--label", "io.netlab=1", "--name", &name];
        argv.extend_from_slice(args);
        docker(&argv);
        let pid = docker(&["inspect", "-f", "{{.State.Pid}}", &name]);
        format!("/proc/{pid}/ns/net")
    }

    /// `docker network create --label io.netlab=1 ARGS... NAME`.
    pub fn network(&mut self, name: &str, args: &[&str]) {
        // Before anything exists: building the image runs a Docker example,
        // which removes whatever is labelled as ours as an earlier run's.
        ensure_image();
        let mut argv = vec!["network", "create", "--label", "io.netlab=1"];
        argv.extend_from_slice(args);
        argv.push(name);
        docker(&argv);
        self.networks.push(name.to_string());
    }
}

/// The image `netlab/busybox` on the system's Engine, which any Docker
/// example builds when it is missing (`docker_cleanup` removes it). The
/// example also sweeps every labelled container and network, so this comes
/// before a test makes any.
fn ensure_image() {
    let inspect = Command::new("docker")
        .args(["image", "inspect", "netlab/busybox"])
        .output();
    if !inspect.is_ok_and(|output| output.status.success()) {
        let run = crate::run::output("docker_drivers", crate::run::As::Root, &[]);
        assert!(
            run.status.success(),
            "docker_drivers builds the image: {run:?}"
        );
    }
}

impl Drop for DockerObjects {
    fn drop(&mut self) {
        for container in &self.containers {
            let _ = Command::new("docker")
                .args(["rm", "-f", container])
                .output();
        }
        for network in &self.networks {
            let _ = Command::new("docker")
                .args(["network", "rm", network])
                .output();
        }
    }
}
