//! `netlab/busybox`: the one image the Docker examples use, built locally.
//!
//! The lab pulls nginx, centos and vmware/photon2 from Docker Hub. This
//! book must work where no registry can be reached (CI, a lab room behind a
//! proxy), so it builds a tiny image itself, from Debian's `busybox-static`:
//! one statically linked binary that is `sh`, `httpd` (for nginx), `ping`,
//! `ip`, `ifconfig`, `nslookup`, `cat` and `sleep`. A static binary needs no
//! libraries, so the image is `FROM scratch` plus that one file.
//!
//! `docker build` sends the Engine a tar archive, the build context; the
//! Dockerfile is one of its files. Ours holds `rootfs/bin/busybox` and one
//! symlink per command (`rootfs/bin/sh -> busybox`): busybox looks at the
//! name it was started under. That is what `busybox --install -s /bin`
//! would do, but a `FROM scratch` image has no shell to run it in, so the
//! links are made here, in the archive.

use anyhow::{Context, Result, bail};
use bollard::query_parameters::BuildImageOptionsBuilder;
use futures::StreamExt;

use super::{Engine, IMAGE, LABEL};

/// Where Debian's `busybox-static` package puts the binary.
pub const BUSYBOX: &str = "/bin/busybox";

/// The commands the chapters run inside containers.
const APPLETS: &[&str] = &[
    "sh", "cat", "echo", "hostname", "httpd", "ifconfig", "ip", "ls", "nslookup", "ping", "sed",
    "sleep", "tail", "wget",
];

/// Which build of the image this is: a newer lab (more applets) rebuilds
/// an older image it finds.
const IMAGE_VERSION: &str = "2";

/// The Dockerfile: the files, our label and the build's version.
fn dockerfile() -> String {
    format!(
        "FROM scratch\nCOPY rootfs/ /\nLABEL {LABEL}=1 io.netlab.image={IMAGE_VERSION}\nCMD [\"sh\"]\n"
    )
}

/// Builds the image unless it already exists (it is kept between runs;
/// `cargo run --example docker_cleanup` removes it).
pub async fn ensure(engine: &Engine) -> Result<()> {
    if let Ok(image) = engine.api.inspect_image(IMAGE).await {
        let labels = image.config.and_then(|config| config.labels);
        let Some(labels) = labels.filter(|labels| labels.contains_key(LABEL)) else {
            bail!(
                "an image named {IMAGE} exists but is not this lab's (no label {LABEL}): remove it"
            );
        };
        if labels.get("io.netlab.image").map(String::as_str) == Some(IMAGE_VERSION) {
            return Ok(());
        }
        // An older build of ours: built again below, under the same name.
    }
    eprintln!("building the image {IMAGE} from {BUSYBOX} (no registry needed)");
    let context = build_context().context("make the build context of netlab/busybox")?;
    let options = BuildImageOptionsBuilder::default()
        .t(IMAGE)
        .rm(true)
        .build();
    let mut progress = engine.api.build_image(
        options,
        None,
        Some(bollard::body_full(bytes::Bytes::from(context))),
    );
    while let Some(step) = progress.next().await {
        let step = step.with_context(|| format!("build the image {IMAGE}"))?;
        if let Some(error) = step.error_detail.and_then(|detail| detail.message) {
            bail!("build the image {IMAGE}: {error}");
        }
    }
    Ok(())
}

/// The build context: a tar archive with the Dockerfile and `rootfs/`.
fn build_context() -> Result<Vec<u8>> {
    let busybox = std::fs::read(BUSYBOX).with_context(|| {
        format!("read {BUSYBOX} (Debian: `sudo apt-get install busybox-static`)")
    })?;
    let mut tar = Vec::new();
    add_file(&mut tar, "Dockerfile", 0o644, dockerfile().as_bytes());
    add_dir(&mut tar, "rootfs/");
    add_dir(&mut tar, "rootfs/bin/");
    add_file(&mut tar, "rootfs/bin/busybox", 0o755, &busybox);
    for applet in APPLETS {
        add_symlink(&mut tar, &format!("rootfs/bin/{applet}"), "busybox");
    }
    // What `httpd -h /www` serves: the nginx stand-in's welcome page.
    add_dir(&mut tar, "rootfs/www/");
    add_file(
        &mut tar,
        "rootfs/www/index.html",
        0o644,
        b"hello from netlab/busybox httpd\n",
    );
    add_dir(&mut tar, "rootfs/tmp/");
    // Two empty 512-byte blocks end a tar archive.
    tar.extend_from_slice(&[0; 1024]);
    Ok(tar)
}

fn add_file(tar: &mut Vec<u8>, path: &str, mode: u32, data: &[u8]) {
    tar.extend_from_slice(&header(path, mode, data.len(), b'0', ""));
    tar.extend_from_slice(data);
    // File data is padded to a whole block.
    tar.resize(tar.len().next_multiple_of(512), 0);
}

fn add_dir(tar: &mut Vec<u8>, path: &str) {
    tar.extend_from_slice(&header(path, 0o755, 0, b'5', ""));
}

fn add_symlink(tar: &mut Vec<u8>, path: &str, target: &str) {
    tar.extend_from_slice(&header(path, 0o777, 0, b'2', target));
}

/// A POSIX ustar header: fixed-width fields, numbers in octal, and a
/// checksum over the header with its own field counted as spaces.
fn header(path: &str, mode: u32, size: usize, kind: u8, link: &str) -> [u8; 512] {
    let mut block = [0u8; 512];
    let mut put = |at: usize, bytes: &[u8]| block[at..at + bytes.len()].copy_from_slice(bytes);
    put(0, path.as_bytes());
    put(100, format!("{mode:07o}\0").as_bytes());
    put(108, b"0000000\0"); // uid root
    put(116, b"0000000\0"); // gid root
    put(124, format!("{size:011o}\0").as_bytes());
    put(136, b"00000000000\0"); // mtime: 1970, so the image is the same every time
    put(148, b"        ");
    put(156, &[kind]);
    put(157, link.as_bytes());
    put(257, b"ustar\0");
    put(263, b"00");
    let sum: u32 = block.iter().map(|&b| u32::from(b)).sum();
    block[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    block
}
