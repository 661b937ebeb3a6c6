//! `wget`: a page fetched with BusyBox's wget, the one program of the
//! Docker image, so every machine that runs these examples has it: from
//! the Docker host ([`Engine::fetch`]) or from any namespace ([`wget`]).

use anyhow::{Context, Result, bail};

use super::Engine;
use netlab::narrate;

impl Engine {
    /// `timeout 2 busybox wget -q -O - http://ADDRESS:PORT/` from the Docker
    /// host: BusyBox's wget (the one program of the Docker image, so every
    /// machine that runs these examples has it), the body of the answer.
    /// It fails if nothing answered.
    pub fn fetch(&self, address: &str, port: u16) -> Result<String> {
        // `docker run` returns once the server process started, maybe
        // before it listens: a refused connection is tried again, quietly,
        // for 2 s before the one the transcript shows.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        while std::time::Instant::now() < deadline
            && self
                .host
                .run(|| Ok(std::net::TcpStream::connect((address, port)).is_err()))?
        {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        match wget(&self.host, address, port)? {
            (true, body) => Ok(body),
            (false, _) => bail!("nothing answered at http://{address}:{port}/"),
        }
    }
}

/// `timeout 2 busybox wget -q -O - http://ADDRESS:PORT/` in `netns`, as
/// typed: whether it got an answer (exit 0), and the body. A dropped
/// connection has no answer: `timeout` (coreutils) ends the wait after 2 s,
/// with exit code 124, which the transcript says in a comment. (BusyBox's
/// own `-T SECONDS` crashes Debian 12's static build.)
pub fn wget(netns: &netlab::Netns, address: &str, port: u16) -> Result<(bool, String)> {
    let url = format!("http://{address}:{port}/");
    let argv = ["timeout", "2", "busybox", "wget", "-q", "-O", "-", &url];
    let (code, body) = netns
        .show_program_status(&argv)?
        .context("busybox is needed to fetch a page (Debian: apt-get install busybox-static)")?;
    match code {
        Some(0) => {}
        Some(124) => narrate::say("exit code 124: no answer within 2 s, timeout ended the wait"),
        Some(code) => narrate::say(&format!("exit code {code}: no page")),
        None => narrate::say("ended by a signal: no page"),
    }
    Ok((code == Some(0), body))
}
