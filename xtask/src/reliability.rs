//! `cargo xtask test reliability`: the server on its worst day, with figures.
//!
//! 1. The release server binary (`--profile server`) is driven by the
//!    `#[ignore]`d tests in `server/tests/reliability/`: a SIGKILL in the
//!    middle of a load of creates and payments, then a restart on the same
//!    SQLite file; and real checkouts whose card numbers and CVCs must not
//!    appear in the database files or the log. They append their figures to
//!    `target/reliability/report.txt`.
//! 2. schemathesis (pinned, installed once into a venv under
//!    `target/reliability/`) fuzzes the API the server describes at
//!    `GET /api/openapi.json` for a bounded time: no 5xx, every answer as
//!    the document says.
//! 3. A report: requests tried, faults injected, sessions acknowledged and
//!    found after the crash, fuzz cases run.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::server::{self, Server};
use crate::util::{
    capture, check_status, fmt_duration, run, show, step, tail, Context, Ctx, Error, Result,
};

/// The schemathesis release the tier runs (PyPI).
pub const SCHEMATHESIS_VERSION: &str = "4.32.5";

/// How long schemathesis may fuzz (its `--max-time`).
const FUZZ_SECONDS: u32 = 75;

/// The checks every fuzzed answer must pass. Left out on purpose:
/// `positive_data_acceptance` (schema-valid bodies still break business
/// rules, e.g. an unknown price), `negative_data_rejection` (the list
/// endpoints ignore empty filters, as Flowglad's do) and `unsupported_method`
/// (the server route answers other methods 404 `not_found`, by design).
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
response_headers_conformance,response_schema_conformance,ignored_auth,missing_required_header,\
ensure_resource_availability,use_after_free";

/// The platform key of the fuzzed server.
const FUZZ_SECRET_KEY: &str = "sk_test_fuzz_0123456789abcdef0123456789";

/// Runs the tier.
pub fn run_tier(ctx: &Ctx) -> Result<()> {
    let binary = server::build(ctx)?;
    let dir = ctx.target_dir.join("reliability");
    std::fs::create_dir_all(&dir).context(|| format!("creating {}", dir.display()))?;
    let report = dir.join("report.txt");
    let _ = std::fs::remove_file(&report);

    let tests = Instant::now();
    step(
        "crash + restart and card-data tests against the release server",
        || {
            let mut cmd = ctx.cargo();
            cmd.args([
                "test",
                "-p",
                server::BINARY,
                "--test",
                "reliability",
                "--",
                "--ignored",
                "--test-threads=1",
            ])
            .env("CHECKOUT_SERVER_BIN", &binary)
            .env("RELIABILITY_REPORT", &report);
            run(&mut cmd)
        },
    )?;
    let tests = tests.elapsed();

    let install = Instant::now();
    let schemathesis = step(&format!("schemathesis {SCHEMATHESIS_VERSION}"), || {
        ensure_schemathesis(ctx, &dir)
    })?;
    let install = install.elapsed();

    let fuzzing = Instant::now();
    let fuzz = step(
        &format!("fuzzing the API for up to {FUZZ_SECONDS}s"),
        || fuzz(ctx, &binary, &schemathesis, &dir),
    )?;
    let fuzzing = fuzzing.elapsed();

    let text =
        std::fs::read_to_string(&report).context(|| format!("reading {}", report.display()))?;
    print_report(&Figures::parse(&text), &fuzz, [tests, install, fuzzing]);
    Ok(())
}

