//! The Docker tests' helpers, and the kernel objects each lab step must
//! build, observed the same way for Docker's objects and for our examples'.
//!
//! The observer is iproute2 (`ip -j`) and `nft`, run in a namespace given
//! by a path: `/proc/PID/ns/net` of a Docker container, `/proc/PID/fd/N` of
//! a kept example's namespace, `/run/docker/netns/...` of an overlay
//! network, or the machine's own namespace. None of it is the lab library.

use std::process::Command;
use std::sync::{Mutex, MutexGuard};

use regex::Regex;
use serde_json::Value;

/// Docker tests run one at a time (dockerd's objects are shared, and each
/// Docker example removes the others' as leftovers when it starts).
pub fn serial() -> MutexGuard<'static, ()> {
    static ONE: Mutex<()> = Mutex::new(());
    ONE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Tests that need a Docker Engine call this after `have_root`. Outside CI,
/// without one, they return early with the reason; in CI (`CI=true`) a
/// missing Engine is a failure: CI installs and starts one (`.ci/run`).
pub fn have_docker(test: &str) -> bool {
    let path = netlab::docker::reach::socket_path();
    let answer = Command::new("docker")
        .args(["version", "-f", "{{.Server.Version}}"])
        .output();
    let reason = match answer {
        Ok(output) if output.status.success() => return true,
        Ok(output) => String::from_utf8_lossy(&output.stderr).trim().to_string(),
        Err(error) => format!("cannot run the docker CLI: {error}"),
    };
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{test} needs a Docker Engine at unix://{path}, and none answers: {reason}");
    }
    eprintln!("{test}: NOT RUN, no Docker Engine answers at unix://{path}: {reason}");
    false
}

/// `docker ARGS`, which must succeed; its stdout, trimmed.
pub fn docker(args: &[&str]) -> String {
    let output = Command::new("docker")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run docker {args:?}: {e}"));
    assert!(
        output.status.success(),
        "docker {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// Containers and networks a test makes with the `docker` CLI, labelled
/// like the examples', removed when it ends (even by a failed assertion).
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
        let mut argv = vec!["run", "-d", "--label", "io.netlab=1", "--name", &name];
        argv.extend_from_slice(args);
        docker(&argv);
        self.containers.push(name.clone());
        let pid = docker(&["inspect", "-f", "{{.State.Pid}}", &name]);
        format!("/proc/{pid}/ns/net")
    }

    /// `docker network create --label io.netlab=1 ARGS... NAME`.
    pub fn network(&mut self, name: &str, args: &[&str]) {
        let mut argv = vec!["network", "create", "--label", "io.netlab=1"];
        argv.extend_from_slice(args);
        argv.push(name);
        docker(&argv);
        self.networks.push(name.to_string());
    }
}

/// The image `netlab/busybox`, which any Docker example builds when it is
/// missing (`docker_cleanup` removes it).
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

/// The TCP DNAT rules of a namespace, from `nft list ruleset`. nft prints
/// iptables-nft's rules (Docker's, on Debian 12) as native statements too,
/// so the same reading serves Docker's rules and the lab's own nftables:
/// `... tcp dport 8443 ... dnat to 172.17.0.2:80` (`dnat ip to` in a table
/// of the inet family).
pub fn dnat_rules(netns: Option<&str>) -> Vec<Dnat> {
    let output = in_netns(netns, "nft")
        .args(["list", "ruleset"])
        .output()
        .expect("run nft list ruleset");
    assert!(
        output.status.success(),
        "nft list ruleset in {netns:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rule = Regex::new(r"tcp dport (\d+) .*dnat (?:ip )?to ([0-9.]+):(\d+)").unwrap();
    String::from_utf8_lossy(&output.stdout)
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
