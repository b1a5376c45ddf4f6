//! `cargo xtask bench`: our widget against a minimal React page using the
//! published `@flowglad/react`, in one run, on this machine.
//!
//! xtask builds everything (release bundle, release server, the baseline with
//! esbuild), starts reference servers on loopback with throw-away databases,
//! runs the measuring scripts in `bench/` (Playwright + Debian's Chromium, and
//! a Node load generator), and always stops the servers. The scripts write
//! plain result files; [`report`] turns them into one table, printed and
//! written to `target/bench.json`. Targets are shown, never enforced: timings
//! on a shared machine are information, not a test.

#[path = "bench_apps.rs"]
mod apps;
#[path = "bench_report/mod.rs"]
mod report;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::bundle;
use crate::server::{self, Server};
use crate::tools::{self, Needs};
use crate::util::{capture, run as run_cmd, step, Context, Ctx, Error, Result};
use report::{Json, Results, Settings};

/// Products in the generated catalog (the pricing-table render).
const CATALOG_PRODUCTS: usize = 100;
/// Prices per generated product: 2 × 100 gives the 200 line items the issue asks for.
const PRICES_PER_PRODUCT: usize = 2;
/// The route prefix `@flowglad/react` posts to when no `baseURL` is given.
const FLOWGLAD_ROUTE_PREFIX: &str = "/api/flowglad";

/// What `cargo xtask bench` was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Timed browser runs per variant (the issue asks for at least 20).
    pub runs: usize,
    /// Seconds per server load level.
    pub load_seconds: u64,
    /// An earlier run's `bench.json` to print every figure's change against.
    pub compare: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runs: 20,
            load_seconds: 5,
            compare: None,
        }
    }
}

impl Options {
    /// `[--runs N] [--load-seconds S] [--compare FILE]`.
    pub fn parse(args: &[OsString]) -> Result<Options> {
        let mut options = Options::default();
        let mut args = args.iter().map(|a| a.to_string_lossy().into_owned());
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
                None => (arg.clone(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| Error(format!("`{name}` needs a value")))
            };
            match name.as_str() {
                "--runs" => options.runs = positive(&name, &value()?)?,
                "--load-seconds" => options.load_seconds = positive(&name, &value()?)? as u64,
                "--compare" => options.compare = Some(PathBuf::from(value()?)),
                _ => {
                    return Err(Error(format!(
                        "unknown bench option `{arg}` (options: --runs N, --load-seconds S, --compare FILE)"
                    )))
                }
            }
        }
        Ok(options)
    }
}

fn positive(name: &str, value: &str) -> Result<usize> {
    match value.parse::<usize>() {
        Ok(n) if (1..=10_000).contains(&n) => Ok(n),
        _ => Err(Error(format!(
            "`{name}` takes a whole number from 1 to 10000, not `{value}`"
        ))),
    }
}

