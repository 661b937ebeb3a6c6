//! `nc`: one TCP connection, to show which ports are reachable.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::{Netns, narrate};

impl Netns {
    /// `nc -l -p PORT`: listen on every address of this namespace, and
    /// answer the first connection with `greeting`. Returns at once; a thread
    /// serves the connection. The listening socket belongs to this namespace
    /// because it was made on a thread inside it.
    pub fn serve_once(&self, port: u16, greeting: &str) -> Result<()> {
        narrate::command(self, &format!("echo '{greeting}' | nc -l -p {port} &"));
        let listener = self.run(|| {
            TcpListener::bind((Ipv4Addr::UNSPECIFIED, port))
                .with_context(|| format!("listen on TCP port {port} in {}", self.name))
        })?;
        let greeting = format!("{greeting}\n");
        std::thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                let _ = stream.write_all(greeting.as_bytes());
            }
        });
        Ok(())
    }

    /// `nc TARGET PORT`: connect from this namespace, print the first line
    /// the other side sends, and say whether the connection was made.
    pub fn connect(&self, target: Ipv4Addr, port: u16) -> Result<bool> {
        narrate::command(self, &format!("nc {target} {port}"));
        let address = SocketAddr::from((target, port));
        let timeout = Duration::from_secs(2);
        let connected = self.run(|| Ok(TcpStream::connect_timeout(&address, timeout)))?;
        match connected {
            Ok(stream) => {
                stream
                    .set_read_timeout(Some(timeout))
                    .context("set the read timeout")?;
                let mut line = String::new();
                BufReader::new(stream)
                    .read_line(&mut line)
                    .with_context(|| format!("read from {address}"))?;
                narrate::output(line.trim_end());
                Ok(true)
            }
            Err(error) => {
                // nc prints nothing when it cannot connect (only its exit
                // status, 1, tells); the transcript says why in a comment.
                let errno = error.raw_os_error().map(nix::errno::Errno::from_raw);
                let why = errno.map_or(error.to_string(), |e| e.desc().to_string());
                narrate::say(&format!(
                    "nc could not connect to {target} port {port}: {why}"
                ));
                Ok(false)
            }
        }
    }
}
