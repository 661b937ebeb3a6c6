//! Just enough HTTP/1.1 for a book served to the person at this machine:
//! one request per connection (every answer says `Connection: close`), a
//! request line and headers read (no request body: every route is a
//! `GET`), and answers of two kinds: a body of known length, or a stream
//! of server-sent events that ends when the connection closes.
//!
//! Left out on purpose: keep-alive, range requests, caching headers and
//! percent-decoding (mdBook's file names are plain, and a run's token and
//! an example's name are letters, digits and `_`).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;

/// The most a request's line and headers may take: a browser sends about
/// 1 KB; a client that sends more is cut off, not buffered.
const MOST_HEAD_BYTES: u64 = 16 * 1024;

/// A request: its method, path, query and headers.
#[derive(Debug, Default)]
pub struct Request {
    pub method: String,
    /// The path, without the query: `/run/veth`.
    pub path: String,
    /// The query's `key=value` pairs (`check` alone is `("check", "")`).
    query: Vec<(String, String)>,
    /// Each header, its name in lower case.
    headers: Vec<(String, String)>,
}

impl Request {
    /// Reads a request's line and headers, up to the blank line.
    pub fn read(stream: &TcpStream) -> io::Result<Request> {
        let mut reader = BufReader::new(stream.take(MOST_HEAD_BYTES));
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let mut words = line.split_whitespace();
        let method = words.next().unwrap_or("").to_string();
        let target = words.next().unwrap_or("/");
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let mut request = Request {
            method,
            path: path.split('#').next().unwrap_or("").to_string(),
            query: query
                .split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (key.to_string(), value.to_string())
                })
                .collect(),
            headers: Vec::new(),
        };
        // Read the headers up to the blank line, even those we ignore:
        // closing a socket with unread input resets it, and the browser
        // may lose the answer.
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let name = name.trim().to_ascii_lowercase();
                request.headers.push((name, value.trim().to_string()));
            }
        }
        Ok(request)
    }

    /// A header's value; `name` in lower case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// A query parameter's value (`""` when given without one, `&check`).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Answers with a body of known length; `HEAD` gets the headers alone.
pub fn reply(
    mut stream: &TcpStream,
    request: &Request,
    status: &str,
    content_type: &str,
    body: &[u8],
) -> io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    )?;
    if request.method != "HEAD" {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Answers with one line of plain text that says why: a refusal (`403
/// Forbidden`), or what went wrong.
pub fn refuse(stream: &TcpStream, request: &Request, status: &str, why: &str) -> io::Result<()> {
    let body = format!("{why}\n");
    reply(
        stream,
        request,
        status,
        "text/plain; charset=utf-8",
        body.as_bytes(),
    )
}

/// Starts an answer of unknown length: the headers, then a body that ends
/// when the connection closes (which `Connection: close` allows).
pub fn start_stream(mut stream: &TcpStream, content_type: &str) -> io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nCache-Control: no-cache\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
    )?;
    stream.flush()
}

/// A stream of server-sent events (the `text/event-stream` format): each
/// event a name and one line of data. It ends when the connection closes.
pub struct Events<'a>(&'a TcpStream);

impl<'a> Events<'a> {
    /// Sends the headers; the events follow.
    pub fn start(stream: &'a TcpStream) -> io::Result<Events<'a>> {
        start_stream(stream, "text/event-stream; charset=utf-8")?;
        Ok(Events(stream))
    }

    /// One event: `event: NAME` and `data: LINE`. A line break would end
    /// the data early, so a carriage return is dropped (a line has no
    /// line feed).
    pub fn send(&mut self, name: &str, line: &str) -> io::Result<()> {
        let line = line.replace('\r', "");
        let mut stream = self.0;
        write!(stream, "event: {name}\ndata: {line}\n\n")?;
        stream.flush()
    }

    /// An unnamed event, a `message` (what `EventSource.onmessage` hears):
    /// `data: LINE`.
    pub fn message(&mut self, line: &str) -> io::Result<()> {
        let mut stream = self.0;
        write!(stream, "data: {}\n\n", line.replace('\r', ""))?;
        stream.flush()
    }

    /// A comment, which a client ignores: `: TEXT`.
    pub fn comment(&mut self, text: &str) -> io::Result<()> {
        let mut stream = self.0;
        write!(stream, ": {text}\n\n")?;
        stream.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// What the server reads from `raw`, sent by a client.
    fn parsed(raw: &str) -> Request {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        client.write_all(raw.as_bytes()).unwrap();
        let (server, _) = listener.accept().unwrap();
        Request::read(&server).expect("read the request")
    }

    #[test]
    fn reads_the_path_the_query_and_the_headers() {
        let request = parsed(
            "GET /run/veth?token=abc&check HTTP/1.1\r\nHost: 127.0.0.1:3000\r\n\
             ORIGIN: http://127.0.0.1:3000\r\n\r\n",
        );
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("GET", "/run/veth")
        );
        assert_eq!(request.param("token"), Some("abc"));
        assert_eq!(request.param("check"), Some(""));
        assert_eq!(request.param("nope"), None);
        assert_eq!(request.header("host"), Some("127.0.0.1:3000"));
        assert_eq!(request.header("origin"), Some("http://127.0.0.1:3000"));
    }
}
