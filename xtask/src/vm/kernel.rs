//! Debian's stock kernel, fetched with `apt-get download` and unpacked with
//! `dpkg-deb -x` into a cache folder: never installed as the host's kernel.

use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

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
    let partial = cache.join(format!("{package}.partial"));
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

/// Runs a command and returns its stdout; the error carries its stderr.
pub fn run(command: &mut Command) -> Result<String> {
    let shown = format!("{command:?}");
    let output = command
        .output()
        .with_context(|| format!("run {shown} (is it installed?)"))?;
    if !output.status.success() {
        bail!(
            "{shown} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
