//! `netperf`'s two classic tests, between two namespaces of the lab:
//! `TCP_RR`, one-byte requests each answered by a one-byte response (the
//! latency of a path), and `TCP_STREAM`, one side writing as fast as it can
//! (its throughput).
//!
//! netperf runs a `netserver` on the far side and the test on the near one;
//! here the server is a thread that entered the server's namespace, and the
//! client a thread that entered the client's ([`Netns::run`]). The listening
//! socket is made first, inside the server's namespace, so the client never
//! races it.
//!
//! For TCP_STREAM each end is pinned to a CPU of its own, the client to
//! the first CPU this process may use and the server to the second
//! (`netperf -T 0,1`, `iperf3 -A`): left to the scheduler, the two ends
//! share a CPU in some runs and not in others, and the throughput of one
//! path differs twofold from run to run. For TCP_RR both ends are pinned
//! to the first CPU: on two CPUs, every round trip also waits twice for the
//! other CPU to be woken (an interprocessor interrupt, tens of microseconds
//! in a virtual machine), which would hide the few microseconds a driver
//! adds; and the scheduler puts the ends together on a busy machine, apart
//! on an idle one, so the figures would depend on what else runs.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
use nix::sys::resource::{UsageWho, getrusage};
use nix::sys::socket::sockopt::{IpMtu, TcpCongestion};
use nix::sys::socket::{getsockopt, setsockopt};
use nix::unistd::Pid;
use socket2::{Domain, Socket, Type};

use crate::Netns;

/// What `netperf -t TCP_RR` reports, and the percentiles it can add.
#[derive(Debug, Clone)]
pub struct RequestResponse {
    /// Request/response pairs completed, one after the other.
    pub transactions: usize,
    pub elapsed: Duration,
    /// The median and the 99th percentile of one round trip.
    pub p50: Duration,
    pub p99: Duration,
    /// The path MTU the kernel keeps for the connection (`IP_MTU`): the MTU
    /// of the device its packets leave by, unless a router said less.
    pub mtu: u32,
}

impl RequestResponse {
    pub fn per_second(&self) -> f64 {
        self.transactions as f64 / self.elapsed.as_secs_f64()
    }
}

/// What `netperf -t TCP_STREAM` reports, and the CPU time it cost.
#[derive(Debug, Clone)]
pub struct Stream {
    /// Bytes the server read, from the client's first write to its end.
    pub bytes: u64,
    pub elapsed: Duration,
    /// User and system time of this whole process (both ends are threads of
    /// it) over the test, from getrusage(2). Work the kernel does in
    /// softirq on another CPU is not counted.
    pub cpu: Duration,
    /// The same, of each end's thread alone (`RUSAGE_THREAD`): the client,
    /// which writes, and the server, which reads.
    pub client_cpu: Duration,
    pub server_cpu: Duration,
}

impl Stream {
    pub fn gbit_per_second(&self) -> f64 {
        self.bytes as f64 * 8.0 / self.elapsed.as_secs_f64() / 1e9
    }

    /// CPU seconds per gigabyte moved (10^9 bytes).
    pub fn cpu_per_gigabyte(&self) -> f64 {
        self.per_gigabyte(self.cpu)
    }

    /// `cpu` seconds per gigabyte moved: for one end's time.
    pub fn per_gigabyte(&self, cpu: Duration) -> f64 {
        cpu.as_secs_f64() / (self.bytes as f64 / 1e9)
    }
}

/// Each write of `TCP_STREAM`: netperf's default send size on Linux is the
/// socket's buffer; 128 KiB is in that range, and what iperf3 writes too.
const CHUNK: usize = 128 * 1024;

impl Netns {
    /// `netperf -H TARGET -t TCP_RR -l SECONDS -- -r 1,1`, from this
    /// namespace, against a server in `server` listening on `port`.
    /// `target` is where the client connects: the server's address, or one
    /// that leads there (a published port).
    pub fn tcp_rr(
        &self,
        server: &Netns,
        port: u16,
        target: SocketAddrV4,
        seconds: f64,
    ) -> Result<RequestResponse> {
        let listener = listen(server, port)?;
        std::thread::scope(|s| {
            let served = s.spawn(|| server.run(|| pin(0).and_then(|()| echo_bytes(&listener))));
            let measured = self.run(|| {
                pin(0)?;
                let mut stream = connect(target)?;
                let mtu = getsockopt(&stream, IpMtu).context("read the path MTU (IP_MTU)")?;
                let (mut samples, mut byte) = (Vec::new(), [1u8]);
                let start = Instant::now();
                while start.elapsed().as_secs_f64() < seconds {
                    let sent = Instant::now();
                    stream.write_all(&byte).context("send a request")?;
                    stream.read_exact(&mut byte).context("read a response")?;
                    samples.push(sent.elapsed());
                }
                let elapsed = start.elapsed();
                ensure!(!samples.is_empty(), "no request got its response");
                samples.sort();
                let at = |share: usize| samples[(samples.len() - 1) * share / 100];
                Ok(RequestResponse {
                    transactions: samples.len(),
                    elapsed,
                    p50: at(50),
                    p99: at(99),
                    mtu: mtu as u32,
                })
            });
            let served = served.join().expect("the server thread does not panic");
            let measured = measured?;
            served?;
            Ok(measured)
        })
    }

