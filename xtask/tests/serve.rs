//! `cargo xtask serve` rebuilds the book when a chapter changes, and the
//! open page is told to reload: the real program, serving a copy of the
//! book, a chapter edited in the copy, and the page fetched again.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Copies `from` into `to`, folders and all.
fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

fn get(port: u16, target: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the server");
    write!(stream, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).expect("read the page");
    reply
}

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn an_edited_chapter_is_rebuilt_and_the_open_page_is_told_to_reload() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let copy = tempfile::tempdir().expect("a temporary folder");
    for part in ["book.toml", "src", "theme", "snippets/examples"] {
        copy_tree(&root.join(part), &copy.path().join(part));
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["serve", "--port", "0", "--book"])
        .arg(copy.path())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start xtask serve");
    let stdout = child.stdout.take().expect("its stdout");
    let mut lines = BufReader::new(stdout).lines();
    let server = Server(child);
    let port: u16 = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            let rest = line.strip_prefix("Serving the book on http://127.0.0.1:")?;
            rest.split('/').next()?.parse().ok()
        })
        .expect("the server says where it serves");

    let before = get(port, "/veth.html");
    assert!(before.starts_with("HTTP/1.1 200 OK"), "{before}");
    assert!(
        before.contains("new EventSource(\"/__netlab/reload\")"),
        "a served page listens for rebuilds"
    );
    assert!(!before.contains("Edited while served"));

    // The page's event stream, open before the edit.
    let mut events = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        events,
        "GET /__netlab/reload HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(90)))
        .unwrap();
    let mut events = BufReader::new(events);
    let mut line = String::new();
    events.read_line(&mut line).unwrap();
    assert_eq!(line, "HTTP/1.1 200 OK\r\n");

    let chapter = copy.path().join("src/veth.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(&chapter, format!("{text}\nEdited while served.\n")).unwrap();

    let started = Instant::now();
    loop {
        line.clear();
        let read = events.read_line(&mut line).expect("an event within 90 s");
        assert!(read > 0, "the event stream stayed open");
        if line == "data: reload\n" {
            break;
        }
    }
    eprintln!("rebuilt and told in {:.1?}", started.elapsed());
    let after = get(port, "/veth.html");
    assert!(after.contains("Edited while served."), "{after}");
    drop(server);
}
