//! A static file server for previewing the built book.
//!
//! Why std and not a crate: a preview only needs `GET` of files on the
//! loopback address, which is about sixty lines of std, and every dependency
//! would add build time to the first `cargo xtask serve` of a fresh clone.
//! What it leaves out, on purpose: keep-alive, range requests, caching
//! headers, percent-decoding (mdBook's file names are plain) and live reload.

use anyhow::{Context, Result};
use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

/// Serves `root` on http://127.0.0.1:PORT/ until the process is stopped.
pub fn serve(root: &Path, port: u16) -> Result<()> {
    // Loopback only: the preview is for the person at this machine.
    let listener = TcpListener::bind(("127.0.0.1", port))
        .with_context(|| format!("listen on 127.0.0.1:{port} (taken? pick another with --port)"))?;
    println!("Serving the book on http://127.0.0.1:{port}/ (Ctrl-C to stop)");
    serve_on(listener, root)
}

pub fn serve_on(listener: TcpListener, root: &Path) -> Result<()> {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let root = root.to_path_buf();
        // One thread per connection: browsers open several at once and may
        // leave one idle, which must not hold up the others.
        thread::spawn(move || {
            if let Err(error) = respond(&stream, &root) {
                eprintln!("serve: {error}");
            }
        });
    }
    Ok(())
}

fn respond(stream: &TcpStream, root: &Path) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Read the headers up to the blank line even though we ignore them:
    // closing a socket with unread input resets it, and the browser may lose
    // the reply.
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }

    let mut words = request_line.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("/"));
    let (status, path) = match (method, resolve(root, target)) {
        ("GET" | "HEAD", Some(path)) if path.is_file() => ("200 OK", path),
        ("GET" | "HEAD", Some(_)) => ("404 Not Found", root.join("404.html")),
        ("GET" | "HEAD", None) => ("403 Forbidden", PathBuf::new()),
        _ => ("405 Method Not Allowed", PathBuf::new()),
    };
    let body = fs::read(&path).unwrap_or_else(|_| status.as_bytes().to_vec());
    let mut writer = stream;
    write!(
        writer,
        "HTTP/1.1 {status}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        content_type(&path),
        body.len()
    )?;
    if method != "HEAD" {
        writer.write_all(&body)?;
    }
    writer.flush()
}

/// The file a request path names under `root`, `index.html` for a folder,
/// or `None` for a path that tries to climb out with `..`.
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let mut file = root.to_path_buf();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            _ => file.push(part),
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    Some(file)
}

/// Browsers need the right type to apply a stylesheet or run a script.
fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|ext| ext.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn get(port: u16, target: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the server");
        write!(stream, "GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n").expect("send");
        let mut reply = String::new();
        stream.read_to_string(&mut reply).expect("read the reply");
        reply
    }

    #[test]
    fn serves_files_and_refuses_to_climb_out() {
        let root = tempfile::tempdir().expect("create a temp dir");
        fs::write(root.path().join("index.html"), "<h1>netlab</h1>").unwrap();
        fs::write(root.path().join("netlab.css"), "p {}").unwrap();
        fs::write(root.path().join("404.html"), "not here").unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let port = listener.local_addr().unwrap().port();
        let dir = root.path().to_path_buf();
        thread::spawn(move || serve_on(listener, &dir));

        let index = get(port, "/");
        assert!(index.starts_with("HTTP/1.1 200 OK\r\n"), "{index}");
        assert!(
            index.contains("Content-Type: text/html; charset=utf-8\r\n"),
            "{index}"
        );
        assert!(index.ends_with("\r\n\r\n<h1>netlab</h1>"), "{index}");
        let css = get(port, "/netlab.css?v=1");
        assert!(css.contains("Content-Type: text/css"), "{css}");
        let missing = get(port, "/nope.html");
        assert!(
            missing.starts_with("HTTP/1.1 404") && missing.ends_with("not here"),
            "{missing}"
        );
        let escape = get(port, "/../../etc/passwd");
        assert!(escape.starts_with("HTTP/1.1 403 Forbidden"), "{escape}");
    }
}
