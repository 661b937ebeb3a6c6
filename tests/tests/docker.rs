//! The Docker way, for real: every `docker_*` example against the machine's
//! Docker Engine, its transcript checked against the book; and, per lab
//! step, Docker's kernel objects compared with our examples'.
//!
//! Its own test binary, so that `cargo test` runs it after (never alongside)
//! the tests that snapshot the machine's namespace; inside it, one test at
//! a time (`serial`), each waiting for its cleanup before it returns.

use netlab_tests::docker::{
    DockerObjects, MacvlanShape, NameFiles, OverlayShape, Published, bridge_shape, dnat_rules,
    docker, have_docker, ip, ipv4_address, macvlan_shape, name_files, overlay_shape, published,
    serial,
};
use netlab_tests::observe::Kept;
use netlab_tests::run::{As, output, success};
use netlab_tests::{have_root, record};

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

/// Runs a Docker example and checks its transcript against the book's.
/// Unlike `check_transcript`, no `--topology` picture: a Docker example has
/// no lab of its own to draw (dockerd's objects live in the machine's
/// namespace), so it takes no such flag.
fn transcript(example: &str, key_lines: &[&str]) {
    let test = format!("{example}_transcript_matches_the_book");
    if !ready(&test) {
        return;
    }
    let _one = serial();
    let stdout = success(example, As::Root);
    for line in key_lines {
        assert!(
            stdout.contains(line),
            "{example}: the transcript lacks {line:?}:\n{stdout}"
        );
    }
    record::check(example, &stdout);
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

/// Lab step 11, compared: a container's eth0 on Docker's macvlan network
/// and our macvlan example's red are each one MACVLAN device in bridge
/// mode, a child of the parent interface (`-o parent=netlab-mv0`; our lab
/// host's eth0), with a MAC of its own.
#[test]
fn docker_macvlan_and_our_macvlan_are_children_in_bridge_mode() {
    if !ready("docker_macvlan_and_our_macvlan_are_children_in_bridge_mode") {
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
    let docker_shape = macvlan_shape(&red, None, "netlab-mv0");
    drop(objects);
    drop(parent);

    let lab = Kept::start("macvlan", As::Root);
    let (red, host) = (&lab.namespaces["red"], &lab.namespaces["host"]);
    let our_shape = macvlan_shape(red, Some(host), "eth0");
    assert!(lab.finish().success(), "macvlan --keep exits 0");

    let expected = MacvlanShape {
        macvlan_devices: 1,
        mode: "bridge".to_string(),
        child_of_the_parent: true,
        own_mac: true,
    };
    assert_eq!(
        docker_shape, expected,
        "Docker's container has one MACVLAN device, in bridge mode (Docker's default), a \
         child of netlab-mv0 with a MAC of its own: Docker's {docker_shape:?}, ours {our_shape:?}"
    );
    assert_eq!(
        our_shape, docker_shape,
        "our red's eth0 is the same kind of MACVLAN child of our lab host's eth0: \
         ours {our_shape:?}, Docker's {docker_shape:?}"
    );
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

/// Lab step 10, compared: Docker's overlay network and our overlay example
/// each hold, in the overlay's own namespace (Docker's under
/// /run/docker/netns; our overlay1), one VXLAN device with a VNI, on UDP
/// 4789, a port of a bridge br0. The VNI's value may differ: each is
/// checked against its own network's id.
#[test]
fn docker_overlay_and_our_overlay_are_vxlan_on_udp_4789() {
    if !ready("docker_overlay_and_our_overlay_are_vxlan_on_udp_4789") {
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
    let network_vni = docker(&[
        "network",
        "inspect",
        "-f",
        "{{index .Options \"com.docker.network.driver.overlay.vxlanid_list\"}}",
        "netlab-test-overlay",
    ]);
    let id = docker(&["network", "inspect", "-f", "{{.Id}}", "netlab-test-overlay"]);
    let path = format!("/run/docker/netns/1-{}", &id[..10]);
    let (docker_shape, docker_vni) = overlay_shape(&path);
    drop(objects);
    drop(leave);

    let lab = Kept::start("overlay", As::Root);
    let (our_shape, our_vni) = overlay_shape(&lab.namespaces["overlay1"]);
    assert!(lab.finish().success(), "overlay --keep exits 0");

    assert_eq!(
        docker_vni.to_string(),
        network_vni,
        "Docker's VXLAN device has its network's VNI (vxlanid_list {network_vni}); \
         ours has {our_vni}"
    );
    assert_eq!(
        our_vni, 4097,
        "our VXLAN device has the VNI our example gives it, 4097; Docker's has {docker_vni}"
    );
    let expected = OverlayShape {
        vxlan_devices: 1,
        has_vni: true,
        dstport: 4789,
        master: ("br0".to_string(), "bridge".to_string()),
    };
    assert_eq!(
        docker_shape, expected,
        "Docker's overlay namespace {path} holds one VXLAN device with a VNI, on UDP 4789, \
         a port of the bridge br0: Docker's {docker_shape:?}, ours {our_shape:?}"
    );
    assert_eq!(
        our_shape, docker_shape,
        "our overlay1 holds the same: ours {our_shape:?}, Docker's {docker_shape:?}"
    );
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

/// Lab step 4, compared: `docker run -p 8443:80` and our port_publish
/// example put the same kinds of rules in the nat table of the namespace
/// that holds docker0 (the machine's; our lab host's): a DNAT rule from
/// TCP port 8443 to the container's address, port 80, and a masquerade for
/// docker0's subnet. Docker's DNAT rule goes with the container.
#[test]
fn docker_publish_and_our_publish_are_the_same_nat_rules() {
    if !ready("docker_publish_and_our_publish_are_the_same_nat_rules") {
        return;
    }
    let _one = serial();
    let mut objects = DockerObjects::default();
    let red = objects.run(
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
    let address = ipv4_address(Some(&red), "eth0");
    let docker_side = published(None, 8443, "docker0", &address);
    drop(objects);
    let rules = dnat_rules(None);
    assert!(
        !rules.iter().any(|r| r.dport == 8443),
        "Docker's DNAT rule for 8443 went with the container: {rules:?}"
    );

    let lab = Kept::start("port_publish", As::Root);
    let (host, red) = (&lab.namespaces["host"], &lab.namespaces["red"]);
    let address = ipv4_address(Some(red), "eth0");
    let our_side = published(Some(host), 8443, "docker0", &address);
    assert!(lab.finish().success(), "port_publish --keep exits 0");

    let expected = Published {
        dnat: vec![(true, 80)],
        masquerades_the_bridge_subnet: true,
    };
    assert_eq!(
        docker_side, expected,
        "Docker's nat table: one DNAT rule from TCP 8443 to the container's address, port 80, \
         and a masquerade for docker0's subnet: Docker's {docker_side:?}, ours {our_side:?}"
    );
    assert_eq!(
        our_side, docker_side,
        "our lab host's nat table has the same kinds of rules: \
         ours {our_side:?}, Docker's {docker_side:?}"
    );
}

/// Lab step 9, compared: a container on a user-defined network, Docker's
/// and our dns example's red, asks 127.0.0.11 (the embedded DNS server) in
/// its /etc/resolv.conf, and its /etc/hosts maps its own address on that
/// network to its hostname. Read in each container's mount namespace.
#[test]
fn docker_dns_and_our_dns_write_the_same_name_files() {
    if !ready("docker_dns_and_our_dns_write_the_same_name_files") {
        return;
    }
    let _one = serial();
    let mut objects = DockerObjects::default();
    objects.network("netlab-test-net", &[]);
    let red = objects.run(
        "red",
        &[
            "--network",
            "netlab-test-net",
            "netlab/busybox",
            "sleep",
            "60",
        ],
    );
    let address = ipv4_address(Some(&red), "eth0");
    let mount = red.replace("/ns/net", "/ns/mnt");
    let docker_files = name_files(&mount, &address);
    drop(objects);

    let lab = Kept::start("dns", As::Root);
    // Our red's eth1 is on the user-defined network (its eth0 on docker0).
    let address = ipv4_address(Some(&lab.namespaces["red"]), "eth1");
    let our_files = name_files(&mount_namespace(&lab, "red"), &address);
    assert!(lab.finish().success(), "dns --keep exits 0");

    let expected = NameFiles {
        nameservers: vec!["127.0.0.11".to_string()],
        hosts_has_own_address: true,
    };
    assert_eq!(
        docker_files, expected,
        "Docker's container asks 127.0.0.11 only, and its /etc/hosts names its own \
         address: Docker's {docker_files:?}, ours {our_files:?}"
    );
    assert_eq!(
        our_files, docker_files,
        "our red's files say the same: ours {our_files:?}, Docker's {docker_files:?}"
    );
}

/// The mount namespace `--keep` printed for one of the lab's containers:
/// `#   red: ... --mount=/proc/PID/fd/N ...`.
fn mount_namespace(lab: &Kept, name: &str) -> String {
    let prefix = format!("#   {name}: ");
    let line = lab.transcript.lines().find(|l| l.starts_with(&prefix));
    let option = line
        .and_then(|l| l.split_whitespace().find(|w| w.starts_with("--mount=")))
        .unwrap_or_else(|| {
            panic!(
                "the lab printed no mount namespace for {name}:\n{}",
                lab.transcript
            )
        });
    option.trim_start_matches("--mount=").to_string()
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
