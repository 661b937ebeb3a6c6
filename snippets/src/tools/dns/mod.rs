//! Names: Docker's embedded DNS server, and lookups made from inside a
//! container.
//!
//! On a user-defined network, `dockerd` answers DNS queries inside every
//! container's network namespace, on 127.0.0.11, with the names of the
//! containers on the container's networks. Its socket is opened inside the
//! container's namespace but served by the daemon, outside it. Ours is the
//! same: a socket bound on a thread inside the container's namespace, and a
//! server on a thread of our own, which reads each query and writes its
//! answer with [`message`], the DNS wire format.
//!
//! Lookups ([`Netns::nslookup`], [`Netns::ping_name`]) run on a thread that
//! has entered the container's network *and* mount namespaces, so they read
//! the container's own `/etc/resolv.conf` and `/etc/hosts`, as its programs
//! would, and ask the container's nameserver from inside its network.

use std::net::{IpAddr, Ipv4Addr, UdpSocket};
use std::time::Duration;

use anyhow::{Context, Result};

pub mod message;

use crate::etc::EMBEDDED_DNS;
use crate::{Netns, narrate};

/// How long a lookup waits for a server. A server that cannot be reached
/// (the lab has no way out to the Internet) fails after this.
const TIMEOUT: Duration = Duration::from_secs(1);

impl Netns {
    /// Starts Docker's embedded DNS server for this container: UDP port 53
    /// on 127.0.0.11 (on `lo`, which owns all of 127.0.0.0/8), answering
    /// the A records of `names`. It serves until the program ends.
    pub fn serve_dns(&self, names: &[(&str, Ipv4Addr)]) -> Result<()> {
        let socket = self.run(|| {
            UdpSocket::bind((EMBEDDED_DNS, 53))
                .with_context(|| format!("bind UDP {EMBEDDED_DNS}:53 in {}", self.name))
        })?;
        let names: Vec<(String, Ipv4Addr)> = names
            .iter()
            .map(|(name, address)| (name.to_ascii_lowercase(), *address))
            .collect();
        let name = self.name.clone();
        std::thread::Builder::new()
            .name(format!("dns-{name}"))
            .spawn(move || {
                if let Err(error) = serve(&socket, &names) {
                    eprintln!("error: the embedded DNS server of {name} stopped: {error:#}");
                }
            })
            .context("start the DNS server's thread")?;
        Ok(())
    }

    /// `nslookup -type=a NAME`: asks the first nameserver of this
    /// container's `/etc/resolv.conf` (DNS only, not `/etc/hosts`) for the
    /// name's IPv4 address, and prints the answer as BusyBox's nslookup
    /// does (without `-type=a` it would ask for the IPv6 address too).
    pub fn nslookup(&self, name: &str) -> Result<Option<Ipv4Addr>> {
        narrate::command(self, &format!("nslookup -type=a {name}"));
        let (server, answer) = self.run(|| lookup(name, false))?;
        narrate::output(&format!("Server:\t\t{server}\nAddress:\t{server}:53\n\n"));
        match answer {
            Lookup::Found(address) => {
                narrate::output(&format!("Name:\t{name}\nAddress: {address}\n\n"));
                Ok(Some(address))
            }
            // What BusyBox's nslookup reports.
            Lookup::NoSuchName => {
                narrate::output(&format!("** server can't find {name}: NXDOMAIN\n\n"));
                Ok(None)
            }
            Lookup::NoAnswer => {
                narrate::output(";; connection timed out; no servers could be reached\n\n");
                Ok(None)
            }
        }
    }

    /// `ping -c 1 -n NAME`: looks the name up as the C library would
    /// (`/etc/hosts`, then the servers in `/etc/resolv.conf`), then sends
    /// one echo request. Says whether a reply came back.
    pub fn ping_name(&self, name: &str) -> Result<bool> {
        narrate::command(self, &format!("ping -c 1 -n {name}"));
        let (_, answer) = self.run(|| lookup(name, true))?;
        // What the C library's getaddrinfo reports (as `gai_strerror`).
        let address = match answer {
            Lookup::Found(address) => address,
            Lookup::NoSuchName => {
                narrate::output(&format!("ping: {name}: Name or service not known"));
                return Ok(false);
            }
            Lookup::NoAnswer => {
                narrate::output(&format!(
                    "ping: {name}: Temporary failure in name resolution"
                ));
                return Ok(false);
            }
        };
        self.echo_and_print(name, address)
    }
}

