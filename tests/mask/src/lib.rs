//! The values of a transcript that change from run to run (MACs, times,
//! ids, inode numbers), each replaced by a placeholder a reader
//! understands; everything else stays as the run printed it.
//!
//! Two programs compare a run with its recording through this crate, so
//! that they agree on what a difference is: the tests
//! (`netlab-tests`' `record`), and the served book's "Run on this
//! machine" (`cargo xtask serve`).
//!
//! # Layout
//!
//! - this file: [`mask`] and [`normalize`], the rules every example shares.
//! - `docker.rs`: what a real Docker Engine changes on every run.

mod docker;

use std::sync::LazyLock;

use regex::Regex;

use docker::normalize_docker;

/// The transcript as the book shows it: the command, then what it printed,
/// with volatile values masked.
pub fn normalize(example: &str, stdout: &str) -> String {
    format!("$ cargo run --example {example}\n{}", mask(example, stdout))
}

/// `text` with the values that change from run to run replaced by
/// placeholders (`<mac>`, `<rtt>`, `<id>`, ...).
pub fn mask(example: &str, stdout: &str) -> String {
    static RULES: LazyLock<Vec<(Regex, &str)>> = LazyLock::new(|| {
        [
            // Bridge ids: priority, then the bridge's MAC without colons.
            (r"\b([0-9a-f]{4})\.[0-9a-f]{12}\b", "$1.<mac>"),
            // Round-trip times of ping, arping and curl.
            (r"time=\d+(\.\d+)? ms", "time=<rtt> ms"),
            (
                r"^rtt min/avg/max/mdev = [0-9./]+ ms$",
                "rtt min/avg/max/mdev = <rtt> ms",
            ),
            (r"\]  \d+\.\d{3}ms$", "]  <rtt>ms"),
            (r" after \d+ ms: ", " after <ms> ms: "),
            // ifconfig's packet and byte counters: a neighbour's ARP or
            // a retransmission changes them.
            (
                r"^(\s+[RT]X packets) \d+  bytes \d+ \([0-9.]+ [KMG]?i?B\)$",
                "$1 <n>  bytes <n> (<size>)",
            ),
            // The ageing timer of learned MACs in `brctl showmacs`.
            (r"(\tno\t\t) *\d+\.\d\d$", "$1  <age>"),
            // tcpdump: a VXLAN packet's source port (a hash of the inner
            // flow), and the identifier of a ping (its process id).
            (
                r"(\d+\.\d+\.\d+\.\d+)\.\d+ > (\S+)\.4789:",
                "$1.<port> > $2.4789:",
            ),
            (
                r"ICMP echo (request|reply), id \d+,",
                "ICMP echo $1, id <id>,",
            ),
            // `nft monitor trace`: the id of a trace (the kernel's hash of
            // the packet's buffer), a packet's IP identification, and a
            // client's port, or a VXLAN packet's (5 digits: from the
            // ephemeral range, 32768-60999).
            (r"^trace id [0-9a-f]{8} ", "trace id <id> "),
            (r"^(trace id .* ip id )\d+ ", "${1}<n> "),
            (r"\b(tcp|udp) (sport|dport) \d{5}\b", "$1 $2 <port>"),
            // Raw bytes nft could not decode (`@ll`: link layer, `@nh`:
            // network header, `@th`: transport header), which hold IP
            // identifications and checksums: a VXLAN packet's inner frame,
            // a packet at a device's egress hook.
            (r"(@(?:ll|nh|th),\d+,\d+) 0x[0-9a-f]+", "$1 0x<bytes>"),
            // recap: the running kernel's release (this machine's, or the
            // VM's), what busybox's `date` prints, and what a point release
            // or a rebuild of the two distributions changes.
            (r"^(\S*\$ uname -r\n).+$", "$1<kernel release>"),
            (
                r"^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ \d{4}$",
                "<date>",
            ),
            (
                r"^DEBIAN_VERSION_FULL=\S+$",
                "DEBIAN_VERSION_FULL=<point release>",
            ),
            (
                r"^BusyBox v(\S+) \(Debian [^)]+\)",
                "BusyBox v$1 (Debian <revision>)",
            ),
        ]
        .into_iter()
        .map(|(pattern, replacement)| (Regex::new(&format!("(?m){pattern}")).unwrap(), replacement))
        .collect()
    });
    // Random MACs (kernel-made for veth and bridge), but not the fixed
    // all-zero (loopback) and all-ones (broadcast) addresses, nor the MACs
    // an example sets itself as Docker does, 02:42 and the IPv4 address:
    // 10.0.1.x (overlay) and 192.168.x.x (macvlan). A random MAC starts so
    // about once in 2^30.
    static MAC: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b([0-9a-f]{2}:){5}[0-9a-f]{2}\b").unwrap());
    // Namespace inodes differ from run to run, but which lines show the
    // same namespace does not: number them in order of appearance.
    static INODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"net:\[(\d+)\]").unwrap());

    let mut text = stdout.to_string();
    for (pattern, replacement) in RULES.iter() {
        text = pattern.replace_all(&text, *replacement).into_owned();
    }
    if example.starts_with("docker_") {
        text = normalize_docker(example, &text);
    }
    if example == "drivers_measured" {
        text = normalize_measured(&text);
    }
    text = MAC
        .replace_all(&text, |c: &regex::Captures| match &c[0] {
            "00:00:00:00:00:00" | "ff:ff:ff:ff:ff:ff" => c[0].to_string(),
            mac if docker_container_mac(mac) => mac.to_string(),
            _ => "<mac>".to_string(),
        })
        .into_owned();
    text = resort_sorted_outputs(&text);
    let mut seen: Vec<String> = Vec::new();
    text = INODE
        .replace_all(&text, |c: &regex::Captures| {
            let position = seen.iter().position(|s| s == &c[1]).unwrap_or_else(|| {
                seen.push(c[1].to_string());
                seen.len() - 1
            });
            format!("net:[<inode-{}>]", position + 1)
        })
        .into_owned();
    text
}

