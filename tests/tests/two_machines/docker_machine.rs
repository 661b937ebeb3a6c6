//! A "machine" with Docker, made of namespaces: a private Engine of a
//! release (its network namespace is the machine's), a hostname, a
//! `/run/lock` of its own, and an address on the underlay that joins it
//! to another. An example runs on it as a person would on a real one: in
//! its network namespace, with `DOCKER_HOST` aimed at its Engine.

use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use netlab_tests::docker::{Release, TestDaemon};
use netlab_tests::run::example_path;
use netlab_tests::spawned::Spawned;

/// The example the machines run.
pub const EXAMPLE: &str = "docker_overlay_two_machines";

/// What the first machine's run prints for the second, the line a person
/// copies: the command, then `-- --join TOKEN@ADDRESS --network NAME`.
pub const TO_TYPE: &str = "sudo -E cargo run --example docker_overlay_two_machines -- ";

/// Two machines with Engines of `release`, cabled: node1 at 192.0.2.10,
/// node2 at 192.0.2.11.
pub fn two_machines(release: &Release) -> (DockerMachine, DockerMachine) {
    let node1 = DockerMachine::start(release, "node1", "192.0.2.10");
    let node2 = DockerMachine::start(release, "node2", "192.0.2.11");
    DockerMachine::cable(&node1, &node2);
    (node1, node2)
}

/// One machine of the pair.
pub struct DockerMachine {
    /// `node1` or `node2`: its hostname, which `docker node ls` shows.
    pub name: &'static str,
    /// Its address on the underlay, on `eth0`.
    pub address: &'static str,
    pub daemon: TestDaemon,
    release: Release,
    /// Its own `/run/lock`: the examples keep their lock there (one Docker
    /// example at a time per machine) and the note of a swarm they joined.
    lock: tempfile::TempDir,
}

impl DockerMachine {
    /// Starts the machine's Engine, names it, and removes the image the
    /// test daemon imports: the example builds its own, as on a machine
    /// where it runs for the first time.
    pub fn start(release: &Release, name: &'static str, address: &'static str) -> DockerMachine {
        let daemon = TestDaemon::start(release);
        let pid = daemon.pid.to_string();
        let named = Command::new("nsenter")
            .args(["-t", &pid, "--uts", "hostname", name])
            .status()
            .expect("run nsenter hostname");
        assert!(named.success(), "name the machine {name}");
        daemon.docker(&["rmi", "netlab/busybox"]);
        let lock = tempfile::Builder::new()
            .prefix("netlab-test-lock-")
            .tempdir()
            .expect("make the machine's /run/lock");
        DockerMachine {
            name,
            address,
            daemon,
            release: release.clone(),
            lock,
        }
    }

    /// The cable between two machines: `eth0` in each, with their
    /// addresses (a /24).
    pub fn cable(one: &DockerMachine, two: &DockerMachine) {
        let peer = two.daemon.pid.to_string();
        one.daemon.ip(&[
            "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", &peer,
        ]);
        for machine in [one, two] {
            let cidr = format!("{}/24", machine.address);
            machine.daemon.ip(&["addr", "add", &cidr, "dev", "eth0"]);
            machine.daemon.ip(&["link", "set", "eth0", "up"]);
        }
    }

