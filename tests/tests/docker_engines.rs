//! The Docker way, for real, against private Engines of the two versions
//! the book shows (today's 28.5 first, then 20.10): every `docker_*`
//! example's transcript, checked against its recording
//! (`output-engine-VERSION.txt`); and, per lab step, Docker's kernel
//! objects compared with our examples', read with `ip -j` and `nft`.
//!
//! Each run has a daemon of its own, started fresh (a daemon's first
//! start, every time) in namespaces of its own, so these tests may run
//! side by side and leave the machine as it was.

use netlab_tests::docker::{
    MacvlanShape, NameFiles, OverlayShape, Published, Release, TestDaemon, VERSIONS, bridge_shape,
    dnat_rules, ipv4_address, macvlan_shape, name_files, overlay_shape, published, release,
};
use netlab_tests::observe::Kept;
use netlab_tests::run::{As, output};
use netlab_tests::{have_root, record};

/// Runs `example` against a private Engine of each version and checks its
/// transcript: the lines every version prints, the lines of that version
/// (`(version, line)`), and the whole against the recording the book shows;
/// then its claims (`--check`), all of which must hold, against the list
/// the book shows (`claims-engine-VERSION.txt`).
fn transcripts(example: &str, lines: &[&str], versioned: &[(&str, &str)]) {
    transcripts_of(example, &[], "", lines, versioned);
}

/// [`transcripts`] with more arguments, `extra`, for a variation whose
/// recordings' names end in `suffix` (`-forwarding-on`).
fn transcripts_of(
    example: &str,
    extra: &[&str],
    suffix: &str,
    lines: &[&str],
    versioned: &[(&str, &str)],
) {
    let test = format!("{example}_transcripts_match_the_book");
    if !have_root(&test) {
        return;
    }
    for version in VERSIONS {
        let Some(Release { dir, .. }) = release(&test, version) else {
            continue;
        };
        let engine = format!("private={dir}");
        let args = [&["--engine", engine.as_str()][..], extra].concat();
        let major = version.split('.').next().unwrap_or(version);
        let variant = format!("engine-{major}{suffix}");
        let check = output(example, As::Root, &[&args[..], &["--check"]].concat());
        let claims = String::from_utf8_lossy(&check.stdout);
        assert!(
            check.status.success()
                && claims
                    .lines()
                    .all(|l| l.starts_with("PASS ") || l.starts_with("check: ")),
            "{example} --check on Engine {version}: every claim holds:\n{claims}{}",
            String::from_utf8_lossy(&check.stderr)
        );
        assert!(
            claims.lines().filter(|l| l.starts_with("PASS ")).count() >= 2,
            "{example} states its claims on Engine {version}:\n{claims}"
        );
        record::check_claims_at(example, &claims, &variant);
        let run = output(example, As::Root, &args);
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(
            run.status.success(),
            "{example} --engine {engine} failed: {}\n{stdout}",
            String::from_utf8_lossy(&run.stderr)
        );
        let own = versioned
            .iter()
            .filter(|(v, _)| *v == version)
            .map(|(_, l)| l);
        for line in lines.iter().chain(own) {
            assert!(
                stdout.contains(line),
                "{example} on Engine {version}: the transcript lacks {line:?}:\n{stdout}"
            );
        }
        let command = format!(
            "sudo -E cargo run --example {example} -- --engine private=$(cargo xtask engine {version}){}",
            extra.iter().map(|a| format!(" {a}")).collect::<String>()
        );
        record::check_raw(
            example,
            &command,
            &stdout,
            &record::variant_path(example, &variant),
        );
    }
}

#[test]
fn docker_drivers_transcripts_match_the_book() {
    transcripts(
        "docker_drivers",
        &["[bridge host ipvlan macvlan null overlay]"],
        &[],
    );
}