/// drivers_measured's figures: everything right of the table's bar is
/// timing (rates, latencies, CPU), and how long each test ran is a flag
/// (the tests run short ones, the recording the documented default). Left
/// of the bar, MTU and header bytes, stays: it is the same on every machine.
fn normalize_measured(text: &str) -> String {
    static RULES: LazyLock<Vec<(Regex, &str)>> = LazyLock::new(|| {
        [
            (r"^(.{15} +\d+ +\d+ B +\d+ B \|).*$", "$1 <measured>"),
            (r" for \d+(\.\d+)? s", " for <seconds> s"),
        ]
        .into_iter()
        .map(|(pattern, replacement)| (Regex::new(&format!("(?m){pattern}")).unwrap(), replacement))
        .collect()
    });
    let mut text = text.to_string();
    for (pattern, replacement) in RULES.iter() {
        text = pattern.replace_all(&text, *replacement).into_owned();
    }
    text
}

/// The output of a command that ends in `| sort`, sorted again once masked:
/// a random MAC sorts anywhere among the others, `<mac>` always first.
fn resort_sorted_outputs(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    let mut sorting = false;
    for line in text.lines() {
        // The block ends at the next prompt, comment or blank line.
        let ends = line.is_empty() || line.starts_with('#') || line.contains("$ ");
        if sorting && ends {
            block.sort_unstable();
            out.append(&mut block);
            sorting = false;
        }
        if sorting {
            block.push(line);
        } else {
            out.push(line);
            sorting = line.contains("$ ") && line.ends_with("| sort");
        }
    }
    block.sort_unstable();
    out.append(&mut block);
    let mut resorted = out.join("\n");
    if text.ends_with('\n') {
        resorted.push('\n');
    }
    resorted
}

