//! The "iptables and port publishing" chapter: `cargo run --example port_publish`.

use std::process::Command;

use netlab_tests::observe::Kept;
use netlab_tests::run::{As, output};
use netlab_tests::{check_transcript, nft, root};
use serde_json::{Value, json};

const KEY_LINES: &[&str] = &[
    "host$ nft add rule ip nat docker 'iifname != \"docker0\" tcp dport 8443 counter dnat to 172.17.0.2:80'",
    "outside$ curl -sS http://192.168.20.200:8443/\nhello from red, port 80\nyou came from 192.168.20.150\n",
    "outside$ curl -sS http://192.168.20.200:8080/\n\
     curl: (7) Failed to connect to 192.168.20.200 port 8080 after ",
    "host$ curl -sS http://192.168.20.200:8443/\nhello from red, port 80\nyou came from 192.168.20.200\n",
    "host$ curl -sS http://127.0.0.1:8443/\n\
     curl: (7) Failed to connect to 127.0.0.1 port 8443 after ",
    "red$ curl -sS http://192.168.20.150/\nhello from outside, port 80\nyou came from 192.168.20.200\n",
    "tcp dport 8443 counter packets 2 bytes 120 dnat to 172.17.0.2:80\n",
    "oifname != \"docker0\" counter packets 1 bytes 60 masquerade\n",
    "host$ nft add rule ip trace prerouting \
     'tcp flags syn ct original ip saddr 192.168.20.150 ct original proto-dst 8443 meta nftrace set 1'",
    "host$ nft monitor trace\ntrace id ",
    " ip nat docker rule iifname != \"docker0\" tcp dport 8443 counter packets 0 bytes 0 \
     dnat to 172.17.0.2:80 (verdict accept)\n",
];

#[test]
fn port_publish_transcript_matches_the_book() {
    if !root() {
        return;
    }
    let stdout = check_transcript("port_publish", As::Root, KEY_LINES);
    // What the transcript says it typed is what nft then listed: every
    // narrated `nft add rule` appears, in nft's own words, in the last
    // `nft list ruleset` (with the counters it adds).
    let listings: Vec<String> = stdout
        .split("host$ nft list ruleset\n")
        .skip(1)
        .map(|rest| {
            let listing = rest
                .lines()
                .take_while(|l| !l.starts_with('#') && !l.contains("$ "));
            listing.collect::<Vec<_>>().join("\n") + "\n"
        })
        .collect();
    assert_eq!(
        listings.len(),
        2,
        "two listings, before and after:\n{stdout}"
    );
    let (before, after) = (&listings[0], &listings[1]);
    let rule = regex::Regex::new(r"(?m)^host\$ nft add rule ip nat (\w+) '(.*)'$").unwrap();
    let rules: Vec<_> = rule.captures_iter(&stdout).collect();
    assert_eq!(rules.len(), 5, "five rules added:\n{stdout}");
    for rule in rules {
        let listed = rule[2].replace("counter ", "counter packets 0 bytes 0 ");
        assert!(
            after.contains(&format!("\t\t{listed}\n")),
            "nft lists the rule {:?} of chain {} as narrated:\n{after}",
            &rule[2],
            &rule[1]
        );
    }
    check_trace(&stdout);
    // `-p 8443:80` adds exactly one rule: the DNAT.
    let dnat = "dnat to 172.17.0.2:80";
    assert!(
        !before.contains(dnat) && after.contains(dnat),
        "the DNAT rule appears with `docker run -p` only:\nbefore:\n{before}\nafter:\n{after}"
    );
}

#[test]
fn port_publish_rootless_prints_the_same_transcript() {
    if root() {
        let stdout = check_transcript("port_publish", As::Rootless, KEY_LINES);
        check_trace(&stdout);
    }
}