/// Serves DNS on `socket` until the program ends, on this thread: one
/// question in, one answer out. A datagram that is not a DNS query gets no
/// answer, as from any server.
fn serve(socket: &UdpSocket, names: &[(String, Ipv4Addr)]) -> Result<()> {
    let mut buffer = [0u8; 512];
    loop {
        let (len, client) = socket
            .recv_from(&mut buffer)
            .context("receive a DNS query")?;
        let Ok(question) = message::parse_query(&buffer[..len]) else {
            continue;
        };
        socket
            .send_to(&answer(&question, names), client)
            .context("send a DNS answer")?;
    }
}

/// The answer to one question: a container's address, with a TTL of 600 s
/// as Docker's server gives, or "no such name". Docker's server would ask
/// the host's servers for a name it does not know; the lab has no way out,
/// so ours does not.
fn answer(question: &message::Question, names: &[(String, Ipv4Addr)]) -> Vec<u8> {
    let known = names.iter().find(|(name, _)| *name == question.name);
    message::answer(question, known.map(|(_, address)| *address), 600)
}

/// How a lookup ended.
#[derive(Debug, PartialEq)]
enum Lookup {
    Found(Ipv4Addr),
    /// The server said there is no such name (NXDOMAIN), or it has no IPv4
    /// address.
    NoSuchName,
    /// No answer came: no route to the server, or none within the timeout.
    NoAnswer,
}

/// Looks `name` up as this thread's container would: in its `/etc/hosts`
/// first when `hosts` (as the C library does; nslookup does not), then by
/// asking the first nameserver of its `/etc/resolv.conf`. Returns that
/// nameserver and what came of it.
fn lookup(name: &str, hosts: bool) -> Result<(IpAddr, Lookup)> {
    let resolv = std::fs::read_to_string("/etc/resolv.conf").context("read /etc/resolv.conf")?;
    let server: IpAddr = resolv
        .lines()
        .find_map(|line| line.strip_prefix("nameserver")?.trim().parse().ok())
        .context("/etc/resolv.conf names no nameserver")?;
    if hosts && let Some(address) = in_hosts(name)? {
        return Ok((server, Lookup::Found(address)));
    }
    let id = query_id();
    let asked = |socket: &UdpSocket| -> std::io::Result<Vec<u8>> {
        socket.connect((server, 53))?;
        socket.set_read_timeout(Some(TIMEOUT))?;
        socket.send(&message::query(id, name))?;
        let mut buffer = [0u8; 512];
        let len = socket.recv(&mut buffer)?;
        Ok(buffer[..len].to_vec())
    };
    let socket = UdpSocket::bind(("0.0.0.0", 0)).context("open a UDP socket")?;
    let Ok(reply) = asked(&socket) else {
        return Ok((server, Lookup::NoAnswer));
    };
    let found = match (
        message::response_code(&reply)?,
        message::parse_answer(&reply, id)?,
    ) {
        (0, Some(address)) => Lookup::Found(address),
        (0 | message::NXDOMAIN, _) => Lookup::NoSuchName,
        _ => Lookup::NoAnswer,
    };
    Ok((server, found))
}

/// The address `/etc/hosts` gives `name`, if any.
fn in_hosts(name: &str) -> Result<Option<Ipv4Addr>> {
    let hosts = std::fs::read_to_string("/etc/hosts").context("read /etc/hosts")?;
    Ok(hosts.lines().find_map(|line| {
        let mut words = line.split('#').next()?.split_whitespace();
        let address = words.next()?.parse().ok()?;
        words
            .any(|word| word.eq_ignore_ascii_case(name))
            .then_some(address)
    }))
}

/// An id for a query, that the answer must repeat.
fn query_id() -> u16 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|time| time.subsec_nanos())
        .unwrap_or(0);
    (nanos >> 8) as u16 ^ std::process::id() as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_container_name_has_its_address_and_others_are_unknown() {
        let names = [("netlab-blue".to_string(), Ipv4Addr::new(172, 18, 0, 2))];
        let ask = |name: &str| {
            let question = message::parse_query(&message::query(9, name)).unwrap();
            let reply = answer(&question, &names);
            (
                message::response_code(&reply).unwrap(),
                message::parse_answer(&reply, 9).unwrap(),
            )
        };
        assert_eq!(ask("netlab-blue"), (0, Some(Ipv4Addr::new(172, 18, 0, 2))));
        assert_eq!(ask("NETLAB-BLUE."), (0, Some(Ipv4Addr::new(172, 18, 0, 2))));
        assert_eq!(ask("netlab-green"), (message::NXDOMAIN, None));
    }
}
