//! Shared plumbing: the error type, the project context, timed steps and
//! running child processes with readable failures.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

/// An expected failure, carried up to `main`, printed once, exit code 1.
///
/// Plain text on purpose: every failure here is for a person to read, and the
/// message is written where the context is known.
#[derive(Debug)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Error {
    fn from(s: String) -> Self {
        Error(s)
    }
}

impl From<&str> for Error {
    fn from(s: &str) -> Self {
        Error(s.to_owned())
    }
}

/// Result alias used throughout xtask.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Adds a sentence of context to an I/O error.
pub trait Context<T> {
    /// Turns the error into `"{what}: {error}"`.
    fn context(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Context<T> for std::io::Result<T> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| Error(format!("{}: {e}", what())))
    }
}

/// Where things are, and the environment child processes get.
pub struct Ctx {
    /// The workspace root (the parent of `xtask/`).
    pub root: PathBuf,
    /// The cargo that runs us (`$CARGO`), so nested builds use the same toolchain.
    pub cargo: OsString,
    /// Cargo's target directory (honours `CARGO_TARGET_DIR`).
    pub target_dir: PathBuf,
    /// `PATH` for every child: `node_modules/.bin` first (wasm-opt 132 must win
    /// over any system binaryen), then cargo's bin dir (trunk, wasm-bindgen,
    /// wasm-bindgen-test-runner), then the inherited PATH, then `/usr/bin`
    /// (chromium, chromedriver) in case the caller's PATH lacks it.
    pub path: OsString,
}

impl Ctx {
    /// Builds the context from the compile-time location of this crate.
    pub fn new() -> Result<Ctx> {
        // xtask/ lives directly under the workspace root.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .ok_or("xtask's manifest directory has no parent")?
            .to_path_buf();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let target_dir = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => root.join(dir),
            None => root.join("target"),
        };
        let mut dirs = vec![root.join("node_modules").join(".bin"), cargo_bin_dir()];
        dirs.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        dirs.push(PathBuf::from("/usr/bin"));
        let path = std::env::join_paths(dirs)
            .map_err(|e| Error(format!("cannot build PATH for child processes: {e}")))?;
        Ok(Ctx {
            root,
            cargo,
            target_dir,
            path,
        })
    }

    /// A command that runs in the repo root with our PATH.
    pub fn cmd(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.root).env("PATH", &self.path);
        cmd
    }

    /// A `cargo` command (the same cargo that runs xtask).
    pub fn cargo(&self) -> Command {
        self.cmd(&self.cargo)
    }
}

/// `$CARGO_HOME/bin`, where `cargo install` puts trunk and wasm-bindgen.
pub fn cargo_bin_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return PathBuf::from(home).join("bin");
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    PathBuf::from(home).join(".cargo").join("bin")
}

/// Formats a duration for humans: `0.4s`, `12.3s`, `9m 03s`.
pub fn fmt_duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let whole = d.as_secs();
        format!("{}m {:02}s", whole / 60, whole % 60)
    }
}

/// Runs `f` as a named step: prints `==> title` first and the duration after,
/// so a long step never looks like a hang and slow steps are easy to spot.
pub fn step<T>(title: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    println!("==> {title}");
    let start = Instant::now();
    let out = f();
    let took = fmt_duration(start.elapsed());
    match &out {
        Ok(_) => println!("    {title}: done in {took}"),
        Err(_) => println!("    {title}: FAILED after {took}"),
    }
    out
}

/// Renders a command as a shell-like line for logs and error messages.
pub fn show(cmd: &Command) -> String {
    let program = Path::new(cmd.get_program());
    // `$CARGO` is a long toolchain path; plain `cargo` reads better.
    let program = if program.file_name().is_some_and(|n| n == "cargo") {
        "cargo".into()
    } else {
        program.to_string_lossy()
    };
    let mut parts = vec![program.into_owned()];
    for arg in cmd.get_args() {
        let arg = arg.to_string_lossy();
        if arg.is_empty() || arg.contains([' ', '*', '"', '\'']) {
            parts.push(format!("'{arg}'"));
        } else {
            parts.push(arg.into_owned());
        }
    }
    parts.join(" ")
}

/// Runs a command with inherited stdio; a non-zero exit is an error naming it.
pub fn run(cmd: &mut Command) -> Result<()> {
    println!("    $ {}", show(cmd));
    let status = cmd
        .status()
        .map_err(|e| Error(format!("cannot start `{}`: {e}", show(cmd))))?;
    check_status(cmd, status)
}

/// Turns a failed exit status into an error naming the command.
pub fn check_status(cmd: &Command, status: ExitStatus) -> Result<()> {
    if status.success() {
        Ok(())
    } else {
        Err(Error(format!("`{}` failed ({status})", show(cmd))))
    }
}

/// Runs a command quietly and returns its stdout+stderr, or `None` when it
/// cannot start or exits non-zero (e.g. a tool that is not installed yet).
pub fn capture(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    if !out.status.success() {
        return None;
    }
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    Some(text)
}

/// The last `n` lines of a text file (for showing a server log on failure).
pub fn tail(path: &Path, n: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(n)..].join("\n")
        }
        Err(e) => format!("(cannot read {}: {e})", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(fmt_duration(Duration::from_millis(420)), "0.4s");
        assert_eq!(fmt_duration(Duration::from_secs_f64(12.34)), "12.3s");
        assert_eq!(fmt_duration(Duration::from_secs(543)), "9m 03s");
    }

    #[test]
    fn commands_render_with_quoted_globs() {
        let mut cmd = Command::new("cargo");
        cmd.args(["test", "--test", "*"]);
        assert_eq!(show(&cmd), "cargo test --test '*'");
    }
}
