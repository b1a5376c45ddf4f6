//! The real `checkout-server` binary as a child process: started on a
//! SQLite file with flags, its stdout and stderr captured to a log file,
//! stopped with SIGTERM or killed with SIGKILL.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

/// The platform key every reliability test starts the server with.
pub const SECRET_KEY: &str = "sk_test_reliability_0123456789abcdef";

/// The binary under test: `CHECKOUT_SERVER_BIN` (the release build `cargo
/// xtask test reliability` passes), else the one cargo built for this test.
pub fn path() -> PathBuf {
    std::env::var_os("CHECKOUT_SERVER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_checkout-server")))
}

/// A running server process.
pub struct ServerProcess {
    child: Child,
    readers: Vec<std::thread::JoinHandle<()>>,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
}

impl ServerProcess {
    /// Starts the binary on `db` with `extra` flags (and `RUST_LOG=log_level`),
    /// appending its output to `log`; returns once it is listening.
    pub fn start(db: &Path, log: &Path, log_level: &str, extra: &[&str]) -> Self {
        let file = Arc::new(Mutex::new(
            File::options()
                .create(true)
                .append(true)
                .open(log)
                .expect("log file"),
        ));
        let mut child = Command::new(path())
            .args(["--addr", "127.0.0.1:0", "--secret-key", SECRET_KEY])
            .arg("--db")
            .arg(db)
            .arg("--dist")
            .arg(db.with_file_name("no-dist"))
            .args(extra)
            .env("RUST_LOG", log_level)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", path().display()));
        let (tx, rx) = mpsc::channel::<String>();
        let mut readers = Vec::new();
        for stream in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let file = Arc::clone(&file);
            let tx = tx.clone();
            readers.push(std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if let Ok(mut f) = file.lock() {
                        let _ = writeln!(f, "{line}");
                    }
                    if let Some(url) = line.split("listening on ").nth(1) {
                        let _ = tx.send(url.trim().to_owned());
                    }
                }
            }));
        }
        drop(tx);
        let base_url = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|e| panic!("the server did not start ({e}); see {}", log.display()));
        Self {
            child,
            readers,
            base_url,
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no shutdown, no flush, no checkpoint.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        self.reap();
    }

    /// SIGTERM, so the server closes the database cleanly; SIGKILL after 10 s.
    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..200 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        self.reap();
    }

    fn reap(&mut self) {
        let _ = self.child.wait();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