#[test]
fn docker_bridge_transcripts_match_the_book() {
    transcripts(
        "docker_bridge",
        &[
            "    inet 172.17.0.2/16 brd 172.17.255.255 scope global eth0",
            // `docker network inspect bridge`, whole, as the CLI prints it.
            "host$ docker network inspect bridge\n[\n    {\n        \"Name\": \"bridge\",\n",
            "            \"com.docker.network.bridge.name\": \"docker0\",\n",
            "                \"IPv4Address\": \"172.17.0.2/16\",\n",
            "64 bytes from 172.17.0.1: seq=0 ttl=64",
        ],
        &[
            (
                "28.5",
                "                    \"Subnet\": \"172.17.0.0/16\",\n                    \"Gateway\": \"172.17.0.1\"\n",
            ),
            // A first start of 20.10: IPAM has no gateway yet.
            (
                "20.10",
                "                    \"Subnet\": \"172.17.0.0/16\"\n                }\n",
            ),
            (
                "20.10",
                "                \"MacAddress\": \"02:42:ac:11:00:02\",\n",
            ),
        ],
    );
}

#[test]
fn docker_same_bridge_transcripts_match_the_book() {
    transcripts(
        "docker_same_bridge",
        &[
            "red$ ping -c 1 172.17.0.3\nPING 172.17.0.3 (172.17.0.3): 56 data bytes\n64 bytes from 172.17.0.3",
            "red$ wget -q -O - http://172.17.0.3/\nhello from netlab/busybox httpd\n",
        ],
        &[],
    );
}

#[test]
fn docker_port_publish_transcripts_match_the_book() {
    let hairpin =
        "-A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE";
    transcripts(
        "docker_port_publish",
        &[
            "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8443 -j DNAT --to-destination 172.17.0.2:80",
            "host$ timeout 2 busybox wget -q -O - http://172.17.0.1:8443/\nhello from netlab/busybox httpd\n",
            // The lab's own look: the filter table, with the rule that lets
            // forwarded traffic in to red's port 80 while red runs.
            "host$ iptables -L -n\nChain INPUT (policy ACCEPT)\n",
            "\nChain FORWARD (policy DROP)\n",
            "Chain DOCKER (1 references)\ntarget     prot opt source               destination         \n\
             ACCEPT     6    --  0.0.0.0/0            172.17.0.2           tcp dpt:80\n",
            "NAMES        IMAGE            PORTS\nnetlab-red   netlab/busybox   0.0.0.0:8443->80/tcp\n",
            "host$ docker kill netlab-red\nnetlab-red\n",
        ],
        &[("20.10", hairpin)],
    );
}

/// The variation the chapter shows beside it: a machine where forwarding
/// was on before the Engine started, so the FORWARD policy stays ACCEPT,
/// and on Engine 20.10 a LAN machine reaches a port nobody published.
#[test]
fn docker_port_publish_with_forwarding_on_transcripts_match_the_book() {
    transcripts_of(
        "docker_port_publish",
        &["--forwarding", "on"],
        "-forwarding-on",
        &["\nChain FORWARD (policy ACCEPT)\n"],
        &[(
            "20.10",
            "lan$ timeout 2 busybox wget -q -O - http://172.17.0.2:8080/\nhello from netlab/busybox httpd\n",
        )],
    );
}

#[test]
fn docker_dns_transcripts_match_the_book() {
    transcripts(
        "docker_dns",
        &[
            "red$ cat /etc/hosts\n127.0.0.1\tlocalhost\n",
            "nameserver 127.0.0.11\n",
            "Name:\tnetlab-blue\n",
            // Lab step 9: red joins the network while it runs, and its
            // bind-mounted /etc/hosts takes an append but not a rename.
            "host$ docker network connect netlab-net netlab-red\n",
            "10.9.9.9 extra\nred$ sed -i s/extra/more/ /etc/hosts\nsed: can't move '/etc/hosts",
            "' to '/etc/hosts': Device or resource busy\n",
        ],
        &[],
    );
}

#[test]
fn docker_macvlan_transcripts_match_the_book() {
    transcripts(
        "docker_macvlan",
        &[
            "Subnet: 192.168.20.0/24  Gateway: 192.168.20.1  IPRange: 192.168.20.0/25\nOptions: parent=netlab-mv0\n",
            "64 bytes from 192.168.20.3: seq=0 ttl=64",
            // Lab step 11's trunk mode: Docker makes the VLAN sub-interface
            // itself, or says why it cannot (this kernel: no 802.1q).
            "host$ docker network create -d macvlan --subnet=192.168.30.0/24 -o parent=netlab-mv0.20",
        ],
        &[(
            "20.10",
            "    link/ether 02:42:c0:a8:14:02 brd ff:ff:ff:ff:ff:ff\n    inet 192.168.20.2/24",
        )],
    );
}