/// Runs the whole bench; `args` are the words after `bench`.
pub fn run(ctx: &Ctx, args: &[OsString]) -> Result<()> {
    let options = Options::parse(args)?;
    // Read before anything runs: FILE may be the bench.json this run replaces,
    // and a typo should fail now, not after minutes of measuring.
    let earlier = options
        .compare
        .as_deref()
        .map(|path| -> Result<Json> {
            let text = std::fs::read_to_string(path)
                .context(|| format!("reading --compare {}", path.display()))?;
            Json::parse(&text).map_err(|e| Error(format!("--compare {}: {e}", path.display())))
        })
        .transpose()?;
    if options.runs < 20 {
        println!(
            "    note: --runs {} is below the 20 runs the issue asks for; figures will be noisier",
            options.runs
        );
    }
    tools::ensure(ctx, Needs::Everything)?;
    ensure_bench_packages(ctx)?;
    bundle::build(ctx)?;
    let binary = server::build(ctx)?;

    let work = ctx.target_dir.join("bench");
    // Others may rebuild dist/ while the bench runs; every server serves this
    // copy, so all figures of a run describe one bundle.
    let snapshot = work.join("dist");
    let _ = std::fs::remove_dir_all(&snapshot);
    copy_dir(&ctx.root.join("dist"), &snapshot)?;
    let dbs = work.join("db");
    let _ = std::fs::remove_dir_all(&dbs);
    std::fs::create_dir_all(&dbs).context(|| format!("creating {}", dbs.display()))?;
    let react = work.join("react");
    step(
        "bundling the React baseline (esbuild, minified, production)",
        || {
            run_cmd(
                ctx.cmd("node")
                    .arg(ctx.root.join("bench").join("build-baseline.mjs"))
                    .arg(&react),
            )
        },
    )?;
    let catalog = work.join("catalog.json");
    std::fs::write(
        &catalog,
        generated_catalog(CATALOG_PRODUCTS, PRICES_PER_PRODUCT),
    )
    .context(|| format!("writing {}", catalog.display()))?;

    let browser_out = work.join("browser.tsv");
    let load_out = work.join("load.tsv");
    let apps_out = work.join("apps.tsv");
    for file in [&browser_out, &load_out, &apps_out] {
        let _ = std::fs::remove_file(file);
    }
    // Before the timed phases: a wasm build would take the CPUs from them.
    let leptos_apps = step(
        "the Leptos apps of bench/leptos-apps (trunk build --release, as a merchant builds)",
        || {
            apps::build_and_measure(ctx, &apps_out).inspect_err(|e| {
                // The rows then say why they are empty.
                let why = e.0.replace(['\t', '\n'], " ");
                let _ = std::fs::write(&apps_out, format!("note\terror.leptos apps\t{why}\n"));
            })
        },
    );
    // Other work on the machine skews every timing: sample how busy the CPUs
    // are while nothing of ours runs, before each phase.
    let busy_before_browser = busy_cpu(Duration::from_secs(1));
    let browser = step(
        "browser measurements (Playwright + headless Chromium)",
        || {
            browser_phase(
                ctx,
                &binary,
                &work,
                &react,
                &catalog,
                &browser_out,
                &options,
            )
        },
    );
    let busy_before_load = busy_cpu(Duration::from_secs(1));
    let load = step(
        "server load (bench/load.mjs against a fresh database)",
        || load_phase(ctx, &binary, &work, &load_out, &options),
    );
    let _ = std::fs::remove_dir_all(&dbs);

    let mut results = Results::default();
    for file in [&apps_out, &browser_out, &load_out] {
        if let Ok(text) = std::fs::read_to_string(file) {
            let parsed =
                Results::parse(&text).map_err(|e| Error(format!("{}: {e}", file.display())))?;
            results.merge(parsed);
        }
    }
    let settings = Settings {
        runs: options.runs,
        load_seconds: options.load_seconds as f64,
    };
    let rows = report::build_rows(&results, settings);
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let show_busy = |b: Option<f64>| b.map_or("n/a".to_owned(), |b| format!("{:.0}%", b * 100.0));
    println!();
    println!(
        "    machine: {cores} cores, busy with other work {} of the time just before the browser runs and {} just \
         before the load test (sampled over 1 s from /proc/stat while nothing of the bench ran)",
        show_busy(busy_before_browser),
        show_busy(busy_before_load)
    );
    println!("==> bench: ours (checkout-widget) beside the baseline (React + @flowglad/react); ratio = ours / baseline");
    print!("{}", report::render_table(&rows, 64));
    let json_path = ctx.target_dir.join("bench.json");
    let mut meta = metadata(ctx, &options, &results);
    meta.push((
        "cpuBusyBeforeBrowser",
        busy_before_browser.map_or(Json::Null, Json::Num),
    ));
    meta.push((
        "cpuBusyBeforeLoad",
        busy_before_load.map_or(Json::Null, Json::Num),
    ));
    let doc = report::to_json(&rows, &results, meta);
    std::fs::write(&json_path, doc.render())
        .context(|| format!("writing {}", json_path.display()))?;
    println!("    written to {}", json_path.display());
    if let (Some(earlier), Some(path)) = (&earlier, &options.compare) {
        println!(
            "==> bench: change against {} (better: smaller sizes and times, more per second)",
            path.display()
        );
        print!(
            "{}",
            report::render_comparison(&report::compare(earlier, &doc), 64)
        );
    }
    println!("    targets are shown for information; they never fail `cargo xtask bench`");
    leptos_apps?;
    browser?;
    load?;
    Ok(())
}