/// What `nft monitor trace` printed: the chains the SYN passed, in the
/// kernel's order, with the DNAT between prerouting and forward; then the
/// SYN-ACK's, which no nat chain saw, with its source rewritten back to
/// the published address by the time it leaves.
fn check_trace(stdout: &str) {
    let trace: Vec<&str> = stdout
        .split("host$ nft monitor trace\n")
        .nth(1)
        .unwrap_or_else(|| panic!("the transcript shows nft monitor trace:\n{stdout}"))
        .lines()
        .take_while(|l| l.starts_with("trace id "))
        .collect();
    let reply = trace
        .iter()
        .position(|l| l.contains("packet: iif \"docker0\""))
        .unwrap_or_else(|| panic!("the trace shows a packet from docker0:\n{trace:#?}"));
    let (syn, syn_ack) = trace.split_at(reply);
    // `trace id 1f4c6e05 ip nat docker rule ...`: the table and the chain.
    let chains = |lines: &[&str]| {
        let mut chains: Vec<String> = lines
            .iter()
            .map(|l| l.split(' ').skip(4).take(2).collect::<Vec<_>>().join(" "))
            .collect();
        chains.dedup();
        chains
    };
    assert_eq!(
        chains(syn),
        [
            "trace prerouting",
            "nat prerouting",
            "nat docker",
            "trace forward",
            "nat postrouting",
            "trace postrouting"
        ],
        "the SYN passes prerouting, the DNAT, forward and postrouting:\n{syn:#?}"
    );
    assert!(
        syn.iter()
            .any(|l| l.ends_with("dnat to 172.17.0.2:80 (verdict accept)"))
            && syn.iter().any(|l| l
                .contains("ip trace forward packet: iif \"eth0\" oif \"docker0\"")
                && l.contains("ip daddr 172.17.0.2 ")
                && l.contains("tcp dport 80 ")),
        "the SYN is rewritten to 172.17.0.2:80 before forward:\n{syn:#?}"
    );
    assert_eq!(
        chains(syn_ack),
        ["trace prerouting", "trace forward", "trace postrouting"],
        "the SYN-ACK passes no nat chain:\n{syn_ack:#?}"
    );
    let leaving = syn_ack
        .iter()
        .find(|l| l.contains("ip trace postrouting packet:"));
    assert!(
        leaving.is_some_and(
            |l| l.contains("ip saddr 192.168.20.200 ip daddr 192.168.20.150 ")
                && l.contains("tcp sport 8443 ")
        ),
        "the SYN-ACK leaves from 192.168.20.200:8443, un-NATed by conntrack:\n{syn_ack:#?}"
    );
}

#[test]
fn port_publish_builds_what_the_chapter_says() {
    if !root() {
        return;
    }
    for who in [As::Root, As::Rootless] {
        let lab = Kept::start("port_publish", who);
        for (name, device, ip) in [
            ("host", "eth0", "192.168.20.200/24"),
            ("outside", "eth0", "192.168.20.150/24"),
            ("host", "docker0", "172.17.0.1/16"),
            ("red", "eth0", "172.17.0.2/16"),
        ] {
            assert_eq!(lab.ipv4(name, device), [ip], "{name}'s {device} ({who:?})");
        }
        assert_eq!(
            lab.link("host", "veth-red")["master"],
            "docker0",
            "veth-red is a port of docker0 ({who:?})"
        );
        // (A new namespace copies this from the machine's own: on a machine
        // where dockerd runs it would be 1 anyway; elsewhere it is 0.)
        let forwarding = lab.exec("host", &["cat", "/proc/sys/net/ipv4/ip_forward"]);
        assert_eq!(
            String::from_utf8_lossy(&forwarding.stdout).trim(),
            "1",
            "the lab host forwards IPv4 ({who:?})"
        );

        // nft's own JSON, read in the lab host's namespace.
        let rules = nft_rules(&lab.exec("host", &["nft", "-j", "list", "ruleset"]));
        let dnat = find_rule(&rules, "docker", "dnat");
        assert!(
            dnat["expr"]
                .as_array()
                .is_some_and(|e| e.contains(&tcp_dport(8443))),
            "the DNAT rule matches TCP port 8443 ({who:?}): {dnat}"
        );
        let target = dnat["expr"].as_array().and_then(|e| e.last()).cloned();
        assert_eq!(
            target,
            Some(json!({"dnat": {"addr": "172.17.0.2", "port": 80}})),
            "port 8443 goes to 172.17.0.2:80 ({who:?}): {dnat}"
        );
        let masquerade = find_rule(&rules, "postrouting", "masquerade");
        assert!(
            masquerade["expr"].as_array().is_some_and(|e| {
                e.contains(&json!(
                {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}},
                           "right": {"prefix": {"addr": "172.17.0.0", "len": 16}}}}
            ))
            }),
            "masquerade is for 172.17.0.0/16 ({who:?}): {masquerade}"
        );

        // An independent client, curl itself, on the outside machine.
        let curl = |port: &str| {
            let url = format!("http://192.168.20.200:{port}/");
            lab.exec("outside", &["curl", "-sS", "--max-time", "5", &url])
        };
        let page = curl("8443");
        let text = String::from_utf8_lossy(&page.stdout);
        assert!(
            page.status.success()
                && text == "hello from red, port 80\nyou came from 192.168.20.150\n",
            "curl on outside gets red's page through port 8443 ({who:?}): {page:?}"
        );
        let refused = curl("8080");
        // curl's exit code 7: "Failed to connect to host".
        assert_eq!(
            refused.status.code(),
            Some(7),
            "port 8080 refuses curl on outside ({who:?}): {refused:?}"
        );
        assert!(
            lab.finish().success(),
            "port_publish --keep exits 0 after Enter ({who:?})"
        );
    }
}

