//! A DNS message, as it crosses the wire (RFC 1035, section 4): the little
//! of it that names a container's address. A query asks one question, "the
//! A record of `netlab-blue`"; an answer repeats the question and adds the
//! record, or says "no such name".
//!
//! ```text
//! header (12 bytes): id, flags, and four counts: questions, answers, ...
//! question:  the name as labels (7 "netlab-" ... 0), type (A = 1), class (IN = 1)
//! answer:    the name (or a pointer to it), type, class, TTL, length, 4 bytes
//! ```
//!
//! Everything a parser reads here comes from the network: every length is
//! checked, and a message that does not add up is an error, never a panic.

use std::net::Ipv4Addr;

use anyhow::{Result, bail};

/// Record type A: an IPv4 address.
pub const TYPE_A: u16 = 1;
/// Class IN, the Internet.
const CLASS_IN: u16 = 1;
/// Flags: QR, this is a response.
const RESPONSE: u16 = 0x8000;
/// Flags: AA, the server is authoritative for the name.
const AUTHORITATIVE: u16 = 0x0400;
/// Flags: RD, the client wants the server to recurse for it.
const RECURSION_DESIRED: u16 = 0x0100;
/// Response code NXDOMAIN: no such name (the flags' low 4 bits).
pub const NXDOMAIN: u16 = 3;

/// A query for the A record of `name`, with the id `id`.
pub fn query(id: u16, name: &str) -> Vec<u8> {
    let mut message = header(id, RECURSION_DESIRED, 1, 0);
    question(&mut message, name, TYPE_A);
    message
}

/// What a query asks: its id, whether it wants recursion, its name (lower
/// case, without the final dot) and the record type.
#[derive(Debug, PartialEq)]
pub struct Question {
    pub id: u16,
    pub recursion: bool,
    pub name: String,
    pub kind: u16,
}

/// Reads a query of one question.
pub fn parse_query(message: &[u8]) -> Result<Question> {
    let (id, flags, questions) = parse_header(message)?;
    if flags & RESPONSE != 0 || questions != 1 {
        bail!("not a query of one question");
    }
    let (name, at) = read_name(message, 12)?;
    let kind = read_u16(message, at)?;
    read_u16(message, at + 2)?; // the class
    Ok(Question {
        id,
        recursion: flags & RECURSION_DESIRED != 0,
        name,
        kind,
    })
}

/// The answer to `question`: its address, with a TTL of `ttl` seconds, or
/// `None` for NXDOMAIN. The answer's name is a pointer (0xC00C) to the
/// question's, 12 bytes in.
pub fn answer(question: &Question, address: Option<Ipv4Addr>, ttl: u32) -> Vec<u8> {
    let mut flags = RESPONSE | AUTHORITATIVE;
    if question.recursion {
        flags |= RECURSION_DESIRED;
    }
    let answers = match (address, question.kind) {
        (None, _) => {
            flags |= NXDOMAIN;
            0
        }
        (Some(_), TYPE_A) => 1,
        // A name that exists, asked for another type (AAAA): no record.
        (Some(_), _) => 0,
    };
    let mut message = header(question.id, flags, 1, answers);
    self::question(&mut message, &question.name, question.kind);
    if let (Some(address), 1) = (address, answers) {
        message.extend_from_slice(&0xC00C_u16.to_be_bytes());
        message.extend_from_slice(&TYPE_A.to_be_bytes());
        message.extend_from_slice(&CLASS_IN.to_be_bytes());
        message.extend_from_slice(&ttl.to_be_bytes());
        message.extend_from_slice(&4_u16.to_be_bytes());
        message.extend_from_slice(&address.octets());
    }
    message
}

/// What an answer to the query `id` says: the first A record's address,
/// `Ok(None)` for no such name (or no A record), or an error if it is no
/// answer to that query.
pub fn parse_answer(message: &[u8], id: u16) -> Result<Option<Ipv4Addr>> {
    let (answer_id, flags, questions) = parse_header(message)?;
    if answer_id != id || flags & RESPONSE == 0 {
        bail!("not the answer to query {id}");
    }
    let answers = read_u16(message, 6)?;
    let mut at = 12;
    for _ in 0..questions {
        at = read_name(message, at)?.1 + 4;
    }
    for _ in 0..answers {
        at = read_name(message, at)?.1;
        let kind = read_u16(message, at)?;
        let length = usize::from(read_u16(message, at + 8)?);
        let data = message
            .get(at + 10..at + 10 + length)
            .ok_or_else(|| anyhow::anyhow!("an answer's data runs past the message"))?;
        if let (TYPE_A, Ok(octets)) = (kind, <[u8; 4]>::try_from(data)) {
            return Ok(Some(Ipv4Addr::from(octets)));
        }
        at += 10 + length;
    }
    Ok(None)
}

