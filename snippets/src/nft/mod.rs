//! `nft`: the few nftables rules the lab needs, the way Docker's iptables
//! rules do port publishing and NAT.
//!
//! The kernel's firewall is nftables; `iptables` on Debian 12 is
//! `iptables-nft`, which stores its rules as nftables rules too. We speak to
//! it through Debian's `nft` program: every verb here builds one command,
//! the `nft` command narrated in the transcript, and hands nft exactly that
//! text (`nft -f -`, the command on its standard input).
//!
//! A firewall belongs to a network namespace, like links and routes. `nft`
//! changes the namespace it runs in, and a child process starts in the
//! namespace of the thread that started it: so we start `nft` from a thread
//! inside the lab's namespace ([`Netns::run`]). In a rootless run that child
//! is in our user namespace too, root over the lab's namespaces only.
//!
//! Only the IPv4 family (`ip`), as Docker's default bridge, and only what
//! the chapters use: NAT and filter chains (here), and rules (`rule.rs`)
//! of matches on addresses, interfaces, ports, TCP flags and conntrack's
//! tuples, `dnat`, `masquerade`, `jump`, `return`, `counter`, and `meta
//! nftrace set 1`, which `nft monitor trace` (`trace.rs`) follows; and
//! the `netdev` family's chains on one device (`netdev.rs`).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result};
use nix::errno::Errno;

use crate::error::errno_error;
use crate::{Netns, narrate};

mod netdev;
mod rule;
mod trace;

pub use netdev::NetdevHook;
pub use rule::{
    Stmt, counter, ct_original_proto_dst, ct_original_saddr, dnat_to, fib_daddr_type_local,
    icmp_echo_request, iifname, iifname_not, ip_daddr_not, ip_saddr, jump, masquerade, nftrace,
    oifname_not, ret, tcp_dport, tcp_flags_syn, udp_dport,
};
pub use trace::{Report, Trace, TraceLine};

/// Where a base chain hooks into the kernel's path of a packet.
#[derive(Clone, Copy, Debug)]
pub enum Hook {
    /// Packets that arrive, before the routing decision: DNAT goes here.
    Prerouting,
    /// Packets routed from one device to another, after the routing decision.
    Forward,
    /// Packets this host's own programs send.
    Output,
    /// Every packet about to leave, after routing: SNAT and masquerade.
    Postrouting,
}

impl Hook {
    /// The hook's name in nft's words.
    fn name(self) -> &'static str {
        match self {
            Hook::Prerouting => "prerouting",
            Hook::Forward => "forward",
            Hook::Output => "output",
            Hook::Postrouting => "postrouting",
        }
    }

    /// The priority iptables' nat table uses at this hook. `dstnat` (-100)
    /// and `srcnat` (100) are nft's names for them; nft has no name for
    /// -100 at the output hook. (There is no NAT at forward.)
    fn nat_priority(self) -> i32 {
        match self {
            Hook::Prerouting | Hook::Output => -100,
            Hook::Forward => 0,
            Hook::Postrouting => 100,
        }
    }

    /// A priority as `nft list` prints it: by its name where nft has one
    /// at this hook (`mangle` is -150, `filter` 0), else as a number.
    fn priority_name(self, priority: i32) -> String {
        let name = match (self, priority) {
            (_, -300) => "raw",
            (_, -150) => "mangle",
            (Hook::Prerouting, -100) => "dstnat",
            (_, 0) => "filter",
            (_, 50) => "security",
            (Hook::Postrouting, 100) => "srcnat",
            _ => return priority.to_string(),
        };
        name.to_string()
    }
}

impl Netns {
    /// `nft add table ip TABLE`: a table is a namespace for chains.
    pub fn add_table(&self, table: &str) -> Result<()> {
        self.nft(&format!("add table ip {table}"))
    }

    /// `nft add chain ip TABLE CHAIN '{ type nat hook HOOK priority P; }'`:
    /// a base chain, which the kernel calls for every packet at its hook.
    /// NAT chains see only the first packet of each connection: conntrack
    /// applies the same translation to the rest, and undoes it on replies.
    pub fn add_nat_chain(&self, table: &str, chain: &str, hook: Hook) -> Result<()> {
        self.add_base_chain(table, chain, "nat", hook, hook.nat_priority())
    }

