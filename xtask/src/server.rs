//! Building, starting and stopping the reference server for the e2e tier and
//! the demo.

use std::ffi::OsString;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::util::{run, show, step, tail, Context, Ctx, Error, Result};

/// Cargo profile for the server (defined in the root Cargo.toml): fast code
/// with unwinding panics, unlike the size-tuned release profile of the wasm.
pub const PROFILE: &str = "server";
/// The server's package and binary name.
pub const BINARY: &str = "checkout-server";

/// Builds the server binary and returns its path.
pub fn build(ctx: &Ctx) -> Result<PathBuf> {
    step(
        &format!("building the server (cargo build --profile {PROFILE})"),
        || {
            run(ctx
                .cargo()
                .args(["build", "--profile", PROFILE, "-p", BINARY]))
        },
    )?;
    Ok(ctx.target_dir.join(PROFILE).join(BINARY))
}

/// A running server whose output goes to a log file; stopped on drop, so an
/// early return or a failed test never leaves it behind.
pub struct Server {
    child: Child,
    readers: Vec<JoinHandle<()>>,
    /// Base URL parsed from the server's `listening on` line.
    pub url: String,
    /// Where stdout and stderr are captured.
    pub log: PathBuf,
}

impl Server {
    /// The server process's id (the bench reads its CPU time from `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Starts `binary args…`, captures its output to `log`, waits for the
    /// `listening on http://…` line and then for `GET /healthz` to answer 200,
    /// all within `timeout`.
    pub fn start(
        binary: &Path,
        args: &[OsString],
        log: &Path,
        timeout: Duration,
    ) -> Result<Server> {
        if let Some(dir) = log.parent() {
            std::fs::create_dir_all(dir).context(|| format!("creating {}", dir.display()))?;
        }
        let file = File::create(log).context(|| format!("creating {}", log.display()))?;
        let file = Arc::new(Mutex::new(file));
        let mut cmd = Command::new(binary);
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        println!("    $ {}  (output: {})", show(&cmd), log.display());
        let mut child = cmd
            .spawn()
            .map_err(|e| Error(format!("cannot start {}: {e}", binary.display())))?;

        // Both streams are watched for the line: the server may print it on
        // stdout (as documented) or through its logger on stderr.
        let (tx, rx) = mpsc::channel();
        let mut readers = Vec::new();
        if let Some(out) = child.stdout.take() {
            readers.push(spawn_reader(out, Arc::clone(&file), tx.clone()));
        }
        if let Some(err) = child.stderr.take() {
            readers.push(spawn_reader(err, Arc::clone(&file), tx.clone()));
        }
        drop(tx);

        let mut server = Server {
            child,
            readers,
            url: String::new(),
            log: log.to_path_buf(),
        };
        let deadline = Instant::now() + timeout;
        server.url = match rx.recv_timeout(timeout) {
            Ok(url) => url,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                return Err(server.fail(&format!(
                    "the server printed no `listening on http://…` line within {}s",
                    timeout.as_secs()
                )))
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(server.fail("the server exited before it was listening"))
            }
        };
        println!("    server listening on {}", server.url);
        server.wait_healthy(deadline)?;
        Ok(server)
    }

    /// Polls `GET /healthz` until it answers 200 or `deadline` passes.
    fn wait_healthy(&mut self, deadline: Instant) -> Result<()> {
        let addr = socket_addr(&self.url)
            .ok_or_else(|| Error(format!("cannot parse an address from {}", self.url)))?;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(self.fail(&format!(
                    "the server exited ({status}) before /healthz answered"
                )));
            }
            let last = match http_status(addr, "/healthz") {
                Ok(200) => {
                    println!("    GET /healthz -> 200");
                    return Ok(());
                }
                Ok(code) => format!("HTTP {code}"),
                Err(e) => e.to_string(),
            };
            if Instant::now() >= deadline {
                return Err(self.fail(&format!(
                    "GET {}/healthz did not answer 200 in time (last: {last})",
                    self.url
                )));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Stops the server, then builds an error that carries its log's tail.
    fn fail(&mut self, what: &str) -> Error {
        self.stop();
        Error(format!(
            "{what}\n--- last lines of {} ---\n{}",
            self.log.display(),
            tail(&self.log, 40)
        ))
    }

    /// Asks the server to stop (SIGTERM, so it can close the database
    /// cleanly), kills it after 5 s, and waits for its output to be logged.
    pub fn stop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Copies one output stream line by line into the shared log, reporting the
/// first `listening on` URL it sees.
fn spawn_reader(
    stream: impl Read + Send + 'static,
    log: Arc<Mutex<File>>,
    tx: mpsc::Sender<String>,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut buf = Vec::new();
        let mut tx = Some(tx);
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            if let Ok(mut file) = log.lock() {
                let _ = file.write_all(&buf);
            }
            if let Some(url) = parse_listening_line(&String::from_utf8_lossy(&buf)) {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(url);
                }
            }
        }
    })
}

