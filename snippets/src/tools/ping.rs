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
    /// `ping -c 1 TARGET`, from this namespace. Prints the reply line, or
    /// why there was none, and says whether a reply came back.
    pub fn ping(&self, target: Ipv4Addr) -> Result<bool> {
        narrate::command(self, &format!("ping -c 1 {target}"));
        self.echo_and_print(target)
    }

    /// One echo request to `target`, and ping's line for the reply (or why
    /// none came). `ping NAME` in the dns module shares it.
    pub(crate) fn echo_and_print(&self, target: Ipv4Addr) -> Result<bool> {
        match self.run(|| echo(target, Duration::from_secs(2)))? {
            Ok(pong) => {
                let rtt = pong.rtt.as_secs_f64() * 1000.0;
                narrate::output(&format!(
                    "{} bytes from {}: icmp_seq=1 ttl={} time={rtt:.3} ms",
                    pong.bytes, pong.from, pong.ttl
                ));
                Ok(true)
            }
            Err(why) => {
                narrate::output(&format!("ping: {why}"));
                Ok(false)
            }
        }
    }
}

/// Sends one ICMP echo request (type 8) and waits for the matching echo
/// reply (type 0). The socket belongs to the namespace of the calling thread.
/// The outer error is a failure to try at all; the inner one says why no
/// reply came (as ping would: "Network is unreachable", a timeout).
pub fn echo(target: Ipv4Addr, timeout: Duration) -> Result<Result<Pong, String>> {
    let socket = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4))
        .map_err(|e| anyhow::anyhow!("{e} (a raw socket needs CAP_NET_RAW)"))
        .context("open a raw ICMP socket")?;
    // The identifier lets us tell our reply from others a raw socket sees.
    let id = (std::process::id() & 0xffff) as u16;
    // 56 bytes of payload, as ping sends by default: 64 with the ICMP header.
    let request = echo_request(id, 1, &[0xa5; 56]);
    let start = Instant::now();
    // With no route to the target (even 127.0.0.1 while lo is down), the
    // kernel refuses at once: ENETUNREACH, "Network is unreachable".
    if let Err(error) = socket.send_to(&request, &SocketAddrV4::new(target, 0).into()) {
        return Ok(Err(format!(
            "sendto: {}",
            Errno::from_raw(error.raw_os_error().unwrap_or(0)).desc()
        )));
    }
    loop {
        let left = timeout.checked_sub(start.elapsed()).unwrap_or_default();
        if left.is_zero() {
            return Ok(Err(format!(
                "no reply from {target} within {} s",
                timeout.as_secs()
            )));
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
            return Ok(Ok(Pong {
                from,
                bytes: icmp.len(),
                ttl: ip[8],
                rtt: start.elapsed(),
            }));
        }
    }
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