    /// `nft add chain ip TABLE CHAIN '{ type filter hook HOOK priority P; }'`:
    /// a base chain for rules that look at packets, let them pass or drop
    /// them. Chains at one hook run in the order of their priorities,
    /// lowest first, whatever their table.
    pub fn add_filter_chain(
        &self,
        table: &str,
        chain: &str,
        hook: Hook,
        priority: i32,
    ) -> Result<()> {
        self.add_base_chain(table, chain, "filter", hook, priority)
    }

    fn add_base_chain(
        &self,
        table: &str,
        chain: &str,
        kind: &str,
        hook: Hook,
        priority: i32,
    ) -> Result<()> {
        let (hook_name, priority_name) = (hook.name(), hook.priority_name(priority));
        let spec = format!("type {kind} hook {hook_name} priority {priority_name}; policy accept;");
        self.nft(&format!("add chain ip {table} {chain} '{{ {spec} }}'"))
    }

    /// `nft add chain ip TABLE CHAIN`: a regular chain, which runs only when
    /// a rule jumps to it (as iptables' `DOCKER` chain).
    pub fn add_chain(&self, table: &str, chain: &str) -> Result<()> {
        self.nft(&format!("add chain ip {table} {chain}"))
    }

    /// `nft list ruleset`: every table of this namespace, as nft prints it
    /// (this is nft's own output, not a rendering of ours).
    pub fn list_ruleset(&self) -> Result<String> {
        self.nft_list("list ruleset")
    }

    /// `nft list chain ip TABLE CHAIN`: one chain, with its counters.
    pub fn list_chain(&self, table: &str, chain: &str) -> Result<String> {
        self.nft_list(&format!("list chain ip {table} {chain}"))
    }

    /// `nft COMMAND`, as the shell line the transcript shows; nft reads the
    /// same command from its standard input (`nft -f -`), where the shell's
    /// single quotes are not needed: they only keep `"`, `;` and `!` from
    /// the shell.
    fn nft(&self, command: &str) -> Result<()> {
        narrate::command(self, &format!("nft {command}"));
        let unquoted = command.replace('\'', "");
        self.run_nft(command, &["-f", "-"], &unquoted).map(drop)
    }

    fn nft_list(&self, command: &str) -> Result<String> {
        narrate::command(self, &format!("nft {command}"));
        let args: Vec<&str> = command.split(' ').collect();
        let text = self.run_nft(command, &args, "")?;
        narrate::output(text.trim_end());
        Ok(text)
    }

    /// Runs `nft ARGS`, with `input` on its stdin, from a thread inside this
    /// namespace, and returns what it printed. (The crate's own helper lets
    /// nft's error messages go to our stderr; we keep them for the error.)
    fn run_nft(&self, command: &str, args: &[&str], input: &str) -> Result<String> {
        let program = nft_program()?;
        let output = self.run(|| {
            let mut child = Command::new(&program)
                .args(args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .with_context(|| format!("start {program} in {}", self.name))?;
            let mut stdin = child.stdin.take().context("nft's stdin")?;
            stdin.write_all(input.as_bytes()).context("write to nft")?;
            drop(stdin);
            child.wait_with_output().context("wait for nft")
        })?;
        if !output.status.success() {
            let message = String::from_utf8_lossy(&output.stderr).trim().to_string();
            // Without CAP_NET_ADMIN: keep the errno, for its hint.
            let error = if message.contains("Operation not permitted") {
                errno_error(Errno::EPERM).context(message)
            } else {
                anyhow::anyhow!(message)
            };
            return Err(error.context(format!("nft {command} in {}", self.name)));
        }
        String::from_utf8(output.stdout).context("read nft's output")
    }
}

/// Where `nft` is. It lives in /usr/sbin, which an ordinary user's PATH
/// often lacks (rootless runs need it all the same).
fn nft_program() -> Result<String> {
    let path = std::env::var("PATH").unwrap_or_default();
    let dirs = path.split(':').chain(["/usr/sbin", "/sbin"]);
    dirs.map(|dir| Path::new(dir).join("nft"))
        .find(|candidate| candidate.is_file())
        .map(|found| found.to_string_lossy().into_owned())
        .context("find the nft program: install Debian's nftables package (apt install nftables)")
}