/// The schemathesis executable in the tier's venv, installing the pinned
/// release when it is not there yet (a second run only asks its version).
fn ensure_schemathesis(ctx: &Ctx, dir: &Path) -> Result<PathBuf> {
    let venv = dir.join("venv");
    let exe = venv.join("bin").join("schemathesis");
    let installed = || {
        capture(Command::new(&exe).arg("--version"))
            .is_some_and(|out| out.split_whitespace().any(|w| w == SCHEMATHESIS_VERSION))
    };
    if installed() {
        println!(
            "    schemathesis {SCHEMATHESIS_VERSION} already in {}",
            venv.display()
        );
        return Ok(exe);
    }
    let python = venv.join("bin").join("python");
    if !python.exists() {
        let base = find_python(ctx)?;
        run(ctx.cmd(&base).arg("-m").arg("venv").arg(&venv))?;
    }
    run(ctx
        .cmd(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .arg(format!("schemathesis=={SCHEMATHESIS_VERSION}")))?;
    if installed() {
        Ok(exe)
    } else {
        Err(Error(format!(
            "{} does not report version {SCHEMATHESIS_VERSION} after installing it",
            exe.display()
        )))
    }
}

/// A Python 3.9+ with `venv`: `python3` on PATH, pyenv's, or Debian's;
/// Debian's `python3-venv` is installed when running as root and missing.
fn find_python(ctx: &Ctx) -> Result<OsString> {
    let check = "import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 9) else 1)";
    let mut candidates: Vec<OsString> = vec!["python3".into()];
    if let Some(root) = std::env::var_os("PYENV_ROOT") {
        candidates.push(PathBuf::from(root).join("shims").join("python3").into());
    }
    candidates.push("/usr/bin/python3".into());
    let usable = |python: &OsString| capture(ctx.cmd(python).args(["-c", check])).is_some();
    if let Some(found) = candidates.iter().find(|p| usable(p)) {
        return Ok(found.clone());
    }
    let root = capture(Command::new("id").arg("-u")).is_some_and(|out| out.trim() == "0");
    if root {
        run(Command::new("apt-get").args([
            "install",
            "-y",
            "--no-install-recommends",
            "python3",
            "python3-venv",
        ]))?;
        if usable(&"/usr/bin/python3".into()) {
            return Ok("/usr/bin/python3".into());
        }
    }
    Err(Error(
        "no Python 3.9+ with venv found; install one (e.g. `apt-get install python3 python3-venv`)"
            .into(),
    ))
}

/// What a fuzzing run did.
#[derive(Debug, Default, PartialEq, Eq)]
struct Fuzz {
    /// Test cases schemathesis generated and sent.
    cases: u64,
    /// API operations tested.
    operations: u64,
    /// Requests the server logged while it was fuzzed.
    requests: u64,
    /// Of those, answers with a 5xx status.
    server_errors: u64,
}

/// Starts the release server on a fresh file and lets schemathesis loose on it.
fn fuzz(ctx: &Ctx, binary: &Path, schemathesis: &Path, dir: &Path) -> Result<Fuzz> {
    let db_dir = dir.join(format!("fuzz-db-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&db_dir);
    std::fs::create_dir_all(&db_dir).context(|| format!("creating {}", db_dir.display()))?;
    let log = dir.join("fuzz-server.log");
    let args: Vec<OsString> = vec![
        "--addr".into(),
        "127.0.0.1:0".into(),
        "--db".into(),
        db_dir.join("fuzz.sqlite3").into(),
        "--dist".into(),
        db_dir.join("no-dist").into(),
        "--secret-key".into(),
        FUZZ_SECRET_KEY.into(),
    ];
    let mut server = Server::start(binary, &args, &log, Duration::from_secs(30))?;
    let result = run_schemathesis(ctx, schemathesis, dir, &server.url);
    server.stop();
    let _ = std::fs::remove_dir_all(&db_dir);
    let mut fuzz = match result {
        Ok(fuzz) => fuzz,
        Err(e) => {
            println!(
                "--- last lines of {} ---\n{}\n--- end of server log ---",
                log.display(),
                tail(&log, 30)
            );
            return Err(e);
        }
    };
    let logged = std::fs::read_to_string(&log).context(|| format!("reading {}", log.display()))?;
    for line in logged
        .lines()
        .filter(|l| l.contains("finished processing request"))
    {
        fuzz.requests += 1;
        if logged_status(line).is_some_and(|s| s >= 500) {
            fuzz.server_errors += 1;
        }
    }
    if fuzz.server_errors > 0 {
        return Err(Error(format!(
            "the server answered {} fuzzed requests with a 5xx; see {}",
            fuzz.server_errors,
            log.display()
        )));
    }
    Ok(fuzz)
}

/// Runs schemathesis against `url`, echoing its output; fails when it does.
fn run_schemathesis(ctx: &Ctx, exe: &Path, dir: &Path, url: &str) -> Result<Fuzz> {
    let config = dir.join("schemathesis.toml");
    std::fs::write(
        &config,
        format!(
            "# Written by `cargo xtask test reliability`: the credentials of the fuzzed server.\n\
             [auth.openapi.PlatformKey]\napi_key = \"{FUZZ_SECRET_KEY}\"\n\n\
             [auth.openapi.CustomerToken]\nbearer = \"demo-alice\"\n"
        ),
    )
    .context(|| format!("writing {}", config.display()))?;
    let mut cmd = ctx.cmd(exe);
    // Its working folder gets hypothesis' example database.
    cmd.current_dir(dir)
        .arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(format!("{url}/api/openapi.json"))
        .args([
            "--checks",
            CHECKS,
            "--workers",
            "2",
            "--wait-for-schema",
            "30",
        ])
        .args(["--max-time", &FUZZ_SECONDS.to_string()])
        .env("NO_COLOR", "1");
    if let Some(seed) = std::env::var_os("FUZZ_SEED") {
        cmd.arg("--seed").arg(seed);
    }
    println!("    $ {}", show(&cmd));
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| Error(format!("cannot start `{}`: {e}", show(&cmd))))?;
    let mut output = String::new();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out)
            .lines()
            .map_while(std::result::Result::ok)
        {
            println!("    | {line}");
            output.push_str(&line);
            output.push('\n');
        }
    }
    let _ = std::io::stdout().flush();
    let status = child
        .wait()
        .map_err(|e| Error(format!("waiting for schemathesis: {e}")))?;
    check_status(&cmd, status)?;
    let fuzz = Fuzz {
        cases: fuzz_cases(&output).ok_or("schemathesis printed no `Test cases:` count")?,
        operations: tested_operations(&output).unwrap_or(0),
        ..Fuzz::default()
    };
    if fuzz.cases == 0 {
        return Err("schemathesis ran no test case".into());
    }
    Ok(fuzz)
}

