//! Who may use the served book, and who may run its examples.
//!
//! A page that runs an example runs a program on the reader's machine, as
//! the reader (or as root). Three doors are closed:
//!
//! - **Other people on this machine, and other programs.** Anyone on the
//!   machine can connect to 127.0.0.1. A run needs the token, a random
//!   number made at start and printed only in the address the server
//!   prints (as Jupyter does): `http://127.0.0.1:3000/?token=...`. No page
//!   holds it; the page that was opened with it keeps it in the browser's
//!   storage for this address alone.
//! - **Other sites open in the reader's browser (cross-site requests).** A
//!   page from another site can make the browser send a request here, but
//!   the browser says where it came from in `Origin`: anything but this
//!   server's own address is refused. (It cannot know the token either.)
//! - **DNS rebinding.** Another site can make its own name resolve to
//!   127.0.0.1, and then its pages count as the same origin as this
//!   server. The browser still names that site in `Host`: only
//!   `127.0.0.1:PORT` and `localhost:PORT` are served.

use std::fs::File;
use std::io::{self, Read};

use super::http::Request;

/// The answer to a request that is refused: a status and why.
#[derive(Debug, PartialEq)]
pub struct Refusal {
    pub status: &'static str,
    pub why: String,
}

const FORBIDDEN: &str = "403 Forbidden";

/// The server's address and its token.
pub struct Access {
    port: u16,
    token: String,
}

impl Access {
    /// A fresh token for the server on `port`: 128 random bits from the
    /// kernel's generator, as 32 hex digits.
    pub fn new(port: u16) -> io::Result<Access> {
        let mut bytes = [0u8; 16];
        File::open("/dev/urandom")?.read_exact(&mut bytes)?;
        let token = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        Ok(Access { port, token })
    }

    /// The token runs need: `?token=...`.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Every request must name this server in `Host`, and, when it says
    /// where it comes from, come from one of its pages.
    pub fn check_site(&self, request: &Request) -> Result<(), Refusal> {
        let ours = |host: &str| {
            ["127.0.0.1", "localhost"].iter().any(|name| {
                host == format!("{name}:{}", self.port) || (self.port == 80 && host == *name)
            })
        };
        match request.header("host") {
            Some(host) if ours(host) => {}
            host => {
                return Err(Refusal {
                    status: FORBIDDEN,
                    why: format!(
                        "this server answers for 127.0.0.1:{} and localhost:{} only, not {}",
                        self.port,
                        self.port,
                        host.unwrap_or("a request without Host")
                    ),
                });
            }
        }
        match request.header("origin") {
            // curl, and a page's own same-origin GET, send none.
            None => Ok(()),
            Some(origin) if origin.strip_prefix("http://").is_some_and(ours) => Ok(()),
            Some(origin) => Err(Refusal {
                status: FORBIDDEN,
                why: format!("requests from {origin} are refused: only this server's own pages"),
            }),
        }
    }

    /// A run needs the token, `?token=...`; and, from a browser that says
    /// who asks (`Sec-Fetch-Site`), one of this server's pages or the
    /// reader's own typing (`none`). A page of another server on this
    /// machine counts as the same *site* (ports are not part of a site)
    /// and may send no `Origin` for a simple `GET`: this catches it.
    pub fn check_token(&self, request: &Request) -> Result<(), Refusal> {
        if let Some(asker) = request.header("sec-fetch-site")
            && !matches!(asker, "same-origin" | "none")
        {
            return Err(Refusal {
                status: FORBIDDEN,
                why: format!(
                    "a run asked for by a {asker} page is refused: only this server's own"
                ),
            });
        }
        match request.param("token") {
            Some(given) if same_secret(given, &self.token) => Ok(()),
            given => Err(Refusal {
                status: FORBIDDEN,
                why: format!(
                    "{}: open the address `cargo xtask serve` printed, with its ?token=",
                    match given {
                        None => "a run needs the server's token",
                        Some(_) => "wrong token (the server makes a new one each time it starts)",
                    }
                ),
            }),
        }
    }
}

/// Whether two secrets are equal, in a time that does not tell how much
/// of a guess was right.
fn same_secret(given: &str, secret: &str) -> bool {
    given.len() == secret.len()
        && given
            .bytes()
            .zip(secret.bytes())
            .fold(0u8, |differ, (a, b)| differ | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::{TcpListener, TcpStream};

    fn request(raw: &str) -> Request {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        client.write_all(raw.as_bytes()).unwrap();
        Request::read(&listener.accept().unwrap().0).unwrap()
    }

    #[test]
    fn tokens_are_new_each_time_and_compared_whole() {
        let (a, b) = (Access::new(3000).unwrap(), Access::new(3000).unwrap());
        assert_eq!(a.token().len(), 32);
        assert_ne!(a.token(), b.token());
        assert!(same_secret(a.token(), &a.token.clone()));
        assert!(!same_secret(&a.token()[..31], a.token()));
        assert!(!same_secret(b.token(), a.token()));
    }

    #[test]
    fn a_run_needs_the_token_and_one_of_our_pages() {
        let access = Access::new(3000).unwrap();
        let token = access.token().to_string();
        let run = |query: &str, headers: &str| {
            let raw =
                format!("GET /run/veth{query} HTTP/1.1\r\nHost: 127.0.0.1:3000\r\n{headers}\r\n");
            access
                .check_token(&request(&raw))
                .map_err(|refusal| refusal.status)
        };
        assert_eq!(run(&format!("?token={token}"), ""), Ok(()));
        assert_eq!(
            run(
                &format!("?token={token}&check"),
                "Sec-Fetch-Site: same-origin\r\n"
            ),
            Ok(())
        );
        assert_eq!(
            run(&format!("?token={token}"), "Sec-Fetch-Site: none\r\n"),
            Ok(())
        );
        assert_eq!(run("", ""), Err(FORBIDDEN));
        assert_eq!(run("?token=", ""), Err(FORBIDDEN));
        assert_eq!(run(&format!("?token={}", &token[..31]), ""), Err(FORBIDDEN));
        for asker in ["same-site", "cross-site"] {
            let headers = format!("Sec-Fetch-Site: {asker}\r\n");
            assert_eq!(
                run(&format!("?token={token}"), &headers),
                Err(FORBIDDEN),
                "{asker}"
            );
        }
    }

    #[test]
    fn host_and_origin_must_be_this_server() {
        let access = Access::new(3000).unwrap();
        let site = |headers: &str| {
            access
                .check_site(&request(&format!("GET / HTTP/1.1\r\n{headers}\r\n")))
                .map_err(|refusal| refusal.status)
        };
        assert_eq!(site("Host: 127.0.0.1:3000\r\n"), Ok(()));
        assert_eq!(
            site("Host: localhost:3000\r\nOrigin: http://localhost:3000\r\n"),
            Ok(())
        );
        for refused in [
            "",
            "Host: evil.example:3000\r\n",
            "Host: 127.0.0.1:3001\r\n",
            "Host: 127.0.0.1:3000\r\nOrigin: http://evil.example\r\n",
            "Host: 127.0.0.1:3000\r\nOrigin: null\r\n",
            "Host: 127.0.0.1:3000\r\nOrigin: https://127.0.0.1:3000\r\n",
        ] {
            assert_eq!(site(refused), Err(FORBIDDEN), "{refused:?}");
        }
    }
}
