//! The firewall rules dockerd writes, read back from the Docker host's
//! kernel (`iptables-save`, in its network namespace), and the chapter's
//! claims about them, per Engine version.
//!
//! The rules come from moby's bridge driver: `setupIPForwarding` (the
//! FORWARD policy), and in Engine 28 the `iptabler` package
//! (libnetwork/drivers/bridge/internal/iptabler: `setDefaultForwardRule`,
//! `setPerPortNAT`, `filterDirectAccess`); in Engine 20.10,
//! libnetwork/drivers/bridge/setup_ip_tables.go and link.go.

use anyhow::{Context, Result, bail};

use super::{Engine, Forwarding};
use netlab::narrate;

impl Engine {
    /// `iptables-save -t TABLE` in the Docker host's namespace, not in the
    /// transcript: the table's rules and policies, one a line.
    pub fn rules(&self, table: &str) -> Result<Vec<String>> {
        let text = self
            .host
            .run(|| iptables("iptables-save", &["-t", table]))?;
        Ok(text
            .lines()
            .filter(|line| line.starts_with("-A ") || line.starts_with(':'))
            .map(str::to_string)
            .collect())
    }

    /// `iptables -L -n`: the filter table, as the lab lists it (`-n`: numbers,
    /// not names; without it iptables asks DNS for every address, which
    /// hangs where no DNS server answers). What it printed, as it printed it.
    pub fn show_filter_rules(&self) -> Result<String> {
        narrate::command(&self.host, "iptables -L -n");
        let text = self.host.run(|| iptables("iptables", &["-L", "-n"]))?;
        narrate::output(text.trim_end());
        Ok(text)
    }

    /// `iptables-save -t nat | grep -e docker0 -e 172.17.`: the NAT rules of
    /// docker0 and its subnet (rules of other Docker networks on the
    /// machine are left out). On Debian 12, iptables-nft: nftables rules
    /// underneath, and `nft list ruleset` shows them too.
    pub fn show_nat_rules(&self) -> Result<Vec<String>> {
        self.show_nat_rules_of(&["docker0", "172.17."])
    }

    /// `iptables-save -t nat | grep -e WORD ...`: the NAT rules that name one
    /// of `words` (a bridge, a subnet), as grep picks them.
    pub fn show_nat_rules_of(&self, words: &[&str]) -> Result<Vec<String>> {
        let greps: Vec<String> = words.iter().map(|word| format!("-e {word}")).collect();
        narrate::command(
            &self.host,
            &format!("iptables-save -t nat | grep {}", greps.join(" ")),
        );
        let text = self
            .host
            .run(|| iptables("iptables-save", &["-t", "nat"]))?;
        let rules: Vec<String> = text
            .lines()
            .filter(|line| words.iter().any(|word| grep_matches(line, word)))
            .map(str::to_string)
            .collect();
        narrate::output(&rules.join("\n"));
        Ok(rules)
    }

    /// `sysctl net.ipv4.ip_forward` in the Docker host's namespace.
    pub fn ip_forward(&self) -> Result<bool> {
        let value = self.host.run(|| {
            std::fs::read_to_string("/proc/sys/net/ipv4/ip_forward")
                .context("read /proc/sys/net/ipv4/ip_forward")
        })?;
        Ok(value.trim() == "1")
    }

    /// The claims about forwarding: dockerd turned it on, and set FORWARD's
    /// policy by what it found (moby `setupIPForwarding`: DROP only if it
    /// had to turn forwarding on itself). Your Engine started before this
    /// run, so what it found is not known here: only the first claim.
    pub fn claim_forwarding(&self) -> Result<()> {
        self.claim(
            "dockerd turned IPv4 forwarding on in the Docker host's namespace \
             (net.ipv4.ip_forward = 1): without it, docker0's containers could not reach out",
            self.ip_forward()?,
        )?;
        let filter = self.rules("filter")?;
        let policy = |target: &str| {
            let line = format!(":FORWARD {target} ");
            filter.iter().any(|l| l.starts_with(&line))
        };
        let forward: Vec<&str> = filter
            .iter()
            .filter(|l| l.starts_with("-A FORWARD "))
            .map(String::as_str)
            .collect();
        if self.major() >= 28 {
            self.claim(
                "Engine 28's FORWARD chain only jumps, to DOCKER-USER (yours) and then to \
                 DOCKER-FORWARD, which holds Docker's rules in chains of its own",
                forward.starts_with(&["-A FORWARD -j DOCKER-USER", "-A FORWARD -j DOCKER-FORWARD"]),
            )?;
        } else {
            self.claim(
                "Engine 20.10 puts its rules straight into FORWARD, after a jump to DOCKER-USER: \
                 -A FORWARD -o docker0 -j DOCKER sends what goes into docker0 to the DOCKER chain",
                forward.first() == Some(&"-A FORWARD -j DOCKER-USER")
                    && forward.contains(&"-A FORWARD -o docker0 -j DOCKER"),
            )?;
        }
        match self.session.forwarding {
            Some(Forwarding::Fresh) => self.claim(
                "forwarding was off when dockerd started, as on a fresh machine, so dockerd \
                 set the FORWARD policy to DROP: Chain FORWARD (policy DROP)",
                policy("DROP"),
            ),
            Some(Forwarding::AlreadyOn) => self.claim(
                "forwarding was on already when dockerd started (another Docker, a VM host or \
                 a router had turned it on), so dockerd left the FORWARD policy as it was: \
                 Chain FORWARD (policy ACCEPT)",
                policy("ACCEPT"),
            ),
            None => Ok(()),
        }
    }

