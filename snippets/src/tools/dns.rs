//! Names: Docker's embedded DNS server, and lookups made from inside a
//! container.
//!
//! On a user-defined network, `dockerd` answers DNS queries inside every
//! container's network namespace, on 127.0.0.11, with the names of the
//! containers on the container's networks. Its socket is opened inside the
//! container's namespace but served by the daemon, outside it. Ours is the
//! same: a socket bound on a thread inside the container's namespace, and a
//! server on a thread of our own: [`answer`], a dozen lines over the DNS
//! message format of `hickory_proto` (the resolver's own).
//!
//! Lookups ([`Netns::nslookup`], [`Netns::ping_name`]) run on a thread that
//! has entered the container's network *and* mount namespaces, so the
//! resolver ([`hickory_resolver`]) reads the container's own
//! `/etc/resolv.conf` and `/etc/hosts`, as its programs would.

use std::net::{IpAddr, Ipv4Addr, UdpSocket};
use std::time::Duration;

use anyhow::{Context, Result};
use hickory_resolver::Resolver;
use hickory_resolver::config::{LookupIpStrategy, ResolveHosts};
use hickory_resolver::net::NetError;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::op::{Message, ResponseCode};
use hickory_resolver::proto::rr::rdata::A;
use hickory_resolver::proto::rr::{RData, Record, RecordType};
use hickory_resolver::system_conf::read_system_conf;

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
            .map(|(name, address)| (name.to_string(), *address))
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
        let (server, answer) = self.run(|| lookup(name, ResolveHosts::Never))?;
        narrate::output(&format!("Server:\t\t{server}\nAddress:\t{server}:53\n\n"));
        match answer {
            Ok(address) => {
                narrate::output(&format!("Name:\t{name}\nAddress: {address}\n\n"));
                Ok(Some(address))
            }
            Err(error) => {
                narrate::output(&format!("{}\n\n", nslookup_says(name, &error)));
                Ok(None)
            }
        }
    }

    /// `ping -c 1 -n NAME`: looks the name up as the C library would
    /// (`/etc/hosts`, then the servers in `/etc/resolv.conf`), then sends
    /// one echo request. Says whether a reply came back.
    pub fn ping_name(&self, name: &str) -> Result<bool> {
        narrate::command(self, &format!("ping -c 1 -n {name}"));
        let (_, answer) = self.run(|| lookup(name, ResolveHosts::Always))?;
        let address = match answer {
            Ok(address) => address,
            Err(error) => {
                narrate::output(&format!("ping: {name}: {}", getaddrinfo_says(&error)));
                return Ok(false);
            }
        };
        self.echo_and_print(name, address)
    }
}

/// Serves DNS on `socket` until the program ends, on this thread: one
/// question in, one answer out ([`answer`]). A datagram that is not a DNS
/// query gets no answer, as from any server.
fn serve(socket: &UdpSocket, names: &[(String, Ipv4Addr)]) -> Result<()> {
    let mut buffer = [0u8; 512];
    loop {
        let (len, client) = socket
            .recv_from(&mut buffer)
            .context("receive a DNS query")?;
        let Ok(query) = Message::from_vec(&buffer[..len]) else {
            continue;
        };
        let reply = answer(&query, names)
            .to_vec()
            .context("write a DNS answer")?;
        socket
            .send_to(&reply, client)
            .context("send a DNS answer")?;
    }
}

/// The answer to one query: for an A question about a container's name,
/// its address (with a TTL of 600 s, as Docker's server gives); for another
/// type of a known name (AAAA), no record but no error; for any other name,
/// NXDOMAIN, "no such name". Docker's server would ask the host's servers
/// for names it does not know; the lab has no way out, so ours does not.
fn answer(query: &Message, names: &[(String, Ipv4Addr)]) -> Message {
    let mut reply = Message::response(query.metadata.id, query.metadata.op_code);
    reply.metadata.authoritative = true;
    reply.metadata.recursion_desired = query.metadata.recursion_desired;
    reply.queries = query.queries.clone();
    for question in &query.queries {
        let asked = question.name().to_ascii();
        let known = names
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(asked.trim_end_matches('.')));
        match (known, question.query_type()) {
            (Some((_, address)), RecordType::A) => {
                let record =
                    Record::from_rdata(question.name().clone(), 600, RData::A(A(*address)));
                reply.answers.push(record);
            }
            (Some(_), _) => {}
            (None, _) => reply.metadata.response_code = ResponseCode::NXDomain,
        }
    }
    reply
}

/// Looks `name` up with a resolver configured from this thread's
/// `/etc/resolv.conf` (and `/etc/hosts`, with `hosts`). Returns the first
/// nameserver, and the first IPv4 address or why there is none.
fn lookup(name: &str, hosts: ResolveHosts) -> Result<(IpAddr, Result<Ipv4Addr, NetError>)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("start a runtime for the resolver")?;
    let _runtime = runtime.enter();
    let (config, mut options) = read_system_conf().context("read /etc/resolv.conf")?;
    let server = config
        .name_servers()
        .first()
        .map(|ns| ns.ip)
        .context("/etc/resolv.conf names no nameserver")?;
    options.use_hosts_file = hosts;
    options.ip_strategy = LookupIpStrategy::Ipv4Only;
    options.timeout = TIMEOUT;
    options.attempts = 1;
    options.cache_size = 0;
    let resolver = Resolver::builder_with_config(config, TokioRuntimeProvider::default())
        .with_options(options)
        .build()
        .context("build the resolver")?;
    let answer = runtime
        .block_on(resolver.lookup_ip(name))
        .and_then(|found| {
            found
                .iter()
                .find_map(|ip| match ip {
                    IpAddr::V4(v4) => Some(v4),
                    IpAddr::V6(_) => None,
                })
                .ok_or(NetError::Message("no IPv4 address"))
        });
    Ok((server, answer))
}

/// What the C library's getaddrinfo reports (as `gai_strerror`): no such
/// name, or no server answered.
fn getaddrinfo_says(error: &NetError) -> &'static str {
    if error.is_nx_domain() || error.is_no_records_found() {
        "Name or service not known"
    } else {
        "Temporary failure in name resolution"
    }
}

/// What BusyBox's nslookup reports.
fn nslookup_says(name: &str, error: &NetError) -> String {
    if error.is_nx_domain() || error.is_no_records_found() {
        format!("** server can't find {name}: NXDOMAIN")
    } else {
        ";; connection timed out; no servers could be reached".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_resolver::proto::op::Query;
    use hickory_resolver::proto::rr::Name;

    fn ask(name: &str, kind: RecordType) -> Message {
        let mut query = Message::query();
        query.add_query(Query::query(Name::from_ascii(name).unwrap(), kind));
        let names = [("netlab-blue".to_string(), Ipv4Addr::new(172, 18, 0, 2))];
        answer(&query, &names)
    }

    #[test]
    fn a_container_name_has_its_address_and_others_are_unknown() {
        let found = ask("netlab-blue.", RecordType::A);
        assert_eq!(found.metadata.response_code, ResponseCode::NoError);
        assert_eq!(found.answers.len(), 1);
        assert_eq!(
            found.answers[0].data,
            RData::A(A(Ipv4Addr::new(172, 18, 0, 2)))
        );
        let no_ipv6 = ask("NETLAB-BLUE.", RecordType::AAAA);
        assert_eq!(
            (no_ipv6.metadata.response_code, no_ipv6.answers.len()),
            (ResponseCode::NoError, 0)
        );
        let unknown = ask("netlab-green.", RecordType::A);
        assert_eq!(unknown.metadata.response_code, ResponseCode::NXDomain);
    }
}
