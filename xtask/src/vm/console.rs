//! Reading the guest's console back into one result per example.
//!
//! `/init` prints, for each example:
//!
//! ```text
//! === BEGIN bridge ===
//! (its stdout)
//! === STDERR bridge ===
//! (its stderr)
//! === END bridge rc=0 ===
//! === TIME bridge 12.31 14.02 ===
//! ```
//!
//! with one extra newline before the STDERR and END markers, so that they
//! start a line whatever the output ends with. TIME holds the guest's
//! uptime when the run began and when it ended.

/// What one example did inside the guest.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub name: String,
    pub stdout: String,
    pub stderr: String,
    /// The picture of its lab it drew (`--topology`), printed between
    /// `=== PICTURE NAME ===` and `=== END PICTURE NAME ===`.
    pub picture: Option<String>,
    /// `None` when the console stops before the END marker (the guest
    /// crashed or was killed while the example ran), or it never began.
    pub rc: Option<i32>,
    /// How long it ran, in seconds on the guest's clock (its TIME line).
    pub seconds: Option<f64>,
}

/// The outcome of each of `names`, in that order.
pub fn parse(console: &str, names: &[String]) -> Vec<Outcome> {
    // The serial line turns "\n" into "\r\n".
    let console = console.replace("\r\n", "\n");
    names.iter().map(|name| outcome(&console, name)).collect()
}

fn outcome(console: &str, name: &str) -> Outcome {
    let mut outcome = Outcome {
        name: name.to_string(),
        stdout: String::new(),
        stderr: String::new(),
        picture: picture(console, name),
        rc: None,
        seconds: seconds(console, name),
    };
    let begin = format!("=== BEGIN {name} ===\n");
    let Some(start) = console.find(&begin) else {
        return outcome;
    };
    let rest = &console[start + begin.len()..];
    let stderr_marker = format!("\n=== STDERR {name} ===\n");
    let Some(split) = rest.find(&stderr_marker) else {
        outcome.stdout = rest.to_string();
        return outcome;
    };
    outcome.stdout = rest[..split].to_string();
    let rest = &rest[split + stderr_marker.len()..];
    let end_marker = format!("\n=== END {name} rc=");
    let Some(end) = rest.find(&end_marker) else {
        outcome.stderr = rest.to_string();
        return outcome;
    };
    outcome.stderr = rest[..end].to_string();
    let code = &rest[end + end_marker.len()..];
    outcome.rc = code
        .split(" ===")
        .next()
        .and_then(|code| code.trim().parse().ok());
    outcome
}

/// The picture `name` drew, if the console holds one.
fn picture(console: &str, name: &str) -> Option<String> {
    let begin = format!("=== PICTURE {name} ===\n");
    let start = console.find(&begin)? + begin.len();
    let end = console[start..].find(&format!("\n=== END PICTURE {name} ==="))?;
    Some(console[start..start + end].to_string())
}

/// The seconds between the two uptimes of `name`'s TIME line.
fn seconds(console: &str, name: &str) -> Option<f64> {
    let marker = format!("=== TIME {name} ");
    let line = console.lines().find_map(|l| l.strip_prefix(&marker))?;
    let mut times = line.split_whitespace().map(|t| t.parse::<f64>().ok());
    let (started, ended) = (times.next()??, times.next()??);
    Some(ended - started)
}

/// The guest's uptime when `/init` started, from its first line.
pub fn init_uptime(console: &str) -> Option<f64> {
    let line = console
        .lines()
        .find(|l| l.starts_with("netlab-vm: init running"))?;
    let after = line.split("uptime ").nth(1)?;
    after.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_console_into_outcomes() {
        let console = "[    1.0] some kernel line\r\n\
            netlab-vm: init running, kernel 6.1.0-56-amd64, uptime 3.52 s\r\n\
            === BEGIN veth ===\r\nhost$ ip a\r\n1: lo\r\n\r\n=== STDERR veth ===\r\n\r\n=== END veth rc=0 ===\r\n\
            === PICTURE veth ===\r\n<svg>\r\n</svg>\r\n=== END PICTURE veth ===\r\n\
            === BEGIN bridge ===\r\npartial\r\n=== STDERR bridge ===\r\nError: create docker0\r\n=== END bridge rc=1 ===\r\n\
            === TIME bridge 12.25 14.00 ===\r\n\
            === BEGIN unshare ===\r\nhalf a line";
        let names: Vec<String> = ["veth", "bridge", "unshare", "dns"]
            .map(String::from)
            .into();
        let outcomes = parse(console, &names);
        assert_eq!(
            outcomes[0].stdout, "host$ ip a\n1: lo\n",
            "veth's stdout, last newline kept"
        );
        assert_eq!((outcomes[0].stderr.as_str(), outcomes[0].rc), ("", Some(0)));
        assert_eq!(outcomes[0].picture.as_deref(), Some("<svg>\n</svg>"));
        assert_eq!(outcomes[1].picture, None, "bridge drew none");
        // Output without a final newline keeps having none.
        assert_eq!(outcomes[1].stdout, "partial");
        assert_eq!(
            (outcomes[1].stderr.as_str(), outcomes[1].rc),
            ("Error: create docker0", Some(1))
        );
        assert_eq!(
            (outcomes[2].stdout.as_str(), outcomes[2].rc),
            ("half a line", None)
        );
        assert_eq!(
            (outcomes[3].stdout.as_str(), outcomes[3].rc),
            ("", None),
            "never began"
        );
        assert_eq!(init_uptime(console), Some(3.52));
        assert_eq!(
            outcomes[1].seconds,
            Some(1.75),
            "bridge ran 14.00 - 12.25 s"
        );
        assert_eq!(outcomes[0].seconds, None, "veth has no TIME line");
    }
}
