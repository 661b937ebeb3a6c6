//! Which kernel modules the guest loads, and in which order.
//!
//! Debian's kernel package ships no `modules.dep` (the package's postinst
//! runs `depmod` on the machine it is installed on, and we never install
//! it), and the host may have no `kmod` at all. So we read what `depmod`
//! reads: the `.modinfo` section of each `.ko` (an ELF file, read with the
//! `object` crate), a list of NUL-separated `key=value` strings, among them
//! `depends=nfnetlink,libcrc32c` and `softdep=pre: crc32c`.

use anyhow::{Context, Result, bail};
use object::{Object, ObjectSection};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The modules the lab's examples need, with the parameters to load them
/// with. Their dependencies come along by themselves. All are loaded at
/// boot: the kernel's own requests (`request_module("nft-expr-limit")`)
/// would need alias tables busybox `modprobe` does not read.
pub const WANTED: &[(&str, &str)] = &[
    ("veth", ""),
    ("bridge", ""),
    ("8021q", ""),
    ("macvlan", ""),
    ("ipvlan", ""),
    ("vxlan", ""),
    // Without numdummies=0 loading `dummy` creates a `dummy0` in the root namespace.
    ("dummy", "numdummies=0"),
    ("nf_tables", ""),
    ("nf_conntrack", ""),
    ("nf_nat", ""),
    ("nft_chain_nat", ""),
    ("nft_nat", ""),
    ("nft_masq", ""),
    ("nft_redir", ""),
    ("nft_ct", ""),
    ("nft_fib_inet", ""),
    ("nft_reject_inet", ""),
    ("nft_limit", ""),
    ("nft_log", ""),
    ("nf_log_syslog", ""),
    ("nft_quota", ""),
    ("nft_numgen", ""),
    ("nft_hash", ""),
];

/// One module to load: its file under the modules folder and its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    pub name: String,
    /// Relative to `lib/modules/KVER/`, as `modules.dep` writes it.
    pub path: PathBuf,
    pub depends: Vec<String>,
    pub params: String,
}

/// The modules of one unpacked kernel: `lib/modules/KVER/`.
pub struct Tree {
    root: PathBuf,
    /// Module name (underscores) -> path relative to `root`.
    files: BTreeMap<String, PathBuf>,
    builtin: BTreeSet<String>,
}

impl Tree {
    pub fn open(root: &Path) -> Result<Tree> {
        let mut files = BTreeMap::new();
        walk(root, &root.join("kernel"), &mut files)
            .with_context(|| format!("list the modules under {}", root.display()))?;
        let builtin = fs::read_to_string(root.join("modules.builtin")).unwrap_or_default();
        let builtin = builtin
            .lines()
            .filter_map(|l| module_name(Path::new(l)))
            .collect();
        Ok(Tree {
            root: root.to_path_buf(),
            files,
            builtin,
        })
    }

    /// `names` and everything they need, each after what it needs (the order
    /// `insmod` must follow: busybox's `modprobe` ignores softdeps).
    pub fn resolve(&self, wanted: &[(&str, &str)]) -> Result<Vec<Module>> {
        let mut order = Vec::new();
        for (name, params) in wanted {
            self.visit(name, params, &mut order, &mut Vec::new())?;
        }
        Ok(order)
    }

    fn visit(
        &self,
        name: &str,
        params: &str,
        order: &mut Vec<Module>,
        path: &mut Vec<String>,
    ) -> Result<()> {
        let name = name.replace('-', "_");
        if order.iter().any(|m| m.name == name) || self.builtin.contains(&name) {
            return Ok(());
        }
        if path.contains(&name) {
            bail!("modules depend on each other in a circle: {path:?} -> {name}");
        }
        let (name, file) = match self.files.get(&name) {
            Some(file) => (name, file.clone()),
            None => self.alias(&name)?,
        };
        let info = modinfo(&self.root.join(&file))?;
        path.push(name.clone());
        // Soft dependencies first: `softdep=pre: crc32c` (libcrc32c needs a
        // crc32c implementation, which it finds by name at run time).
        for pre in info.softdep_pre.iter().chain(&info.depends) {
            self.visit(pre, "", order, path)?;
        }
        path.pop();
        order.push(Module {
            name,
            path: file,
            depends: info.depends,
            params: params.to_string(),
        });
        Ok(())
    }

