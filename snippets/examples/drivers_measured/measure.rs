//! One path's figures, the table's rows, and the claims they support.

use std::time::Duration;

use netlab::tools::netperf::{RequestResponse, Stream};
use netlab::tools::ping::echo;
use netlab::tools::tcpdump::Frame;
use netlab::{Lab, Result};

use crate::paths::Path;

/// What one path measured.
pub struct Figures {
    pub frame: Frame,
    pub rr: RequestResponse,
    pub ping: Duration,
    pub stream: Stream,
}

/// The table's header. Left of the bar, what every machine shows alike;
/// right of it, what this machine measured this time.
pub const HEADER: &str =
    "path               MTU  frame  headers |    req/s  p50 µs  p99 µs ping µs  Gbit/s CPU s/GB";

impl Figures {
    pub fn row(&self, name: &str) -> String {
        let micros = |d: Duration| d.as_secs_f64() * 1e6;
        let (frame, rr, stream) = (self.frame, &self.rr, &self.stream);
        format!(
            "{name:<15} {:>6} {:>4} B {:>6} B | {:>8.0} {:>7.1} {:>7.1} {:>7.1} {:>7.2} {:>8.2}",
            rr.mtu,
            frame.length,
            frame.length - frame.payload,
            rr.per_second(),
            micros(rr.p50),
            micros(rr.p99),
            micros(self.ping),
            stream.gbit_per_second(),
            stream.cpu_per_gigabyte()
        )
    }
}

// ANCHOR: measure
/// One path's figures. The capture runs during TCP_RR: its first 1-byte
/// request shows the headers every packet of the path carries.
pub async fn measure(lab: &Lab, path: &Path, seconds: f64) -> Result<Figures> {
    let to = *path.target.ip();
    let passes = (0..20).any(|_| {
        path.client
            .run(|| echo(to, Duration::from_millis(100)))
            .is_ok_and(|reply| matches!(reply, Ok(Some(_))))
    });
    lab.claim(&format!("the {} path passes traffic", path.name), passes)?;
    let capture = path.wire.0.capture_frames(path.wire.1).await?;
    let rr = path
        .client
        .tcp_rr(&path.server, path.port, path.target, seconds)?;
    let frame = capture.first_tcp(1)?;
    let mut pings = Vec::new();
    for _ in 0..20 {
        if let Ok(Some(pong)) = path.client.run(|| echo(to, Duration::from_secs(1)))? {
            pings.push(pong.rtt);
        }
    }
    pings.sort();
    let stream = path
        .client
        .tcp_stream(&path.server, path.port, path.target, seconds)?;
    let frame = frame.ok_or_else(|| {
        anyhow::anyhow!(
            "no 1-byte request seen on {} of the {} path",
            path.wire.1,
            path.name
        )
    })?;
    let ping = pings.get(pings.len() / 2).copied().unwrap_or_default();
    Ok(Figures {
        frame,
        rr,
        ping,
        stream,
    })
}
// ANCHOR_END: measure

/// What the chapter claims from these runs: only what is the same on every
/// machine (timings are not).
pub fn claims(lab: &Lab, measured: &[(&str, Figures)]) -> Result<()> {
    let find = |name: &str| measured.iter().find(|(n, _)| *n == name).map(|(_, f)| f);
    let (Some(veth), Some(overlay)) = (find("veth pair"), find("overlay")) else {
        return Ok(());
    };
    let headers = |f: &Figures| f.frame.length - f.frame.payload;
    lab.claim(
        "a veth frame carries 66 bytes of headers: Ethernet 14, IPv4 20, TCP 32",
        headers(veth) == 66,
    )?;
    lab.claim("the overlay's MTU is 1450", overlay.rr.mtu == 1450)?;
    lab.claim(
        "VXLAN adds 50 bytes to every frame",
        headers(overlay) - headers(veth) == 50,
    )?;
    Ok(())
}
