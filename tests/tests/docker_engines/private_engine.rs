//! A private Engine is the run's own: it dies with its example, its folder
//! goes, another user's look-alike folder is neither used nor removed, and
//! an ordinary user cannot reach a root run's Engine.

use netlab_tests::docker::{Release, VERSIONS, release};
use netlab_tests::have_root;
use netlab_tests::run::As;

/// `kill -9` of an example mid-run takes its private daemon with it: no
/// dockerd or containerd of it is left (a zombie awaiting its reaper
/// counts as gone), and the next run removes its folder and says so.
#[test]
fn a_private_engine_dies_with_its_example_and_its_folder_goes_next_run() {
    use std::io::{BufRead, BufReader};
    let test = "a_private_engine_dies_with_its_example_and_its_folder_goes_next_run";
    if !have_root(test) {
        return;
    }
    let Some(Release { dir, .. }) = release(test, VERSIONS[0]) else {
        return;
    };
    // A temporary folder of this test's own: the run's is the only
    // netlab-engine-* in it.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let folders = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(tmp.path())
            .expect("read the temporary folder")
            .flatten()
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("netlab-engine-")
            })
            .map(|e| e.path())
            .collect()
    };
    let engine = format!("private={dir}");
    let mut child =
        netlab_tests::run::command("docker_same_bridge", As::Root, &["--engine", &engine])
            .env("TMPDIR", tmp.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start docker_same_bridge");
    let stdout = child.stdout.take().expect("piped stdout");
    for line in BufReader::new(stdout).lines() {
        if line
            .expect("read its output")
            .starts_with("host$ docker run")
        {
            break;
        }
    }
    child.kill().expect("SIGKILL the example");
    child.wait().expect("reap the example");
    let killed = folders();
    assert_eq!(
        killed.len(),
        1,
        "the killed run left its folder: {killed:?}"
    );
    let folder = killed[0].display().to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let survivors = loop {
        let survivors: Vec<String> = std::fs::read_dir("/proc")
            .expect("read /proc")
            .flatten()
            .filter_map(|entry| {
                let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
                let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
                cmdline.contains(&folder).then_some(cmdline)
            })
            .collect();
        if survivors.is_empty() || std::time::Instant::now() > deadline {
            break survivors;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert!(
        survivors.is_empty(),
        "nothing of the killed run's daemon is left: {survivors:?}"
    );
    let next = netlab_tests::run::command("docker_drivers", As::Root, &["--engine", &engine])
        .env("TMPDIR", tmp.path())
        .output()
        .expect("run docker_drivers");
    let stderr = String::from_utf8_lossy(&next.stderr);
    assert!(next.status.success(), "the next run succeeds: {stderr}");
    assert!(
        stderr.contains(&format!(
            "removed the folder of a private Engine an interrupted run left: {folder}"
        )),
        "the next run removed the killed run's folder and said so: {stderr}"
    );
    assert!(folders().is_empty(), "the folder {folder} is gone");
}

/// Another user's folder that looks like a private Engine's is neither
/// used nor removed: the run makes its own, under a name of its own
/// (one exclusive mkdir, 12 random characters), and leaves theirs alone.
#[test]
fn another_users_folder_is_neither_used_nor_removed() {
    let test = "another_users_folder_is_neither_used_nor_removed";
    if !have_root(test) {
        return;
    }
    let Some(Release { dir, .. }) = release(test, VERSIONS[0]) else {
        return;
    };
    // A temporary folder like /tmp: anyone may make a folder in it.
    let tmp = tempfile::tempdir().expect("a temporary folder");
    std::process::Command::new("chmod")
        .arg("1777")
        .arg(tmp.path())
        .status()
        .expect("chmod 1777");
    let theirs = tmp.path().join("netlab-engine-AAAAAAAAAAAA");
    let made = netlab_tests::run::as_nobody(&mut std::process::Command::new("sh"))
        .arg("-c")
        .arg(format!(
            "mkdir {0} && echo mine > {0}/marker",
            theirs.display()
        ))
        .status()
        .expect("mkdir as nobody");
    assert!(made.success(), "nobody made its folder");
    let run = netlab_tests::run::command(
        "docker_drivers",
        As::Root,
        &["--engine", &format!("private={dir}")],
    )
    .env("TMPDIR", tmp.path())
    .output()
    .expect("run docker_drivers");
    assert!(
        run.status.success(),
        "the run succeeds beside another user's folder: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let left: Vec<String> = std::fs::read_dir(&theirs)
        .expect("nobody's folder is still there")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left,
        ["marker"],
        "nothing of the run went into nobody's folder"
    );
    let others = std::fs::read_dir(tmp.path()).unwrap().count();
    assert_eq!(
        others, 1,
        "the run's own folder is gone, and only nobody's is left"
    );
}

/// A root run's private Engine is root's alone: its folder is mode 700, so
/// an ordinary user cannot reach the daemon's socket; root can.
#[test]
fn an_ordinary_user_cannot_reach_a_root_runs_private_engine() {
    let test = "an_ordinary_user_cannot_reach_a_root_runs_private_engine";
    if !have_root(test) {
        return;
    }
    let Some(Release { dir, .. }) = release(test, VERSIONS[0]) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let choice = netlab_docker::Choice::PrivateIn(dir.into());
    let (daemon, _api) = runtime
        .block_on(netlab_docker::PrivateEngine::start(
            &choice,
            "host",
            netlab_docker::Forwarding::Fresh,
        ))
        .expect("start a private Engine");
    let socket = format!("unix://{}", daemon.socket().display());
    let version = |command: &mut std::process::Command| {
        command
            .args(["-H", &socket, "version", "--format", "{{.Server.Version}}"])
            .output()
            .expect("run the docker CLI")
    };
    let root = version(&mut std::process::Command::new("docker"));
    assert!(root.status.success(), "root reaches its Engine: {root:?}");
    let nobody = version(netlab_tests::run::as_nobody(
        &mut std::process::Command::new("docker"),
    ));
    let said = String::from_utf8_lossy(&nobody.stderr);
    assert!(
        !nobody.status.success() && said.contains("permission denied"),
        "nobody cannot reach root's private Engine: {said}"
    );
}