/// Starts a server for the bench on a free loopback port, serving the dist
/// snapshot, with its own database under `work/db`.
fn start_server(binary: &Path, work: &Path, name: &str, extra: &[&OsString]) -> Result<Server> {
    let dist = work.join("dist");
    let mut args: Vec<OsString> = vec![
        "--addr".into(),
        "127.0.0.1:0".into(),
        "--db".into(),
        work.join("db").join(format!("{name}.sqlite3")).into(),
        "--dist".into(),
        dist.into(),
        "--secret-key".into(),
        "sk_test_bench_0123456789abcdef012345678".into(),
    ];
    args.extend(extra.iter().map(|a| (*a).clone()));
    let log = work.join("logs").join(format!("{name}.log"));
    Server::start(binary, &args, &log, Duration::from_secs(30))
}

/// Three servers (ours, the baseline's route prefix, the generated catalog)
/// and the Playwright script; the servers stop when this returns, however.
fn browser_phase(
    ctx: &Ctx,
    binary: &Path,
    work: &Path,
    react: &Path,
    catalog: &Path,
    out: &Path,
    options: &Options,
) -> Result<()> {
    let prefix_flag = OsString::from("--route-prefix");
    let prefix = OsString::from(FLOWGLAD_ROUTE_PREFIX);
    let catalog_flag = OsString::from("--catalog");
    let catalog_arg = OsString::from(catalog);
    let ours = start_server(binary, work, "ours", &[])?;
    let baseline = start_server(binary, work, "baseline", &[&prefix_flag, &prefix])?;
    let big = start_server(binary, work, "catalog", &[&catalog_flag, &catalog_arg])?;
    let result = run_cmd(
        ctx.cmd("node")
            .arg(ctx.root.join("bench").join("browser.mjs"))
            .env("OURS_URL", &ours.url)
            .env("BASELINE_URL", &baseline.url)
            .env("BIG_URL", &big.url)
            .env("REACT_DIR", react)
            .env("CATALOG", catalog)
            .env("RUNS", options.runs.to_string())
            .env("OUT", out),
    );
    drop((ours, baseline, big));
    result
}

/// A fresh server alone on the machine, and the load generator.
fn load_phase(ctx: &Ctx, binary: &Path, work: &Path, out: &Path, options: &Options) -> Result<()> {
    let server = start_server(binary, work, "load", &[])?;
    let result = run_cmd(
        ctx.cmd("node")
            .arg(ctx.root.join("bench").join("load.mjs"))
            .env("BENCH_URL", &server.url)
            .env("SERVER_PID", server.pid().to_string())
            .env("DURATION_MS", (options.load_seconds * 1000).to_string())
            .env("OUT", out),
    );
    drop(server);
    result
}

/// The fraction of all CPUs' time spent busy over `window` (Linux
/// `/proc/stat`), to tell a quiet machine from a shared one.
fn busy_cpu(window: Duration) -> Option<f64> {
    let read = || cpu_times(&std::fs::read_to_string("/proc/stat").ok()?);
    let (busy0, total0) = read()?;
    std::thread::sleep(window);
    let (busy1, total1) = read()?;
    let total = total1.checked_sub(total0).filter(|t| *t > 0)?;
    Some(busy1.saturating_sub(busy0) as f64 / total as f64)
}

/// `(busy, total)` jiffies from the aggregate `cpu` line of `/proc/stat`
/// (idle and iowait count as not busy).
fn cpu_times(stat: &str) -> Option<(u64, u64)> {
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let fields: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .take(8)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    if fields.len() < 5 {
        return None;
    }
    let total: u64 = fields.iter().sum();
    Some((total - fields[3] - fields[4], total))
}