    /// A softdep may name an alias (`crc32c`), which several modules provide
    /// (`crc32c_generic`, `crc32c_intel`): take the generic C one, which
    /// runs on any CPU the guest emulates.
    fn alias(&self, alias: &str) -> Result<(String, PathBuf)> {
        let mut found: Vec<(&String, &PathBuf)> = Vec::new();
        for (name, file) in &self.files {
            if modinfo(&self.root.join(file))?
                .aliases
                .iter()
                .any(|a| a == alias)
            {
                found.push((name, file));
            }
        }
        found.sort_by_key(|(name, _)| !name.ends_with("_generic"));
        match found.first() {
            Some((name, file)) => Ok(((*name).clone(), (*file).clone())),
            None => bail!(
                "no kernel module `{alias}` under {} (nor one with that alias)",
                self.root.display()
            ),
        }
    }

    /// `modules.dep` for the modules we ship, so that busybox `modprobe`
    /// works in the guest when the kernel asks for a module itself.
    pub fn modules_dep(&self, modules: &[Module]) -> String {
        let path_of = |name: &String| modules.iter().find(|m| &m.name == name).map(|m| &m.path);
        let mut text = String::new();
        for module in modules {
            let deps: Vec<String> = module
                .depends
                .iter()
                .filter_map(path_of)
                .map(|p| p.display().to_string())
                .collect();
            text += &format!("{}: {}\n", module.path.display(), deps.join(" "));
        }
        text
    }
}

/// What `.modinfo` says about a module.
#[derive(Debug, Default)]
struct ModInfo {
    depends: Vec<String>,
    softdep_pre: Vec<String>,
    aliases: Vec<String>,
}

fn modinfo(file: &Path) -> Result<ModInfo> {
    let bytes = fs::read(file).with_context(|| format!("read {}", file.display()))?;
    let section = elf_section(&bytes, ".modinfo")
        .with_context(|| format!("find the .modinfo section of {}", file.display()))?;
    let mut info = ModInfo::default();
    for entry in section.split(|b| *b == 0) {
        let entry = String::from_utf8_lossy(entry);
        let list = |v: &str| {
            v.split(',')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        };
        if let Some(value) = entry.strip_prefix("depends=") {
            info.depends = list(value);
        } else if let Some(value) = entry.strip_prefix("alias=") {
            info.aliases.push(value.to_string());
        } else if let Some(value) = entry.strip_prefix("softdep=") {
            // "pre: a b post: c": keep the names after `pre:`.
            let mut pre = false;
            for word in value.split_whitespace() {
                match word {
                    "pre:" => pre = true,
                    "post:" => pre = false,
                    name if pre => info.softdep_pre.push(name.to_string()),
                    _ => {}
                }
            }
        }
    }
    Ok(info)
}

/// The bytes of a named section of an ELF file (what every `.ko` is), as
/// its section header table locates them.
fn elf_section<'a>(elf: &'a [u8], wanted: &str) -> Result<&'a [u8]> {
    let file = object::File::parse(elf).context("read an ELF file")?;
    let section = file
        .section_by_name(wanted)
        .with_context(|| format!("no {wanted} section"))?;
    section
        .data()
        .with_context(|| format!("read the {wanted} section"))
}

fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<String, PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(root, &path, files)?;
        } else if let Some(name) = module_name(&path) {
            let relative = path.strip_prefix(root)?.to_path_buf();
            files.insert(name, relative);
        }
    }
    Ok(())
}

/// `kernel/net/8021q/8021q.ko` -> `8021q`; the kernel spells `-` as `_`.
fn module_name(path: &Path) -> Option<String> {
    let file = path.file_name()?.to_str()?;
    Some(file.strip_suffix(".ko")?.replace('-', "_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_use_underscores() {
        assert_eq!(
            module_name(Path::new("kernel/arch/x86/events/amd/amd-uncore.ko")).as_deref(),
            Some("amd_uncore")
        );
        assert_eq!(module_name(Path::new("kernel/x/README")), None);
    }

    #[test]
    fn reads_a_section_of_our_own_binary() {
        // Any ELF file will do: the test binary itself has a `.text`.
        let exe = fs::read(std::env::current_exe().expect("own path")).expect("read own binary");
        let text = elf_section(&exe, ".text").expect("a .text section");
        assert!(!text.is_empty(), "the .text section has code");
        assert!(elf_section(&exe, ".no-such-section").is_err());
        assert!(elf_section(b"#!/bin/sh\n", ".text").is_err());
    }
}