/// The response code of an answer (0: no error, 3: NXDOMAIN).
pub fn response_code(message: &[u8]) -> Result<u16> {
    Ok(parse_header(message)?.1 & 0x000F)
}

fn header(id: u16, flags: u16, questions: u16, answers: u16) -> Vec<u8> {
    let mut message = Vec::with_capacity(64);
    for field in [id, flags, questions, answers, 0, 0] {
        message.extend_from_slice(&field.to_be_bytes());
    }
    message
}

/// The question section: `netlab-blue` as the labels 11 "netlab-blue" 0.
fn question(message: &mut Vec<u8>, name: &str, kind: u16) {
    for label in name.split('.').filter(|label| !label.is_empty()) {
        // A label is at most 63 bytes: longer ones are cut, not sent wrong.
        let label = &label.as_bytes()[..label.len().min(63)];
        message.push(label.len() as u8);
        message.extend_from_slice(label);
    }
    message.push(0);
    message.extend_from_slice(&kind.to_be_bytes());
    message.extend_from_slice(&CLASS_IN.to_be_bytes());
}

/// The id, the flags and the number of questions.
fn parse_header(message: &[u8]) -> Result<(u16, u16, u16)> {
    if message.len() < 12 {
        bail!("{} bytes, shorter than a DNS header (12)", message.len());
    }
    Ok((
        read_u16(message, 0)?,
        read_u16(message, 2)?,
        read_u16(message, 4)?,
    ))
}

fn read_u16(message: &[u8], at: usize) -> Result<u16> {
    match message.get(at..at + 2) {
        Some(&[high, low]) => Ok(u16::from_be_bytes([high, low])),
        _ => bail!(
            "the message ends at byte {}, before a field at {at}",
            message.len()
        ),
    }
}

/// The name at `at` (lower case, dots between labels) and where what
/// follows it starts. A pointer (two bytes, top bits 11) says "the rest of
/// the name is at this offset": followed at most a few times, backwards
/// only, so a loop of pointers cannot run forever.
fn read_name(message: &[u8], mut at: usize) -> Result<(String, usize)> {
    let mut labels: Vec<String> = Vec::new();
    let mut end = None;
    let mut jumps = 0;
    loop {
        let length = *message
            .get(at)
            .ok_or_else(|| anyhow::anyhow!("a name runs past the message"))?;
        match length {
            0 => break,
            0xC0..=0xFF => {
                let pointer = usize::from(read_u16(message, at)? & 0x3FFF);
                end.get_or_insert(at + 2);
                jumps += 1;
                if pointer >= at || jumps > 8 {
                    bail!("a name's pointer goes forward or loops");
                }
                at = pointer;
            }
            1..=63 => {
                let label = message
                    .get(at + 1..at + 1 + usize::from(length))
                    .ok_or_else(|| anyhow::anyhow!("a label runs past the message"))?;
                labels.push(String::from_utf8_lossy(label).to_ascii_lowercase());
                at += 1 + usize::from(length);
            }
            _ => bail!("a label of {length} bytes (at most 63)"),
        }
    }
    Ok((labels.join("."), end.unwrap_or(at + 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_and_its_answer_make_the_round_trip() {
        let asked = query(0x1234, "netlab-blue");
        assert_eq!(
            asked,
            b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x0bnetlab-blue\x00\x00\x01\x00\x01"
        );
        let question = parse_query(&asked).unwrap();
        assert_eq!(question.name, "netlab-blue");
        let blue = Ipv4Addr::new(172, 18, 0, 2);
        let answered = answer(&question, Some(blue), 600);
        assert_eq!(parse_answer(&answered, 0x1234).unwrap(), Some(blue));
        assert_eq!(response_code(&answered).unwrap(), 0);
        let unknown = answer(&question, None, 600);
        assert_eq!(parse_answer(&unknown, 0x1234).unwrap(), None);
        assert_eq!(response_code(&unknown).unwrap(), NXDOMAIN);
        assert!(
            parse_answer(&answered, 0x4321).is_err(),
            "another query's id"
        );
    }

    #[test]
    fn short_and_garbage_messages_are_errors_not_panics() {
        let whole = answer(
            &parse_query(&query(7, "blue")).unwrap(),
            Some([10, 0, 0, 1].into()),
            1,
        );
        for cut in 0..whole.len() {
            let _ = parse_query(&whole[..cut]);
            let _ = parse_answer(&whole[..cut], 7);
        }
        assert!(parse_answer(&whole[..whole.len() - 1], 7).is_err());
        // A pointer to itself, and one that points forward.
        let mut looping = header(7, RESPONSE, 1, 0);
        looping.extend_from_slice(&[0xC0, 12]);
        assert!(parse_answer(&looping, 7).is_err());
        let mut forward = header(7, RESPONSE, 1, 0);
        forward.extend_from_slice(&[0xC0, 40]);
        assert!(parse_answer(&forward, 7).is_err());
        assert!(parse_query(&[0xff; 40]).is_err());
    }
}