/// Copies a directory tree (files and folders only).
fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).context(|| format!("creating {}", to.display()))?;
    let entries = std::fs::read_dir(from).context(|| format!("listing {}", from.display()))?;
    for entry in entries {
        let entry = entry.context(|| format!("listing {}", from.display()))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry
            .file_type()
            .context(|| format!("reading {}", src.display()))?
            .is_dir()
        {
            copy_dir(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst)
                .context(|| format!("copying {} to {}", src.display(), dst.display()))?;
        }
    }
    Ok(())
}

/// `npm ci` in bench/ when its node_modules is missing or was installed from
/// another package-lock.json (a hash stamp, as tools.rs does for the root).
pub(crate) fn ensure_bench_packages(ctx: &Ctx) -> Result<()> {
    let dir = ctx.root.join("bench");
    let lock_path = dir.join("package-lock.json");
    let lock = std::fs::read(&lock_path).context(|| format!("reading {}", lock_path.display()))?;
    let want = format!("{:016x}", fnv1a64(&lock));
    let stamp = dir.join("node_modules").join(".xtask-lock-hash");
    if std::fs::read_to_string(&stamp).unwrap_or_default().trim() == want {
        println!("    ok  bench/node_modules matches bench/package-lock.json");
        return Ok(());
    }
    step(
        "installing the bench's npm packages (npm ci in bench/: @flowglad/react, react, esbuild)",
        || {
            let mut cmd = ctx.cmd("npm");
            cmd.current_dir(&dir)
                .args(["ci", "--no-audit", "--no-fund"]);
            run_cmd(&mut cmd)
        },
    )?;
    std::fs::write(&stamp, &want).context(|| format!("writing {}", stamp.display()))
}

/// FNV-1a 64, the same stable hash the root package stamp uses.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A catalog in server/catalog/demo.json's format: `products` products with
/// `prices` one-time USD prices each (the first the default), so the pricing
/// table shows one card per product and a session can hold `products × prices`
/// distinct line items.
pub fn generated_catalog(products: usize, prices: usize) -> String {
    let mut out = String::from(
        "{\n  \"organization\": { \"id\": \"org_bench\", \"name\": \"Bench Cloud\" },\n  \
         \"pricingModel\": { \"id\": \"pm_bench\", \"name\": \"Bench pricing\" },\n  \"products\": [\n",
    );
    for p in 1..=products {
        let price_list: Vec<String> = (0..prices)
            .map(|i| {
                let letter = char::from(b'a' + (i % 26) as u8);
                format!(
                    "        {{ \"id\": \"price_bench_{p:03}_{letter}\", \"slug\": \"bench-{p:03}-{letter}\", \"name\": \"Plan {p:03} {}\", \
                     \"type\": \"single_payment\", \"unitPrice\": {}, \"currency\": \"USD\", \"isDefault\": {} }}",
                    if i == 0 { "standard".to_owned() } else { format!("option {letter}") },
                    900 + p * 100 + i * 25,
                    i == 0
                )
            })
            .collect();
        out.push_str(&format!(
            "    {{\n      \"id\": \"prod_bench_{p:03}\",\n      \"slug\": \"bench-{p:03}\",\n      \"name\": \"Plan {p:03}\",\n      \
             \"description\": \"Generated product {p} of {products} for the render benchmark.\",\n      \"prices\": [\n{}\n      ]\n    }}{}\n",
            price_list.join(",\n"),
            if p == products { "" } else { "," }
        ));
    }
    out.push_str("  ]\n}\n");
    out
}

