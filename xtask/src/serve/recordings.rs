//! The book's recordings of an example, and the situation each was made
//! in, as their names say: `output-engine-20-forwarding-on.txt` was made
//! against Docker Engine 20.10 with IPv4 forwarding already on.

use std::fs;
use std::path::Path;

use crate::engine;

/// One recording of an example, and the situation it was made in.
pub struct Recording {
    /// `output-engine-20.txt`.
    pub file: String,
    /// `None`: the book's own, for this run's situation.
    pub situation: Option<String>,
    /// Masked (a transcript) or as it is (claims), without the command line.
    pub text: String,
}

/// A run's text as it is compared: a transcript masked, claims as they are.
pub fn masked(name: &str, check: bool, text: &str) -> String {
    match check {
        true => text.to_string(),
        false => netlab_mask::mask(name, text),
    }
}

/// The example's recordings of `kind` made in a situation the book names
/// (another Engine, the VM's kernel, forwarding on): the one of this run's
/// situation (`variant`) first; none made with other arguments (`--scale`).
pub fn recordings(book: &Path, name: &str, check: bool, variant: Option<&str>) -> Vec<Recording> {
    let stem = if check { "claims" } else { "output" };
    let Ok(entries) = fs::read_dir(book.join("snippets/examples").join(name)) else {
        return Vec::new();
    };
    let mut found: Vec<Recording> = Vec::new();
    let mut files: Vec<String> = entries
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    for file in files {
        let Some(rest) = file.strip_prefix(stem).and_then(|r| r.strip_suffix(".txt")) else {
            continue;
        };
        let this = match rest {
            "" => None,
            _ => match rest.strip_prefix('-') {
                Some(this) => Some(this),
                None => continue,
            },
        };
        // Not this run's situation: one the book names, or none to compare
        // with (another command's recording, `output.txt` of an example run
        // against another Engine).
        let situation = match this == variant {
            true => None,
            false => match this.and_then(situation) {
                Some(words) => Some(words),
                None => continue,
            },
        };
        let Ok(text) = fs::read_to_string(book.join("snippets/examples").join(name).join(&file))
        else {
            continue;
        };
        // A transcript's first line is the command that made it, which
        // names the Engine's folder: compared, only what the run printed.
        let body = match check {
            true => text,
            false => text
                .split_once('\n')
                .map_or("", |(_, body)| body)
                .to_string(),
        };
        found.push(Recording {
            text: masked(name, check, &body),
            file,
            situation,
        });
    }
    found.sort_by_key(|recording| recording.situation.is_some());
    found
}

/// What a recording's variant name says about where it was made
/// (`engine-20-forwarding-on`: "Engine 20.10, with forwarding already
/// on"), or `None` for one made with other arguments (`scale`).
fn situation(variant: &str) -> Option<String> {
    let words: Vec<&str> = variant.split('-').collect();
    let mut parts = Vec::new();
    let mut at = 0;
    while at < words.len() {
        match (words[at], words.get(at + 1)) {
            ("vm", _) => {
                parts.push(
                    "in the virtual machine of cargo xtask vm, on Debian's own kernel".to_string(),
                );
                at += 1;
            }
            ("engine", Some(major)) => {
                let release = engine::RELEASES
                    .iter()
                    .find(|r| r.version.split('.').next() == Some(*major))?;
                parts.push(format!("Docker Engine {}", release.version));
                at += 2;
            }
            ("forwarding", Some(&"on")) => {
                parts.push("IPv4 forwarding already on when the Engine started".to_string());
                at += 2;
            }
            _ => return None,
        }
    }
    Some(parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_names_say_where_they_were_recorded() {
        assert_eq!(
            situation("engine-20-forwarding-on").as_deref(),
            Some("Docker Engine 20.10, IPv4 forwarding already on when the Engine started")
        );
        assert!(situation("vm").is_some_and(|words| words.contains("cargo xtask vm")));
        assert_eq!(situation("scale"), None);
        assert_eq!(situation("engine-19"), None);
    }
}
