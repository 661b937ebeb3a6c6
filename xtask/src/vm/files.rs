//! Files of the host, copied into the guest's archive: folders as they
//! are, and programs with every shared library they load.
//!
//! The guest has no package manager and no libraries of its own: a
//! dynamically linked program (iproute2's `ip`, `dockerd`, an example)
//! runs there only if the loader and each library `ldd` names on the host
//! sit at the same path in the guest.

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What goes in the archive, by path without the leading `/`.
pub enum Entry {
    Dir,
    /// A host file to copy, and its permission bits.
    File(PathBuf, u32),
    Text(String, u32),
    CharDevice(u32, u32),
    /// A symbolic link, and its target.
    Symlink(String),
}

/// The archive's entries, sorted by path (parents before children).
pub type Files = BTreeMap<String, Entry>;

/// A folder of the host, at `at` in the guest, as it is: its files, folders
/// and symbolic links (a folder whose name starts with `.` is left out: the
/// fetch's apt state).
pub fn add_tree(files: &mut Files, host: &Path, at: &str) -> Result<()> {
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
pub fn add_program(files: &mut Files, at: &str, host: &Path) -> Result<()> {
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
pub fn strip(binary: &Path, copy: &Path) -> PathBuf {
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
pub fn find_program(name: &str) -> Option<PathBuf> {
    ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        .iter()
        .map(|dir| Path::new(dir).join(name))
        .find(|path| path.is_file())
}
