//! Lab step 9, compared: Docker's embedded DNS server, and the name files
//! of a container on a user-defined network, Docker's and our dns example's.

use netlab_tests::docker::TestDaemon;
use netlab_tests::iproute::ipv4_address;
use netlab_tests::observe::Kept;
use netlab_tests::run::As;
use netlab_tests::shapes::{NameFiles, dnat_rules, name_files};

/// Lab step 9: Docker's embedded DNS server is reached through a DNAT rule
/// inside the container's own namespace (127.0.0.11:53 to the port dockerd
/// listens on there), read from that namespace's kernel.
#[test]
fn docker_embedded_dns_is_a_dnat_rule_in_the_container() {
    const TEST: &str = "docker_embedded_dns_is_a_dnat_rule_in_the_container";
    let Some(daemon) = TestDaemon::for_test(TEST) else {
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

/// Lab step 9, compared: a container on a user-defined network, Docker's
/// and our dns example's red, asks 127.0.0.11 (the embedded DNS server) in
/// its /etc/resolv.conf, and its /etc/hosts maps its own address on that
/// network to its hostname. Read in each container's mount namespace.
#[test]
fn docker_dns_and_our_dns_write_the_same_name_files() {
    const TEST: &str = "docker_dns_and_our_dns_write_the_same_name_files";
    let Some(daemon) = TestDaemon::for_test(TEST) else {
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
    let our_files = name_files(&lab.mount_namespace("red"), &address);
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
