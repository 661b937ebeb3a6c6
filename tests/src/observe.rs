//! Looking at a live lab from outside, as a student would with `--keep`:
//! enter each of its namespaces with `nsenter` and ask iproute2
//! ([`crate::iproute`]).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};

use regex::Regex;
use serde_json::Value;

use crate::iproute::{in_netns, json};
use crate::run::{As, command};

/// An example waiting in `--keep`, with the namespaces it printed.
pub struct Kept {
    child: Child,
    stdin: Option<ChildStdin>,
    /// Kept open: the example prints again when it ends.
    stdout: Option<BufReader<ChildStdout>>,
    /// Namespace name -> `/proc/PID/fd/N`, from the example's own hints.
    pub namespaces: BTreeMap<String, String>,
    /// What it printed up to the prompt.
    pub transcript: String,
}

impl Kept {
    /// Starts `example --keep` and reads its output up to the prompt.
    pub fn start(example: &str, who: As) -> Kept {
        let mut child = command(example, who, &["--keep"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start {example} --keep: {e}"));
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        // `... --net=/proc/PID/fd/N ip a`, or `cat /etc/os-release` for a
        // container with a root of its own (no `ip` there).
        let hint =
            Regex::new(r"^#   (\S+): .*--net=(/proc/\d+/fd/\d+) (ip a|cat /etc/os-release)$")
                .unwrap();
        let mut namespaces = BTreeMap::new();
        let mut transcript = String::new();
        let mut line = String::new();
        while stdout
            .read_line(&mut line)
            .expect("read the example's output")
            > 0
        {
            transcript.push_str(&line);
            if let Some(c) = hint.captures(line.trim_end()) {
                namespaces.insert(c[1].to_string(), c[2].to_string());
            }
            if line.starts_with("# Enter or Ctrl-C") {
                let stdout = Some(stdout);
                return Kept {
                    child,
                    stdin,
                    stdout,
                    namespaces,
                    transcript,
                };
            }
            line.clear();
        }
        let status = child.wait().expect("wait for the example");
        panic!("{example} --keep ended ({status}) before its prompt; it printed:\n{transcript}");
    }

    /// The process id, to kill it.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The path of one of the lab's network namespaces, as it printed it.
    fn netns(&self, namespace: &str) -> &str {
        self.namespaces.get(namespace).unwrap_or_else(|| {
            panic!(
                "the lab printed no namespace {namespace}; it has {:?}",
                self.namespaces.keys()
            )
        })
    }

    /// Runs a command inside one of the lab's namespaces, with `nsenter`.
    pub fn exec(&self, namespace: &str, argv: &[&str]) -> std::process::Output {
        in_netns(Some(self.netns(namespace)), argv[0])
            .args(&argv[1..])
            .output()
            .unwrap_or_else(|e| panic!("run nsenter {argv:?} in {namespace}: {e}"))
    }

    /// `ip -j ARGS` (or `bridge -j ARGS`) inside a namespace, parsed.
    pub fn json(&self, namespace: &str, argv: &[&str]) -> Vec<Value> {
        json(Some(self.netns(namespace)), argv[0], &argv[1..])
    }

    /// The mount namespace the lab printed for one of its containers, `red`:
    /// from its hint `#   red: ... --mount=/proc/PID/fd/N ...`.
    pub fn mount_namespace(&self, name: &str) -> String {
        let prefix = format!("#   {name}: ");
        let line = self.transcript.lines().find(|l| l.starts_with(&prefix));
        let option = line
            .and_then(|l| l.split_whitespace().find(|w| w.starts_with("--mount=")))
            .unwrap_or_else(|| {
                panic!(
                    "the lab printed no mount namespace for {name}:\n{}",
                    self.transcript
                )
            });
        option.trim_start_matches("--mount=").to_string()
    }

    /// The link named `name` in a namespace, as `ip -j -d link show`.
    pub fn link(&self, namespace: &str, name: &str) -> Value {
        let links = self.json(namespace, &["ip", "-d", "link", "show"]);
        let found = links.iter().find(|l| l["ifname"] == name).cloned();
        found.unwrap_or_else(|| panic!("no link {name} in {namespace}; ip -j link shows {links:?}"))
    }

    /// "ADDRESS/PREFIX" of every IPv4 address on a link.
    pub fn ipv4(&self, namespace: &str, name: &str) -> Vec<String> {
        let links = self.json(namespace, &["ip", "-4", "addr", "show", "dev", name]);
        let infos = links
            .iter()
            .flat_map(|l| l["addr_info"].as_array().cloned().unwrap_or_default());
        infos
            .map(|a| format!("{}/{}", a["local"].as_str().unwrap_or("?"), a["prefixlen"]))
            .collect()
    }

    /// Names of the links in a namespace.
    pub fn link_names(&self, namespace: &str) -> Vec<String> {
        let links = self.json(namespace, &["ip", "link", "show"]);
        links
            .iter()
            .filter_map(|l| l["ifname"].as_str().map(str::to_string))
            .collect()
    }

    /// Types `check` while the lab waits: the example checks its claims
    /// about the lab's state again, as it is now, and prints a `PASS` or
    /// `FAIL` line each; returns them.
    pub fn check_again(&mut self, claims: usize) -> Vec<String> {
        let stdin = self.stdin.as_mut().expect("the example's stdin");
        writeln!(stdin, "check").expect("type check");
        let stdout = self.stdout.as_mut().expect("the example's stdout");
        let mut lines = Vec::new();
        while lines.len() < claims {
            let mut line = String::new();
            let read = stdout.read_line(&mut line).expect("read the verdicts");
            assert!(read > 0, "the example ended while checking: {lines:?}");
            lines.push(line.trim_end().to_string());
        }
        lines
    }

    /// Presses Enter and waits for the example to clean up and exit.
    pub fn finish(mut self) -> std::process::ExitStatus {
        if let Some(mut stdin) = self.stdin.take() {
            writeln!(stdin).expect("press Enter");
        }
        let mut rest = String::new();
        if let Some(mut stdout) = self.stdout.take() {
            std::io::Read::read_to_string(&mut stdout, &mut rest).expect("read the last lines");
        }
        self.child.wait().expect("wait for the example")
    }
}

impl Drop for Kept {
    fn drop(&mut self) {
        // A failed assertion must not leave the example waiting.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