/// The run's context for the JSON document.
fn metadata(ctx: &Ctx, options: &Options, results: &Results) -> Vec<(&'static str, Json)> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let version = |cmd: &str, arg: &str| {
        capture(ctx.cmd(cmd).arg(arg)).map_or(Json::Null, |s| Json::str(s.trim().to_owned()))
    };
    vec![
        ("command", Json::str("cargo xtask bench")),
        ("generatedAtUnix", Json::Num(now as f64)),
        ("runs", Json::Num(options.runs as f64)),
        ("loadSecondsPerLevel", Json::Num(options.load_seconds as f64)),
        ("cores", Json::Num(cores as f64)),
        ("browser", Json::str(results.note("browser"))),
        ("node", version("node", "--version")),
        ("bundle", Json::str("trunk build --release (dist/, served from the copy in target/bench/dist)")),
        ("server", Json::str(format!("cargo build --profile {} -p {}", server::PROFILE, server::BINARY))),
        ("baseline", Json::str("bench/react/app.jsx: React 19 + @flowglad/react 0.18 (FlowgladProvider + useBilling), esbuild --minify")),
        ("leptosApps", Json::str("bench/leptos-apps: trunk build --release (opt-level z, LTO, codegen-units 1, wasm-opt -Oz), target/bench-apps")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    #[test]
    fn options_parse() {
        assert_eq!(
            Options::parse(&[]).unwrap(),
            Options {
                runs: 20,
                load_seconds: 5,
                compare: None
            }
        );
        assert_eq!(
            Options::parse(&args(&[
                "--runs",
                "30",
                "--load-seconds=2",
                "--compare",
                "old.json"
            ]))
            .unwrap(),
            Options {
                runs: 30,
                load_seconds: 2,
                compare: Some(PathBuf::from("old.json"))
            }
        );
        assert!(Options::parse(&args(&["--runs"]))
            .unwrap_err()
            .0
            .contains("needs a value"));
        assert!(Options::parse(&args(&["--runs", "0"])).is_err());
        assert!(Options::parse(&args(&["--runs", "x"])).is_err());
        assert!(Options::parse(&args(&["--fast"]))
            .unwrap_err()
            .0
            .contains("unknown bench option"));
    }

    #[test]
    fn generated_catalog_has_every_product_and_price() {
        let text = generated_catalog(100, 2);
        assert_eq!(text.matches("\"id\": \"prod_bench_").count(), 100);
        assert_eq!(text.matches("\"type\": \"single_payment\"").count(), 200);
        assert_eq!(text.matches("\"isDefault\": true").count(), 100);
        assert!(text.contains("\"slug\": \"bench-100-b\""));
        // Same currency everywhere, so every price can share one session.
        assert_eq!(text.matches("\"currency\": \"USD\"").count(), 200);
        // Structurally sound: balanced brackets, no trailing commas.
        assert_eq!(
            text.matches(['{', '[']).count(),
            text.matches(['}', ']']).count()
        );
        assert!(!text.contains(",\n  ]") && !text.contains(",\n      ]"));
    }

    #[test]
    fn the_real_catalog_format_matches() {
        // Every field used here exists in the demo catalog the server documents.
        let demo = include_str!("../../server/catalog/demo.json");
        for field in [
            "\"organization\"",
            "\"pricingModel\"",
            "\"products\"",
            "\"unitPrice\"",
            "\"isDefault\"",
            "\"slug\"",
        ] {
            assert!(demo.contains(field), "{field}");
        }
    }

    #[test]
    fn directories_are_copied_whole() {
        let base = std::env::temp_dir().join(format!("xtask-bench-copy-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("from").join("examples")).unwrap();
        std::fs::write(base.join("from").join("a.js"), "a").unwrap();
        std::fs::write(base.join("from").join("examples").join("plain.html"), "<p>").unwrap();
        copy_dir(&base.join("from"), &base.join("to")).unwrap();
        assert_eq!(
            std::fs::read_to_string(base.join("to").join("a.js")).unwrap(),
            "a"
        );
        assert_eq!(
            std::fs::read_to_string(base.join("to").join("examples").join("plain.html")).unwrap(),
            "<p>"
        );
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn cpu_times_are_read() {
        let stat = "cpu  100 5 50 800 40 3 2 0 0 0\ncpu0 50 2 25 400 20 1 1 0 0 0\nintr 1 2\n";
        assert_eq!(cpu_times(stat), Some((160, 1000)));
        assert_eq!(cpu_times("cpu0 1 2 3 4 5\n"), None);
        assert_eq!(cpu_times("cpu  1 2 x 4 5\n"), None);
        assert_eq!(cpu_times(""), None);
        assert!(busy_cpu(Duration::from_millis(50)).is_none_or(|b| (0.0..=1.0).contains(&b)));
    }

    #[test]
    fn stamp_hash_matches_the_root_one() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
