//! What a run sends back as it goes, in one of the two forms of
//! `GET /run/NAME`:
//!
//! - **Server-sent events** (`Accept: text/event-stream`, as the page's
//!   script asks): every line, in events that say what each is (see
//!   [`super::run`]), and the verdict at the end.
//! - **Plain text** (what `curl` gets): the transcript alone, as the book's
//!   recordings hold it, its first line the command, so that a script can
//!   keep it or compare it as it likes. cargo's progress, the example's
//!   stderr and the verdict are in the events only.

use std::io::{self, Write};
use std::net::TcpStream;

use serde_json::Value;

use super::http::{self, Events, Request};

/// Where a run's lines go.
pub enum Feed<'a> {
    Events(Events<'a>),
    Plain(&'a TcpStream),
}

impl<'a> Feed<'a> {
    /// Starts the answer in the form `request` asks for.
    pub fn start(stream: &'a TcpStream, request: &Request) -> io::Result<Feed<'a>> {
        let events = request
            .header("accept")
            .is_some_and(|accept| accept.contains("text/event-stream"));
        match events {
            true => Ok(Feed::Events(Events::start(stream)?)),
            false => {
                http::start_stream(stream, "text/plain; charset=utf-8")?;
                Ok(Feed::Plain(stream))
            }
        }
    }

    /// The command line, as a reader would type it: `$ cargo run ...`.
    pub fn command(&mut self, typed: &str) -> io::Result<()> {
        match self {
            Feed::Events(events) => events.send("start", typed),
            Feed::Plain(stream) => plain_line(stream, &format!("$ {typed}")),
        }
    }

    /// A line that is not the transcript: events only.
    pub fn note(&mut self, line: &str) -> io::Result<()> {
        match self {
            Feed::Events(events) => events.send("note", line),
            Feed::Plain(_) => Ok(()),
        }
    }

    /// A line of the transcript.
    pub fn line(&mut self, line: &str) -> io::Result<()> {
        match self {
            Feed::Events(events) => events.send("line", line),
            Feed::Plain(stream) => plain_line(stream, line),
        }
    }

    /// The comparison with the book, at the end: events only.
    pub fn verdict(&mut self, verdict: &Value) -> io::Result<()> {
        match self {
            Feed::Events(events) => events.send("verdict", &verdict.to_string()),
            Feed::Plain(_) => Ok(()),
        }
    }
}

/// One line of plain text, sent at once.
fn plain_line(mut stream: &TcpStream, line: &str) -> io::Result<()> {
    writeln!(stream, "{line}")?;
    stream.flush()
}
