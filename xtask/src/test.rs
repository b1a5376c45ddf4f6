//! `cargo xtask test`: the test tiers, cheapest first, stopping at the first
//! failure.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::bundle;
use crate::server::{self, Server};
use crate::tools::{self, Needs};
use crate::util::{check_status, fmt_duration, run, show, step, tail, Context, Ctx, Error, Result};

/// One test tier, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// `cargo xtask lint`: rustfmt and clippy `-D warnings`, natively and
    /// for wasm32 ([`crate::lint`]).
    Lint,
    /// Native unit tests of every crate.
    Unit,
    /// The server's integration tests (`server/tests/`): real listener, `SQLite`.
    Integration,
    /// The release server killed mid-load, card data, fuzzing ([`crate::reliability`]).
    Reliability,
    /// The widget's wasm-bindgen tests in headless Chromium.
    Wasm,
    /// Playwright against the release bundle served by the real server.
    E2e,
}

impl Tier {
    /// All tiers in run order.
    pub const ALL: [Tier; 6] = [
        Tier::Lint,
        Tier::Unit,
        Tier::Integration,
        Tier::Reliability,
        Tier::Wasm,
        Tier::E2e,
    ];

    /// The short name accepted on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Tier::Lint => "lint",
            Tier::Unit => "unit",
            Tier::Integration => "integration",
            Tier::Wasm => "wasm",
            Tier::Reliability => "reliability",
            Tier::E2e => "e2e",
        }
    }

    /// The header printed for the tier and used in the summary.
    pub fn title(self) -> &'static str {
        match self {
            Tier::Lint => "lint (rustfmt, clippy -D warnings)",
            Tier::Unit => "unit",
            Tier::Integration => "server integration",
            Tier::Wasm => "wasm (headless Chromium)",
            Tier::Reliability => "reliability (crash, card data, fuzzing)",
            Tier::E2e => "end-to-end (Playwright + Chromium)",
        }
    }

    /// Looks a tier up by its short name.
    pub fn parse(name: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// How a tier ended.
enum Outcome {
    Passed,
    Skipped(String),
    Failed,
    NotRun,
}

/// Runs the selected tiers (all when `selected` is empty) and prints a
/// summary; the first failing tier stops the run.
pub fn run_tiers(ctx: &Ctx, selected: &[Tier]) -> Result<()> {
    let tiers: Vec<Tier> = if selected.is_empty() {
        Tier::ALL.to_vec()
    } else {
        Tier::ALL
            .into_iter()
            .filter(|t| selected.contains(t))
            .collect()
    };
    // The lint tier checks its own few tools; `test lint` alone needs no browser.
    if tiers.iter().any(|&t| t != Tier::Lint) {
        tools::ensure(ctx, Needs::Everything)?;
    }

    let mut results: Vec<(Tier, Outcome, Duration)> = Vec::new();
    let mut failure = None;
    for &tier in &tiers {
        if failure.is_some() {
            results.push((tier, Outcome::NotRun, Duration::ZERO));
            continue;
        }
        println!();
        println!("================ tier: {} ================", tier.title());
        let start = Instant::now();
        let outcome = match run_tier(ctx, tier) {
            Ok(None) => Outcome::Passed,
            Ok(Some(reason)) => Outcome::Skipped(reason),
            Err(e) => {
                failure = Some(Error(format!("tier `{}` failed: {e}", tier.title())));
                Outcome::Failed
            }
        };
        let took = start.elapsed();
        println!(
            "---------------- {}: {} in {}",
            tier.title(),
            label(&outcome),
            fmt_duration(took)
        );
        results.push((tier, outcome, took));
    }
    print_summary(&results);
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// `passed`, `FAILED`, … for the summary.
fn label(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Passed => "passed".into(),
        Outcome::Skipped(why) => format!("skipped ({why})"),
        Outcome::Failed => "FAILED".into(),
        Outcome::NotRun => "not run".into(),
    }
}

/// The table at the end, closed by a plain `N passed, N failed` line that CI
/// can read whatever runners the tiers used.
fn print_summary(results: &[(Tier, Outcome, Duration)]) {
    println!();
    println!("==> summary");
    let mut total = Duration::ZERO;
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for (tier, outcome, took) in results {
        total += *took;
        match outcome {
            Outcome::Passed => passed += 1,
            Outcome::Failed => failed += 1,
            Outcome::Skipped(_) | Outcome::NotRun => skipped += 1,
        }
        let time = match outcome {
            Outcome::NotRun => String::new(),
            _ => fmt_duration(*took),
        };
        println!("    {:<38} {:>8}  {}", tier.title(), time, label(outcome));
    }
    println!("    {:<38} {:>8}", "total", fmt_duration(total));
    if skipped > 0 {
        println!("tiers: {passed} passed, {failed} failed, {skipped} skipped");
    } else {
        println!("tiers: {passed} passed, {failed} failed");
    }
}

/// Runs one tier; `Ok(Some(reason))` means it had nothing to run.
fn run_tier(ctx: &Ctx, tier: Tier) -> Result<Option<String>> {
    match tier {
        Tier::Lint => crate::lint::run_checks(ctx).map(|()| None),
        Tier::Unit => unit(ctx).map(|()| None),
        Tier::Integration => integration(ctx),
        Tier::Wasm => wasm(ctx).map(|()| None),
        Tier::Reliability => crate::reliability::run_tier(ctx).map(|()| None),
        Tier::E2e => e2e(ctx).map(|()| None),
    }
}

/// Tier 1: native unit tests of protocol, server, xtask and the widget's
/// pure logic. `--lib --bins` leaves integration tests out; `--examples`
/// keeps the README's example compiling; the doc tests are the API's usage
/// examples, compiled so they cannot drift.
///
/// Then the library as apps get it: rendered on the server with Leptos
/// `ssr` (`tests/ssr.rs`), and resolved into a fresh app
/// ([`crate::fresh_app`]), and its package's file list checked.
fn unit(ctx: &Ctx) -> Result<()> {
    run(ctx
        .cargo()
        .args(["test", "--workspace", "--lib", "--bins", "--examples"]))?;
    run(ctx.cargo().args(["test", "--workspace", "--doc"]))?;
    // The hosted pages' and the embed's pure logic (form checks, countries,
    // frame messages, catalog files) compiles only with `hosted-pages`
    // (which brings the embed's modules too): without this run their
    // tests never ran.
    run(ctx.cargo().args([
        "test",
        "-p",
        "checkout-widget",
        "--lib",
        "--features",
        "hosted-pages",
    ]))?;
    run(ctx.cargo().args([
        "test",
        "-p",
        "checkout-widget",
        "--no-default-features",
        "--features",
        "ssr",
        "--test",
        "ssr",
    ]))?;
    crate::fresh_app::check(ctx)?;
    crate::fresh_app::check_package(ctx)
}

/// Tier 2: the server's integration tests (`server/tests/*.rs`) only.
fn integration(ctx: &Ctx) -> Result<Option<String>> {
    // cargo rejects `--test '*'` when nothing matches; say why instead.
    if !has_integration_tests(&ctx.root.join("server").join("tests")) {
        println!("    no server/tests/*.rs or server/tests/*/main.rs yet: nothing to run");
        return Ok(Some("no server integration tests".into()));
    }
    run(ctx
        .cargo()
        .args(["test", "-p", server::BINARY, "--test", "*"]))?;
    Ok(None)
}

/// Tier 3: wasm-bindgen tests of the widget in headless Chromium through
/// chromedriver. The runner prints which browser it drives; that line is
/// checked so a test never silently runs in Node.js or another browser.
fn wasm(ctx: &Ctx) -> Result<()> {
    let webdriver_json = ctx.root.join("tests").join("webdriver.json");
    if !webdriver_json.exists() {
        return Err(Error(format!("{} is missing", webdriver_json.display())));
    }
    let browsers = Arc::new(Mutex::new(Vec::new()));
    // The library as this repository's bundles and tests build it; then a
    // Leptos app built with `catalogs-on-demand` (`tests/catalogs.rs`: one
    // more build of the library alone, with only English compiled in).
    for selection in [
        &["--tests", "--features", "testing,csr,hosted-pages"][..],
        &[
            "--test",
            "catalogs",
            "--features",
            "testing,csr,catalogs-on-demand",
        ],
    ] {
        let mut cmd = ctx.cargo();
        cmd.args([
            "test",
            "-p",
            "checkout-widget",
            "--target",
            tools::WASM_TARGET,
        ])
        .args(selection)
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &webdriver_json)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "60")
        // Force chromedriver: the runner otherwise takes the first driver it
        // finds on PATH, and geckodriver comes first in its list.
        .env("CHROMEDRIVER", tools::CHROMEDRIVER);
        if std::io::stdout().is_terminal() {
            cmd.arg("--color=always");
        }
        println!("    $ {}", show(&cmd));
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Error(format!("cannot start `{}`: {e}", show(&cmd))))?;
        let out = child
            .stdout
            .take()
            .map(|s| echo(s, false, Arc::clone(&browsers)));
        let err = child
            .stderr
            .take()
            .map(|s| echo(s, true, Arc::clone(&browsers)));
        let status = child
            .wait()
            .map_err(|e| Error(format!("waiting for cargo test: {e}")))?;
        for handle in [out, err].into_iter().flatten() {
            let _ = handle.join();
        }
        check_status(&cmd, status)?;
    }

    let browsers = browsers.lock().map(|b| b.clone()).unwrap_or_default();
    if browsers.is_empty() {
        println!(
            "    note: no test binary ran in a browser (tests without \
             `wasm_bindgen_test_configure!(run_in_browser)` run in Node.js)"
        );
    } else if let Some(other) = browsers.iter().find(|b| !b.starts_with("Chrome")) {
        return Err(Error(format!(
            "the wasm tests ran in `{other}`, expected Chrome through {}",
            tools::CHROMEDRIVER
        )));
    } else {
        println!(
            "    wasm-bindgen-test-runner drove Chrome ({} test binaries)",
            browsers.len()
        );
    }
    Ok(())
}

