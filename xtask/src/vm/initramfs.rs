//! The guest's whole file system: a cpio archive the kernel unpacks into RAM.
//!
//! It holds a static busybox (the shell, `mount`, `insmod`, `poweroff`),
//! iproute2's `ip` and `bridge` and `nft` (the nftables crate drives `nft`),
//! the kernel modules the lab needs, the example binaries, the recap
//! chapter's root filesystems, the Docker Engines the `docker_*` examples
//! start (with [`docker`]'s runc, iptables and modules), and every shared
//! library those programs load, copied from the host at the path `ldd`
//! names ([`super::files`]). It is left uncompressed: gzip would save disk space but cost
//! seconds of decompression inside an emulated CPU.

use super::files::{Entry, Files, add_program, add_tree, find_program, strip};
use super::kernel::Kernel;
use super::modules::{self, Tree};
use super::runs::{self, Run};
use super::{cpio, docker};
use crate::engine::Release;
use anyhow::{Context, Result, bail};
use std::fs;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

const INIT: &str = include_str!("init.sh");

/// Host programs to copy: (name, required). The examples run `ip`, `bridge`
/// and `ifconfig` to show a namespace; `nft` is what the nftables crate
/// runs.
const PROGRAMS: &[(&str, bool)] = &[
    ("ip", false),
    ("bridge", false),
    ("ifconfig", false),
    ("nft", false),
];

/// What was put in, for the summary.
pub struct Built {
    pub path: PathBuf,
    pub bytes: u64,
    pub modules: usize,
}

/// What the guest holds and runs.
pub struct Contents<'a> {
    /// Each example that runs: (name, host binary).
    pub examples: &'a [(String, PathBuf)],
    /// What `/init` runs, in order.
    pub runs: &'a [Run],
    /// The recap chapter's root filesystems (`target/rootfs`), when that
    /// example runs: they go to `/target/rootfs`.
    pub rootfs: Option<&'a Path>,
    /// The Docker Engines the `docker_*` examples start (each a release
    /// and its folder on the host), with what they need ([`docker`]).
    pub engines: &'a [(Release, PathBuf)],
}

/// Writes the archive of `contents` to `path`; `scratch` holds the
/// examples' stripped copies.
pub fn build(kernel: &Kernel, contents: &Contents, scratch: &Path, path: &Path) -> Result<Built> {
    let mut files = Files::new();
    for dir in [
        "proc", "sys", "dev", "run", "tmp", "root", "bin", "sbin", "usr/bin", "usr/sbin",
    ] {
        files.insert(dir.into(), Entry::Dir);
    }
    // The kernel opens /dev/console for /init before anything is mounted.
    files.insert("dev/console".into(), Entry::CharDevice(5, 1));
    files.insert("init".into(), Entry::Text(INIT.into(), 0o755));
    for (name, text) in etc_files() {
        files.insert(format!("etc/{name}"), Entry::Text(text, 0o644));
    }

    let busybox = find_program("busybox").context(
        "find busybox on this machine: install Debian's busybox-static (`sudo apt-get install busybox-static`)",
    )?;
    add_program(&mut files, "bin/busybox", &busybox)?;
    for (name, required) in PROGRAMS {
        match find_program(name) {
            Some(host) => add_program(&mut files, &format!("usr/sbin/{name}"), &host)?,
            None if *required => bail!("find `{name}` on this machine"),
            None => eprintln!("vm: no `{name}` on this machine; the guest has none either"),
        }
    }

    // A Docker Engine's modules only where one runs: br_netfilter, for
    // one, would put the other examples' bridged traffic through iptables.
    let mut wanted = modules::WANTED.to_vec();
    if !contents.engines.is_empty() {
        wanted.extend_from_slice(docker::MODULES);
        docker::add(&mut files, contents.engines)?;
    }
    let tree = Tree::open(&kernel.modules)?;
    let modules = tree.resolve(&wanted)?;
    let base = format!("lib/modules/{}", kernel.release);
    let mut load = String::new();
    for module in &modules {
        let relative = module.path.display();
        let source = kernel.modules.join(&module.path);
        files.insert(format!("{base}/{relative}"), Entry::File(source, 0o644));
        load += &format!("{relative} {}\n", module.params);
    }
    files.insert(
        format!("{base}/modules.dep"),
        Entry::Text(tree.modules_dep(&modules), 0o644),
    );
    files.insert("etc/netlab/modules".into(), Entry::Text(load, 0o644));

    fs::create_dir_all(scratch).with_context(|| format!("create {}", scratch.display()))?;
    for (name, binary) in contents.examples {
        let small = strip(binary, &scratch.join(name));
        add_program(&mut files, &format!("netlab/examples/{name}"), &small)?;
    }
    let runs = runs::runs_file(contents.runs);
    files.insert("etc/netlab/runs".into(), Entry::Text(runs, 0o644));
    if let Some(rootfs) = contents.rootfs {
        add_tree(&mut files, rootfs, "target/rootfs")?;
    }

    write(&files, path)?;
    let bytes = fs::metadata(path)?.len();
    Ok(Built {
        path: path.to_path_buf(),
        bytes,
        modules: modules.len(),
    })
}

