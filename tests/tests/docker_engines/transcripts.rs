//! Every `docker_*` example against a private Engine of each version the
//! book shows: its transcript checked against its recording
//! (`output-engine-VERSION.txt`), and its claims (`--check`) against the
//! list the book shows (`claims-engine-VERSION.txt`).

use netlab_tests::docker::{Release, VERSIONS, release};
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

/// Docker's ipvlan driver on this machine's kernel, which has none: the
/// Engine makes the network, and refuses the first container. (Its run on
/// Debian's kernel, whole, is `tests/vm_docker.rs`'s.)
#[test]
fn docker_ipvlan_transcripts_match_the_book() {
    transcripts(
        "docker_ipvlan",
        &[
            "host$ docker network create -d ipvlan --subnet=192.168.20.0/24 --gateway=192.168.20.1 \
           --ip-range=192.168.20.0/25 -o parent=netlab-mv0 -o ipvlan_mode=l2",
        ],
        &[],
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