    /// The example with `args`, as typed on this machine: in its network
    /// namespace, with its own /run/lock, `DOCKER_HOST` at its Engine, and
    /// that Engine's `docker` CLI first on the PATH, as where it is
    /// installed.
    pub fn example(&self, example: &str, args: &[&str]) -> Command {
        let net = format!("--net={}", self.daemon.netns());
        let path = format!(
            "{}/usr/bin:{}",
            self.release.dir,
            std::env::var("PATH").unwrap_or_default()
        );
        let mut command = Command::new("unshare");
        command
            .args(["--mount", "--propagation", "private", "--", "sh", "-c"])
            .arg(r#"lock=$1 net=$2; shift 2; mount --bind "$lock" /run/lock && exec nsenter "$net" -- "$@""#)
            .arg("sh")
            .arg(self.lock.path())
            .arg(net)
            .arg(example_path(example))
            .args(args)
            .env("DOCKER_HOST", self.daemon.socket())
            .env("PATH", path)
            .env_remove("DOCKER_CONTEXT");
        command
    }

    /// The manager's run on this machine, read up to the line to type on
    /// the second machine; returns the run and that line's arguments.
    pub fn start_manager(&self) -> (Spawned, Vec<String>) {
        let args = ["--manager", "--advertise", self.address];
        let what = format!("the manager's run on {}", self.name);
        let mut manager = Spawned::start(&what, self.example(EXAMPLE, &args));
        let line = manager.read_until(120, |line| line.starts_with(TO_TYPE));
        let typed = line[TO_TYPE.len()..].split_whitespace().map(str::to_string);
        (manager, typed.collect())
    }

    /// The worker's run on this machine, with the arguments the manager
    /// printed, to its end: its exit status, transcript and stderr.
    pub fn run_worker(&self, args: &[String]) -> (ExitStatus, String, String) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let what = format!("the worker's run on {}", self.name);
        Spawned::start(&what, self.example(EXAMPLE, &args)).finish(180)
    }

    /// `docker swarm init` on this machine, as its owner ran it before the
    /// example: a swarm that is not the lab's. The swarm sets up its ingress
    /// network a moment later (docker_gwbridge, and a veth to it): this
    /// waits for that, so that the machine's state is settled.
    pub fn swarm_init(&self) {
        self.daemon
            .docker(&["swarm", "init", "--advertise-addr", self.address]);
        let deadline = Instant::now() + Duration::from_secs(30);
        let settled = |state: &str| {
            state.contains("network: docker_gwbridge") && state.contains("link: veth")
        };
        while !settled(&self.state()) {
            assert!(
                Instant::now() < deadline,
                "the swarm's ingress is set up within 30 s: {}",
                self.state()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// `nft -f -` in the machine's network namespace: its firewall.
    pub fn nft(&self, ruleset: &str) {
        use std::io::Write;
        let mut nft = netlab_tests::iproute::in_netns(Some(&self.daemon.netns()), "nft")
            .args(["-f", "-"])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("run nft");
        let mut stdin = nft.stdin.take().expect("nft's stdin");
        stdin
            .write_all(ruleset.as_bytes())
            .expect("send nft the rules");
        drop(stdin);
        assert!(
            nft.wait().expect("wait for nft").success(),
            "nft -f: {ruleset}"
        );
    }

    /// What the test compares before and after: the Engine's swarm state,
    /// networks and containers, the machine's links, and what the runs
    /// left in its /run/lock besides their lock.
    pub fn state(&self) -> String {
        let docker = |args: &[&str]| self.daemon.docker(args);
        let mut lines = vec![format!(
            "swarm: {}",
            docker(&["info", "-f", "{{.Swarm.LocalNodeState}}"])
        )];
        let format = "network: {{.Name}} {{.Driver}} {{.Scope}}";
        let mut networks: Vec<String> = docker(&["network", "ls", "--format", format])
            .lines()
            .map(str::to_string)
            .collect();
        networks.sort();
        lines.extend(networks);
        for container in docker(&["ps", "-a", "--format", "{{.Names}}"]).lines() {
            lines.push(format!("container: {container}"));
        }
        let links = Command::new("nsenter")
            .args([
                format!("--net={}", self.daemon.netns()).as_str(),
                "ip",
                "-br",
                "link",
            ])
            .output()
            .expect("list the machine's links");
        for link in String::from_utf8_lossy(&links.stdout).lines() {
            let name = link.split_whitespace().next().unwrap_or_default();
            lines.push(format!("link: {}", name.split('@').next().unwrap_or(name)));
        }
        let mut files: Vec<String> = std::fs::read_dir(self.lock.path())
            .expect("read the machine's /run/lock")
            .map(|entry| {
                entry
                    .expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|name| name != "netlab-docker.lock")
            .collect();
        files.sort();
        lines.extend(
            files
                .into_iter()
                .map(|file| format!("file in /run/lock: {file}")),
        );
        lines.join("\n")
    }
}
