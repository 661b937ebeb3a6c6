//! The table of what each container reached: printed as the run's last
//! lines, and checked against what the chapter states, row by row.
//!
//! `pages` holds what each `curl` got, row by row (`on-host`, `none`,
//! `red`), three each: the host's `127.0.0.1`, its `172.17.0.1`, `outside`.

use netlab::{Lab, Netns, Result};
use nix::errno::Errno;

/// One row per container: `yes` where its curl got the page, else the
/// errno that `connect` failed with.
pub fn render(containers: &[&Netns], pages: &[Result<String, Errno>]) -> String {
    let mut table = format!("{:<9}{:<15}{:<15}outside", "", "127.0.0.1", "172.17.0.1");
    for (container, row_pages) in containers.iter().zip(pages.chunks(3)) {
        let mut row = format!("{:<9}", container.name);
        for page in row_pages {
            let cell = page
                .as_ref()
                .map_or_else(|e| format!("{e:?}"), |_| "yes".into());
            row += &format!("{cell:<15}");
        }
        table += &format!("\n{}", row.trim_end());
    }
    table
}

/// The chapter's claims about the table, and about whom `outside` saw.
pub fn claim_rows(lab: &Lab, pages: &[Result<String, Errno>]) -> Result<()> {
    // A row as the errno of each curl, None where it got the page.
    let rows: Vec<Vec<Option<Errno>>> = pages
        .chunks(3)
        .map(|row| row.iter().map(|p| p.as_ref().err().copied()).collect())
        .collect();
    let (refused, unreachable) = (Some(Errno::ECONNREFUSED), Some(Errno::ENETUNREACH));
    lab.claim(
        "on-host reaches the host's 127.0.0.1 and 172.17.0.1, and outside",
        rows[0] == [None; 3],
    )?;
    lab.claim(
        "none reaches nothing: its 127.0.0.1 is its own, and it has no route",
        rows[1] == [refused, unreachable, unreachable],
    )?;
    lab.claim(
        "red reaches the host's 172.17.0.1 and outside, but 127.0.0.1 is its own",
        rows[2] == [refused, None, None],
    )?;
    // The page outside serves names the address it saw the client come from.
    let as_host = |page: &Result<String, Errno>| {
        page.as_ref()
            .is_ok_and(|p| p.contains("from 192.168.20.200"))
    };
    lab.claim(
        "outside sees on-host and red both as 192.168.20.200",
        as_host(&pages[2]) && as_host(&pages[8]),
    )
}
