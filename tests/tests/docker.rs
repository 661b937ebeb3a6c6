//! The Docker way, for real: every `docker_*` example against the machine's
//! Docker Engine, its transcript checked against the book; and, per lab
//! step, Docker's kernel objects compared with our examples'.
//!
//! Its own test binary, so that `cargo test` runs it after (never alongside)
//! the tests that snapshot the machine's namespace; inside it, one test at
//! a time (`serial`), each waiting for its cleanup before it returns.

use netlab_tests::docker::{
    DockerObjects, bridge_shape, dnat_rules, docker, have_docker, ip, macvlan_devices, serial,
    vxlan_devices,
};
use netlab_tests::observe::Kept;
use netlab_tests::run::{As, output};
use netlab_tests::{check_transcript, have_root};

/// Root and a Docker Engine, or the reason this test does not run.
fn ready(test: &str) -> bool {
    have_root(test) && have_docker(test)
}

/// Nothing labelled `io.netlab` is left in Docker.
fn assert_nothing_left(what: &str) {
    let containers = docker(&["ps", "-aq", "--filter", "label=io.netlab"]);
    let networks = docker(&["network", "ls", "-q", "--filter", "label=io.netlab"]);
    assert!(
        containers.is_empty() && networks.is_empty(),
        "{what} removed its containers ({containers:?}) and networks ({networks:?})"
    );
}

fn transcript(example: &str, key_lines: &[&str]) {
    let test = format!("{example}_transcript_matches_the_book");
    if !ready(&test) {
        return;
    }
    let _one = serial();
    check_transcript(example, As::Root, key_lines);
    assert_nothing_left(example);
}

#[test]
fn docker_drivers_transcript_matches_the_book() {
    transcript(
        "docker_drivers",
        &["[bridge host ipvlan macvlan null overlay]"],
    );
}

#[test]
fn docker_bridge_transcript_matches_the_book() {
    transcript(
        "docker_bridge",
        &[
            "    inet 172.17.0.2/16 brd 172.17.255.255 scope global eth0",
            "Subnet: 172.17.0.0/16  Gateway: 172.17.0.1",
            "Options: com.docker.network.bridge.name=docker0",
            "64 bytes from 172.17.0.1: seq=0 ttl=64",
        ],
    );
}

#[test]
fn docker_same_bridge_transcript_matches_the_book() {
    transcript(
        "docker_same_bridge",
        &[
            "red$ ping -c 1 172.17.0.3\nPING 172.17.0.3 (172.17.0.3): 56 data bytes\n64 bytes from 172.17.0.3",
            "red$ wget -q -O - http://172.17.0.3/\nhello from netlab/busybox httpd\n",
        ],
    );
}

#[test]
fn docker_port_publish_transcript_matches_the_book() {
    transcript(
        "docker_port_publish",
        &[
            "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8443 -j DNAT --to-destination 172.17.0.2:80",
            "host$ wget -q -O - http://172.17.0.1:8443/\nhello from netlab/busybox httpd\n",
        ],
    );
}

#[test]
fn docker_dns_transcript_matches_the_book() {
    transcript(
        "docker_dns",
        &[
            "red$ cat /etc/hosts\n127.0.0.1\tlocalhost\n",
            "green$ cat /etc/resolv.conf\nnameserver 127.0.0.11\n",
            "Name:\tnetlab-blue\nAddress: 172.18.0.2\n",
        ],
    );
}

/// Lab step 9: Docker's embedded DNS server is reached through a DNAT rule
/// inside the container's own namespace (127.0.0.11:53 to the port dockerd
/// listens on there), read from that namespace's kernel.
#[test]
fn docker_embedded_dns_is_a_dnat_rule_in_the_container() {
    if !ready("docker_embedded_dns_is_a_dnat_rule_in_the_container") {
        return;
    }
    let _one = serial();
    let mut objects = DockerObjects::default();
    objects.network("netlab-test-net", &[]);
    let green = objects.run(
        "green",
        &[
            "--network",
            "netlab-test-net",
            "netlab/busybox",
            "sleep",
            "60",
        ],
    );
    let rules = dnat_rules(Some(&green));
    assert!(
        rules
            .iter()
            .any(|r| r.dport == 53 && r.to_address == "127.0.0.11"),
        "the container's nat table sends TCP 53 of 127.0.0.11 to dockerd's listener: {rules:?}"
    );
}

#[test]
fn docker_macvlan_transcript_matches_the_book() {
    transcript(
        "docker_macvlan",
        &[
            "    link/ether 02:42:c0:a8:14:02 brd ff:ff:ff:ff:ff:ff\n    inet 192.168.20.2/24",
            "Subnet: 192.168.20.0/24  Gateway: 192.168.20.1  IPRange: 192.168.20.0/25\nOptions: parent=netlab-mv0\n",
            "64 bytes from 192.168.20.3: seq=0 ttl=64",
        ],
    );
    if have_root("docker_macvlan_leaves_no_parent") {
        let links = ip(None, &["link", "show"]);
        assert!(
            !links.iter().any(|l| l["ifname"] == "netlab-mv0"),
            "docker_macvlan deleted its parent veth pair"
        );
    }
}

