//! `cargo xtask serve`: the book, built, on http://127.0.0.1:PORT/, rebuilt
//! when a chapter, an example's code or recording, or the theme changes;
//! the open page then reloads, as with `mdbook serve`.
//!
//! The server is std's: a preview needs `GET` of files on the loopback
//! address and one stream of events, and every dependency would add build
//! time to the first `cargo xtask serve` of a fresh clone. The one crate
//! here is notify, which asks the kernel to report changes (inotify)
//! rather than scanning the files again and again. What it leaves out, on
//! purpose: keep-alive, range requests, caching headers and
//! percent-decoding (mdBook's file names are plain).
//!
//! How a page reloads: every HTML page served gets a one-line script that
//! opens `/__netlab/reload`, a stream of server-sent events; after each
//! rebuild the server sends one, and the page reloads itself. The built
//! book (`cargo xtask build`, `mdbook build`) has no such script.

use anyhow::{Context, Result};
use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// What the server adds to every HTML page: reload when told to.
const RELOAD_SCRIPT: &str =
    "<script>new EventSource(\"/__netlab/reload\").onmessage = () => location.reload();</script>";

/// The book's builds so far: a number that grows with each rebuild, and a
/// way to wait for the next.
#[derive(Clone, Default)]
pub struct Builds(Arc<(Mutex<u64>, Condvar)>);

impl Builds {
    fn bump(&self) {
        let (count, changed) = &*self.0;
        *count.lock().expect("no panics while held") += 1;
        changed.notify_all();
    }

    fn current(&self) -> u64 {
        *self.0.0.lock().expect("no panics while held")
    }

    /// Waits up to `timeout` for a build after `seen`; whether one came.
    fn wait_after(&self, seen: u64, timeout: Duration) -> bool {
        let (count, changed) = &*self.0;
        let guard = count.lock().expect("no panics while held");
        let (guard, _) = changed
            .wait_timeout_while(guard, timeout, |count| *count <= seen)
            .expect("no panics while held");
        *guard > seen
    }
}

/// Builds the book at `root`, serves it on http://127.0.0.1:PORT/ until the
/// process is stopped, and rebuilds it when its sources change.
pub fn serve(root: &Path, port: u16) -> Result<()> {
    // Loopback only: the preview is for the person at this machine.
    let listener = TcpListener::bind(("127.0.0.1", port))
        .with_context(|| format!("listen on 127.0.0.1:{port} (taken? pick another with --port)"))?;
    let book = timed_build(root)?;
    let builds = Builds::default();
    let _watcher = watch(root, builds.clone())?;
    println!(
        "Serving the book on http://127.0.0.1:{}/ (Ctrl-C to stop); it rebuilds when src/, \
         theme/ or snippets/examples/ change",
        listener.local_addr()?.port()
    );
    serve_on(listener, &book, Some(builds))
}

/// Builds, saying how long it took; the folder of the built book.
fn timed_build(root: &Path) -> Result<PathBuf> {
    let started = Instant::now();
    let book = crate::build_book(root)?;
    println!("Built the book in {:.1?}", started.elapsed());
    Ok(book)
}

/// Watches what the book is made of; after each burst of changes (an
/// editor writes a file in several steps), rebuilds and counts the build.
/// A build that fails is reported here, and the last good book stays.
fn watch(root: &Path, builds: Builds) -> Result<notify::RecommendedWatcher> {
    use notify::{RecursiveMode, Watcher};
    let (changes, changed) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|event| !event.kind.is_access()) {
            let _ = changes.send(());
        }
    })
    .context("watch the book's files")?;
    for part in ["src", "theme", "snippets/examples", "book.toml"] {
        let path = root.join(part);
        if path.exists() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .with_context(|| format!("watch {}", path.display()))?;
        }
    }
    let root = root.to_path_buf();
    thread::spawn(move || {
        while changed.recv().is_ok() {
            // The burst is over once nothing changed for 200 ms.
            while changed.recv_timeout(Duration::from_millis(200)).is_ok() {}
            match timed_build(&root) {
                Ok(_) => builds.bump(),
                Err(error) => eprintln!("serve: the book did not build: {error:#}"),
            }
        }
    });
    Ok(watcher)
}

/// Serves `root` on `listener`; with `builds`, pages reload after each.
pub fn serve_on(listener: TcpListener, root: &Path, builds: Option<Builds>) -> Result<()> {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let root = root.to_path_buf();
        let builds = builds.clone();
        // One thread per connection: browsers open several at once and may
        // leave one idle, and a page's event stream stays open.
        thread::spawn(move || {
            if let Err(error) = respond(&stream, &root, builds.as_ref())
                && error.kind() != io::ErrorKind::BrokenPipe
            {
                eprintln!("serve: {error}");
            }
        });
    }
    Ok(())
}

fn respond(stream: &TcpStream, root: &Path, builds: Option<&Builds>) -> io::Result<()> {
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
    if let (Some(builds), "GET", "/__netlab/reload") = (builds, method, target) {
        return reload_events(stream, builds);
    }
    let (status, path) = match (method, resolve(root, target)) {
        ("GET" | "HEAD", Some(path)) if path.is_file() => ("200 OK", path),
        ("GET" | "HEAD", Some(_)) => ("404 Not Found", root.join("404.html")),
        ("GET" | "HEAD", None) => ("403 Forbidden", PathBuf::new()),
        _ => ("405 Method Not Allowed", PathBuf::new()),
    };
    let mut body = fs::read(&path).unwrap_or_else(|_| status.as_bytes().to_vec());
    if builds.is_some() && content_type(&path).starts_with("text/html") {
        body = with_reload_script(&body);
    }
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

/// `/__netlab/reload`: server-sent events, one `reload` after each build
/// that follows the page's load; a comment every 15 s keeps the connection
/// alive and finds out when the page has gone (the write fails).
fn reload_events(mut stream: &TcpStream, builds: &Builds) -> io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
    )?;
    stream.flush()?;
    let mut seen = builds.current();
    loop {
        if builds.wait_after(seen, Duration::from_secs(15)) {
            seen = builds.current();
            stream.write_all(b"data: reload\n\n")?;
        } else {
            stream.write_all(b": still here\n\n")?;
        }
        stream.flush()?;
    }
}

/// The page with [`RELOAD_SCRIPT`] before its `</body>`.
fn with_reload_script(page: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(page);
    match text.rfind("</body>") {
        Some(at) => format!("{}{RELOAD_SCRIPT}\n{}", &text[..at], &text[at..]).into_bytes(),
        None => page.to_vec(),
    }
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
        thread::spawn(move || serve_on(listener, &dir, None));

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