/// Engine 20.10 (and the overlay driver of every Engine) gives a
/// container's interface the MAC `02:42:` followed by its IPv4 address
/// (`02:42:ac:11:00:02` for 172.17.0.2), and our examples do the same: not
/// random, and the chapters point it out. Those of the book's subnets stay unmasked
/// (10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16: `0a`, `ac:1x`, `c0:a8`).
fn docker_container_mac(mac: &str) -> bool {
    let bytes: Vec<&str> = mac.split(':').collect();
    let in_172_16 = bytes[2] == "ac" && bytes[3].starts_with('1');
    let in_192_168 = bytes[2] == "c0" && bytes[3] == "a8";
    bytes[..2] == ["02", "42"] && (bytes[2] == "0a" || in_172_16 || in_192_168)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_what_changes_and_keeps_the_rest() {
        let raw = "host$ ip a\n    link/ether 3a:fc:83:cc:4b:16 brd ff:ff:ff:ff:ff:ff\n\
                   docker0\t\t8000.bad96c61302f\tno\t\tveth-red\n\
                   64 bytes from 172.17.0.3: icmp_seq=1 ttl=64 time=4.227 ms\n\
                   \x20 1\tea:ab:35:e9:01:34\tno\t\t   0.31\n\
                   \x20 1\tba:d9:6c:61:30:2f\tyes\t\t   0.00\n\
                   net:[4026532177]\nnet:[4026532246]\nnet:[4026532177]\n\
                   IP 10.0.0.1.59165 > 10.0.0.2.4789: VXLAN, flags [I] (0x08), vni 4097\n\
                   IP 10.0.1.2 > 10.0.1.3: ICMP echo request, id 22908, seq 1, length 64\n\
                   02:42:0a:00:01:03 dst 10.0.0.2 self permanent\n\
                   192.168.20.2 dev eth0 lladdr 02:42:c0:a8:14:02 REACHABLE\n";
        let expected = "$ cargo run --example bridge\n\
                        host$ ip a\n    link/ether <mac> brd ff:ff:ff:ff:ff:ff\n\
                        docker0\t\t8000.<mac>\tno\t\tveth-red\n\
                        64 bytes from 172.17.0.3: icmp_seq=1 ttl=64 time=<rtt> ms\n\
                        \x20 1\t<mac>\tno\t\t  <age>\n\
                        \x20 1\t<mac>\tyes\t\t   0.00\n\
                        net:[<inode-1>]\nnet:[<inode-2>]\nnet:[<inode-1>]\n\
                        IP 10.0.0.1.<port> > 10.0.0.2.4789: VXLAN, flags [I] (0x08), vni 4097\n\
                        IP 10.0.1.2 > 10.0.1.3: ICMP echo request, id <id>, seq 1, length 64\n\
                        02:42:0a:00:01:03 dst 10.0.0.2 self permanent\n\
                        192.168.20.2 dev eth0 lladdr 02:42:c0:a8:14:02 REACHABLE\n";
        assert_eq!(normalize("bridge", raw), expected);
    }

    #[test]
    fn masks_the_measured_figures_but_not_mtu_and_headers() {
        let raw = "# per path: TCP_RR (1-byte request/response) for 0.1 s, 20 pings, TCP_STREAM for 0.1 s\n\
                   overlay           1450  117 B    116 B |    23326    21.2   741.0    17.0   11.50     0.44\n\
                   ipvlan          skipped: this kernel has no ipvlan driver\n";
        let expected = "$ cargo run --example drivers_measured\n\
                        # per path: TCP_RR (1-byte request/response) for <seconds> s, 20 pings, \
                        TCP_STREAM for <seconds> s\n\
                        overlay           1450  117 B    116 B | <measured>\n\
                        ipvlan          skipped: this kernel has no ipvlan driver\n";
        assert_eq!(normalize("drivers_measured", raw), expected);
        assert!(
            normalize("veth", raw).contains("741.0"),
            "only drivers_measured's figures are masked"
        );
    }

    #[test]
    fn a_sorted_output_is_sorted_again_once_masked() {
        // Two runs: the bridge's random MAC sorted first, then last.
        let first = "overlay1$ bridge fdb show dev vxlan0 | sort\n\
                     00:11:22:33:44:56 master br0 permanent\n\
                     02:42:0a:00:01:03 dst 10.0.0.2 self permanent\n\
                     \n# next\n";
        let last = "overlay1$ bridge fdb show dev vxlan0 | sort\n\
                    02:42:0a:00:01:03 dst 10.0.0.2 self permanent\n\
                    06:aa:bb:cc:dd:ee master br0 permanent\n\
                    \n# next\n";
        let expected = "$ cargo run --example overlay\n\
                        overlay1$ bridge fdb show dev vxlan0 | sort\n\
                        02:42:0a:00:01:03 dst 10.0.0.2 self permanent\n\
                        <mac> master br0 permanent\n\
                        \n# next\n";
        assert_eq!(normalize("overlay", first), expected);
        assert_eq!(normalize("overlay", last), expected);
    }

    #[test]
    fn masks_what_changes_in_a_trace() {
        let raw = "trace id 9fb80372 ip trace prerouting packet: iif \"eth0\" ip ttl 64 \
                   ip id 29507 ip length 60 tcp sport 59372 tcp dport 8443 tcp flags == syn\n\
                   trace id 1f4c6e05 ip trace postrouting packet: ip id 0 ip length 60 \
                   tcp sport 8443 tcp dport 59372\n\
                   trace id 1f4c6e05 ip trace forward policy accept\n\
                   trace id 0a1b2c3d ip trace output packet: oif \"eth0\" @ll,0,160 0x2420a0001 \
                   ip id 3864 udp sport 47123 udp dport 4789 @th,64,96 0x80000000010010002420a00\n\
                   trace id 90d4d681 netdev trace egress packet: oif \"eth0\" \
                   @nh,0,160 0x45000054359c400040015bb9c0a81402c0a81401 @th,0,160 0x800a42b35b5\n";
        let expected = "$ cargo run --example port_publish\n\
                        trace id <id> ip trace prerouting packet: iif \"eth0\" ip ttl 64 \
                        ip id <n> ip length 60 tcp sport <port> tcp dport 8443 tcp flags == syn\n\
                        trace id <id> ip trace postrouting packet: ip id <n> ip length 60 \
                        tcp sport 8443 tcp dport <port>\n\
                        trace id <id> ip trace forward policy accept\n\
                        trace id <id> ip trace output packet: oif \"eth0\" @ll,0,160 0x<bytes> \
                        ip id <n> udp sport <port> udp dport 4789 @th,64,96 0x<bytes>\n\
                        trace id <id> netdev trace egress packet: oif \"eth0\" \
                        @nh,0,160 0x<bytes> @th,0,160 0x<bytes>\n";
        assert_eq!(normalize("port_publish", raw), expected);
    }

    #[test]
    fn masks_the_kernel_release_the_date_and_the_distributions_updates() {
        let raw = "$ uname -r\n6.18.44-fc-v1045\nred$ uname -r\n6.1.0-41-amd64\n\
                   red$ date -s @$(date +%s)\n\
                   date: can't set date: Operation not permitted\n\
                   Tue Dec  1 16:52:42 UTC 2026\n\
                   VERSION_CODENAME=trixie\nDEBIAN_VERSION_FULL=13.8\n\
                   BusyBox v1.37.0 (Debian 1:1.37.0-6+b9) multi-call binary.\n";
        let expected = "$ cargo run --example recap\n\
                        $ uname -r\n<kernel release>\nred$ uname -r\n<kernel release>\n\
                        red$ date -s @$(date +%s)\n\
                        date: can't set date: Operation not permitted\n<date>\n\
                        VERSION_CODENAME=trixie\nDEBIAN_VERSION_FULL=<point release>\n\
                        BusyBox v1.37.0 (Debian <revision>) multi-call binary.\n";
        assert_eq!(normalize("recap", raw), expected);
    }
}
