//! The Docker tests' helpers, and the kernel objects each lab step must
//! build, observed the same way for Docker's objects and for our examples'.
//!
//! The observer is iproute2 (`ip -j`) and `nft`, run in a namespace given
//! by a path: `/proc/PID/ns/net` of a Docker container, `/proc/PID/fd/N` of
//! a kept example's namespace, `/run/docker/netns/...` of an overlay
//! network, or the machine's own namespace; and `cat` in a container's
//! mount namespace (`/proc/PID/ns/mnt`, or a kept example's
//! `/proc/PID/fd/N`) for its name files. None of it is the lab library.

use std::process::Command;
use std::sync::{Mutex, MutexGuard};

use regex::Regex;
use serde_json::Value;

/// Tests on your (the system's) Docker Engine run one at a time (its
/// objects are shared, and each Docker example removes the others' as
/// leftovers when it starts). Private Engines need no such care.
pub fn serial() -> MutexGuard<'static, ()> {
    static ONE: Mutex<()> = Mutex::new(());
    ONE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Tests that need the system's Docker Engine call this after `have_root`.
/// Outside CI, without one, they return early with the reason; in CI
/// (`CI=true`) a missing Engine is a failure: CI starts one (`.ci/run`).
pub fn have_docker(test: &str) -> bool {
    let path = netlab_docker::reach::socket_path();
    let answer = Command::new("docker")
        .args(["version", "-f", "{{.Server.Version}}"])
        .output();
    let reason = match answer {
        Ok(output) if output.status.success() => return true,
        Ok(output) => String::from_utf8_lossy(&output.stderr).trim().to_string(),
        Err(error) => format!("cannot run the docker CLI: {error}"),
    };
    crate::skip(
        test,
        &format!("no Docker Engine answers at unix://{path}: {reason}"),
    )
}

/// A Docker Engine the book is recorded against, as `cargo xtask engine
/// VERSION` unpacks it into `target/engines/VERSION/root`.
#[derive(Debug, Clone)]
pub struct Release {
    /// `28.5` or `20.10`: the recordings are `output-engine-VERSION.txt`.
    pub version: &'static str,
    /// The folder to pass as `--engine private=DIR`.
    pub dir: String,
}

/// Today's Engine first, then 20.10: the versions the book shows.
pub const VERSIONS: [&str; 2] = ["28.5", "20.10"];

/// The Engine `version`, fetched; or `None` after saying why the test does
/// not run (a failure in CI, which fetches them: `cargo xtask test`).
pub fn release(test: &str, version: &'static str) -> Option<Release> {
    let dir = crate::run::workspace_root()
        .join("target/engines")
        .join(version)
        .join("root");
    if dir.join("usr/sbin/dockerd").is_file() {
        return Some(Release {
            version,
            dir: dir.display().to_string(),
        });
    }
    crate::skip(
        test,
        &format!(
            "Docker Engine {version} is not fetched: run `cargo xtask engine {version}` \
             (or `sudo -E cargo xtask test`, which does)"
        ),
    );
    None
}

/// A private Docker daemon for a test, started with util-linux's
/// `unshare` (not the lab library: the tests must not trust the code they
/// check) in namespaces of its own, as `--engine private` does. Dropping
/// it kills `unshare`, whose `--kill-child` kills dockerd, the init of its
/// PID namespace, and with it everything dockerd started.
pub struct TestDaemon {
    unshare: std::process::Child,
    /// dockerd's pid, as seen from here: `/proc/PID/ns/net` is its host.
    pub pid: u32,
    dir: std::path::PathBuf,
}

