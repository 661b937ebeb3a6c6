//! A lab: the namespaces one example builds, and the program around them.
//!
//! - this file: [`Lab`], which makes the lab's namespaces (the host, the
//!   containers, the other machines) and holds them until the program ends;
//!   and what it reads back from the kernel: its topology and picture.
//! - [`cli`]: [`run`](cli::run), every example's `main`: the command line
//!   (`--keep`, `--check`, `--topology`, an example's own flags), the
//!   runtime, errors and exit codes.
//! - [`lan`]: the LAN the MACVLAN and IPvlan chapters plug their host into
//!   (a switch, a router at .1, the host's `eth0` at .200).
//! - `userns`: the user namespace a rootless run enters first.
//! - [`check`]: the chapter's claims, enforced, or reported with `--check`.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};

use crate::observe::topology::Topology;
use crate::{Netns, narrate, observe};
use check::Claims;

pub mod check;
pub mod cli;
pub mod lan;
mod userns;

/// The namespaces of one run. Dropping them (when the process ends, however
/// it ends) is the whole teardown: the kernel frees a namespace, and every
/// device in it, once nothing refers to it.
pub struct Lab {
    example: String,
    rootless: bool,
    namespaces: Mutex<Vec<Netns>>,
    /// The values of the example's own flags (see `cli`).
    flags: crate::cli::Given,
    /// `--check`: how the claims went.
    claims: Claims,
    /// `--topology FILE.svg`: where to draw the lab, and whether it was.
    picture: Option<PathBuf>,
    drawn: AtomicBool,
    /// Whether the example skipped its lab ([`Lab::skip`]).
    skipped: AtomicBool,
    /// The claims about the lab's state ([`Lab::claim_state`]), which
    /// `--keep` can check again once you have changed the lab.
    state_claims: Mutex<Vec<(String, StateCheck)>>,
}

/// A claim about what the kernel holds, as a question to ask the lab's
/// topology: asked when the example states it, and again on demand.
type StateCheck = Box<dyn Fn(&Topology) -> bool + Send + Sync>;

impl Lab {
    /// A lab with no namespaces yet. Examples get theirs from
    /// [`run`](cli::run); benchmarks and tests make their own.
    pub fn new(example: &str) -> Lab {
        Lab {
            example: example.to_string(),
            rootless: false,
            namespaces: Mutex::new(Vec::new()),
            flags: crate::cli::Given::default(),
            claims: Claims::default(),
            picture: None,
            drawn: AtomicBool::new(false),
            skipped: AtomicBool::new(false),
            state_claims: Mutex::new(Vec::new()),
        }
    }

    /// The example's name, `bridge`.
    pub fn name(&self) -> &str {
        &self.example
    }

    /// The namespaces made so far, in the order they were made.
    pub fn namespaces(&self) -> Vec<Netns> {
        self.namespaces
            .lock()
            .expect("no panics while held")
            .clone()
    }

    /// A namespace playing the Docker host. It stands in for your machine,
    /// which this lab never changes. Its loopback device is up, as on any
    /// host. Like the containers, it is IPv4 only, as the book's networks
    /// are: with IPv6 on, the kernel gives every device that comes up a
    /// link-local `fe80::` address, probes it for a second (`tentative` in
    /// `ip a`) and sends neighbour discovery of its own, none of which the
    /// lab asked for.
    pub async fn host(&self) -> Result<Netns> {
        narrate::say(
            "host: a new network namespace that plays the Docker host (yours is untouched)",
        );
        self.add_ipv4_only("host").await
    }

    /// A namespace for a container, as `docker run` makes one: empty but
    /// for a loopback device, which Docker brings up. Docker's default
    /// network is IPv4 only, and so is ours: with IPv6 off, the container
    /// sends nothing until we make it (no IPv6 neighbour discovery), so what
    /// the bridge learns comes only from the traffic the lab makes.
    pub async fn container(&self, name: &str) -> Result<Netns> {
        narrate::say(&format!(
            "{name}: a new network namespace for a container, as `docker run` makes"
        ));
        self.add_ipv4_only(name).await
    }

    /// `docker run --network host --hostname NAME`: a container that gets
    /// no network namespace at all. It keeps the host's, with every device,
    /// address, route and port there; what it gets of its own is a mount
    /// namespace (its own `/etc/hostname`) and a UTS namespace (its own
    /// hostname), as Docker gives it. In the lab it is one more name for the
    /// host's namespace: `--shell NAME` enters that, with its own files.
    pub async fn host_network(&self, host: &Netns, name: &str) -> Result<Netns> {
        narrate::say(&format!(
            "{name}: no network namespace of its own, the host's; a mount and a UTS namespace of its own"
        ));
        let container = host.same_namespace(name);
        container.mount_etc(Some(name), &[("hostname", &format!("{name}\n"))])?;
        self.namespaces
            .lock()
            .expect("no panics while held")
            .push(container.clone());
        Ok(container)
    }