/// The number before `generated` in schemathesis' closing `Test cases:` block.
fn fuzz_cases(output: &str) -> Option<u64> {
    let after = &output[output.rfind("Test cases:")? + "Test cases:".len()..];
    let words: Vec<&str> = after.split_whitespace().take(8).collect();
    let at = words
        .iter()
        .position(|w| w.trim_end_matches(',') == "generated")?;
    words.get(at.checked_sub(1)?)?.replace(',', "").parse().ok()
}

/// The `Tested: N` line of schemathesis' summary.
fn tested_operations(output: &str) -> Option<u64> {
    output
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("Tested:"))
        .and_then(|n| n.trim().parse().ok())
}

/// The `status=NNN` of a tower-http `finished processing request` log line.
fn logged_status(line: &str) -> Option<u16> {
    let rest = &line[line.find("status=")? + "status=".len()..];
    rest.get(..3)?.parse().ok()
}

/// The tests' figures (`name=value` lines).
struct Figures(Vec<(String, String)>);

impl Figures {
    fn parse(text: &str) -> Self {
        Self(
            text.lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .collect(),
        )
    }

    /// The last value reported under `name`, or `?`.
    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map_or("?", |(_, v)| v.as_str())
    }

    fn number(&self, name: &str) -> u64 {
        self.get(name).parse().unwrap_or(0)
    }
}

