//! Names: Docker's embedded DNS server, and lookups made from inside a
//! container.
//!
//! On a user-defined network, `dockerd` answers DNS queries inside every
//! container's network namespace, on 127.0.0.11, with the names of the
//! containers on the container's networks. Its socket is opened inside the
//! container's namespace but served by the daemon, outside it. Ours is the
//! same: a socket bound on a thread inside the container's namespace, and a
//! server ([`hickory_server`]) on a thread of our own.
//!
//! Lookups ([`Netns::nslookup`], [`Netns::ping_name`]) run on a thread that
//! has entered the container's network *and* mount namespaces, so the
//! resolver ([`hickory_resolver`]) reads the container's own
//! `/etc/resolv.conf` and `/etc/hosts`, as its programs would.

use std::net::{IpAddr, Ipv4Addr, UdpSocket};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use hickory_resolver::Resolver;
use hickory_resolver::config::{LookupIpStrategy, ResolveHosts};
use hickory_resolver::net::NetError;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::rdata::{A, SOA};
use hickory_resolver::proto::rr::{LowerName, Name, RData, Record};
use hickory_resolver::system_conf::read_system_conf;
use hickory_server::Server;
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};

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
        socket
            .set_nonblocking(true)
            .context("make the DNS socket non-blocking")?;
        let catalog = catalog(names)?;
        let name = self.name.clone();
        std::thread::Builder::new()
            .name(format!("dns-{name}"))
            .spawn(move || {
                if let Err(error) = serve(socket, catalog) {
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

/// One zone, the root (`.`), with an A record per container name. A real
/// zone starts with an SOA record (who is in charge of it); the server
/// needs one to answer "no such name".
fn catalog(names: &[(&str, Ipv4Addr)]) -> Result<Catalog> {
    let root = Name::root();
    let mut zone = InMemoryZoneHandler::<TokioRuntimeProvider>::empty(
        root.clone(),
        ZoneType::Primary,
        AxfrPolicy::Deny,
    );
    let soa = SOA::new(root.clone(), root.clone(), 1, 3600, 600, 86400, 600);
    zone.upsert_mut(Record::from_rdata(root.clone(), 600, RData::SOA(soa)), 1);
    for (name, address) in names {
        let owner = Name::from_str(&format!("{name}."))
            .with_context(|| format!("make a DNS name of {name}"))?;
        // A short TTL: Docker answers with 600 seconds.
        zone.upsert_mut(Record::from_rdata(owner, 600, RData::A(A(*address))), 1);
    }
    let mut catalog = Catalog::new();
    catalog.upsert(LowerName::new(&root), vec![Arc::new(zone)]);
    Ok(catalog)
}

/// Serves DNS on `socket` until the program ends, on this thread.
fn serve(socket: UdpSocket, catalog: Catalog) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("start the DNS server's runtime")?;
    runtime.block_on(async {
        let mut server = Server::new(catalog);
        let socket = tokio::net::UdpSocket::from_std(socket).context("register the DNS socket")?;
        server.register_socket(socket);
        server.block_until_done().await.context("serve DNS")
    })
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