/// Lab step 11, the Docker half of the comparison: a container's eth0 on a
/// macvlan network is a MACVLAN device in bridge mode whose parent is the
/// interface given as `-o parent=`, with a MAC of its own. (Our macvlan
/// example is compared by `macvlan_devices` as well once it is in this
/// branch: the same function reads its namespace.)
#[test]
fn docker_macvlan_is_a_macvlan_child_in_bridge_mode() {
    if !ready("docker_macvlan_is_a_macvlan_child_in_bridge_mode") {
        return;
    }
    let _one = serial();
    let parent = LabParent::add();
    let mut objects = DockerObjects::default();
    objects.network(
        "netlab-test-macvlan",
        &[
            "-d",
            "macvlan",
            "--subnet=192.168.20.0/24",
            "-o",
            "parent=netlab-mv0",
        ],
    );
    let red = objects.run(
        "red",
        &[
            "--network",
            "netlab-test-macvlan",
            "netlab/busybox",
            "sleep",
            "60",
        ],
    );
    let children = macvlan_devices(Some(&red));
    let parent_link = &ip(None, &["link", "show", "netlab-mv0"])[0];
    assert_eq!(children.len(), 1, "one MACVLAN device in red: {children:?}");
    let child = &children[0];
    assert_eq!(
        child.name, "eth0",
        "the container's eth0 is the MACVLAN device"
    );
    assert_eq!(
        child.mode, "bridge",
        "Docker's default MACVLAN mode is bridge"
    );
    assert_eq!(
        Some(child.parent_index),
        parent_link["ifindex"].as_u64(),
        "its parent is netlab-mv0: {child:?}"
    );
    assert_ne!(
        parent_link["address"].as_str(),
        Some(child.mac.as_str()),
        "the child has a MAC of its own"
    );
    drop(objects);
    drop(parent);
}

/// The veth pair netlab-mv0/netlab-mv1 in the machine's namespace, deleted
/// on drop (and by any Docker example's leftover sweep).
struct LabParent;

impl LabParent {
    fn add() -> LabParent {
        let status = std::process::Command::new("ip")
            .args([
                "link",
                "add",
                "netlab-mv0",
                "type",
                "veth",
                "peer",
                "name",
                "netlab-mv1",
            ])
            .status()
            .expect("run ip link add");
        assert!(status.success(), "add the veth pair netlab-mv0");
        LabParent
    }
}

impl Drop for LabParent {
    fn drop(&mut self) {
        let _ = std::process::Command::new("ip")
            .args(["link", "delete", "netlab-mv0"])
            .status();
    }
}

#[test]
fn docker_overlay_transcript_matches_the_book() {
    transcript(
        "docker_overlay",
        &[
            "Options: com.docker.network.driver.overlay.vxlanid_list=4097\n",
            "overlay$ ip -d link show type vxlan\nvxlan0: vxlan id 4097 dstport 4789\n",
            "64 bytes from 10.0.1.4: seq=0 ttl=64",
        ],
    );
    if have_root("docker_overlay_leaves_no_swarm") {
        let state = docker(&["info", "-f", "{{.Swarm.LocalNodeState}}"]);
        assert_eq!(state, "inactive", "docker_overlay left the swarm it made");
    }
}

/// Lab step 10, the Docker half of the comparison: an overlay network is a
/// VXLAN device with the network's VNI on UDP 4789, a port of the bridge in
/// the network's namespace under /run/docker/netns. (Our overlay example is
/// compared by `vxlan_devices` as well once it is in this branch.)
#[test]
fn docker_overlay_is_a_vxlan_device_on_udp_4789() {
    if !ready("docker_overlay_is_a_vxlan_device_on_udp_4789") {
        return;
    }
    let _one = serial();
    let swarm = docker(&["info", "-f", "{{.Swarm.LocalNodeState}}"]);
    assert_eq!(swarm, "inactive", "this test makes its own swarm");
    docker(&[
        "swarm",
        "init",
        "--advertise-addr",
        "172.17.0.1",
        "--listen-addr",
        "172.17.0.1:2377",
    ]);
    let leave = Swarm;
    let mut objects = DockerObjects::default();
    objects.network(
        "netlab-test-overlay",
        &["-d", "overlay", "--attachable", "--subnet=10.0.1.0/24"],
    );
    objects.run(
        "red",
        &[
            "--network",
            "netlab-test-overlay",
            "netlab/busybox",
            "sleep",
            "60",
        ],
    );
    let vni = docker(&[
        "network",
        "inspect",
        "-f",
        "{{index .Options \"com.docker.network.driver.overlay.vxlanid_list\"}}",
        "netlab-test-overlay",
    ]);
    let id = docker(&["network", "inspect", "-f", "{{.Id}}", "netlab-test-overlay"]);
    let path = format!("/run/docker/netns/1-{}", &id[..10]);
    let devices = vxlan_devices(Some(&path));
    assert_eq!(devices.len(), 1, "one VXLAN device in {path}: {devices:?}");
    assert_eq!(
        devices[0].vni.to_string(),
        vni,
        "its VNI is the network's vxlanid_list"
    );
    assert_eq!(devices[0].dstport, 4789, "it uses UDP port 4789");
    let link = &ip(Some(&path), &["-d", "link", "show", &devices[0].name])[0];
    assert_eq!(
        link["master"], "br0",
        "it is a port of the overlay's bridge br0"
    );
    drop(objects);
    drop(leave);
}

