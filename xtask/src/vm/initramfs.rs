//! The guest's whole file system: a cpio archive the kernel unpacks into RAM.
//!
//! It holds a static busybox (the shell, `mount`, `insmod`, `poweroff`),
//! iproute2's `ip` and `bridge` and `nft` (the nftables crate drives `nft`),
//! the kernel modules the lab needs, the example binaries, the recap
//! chapter's root filesystems, and every shared library those programs load, copied from the host at the path `ldd`
//! names. It is left uncompressed: gzip would save disk space but cost
//! seconds of decompression inside an emulated CPU.

use super::cpio;
use super::kernel::Kernel;
use super::modules::{self, Tree};
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::fs;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::Command;

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

/// What goes in the archive, by path without the leading `/`.
enum Entry {
    Dir,
    /// A host file to copy, and its permission bits.
    File(PathBuf, u32),
    Text(String, u32),
    CharDevice(u32, u32),
    /// A symbolic link, and its target.
    Symlink(String),
}

/// What was put in, for the summary.
pub struct Built {
    pub path: PathBuf,
    pub bytes: u64,
    pub modules: usize,
}

/// Writes the archive to `path`: `examples` are (name, host binary);
/// `checks`, those of them the guest also runs with `--check`;
/// `rootfs`, the recap chapter's root filesystems (`target/rootfs`), when
/// that example runs: they go to `/target/rootfs`.
pub fn build(
    kernel: &Kernel,
    examples: &[(String, PathBuf)],
    checks: &[String],
    rootfs: Option<&Path>,
    scratch: &Path,
    path: &Path,
) -> Result<Built> {
    let mut files: BTreeMap<String, Entry> = BTreeMap::new();
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

    let tree = Tree::open(&kernel.modules)?;
    let modules = tree.resolve(modules::WANTED)?;
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

    let mut names = String::new();
    fs::create_dir_all(scratch).with_context(|| format!("create {}", scratch.display()))?;
    for (name, binary) in examples {
        let small = strip(binary, &scratch.join(name));
        add_program(&mut files, &format!("netlab/examples/{name}"), &small)?;
        names += &format!("{name}\n");
    }
    files.insert("etc/netlab/examples".into(), Entry::Text(names, 0o644));
    let checks: String = checks.iter().map(|name| format!("{name}\n")).collect();
    files.insert("etc/netlab/checks".into(), Entry::Text(checks, 0o644));
    if let Some(rootfs) = rootfs {
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

/// A folder of the host, at `at` in the guest, as it is: its files, folders
/// and symbolic links (a folder whose name starts with `.` is left out: the
/// fetch's apt state).
fn add_tree(files: &mut BTreeMap<String, Entry>, host: &Path, at: &str) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    files.insert(at.into(), Entry::Dir);
    for entry in fs::read_dir(host).with_context(|| format!("list {}", host.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let (path, inside) = (entry.path(), format!("{at}/{name}"));
        let meta = fs::symlink_metadata(&path)?;
        if meta.file_type().is_symlink() {
            let target = fs::read_link(&path)?.to_string_lossy().into_owned();
            files.insert(inside, Entry::Symlink(target));
        } else if meta.is_dir() {
            add_tree(files, &path, &inside)?;
        } else {
            files.insert(
                inside,
                Entry::File(path, meta.permissions().mode() & 0o7777),
            );
        }
    }
    Ok(())
}

/// A program at `at` in the guest, with the shared libraries it loads.
fn add_program(files: &mut BTreeMap<String, Entry>, at: &str, host: &Path) -> Result<()> {
    files.insert(at.into(), Entry::File(host.to_path_buf(), 0o755));
    for library in libraries(host)? {
        let at = library
            .to_string_lossy()
            .trim_start_matches('/')
            .to_string();
        // Copy the file a symlink such as libc.so.6 points to, under the
        // name the program asks for.
        let real =
            fs::canonicalize(&library).with_context(|| format!("find {}", library.display()))?;
        files.insert(at, Entry::File(real, 0o755));
    }
    Ok(())
}

/// The shared libraries `ldd` lists for a program, the loader included;
/// none for a static program.
fn libraries(program: &Path) -> Result<Vec<PathBuf>> {
    let output = Command::new("ldd")
        .arg(program)
        .output()
        .context("run ldd (Debian's libc-bin) to list a program's shared libraries")?;
    let text = String::from_utf8_lossy(&output.stdout);
    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or
    // "/lib64/ld-linux-x86-64.so.2 (0x...)"; linux-vdso has no file.
    Ok(text
        .lines()
        .filter_map(|line| {
            let path = line.split("=>").last()?.split_whitespace().next()?;
            path.starts_with('/').then(|| PathBuf::from(path))
        })
        .collect())
}

/// A copy without debug information (a debug example is about 48 MB, 8 MB
/// without): a smaller archive boots faster. Falls back to the original
/// when `strip` (binutils) is missing.
fn strip(binary: &Path, copy: &Path) -> PathBuf {
    let stripped = Command::new("strip")
        .arg("--strip-debug")
        .arg("-o")
        .arg(copy)
        .arg(binary)
        .status()
        .is_ok_and(|status| status.success());
    if stripped {
        copy.to_path_buf()
    } else {
        binary.to_path_buf()
    }
}

/// A program in the usual folders of the host.
fn find_program(name: &str) -> Option<PathBuf> {
    ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        .iter()
        .map(|dir| Path::new(dir).join(name))
        .find(|path| path.is_file())
}

fn write(files: &BTreeMap<String, Entry>, path: &Path) -> Result<()> {
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
