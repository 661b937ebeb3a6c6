//! Debian's stock kernel, fetched with `apt-get download` and unpacked with
//! `dpkg-deb -x` into a cache folder: never installed as the host's kernel.

use anyhow::{Context, Result, bail};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::process::run;

/// The meta-package that always depends on Debian's current kernel.
const META: &str = "linux-image-amd64";

/// An unpacked kernel package.
pub struct Kernel {
    /// The package, such as `linux-image-6.1.0-56-amd64`.
    pub package: String,
    /// The release `uname -r` prints, such as `6.1.0-56-amd64`.
    pub release: String,
    pub vmlinuz: PathBuf,
    /// `lib/modules/RELEASE/`.
    pub modules: PathBuf,
}

/// The kernel `linux-image-amd64` points at, from `cache` or fetched into it.
pub fn obtain(cache: &Path) -> Result<Kernel> {
    fs::create_dir_all(cache).with_context(|| format!("create {}", cache.display()))?;
    let package = match current_package() {
        Ok(package) => package,
        Err(error) => match newest_cached(cache) {
            // Offline, or no apt lists: a kernel we fetched before will do.
            Some(package) => {
                eprintln!(
                    "vm: cannot ask apt which kernel is current ({error:#}); using {package} from the cache"
                );
                package
            }
            None => return Err(error).context(not_obtainable()),
        },
    };
    let release = package
        .strip_prefix("linux-image-")
        .context("a linux-image-* package")?
        .to_string();
    let unpacked = cache.join(&package);
    let kernel = Kernel {
        vmlinuz: unpacked.join(format!("boot/vmlinuz-{release}")),
        modules: unpacked.join(format!("lib/modules/{release}")),
        package: package.clone(),
        release,
    };
    if kernel.vmlinuz.is_file() && kernel.modules.is_dir() {
        return Ok(kernel);
    }
    eprintln!(
        "vm: fetching {package} (about 70 MB, once) into {}",
        cache.display()
    );
    let deb = download(cache, &package).context(not_obtainable())?;
    // Unpack into a temporary folder, then rename: an interrupted unpack
    // must not look like a cached kernel.
    let partial = cache.join(format!("{package}.partial-{}", std::process::id()));
    let _ = fs::remove_dir_all(&partial);
    run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&partial))
        .with_context(|| format!("unpack {}", deb.display()))?;
    fs::rename(&partial, &unpacked).with_context(|| format!("rename to {}", unpacked.display()))?;
    fs::remove_file(&deb).with_context(|| format!("remove {}", deb.display()))?;
    Ok(kernel)
}

fn not_obtainable() -> String {
    format!(
        "cannot obtain Debian's kernel package ({META}): this needs Debian's apt with \
         up-to-date package lists (`sudo apt-get update`) and access to a Debian mirror"
    )
}

/// The package `linux-image-amd64` depends on: `linux-image-6.1.0-56-amd64`.
fn current_package() -> Result<String> {
    let show = run(Command::new("apt-cache").args(["show", "--no-all-versions", META]))?;
    let depends = show
        .lines()
        .find_map(|line| line.strip_prefix("Depends:"))
        .with_context(|| format!("`apt-cache show {META}` lists no Depends"))?;
    depends
        .split(',')
        .map(|dep| dep.split_whitespace().next().unwrap_or(""))
        .find(|name| name.starts_with("linux-image-") && name.ends_with("-amd64"))
        .map(String::from)
        .with_context(|| format!("{META} depends on no linux-image-*-amd64: {depends}"))
}

/// The newest kernel already unpacked in the cache.
fn newest_cached(cache: &Path) -> Option<String> {
    let mut names: Vec<String> = fs::read_dir(cache)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("linux-image-") && !n.contains('.'))
        .collect();
    names.sort();
    names.pop()
}

/// `apt-get download PACKAGE` in `dir`; returns the `.deb`.
fn download(dir: &Path, package: &str) -> Result<PathBuf> {
    run(Command::new("apt-get")
        .args(["download", "-q", package])
        .current_dir(dir))?;
    let prefix = format!("{package}_");
    fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with(&prefix) && name.ends_with(".deb")
        })
        .with_context(|| {
            format!(
                "apt-get download left no {package}_*.deb in {}",
                dir.display()
            )
        })
}

