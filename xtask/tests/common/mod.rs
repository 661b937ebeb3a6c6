//! A real `cargo xtask serve`, serving a copy of the book on a free port,
//! and plain HTTP requests to it: what the tests of the served book share.

#![allow(dead_code)] // Each test file uses its own part of it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// The server, its address and token, and the copy of the book it serves;
/// killed when the test ends, however it ends.
pub struct Served {
    pub port: u16,
    pub token: String,
    pub book: tempfile::TempDir,
    /// What the server prints after its address, line by line.
    pub printed: mpsc::Receiver<String>,
    child: Child,
}

impl Served {
    /// Starts `xtask serve --port 0 --book COPY ARGS...` and waits until it
    /// says where it serves. Its other lines go to the test's stderr.
    pub fn start(args: &[&str]) -> Served {
        Served::start_as(Command::new(xtask()), args)
    }

    /// The same as the ordinary user `nobody` (through util-linux's
    /// `setpriv`, which runs the program itself, so that killing it kills
    /// the server), as a reader runs it: rootless. The copy of the book is
    /// open to all, for the server writes the built book there; the
    /// examples are built already (`NETLAB_EXAMPLES_BUILT=1`), for `nobody`
    /// may not write in `target/`.
    pub fn start_as_nobody(args: &[&str]) -> Served {
        let mut command = Command::new("setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(xtask())
            .env("NETLAB_EXAMPLES_BUILT", "1")
            .env("HOME", std::env::temp_dir());
        Served::start_as(command, args)
    }

    /// Starts `command serve ...`: xtask, or what runs xtask.
    fn start_as(mut command: Command, args: &[&str]) -> Served {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .find(|folder| folder.join("book.toml").is_file())
            .expect("the book's root, above this package")
            .to_path_buf();
        let book = tempfile::tempdir().expect("a temporary folder");
        for part in ["book.toml", "src", "theme", "snippets/examples"] {
            copy_tree(&root.join(part), &book.path().join(part));
        }
        open_to_all(book.path());
        let mut child = command
            .args(["serve", "--port", "0", "--book"])
            .arg(book.path())
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start xtask serve");
        let stdout = child.stdout.take().expect("its stdout");
        let (address, told) = mpsc::channel();
        let (print, printed) = mpsc::channel();
        // Read to the end, so that the server never writes into a full pipe.
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                eprintln!("serve: {line}");
                match line.strip_prefix("Serving the book on http://127.0.0.1:") {
                    Some(rest) => address.send(rest.to_string()).unwrap_or(()),
                    None => print.send(line).unwrap_or(()),
                }
            }
        });
        let mut served = Served {
            port: 0,
            token: String::new(),
            book,
            printed,
            child,
        };
        // `3000/?token=0123...abcd (Ctrl-C to stop) ...`
        let rest = told
            .recv_timeout(Duration::from_secs(300))
            .expect("the server says where it serves");
        let (port, rest) = rest
            .split_once("/?token=")
            .expect("the address has a token");
        served.port = port.parse().expect("a port");
        served.token = rest.split_whitespace().next().unwrap_or("").to_string();
        served
    }

    /// The server's own process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the server (SIGKILL: it has no time to clean up).
    pub fn kill(&mut self) {
        self.child.kill().expect("kill the server");
        self.child.wait().expect("reap the server");
    }

    /// Waits for the server to print a line that holds `text`.
    pub fn prints(&self, text: &str) -> String {
        loop {
            let line = self
                .printed
                .recv_timeout(Duration::from_secs(300))
                .unwrap_or_else(|_| panic!("the server prints {text:?}"));
            if line.contains(text) {
                return line;
            }
        }
    }

    /// A connection with `GET target` sent, with `Host: 127.0.0.1:PORT`
    /// and `headers` (each `Name: value`).
    pub fn send(&self, target: &str, headers: &[&str]) -> TcpStream {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        let mut request = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n", self.port);
        for header in headers {
            request.push_str(&format!("{header}\r\n"));
        }
        request.push_str("\r\n");
        stream
            .write_all(request.as_bytes())
            .expect("send the request");
        stream
    }

    /// `GET target`, read to the end: the status line's code and the body.
    pub fn get(&self, target: &str, headers: &[&str]) -> (u16, String) {
        let mut reply = String::new();
        self.send(target, headers)
            .read_to_string(&mut reply)
            .expect("read the reply");
        let (head, body) = reply.split_once("\r\n\r\n").expect("headers, then a body");
        let status = head.split(' ').nth(1).and_then(|code| code.parse().ok());
        (status.expect("a status line"), body.to_string())
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// xtask's binary: cargo names it to xtask's own tests; another package's
/// tests (the browser test, in netlab-handouts, which has the browser
/// driver) find it beside their own binary, in `target/debug/`, where
/// `cargo xtask` (which runs the suite) and `cargo test --workspace` put it.
fn xtask() -> PathBuf {
    if let Some(path) = option_env!("CARGO_BIN_EXE_xtask") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("this test's binary");
    // target/debug/deps/TEST-HASH -> target/debug/xtask
    let xtask = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("xtask"));
    match xtask {
        Some(xtask) if xtask.is_file() => xtask,
        _ => panic!(
            "no xtask binary beside {}: run `cargo build -p xtask` first",
            exe.display()
        ),
    }
}

/// Lets every user read and write under `dir` (a test's own copy).
fn open_to_all(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = if dir.is_dir() { 0o777 } else { 0o666 };
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).unwrap();
    if dir.is_dir() {
        for entry in std::fs::read_dir(dir).unwrap() {
            open_to_all(&entry.unwrap().path());
        }
    }
}

/// Copies `from` into `to`, folders and all.
pub fn copy_tree(from: &Path, to: &Path) {
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
