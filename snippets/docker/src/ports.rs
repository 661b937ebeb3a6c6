//! The ports a swarm needs between its machines, checked before the lab
//! makes anything.
//!
//! Docker's documentation lists them: TCP 2377 to the managers (joining,
//! and the swarm's control: tasks, heartbeats), TCP and UDP 7946 between
//! all nodes (the gossip that tells each node where every container is),
//! and UDP 4789 between all nodes (VXLAN: the overlay's own packets). A
//! firewall that drops one of them breaks the swarm in a way that says
//! little: a join that hangs, a name that never resolves, a ping that gets
//! no answer. So each side checks first:
//!
//! - the manager, before `docker swarm init`: the four ports are free on
//!   its address (no other program, swarm or VXLAN device holds them);
//! - the worker, before `docker swarm join`: the path, both ways. TCP is
//!   easy: a connection to the manager's 2377 and 7946 is made or not. UDP
//!   is not: nothing answers a datagram that arrived, so a drop looks like
//!   a success. Hence the manager's run answers the worker's probes itself
//!   (`probe.rs`), from behind its own firewall, and connects back to the
//!   worker's TCP 7946: each answer that comes back proves one port open in
//!   both directions, through both machines' firewalls and all between.

use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use netlab::error::unavailable;
use netlab::narrate;

use super::probe::{ANSWER, PROBE};
pub use super::probe::{Answering, answer_probes};

/// What a swarm needs open between its machines, and what for.
pub const SWARM_PORTS: [(Proto, u16, &str); 4] = [
    (
        Proto::Tcp,
        2377,
        "the swarm's control: joining, tasks, heartbeats",
    ),
    (Proto::Tcp, 7946, "gossip: which node has which container"),
    (Proto::Udp, 7946, "gossip"),
    (Proto::Udp, 4789, "VXLAN: the overlay's packets"),
];

/// How long a check waits for an answer.
const WAIT: Duration = Duration::from_secs(3);

/// A transport protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    Tcp,
    Udp,
}

impl std::fmt::Display for Proto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Proto::Tcp => "TCP",
            Proto::Udp => "UDP",
        })
    }
}

/// On the manager, before `docker swarm init`: binds each of the four
/// ports on `address` and lets it go again. One that is taken is named
/// (exit 69): another swarm, or a VXLAN device on 4789 (`ip -d link show
/// type vxlan` lists them).
pub fn check_free(address: Ipv4Addr) -> Result<()> {
    let mut taken = Vec::new();
    for (proto, port, _) in SWARM_PORTS {
        let bound = match proto {
            Proto::Tcp => TcpListener::bind((address, port)).map(drop),
            Proto::Udp => UdpSocket::bind((address, port)).map(drop),
        };
        match bound {
            Ok(()) => {}
            Err(error) if error.kind() == ErrorKind::AddrInUse => {
                taken.push(format!("{proto} {port}"))
            }
            Err(error) => {
                return Err(error).with_context(|| format!("bind {proto} {address}:{port}"));
            }
        }
    }
    let list: Vec<String> = SWARM_PORTS
        .iter()
        .map(|(p, n, _)| format!("{p} {n}"))
        .collect();
    if taken.is_empty() {
        narrate::say(&format!(
            "the ports a swarm needs are free on {address}: {}",
            list.join(", ")
        ));
        return Ok(());
    }
    Err(unavailable(format!(
        "{} taken on {address} by another program (another swarm? a VXLAN device, for UDP \
         4789?): `ss -tulpn` names it; nothing was made",
        taken.join(", ")
    )))
}

/// On the worker, before `docker swarm join`: what the network between
/// `local` (this machine) and `manager` lets through, one line per port
/// and direction; a blocked one is an error that names it (exit 69).
pub async fn check_path(local: Ipv4Addr, manager: Ipv4Addr) -> Result<()> {
    narrate::say(&format!(
        "the ports a swarm needs between {local} (here) and the manager, {manager}, both ways:"
    ));
    let checks = tokio::task::spawn_blocking(move || probe_path(local, manager)).await??;
    let mut blocked = Vec::new();
    for (what, outcome) in checks {
        match outcome {
            Ok(()) => narrate::output(&format!("{what}: open")),
            Err(why) => {
                narrate::output(&format!("{what}: BLOCKED, {why}"));
                blocked.push(what);
            }
        }
    }
    if blocked.is_empty() {
        return Ok(());
    }
    Err(unavailable(format!(
        "the network between {local} and {manager} blocks {}: let it through both machines' \
         firewalls (and any firewall between them), then run this again; nothing was made",
        blocked.join("; ")
    )))
}

