//! What dockerd built, read back from the kernel of the host: the proof
//! that Docker's objects are the kernel objects the other chapters build
//! from syscalls.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::{Container, Engine};
use crate::link::Link;
use crate::narrate;

impl Engine {
    /// Which host veth is this container's? `cat /sys/class/net/eth0/iflink`
    /// inside the container prints the ifindex of eth0's peer (a veth knows
    /// its peer's index even across namespaces); the host device with that
    /// index is the other end. `docker` itself never tells.
    pub async fn host_veth_of(&self, container: &Container) -> Result<Link> {
        let iflink = self
            .exec(container, &["cat", "/sys/class/net/eth0/iflink"])
            .await?;
        let index: u32 = iflink
            .trim()
            .parse()
            .with_context(|| format!("read eth0's peer index in {}: {iflink:?}", container.name))?;
        let links = self.host.links().await?;
        let Some(veth) = links.iter().find(|link| link.index == index) else {
            bail!("no device with ifindex {index} on the host");
        };
        let master = veth
            .master
            .and_then(|m| links.iter().find(|link| link.index == m))
            .map(|m| format!(", master {}", m.name))
            .unwrap_or_default();
        let peer = veth
            .peer_index
            .map(|p| format!("@if{p}"))
            .unwrap_or_default();
        // What we read with netlink, said as a comment: `ip -o link` would
        // print the same device on one longer line (flags, qdisc, state).
        narrate::say(&format!(
            "the host's device with ifindex {index}, as `ip -o link | grep '^{index}:'` lists it:\n\
             {}{peer}, mtu {}{master}",
            veth.name, veth.mtu
        ));
        Ok(veth.clone())
    }

    /// The host's device `name`, its peer and its MAC, as `ip link show
    /// NAME` lists them, said as a comment (read with netlink).
    pub async fn show_host_link(&self, name: &str) -> Result<Link> {
        let links = self.host.links().await?;
        let Some(link) = links.iter().find(|link| link.name == name) else {
            bail!("there is no device named {name} on the host");
        };
        let peer = link
            .peer_index
            .and_then(|p| links.iter().find(|l| l.index == p))
            .map(|p| format!("@{}", p.name))
            .unwrap_or_default();
        narrate::say(&format!(
            "the host's {name}, as `ip link show {name}` lists it:\n\
             {}: {name}{peer}, mtu {}, link/ether {}",
            link.index,
            link.mtu,
            crate::show::mac(link.mac)
        ));
        Ok(link.clone())
    }

    /// `iptables-save -t nat | grep docker0`: the NAT rules dockerd keeps
    /// for docker0 and its subnet (on Debian 12, iptables-nft: they are
    /// nftables rules underneath, and `nft list ruleset` shows them too).
    /// Rules of other Docker networks on the machine are left out.
    pub fn show_nat_rules(&self) -> Result<Vec<String>> {
        self.show_nat_rules_of(&["docker0", "172.17."])
    }

    /// `iptables -L -n`: the filter table, as the lab lists it (`-n`: numbers,
    /// not names; without it iptables asks DNS for every address, which
    /// hangs where no DNS server answers). Run in the Docker host's
    /// namespace; what it prints, as it printed it.
    pub fn show_filter_rules(&self) -> Result<String> {
        narrate::command(&self.host, "iptables -L -n");
        let text = self.host.run(|| iptables("iptables", &["-L", "-n"]))?;
        narrate::output(text.trim_end());
        Ok(text)
    }

    /// `iptables-save -t nat | grep -e WORD ...`: Docker's NAT rules that
    /// name one of `words` (a bridge, a subnet).
    pub fn show_nat_rules_of(&self, words: &[&str]) -> Result<Vec<String>> {
        let greps: Vec<String> = words.iter().map(|word| format!("-e {word}")).collect();
        narrate::command(
            &self.host,
            &format!("iptables-save -t nat | grep {}", greps.join(" ")),
        );
        let rules: Vec<String> = self
            .host
            .run(docker_nat_rules)?
            .into_iter()
            .filter(|rule| words.iter().any(|word| rule.contains(word)))
            .collect();
        narrate::output(&rules.join("\n"));
        Ok(rules)
    }

    /// `wget -q -O - http://ADDRESS:PORT/` from the host: one HTTP request
    /// over a plain TCP socket, and the body of the answer.
    pub fn fetch(&self, address: &str, port: u16) -> Result<String> {
        narrate::command(
            &self.host,
            &format!("wget -q -O - http://{address}:{port}/"),
        );
        // The socket is made in the Docker host's namespace (ours, or a
        // private daemon's). `docker run` returns once the server process
        // started, maybe before it listens: a refused connection is tried
        // again, for 2 s.
        self.host.run(|| fetch_body(address, port))
    }
}

/// One `GET /` over TCP; the body of the answer.
fn fetch_body(address: &str, port: u16) -> Result<String> {
    let what = || format!("fetch http://{address}:{port}/");
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut stream = loop {
        match TcpStream::connect((address, port)) {
            Err(error)
                if error.kind() == ErrorKind::ConnectionRefused && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(50));
            }
            connected => break connected.with_context(what)?,
        }
    };
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .with_context(what)?;
    let request = format!("GET / HTTP/1.0\r\nHost: {address}:{port}\r\n\r\n");
    stream.write_all(request.as_bytes()).with_context(what)?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).with_context(what)?;
    // The body follows the first empty line.
    let Some((_, body)) = answer.split_once("\r\n\r\n") else {
        bail!("{}: no HTTP answer: {answer:?}", what());
    };
    narrate::output(body.trim_end());
    Ok(body.to_string())
}

/// The lines of `iptables-save -t nat` that Docker added, in the network
/// namespace of the calling thread: its DOCKER chain
/// and the masquerade rules for its subnets.
pub fn docker_nat_rules() -> Result<Vec<String>> {
    let text = iptables("iptables-save", &["-t", "nat"])?;
    Ok(text
        .lines()
        .filter(|line| line.starts_with("-A DOCKER") || line.contains("MASQUERADE"))
        .map(str::to_string)
        .collect())
}

/// Runs `program ARGS` (iptables or iptables-save) in the calling thread's
/// network namespace; what it printed, or why it failed.
fn iptables(program: &str, args: &[&str]) -> Result<String> {
    let line = format!("{program} {}", args.join(" "));
    let output = Command::new(program)
        .args(args)
        .output()
        .with_context(|| format!("run {line} (Debian: `sudo apt-get install iptables`)"))?;
    if !output.status.success() {
        bail!(
            "{line} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
