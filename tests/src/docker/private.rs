//! A private Docker daemon of a fetched Engine release, for one test:
//! tests against such daemons may run side by side and leave the machine
//! as it was.

use std::process::Command;

use super::cli::stdout_of;
use super::engine::{Release, VERSIONS, release};

/// A private Docker daemon for a test, started with util-linux's
/// `unshare` (not the lab library: the tests must not trust the code they
/// check) in namespaces of its own, as `--engine private` does. Dropping
/// it kills `unshare`, whose `--kill-child` kills dockerd, the init of its
/// PID namespace, and with it everything dockerd started.
pub struct TestDaemon {
    unshare: std::process::Child,
    /// dockerd's pid, as seen from here: `/proc/PID/ns/net` is its host.
    pub pid: u32,
    dir: std::path::PathBuf,
}

impl TestDaemon {
    /// A daemon of today's Engine for the test `test`, or `None` after
    /// saying why the test does not run (no root, or the Engine not fetched).
    pub fn for_test(test: &str) -> Option<TestDaemon> {
        if !crate::have_root(test) {
            return None;
        }
        release(test, VERSIONS[0]).map(|release| TestDaemon::start(&release))
    }

    /// Starts a daemon of `release`, and imports the image `netlab/busybox`.
    pub fn start(release: &Release) -> TestDaemon {
        use std::os::unix::fs::PermissionsExt;
        // A folder of its own, as the library makes one: a random name,
        // one exclusive mkdir, mode 700.
        let dir = tempfile::Builder::new()
            .prefix("netlab-test-engine-")
            .permissions(std::fs::Permissions::from_mode(0o700))
            .tempdir()
            .expect("make the daemon's folder")
            .keep();
        let d = dir.display();
        // A configuration of its own, empty, so that the machine's
        // /etc/docker/daemon.json is not read (Engine 20.10 refuses an
        // empty file, `/dev/null`: "EOF"; `{}` suits both).
        std::fs::write(dir.join("daemon.json"), "{}\n").expect("write the daemon's daemon.json");
        // Forwarding off in its namespace before dockerd starts, as on a
        // fresh machine and as `--engine private` does: a new namespace
        // copies the machine's current IPv4 settings.
        let script = format!(
            "mount -t tmpfs tmpfs /run && mount -t proc proc /proc && \
             echo 0 > /proc/sys/net/ipv4/ip_forward && \
             PATH={r}/usr/sbin:{r}/usr/bin:$PATH exec dockerd --config-file {d}/daemon.json \
             --data-root {d}/data --exec-root {d}/exec -H unix://{d}/docker.sock >{d}/log 2>&1",
            r = release.dir
        );
        let unshare = Command::new("unshare")
            .args([
                "--pid",
                "--fork",
                "--kill-child",
                "--net",
                "--mount",
                "--uts",
            ])
            .args(["--propagation", "private", "sh", "-c", &script])
            .spawn()
            .expect("run unshare (util-linux)");
        let children = format!("/proc/{}/task/{}/children", unshare.id(), unshare.id());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let mut daemon = TestDaemon {
            unshare,
            pid: 0,
            dir,
        };
        while std::time::Instant::now() < deadline {
            let child = std::fs::read_to_string(&children).unwrap_or_default();
            daemon.pid = child
                .split_whitespace()
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            let answered = daemon.pid != 0
                && daemon
                    .command(&["version", "-f", "{{.Server.Version}}"])
                    .output()
                    .is_ok_and(|o| o.status.success());
            if answered {
                daemon.import_image();
                return daemon;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let log = std::fs::read_to_string(daemon.dir.join("log")).unwrap_or_default();
        panic!(
            "the test's private dockerd of {} did not answer in 30 s:\n{log}",
            release.dir
        );
    }

    /// Its network namespace, the Docker host's.
    pub fn netns(&self) -> String {
        format!("/proc/{}/ns/net", self.pid)
    }

    /// Its socket, as `DOCKER_HOST` names it: `unix://DIR/docker.sock`.
    pub fn socket(&self) -> String {
        format!("unix://{}/docker.sock", self.dir.display())
    }

    /// Where it keeps the namespaces it makes (its exec root's `netns/`).
    pub fn netns_dir(&self) -> String {
        format!("/proc/{}/root{}/exec/netns", self.pid, self.dir.display())
    }

    /// `docker -H unix://DIR/docker.sock ARGS`: the CLI, aimed at this daemon.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new("docker");
        command.arg("-H").arg(self.socket()).args(args);
        command
    }

    /// `docker ARGS` against this daemon, which must succeed; its stdout.
    pub fn docker(&self, args: &[&str]) -> String {
        stdout_of(self.command(args), args)
    }

    /// `ip ARGS` in the daemon's network namespace (the Docker host's),
    /// which must succeed: to give the host an interface a test needs.
    pub fn ip(&self, args: &[&str]) {
        let host = self.netns();
        let status = crate::iproute::in_netns(Some(&host), "ip")
            .args(args)
            .status()
            .expect("run nsenter");
        assert!(status.success(), "ip {args:?} in {host}");
    }

    /// `docker run -d --name netlab-test-NAME ARGS...`; returns the
    /// container's network namespace. dockerd names the container's process
    /// by its PID in dockerd's own PID namespace, whose /proc we see under
    /// dockerd's root: `/proc/DOCKERD/root/proc/PID/ns/net`.
    pub fn run(&self, name: &str, args: &[&str]) -> String {
        let name = format!("netlab-test-{name}");
        let mut argv = vec!["run", "-d", "--name", &name];
        argv.extend_from_slice(args);
        self.docker(&argv);
        let pid = self.docker(&["inspect", "-f", "{{.State.Pid}}", &name]);
        format!("/proc/{}/root/proc/{pid}/ns/net", self.pid)
    }

    /// `netlab/busybox`: Debian's static busybox and its applets, as a
    /// `docker import` of a tar archive (what the examples build).
    fn import_image(&self) {
        let root = self.dir.join("image");
        std::fs::create_dir_all(root.join("bin")).expect("make the image's bin/");
        std::fs::create_dir_all(root.join("www")).expect("make the image's www/");
        std::fs::write(root.join("www/index.html"), "hello from the test's image\n")
            .expect("write the web page");
        std::fs::copy("/bin/busybox", root.join("bin/busybox"))
            .expect("copy /bin/busybox (Debian's busybox-static)");
        for applet in ["sh", "sleep", "httpd", "ping", "ip", "cat"] {
            std::os::unix::fs::symlink("busybox", root.join("bin").join(applet))
                .expect("link an applet");
        }
        let tar = Command::new("tar")
            .arg("-C")
            .arg(&root)
            .args(["-c", "."])
            .output()
            .expect("run tar");
        let mut import = self
            .command(&["import", "-", "netlab/busybox"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("run docker import");
        use std::io::Write;
        import
            .stdin
            .take()
            .expect("docker import's stdin")
            .write_all(&tar.stdout)
            .expect("send the image");
        assert!(
            import.wait().expect("docker import").success(),
            "docker import netlab/busybox"
        );
    }
}

impl Drop for TestDaemon {
    fn drop(&mut self) {
        let _ = self.unshare.kill();
        let _ = self.unshare.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
