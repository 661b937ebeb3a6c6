//! `ping -c 1`: one ICMP echo request, and its reply.
//!
//! `ping` normally uses an unprivileged ICMP socket, but a new network
//! namespace allows those to no group (`net.ipv4.ping_group_range` is
//! `1 0`), so we use a raw socket, as ping does when it may. That needs
//! CAP_NET_RAW over the namespace, which its owner has.

use std::mem::MaybeUninit;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use nix::errno::Errno;
use socket2::{Domain, Protocol, Socket, Type};

use crate::{Netns, narrate};

/// What came back from one echo request.
#[derive(Debug, Clone)]
pub struct Pong {
    pub from: Ipv4Addr,
    /// The size of the ICMP reply, header included (ping prints it).
    pub bytes: usize,
    pub ttl: u8,
    pub rtt: Duration,
}

impl Netns {
    /// `ping -c 1 TARGET`, from this namespace. Prints what iputils' ping
    /// prints, and says whether a reply came back.
    pub fn ping(&self, target: Ipv4Addr) -> Result<bool> {
        narrate::command(self, &format!("ping -c 1 {target}"));
        self.echo_and_print(&target.to_string(), target)
    }

    /// One echo request to `target` and ping's report of it: the header,
    /// the reply line, the statistics; or why it could not send. `shown` is
    /// the target as typed (`ping -c 1 -n blue` in the dns module).
    pub(crate) fn echo_and_print(&self, shown: &str, target: Ipv4Addr) -> Result<bool> {
        // A reply between namespaces of one kernel comes in microseconds,
        // but the first packet may wait for ARP at each hop, and a busy
        // machine may not run us for a while: 2 s (ping itself waits up to
        // 10 s for its last reply, or as long as `-W` says).
        let answer = self.run(|| echo(target, Duration::from_secs(2)))?;
        if let Err(Unsent { call, why }) = &answer {
            narrate::output(&format!("ping: {call}: {why}"));
            return Ok(false);
        }
        narrate::output(&format!("PING {shown} ({target}) 56(84) bytes of data."));
        let pong = answer.ok().flatten();
        let received = match &pong {
            Some(pong) => {
                let rtt = pong.rtt.as_secs_f64() * 1000.0;
                narrate::output(&format!(
                    "{} bytes from {}: icmp_seq=1 ttl={} time={} ms",
                    pong.bytes,
                    pong.from,
                    pong.ttl,
                    reply_time(rtt)
                ));
                1
            }
            None => 0,
        };
        narrate::output(&format!(
            "\n--- {shown} ping statistics ---\n\
             1 packets transmitted, {received} received, {}% packet loss, time 0ms",
            100 - 100 * received
        ));
        match &pong {
            Some(pong) => {
                let rtt = pong.rtt.as_secs_f64() * 1000.0;
                narrate::output(&format!(
                    "rtt min/avg/max/mdev = {rtt:.3}/{rtt:.3}/{rtt:.3}/0.000 ms"
                ));
            }
            // Without a reply, ping ends with an empty line.
            None => narrate::output("\n"),
        }
        Ok(pong.is_some())
    }
}

/// A reply's round trip as ping prints it: three significant digits
/// (`0.158`, `1.23`, `12.3`), whole milliseconds from 100 up.
fn reply_time(ms: f64) -> String {
    match ms {
        ms if ms < 1.0 => format!("{ms:.3}"),
        ms if ms < 10.0 => format!("{ms:.2}"),
        ms if ms < 100.0 => format!("{ms:.1}"),
        ms => format!("{ms:.0}"),
    }
}

/// Why no request could be sent at all, as ping reports it (before its
/// header): the call that failed, by ping's name for it, and the errno's
/// text. `connect`: the kernel has no route to the target. `sendmsg`: the
/// kernel refused the packet (a firewall, a sandbox); ping sends with
/// sendmsg(2), we with sendto(2), which differ only in how the buffer is
/// given.
#[derive(Debug)]
pub struct Unsent {
    pub call: &'static str,
    pub why: String,
}

