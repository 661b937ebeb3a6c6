//! A child process followed for a page: its lines sent as they come,
//! and killed when the page goes away or at a time limit.

use std::io::{self, BufRead, BufReader, Read};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use super::feed::Feed;

/// What a child process or the page said, in the order it came.
pub enum Said {
    /// A line of stdout.
    Out(String),
    /// A line of stderr.
    Err(String),
    /// One of the child's two pipes closed.
    Closed,
    /// The page went away.
    PageGone,
}

/// How a child process ended.
pub enum Ended {
    Exited(ExitStatus),
    OverTime(Duration),
    PageGone,
}

/// Tells `said` when the page goes away. A page sends nothing after its
/// request, so a read returns only then: 0 bytes when the browser closes
/// the connection, an error when it resets it; or when the answer ends
/// and the server shuts the connection down.
pub fn watch_page(stream: &TcpStream, said: Sender<Said>) -> io::Result<()> {
    let mut page = stream.try_clone()?;
    // The timeout for reading the request would end the watch early.
    page.set_read_timeout(None)?;
    thread::spawn(move || {
        let mut bytes = [0u8; 256];
        while let Ok(1..) = page.read(&mut bytes) {}
        let _ = said.send(Said::PageGone);
    });
    Ok(())
}

/// Runs `command`, sends each line it prints to the page (stdout as
/// `line`, kept in `stdout` when given, else as `note`; stderr as
/// `note`), and kills it when the page goes away or after `limit`.
pub fn follow(
    mut command: Command,
    feed: &mut Feed,
    said: &Sender<Said>,
    heard: &Receiver<Said>,
    limit: Duration,
    mut stdout: Option<&mut Vec<String>>,
) -> io::Result<Ended> {
    let shown = format!("{:?}", command.get_program());
    die_with_this_thread(&mut command);
    let spawned = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) => {
            feed.note(&format!("could not start {shown}: {error}"))?;
            return Ok(Ended::Exited(failed_status()));
        }
    };
    forward_lines(child.stdout.take(), said.clone(), Said::Out);
    forward_lines(child.stderr.take(), said.clone(), Said::Err);
    let deadline = Instant::now() + limit;
    let mut open_pipes = 2;
    // When the child has ended but something it started still holds its
    // output open, the run is over a moment later anyway.
    let mut ended_at: Option<Instant> = None;
    while open_pipes > 0 {
        let now = Instant::now();
        if now >= deadline {
            return Ok(kill(&mut child, Ended::OverTime(limit)));
        }
        if ended_at.is_some_and(|at| now.duration_since(at) > Duration::from_secs(2)) {
            break;
        }
        let sent = match heard.recv_timeout((deadline - now).min(Duration::from_millis(500))) {
            Ok(Said::Out(line)) => match stdout.as_deref_mut() {
                Some(kept) => {
                    let sent = feed.line(&line);
                    kept.push(line);
                    sent
                }
                None => feed.note(&line),
            },
            Ok(Said::Err(line)) => feed.note(&line),
            Ok(Said::Closed) => {
                open_pipes -= 1;
                Ok(())
            }
            Ok(Said::PageGone) | Err(RecvTimeoutError::Disconnected) => {
                return Ok(kill(&mut child, Ended::PageGone));
            }
            Err(RecvTimeoutError::Timeout) => {
                if ended_at.is_none() && child.try_wait()?.is_some() {
                    ended_at = Some(now);
                }
                Ok(())
            }
        };
        if sent.is_err() {
            return Ok(kill(&mut child, Ended::PageGone));
        }
    }
    Ok(Ended::Exited(child.wait()?))
}

/// Makes the child die (SIGKILL) when the thread that starts it ends: the
/// thread that answers the page, which lives until the child is reaped,
/// unless the server itself dies (Ctrl-C, `kill -9`). Then the run dies
/// with it, rather than run on with no page to show it.
fn die_with_this_thread(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec, one system call and no allocation.
    unsafe {
        command.pre_exec(
            || match libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) {
                -1 => Err(io::Error::last_os_error()),
                _ => Ok(()),
            },
        );
    }
}

/// Kills the child (SIGKILL) and reaps it. The examples' labs live in
/// namespaces the example owns, and a private Docker Engine dies with its
/// example: nothing is left behind, even by a kill.
fn kill(child: &mut Child, ended: Ended) -> Ended {
    let _ = child.kill();
    let _ = child.wait();
    ended
}

/// Sends each line `pipe` carries as `kind`, then `Closed`.
fn forward_lines<R: Read + Send + 'static>(
    pipe: Option<R>,
    said: Sender<Said>,
    kind: fn(String) -> Said,
) {
    thread::spawn(move || {
        if let Some(pipe) = pipe {
            let mut reader = BufReader::new(pipe);
            let mut line = Vec::new();
            while reader
                .read_until(b'\n', &mut line)
                .is_ok_and(|read| read > 0)
            {
                let text = String::from_utf8_lossy(&line);
                let _ = said.send(kind(text.trim_end_matches(['\n', '\r']).to_string()));
                line.clear();
            }
        }
        let _ = said.send(Said::Closed);
    });
}

/// The status of a program that could not start, as a shell reports it.
fn failed_status() -> ExitStatus {
    use std::os::unix::process::ExitStatusExt;
    ExitStatus::from_raw(127 << 8)
}