#[test]
fn docker_overlay_transcripts_match_the_book() {
    transcripts(
        "docker_overlay",
        &[
            // `docker node ls`, the CLI's own: `*` marks the node it asked.
            " *   node1      Ready     Active         Leader           ",
            "     node2      Ready     Active                          ",
            "Options: com.docker.network.driver.overlay.vxlanid_list=4097\n",
            "red$ ping -c 1 netlab-blue\nPING netlab-blue (10.0.1.",
            // The ping, captured on node2's eth0: VXLAN between the
            // underlay addresses, with the network's VNI, ICMP inside.
            " > 10.0.0.2.4789: VXLAN, flags [I] (0x08), vni 4097\nIP 10.0.1.2 > 10.0.1.",
            "# node1-overlay's VXLAN devices, as `ip -d link show type vxlan` lists them:\n\
             # vxlan0: vxlan id 4097 dstport 4789\n",
            "# node2-overlay's VXLAN devices, as `ip -d link show type vxlan` lists them:\n\
             # vxlan0: vxlan id 4097 dstport 4789\n",
            "dst 10.0.0.2 link-netnsid 0 self permanent\n",
            "dst 10.0.0.1 link-netnsid 0 self permanent\n",
            "-A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE",
            "red$ ping -c 1 203.0.113.2\nPING 203.0.113.2 (203.0.113.2): 56 data bytes\n64 bytes from 203.0.113.2",
        ],
        &[],
    );
}

/// Lab step 10 across two hosts, compared: Docker's two-node swarm and our
/// overlay example put the same thing on the wire and build the same way
/// out. Each transcript holds a packet its run captured on the second
/// host's eth0: UDP from 10.0.0.1 to 10.0.0.2 port 4789, a VXLAN header with
/// VNI 4097, and inside it red's ICMP echo request to blue, 10.0.1.2 to
/// 10.0.1.x; each masquerades 172.18.0.0/16 (docker_gwbridge) on the first
/// host, and red reaches 203.0.113.2 beyond it.
#[test]
fn docker_overlay_and_our_overlay_put_the_same_vxlan_on_the_wire() {
    let test = "docker_overlay_and_our_overlay_put_the_same_vxlan_on_the_wire";
    if !have_root(test) {
        return;
    }
    let Some(Release { dir, .. }) = release(test, VERSIONS[0]) else {
        return;
    };
    let engine = format!("private={dir}");
    let docker = output("docker_overlay", As::Root, &["--engine", &engine]);
    assert!(docker.status.success(), "docker_overlay: {docker:?}");
    let ours = output("overlay", As::Root, &[]);
    assert!(ours.status.success(), "overlay: {ours:?}");
    let wire = regex::Regex::new(concat!(
        r"(?m)^IP (10\.0\.0\.1)\.\d+ > (10\.0\.0\.2)\.4789: VXLAN, flags \[I\] \(0x08\), vni (\d+)\n",
        r"IP (10\.0\.1\.2) > 10\.0\.1\.\d+: ICMP echo request",
    ))
    .expect("a valid pattern");
    let seen = |run: &std::process::Output| {
        let text = String::from_utf8_lossy(&run.stdout).into_owned();
        let packet = wire.captures(&text).map(|c| {
            (
                c[1].to_string(),
                c[2].to_string(),
                c[3].to_string(),
                c[4].to_string(),
            )
        });
        let masquerades = text
            .contains("-A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE")
            || text.contains("'ip saddr 172.18.0.0/16 oifname != \"docker_gwbridge\" masquerade'");
        let outside = text.contains("64 bytes from 203.0.113.2");
        (packet, masquerades, outside, text)
    };
    let (docker_packet, docker_masq, docker_out, docker_text) = seen(&docker);
    let (our_packet, our_masq, our_out, our_text) = seen(&ours);
    let expected = Some((
        "10.0.0.1".to_string(),
        "10.0.0.2".to_string(),
        "4097".to_string(),
        "10.0.1.2".to_string(),
    ));
    assert_eq!(
        docker_packet, expected,
        "Docker's ping crossed the underlay as VXLAN 4097:\n{docker_text}"
    );
    assert_eq!(
        our_packet, docker_packet,
        "ours crossed it the same way:\n{our_text}"
    );
    assert!(
        docker_masq && our_masq,
        "both masquerade docker_gwbridge's 172.18.0.0/16 (Docker's {docker_masq}, ours {our_masq})"
    );
    assert!(
        docker_out && our_out,
        "both reach outside (Docker's {docker_out}, ours {our_out})"
    );
}