/// The kernel as a plain ELF file (`vmlinux`), unpacked once from
/// `vmlinuz` next to it; `None` (boot `vmlinuz`) when that cannot be done.
///
/// Why: `vmlinuz` is a small program that decompresses the real kernel
/// (xz, for Debian's) before running it. Under software emulation that
/// alone took 15 to 30 seconds here; QEMU boots the ELF file directly
/// through its PVH entry point (Debian's kernel has `CONFIG_PVH=y`), so we
/// decompress once, on the host, in a fraction of a second.
pub fn uncompressed(kernel: &Kernel) -> Option<PathBuf> {
    let vmlinux = kernel
        .vmlinuz
        .with_file_name(format!("vmlinux-{}", kernel.release));
    if vmlinux.is_file() {
        return Some(vmlinux);
    }
    match unpack_vmlinux(&kernel.vmlinuz, &vmlinux) {
        Ok(()) => Some(vmlinux),
        Err(error) => {
            eprintln!("vm: booting the compressed kernel (slower): {error:#}");
            None
        }
    }
}

fn unpack_vmlinux(vmlinuz: &Path, vmlinux: &Path) -> Result<()> {
    let image = fs::read(vmlinuz).with_context(|| format!("read {}", vmlinuz.display()))?;
    let payload = bzimage_payload(&image).context("find the compressed kernel in vmlinuz")?;
    if !payload.starts_with(b"\xfd7zXZ\0") {
        bail!("the kernel is not xz-compressed");
    }
    // The build appends the uncompressed size after the xz stream: stop at
    // the stream's end. busybox's xz cannot undo the kernel's x86 filter,
    // so this needs xz-utils.
    let mut xz = Command::new("xz")
        .args(["-dc", "--single-stream"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("run xz (Debian's xz-utils)")?;
    let mut stdin = xz.stdin.take().context("xz's stdin")?;
    let payload = payload.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&payload));
    let output = xz.wait_with_output().context("wait for xz")?;
    let _ = writer.join();
    if !output.status.success() || !output.stdout.starts_with(b"\x7fELF") {
        bail!("xz could not unpack the kernel ({})", output.status);
    }
    let partial = vmlinux.with_extension(format!("partial-{}", std::process::id()));
    fs::write(&partial, &output.stdout).with_context(|| format!("write {}", partial.display()))?;
    fs::rename(&partial, vmlinux).with_context(|| format!("rename to {}", vmlinux.display()))
}

/// The compressed kernel inside a bzImage, as its boot header (version
/// 2.08 or later) locates it: `payload_offset` and `payload_length` at
/// 0x248 and 0x24c, counted from the protected-mode code, which starts
/// after `setup_sects` (at 0x1f1) + 1 sectors of 512 bytes.
fn bzimage_payload(image: &[u8]) -> Option<&[u8]> {
    let u32_at =
        |at: usize| Some(u32::from_le_bytes(image.get(at..at + 4)?.try_into().ok()?) as usize);
    let version = u16::from_le_bytes(image.get(0x206..0x208)?.try_into().ok()?);
    if image.get(0x202..0x206)? != b"HdrS" || version < 0x208 {
        return None;
    }
    let start = (usize::from(*image.get(0x1f1)?) + 1) * 512 + u32_at(0x248)?;
    image.get(start..start + u32_at(0x24c)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_payload_a_bzimage_header_points_at() {
        // Two setup sectors + one boot sector, then 16 bytes of code and a
        // 6-byte payload at offset 16.
        let mut image = vec![0u8; 3 * 512 + 32];
        image[0x1f1] = 2;
        image[0x202..0x206].copy_from_slice(b"HdrS");
        image[0x206..0x208].copy_from_slice(&0x020f_u16.to_le_bytes());
        image[0x248..0x24c].copy_from_slice(&16_u32.to_le_bytes());
        image[0x24c..0x250].copy_from_slice(&6_u32.to_le_bytes());
        image[3 * 512 + 16..3 * 512 + 22].copy_from_slice(b"\xfd7zXZ\0");
        assert_eq!(bzimage_payload(&image), Some(&b"\xfd7zXZ\0"[..]));
        image[0x202] = b'X';
        assert_eq!(bzimage_payload(&image), None, "no HdrS, no bzImage");
        assert_eq!(bzimage_payload(b"short"), None);
    }
}