    /// `netperf -H TARGET -t TCP_STREAM -l SECONDS`: writes for `seconds`,
    /// then closes; the server counts what it read until the end.
    pub fn tcp_stream(
        &self,
        server: &Netns,
        port: u16,
        target: SocketAddrV4,
        seconds: f64,
    ) -> Result<Stream> {
        self.tcp_stream_with(server, port, target, seconds, None)
    }

    /// [`Netns::tcp_stream`] with the congestion control `congestion`
    /// (`cubic`, `bbr`: `TCP_CONGESTION` on the client's socket, as
    /// `iperf3 -C` sets it) instead of the kernel's default.
    pub fn tcp_stream_with(
        &self,
        server: &Netns,
        port: u16,
        target: SocketAddrV4,
        seconds: f64,
        congestion: Option<&str>,
    ) -> Result<Stream> {
        let listener = listen(server, port)?;
        let cpu_before = cpu_time()?;
        std::thread::scope(|s| {
            let served = s.spawn(|| {
                server.run(|| {
                    pin(1)?;
                    let before = thread_cpu_time()?;
                    let (bytes, ended) = count_bytes(&listener)?;
                    Ok((bytes, ended, thread_cpu_time()? - before))
                })
            });
            let start = Instant::now();
            let sent = self.run(|| {
                pin(0)?;
                let before = thread_cpu_time()?;
                let mut stream = connect(target)?;
                if let Some(name) = congestion {
                    setsockopt(&stream, TcpCongestion, &OsString::from(name))
                        .with_context(|| format!("use the congestion control {name}"))?;
                }
                let chunk = vec![0x5a; CHUNK];
                while start.elapsed().as_secs_f64() < seconds {
                    stream.write_all(&chunk).context("send a chunk")?;
                }
                // Dropping the stream closes it: the server reads the end.
                drop(stream);
                Ok(thread_cpu_time()? - before)
            });
            let served = served.join().expect("the server thread does not panic");
            let client_cpu = sent?;
            let (bytes, ended, server_cpu) = served?;
            Ok(Stream {
                bytes,
                elapsed: ended - start,
                cpu: cpu_time()? - cpu_before,
                client_cpu,
                server_cpu,
            })
        })
    }
}

/// A listening TCP socket on `port`, made inside `server`. It gives up
/// waiting for the client after a few seconds (SO_RCVTIMEO also bounds
/// accept(2)), so a client that never comes cannot hang the run.
fn listen(server: &Netns, port: u16) -> Result<TcpListener> {
    server.run(|| {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).context("open a TCP socket")?;
        socket.set_reuse_address(true).context("set SO_REUSEADDR")?;
        let any = SocketAddr::from((Ipv4Addr::UNSPECIFIED, port));
        socket
            .bind(&any.into())
            .with_context(|| format!("bind TCP port {port} in {server}"))?;
        socket.listen(1).context("listen")?;
        socket
            .set_read_timeout(Some(Duration::from_secs(5)))
            .context("set the accept timeout")?;
        Ok(socket.into())
    })
}

fn connect(target: SocketAddrV4) -> Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&target.into(), Duration::from_secs(3))
        .with_context(|| format!("connect to {target}"))?;
    // One byte must leave at once, not wait for more (Nagle's algorithm).
    stream.set_nodelay(true).context("set TCP_NODELAY")?;
    Ok(stream)
}

/// The server of TCP_RR: every byte read is sent back, until the client
/// closes the connection.
fn echo_bytes(listener: &TcpListener) -> Result<()> {
    let (mut stream, _) = listener.accept().context("accept the client")?;
    stream.set_nodelay(true).context("set TCP_NODELAY")?;
    let mut byte = [0u8];
    while stream.read(&mut byte).context("read a request")? == 1 {
        stream.write_all(&byte).context("send a response")?;
    }
    Ok(())
}

/// The server of TCP_STREAM: how many bytes came, and when the last did.
fn count_bytes(listener: &TcpListener) -> Result<(u64, Instant)> {
    let (mut stream, _) = listener.accept().context("accept the client")?;
    let (mut buffer, mut bytes) = (vec![0u8; CHUNK], 0u64);
    loop {
        match stream.read(&mut buffer).context("read the stream")? {
            0 => return Ok((bytes, Instant::now())),
            read => bytes += read as u64,
        }
    }
}

/// Pins the calling thread to the `nth` CPU this process may use (the
/// first, 0, or the second, 1), where it may use that many; else leaves it.
pub fn pin(nth: usize) -> Result<()> {
    let me = Pid::from_raw(0);
    let allowed = sched_getaffinity(me).context("read the CPU affinity")?;
    let cpus: Vec<usize> = (0..CpuSet::count())
        .filter(|cpu| allowed.is_set(*cpu).unwrap_or(false))
        .collect();
    if cpus.len() < 2 {
        return Ok(());
    }
    let mut one = CpuSet::new();
    one.set(cpus[nth]).context("choose a CPU")?;
    sched_setaffinity(me, &one).context("pin the thread to a CPU")
}

/// User plus system time of this process so far, every thread included.
pub fn cpu_time() -> Result<Duration> {
    usage(UsageWho::RUSAGE_SELF)
}

/// User plus system time of the calling thread so far.
fn thread_cpu_time() -> Result<Duration> {
    usage(UsageWho::RUSAGE_THREAD)
}

fn usage(who: UsageWho) -> Result<Duration> {
    let usage = getrusage(who).context("getrusage")?;
    let time =
        |t: nix::sys::time::TimeVal| Duration::new(t.tv_sec() as u64, t.tv_usec() as u32 * 1000);
    Ok(time(usage.user_time()) + time(usage.system_time()))
}
