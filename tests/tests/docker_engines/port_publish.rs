//! Lab step 4, compared: the nat rules of `docker run -p 8443:80` and of
//! our port_publish example.

use netlab_tests::docker::TestDaemon;
use netlab_tests::iproute::ipv4_address;
use netlab_tests::observe::Kept;
use netlab_tests::run::As;
use netlab_tests::shapes::{Published, dnat_rules, published};

/// Lab step 4, compared: `docker run -p 8443:80` and our port_publish
/// example put the same kinds of rules in the nat table of the namespace
/// that holds docker0 (the machine's; our lab host's): a DNAT rule from
/// TCP port 8443 to the container's address, port 80, and a masquerade for
/// docker0's subnet. Docker's DNAT rule goes with the container.
#[test]
fn docker_publish_and_our_publish_are_the_same_nat_rules() {
    const TEST: &str = "docker_publish_and_our_publish_are_the_same_nat_rules";
    let Some(daemon) = TestDaemon::for_test(TEST) else {
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
