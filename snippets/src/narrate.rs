//! The transcript: what a student would have typed, and what they would see.
//!
//! Before each step an example prints the shell command it stands for,
//! prefixed by the namespace it runs in (`red$ ip a` is `ip a` typed in the
//! red container); after it, the output the student would look at. The book
//! shows this transcript, recorded by the tests (`output.txt`).

use std::fmt::Display;
use std::sync::atomic::{AtomicBool, Ordering};

static QUIET: AtomicBool = AtomicBool::new(false);

/// Turns the transcript off (for benchmarks, which time the work alone).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Turns the transcript off until the returned guard is dropped, then back
/// to what it was: for steps the transcript sums up in a line of its own
/// (a lab of a thousand containers, each built with six commands).
pub fn hush() -> Hush {
    Hush(QUIET.swap(true, Ordering::Relaxed))
}

/// See [`hush`]: the transcript's state before it.
pub struct Hush(bool);

impl Drop for Hush {
    fn drop(&mut self) {
        QUIET.store(self.0, Ordering::Relaxed);
    }
}

fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// `host$ ip link add docker0 type bridge`: a command typed at the prompt
/// of `who`: a namespace of the lab (a `Netns` displays as its name), or
/// any other name.
pub fn command(who: &(impl Display + ?Sized), command: &str) {
    if quiet() {
        return;
    }
    println!("{who}$ {command}");
}

/// `red$ ping -c 1 172.17.0.3`: [`command`] at the prompt of a name, for the
/// Docker examples, whose containers are not namespaces of ours.
pub fn prompt(who: &str, command: &str) {
    self::command(who, command);
}

/// A comment for the reader, as a shell comment: `# ...`. A blank line
/// before it separates the lab's steps.
pub fn say(text: &str) {
    if quiet() {
        return;
    }
    println!();
    for line in text.lines() {
        println!("# {line}");
    }
}

/// What a command printed.
pub fn output(text: &str) {
    if quiet() {
        return;
    }
    for line in text.lines() {
        println!("{line}");
    }
}

/// `argv` as you would type it in a shell: a word with a space or a shell
/// character in it is quoted, in single quotes unless it holds one
/// (`--format '{{.Server.Version}}'`, `sh -c "echo 'x' >> /etc/hosts"`).
pub fn shell_words(argv: &[&str]) -> String {
    let quoted: Vec<String> = argv
        .iter()
        .map(|word| {
            let plain = !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@+%".contains(c));
            if plain {
                word.to_string()
            } else if !word.contains('\'') {
                format!("'{word}'")
            } else {
                let escaped: String = word
                    .chars()
                    .flat_map(|c| match c {
                        '"' | '$' | '`' | '\\' => vec!['\\', c],
                        c => vec![c],
                    })
                    .collect();
                format!("\"{escaped}\"")
            }
        })
        .collect();
    quoted.join(" ")
}

#[cfg(test)]
mod tests {
    use super::shell_words;

    #[test]
    fn words_are_quoted_as_a_shell_needs_them() {
        assert_eq!(
            shell_words(&[
                "ps",
                "--filter",
                "label=io.netlab",
                "--format",
                "table {{.Names}}\t{{.Image}}"
            ]),
            "ps --filter label=io.netlab --format 'table {{.Names}}\t{{.Image}}'"
        );
        assert_eq!(
            shell_words(&["sh", "-c", "echo 'x' >> /etc/hosts"]),
            "sh -c \"echo 'x' >> /etc/hosts\""
        );
        assert_eq!(
            shell_words(&["echo", "it's $HOME"]),
            "echo \"it's \\$HOME\""
        );
    }
}
