//! A writer for the "newc" cpio format, the one the kernel unpacks as an
//! initramfs (`Documentation/driver-api/early-userspace/buffer-format.rst`).
//!
//! Each entry is a 110-byte ASCII header (`070701` and thirteen 8-digit hex
//! fields), the NUL-terminated name, then the data, each padded to 4 bytes;
//! a `TRAILER!!!` entry ends the archive. A writer is forty lines, and
//! writing device nodes into it needs no root (only the header says "this is
//! /dev/console"), which `find | cpio` could not do as an ordinary user.

use std::io::{self, Write};

/// File types, as the `mode` field's high bits (`S_IF*`).
pub const DIR: u32 = 0o040000;
pub const FILE: u32 = 0o100000;
pub const CHAR_DEVICE: u32 = 0o020000;
pub const SYMLINK: u32 = 0o120000;

pub struct Writer<W: Write> {
    out: W,
    written: usize,
    next_inode: u32,
}

impl<W: Write> Writer<W> {
    pub fn new(out: W) -> Self {
        Writer {
            out,
            written: 0,
            next_inode: 1,
        }
    }

    /// One entry: `name` without a leading `/`, `mode` type and permission
    /// bits, the data (a symlink's data is its target), and for a device
    /// node its (major, minor).
    pub fn entry(
        &mut self,
        name: &str,
        mode: u32,
        data: &[u8],
        rdev: (u32, u32),
    ) -> io::Result<()> {
        let inode = self.next_inode;
        self.next_inode += 1;
        let nlink = if mode & 0o170000 == DIR { 2 } else { 1 };
        let fields = [
            inode,
            mode,
            0, // uid: root
            0, // gid: root
            nlink,
            0, // mtime: reproducible archives
            data.len() as u32,
            0,
            0,
            rdev.0,
            rdev.1,
            name.len() as u32 + 1,
            0, // check: only for the "070702" (crc) format
        ];
        let mut header = String::from("070701");
        for field in fields {
            header += &format!("{field:08x}");
        }
        self.put(header.as_bytes())?;
        self.put(name.as_bytes())?;
        self.put(&[0])?;
        self.pad()?;
        self.put(data)?;
        self.pad()
    }

    /// Ends the archive and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.entry("TRAILER!!!", 0, &[], (0, 0))?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.written += bytes.len();
        self.out.write_all(bytes)
    }

    fn pad(&mut self) -> io::Result<()> {
        let zeros = (4 - self.written % 4) % 4;
        self.put(&[0; 3][..zeros])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_aligned_and_end_with_a_trailer() {
        let mut writer = Writer::new(Vec::new());
        writer
            .entry("init", FILE | 0o755, b"#!/bin/sh\n", (0, 0))
            .unwrap();
        writer
            .entry("dev/console", CHAR_DEVICE | 0o600, &[], (5, 1))
            .unwrap();
        let archive = writer.finish().unwrap();
        assert_eq!(archive.len() % 4, 0, "the archive is padded to 4 bytes");
        let text = String::from_utf8_lossy(&archive);
        assert!(text.starts_with("070701"), "newc magic first: {text}");
        // 110-byte header + "init\0" = 115, padded to 116, then the data.
        assert_eq!(
            &archive[116..126],
            b"#!/bin/sh\n",
            "the data after the padded name"
        );
        assert!(text.contains("dev/console"), "{text}");
        assert!(text.contains("TRAILER!!!"), "{text}");
        // The console's header carries major 5, minor 1 (rdevmajor, rdevminor).
        let console = text.find("dev/console").unwrap() - 110;
        assert_eq!(
            &text[console + 78..console + 94],
            "0000000500000001",
            "{text}"
        );
    }
}