    /// A namespace playing another machine of the lab (`host1`, `outside`,
    /// the LAN's router; `role` says which, in the transcript): loopback up
    /// and, as in a container, IPv4 only, so it sends nothing the lab did
    /// not ask for.
    pub async fn machine(&self, name: &str, role: &str) -> Result<Netns> {
        narrate::say(&format!(
            "{name}: a new network namespace that plays {role}"
        ));
        self.add_ipv4_only(name).await
    }

    /// `unshare -n`: a new network namespace exactly as the kernel makes it.
    pub async fn unshare(&self, from: &Netns, name: &str) -> Result<Netns> {
        narrate::command(
            from,
            &format!("unshare -n /bin/bash    # the new shell's prompt: {name}$"),
        );
        self.add(name).await
    }

    /// A comment in the transcript.
    pub fn say(&self, text: &str) {
        narrate::say(text);
    }

    /// The example cannot run on this machine (its kernel lacks a driver):
    /// one line that says why, as a comment in the transcript, or in a
    /// `--check` run as `SKIP ...`, so that "0 claims" comes with its
    /// reason. The example then returns; `--keep` and `--shell` have no
    /// lab to show, and say so.
    pub fn skip(&self, why: &str) {
        self.skipped.store(true, Ordering::Relaxed);
        if self.claims.is_checking() {
            println!("SKIP {why}");
        } else {
            narrate::say(why);
        }
    }

    /// A claim the chapter makes, and whether it held on this run: a false
    /// one stops the example, or with `--check` is reported (see [`check`]).
    ///
    /// ```ignore
    /// lab.claim("red reaches blue across docker0", red.ping(blue_ip)?)?;
    /// ```
    pub fn claim(&self, claim: &str, holds: bool) -> Result<()> {
        self.claims.record(claim, holds)
    }

    /// A claim about the lab's state, a question `check` asks of its
    /// topology as the kernel reports it (`seen.master("host", "veth-red")
    /// == Some("docker0")`): checked now, like [`Lab::claim`], and kept, so
    /// that `--keep` can check it again after you changed something.
    pub async fn claim_state(
        &self,
        claim: &str,
        check: impl Fn(&Topology) -> bool + Send + Sync + 'static,
    ) -> Result<()> {
        let holds = check(&self.topology().await?);
        self.state_claims
            .lock()
            .expect("no panics while held")
            .push((claim.to_string(), Box::new(check)));
        self.claims.record(claim, holds)
    }

    /// The state claims again, against the lab as it is now: a `PASS` or
    /// `FAIL` line each (`check`, typed while `--keep` waits).
    pub(crate) async fn check_state_again(&self) -> Result<()> {
        let seen = self.topology().await?;
        let claims = self.state_claims.lock().expect("no panics while held");
        for (claim, check) in claims.iter() {
            let verdict = if check(&seen) { "PASS" } else { "FAIL" };
            println!("{verdict} {claim}");
        }
        Ok(())
    }

    /// Reads the live state of every namespace of this lab.
    pub async fn topology(&self) -> Result<Topology> {
        observe::read(&self.namespaces()).await
    }

    /// Draws the lab as the kernel reports it right now, when the example
    /// was run with `--topology FILE.svg`; otherwise does nothing. Call it
    /// where the topology is complete. An example that never calls it is
    /// drawn as it is when it ends; one that made no namespace (it skipped
    /// its lab) is not drawn.
    pub async fn picture(&self) -> Result<()> {
        let Some(path) = &self.picture else {
            return Ok(());
        };
        if self.namespaces().is_empty() {
            return Ok(());
        }
        let svg = observe::svg::render(self.name(), &self.topology().await?);
        std::fs::write(path, svg)
            .with_context(|| format!("write the topology picture to {}", path.display()))?;
        self.drawn.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Draws nothing for this lab, even with `--topology`: for an example
    /// whose story is not its network (the picture would show boxes with
    /// `lo` only).
    pub fn without_picture(&self) {
        self.drawn.store(true, Ordering::Relaxed);
    }

    async fn add(&self, name: &str) -> Result<Netns> {
        let netns = Netns::new(name).await?;
        self.namespaces
            .lock()
            .expect("no panics while held")
            .push(netns.clone());
        Ok(netns)
    }

    /// A new namespace with IPv6 off and loopback up.
    async fn add_ipv4_only(&self, name: &str) -> Result<Netns> {
        let netns = self.add(name).await?;
        netns.sysctl("net.ipv6.conf.default.disable_ipv6", "1")?;
        netns.set_up("lo").await?;
        Ok(netns)
    }
}