/// One check: what was tried, and whether it got through (or why not).
type Check = (String, Result<(), String>);

/// The checks: TCP 2377 and 7946 reach the manager, the manager's run
/// connects to our TCP 7946, and it answers our probe on each UDP port.
fn probe_path(local: Ipv4Addr, manager: Ipv4Addr) -> Result<Vec<Check>> {
    // Our ends first: the manager's answers come back to them. Before we
    // join, nothing of Docker's holds them.
    let listener = TcpListener::bind((local, 7946));
    let udp = [7946, 4789].map(|port| (port, UdpSocket::bind((local, port))));
    let mut checks = Vec::new();
    for port in [2377, 7946] {
        let made = TcpStream::connect_timeout(&SocketAddr::from((manager, port)), WAIT);
        checks.push((
            format!("TCP {port}, to {manager}"),
            made.map(drop).map_err(|e| why(&e)),
        ));
    }
    let sent: Vec<Result<(), String>> = udp
        .iter()
        .map(|(port, socket)| match socket {
            Ok(socket) => socket
                .send_to(PROBE, (manager, *port))
                .map(drop)
                .map_err(|e| why(&e)),
            Err(error) => Err(why(error)),
        })
        .collect();
    let deadline = Instant::now() + WAIT;
    let from = listener
        .map_err(|error| why(&error))
        .and_then(|listener| accepted_from(&listener, manager, deadline));
    checks.push((format!("TCP 7946, from {manager}"), from));
    for ((port, socket), sent) in udp.iter().zip(sent) {
        let answered = sent.and_then(|()| match socket {
            Ok(socket) => answered_by(socket, manager, deadline),
            Err(error) => Err(why(error)),
        });
        checks.push((format!("UDP {port}, to {manager} and back"), answered));
    }
    Ok(checks)
}

/// Whether `manager` connects to `listener` before `deadline`.
fn accepted_from(
    listener: &TcpListener,
    manager: Ipv4Addr,
    deadline: Instant,
) -> Result<(), String> {
    listener
        .set_nonblocking(true)
        .map_err(|error| why(&error))?;
    while Instant::now() < deadline {
        match listener.accept() {
            Ok((_, peer)) if peer.ip() == manager => return Ok(()),
            Ok(_) => {}
            Err(error) if error.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(error) => return Err(why(&error)),
        }
    }
    Err(no_answer())
}

/// Whether `manager` answers on `socket` before `deadline`.
fn answered_by(socket: &UdpSocket, manager: Ipv4Addr, deadline: Instant) -> Result<(), String> {
    let mut buffer = [0; 64];
    loop {
        // Past the deadline (the other checks used the time up), what
        // came already still counts: one last look that does not wait.
        let left = deadline.saturating_duration_since(Instant::now());
        let last = left.is_zero();
        socket.set_nonblocking(last).map_err(|error| why(&error))?;
        if !last {
            socket
                .set_read_timeout(Some(left))
                .map_err(|error| why(&error))?;
        }
        match socket.recv_from(&mut buffer) {
            Ok((n, from)) if from.ip() == manager && &buffer[..n] == ANSWER => return Ok(()),
            Ok(_) => {}
            Err(error) if last && error.kind() == ErrorKind::WouldBlock => {
                return Err(no_answer());
            }
            Err(error) => return Err(why(&error)),
        }
    }
}

/// Why nothing came back: a firewall that drops says nothing.
fn no_answer() -> String {
    format!(
        "no answer within {} s (dropped on the way, one way or both)",
        WAIT.as_secs()
    )
}

/// An I/O error as the reason a check failed: a firewall that rejects
/// answers at once (refused, unreachable); one that drops makes us wait;
/// one of this machine's own makes the send fail (EPERM).
fn why(error: &std::io::Error) -> String {
    match error.kind() {
        ErrorKind::TimedOut | ErrorKind::WouldBlock => no_answer(),
        ErrorKind::PermissionDenied => "refused by this machine's own firewall".to_string(),
        ErrorKind::AddrInUse => "taken on this machine by another program".to_string(),
        _ => error.to_string(),
    }
}