/// A private daemon of today's Engine for a comparison test, or `None`
/// after saying why the test does not run.
fn daemon(test: &str) -> Option<TestDaemon> {
    if !have_root(test) {
        return None;
    }
    release(test, VERSIONS[0]).map(|release| TestDaemon::start(&release))
}

/// `nsenter --net=NETNS ARGV...`, which must succeed.
fn in_netns(netns: &str, argv: &[&str]) {
    let status = std::process::Command::new("nsenter")
        .arg(format!("--net={netns}"))
        .args(argv)
        .status()
        .expect("run nsenter");
    assert!(status.success(), "{argv:?} in {netns}");
}

/// Lab step 9: Docker's embedded DNS server is reached through a DNAT rule
/// inside the container's own namespace (127.0.0.11:53 to the port dockerd
/// listens on there), read from that namespace's kernel.
#[test]
fn docker_embedded_dns_is_a_dnat_rule_in_the_container() {
    const TEST: &str = "docker_embedded_dns_is_a_dnat_rule_in_the_container";
    let Some(daemon) = daemon(TEST) else {
        return;
    };
    daemon.docker(&["network", "create", "netlab-test-net"]);
    let green = daemon.run(
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

/// Lab step 11, compared: a container's eth0 on Docker's macvlan network
/// and our macvlan example's red are each one MACVLAN device in bridge
/// mode, a child of the parent interface (`-o parent=netlab-mv0`; our lab
/// host's eth0), with a MAC of its own.
#[test]
fn docker_macvlan_and_our_macvlan_are_children_in_bridge_mode() {
    const TEST: &str = "docker_macvlan_and_our_macvlan_are_children_in_bridge_mode";
    let Some(daemon) = daemon(TEST) else {
        return;
    };
    let host = daemon.netns();
    // The parent: a veth pair in the daemon's network namespace.
    in_netns(
        &host,
        &[
            "ip",
            "link",
            "add",
            "netlab-mv0",
            "type",
            "veth",
            "peer",
            "name",
            "netlab-mv1",
        ],
    );
    daemon.docker(&[
        "network",
        "create",
        "-d",
        "macvlan",
        "--subnet=192.168.20.0/24",
        "-o",
        "parent=netlab-mv0",
        "netlab-test-macvlan",
    ]);
    let red = daemon.run(
        "red",
        &[
            "--network",
            "netlab-test-macvlan",
            "netlab/busybox",
            "sleep",
            "60",
        ],
    );
    let docker_shape = macvlan_shape(&red, Some(&host), "netlab-mv0");
    drop(daemon);

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

/// Lab step 10, compared: Docker's overlay network and our overlay example
/// each hold, in the overlay's own namespace (Docker's under
/// /run/docker/netns; our overlay1), one VXLAN device with a VNI, on UDP
/// 4789, a port of a bridge br0. The VNI's value may differ: each is
/// checked against its own network's id.
#[test]
fn docker_overlay_and_our_overlay_are_vxlan_on_udp_4789() {
    const TEST: &str = "docker_overlay_and_our_overlay_are_vxlan_on_udp_4789";
    let Some(daemon) = daemon(TEST) else {
        return;
    };
    daemon.docker(&[
        "swarm",
        "init",
        "--advertise-addr",
        "172.17.0.1",
        "--listen-addr",
        "172.17.0.1:2377",
    ]);
    daemon.docker(&[
        "network",
        "create",
        "-d",
        "overlay",
        "--attachable",
        "--subnet=10.0.1.0/24",
        "netlab-test-overlay",
    ]);
    daemon.run(
        "red",
        &[
            "--network",
            "netlab-test-overlay",
            "netlab/busybox",
            "sleep",
            "60",
        ],
    );
    let network_vni = daemon.docker(&[
        "network",
        "inspect",
        "-f",
        "{{index .Options \"com.docker.network.driver.overlay.vxlanid_list\"}}",
        "netlab-test-overlay",
    ]);
    let id = daemon.docker(&["network", "inspect", "-f", "{{.Id}}", "netlab-test-overlay"]);
    let path = format!("{}/1-{}", daemon.netns_dir(), &id[..10]);
    let (docker_shape, docker_vni) = overlay_shape(&path);
    drop(daemon);

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

/// Lab steps 6 and 8, compared: Docker's default bridge with two containers
/// and our same_bridge example have the same shape, read from the kernel.
#[test]
fn docker_bridge_and_our_bridge_have_the_same_shape() {
    const TEST: &str = "docker_bridge_and_our_bridge_have_the_same_shape";
    let Some(daemon) = daemon(TEST) else {
        return;
    };
    let host = daemon.netns();
    let red = daemon.run("red", &["netlab/busybox", "sleep", "60"]);
    let blue = daemon.run("blue", &["netlab/busybox", "sleep", "60"]);
    let docker_shape = bridge_shape(Some(&host), "docker0", &[&red, &blue]);
    drop(daemon);

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
    const TEST: &str = "docker_publish_and_our_publish_are_the_same_nat_rules";
    let Some(daemon) = daemon(TEST) else {
        return;
    };
    let host = daemon.netns();
    let red = daemon.run(
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
    let docker_side = published(Some(&host), 8443, "docker0", &address);
    daemon.docker(&["rm", "-f", "netlab-test-red"]);
    let rules = dnat_rules(Some(&host));
    assert!(
        !rules.iter().any(|r| r.dport == 8443),
        "Docker's DNAT rule for 8443 went with the container: {rules:?}"
    );
    drop(daemon);

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
    const TEST: &str = "docker_dns_and_our_dns_write_the_same_name_files";
    let Some(daemon) = daemon(TEST) else {
        return;
    };
    daemon.docker(&["network", "create", "netlab-test-net"]);
    let red = daemon.run(
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
    drop(daemon);

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

/// `kill -9` of an example mid-run takes its private daemon with it: no
/// dockerd or containerd of it is left (a zombie awaiting its reaper
/// counts as gone), and the next run removes its folder and says so.
#[test]
fn a_private_engine_dies_with_its_example_and_its_folder_goes_next_run() {
    use std::io::{BufRead, BufReader};
    let test = "a_private_engine_dies_with_its_example_and_its_folder_goes_next_run";
    if !have_root(test) {
        return;
    }
    let Some(Release { dir, .. }) = release(test, VERSIONS[0]) else {
        return;
    };
    // A temporary folder of this test's own: the run's is the only
    // netlab-engine-* in it.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let folders = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(tmp.path())
            .expect("read the temporary folder")
            .flatten()
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("netlab-engine-")
            })
            .map(|e| e.path())
            .collect()
    };
    let engine = format!("private={dir}");
    let mut child =
        netlab_tests::run::command("docker_same_bridge", As::Root, &["--engine", &engine])
            .env("TMPDIR", tmp.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start docker_same_bridge");
    let stdout = child.stdout.take().expect("piped stdout");
    for line in BufReader::new(stdout).lines() {
        if line
            .expect("read its output")
            .starts_with("host$ docker run")
        {
            break;
        }
    }
    child.kill().expect("SIGKILL the example");
    child.wait().expect("reap the example");
    let killed = folders();
    assert_eq!(
        killed.len(),
        1,
        "the killed run left its folder: {killed:?}"
    );
    let folder = killed[0].display().to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let survivors = loop {
        let survivors: Vec<String> = std::fs::read_dir("/proc")
            .expect("read /proc")
            .flatten()
            .filter_map(|entry| {
                let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
                let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
                cmdline.contains(&folder).then_some(cmdline)
            })
            .collect();
        if survivors.is_empty() || std::time::Instant::now() > deadline {
            break survivors;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert!(
        survivors.is_empty(),
        "nothing of the killed run's daemon is left: {survivors:?}"
    );
    let next = netlab_tests::run::command("docker_drivers", As::Root, &["--engine", &engine])
        .env("TMPDIR", tmp.path())
        .output()
        .expect("run docker_drivers");
    let stderr = String::from_utf8_lossy(&next.stderr);
    assert!(next.status.success(), "the next run succeeds: {stderr}");
    assert!(
        stderr.contains(&format!(
            "removed the folder of a private Engine an interrupted run left: {folder}"
        )),
        "the next run removed the killed run's folder and said so: {stderr}"
    );
    assert!(folders().is_empty(), "the folder {folder} is gone");
}

/// Another user's folder that looks like a private Engine's is neither
/// used nor removed: the run makes its own, under a name of its own
/// (one exclusive mkdir, 12 random characters), and leaves theirs alone.
#[test]
fn another_users_folder_is_neither_used_nor_removed() {
    let test = "another_users_folder_is_neither_used_nor_removed";
    if !have_root(test) {
        return;
    }
    let Some(Release { dir, .. }) = release(test, VERSIONS[0]) else {
        return;
    };
    // A temporary folder like /tmp: anyone may make a folder in it.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    std::process::Command::new("chmod")
        .arg("1777")
        .arg(tmp.path())
        .status()
        .expect("chmod 1777");
    let theirs = tmp.path().join("netlab-engine-AAAAAAAAAAAA");
    let made = netlab_tests::run::as_nobody(&mut std::process::Command::new("sh"))
        .arg("-c")
        .arg(format!(
            "mkdir {0} && echo mine > {0}/marker",
            theirs.display()
        ))
        .status()
        .expect("mkdir as nobody");
    assert!(made.success(), "nobody made its folder");
    let run = netlab_tests::run::command(
        "docker_drivers",
        As::Root,
        &["--engine", &format!("private={dir}")],
    )
    .env("TMPDIR", tmp.path())
    .output()
    .expect("run docker_drivers");
    assert!(
        run.status.success(),
        "the run succeeds beside another user's folder: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let left: Vec<String> = std::fs::read_dir(&theirs)
        .expect("nobody's folder is still there")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left,
        ["marker"],
        "nothing of the run went into nobody's folder"
    );
    let others = std::fs::read_dir(tmp.path()).unwrap().count();
    assert_eq!(
        others, 1,
        "the run's own folder is gone, and only nobody's is left"
    );
}

/// A root run's private Engine is root's alone: its folder is mode 700, so
/// an ordinary user cannot reach the daemon's socket; root can.
#[test]
fn an_ordinary_user_cannot_reach_a_root_runs_private_engine() {
    let test = "an_ordinary_user_cannot_reach_a_root_runs_private_engine";
    if !have_root(test) {
        return;
    }
    let Some(Release { dir, .. }) = release(test, VERSIONS[0]) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let choice = netlab_docker::Choice::PrivateIn(dir.into());
    let (daemon, _api) = runtime
        .block_on(netlab_docker::PrivateEngine::start(
            &choice,
            "host",
            netlab_docker::Forwarding::Fresh,
        ))
        .expect("start a private Engine");
    let socket = format!("unix://{}", daemon.socket().display());
    let version = |command: &mut std::process::Command| {
        command
            .args(["-H", &socket, "version", "--format", "{{.Server.Version}}"])
            .output()
            .expect("run the docker CLI")
    };
    let root = version(&mut std::process::Command::new("docker"));
    assert!(root.status.success(), "root reaches its Engine: {root:?}");
    let nobody = version(netlab_tests::run::as_nobody(
        &mut std::process::Command::new("docker"),
    ));
    let said = String::from_utf8_lossy(&nobody.stderr);
    assert!(
        !nobody.status.success() && said.contains("permission denied"),
        "nobody cannot reach root's private Engine: {said}"
    );
}
