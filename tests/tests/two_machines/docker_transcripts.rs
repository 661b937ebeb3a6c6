//! What each side's transcript must show, for the two-machine test of
//! `docker_overlay_two_machines`: the lines a person would look for.

/// What the second machine's transcript must show: the port check, the
/// join, blue's ping to red by name answered from red's address, and that
/// answer captured on its eth0: from node1's underlay address to node2's
/// UDP 4789, VXLAN with the overlay's VNI, red's ICMP echo reply inside.
pub fn check_worker(version: &str, text: &str) {
    for line in [
        "host$ ip route get 192.0.2.10\n192.0.2.10 dev eth0 src 192.0.2.11",
        "UDP 4789, to 192.0.2.10 and back: open\n",
        "This node joined a swarm as a worker.\n",
        "Options: com.docker.network.driver.overlay.vxlanid_list=4097\n",
        "blue$ ping -c 1 netlab-red\nPING netlab-red (10.0.1.2): 56 data bytes\n64 bytes from 10.0.1.2: seq=0",
        " > 192.0.2.11.4789: VXLAN, flags [I] (0x08), vni 4097\nIP 10.0.1.2 > 10.0.1.",
        "host$ docker swarm leave\nNode left the swarm.\n",
    ] {
        assert!(
            text.contains(line),
            "the worker on Engine {version} shows {line:?}:\n{text}"
        );
    }
    assert!(
        text.contains("\nIP 192.0.2.10."),
        "the VXLAN packet came from node1's underlay address, on Engine {version}:\n{text}"
    );
}

/// What the first machine's transcript must show: the swarm, red, the
/// command to type, the worker's port check answered, both nodes Ready,
/// blue's ping counted in red, and the end of the swarm.
pub fn check_manager(version: &str, text: &str) {
    for line in [
        "host$ docker swarm init --advertise-addr 192.0.2.10 --listen-addr 192.0.2.10:2377\n",
        "--attachable --label io.netlab=1 netlab-overlay\n",
        "--network netlab-overlay netlab/busybox sleep 3600\n",
        "192.0.2.11 checks the ports before it joins: its probe to UDP 4789 came in",
        " *   node1      Ready     Active         Leader ",
        "     node2      Ready     Active  ",
        "red's kernel counted 1 echo request",
        "blue has left netlab-overlay: its peers, the machines with a container on it, are 192.0.2.10 alone\n",
        "host$ docker swarm leave --force\nNode left the swarm.\n",
    ] {
        assert!(
            text.contains(line),
            "the manager on Engine {version} shows {line:?}:\n{text}"
        );
    }
}

/// The first line of a run that swept an interrupted run's red, overlay
/// and swarm.
pub fn manager_stderr_says_it_cleaned(stderr: &str) -> bool {
    let line = stderr
        .lines()
        .find(|line| line.contains("removed what an interrupted run left behind:"))
        .unwrap_or_default();
    [
        "container netlab-red",
        "network netlab-overlay",
        "swarm membership",
    ]
    .iter()
    .all(|what| line.contains(what))
}