fn print_report(f: &Figures, fuzz: &Fuzz, [tests, install, fuzzing]: [Duration; 3]) {
    let crash_requests = f.number("crash.requests_tried");
    let card_checkouts = f.number("card_data.checkouts");
    let rows = [
        (
            "requests tried",
            format!(
                "{} ({crash_requests} crash load and checks, {} fuzzing, {} card-data checkouts)",
                crash_requests + fuzz.requests + card_checkouts,
                fuzz.requests,
                card_checkouts,
            ),
        ),
        (
            "faults injected",
            format!(
                "{} (1 SIGKILL mid-load, {} client hang-ups mid-payment, {} malformed or oversized requests, {} webhook 500s)",
                f.get("crash.faults_injected"),
                f.get("crash.faults.client_hang_ups"),
                f.get("crash.faults.malformed_requests"),
                f.get("crash.faults.webhook_500s"),
            ),
        ),
        (
            "sessions acknowledged / found",
            format!(
                "{} / {} after the SIGKILL and restart ({} payments acknowledged, {} in doubt at the kill; states {})",
                f.get("crash.sessions_acknowledged"),
                f.get("crash.sessions_found_after_restart"),
                f.get("crash.payments_acknowledged"),
                f.get("crash.payments_in_doubt_at_kill"),
                f.get("crash.session_states_after_restart"),
            ),
        ),
        (
            "webhook outbox",
            format!(
                "{} events at the kill, {} deliveries pending then; all {} delivered after the restart ({} redeliveries)",
                f.get("crash.webhook_events_at_kill"),
                f.get("crash.webhook_deliveries_pending_at_kill"),
                f.get("crash.webhook_events_delivered"),
                f.get("crash.webhook_redeliveries"),
            ),
        ),
        (
            "card data",
            format!(
                "{card_checkouts} checkouts; {} bytes of database files and {} bytes of trace log hold no card number or CVC",
                f.get("card_data.database_bytes_searched"),
                f.get("card_data.log_bytes_searched"),
            ),
        ),
        (
            "fuzz cases",
            format!(
                "{} by schemathesis {SCHEMATHESIS_VERSION} over {} operations ({} requests, {} server errors)",
                fuzz.cases, fuzz.operations, fuzz.requests, fuzz.server_errors
            ),
        ),
        (
            "time",
            format!(
                "crash test {}s, card-data test {}s (tests {}), schemathesis install {}, fuzzing {}",
                f.get("crash.seconds"),
                f.get("card_data.seconds"),
                fmt_duration(tests),
                fmt_duration(install),
                fmt_duration(fuzzing),
            ),
        ),
    ];
    println!();
    println!("==> reliability report");
    for (name, value) in rows {
        println!("    {name:<30} {value}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fuzz_case_count_is_read_from_the_summary() {
        let out = "API Operations:\n  Selected: 19/19\n  Tested: 19\n\nTest cases:\n  4318 generated, 4318 passed, 16 skipped\n\nSeed: 1";
        assert_eq!(fuzz_cases(out), Some(4318));
        assert_eq!(tested_operations(out), Some(19));
        assert_eq!(
            fuzz_cases("Test cases:\n  6659 generated, 16 found 16 unique failures"),
            Some(6659)
        );
        assert_eq!(
            fuzz_cases("Test cases: 1,234 generated, 1,234 passed"),
            Some(1234)
        );
        assert_eq!(fuzz_cases("no summary"), None);
    }

    #[test]
    fn statuses_are_read_from_the_request_log() {
        let line = "2026-11-21T08:28:36Z  INFO request{method=POST uri=/api/x version=HTTP/1.1}: \
                    tower_http::trace::on_response: finished processing request latency=0 ms status=503";
        assert_eq!(logged_status(line), Some(503));
        assert_eq!(logged_status("finished processing request"), None);
    }

    #[test]
    fn figures_are_read_by_name_last_one_wins() {
        let f = Figures::parse(
            "crash.seconds=9.1\nnoise\ncrash.sessions_acknowledged=12\ncrash.seconds=8.7\n",
        );
        assert_eq!(f.get("crash.seconds"), "8.7");
        assert_eq!(f.number("crash.sessions_acknowledged"), 12);
        assert_eq!(f.get("missing"), "?");
        assert_eq!(f.number("missing"), 0);
    }
}