impl TestDaemon {
    /// Starts a daemon of `release`, and imports the image `netlab/busybox`.
    pub fn start(release: &Release) -> TestDaemon {
        use std::os::unix::fs::PermissionsExt;
        // A folder of its own, as the library makes one: a random name,
        // one exclusive mkdir, mode 700.
        let dir = tempfile::Builder::new()
            .prefix("netlab-test-engine-")
            .permissions(std::fs::Permissions::from_mode(0o700))
            .tempdir()
            .expect("make the daemon's folder")
            .keep();
        let d = dir.display();
        // Forwarding off in its namespace before dockerd starts, as on a
        // fresh machine and as `--engine private` does: a new namespace
        // copies the machine's current IPv4 settings.
        let script = format!(
            "mount -t tmpfs tmpfs /run && mount -t proc proc /proc && \
             echo 0 > /proc/sys/net/ipv4/ip_forward && \
             PATH={r}/usr/sbin:{r}/usr/bin:$PATH exec dockerd --config-file /dev/null \
             --data-root {d}/data --exec-root {d}/exec -H unix://{d}/docker.sock >{d}/log 2>&1",
            r = release.dir
        );
        let unshare = Command::new("unshare")
            .args([
                "--pid",
                "--fork",
                "--kill-child",
                "--net",
                "--mount",
                "--uts",
            ])
            .args(["--propagation", "private", "sh", "-c", &script])
            .spawn()
            .expect("run unshare (util-linux)");
        let children = format!("/proc/{}/task/{}/children", unshare.id(), unshare.id());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let mut daemon = TestDaemon {
            unshare,
            pid: 0,
            dir,
        };
        while std::time::Instant::now() < deadline {
            let child = std::fs::read_to_string(&children).unwrap_or_default();
            daemon.pid = child
                .split_whitespace()
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            let answered = daemon.pid != 0
                && daemon
                    .command(&["version", "-f", "{{.Server.Version}}"])
                    .output()
                    .is_ok_and(|o| o.status.success());
            if answered {
                daemon.import_image();
                return daemon;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let log = std::fs::read_to_string(daemon.dir.join("log")).unwrap_or_default();
        panic!(
            "the test's private dockerd of {} did not answer in 30 s:\n{log}",
            release.dir
        );
    }

    /// Its network namespace, the Docker host's.
    pub fn netns(&self) -> String {
        format!("/proc/{}/ns/net", self.pid)
    }

    /// Where it keeps the namespaces it makes (its exec root's `netns/`).
    pub fn netns_dir(&self) -> String {
        format!("/proc/{}/root{}/exec/netns", self.pid, self.dir.display())
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new("docker");
        command
            .arg("-H")
            .arg(format!("unix://{}/docker.sock", self.dir.display()))
            .args(args);
        command
    }

    /// `docker ARGS` against this daemon, which must succeed; its stdout.
    pub fn docker(&self, args: &[&str]) -> String {
        stdout_of_docker(self.command(args), args)
    }

    /// `docker run -d --name netlab-test-NAME ARGS...`; returns the
    /// container's network namespace. dockerd names the container's process
    /// by its PID in dockerd's own PID namespace, whose /proc we see under
    /// dockerd's root: `/proc/DOCKERD/root/proc/PID/ns/net`.
    pub fn run(&self, name: &str, args: &[&str]) -> String {
        let name = format!("netlab-test-{name}");
        let mut argv = vec!["run", "-d", "--name", &name];
        argv.extend_from_slice(args);
        self.docker(&argv);
        let pid = self.docker(&["inspect", "-f", "{{.State.Pid}}", &name]);
        format!("/proc/{}/root/proc/{pid}/ns/net", self.pid)
    }

    /// `netlab/busybox`: Debian's static busybox and its applets, as a
    /// `docker import` of a tar archive (what the examples build).
    fn import_image(&self) {
        let root = self.dir.join("image");
        std::fs::create_dir_all(root.join("bin")).expect("make the image's bin/");
        std::fs::create_dir_all(root.join("www")).expect("make the image's www/");
        std::fs::write(root.join("www/index.html"), "hello from the test's image\n")
            .expect("write the web page");
        std::fs::copy("/bin/busybox", root.join("bin/busybox"))
            .expect("copy /bin/busybox (Debian's busybox-static)");
        for applet in ["sh", "sleep", "httpd", "ping", "ip", "cat"] {
            std::os::unix::fs::symlink("busybox", root.join("bin").join(applet))
                .expect("link an applet");
        }
        let tar = Command::new("tar")
            .arg("-C")
            .arg(&root)
            .args(["-c", "."])
            .output()
            .expect("run tar");
        let mut import = self
            .command(&["import", "-", "netlab/busybox"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("run docker import");
        use std::io::Write;
        import
            .stdin
            .take()
            .expect("docker import's stdin")
            .write_all(&tar.stdout)
            .expect("send the image");
        assert!(
            import.wait().expect("docker import").success(),
            "docker import netlab/busybox"
        );
    }
}

impl Drop for TestDaemon {
    fn drop(&mut self) {
        let _ = self.unshare.kill();
        let _ = self.unshare.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `docker ARGS` against the system's Engine, which must succeed; its
/// stdout, trimmed.
pub fn docker(args: &[&str]) -> String {
    let mut command = Command::new("docker");
    command.args(args);
    stdout_of_docker(command, args)
}

/// Runs a `docker` command that must succeed; its stdout, trimmed.
fn stdout_of_docker(mut command: Command, args: &[&str]) -> String {
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

/// A network namespace to observe: `None` is the machine's own.
pub fn ip(netns: Option<&str>, args: &[&str]) -> Vec<Value> {
    let mut command = in_netns(netns, "ip");
    command.arg("-j").args(args);
    let output = command.output().expect("run ip");
    assert!(
        output.status.success(),
        "ip -j {args:?} in {netns:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    match serde_json::from_str(text.trim()) {
        Ok(Value::Array(items)) => items,
        _ if text.trim().is_empty() => Vec::new(),
        other => panic!("ip -j {args:?} in {netns:?} printed no JSON list: {other:?}"),
    }
}

fn in_netns(netns: Option<&str>, program: &str) -> Command {
    match netns {
        None => Command::new(program),
        Some(path) => {
            let mut command = Command::new("nsenter");
            command.arg(format!("--net={path}")).arg(program);
            command
        }
    }
}

/// What a bridge network looks like, whoever built it: the parts that must
/// agree between Docker and our examples (names and addresses may differ).
#[derive(Debug, PartialEq, Eq)]
pub struct BridgeShape {
    /// `bridge`.
    pub kind: String,
    /// The bridge's IPv4 prefix length (16 for docker0).
    pub prefix_len: u64,
    /// The bridge's address is the subnet's first (`.1`), the gateway.
    pub gateway_is_first: bool,
    /// The kind of each port (`veth`), one per container.
    pub port_kinds: Vec<String>,
    /// Per container: eth0's prefix length, and whether eth0 is a veth whose
    /// peer is a port of the bridge, and its default route is the bridge.
    pub containers: Vec<(u64, bool, bool)>,
}

/// Observes `bridge` in the namespace `host`, and each container namespace.
pub fn bridge_shape(host: Option<&str>, bridge: &str, containers: &[&str]) -> BridgeShape {
    let link = ip(host, &["-d", "link", "show", bridge]);
    let kind = link[0]["linkinfo"]["info_kind"]
        .as_str()
        .unwrap_or("?")
        .to_string();
    let addrs = ip(host, &["-4", "addr", "show", "dev", bridge]);
    let addr = &addrs[0]["addr_info"][0];
    let gateway = addr["local"].as_str().unwrap_or("?").to_string();
    let ports = ip(host, &["-d", "link", "show", "master", bridge]);
    let port_kinds = ports
        .iter()
        .map(|p| {
            p["linkinfo"]["info_kind"]
                .as_str()
                .unwrap_or("?")
                .to_string()
        })
        .collect();
    let port_indexes: Vec<u64> = ports.iter().filter_map(|p| p["ifindex"].as_u64()).collect();
    let containers = containers
        .iter()
        .map(|netns| {
            let eth0 = ip(Some(netns), &["-d", "link", "show", "eth0"]);
            let is_veth = eth0[0]["linkinfo"]["info_kind"] == "veth";
            let peer = eth0[0]["link_index"].as_u64();
            let plugged = is_veth && peer.is_some_and(|peer| port_indexes.contains(&peer));
            let addrs = ip(Some(netns), &["-4", "addr", "show", "dev", "eth0"]);
            let prefix = addrs[0]["addr_info"][0]["prefixlen"].as_u64().unwrap_or(0);
            let routes = ip(Some(netns), &["route", "show", "default"]);
            let via_bridge = routes.iter().any(|r| r["gateway"] == gateway.as_str());
            (prefix, plugged, via_bridge)
        })
        .collect();
    BridgeShape {
        kind,
        prefix_len: addr["prefixlen"].as_u64().unwrap_or(0),
        gateway_is_first: gateway.ends_with(".1"),
        port_kinds,
        containers,
    }
}

/// A DNAT rule: TCP packets to `dport` are sent to `to`, `ADDRESS:PORT`.
#[derive(Debug, PartialEq, Eq, Clone)]
pub struct Dnat {
    pub dport: u16,
    pub to_address: String,
    pub to_port: u16,
}

/// `nft list ruleset` in a namespace (the machine's when `None`).
fn ruleset(netns: Option<&str>) -> String {
    let output = in_netns(netns, "nft")
        .args(["list", "ruleset"])
        .output()
        .expect("run nft list ruleset");
    assert!(
        output.status.success(),
        "nft list ruleset in {netns:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The TCP DNAT rules of a namespace, from `nft list ruleset`. nft prints
/// iptables-nft's rules (Docker's, on Debian 12) as native statements too,
/// so the same reading serves Docker's rules and the lab's own nftables:
/// `... tcp dport 8443 ... dnat to 172.17.0.2:80` (`dnat ip to` in a table
/// of the inet family).
pub fn dnat_rules(netns: Option<&str>) -> Vec<Dnat> {
    let ruleset = ruleset(netns);
    let rule = Regex::new(r"tcp dport (\d+) .*dnat (?:ip )?to ([0-9.]+):(\d+)").unwrap();
    ruleset
        .lines()
        .filter_map(|line| rule.captures(line))
        .map(|c| Dnat {
            dport: c[1].parse().expect("a port"),
            to_address: c[2].to_string(),
            to_port: c[3].parse().expect("a port"),
        })
        .collect()
}

/// A VXLAN device: its VNI and the UDP port it sends to.
#[derive(Debug, PartialEq, Eq, Clone)]
pub struct Vxlan {
    pub name: String,
    pub vni: u64,
    pub dstport: u64,
}

/// The VXLAN devices of a namespace, from `ip -j -d link show type vxlan`.
pub fn vxlan_devices(netns: Option<&str>) -> Vec<Vxlan> {
    ip(netns, &["-d", "link", "show", "type", "vxlan"])
        .iter()
        .map(|link| {
            let data = &link["linkinfo"]["info_data"];
            Vxlan {
                name: link["ifname"].as_str().unwrap_or("?").to_string(),
                vni: data["id"].as_u64().unwrap_or(0),
                dstport: data["port"].as_u64().unwrap_or(0),
            }
        })
        .collect()
}

/// A MACVLAN device: its mode, its parent's ifindex (in the namespace
/// where the parent lives), and its MAC.
#[derive(Debug, PartialEq, Eq, Clone)]
pub struct Macvlan {
    pub name: String,
    pub mode: String,
    pub parent_index: u64,
    pub mac: String,
}

/// The MACVLAN devices of a namespace, from `ip -j -d link show type macvlan`.
pub fn macvlan_devices(netns: Option<&str>) -> Vec<Macvlan> {
    ip(netns, &["-d", "link", "show", "type", "macvlan"])
        .iter()
        .map(|link| Macvlan {
            name: link["ifname"].as_str().unwrap_or("?").to_string(),
            mode: link["linkinfo"]["info_data"]["mode"]
                .as_str()
                .unwrap_or("?")
                .to_string(),
            parent_index: link["link_index"].as_u64().unwrap_or(0),
            mac: link["address"].as_str().unwrap_or("?").to_string(),
        })
        .collect()
}

/// The IPv4 address of `dev` in a namespace, without its prefix length.
pub fn ipv4_address(netns: Option<&str>, dev: &str) -> String {
    let addrs = ip(netns, &["-4", "addr", "show", "dev", dev]);
    let local = addrs.first().map(|a| &a["addr_info"][0]["local"]);
    local
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{dev} in {netns:?} has an IPv4 address: {addrs:?}"))
        .to_string()
}

/// The subnet of `dev`'s IPv4 address, `172.17.0.0/16` for `172.17.0.1/16`.
fn ipv4_subnet(netns: Option<&str>, dev: &str) -> String {
    let addrs = ip(netns, &["-4", "addr", "show", "dev", dev]);
    let addr = addrs.first().map(|a| &a["addr_info"][0]);
    let (local, len) = addr
        .and_then(|a| Some((a["local"].as_str()?, a["prefixlen"].as_u64()?)))
        .unwrap_or_else(|| panic!("{dev} in {netns:?} has an IPv4 address: {addrs:?}"));
    let local: std::net::Ipv4Addr = local.parse().expect("ip prints an IPv4 address");
    let mask = u32::MAX.checked_shl(32 - len as u32).unwrap_or(0);
    let network = std::net::Ipv4Addr::from(u32::from(local) & mask);
    format!("{network}/{len}")
}

/// The source subnets of the masquerade rules of a namespace, from `nft
/// list ruleset`: `ip saddr 172.17.0.0/16 ... masquerade`, whichever order
/// iptables-nft (Docker's `-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE`)
/// or the lab's own nftables wrote the matches in.
pub fn masquerade_sources(netns: Option<&str>) -> Vec<String> {
    let ruleset = ruleset(netns);
    let rule = Regex::new(r"ip saddr ([0-9.]+/\d+) .*\bmasquerade\b").unwrap();
    ruleset
        .lines()
        .filter_map(|line| rule.captures(line))
        .map(|c| c[1].to_string())
        .collect()
}

/// What publishing a container's port 80 as `dport` put in the nat table of
/// the namespace that holds the bridge, whoever did it: the parts that must
/// agree between Docker and our example (addresses may differ).
#[derive(Debug, PartialEq, Eq)]
pub struct Published {
    /// Per DNAT rule for TCP `dport`: whether it goes to the container's
    /// address, and the port it goes to.
    pub dnat: Vec<(bool, u16)>,
    /// Whether a masquerade rule covers the bridge's subnet.
    pub masquerades_the_bridge_subnet: bool,
}

/// Observes the DNAT rules for `dport` and the masquerade rules in `host`,
/// against `bridge`'s subnet and the container's address `container`.
pub fn published(host: Option<&str>, dport: u16, bridge: &str, container: &str) -> Published {
    let subnet = ipv4_subnet(host, bridge);
    Published {
        dnat: dnat_rules(host)
            .iter()
            .filter(|rule| rule.dport == dport)
            .map(|rule| (rule.to_address == container, rule.to_port))
            .collect(),
        masquerades_the_bridge_subnet: masquerade_sources(host).contains(&subnet),
    }
}

/// What an overlay network's namespace holds, whoever built it: the parts
/// that must agree between Docker and our example (the VNI's value may
/// differ: Docker picks one from 4096 up).
#[derive(Debug, PartialEq, Eq)]
pub struct OverlayShape {
    /// How many VXLAN devices: one per overlay network.
    pub vxlan_devices: usize,
    /// Whether it has a VNI (not 0).
    pub has_vni: bool,
    /// The UDP port it sends to and listens on (4789, IANA's).
    pub dstport: u64,
    /// The bridge it is a port of: its name and kind.
    pub master: (String, String),
}

/// Observes the overlay namespace `netns`; returns its shape and the VNI,
/// to compare with the network's own id.
pub fn overlay_shape(netns: &str) -> (OverlayShape, u64) {
    let devices = vxlan_devices(Some(netns));
    let Some(vxlan) = devices.first() else {
        panic!("a VXLAN device in {netns}: ip -d link show type vxlan shows none");
    };
    let link = &ip(Some(netns), &["-d", "link", "show", &vxlan.name])[0];
    let master = link["master"].as_str().unwrap_or("").to_string();
    let master_kind = if master.is_empty() {
        String::new()
    } else {
        let bridge = &ip(Some(netns), &["-d", "link", "show", &master])[0];
        let kind = bridge["linkinfo"]["info_kind"].as_str();
        kind.unwrap_or("?").to_string()
    };
    let shape = OverlayShape {
        vxlan_devices: devices.len(),
        has_vni: vxlan.vni != 0,
        dstport: vxlan.dstport,
        master: (master, master_kind),
    };
    (shape, vxlan.vni)
}

/// A container's MACVLAN interface, whoever made it: the parts that must
/// agree between Docker and our example (names and MACs may differ).
#[derive(Debug, PartialEq, Eq)]
pub struct MacvlanShape {
    /// How many MACVLAN devices the container has: one, its eth0.
    pub macvlan_devices: usize,
    /// Its mode (`bridge`: Docker's default).
    pub mode: String,
    /// Whether its parent is the given parent interface (by ifindex, in
    /// the parent's namespace).
    pub child_of_the_parent: bool,
    /// Whether its MAC differs from the parent's.
    pub own_mac: bool,
}

/// Observes the MACVLAN devices of the namespace `container`, against the
/// interface `parent` in the namespace `host`.
pub fn macvlan_shape(container: &str, host: Option<&str>, parent: &str) -> MacvlanShape {
    let children = macvlan_devices(Some(container));
    let Some(child) = children.first() else {
        panic!("a MACVLAN device in {container}: ip -d link show type macvlan shows none");
    };
    let parent = &ip(host, &["link", "show", parent])[0];
    MacvlanShape {
        macvlan_devices: children.len(),
        mode: child.mode.clone(),
        child_of_the_parent: parent["ifindex"].as_u64() == Some(child.parent_index),
        own_mac: parent["address"].as_str() != Some(child.mac.as_str()),
    }
}

/// A container's name files, whoever wrote them: the parts that must agree
/// between Docker and our example on a user-defined network.
#[derive(Debug, PartialEq, Eq)]
pub struct NameFiles {
    /// The `nameserver` lines of /etc/resolv.conf.
    pub nameservers: Vec<String>,
    /// Whether /etc/hosts maps the container's own `address` to its
    /// hostname (the one in /etc/hostname).
    pub hosts_has_own_address: bool,
}

/// Reads /etc/resolv.conf, /etc/hosts and /etc/hostname as the container
/// sees them: `cat` run in its mount namespace `mount_ns`.
pub fn name_files(mount_ns: &str, address: &str) -> NameFiles {
    let cat = |path: &str| {
        let output = Command::new("nsenter")
            .arg(format!("--mount={mount_ns}"))
            .args(["cat", path])
            .output()
            .unwrap_or_else(|e| panic!("run nsenter --mount={mount_ns} cat {path}: {e}"));
        assert!(
            output.status.success(),
            "cat {path} in {mount_ns}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let resolv = cat("/etc/resolv.conf");
    let hosts = cat("/etc/hosts");
    let hostname = cat("/etc/hostname");
    let hostname = hostname.trim();
    NameFiles {
        nameservers: resolv
            .lines()
            .filter_map(|line| line.strip_prefix("nameserver "))
            .map(|server| server.trim().to_string())
            .collect(),
        hosts_has_own_address: hosts.lines().any(|line| {
            let mut fields = line.split_whitespace();
            fields.next() == Some(address) && fields.any(|name| name == hostname)
        }),
    }
}