    /// The claims about the rules that `docker run -p HOST:PORT` added for
    /// the container at `address`, by Engine version.
    pub fn claim_published(&self, address: &str, host_port: u16, port: u16) -> Result<()> {
        let nat = self.rules("nat")?;
        let filter = self.rules("filter")?;
        let raw = self.rules("raw")?;
        let has = |rules: &[String], rule: &str| rules.iter().any(|line| line == rule);
        let dnat = format!(
            "-A DOCKER ! -i docker0 -p tcp -m tcp --dport {host_port} -j DNAT --to-destination {address}:{port}"
        );
        self.claim(
            &format!("publishing {host_port} added the nat rule {dnat}"),
            has(&nat, &dnat),
        )?;
        let accept = format!(
            "-A DOCKER -d {address}/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport {port} -j ACCEPT"
        );
        self.claim(
            &format!(
                "and the filter rule {accept}: it lets the rewritten connections be forwarded into docker0"
            ),
            has(&filter, &accept),
        )?;
        let hairpin = format!(
            "-A POSTROUTING -s {address}/32 -d {address}/32 -p tcp -m tcp --dport {port} -j MASQUERADE"
        );
        let direct = format!("-A PREROUTING -d {address}/32 ! -i docker0 -j DROP");
        let drop = "-A DOCKER ! -i docker0 -o docker0 -j DROP";
        if self.major() >= 28 {
            self.claim(
                &format!(
                    "Engine 28 adds no hairpin masquerade ({hairpin}): with the userland proxy, \
                     the default, it would never match"
                ),
                !has(&nat, &hairpin),
            )?;
            self.claim(
                &format!(
                    "Engine 28 ends the filter DOCKER chain with {drop}: from outside docker0 only \
                     published ports get in, whatever FORWARD's policy (iptables -L -n shows it as \
                     a bare DROP: without -v it hides the interfaces)"
                ),
                filter
                    .iter()
                    .rfind(|l| l.starts_with("-A DOCKER "))
                    .map(String::as_str)
                    == Some(drop),
            )?;
            self.claim(
                &format!(
                    "Engine 28 adds {direct} to the raw table: a packet for the container's own \
                     address that arrives on any device but docker0 is dropped before routing"
                ),
                has(&raw, &direct),
            )
        } else {
            self.claim(
                &format!(
                    "Engine 20.10 adds the hairpin masquerade {hairpin}, which only \
                     --userland-proxy=false would need"
                ),
                has(&nat, &hairpin),
            )?;
            self.claim(
                "Engine 20.10's filter DOCKER chain has no DROP of its own: what it does not \
                 accept goes back to FORWARD, whose policy decides",
                !filter
                    .iter()
                    .any(|l| l.starts_with("-A DOCKER ") && l.ends_with("-j DROP")),
            )?;
            self.claim(
                "Engine 20.10 adds nothing to the raw table",
                !raw.iter().any(|l| l.starts_with("-A ")),
            )
        }
    }

    /// The Engine's major version: 28 for `28.5.2+dfsg4`, 20 for
    /// `20.10.24+dfsg1` (known once [`Engine::show_version`] has run).
    pub fn major(&self) -> u32 {
        self.version
            .get()
            .and_then(|version| version.split('.').next())
            .and_then(|major| major.parse().ok())
            .unwrap_or(0)
    }
}

/// Whether `grep -e WORD` picks `line`: WORD is a basic regular expression,
/// in which `.` stands for any character (the lab's patterns have no other
/// special character).
fn grep_matches(line: &str, word: &str) -> bool {
    let pattern: Vec<char> = word.chars().collect();
    let text: Vec<char> = line.chars().collect();
    (0..=text.len().saturating_sub(pattern.len())).any(|start| {
        text.len() >= pattern.len()
            && pattern
                .iter()
                .zip(&text[start..])
                .all(|(p, t)| *p == '.' || p == t)
    })
}

/// Runs `program ARGS` (iptables or iptables-save) in the calling thread's
/// network namespace; what it printed, or why it failed.
pub(crate) fn iptables(program: &str, args: &[&str]) -> Result<String> {
    let line = format!("{program} {}", args.join(" "));
    let output = std::process::Command::new(program)
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

#[cfg(test)]
mod tests {
    use super::grep_matches;

    #[test]
    fn a_dot_in_a_grep_pattern_is_any_character() {
        assert!(grep_matches(
            "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0",
            "172.17."
        ));
        assert!(grep_matches("-s 172x17y0.0/16", "172.17."));
        assert!(!grep_matches("-A DOCKER -i br-1 -j RETURN", "docker0"));
        assert!(!grep_matches("", "docker0"));
    }
}
