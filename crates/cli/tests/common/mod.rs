//! What the CLI's black-box tests share: the binary, and `interlog serve` as a child process.

#![allow(dead_code)] // each test binary uses a different subset of the helpers

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_interlog");

/// `interlog serve` on a free port, killed when dropped.
pub struct Server {
    child: Child,
    pub base: String,
    /// Kept open so the server's later output never meets a closed pipe.
    _stdout: BufReader<ChildStdout>,
}

impl Server {
    /// Serves `data` with the `extra` flags, ignoring the caller's INTERLOG_* settings.
    pub fn start(data: &Path, extra: &[&str]) -> Self {
        Self::spawn(data, extra, Stdio::null())
    }

    /// [`Server::start`], its log (stderr) written to the file `log`.
    pub fn start_logged(data: &Path, extra: &[&str], log: &Path) -> Self {
        let log = std::fs::File::create(log).expect("create the log file");
        Self::spawn(data, extra, Stdio::from(log))
    }

    fn spawn(data: &Path, extra: &[&str], stderr: Stdio) -> Self {
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .args(extra)
            .env_remove("INTERLOG_JWT_SECRET")
            .env_remove("INTERLOG_DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("spawn interlog serve");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first_line = String::new();
        stdout.read_line(&mut first_line).unwrap();
        let base = first_line
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {first_line:?}"))
            .to_string();
        Self {
            child,
            base,
            _stdout: stdout,
        }
    }
}

impl Server {
    /// Sends SIGTERM and waits (at most a minute) for the process to exit; its status.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -TERM");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no exit a minute after SIGTERM"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `interlog <args> --data DIR` (ignoring the caller's INTERLOG_DATABASE_URL), which
/// must succeed; its stdout.
pub fn interlog(data: &Path, args: &[&str]) -> String {
    let output = Command::new(BIN)
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("INTERLOG_DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// `interlog token` for `tenant` with the `extra` flags: the token, alone on stdout.
pub fn token(data: &Path, tenant: &str, extra: &[&str]) -> String {
    let output = Command::new(BIN)
        .args(["token", "--tenant", tenant, "--data"])
        .arg(data)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "the token alone on stdout");
    stdout.trim().to_string()
}