/// Leaves the swarm the test made (and docker_gwbridge, which it made).
struct Swarm;

impl Drop for Swarm {
    fn drop(&mut self) {
        let _ = std::process::Command::new("docker")
            .args(["swarm", "leave", "--force"])
            .output();
        let _ = std::process::Command::new("docker")
            .args(["network", "rm", "docker_gwbridge"])
            .output();
    }
}

/// Lab steps 6 and 8, compared: Docker's default bridge with two containers
/// and our same_bridge example have the same shape, read from the kernel.
#[test]
fn docker_bridge_and_our_bridge_have_the_same_shape() {
    if !ready("docker_bridge_and_our_bridge_have_the_same_shape") {
        return;
    }
    let _one = serial();
    let mut objects = DockerObjects::default();
    let red = objects.run("red", &["netlab/busybox", "sleep", "60"]);
    let blue = objects.run("blue", &["netlab/busybox", "sleep", "60"]);
    let docker_shape = bridge_shape(None, "docker0", &[&red, &blue]);
    drop(objects);
    assert_nothing_left("the comparison");

    let lab = Kept::start("same_bridge", As::Root);
    let path = |name: &str| lab.namespaces[name].clone();
    let (red, blue) = (path("red"), path("blue"));
    let our_shape = bridge_shape(Some(&path("host")), "docker0", &[&red, &blue]);
    assert!(lab.finish().success(), "same_bridge --keep exits 0");

    assert_eq!(
        docker_shape.port_kinds,
        ["veth", "veth"],
        "Docker plugged one veth per container into docker0 (and nothing else runs \
         on docker0 during the test): {docker_shape:?}"
    );
    assert_eq!(
        docker_shape, our_shape,
        "Docker's docker0 and ours: a bridge, a /16 with the gateway at .1, one veth \
         port per container, each container's eth0 the peer of a port, with a /16 \
         and a default route via the bridge"
    );
}

/// Lab step 4, the Docker half of the comparison: `-p 8443:80` is a DNAT
/// rule in the kernel, to the container's port 80, gone with the container.
/// (Our port_publish example is compared by `dnat_rules` as well once it is
/// in this branch: the same function reads its namespace.)
#[test]
fn docker_publish_is_a_dnat_rule_in_the_kernel() {
    if !ready("docker_publish_is_a_dnat_rule_in_the_kernel") {
        return;
    }
    let _one = serial();
    let mut objects = DockerObjects::default();
    objects.run(
        "red",
        &[
            "-p",
            "8443:80",
            "netlab/busybox",
            "httpd",
            "-f",
            "-p",
            "80",
            "-h",
            "/www",
        ],
    );
    let address = docker(&[
        "inspect",
        "-f",
        "{{.NetworkSettings.IPAddress}}",
        "netlab-test-red",
    ]);
    let rules = dnat_rules(None);
    assert!(
        rules
            .iter()
            .any(|r| r.dport == 8443 && r.to_address == address && r.to_port == 80),
        "a DNAT rule sends TCP 8443 to {address}:80: {rules:?}"
    );
    drop(objects);
    let rules = dnat_rules(None);
    assert!(
        !rules.iter().any(|r| r.dport == 8443),
        "the DNAT rule went with the container: {rules:?}"
    );
}

#[test]
fn no_docker_engine_is_one_clear_line_and_exit_69() {
    if !have_root("no_docker_engine_is_one_clear_line_and_exit_69") {
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
    if !have_root("a_daemon_that_is_down_is_one_clear_line_and_exit_69") {
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
    assert_nothing_left("the leftover sweep");
}

#[test]
fn a_docker_example_killed_midway_is_cleaned_up_by_the_next_run() {
    if !ready("a_docker_example_killed_midway_is_cleaned_up_by_the_next_run") {
        return;
    }
    let _one = serial();
    use std::io::{BufRead, BufReader};
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
    assert_nothing_left("the next run after a kill");
}

#[test]
fn docker_cleanup_removes_everything_and_says_what() {
    if !ready("docker_cleanup_removes_everything_and_says_what") {
        return;
    }
    let _one = serial();
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
    assert_nothing_left("docker_cleanup");
    let images = docker(&["images", "-q", "netlab/busybox"]);
    assert!(images.is_empty(), "the image is gone too: {images:?}");
    let again = output("docker_cleanup", As::Root, &[]);
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        "nothing to remove\n",
        "a second cleanup finds nothing"
    );
}
