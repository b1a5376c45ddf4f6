//! `cargo xtask demo`: the bundle plus the server in the foreground, for a
//! person to click through.

use std::ffi::OsString;
use std::process::Command;

use crate::util::{show, Context, Ctx, Error, Result};
use crate::{bundle, server, tools};

/// Default server arguments; any of them given in `extra` is left out so the
/// caller's value wins (the server's parser rejects a repeated flag).
const DEFAULTS: [(&str, &str); 3] = [
    ("--addr", "127.0.0.1:8080"),
    ("--db", "data/demo.sqlite3"),
    ("--dist", "dist"),
];

/// Builds everything, then runs the server until it exits (Ctrl-C).
pub fn run(ctx: &Ctx, extra: &[OsString]) -> Result<()> {
    tools::ensure(ctx, tools::Needs::Bundle)?;
    bundle::build(ctx)?;
    let binary = server::build(ctx)?;

    // data/ is git-ignored and holds the demo database between runs.
    let data = ctx.root.join("data");
    std::fs::create_dir_all(&data).context(|| format!("creating {}", data.display()))?;

    let args = server_args(extra);
    let addr = flag_value(&args, "--addr").unwrap_or_else(|| DEFAULTS[0].1.to_owned());
    let mut cmd = Command::new(&binary);
    cmd.current_dir(&ctx.root).args(&args);
    println!();
    println!("Open http://{addr}");
    println!("    $ {}   (Ctrl-C stops it)", show(&cmd));
    exec(cmd)
}

/// Our defaults (minus those the caller overrides) followed by `extra`.
pub fn server_args(extra: &[OsString]) -> Vec<OsString> {
    let given = |flag: &str| {
        extra.iter().any(|a| {
            let a = a.to_string_lossy();
            a == flag || a.starts_with(&format!("{flag}="))
        })
    };
    let mut args = Vec::new();
    for (flag, value) in DEFAULTS {
        if !given(flag) {
            args.push(flag.into());
            args.push(value.into());
        }
    }
    args.extend(extra.iter().cloned());
    args
}

/// The value of `--flag VALUE` or `--flag=VALUE` (the last one wins).
fn flag_value(args: &[OsString], flag: &str) -> Option<String> {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut found = None;
    for (i, arg) in args.iter().enumerate() {
        if arg == flag {
            found = args.get(i + 1).cloned();
        } else if let Some(v) = arg.strip_prefix(&format!("{flag}=")) {
            found = Some(v.to_owned());
        }
    }
    found
}

/// Replaces xtask with the server, so Ctrl-C and the exit code are the
/// server's own.
#[cfg(unix)]
fn exec(mut cmd: Command) -> Result<()> {
    use std::os::unix::process::CommandExt;
    let err = cmd.exec();
    Err(Error(format!("cannot start `{}`: {err}", show(&cmd))))
}

/// Runs the server and waits for it where `exec` does not exist.
#[cfg(not(unix))]
fn exec(mut cmd: Command) -> Result<()> {
    crate::util::run(&mut cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn extra_args_are_forwarded_after_defaults() {
        let args = server_args(&os(&["--secret-key", "sk"]));
        assert_eq!(
            args,
            os(&[
                "--addr",
                "127.0.0.1:8080",
                "--db",
                "data/demo.sqlite3",
                "--dist",
                "dist",
                "--secret-key",
                "sk"
            ])
        );
    }

    #[test]
    fn caller_overrides_a_default() {
        let args = server_args(&os(&["--addr=127.0.0.1:9000"]));
        assert_eq!(
            args,
            os(&[
                "--db",
                "data/demo.sqlite3",
                "--dist",
                "dist",
                "--addr=127.0.0.1:9000"
            ])
        );
        assert_eq!(
            flag_value(&args, "--addr").as_deref(),
            Some("127.0.0.1:9000")
        );
        let args = server_args(&os(&["--addr", "0.0.0.0:80"]));
        assert_eq!(flag_value(&args, "--addr").as_deref(), Some("0.0.0.0:80"));
    }
}
