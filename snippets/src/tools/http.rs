//! `curl` and a tiny web server: HTTP/1.0, one page, enough to see which
//! connections get through and from which address they seem to come.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use anyhow::{Context, Result};
use nix::errno::Errno;

use crate::{Netns, narrate};

/// How long a client waits to connect, and either side waits for data.
const TIMEOUT: Duration = Duration::from_secs(2);

impl Netns {
    /// `httpd -f -p PORT &`: a web server on every address of this
    /// namespace, as nginx in the lab. It answers every request with `page`
    /// and the client's address as this namespace sees it, which shows what
    /// NAT did on the way. A thread serves one connection after another
    /// until the program ends; the socket belongs to this namespace because
    /// it was made on a thread inside it.
    pub fn serve_http(&self, port: u16, page: &str) -> Result<()> {
        self.serve_http_on(Ipv4Addr::UNSPECIFIED, port, page)
    }

    /// `httpd -f -p IP:PORT &`: the same web server, listening on one
    /// address of this namespace only (`127.0.0.1`: reachable from this
    /// namespace alone). With `0.0.0.0`, every address: `httpd -f -p PORT`.
    pub fn serve_http_on(&self, ip: Ipv4Addr, port: u16, page: &str) -> Result<()> {
        let note = "# a tiny web server (http.rs)";
        let on = match ip.is_unspecified() {
            true => port.to_string(),
            false => format!("{ip}:{port}"),
        };
        narrate::command(self, &format!("httpd -f -p {on} &    {note}"));
        let listener = self.run(|| {
            TcpListener::bind((ip, port))
                .with_context(|| format!("listen on {ip}:{port} (TCP) in {}", self.name))
        })?;
        let page = page.to_string();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                // A client that misbehaves only loses its own answer.
                let _ = answer(stream, &page);
            }
        });
        Ok(())
    }

    /// `curl -sS http://TARGET:PORT/`, from this namespace: prints the page,
    /// or curl's error line. The outer error is a failure to try at all; the
    /// inner one is why no page came (`ECONNREFUSED`: nothing listens there).
    pub fn http_get(&self, target: Ipv4Addr, port: u16) -> Result<Result<String, Errno>> {
        // As curl itself, leave out the port when it is HTTP's own, 80.
        let url = match port {
            80 => format!("http://{target}/"),
            _ => format!("http://{target}:{port}/"),
        };
        narrate::command(self, &format!("curl -sS {url}"));
        let address = SocketAddr::from((target, port));
        let start = std::time::Instant::now();
        let connected = self.run(|| Ok(TcpStream::connect_timeout(&address, TIMEOUT)))?;
        let mut stream = match connected {
            Ok(stream) => stream,
            Err(error) => {
                // curl's line names no errno; the chapters say which one
                // (ECONNREFUSED: a reset came back, nothing listens there).
                let millis = start.elapsed().as_millis();
                narrate::output(&format!(
                    "curl: (7) Failed to connect to {target} port {port} after {millis} ms: \
                     Couldn't connect to server"
                ));
                return Ok(Err(errno_of(&error)));
            }
        };
        stream
            .set_read_timeout(Some(TIMEOUT))
            .context("set the read timeout")?;
        let request = format!("GET / HTTP/1.0\r\nHost: {target}:{port}\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .with_context(|| format!("send a request to {address}"))?;
        // HTTP/1.0: the server closes the connection after its answer.
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .with_context(|| format!("read the answer from {address}"))?;
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        anyhow::ensure!(
            head.starts_with("HTTP/1.0 200"),
            "{address} answered {head:?}, not 200 OK"
        );
        narrate::output(body.trim_end());
        Ok(Ok(body.to_string()))
    }
}

/// Reads the request's head, whatever it asks, and sends the page.
fn answer(mut stream: TcpStream, page: &str) -> std::io::Result<()> {
    stream.set_read_timeout(Some(TIMEOUT))?;
    let mut request = Vec::new();
    let mut buffer = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 8192 {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buffer[..n]);
    }
    let client = stream.peer_addr()?.ip();
    let body = format!("{page}\nyou came from {client}\n");
    let head = format!(
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())
}

/// The errno behind a failed connect; a connect that timed out has none.
fn errno_of(error: &std::io::Error) -> Errno {
    match error.raw_os_error() {
        Some(code) => Errno::from_raw(code),
        None if error.kind() == ErrorKind::TimedOut => Errno::ETIMEDOUT,
        None => Errno::EIO,
    }
}