/// Sends one ICMP echo request (type 8) and waits for the matching echo
/// reply (type 0). The socket belongs to the namespace of the calling thread.
/// The outer error is a failure to try at all; the inner one, that the
/// kernel has no route to the target; `None`, that no reply came in time.
pub fn echo(target: Ipv4Addr, timeout: Duration) -> Result<Result<Option<Pong>, Unsent>> {
    // Like ping, first ask the kernel for a route: connecting a UDP socket
    // picks the route and the source address, and sends nothing. With no
    // route (even to 127.0.0.1 while lo is down) it fails at once:
    // ENETUNREACH, "Network is unreachable".
    let probe = std::net::UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))
        .context("open a UDP socket to look up the route")?;
    if let Err(error) = probe.connect((target, 1025)) {
        return Ok(Err(unsent("connect", &error)));
    }
    let socket = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4))
        .map_err(|e| anyhow::anyhow!("{e} (a raw socket needs CAP_NET_RAW)"))
        .context("open a raw ICMP socket")?;
    // The identifier lets us tell our reply from others a raw socket sees.
    let id = (std::process::id() & 0xffff) as u16;
    // 56 bytes of payload, as ping sends by default: 64 with the ICMP header.
    let request = echo_request(id, 1, &[0xa5; 56]);
    let start = Instant::now();
    if let Err(error) = socket.send_to(&request, &SocketAddrV4::new(target, 0).into()) {
        return Ok(Err(unsent("sendmsg", &error)));
    }
    loop {
        let left = timeout.checked_sub(start.elapsed()).unwrap_or_default();
        if left.is_zero() {
            return Ok(Ok(None));
        }
        socket
            .set_read_timeout(Some(left))
            .context("set the socket timeout")?;
        let mut buffer = [MaybeUninit::<u8>::uninit(); 1500];
        let Ok(len) = socket.recv(&mut buffer) else {
            continue;
        };
        // SAFETY: recv initialised the first `len` bytes.
        let packet: Vec<u8> = buffer[..len]
            .iter()
            .map(|b| unsafe { b.assume_init() })
            .collect();
        // A raw IPv4 socket hands us the IP header too: its length in
        // 32-bit words is the low nibble of the first byte.
        let header_len = usize::from(packet[0] & 0x0f) * 4;
        let (ip, icmp) = packet.split_at(header_len);
        let from = Ipv4Addr::new(ip[12], ip[13], ip[14], ip[15]);
        let is_our_reply = icmp.len() >= 8 && icmp[0] == 0 && icmp[4..6] == id.to_be_bytes();
        if from == target && is_our_reply {
            return Ok(Ok(Some(Pong {
                from,
                bytes: icmp.len(),
                ttl: ip[8],
                rtt: start.elapsed(),
            })));
        }
    }
}

/// [`Unsent`]: `call` failed with `error`.
fn unsent(call: &'static str, error: &std::io::Error) -> Unsent {
    let errno = Errno::from_raw(error.raw_os_error().unwrap_or(0));
    let why = errno.desc().to_string();
    Unsent { call, why }
}

/// An ICMP echo request: type 8, code 0, checksum, identifier, sequence.
fn echo_request(id: u16, seq: u16, payload: &[u8]) -> Vec<u8> {
    let mut packet = vec![8, 0, 0, 0];
    packet.extend_from_slice(&id.to_be_bytes());
    packet.extend_from_slice(&seq.to_be_bytes());
    packet.extend_from_slice(payload);
    let checksum = internet_checksum(&packet);
    packet[2..4].copy_from_slice(&checksum.to_be_bytes());
    packet
}

/// RFC 1071: the ones' complement of the ones' complement sum of 16-bit words.
fn internet_checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = data
        .chunks(2)
        .map(|pair| u32::from(u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packet_with_its_checksum_sums_to_zero() {
        let packet = echo_request(0x1234, 1, b"abc");
        assert_eq!(internet_checksum(&packet), 0, "checksum of {packet:02x?}");
        assert_eq!(&packet[..2], &[8, 0], "type 8 (echo request), code 0");
    }
}