#[test]
fn port_publish_leaves_the_firewall_of_the_machine_alone() {
    if !root() {
        return;
    }
    let before = (own_ruleset(), ip_forward());
    for who in [As::Root, As::Rootless] {
        let run = output("port_publish", who, &[]);
        assert!(
            run.status.success(),
            "port_publish ({who:?}) succeeds: {run:?}"
        );
        let after = (own_ruleset(), ip_forward());
        assert_eq!(
            before, after,
            "port_publish ({who:?}) changed this namespace's nftables rules or ip_forward"
        );
    }
}

/// The rules of `nft -j list ruleset` output.
fn nft_rules(listing: &std::process::Output) -> Vec<Value> {
    nft::json_objects(listing)
        .into_iter()
        .filter_map(|object| object.get("rule").cloned())
        .collect()
}

/// The rule of table `ip nat`, chain `chain`, that has a `statement`.
fn find_rule(rules: &[Value], chain: &str, statement: &str) -> Value {
    let found = rules.iter().find(|rule| {
        rule["family"] == "ip"
            && rule["table"] == "nat"
            && rule["chain"] == chain
            && rule["expr"]
                .as_array()
                .is_some_and(|e| e.iter().any(|s| s.get(statement).is_some()))
    });
    found
        .cloned()
        .unwrap_or_else(|| panic!("no {statement} rule in ip nat {chain}: {rules:#?}"))
}

fn tcp_dport(port: u16) -> Value {
    json!({"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}},
                     "right": port}})
}

/// This namespace's nftables ruleset, less what dockerd may change meanwhile.
///
/// On a machine that runs Docker, dockerd (through `iptables-nft`) keeps its
/// rules in tables such as `ip nat` and `ip filter`, in chains with
/// iptables' upper-case names (`PREROUTING`, `DOCKER`), and changes them
/// whenever a container starts or stops, which other tests may do at any
/// time. Its tables stay (dockerd makes them when it starts, before the
/// tests). So we compare every table, and every chain and rule but those in
/// upper-case chains, counters left out. The example's own chains are
/// lower-case (`prerouting`, `docker`) in a table `ip nat`: had it changed
/// this namespace, they would show here, even inside dockerd's table.
fn own_ruleset() -> Vec<String> {
    let listing = Command::new("nft")
        .args(["-j", "list", "ruleset"])
        .output()
        .expect("run nft");
    let objects = nft::json_objects(&listing);
    let dockerd = |chain: &Value| {
        chain
            .as_str()
            .is_some_and(|name| !name.chars().any(|c| c.is_ascii_lowercase()))
    };
    let mut view: Vec<String> = objects
        .iter()
        .filter_map(|object| {
            if let Some(table) = object.get("table") {
                Some(format!("table {} {}", table["family"], table["name"]))
            } else if let Some(chain) = object.get("chain").filter(|c| !dockerd(&c["name"])) {
                Some(format!(
                    "chain {} {} {}",
                    chain["family"], chain["table"], chain["name"]
                ))
            } else {
                let rule = object.get("rule").filter(|r| !dockerd(&r["chain"]))?;
                // Without counters, which traffic changes.
                let expr = rule["expr"].as_array().cloned().unwrap_or_default();
                let expr: Vec<_> = expr.iter().filter(|s| s.get("counter").is_none()).collect();
                Some(format!(
                    "rule {} {} {} {expr:?}",
                    rule["family"], rule["table"], rule["chain"]
                ))
            }
        })
        .collect();
    view.sort();
    view
}

fn ip_forward() -> String {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_forward").expect("read ip_forward")
}
