//! `cargo xtask serve`: the book, built, on http://127.0.0.1:PORT/, rebuilt
//! when a chapter, an example's code or recording, or the theme changes;
//! the open page then reloads, as with `mdbook serve`. And a lab bench:
//! each lab chapter's transcript gets a "Run on this machine" button,
//! which runs the chapter's example here, streams its transcript into the
//! page, and shows what differs from the book's recording.
//!
//! The server is std's: a preview needs `GET` of files on the loopback
//! address and streams of events, one thread per connection, and every
//! dependency would add build time to the first `cargo xtask serve` of a
//! fresh clone (an HTTP crate such as tiny_http would replace about 100
//! lines of [`http`], and still leave us the event streams and noticing
//! that a page went away). The crates here are notify, which asks the
//! kernel to report changes (inotify) rather than scanning the files again
//! and again; `netlab-mask`, the tests' own masking; and `similar`, the
//! tests' line diff. mdBook already builds the regex and JSON crates those
//! use.
//!
//! # Layout
//!
//! - this file: build, watch and rebuild; accept connections, check each
//!   request and hand it to the part that answers it.
//! - [`http`]: the request, the answers, server-sent events.
//! - [`access`]: the token, and the Host and Origin checks.
//! - [`files`]: the built book's files.
//! - [`page`]: what the server adds to its pages (reload, Run buttons),
//!   with `run.js` and `run.css`.
//! - [`examples`]: which examples a page may run, and how.
//! - [`run`]: `GET /run/NAME`: one run at a time, streamed.
//! - [`child`]: a run's process, its lines sent as they come, killed when
//!   its page goes away, at the time limit, or with the server.
//! - [`feed`]: where the lines go: server-sent events, or plain text.
//! - [`verdict`]: a run beside the book's recordings.
//! - [`recordings`]: those recordings, and where each was made.

mod access;
mod child;
mod examples;
mod feed;
mod files;
mod http;
mod page;
mod recordings;
mod run;
mod verdict;

use anyhow::{Context, Result};
use std::io;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use access::Access;
use examples::Places;
use http::Request;
use page::Additions;
use run::Bench;

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

/// What one server serves: the built book, and what it adds.
struct Site {
    /// The built book's folder.
    dir: PathBuf,
    access: Access,
    /// Pages reload after each build.
    builds: Option<Builds>,
    /// The examples pages may run.
    bench: Option<Bench>,
}

/// Builds the book at `root`, serves it on http://127.0.0.1:PORT/ until the
/// process is stopped, rebuilds it when its sources change, and runs its
/// examples for its pages, each for `time_limit` at most.
pub fn serve(root: &Path, port: u16, time_limit: Duration) -> Result<()> {
    // Loopback only: the book and its runs are for the person at this machine.
    let listener = TcpListener::bind(("127.0.0.1", port))
        .with_context(|| format!("listen on 127.0.0.1:{port} (taken? pick another with --port)"))?;
    let port = listener.local_addr()?.port();
    let dir = timed_build(root)?;
    let builds = Builds::default();
    let _watcher = watch(root, builds.clone())?;
    let access = Access::new(port).context("make a token (read /dev/urandom)")?;
    let places = examples_of(root)?;
    println!(
        "Serving the book on http://127.0.0.1:{port}/?token={} (Ctrl-C to stop); it rebuilds \
         when src/, theme/ or snippets/examples/ change. Open this address: its token lets \
         the pages run the examples {}",
        access.token(),
        match places.root {
            true => "as root",
            false => "as you (rootless)",
        }
    );
    let site = Site {
        dir,
        access,
        builds: Some(builds),
        bench: Some(Bench::new(places, time_limit)),
    };
    serve_on(listener, site)
}

/// Where the examples of the book at `root` are built and run from.
fn examples_of(root: &Path) -> Result<Places> {
    let exe = std::env::current_exe().context("find xtask's own binary")?;
    let profile = exe.parent().context("xtask's binary is in a folder")?;
    let workspace = crate::workspace_root()?;
    Ok(Places {
        book: root.to_path_buf(),
        binaries: profile.join("examples"),
        engines: workspace.join("target/engines"),
        workspace,
        root: crate::test::effective_uid_is_root(),
    })
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

/// Answers each connection to `listener` with `site`.
fn serve_on(listener: TcpListener, site: Site) -> Result<()> {
    let site = Arc::new(site);
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let site = Arc::clone(&site);
        // One thread per connection: browsers open several at once and may
        // leave one idle, and a page's event streams stay open.
        thread::spawn(move || {
            if let Err(error) = respond(&stream, &site)
                && error.kind() != io::ErrorKind::BrokenPipe
            {
                eprintln!("serve: {error}");
            }
        });
    }
    Ok(())
}

/// Reads one request, checks it, and answers it.
fn respond(stream: &TcpStream, site: &Site) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let request = Request::read(stream)?;
    if let Err(refusal) = site.access.check_site(&request) {
        return http::refuse(stream, &request, refusal.status, &refusal.why);
    }
    let method = request.method.as_str();
    let run = request.path.strip_prefix("/run/");
    match (
        method,
        request.path.as_str(),
        &site.builds,
        &site.bench,
        run,
    ) {
        ("GET", "/__netlab/reload", Some(builds), ..) => reload_events(stream, builds),
        ("GET", _, _, Some(bench), Some(name)) => match site.access.check_token(&request) {
            Ok(()) => bench.run(stream, &request, name),
            Err(refusal) => http::refuse(stream, &request, refusal.status, &refusal.why),
        },
        ("GET" | "HEAD", path, ..) => match page::asset(path) {
            Some((kind, body)) => http::reply(stream, &request, "200 OK", kind, body.as_bytes()),
            None => files::respond(stream, &request, &site.dir, &additions(site)),
        },
        _ => http::refuse(stream, &request, "405 Method Not Allowed", "GET only"),
    }
}

/// What this site adds to its pages now: the examples' list is read
/// again each time, as chapters change and an Engine may have been
/// fetched since.
fn additions(site: &Site) -> Additions {
    Additions {
        reload: site.builds.is_some(),
        examples: site.bench.as_ref().map(Bench::examples),
    }
}

/// `/__netlab/reload`: server-sent events, one `reload` after each build
/// that follows the page's load; a comment every 15 s keeps the connection
/// alive and finds out when the page has gone (the write fails).
fn reload_events(stream: &TcpStream, builds: &Builds) -> io::Result<()> {
    let mut events = http::Events::start(stream)?;
    let mut seen = builds.current();
    loop {
        if builds.wait_after(seen, Duration::from_secs(15)) {
            seen = builds.current();
            events.message("reload")?;
        } else {
            events.comment("still here")?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::io::{Read, Write};

    fn get(port: u16, target: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the server");
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
        )
        .expect("send");
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
        let site = Site {
            dir: root.path().to_path_buf(),
            access: Access::new(port).unwrap(),
            builds: None,
            bench: None,
        };
        thread::spawn(move || serve_on(listener, site));

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
        // Without a bench, nothing runs: the path is a file's, and missing.
        let run = get(port, "/run/veth");
        assert!(run.starts_with("HTTP/1.1 404"), "{run}");
    }
}
