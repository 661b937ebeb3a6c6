//! `GET /run/NAME?token=T[&check]`: one of the book's examples, run on
//! this machine for a page, its transcript (or with `check`, its claims)
//! streamed as it comes, then compared with the book.
//!
//! Asked for server-sent events (`Accept: text/event-stream`, as the
//! page's script asks), the answer is events, one line of data each:
//!
//! - `start`: the command line, as a reader would type it;
//! - `note`: a line that is not the transcript: who runs it, cargo's
//!   progress while it builds the example, the example's stderr;
//! - `line`: a line of the transcript (the example's stdout);
//! - `verdict`: at the end, the comparison with the book, as JSON (see
//!   [`super::verdict::compare`]), with `ended`: how the run ended.
//!
//! Otherwise it is plain text: the transcript alone (see [`super::feed`]).
//!
//! One run at a time: a run changes nothing on the machine, but two at
//! once would share two cores and the Docker ones a lot of memory. A run
//! is killed when its page goes away (the browser closes the connection:
//! leaving the page, reloading it, the Stop button), and at the time
//! limit.

use std::io;
use std::net::{Shutdown, TcpStream};
use std::process::Command;
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use super::child::{self, Ended, Said};
use super::examples::{Places, Plan};
use super::feed::Feed;
use super::http::{self, Request};
use super::verdict;

/// How long cargo may take to build an example the first time.
const BUILD_LIMIT: Duration = Duration::from_secs(900);

/// The book's examples, run one at a time.
pub struct Bench {
    pub places: Places,
    /// A run that takes longer is killed.
    pub time_limit: Duration,
    /// The example running, if one is.
    running: Mutex<Option<String>>,
}

impl Bench {
    pub fn new(places: Places, time_limit: Duration) -> Bench {
        Bench {
            places,
            time_limit,
            running: Mutex::new(None),
        }
    }

    /// The examples a page may run, each with what keeps it from running
    /// here, if anything.
    pub fn examples(&self) -> Vec<(String, Option<String>)> {
        let shown = self.places.shown();
        shown
            .into_iter()
            .map(|name| {
                let obstacle = self.places.obstacle(&name);
                (name, obstacle)
            })
            .collect()
    }

    /// Answers `GET /run/NAME`; the caller checked the site and the token.
    pub fn run(&self, stream: &TcpStream, request: &Request, name: &str) -> io::Result<()> {
        if !self.places.shown().iter().any(|shown| shown == name) {
            let why = format!("no example {name} in the book's transcripts");
            return http::refuse(stream, request, "404 Not Found", &why);
        }
        if let Some(why) = self.places.obstacle(name) {
            return http::refuse(stream, request, "503 Service Unavailable", &why);
        }
        let Some(_turn) = self.take_turn(name) else {
            let running = self.running.lock().expect("no panics while held").clone();
            let why = format!(
                "{} is running: one run at a time; wait for it to end, or close its page",
                running.unwrap_or_else(|| "another example".into())
            );
            return http::refuse(stream, request, "409 Conflict", &why);
        };
        let plan = self.places.plan(name, request.param("check").is_some());
        let mut feed = Feed::start(stream, request)?;
        let (said, heard) = mpsc::channel();
        child::watch_page(stream, said.clone())?;
        let result = self.stream_run(&plan, &mut feed, &said, &heard);
        // The end of the answer; it also wakes the thread watching the page.
        let _ = stream.shutdown(Shutdown::Both);
        result
    }

    /// Takes the one turn to run, or `None` while another example runs.
    fn take_turn(&self, name: &str) -> Option<Turn<'_>> {
        let mut running = self.running.lock().expect("no panics while held");
        if running.is_some() {
            return None;
        }
        *running = Some(name.to_string());
        Some(Turn(self))
    }

    /// Builds the example if needed, runs it, streams what it prints, and
    /// sends the verdict.
    fn stream_run(
        &self,
        plan: &Plan,
        feed: &mut Feed,
        said: &Sender<Said>,
        heard: &Receiver<Said>,
    ) -> io::Result<()> {
        feed.command(&plan.typed)?;
        if let Some(build) = self.places.build(&plan.name) {
            feed.note(&format!("cargo build --example {}", plan.name))?;
            match child::follow(build, feed, said, heard, BUILD_LIMIT, None)? {
                Ended::Exited(status) if status.success() => {}
                Ended::PageGone => return page_gone(plan),
                _ => {
                    let why = format!("{} did not build: cargo's messages are above", plan.name);
                    return send_end(feed, "failed", &why);
                }
            }
        }
        feed.note(&who(self.places.root))?;
        let mut command = Command::new(&plan.program);
        command.args(&plan.args);
        let mut stdout = Vec::new();
        let ended = child::follow(
            command,
            feed,
            said,
            heard,
            self.time_limit,
            Some(&mut stdout),
        )?;
        let status = match ended {
            Ended::PageGone => return page_gone(plan),
            Ended::OverTime(limit) => {
                println!(
                    "serve: stopped {}: over the time limit, {limit:?}",
                    plan.name
                );
                let why = format!("Stopped: the run took longer than the time limit, {limit:?}.");
                return send_end(feed, "stopped", &why);
            }
            Ended::Exited(status) => status,
        };
        let mut text = stdout.join("\n");
        text.push('\n');
        let book = &self.places.book;
        let mut verdict =
            verdict::compare(book, &plan.name, plan.check, plan.variant.as_deref(), &text);
        if !status.success() {
            let headline = verdict["headline"].as_str().unwrap_or_default();
            verdict["headline"] = format!("The example failed ({status}). {headline}").into();
            verdict["outcome"] = "failed".into();
        }
        verdict["ended"] = status.to_string().into();
        feed.verdict(&verdict)
    }
}

/// The one turn to run; given back when dropped.
struct Turn<'a>(&'a Bench);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        *self.0.running.lock().expect("no panics while held") = None;
    }
}

/// Says, where the server prints, that a run was stopped: no page is
/// left to tell.
fn page_gone(plan: &Plan) -> io::Result<()> {
    println!("serve: stopped {}: its page went away", plan.name);
    Ok(())
}

/// Who runs the example, in one line for the page.
fn who(root: bool) -> String {
    match root {
        true => "as root, as the server runs".to_string(),
        false => "as you, rootless: the example makes a user namespace of its own, where it \
                  may build its lab"
            .to_string(),
    }
}

/// The verdict on a run that did not get to a transcript.
fn send_end(feed: &mut Feed, outcome: &str, headline: &str) -> io::Result<()> {
    feed.verdict(&serde_json::json!({
        "outcome": outcome,
        "headline": headline,
        "rows": [],
        "ended": null,
    }))
}