/// The few files of `/etc` the examples read: `root` and `nobody` for name
/// lookups, `hosts` (the DNS chapter bind-mounts over it in its own mount
/// namespace, so it must exist), and a `resolv.conf`.
fn etc_files() -> Vec<(&'static str, String)> {
    let mut files = vec![
        (
            "passwd",
            "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
                .into(),
        ),
        ("group", "root:x:0:\nnogroup:x:65534:\n".into()),
        (
            "hosts",
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n".into(),
        ),
        ("resolv.conf", "nameserver 127.0.0.1\n".into()),
        (
            "nsswitch.conf",
            "passwd: files\ngroup: files\nhosts: files dns\n".into(),
        ),
        ("hostname", "netlab-vm\n".into()),
    ];
    // Names of protocols and ports, for `nft` (part of Debian's netbase).
    for name in ["protocols", "services"] {
        if let Ok(text) = fs::read_to_string(Path::new("/etc").join(name)) {
            files.push((name, text));
        }
    }
    files
}

fn write(files: &Files, path: &Path) -> Result<()> {
    let file = fs::File::create(path).with_context(|| format!("create {}", path.display()))?;
    let mut archive = cpio::Writer::new(BufWriter::new(file));
    let mut dirs_done: Vec<String> = Vec::new();
    for (name, entry) in files {
        // Parent folders first, each once (the map is sorted, but an entry
        // such as lib/modules/... names folders that have no entry).
        // "lib/modules/x.ko" -> "lib", "lib/modules".
        for (slash, _) in name.match_indices('/') {
            let parent = &name[..slash];
            if !dirs_done.iter().any(|done| done == parent) {
                archive.entry(parent, cpio::DIR | 0o755, &[], (0, 0))?;
                dirs_done.push(parent.to_string());
            }
        }
        let written = match entry {
            Entry::Dir if dirs_done.contains(name) => continue,
            Entry::Dir => {
                dirs_done.push(name.clone());
                archive.entry(name, cpio::DIR | 0o755, &[], (0, 0))
            }
            Entry::File(host, mode) => {
                let data = fs::read(host).with_context(|| format!("read {}", host.display()))?;
                archive.entry(name, cpio::FILE | mode, &data, (0, 0))
            }
            Entry::Text(text, mode) => {
                archive.entry(name, cpio::FILE | mode, text.as_bytes(), (0, 0))
            }
            Entry::CharDevice(major, minor) => {
                archive.entry(name, cpio::CHAR_DEVICE | 0o600, &[], (*major, *minor))
            }
            Entry::Symlink(target) => {
                archive.entry(name, cpio::SYMLINK | 0o777, target.as_bytes(), (0, 0))
            }
        };
        written.with_context(|| format!("write {name} into {}", path.display()))?;
    }
    archive
        .finish()
        .with_context(|| format!("finish {}", path.display()))?;
    Ok(())
}
