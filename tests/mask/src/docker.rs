//! What a real Docker Engine makes different on every run: ids, tokens,
//! random veth names, the host's nameservers, and ifindexes.

use std::sync::LazyLock;

use regex::Regex;

/// What a real Docker Engine makes different on every run, in the
/// `docker_*` examples only (the others' namespaces are new every run, so
/// their ifindexes are stable; the machine's namespace is not).
pub(super) fn normalize_docker(example: &str, text: &str) -> String {
    static RULES: LazyLock<Vec<(Regex, &str)>> = LazyLock::new(|| {
        [
            // The temporary file `sed -i` could not rename over /etc/hosts.
            (r"'/etc/hosts[A-Za-z0-9]{6}'", "'/etc/hosts<tmp>'"),
            // When the Engine made an object (`docker network inspect`).
            (r#""Created": "[0-9T:.Z+-]+""#, r#""Created": "<time>""#),
            // A swarm's join token: its secret part differs every time.
            (r"\bSWMTKN-1-[0-9a-z]+-[0-9a-z]+\b", "SWMTKN-1-<token>"),
            // Container, network and swarm object ids, in full.
            (r"\b[0-9a-f]{64}\b", "<id>"),
            // Short ids at the start of a `docker network ls` row (a swarm
            // network's in letters and digits).
            (r"^[0-9a-z]{12}(   \S)", "<id>        $1"),
            // Short ids elsewhere: a container's hostname, in /etc/hosts.
            (r"\b[0-9a-f]{12}\b", "<id>"),
            // dockerd names the host end of a container's veth randomly.
            (r"\bveth[0-9a-f]{7}\b", "veth<id>"),
            // Engine 28's resolv.conf names the machine's nameservers in a comment.
            (r"# ExtServers: \[.*\]$", "# ExtServers: [<the host's>]"),
            // busybox ping's summary line.
            (r"min/avg/max = [0-9./]+ ms", "min/avg/max = <rtt> ms"),
            // Swarm ids (node, swarm-scoped network): 25 letters and digits.
            (r"\b[0-9a-z]{25}\b", "<id>"),
        ]
        .into_iter()
        .map(|(pattern, replacement)| (Regex::new(&format!("(?m){pattern}")).unwrap(), replacement))
        .collect()
    });
    // Interface indexes in the machine's namespace grow from run to run;
    // number them in order of appearance, so that `eth0@if<ifindex-2>` and
    // `<ifindex-2>: veth<id>` still show the pair.
    static IFINDEX: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?m)^(\d+)(: (?:eth\d|veth|netlab-))|(@if)(\d+)|(grep '\^)(\d+)|(/iflink\n)(\d+)$",
        )
        .unwrap()
    });
    let mut text = text.to_string();
    for (pattern, replacement) in RULES.iter() {
        text = pattern.replace_all(&text, *replacement).into_owned();
    }
    // On the default bridge, a container's resolv.conf is the machine's:
    // its nameservers and search domains are the reader's, not the book's.
    // (127.0.0.11, Docker's embedded DNS server, stays.)
    static RESOLV: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?m)^(nameserver|search) (.*)\n").unwrap());
    let mut last = String::new();
    text = RESOLV
        .replace_all(&text, |c: &regex::Captures| {
            if &c[2] == "127.0.0.11" {
                return c[0].to_string();
            }
            let line = format!("{} <the host's>\n", &c[1]);
            // The host may list one nameserver or three: show one line.
            if line == last {
                return String::new();
            }
            last = line.clone();
            line
        })
        .into_owned();
    // On docker_gwbridge, a container and an endpoint of Docker's own take
    // .2 and .3 in either order, from run to run.
    if example == "docker_overlay" {
        static GWBRIDGE: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"inet 172\.18\.0\.\d+/16").unwrap());
        text = GWBRIDGE
            .replace_all(&text, "inet 172.18.0.<n>/16")
            .into_owned();
    }
    let mut seen: Vec<String> = Vec::new();
    IFINDEX
        .replace_all(&text, |c: &regex::Captures| {
            // Which alternative matched: (number, text before it, text after it).
            let (number, before, after) = match (c.get(1), c.get(4), c.get(6), c.get(8)) {
                (Some(n), ..) => (n.as_str(), "", &c[2]),
                (_, Some(n), ..) => (n.as_str(), &c[3], ""),
                (_, _, Some(n), _) => (n.as_str(), &c[5], ""),
                (_, _, _, Some(n)) => (n.as_str(), &c[7], ""),
                _ => unreachable!("one alternative matched"),
            };
            // Two Docker hosts number their devices each on its own, in an
            // order that depends on timing: no pairing to show, only that
            // there is an index.
            if example == "docker_overlay" {
                return format!("{before}<ifindex>{after}");
            }
            let position = seen.iter().position(|s| s == number).unwrap_or_else(|| {
                seen.push(number.to_string());
                seen.len() - 1
            });
            format!("{before}<ifindex-{}>{after}", position + 1)
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use crate::normalize;

    #[test]
    fn masks_what_a_docker_engine_changes_and_pairs_ifindexes() {
        let raw = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n\
                   6: eth0@if7: <BROADCAST> mtu 1500\n\
                   red$ cat /sys/class/net/eth0/iflink\n7\n\
                   host$ ip -o link | grep '^7:'\n7: veth00af412@if6: mtu 1500\n\
                   515e4ab2203b   bridge    bridge    local\n\
                   round-trip min/avg/max = 0.098/0.098/0.098 ms\n\
                   172.17.0.2\tf0204b9fe91a\n\
                   nameserver 10.255.255.53\nnameserver 10.0.0.53\nnameserver 127.0.0.11\n";
        let expected = "$ cargo run --example docker_bridge\n<id>\n\
                        <ifindex-1>: eth0@if<ifindex-2>: <BROADCAST> mtu 1500\n\
                        red$ cat /sys/class/net/eth0/iflink\n<ifindex-2>\n\
                        host$ ip -o link | grep '^<ifindex-2>:'\n\
                        <ifindex-2>: veth<id>@if<ifindex-1>: mtu 1500\n\
                        <id>           bridge    bridge    local\n\
                        round-trip min/avg/max = <rtt> ms\n\
                        172.17.0.2\t<id>\n\
                        nameserver <the host's>\nnameserver 127.0.0.11\n";
        assert_eq!(normalize("docker_bridge", raw), expected);
        // Docker's MACs made from a container's address stay; random ones go.
        let macs = "02:42:ac:11:00:02 02:42:c0:a8:14:03 02:42:4b:de:de:3f 3e:c6:99:3d:59:4f";
        assert_eq!(
            normalize("docker_macvlan", macs),
            "$ cargo run --example docker_macvlan\n02:42:ac:11:00:02 02:42:c0:a8:14:03 <mac> <mac>"
        );
        // The same rule for every example (overlay and macvlan set such MACs).
        assert!(
            normalize("bridge", macs).ends_with("02:42:ac:11:00:02 02:42:c0:a8:14:03 <mac> <mac>")
        );
        // The other examples keep their (stable) ifindexes.
        assert!(normalize("bridge", "6: eth0@if7:").contains("6: eth0@if7:"));
    }
}