/// Passes a child's output through line by line, noting the browser of each
/// `Running headless tests in <Browser> on …` line.
fn echo(
    stream: impl Read + Send + 'static,
    to_stderr: bool,
    browsers: Arc<Mutex<Vec<String>>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            if to_stderr {
                let _ = std::io::stderr().write_all(&buf);
            } else {
                let _ = std::io::stdout().write_all(&buf);
            }
            if let Some(browser) = headless_browser(&String::from_utf8_lossy(&buf)) {
                if let Ok(mut list) = browsers.lock() {
                    list.push(browser);
                }
            }
        }
    })
}

/// The browser named in wasm-bindgen-test-runner's line
/// ``Running headless tests in Chrome on `http://…` ``.
pub fn headless_browser(line: &str) -> Option<String> {
    let rest = line.split("Running headless tests in ").nth(1)?;
    let name = rest.split(" on ").next()?.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// Tier 4: Playwright specs against the release bundle served by the real
/// server on a free loopback port with a throw-away database; then the
/// embed's and the hosted page's size budgets against that same build. `E2E_SPEC=name` runs only
/// the specs whose file name matches (Playwright's filter), for iterating
/// on one spec; CI sets nothing and runs them all.
fn e2e(ctx: &Ctx) -> Result<()> {
    let only = std::env::var("E2E_SPEC").unwrap_or_default();
    let filter: Vec<&str> = only.split_whitespace().collect();
    playwright(ctx, &filter, &[])?;
    step(
        "checking the embed's and the hosted page's size budgets",
        || {
            let embed = bundle::check_budget(ctx, &bundle::EMBED);
            let hosted = bundle::check_budget(ctx, &bundle::HOSTED);
            embed.and(hosted)
        },
    )
}

/// Builds the bundle and the server, starts the server with a throw-away
/// database, and runs Playwright with `args` (spec filters) and `env`.
pub fn playwright(ctx: &Ctx, args: &[&str], env: &[(&str, &Path)]) -> Result<()> {
    bundle::build(ctx)?;
    let binary = server::build(ctx)?;
    let react_js = flowglad_react_page(ctx)?;
    let npm_app = crate::npm::react_app(ctx)?;

    let db_dir = std::env::temp_dir().join(format!("checkout-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&db_dir).context(|| format!("creating {}", db_dir.display()))?;
    let mut env = env.to_vec();
    env.push(("FLOWGLAD_REACT_JS", &react_js));
    env.push(("NPM_APP_DIR", &npm_app));
    let result = playwright_against_server(ctx, &binary, &db_dir, args, &env);
    let _ = std::fs::remove_dir_all(&db_dir);
    result
}

/// Bundles bench/react/billing.jsx — the published @flowglad/react,
/// unchanged, from bench/'s own npm packages — for flowglad-react.spec.mjs;
/// returns the script's path.
fn flowglad_react_page(ctx: &Ctx) -> Result<std::path::PathBuf> {
    crate::bench::ensure_bench_packages(ctx)?;
    let out = ctx.target_dir.join("e2e").join("flowglad-react");
    step("bundling the @flowglad/react page (esbuild)", || {
        run(ctx
            .cmd("node")
            .arg(ctx.root.join("bench").join("build-baseline.mjs"))
            .arg(&out)
            .arg("billing"))
    })?;
    Ok(out.join("billing.js"))
}

/// Starts the server, runs Playwright, and always stops the server.
fn playwright_against_server(
    ctx: &Ctx,
    binary: &Path,
    db_dir: &Path,
    extra_args: &[&str],
    env: &[(&str, &Path)],
) -> Result<()> {
    const SECRET_KEY: &str = "sk_test_e2e_0123456789abcdef0123456789";
    // The route-only servers know customers only by a verified JWT;
    // two-servers.spec.mjs signs its customers' tokens with this secret.
    const CUSTOMER_JWT_SECRET: &str = "e2e-customer-jwt-secret-0123456789abcdef";
    // flowglad-webhooks.spec.mjs verifies deliveries with this secret:
    // `whsec_` + canonical base64 of 32 bytes, the format verifyWebhook needs.
    const WEBHOOK_SECRET: &str = "whsec_ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=";
    let log = ctx.target_dir.join("e2e").join("server.log");
    let args: Vec<OsString> = vec![
        "--addr".into(),
        "127.0.0.1:0".into(),
        "--db".into(),
        db_dir.join("e2e.sqlite3").into(),
        "--dist".into(),
        ctx.root.join("dist").into(),
        "--secret-key".into(),
        SECRET_KEY.into(),
    ];
    println!("==> starting the server");
    let mut server = Server::start(binary, &args, &log, Duration::from_secs(30))?;
    // Two route-only servers for two-servers.spec.mjs: one forwarding to
    // the server above, one to a port the spec opens and closes itself
    // (an upstream that is down, slow or failing).
    println!("==> starting a route-only server forwarding to it");
    let route_only_args = |name: &str, platform_url: &str| -> Vec<OsString> {
        vec![
            "--addr".into(),
            "127.0.0.1:0".into(),
            "--db".into(),
            db_dir.join(format!("{name}.sqlite3")).into(),
            "--dist".into(),
            ctx.root.join("dist").into(),
            "--platform-url".into(),
            platform_url.into(),
            "--platform-key".into(),
            SECRET_KEY.into(),
            "--platform-timeout".into(),
            "2s".into(),
            "--customer-jwt-secret".into(),
            CUSTOMER_JWT_SECRET.into(),
        ]
    };
    let e2e_dir = ctx.target_dir.join("e2e");
    let mut route_only = Server::start(
        binary,
        &route_only_args("route-only", &server.url),
        &e2e_dir.join("route-only-server.log"),
        Duration::from_secs(30),
    )?;
    let faulty_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .context(|| "finding a free port for the faulty upstream".to_owned())?;
    let mut faulty = Server::start(
        binary,
        &route_only_args("faulty", &format!("http://127.0.0.1:{faulty_port}")),
        &e2e_dir.join("faulty-route-server.log"),
        Duration::from_secs(30),
    )?;
    // For flowglad-webhooks.spec.mjs: a server of its own whose webhooks go
    // to a port the spec listens on with @flowglad/server's verifyWebhook
    // (its own, so the other specs' events are neither sent there nor
    // retried into a closed port for the rest of the run).
    let receiver_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .context(|| "finding a free port for the webhook receiver".to_owned())?;
    let webhook_args: Vec<OsString> = vec![
        "--addr".into(),
        "127.0.0.1:0".into(),
        "--db".into(),
        db_dir.join("webhooks.sqlite3").into(),
        "--dist".into(),
        ctx.root.join("dist").into(),
        "--secret-key".into(),
        SECRET_KEY.into(),
        "--webhook-url".into(),
        format!("http://127.0.0.1:{receiver_port}/flowglad/webhooks").into(),
        "--webhook-secret".into(),
        WEBHOOK_SECRET.into(),
    ];
    let mut webhooks = Server::start(
        binary,
        &webhook_args,
        &e2e_dir.join("webhooks-server.log"),
        Duration::from_secs(30),
    )?;
    // For flowglad-react.spec.mjs: the production shape under the route
    // prefix @flowglad/react posts to by default.
    let mut react_args = route_only_args("flowglad-react", &server.url);
    react_args.extend(["--route-prefix".into(), "/api/flowglad".into()]);
    let mut flowglad_react = Server::start(
        binary,
        &react_args,
        &e2e_dir.join("flowglad-react-server.log"),
        Duration::from_secs(30),
    )?;

    // For npm-react.spec.mjs: a server whose route allows one page origin
    // with credentials, and whose hosted page that origin may frame. The spec
    // serves the npm React app (and its cookie page) on that port, as
    // `localhost`, and calls this server as `localhost` too: another
    // origin, the same site, so a `SameSite=Lax` cookie goes along with
    // `credentials: "include"`.
    let npm_page_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .context(|| "finding a free port for the npm app's page".to_owned())?;
    let npm_page_origin = format!("http://localhost:{npm_page_port}");
    let cross_origin_args: Vec<OsString> = vec![
        "--addr".into(),
        "127.0.0.1:0".into(),
        "--db".into(),
        db_dir.join("cross-origin.sqlite3").into(),
        "--dist".into(),
        ctx.root.join("dist").into(),
        "--secret-key".into(),
        SECRET_KEY.into(),
        "--allowed-origins".into(),
        npm_page_origin.clone().into(),
        "--frame-ancestors".into(),
        npm_page_origin.into(),
    ];
    let mut cross_origin = Server::start(
        binary,
        &cross_origin_args,
        &e2e_dir.join("cross-origin-server.log"),
        Duration::from_secs(30),
    )?;
    let cross_origin_url = cross_origin.url.replacen("127.0.0.1", "localhost", 1);

    let playwright = ctx
        .root
        .join("node_modules")
        .join(".bin")
        .join("playwright");
    let mut cmd = ctx.cmd(&playwright);
    cmd.args(["test", "--config", "tests/e2e/playwright.config.mjs"])
        .args(extra_args)
        .env("BASE_URL", &server.url)
        .env("SECRET_KEY", SECRET_KEY)
        .env("ROUTE_ONLY_URL", &route_only.url)
        .env("FAULTY_ROUTE_URL", &faulty.url)
        .env("FAULTY_PLATFORM_PORT", faulty_port.to_string())
        .env("CUSTOMER_JWT_SECRET", CUSTOMER_JWT_SECRET)
        .env("FLOWGLAD_REACT_URL", &flowglad_react.url)
        .env("WEBHOOKS_URL", &webhooks.url)
        .env("WEBHOOK_RECEIVER_PORT", receiver_port.to_string())
        .env("WEBHOOK_SECRET", WEBHOOK_SECRET)
        .env("CROSS_ORIGIN_URL", &cross_origin_url)
        .env("NPM_PAGE_PORT", npm_page_port.to_string())
        .env(
            "SCREENSHOT_DIR",
            ctx.target_dir.join("e2e").join("screenshots"),
        );
    for (name, value) in env {
        cmd.env(name, value);
    }
    let result = run(&mut cmd);
    cross_origin.stop();
    flowglad_react.stop();
    webhooks.stop();
    faulty.stop();
    route_only.stop();
    server.stop();
    if result.is_err() {
        println!("--- last lines of {} ---", log.display());
        println!("{}", tail(&log, 40));
        println!("--- end of server log ---");
    }
    result
}

/// Whether `dir` holds an integration test target as cargo discovers them:
/// `tests/NAME.rs` or `tests/NAME/main.rs`.
fn has_integration_tests(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let path = e.path();
            if path.is_dir() {
                path.join("main.rs").is_file()
            } else {
                path.extension().is_some_and(|ext| ext == "rs")
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tier_names_round_trip() {
        for tier in Tier::ALL {
            assert_eq!(Tier::parse(tier.name()), Some(tier));
        }
        assert_eq!(Tier::parse("nope"), None);
    }

    #[test]
    fn integration_test_targets_are_found() {
        let dir = std::env::temp_dir().join(format!("xtask-it-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("http")).unwrap();
        assert!(!has_integration_tests(&dir));
        std::fs::write(dir.join("http").join("support.rs"), "").unwrap();
        assert!(
            !has_integration_tests(&dir),
            "a module file is not a target"
        );
        std::fs::write(dir.join("http").join("main.rs"), "").unwrap();
        assert!(has_integration_tests(&dir));
        std::fs::remove_dir_all(dir.join("http")).unwrap();
        std::fs::write(dir.join("api.rs"), "").unwrap();
        assert!(has_integration_tests(&dir));
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(!has_integration_tests(&dir));
    }

    #[test]
    fn runner_browser_line_is_read() {
        assert_eq!(
            headless_browser("Running headless tests in Chrome on `http://127.0.0.1:41235/`\n")
                .as_deref(),
            Some("Chrome")
        );
        assert_eq!(
            headless_browser("Running headless tests in Firefox on `http://x/`").as_deref(),
            Some("Firefox")
        );
        assert_eq!(headless_browser("running 3 tests"), None);
    }
}
