//! The manager's half of the port check (`ports.rs`): while it waits for
//! the second machine, the manager's run answers that machine's probes.
//!
//! The probes go to UDP 7946 and 4789, which dockerd and the kernel's VXLAN
//! socket hold by then, and which answer nothing. So we read them beside
//! those owners, from a *raw* socket (`socket(AF_INET, SOCK_RAW,
//! IPPROTO_UDP)`): the kernel hands it a copy of every UDP datagram this
//! machine accepts, IPv4 header included. It does so in the last step of
//! delivery (`ip_local_deliver`), after the firewall's input hook: a
//! datagram that a rule here drops never reaches it. (A packet socket, as
//! tcpdump uses, would see it before the firewall.) Each probe is
//! answered with a datagram back to its port, and the one to UDP 7946 also
//! with a call to the sender's TCP 7946.

use std::net::{Ipv4Addr, SocketAddr, TcpStream, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result};
use nix::sys::socket::{
    AddressFamily, MsgFlags, SockFlag, SockProtocol, SockType, recv, setsockopt, socket, sockopt,
};
use nix::sys::time::TimeVal;
use std::os::fd::{AsRawFd, OwnedFd};

use netlab::error::errno_error;
use netlab::narrate;

/// What the worker sends: no VXLAN header (its flags byte is 0, so the
/// kernel's VXLAN socket drops it) and no gossip message dockerd takes.
pub(crate) const PROBE: &[u8] = b"\0netlab port check\n";
/// What the manager's run sends back.
pub(crate) const ANSWER: &[u8] = b"\0netlab port check: answered\n";

/// The ports whose probes are answered.
const PORTS: [u16; 2] = [7946, 4789];

/// The manager's run answering probes; dropping it stops.
pub struct Answering {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts answering the probes that reach `address` (needs CAP_NET_RAW),
/// on a thread of its own, until the value is dropped.
pub fn answer_probes(address: Ipv4Addr) -> Result<Answering> {
    let raw = socket(
        AddressFamily::Inet,
        SockType::Raw,
        SockFlag::SOCK_CLOEXEC,
        SockProtocol::Udp,
    )
    .map_err(errno_error)
    .context("open a raw socket for UDP (it needs CAP_NET_RAW: run as root)")?;
    // Wake up now and then to see whether we are asked to stop.
    let tick = TimeVal::new(0, 200_000);
    setsockopt(&raw, sockopt::ReceiveTimeout, &tick).map_err(errno_error)?;
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = stop.clone();
    let thread = std::thread::spawn(move || answer_until(raw, address, &stopping));
    Ok(Answering {
        stop,
        thread: Some(thread),
    })
}

/// The answering thread: reads datagrams until told to stop.
fn answer_until(raw: OwnedFd, address: Ipv4Addr, stop: &AtomicBool) {
    let mut buffer = [0; 2048];
    while !stop.load(Ordering::Relaxed) {
        // A timeout (EAGAIN) only wakes us up to look at `stop`.
        let Ok(length) = recv(raw.as_raw_fd(), &mut buffer, MsgFlags::empty()) else {
            continue;
        };
        if let Some((from, sport, dport)) = probe_in(&buffer[..length], address) {
            answer(address, from, sport, dport);
        }
    }
}

/// The sender, its port and ours, if `packet` (an IPv4 header, then UDP)
/// is a probe to one of [`PORTS`] on `address`.
fn probe_in(packet: &[u8], address: Ipv4Addr) -> Option<(Ipv4Addr, u16, u16)> {
    // The IPv4 header's length is its first byte's low nibble, in 32-bit
    // words; the addresses are bytes 12-15 (source) and 16-19.
    let header = usize::from(*packet.first()? & 0x0f) * 4;
    let to = Ipv4Addr::from(<[u8; 4]>::try_from(packet.get(16..20)?).ok()?);
    let from = Ipv4Addr::from(<[u8; 4]>::try_from(packet.get(12..16)?).ok()?);
    // UDP: source port, destination port, length, checksum, payload.
    let udp = packet.get(header..)?;
    let port = |at: usize| Some(u16::from_be_bytes([*udp.get(at)?, *udp.get(at + 1)?]));
    let (sport, dport) = (port(0)?, port(2)?);
    let is_probe = to == address && PORTS.contains(&dport) && udp.get(8..)? == PROBE;
    is_probe.then_some((from, sport, dport))
}

/// Answers one probe: a datagram back to its port and, for the probe to
/// UDP 7946 (the gossip port, TCP and UDP both), a call to the sender's
/// TCP 7946; and says so in the transcript. The call is made on a thread
/// of its own: a firewall that drops it keeps it waiting for seconds, and
/// the next probe's answer must not wait behind it. Whether it got through
/// is the worker's to say: it waits for it.
fn answer(address: Ipv4Addr, from: Ipv4Addr, sport: u16, dport: u16) {
    let sent =
        UdpSocket::bind((address, 0)).and_then(|socket| socket.send_to(ANSWER, (from, sport)));
    let failed = if sent.is_ok() { "" } else { " (failed)" };
    let mut said = format!(
        "{from} checks the ports before it joins: its probe to UDP {dport} came in; answered \
         to its UDP {sport}{failed}"
    );
    if dport == 7946 {
        let gossip = SocketAddr::from((from, 7946));
        std::thread::spawn(move || TcpStream::connect_timeout(&gossip, Duration::from_secs(3)));
        said.push_str(", and called its TCP 7946 back");
    }
    narrate::say(&said);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An IPv4 header (20 bytes) and a UDP datagram from 192.0.2.11:4789 to
    /// 192.0.2.10:`dport` carrying `payload`.
    fn datagram(dport: u16, payload: &[u8]) -> Vec<u8> {
        let mut packet = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0];
        packet.extend([192, 0, 2, 11, 192, 0, 2, 10]);
        packet.extend(4789u16.to_be_bytes());
        packet.extend(dport.to_be_bytes());
        packet.extend([0, 0, 0, 0]);
        packet.extend(payload);
        packet
    }

    #[test]
    fn a_probe_is_found_and_nothing_else() {
        let us: Ipv4Addr = [192, 0, 2, 10].into();
        let found = probe_in(&datagram(4789, PROBE), us);
        assert_eq!(found, Some(([192, 0, 2, 11].into(), 4789, 4789)));
        assert_eq!(probe_in(&datagram(53, PROBE), us), None, "another port");
        assert_eq!(probe_in(&datagram(4789, b"vxlan"), us), None, "not a probe");
        assert_eq!(probe_in(&datagram(4789, PROBE), [10, 0, 0, 1].into()), None);
        // Cut anywhere, it is no probe, and no panic.
        let whole = datagram(7946, PROBE);
        for length in 0..whole.len() {
            assert_eq!(probe_in(&whole[..length], us), None, "{length} bytes");
        }
    }
}