/// The base URL in a line like
/// `checkout-server listening on http://127.0.0.1:43123` (a logger's prefix,
/// colour codes and trailing punctuation are tolerated).
pub fn parse_listening_line(line: &str) -> Option<String> {
    let after = &line[line.find("listening on")? + "listening on".len()..];
    let start = after.find("http://")?;
    let url: String = after[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let url = url.trim_end_matches(['.', ',', ';', ')', '"', '\'', '`', '/']);
    let host_port = url.strip_prefix("http://")?;
    let port = host_port.rsplit_once(':')?.1;
    if port.is_empty() || port.parse::<u16>().is_err() || port == "0" {
        return None;
    }
    Some(url.to_owned())
}

/// `127.0.0.1:PORT` from `http://127.0.0.1:PORT[/…]`.
fn socket_addr(url: &str) -> Option<SocketAddr> {
    let rest = url.strip_prefix("http://")?;
    let host_port = rest.split('/').next()?;
    host_port.to_socket_addrs().ok()?.next()
}

/// Sends a bare HTTP/1.1 GET and returns the status code (std only; the
/// health check is the only HTTP xtask speaks).
fn http_status(addr: SocketAddr, path: &str) -> std::io::Result<u16> {
    let timeout = Duration::from_secs(2);
    let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    // One write: `write!` would send several fragments, and a server that
    // answers after the first one and closes makes the next fail (EPIPE).
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes())?;
    let mut status_line = String::new();
    BufReader::new(stream).read_line(&mut status_line)?;
    parse_status_line(&status_line).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("unexpected response line {status_line:?}"),
        )
    })
}

/// `200` from `HTTP/1.1 200 OK`.
fn parse_status_line(line: &str) -> Option<u16> {
    let mut words = line.split_whitespace();
    if !words.next()?.starts_with("HTTP/") {
        return None;
    }
    words.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_line_is_parsed() {
        assert_eq!(
            parse_listening_line("checkout-server listening on http://127.0.0.1:43123\n")
                .as_deref(),
            Some("http://127.0.0.1:43123")
        );
        // A tracing prefix with colour codes, trailing punctuation.
        assert_eq!(
            parse_listening_line(
                "2026-11-21T05:41:00Z \x1b[32m INFO\x1b[0m checkout_server: listening on http://127.0.0.1:8080/.\n"
            )
            .as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            parse_listening_line("listening on http://[::1]:9000").as_deref(),
            Some("http://[::1]:9000")
        );
    }

    #[test]
    fn other_lines_are_not_listening_lines() {
        assert_eq!(parse_listening_line("starting checkout-server"), None);
        assert_eq!(parse_listening_line("listening on 127.0.0.1:8080"), None);
        // Port 0 is what we asked for, not where it listens.
        assert_eq!(
            parse_listening_line("listening on http://127.0.0.1:0"),
            None
        );
        assert_eq!(parse_listening_line("listening on http://127.0.0.1"), None);
        assert_eq!(
            parse_listening_line("see http://x:1 ... not listening on"),
            None
        );
    }

    #[test]
    fn addresses_and_status_lines() {
        assert_eq!(
            socket_addr("http://127.0.0.1:8080/x"),
            Some("127.0.0.1:8080".parse().unwrap())
        );
        assert_eq!(parse_status_line("HTTP/1.1 200 OK\r\n"), Some(200));
        assert_eq!(
            parse_status_line("HTTP/1.0 503 Service Unavailable"),
            Some(503)
        );
        assert_eq!(parse_status_line("garbage"), None);
    }

    #[test]
    fn health_check_against_a_tiny_server() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let handle = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            // Read the whole request head, as a real server would.
            let mut head = Vec::new();
            let mut buf = [0u8; 512];
            while !head.ends_with(b"\r\n\r\n") {
                let n = conn.read(&mut buf).unwrap();
                assert!(n > 0, "client closed early");
                head.extend_from_slice(&buf[..n]);
            }
            assert!(head.starts_with(b"GET /healthz HTTP/1.1\r\n"));
            conn.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                .unwrap();
        });
        assert_eq!(http_status(addr, "/healthz").unwrap(), 200);
        handle.join().unwrap();
    }
}
