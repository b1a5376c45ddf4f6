//! Developer tasks for the checkout widget workspace, run as `cargo xtask …`
//! (an alias in `.cargo/config.toml`).
//!
//! std only, so it compiles in seconds; it installs the heavy tools (trunk,
//! wasm-bindgen CLI, npm packages, Chromium) itself, because nothing installed
//! by hand survives to CI on a fresh machine.

mod bench;
mod bundle;
mod demo;
mod fresh_app;
mod lint;
mod npm;
mod reliability;
mod server;
mod test;
mod tools;
mod util;

use std::ffi::OsString;
use std::process::ExitCode;
use std::time::Instant;

use util::{fmt_duration, Ctx, Error, Result};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  build                  release bundle of the widget into dist/ (trunk build --release)
  demo [-- SERVER ARGS]  build, then run the server on http://127.0.0.1:8080
                         (defaults: --addr 127.0.0.1:8080 --db data/demo.sqlite3 --dist dist)
  lint                   the lint gates: cargo fmt --all --check, then cargo clippy
                         -D warnings natively (--workspace --all-targets) and for
                         wasm32 (the widget alone, its app bundles with the test kit,
                         the embed bin with --features embed), and natively with
                         Leptos ssr; run it before every stop
  test [TIER...]         run the test tiers in order, stopping at the first failure:
                           lint         cargo xtask lint
                           unit         cargo test --workspace --lib --bins --examples, then --doc,
                                        tests/ssr.rs, the fresh-app tree and the package list
                           integration  the server's tests/*.rs
                           reliability  release server SIGKILLed mid-load, card data, fuzzing
                           wasm         widget wasm tests in headless Chromium
                           e2e          Playwright against the release bundle + server
                         (all six when none is named)
  bench [--runs N] [--load-seconds S] [--compare FILE]
                         measure the widget beside a React + @flowglad/react page
                         (payload, time to ready, click to hosted page, memory,
                         large renders, server load); prints one table and writes
                         target/bench.json (targets shown, never failing)
  screenshots            regenerate the README's screenshots (docs/screenshots/)
                         from the real pages in headless Chromium
  help                   this text

Each command first installs what it lacks: the wasm32 target, trunk 0.21.14,
the wasm-bindgen CLI matching Cargo.lock, npm packages (wasm-opt 132,
Playwright), for `lint` and `test` the rustfmt and clippy components, and for
`test` Debian's chromium + chromium-driver.";

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let start = Instant::now();
    match dispatch(&args) {
        Ok(Some(name)) => {
            println!(
                "==> cargo xtask {name}: finished in {}",
                fmt_duration(start.elapsed())
            );
            ExitCode::SUCCESS
        }
        Ok(None) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Runs the command named by `args`; returns its name for the closing line
/// (`None` for help).
fn dispatch(args: &[OsString]) -> Result<Option<&'static str>> {
    let Some(command) = args.first() else {
        println!("{USAGE}");
        return Ok(None);
    };
    let rest = &args[1..];
    let command = command.to_string_lossy();
    if matches!(command.as_ref(), "help" | "-h" | "--help") {
        println!("{USAGE}");
        return Ok(None);
    }

    let ctx = Ctx::new()?;
    // Relative paths (dist/, data/, tests/…) mean the repo root wherever
    // `cargo xtask` was typed.
    std::env::set_current_dir(&ctx.root)
        .map_err(|e| Error(format!("cannot enter {}: {e}", ctx.root.display())))?;

    match command.as_ref() {
        "build" => {
            no_args("build", rest)?;
            tools::ensure(&ctx, tools::Needs::Bundle)?;
            bundle::build(&ctx)?;
            Ok(Some("build"))
        }
        "demo" => {
            // `cargo xtask demo -- --flag` arrives as ["demo", "--", "--flag"].
            let extra = match rest.first() {
                Some(first) if first == "--" => &rest[1..],
                _ => rest,
            };
            demo::run(&ctx, extra)?;
            Ok(Some("demo"))
        }
        "lint" => {
            no_args("lint", rest)?;
            lint::run_checks(&ctx)?;
            Ok(Some("lint"))
        }
        "test" => {
            let mut tiers = Vec::new();
            for arg in rest {
                let name = arg.to_string_lossy();
                let tier = test::Tier::parse(&name).ok_or_else(|| {
                    Error(format!(
                        "unknown test tier `{name}` (tiers: lint, unit, integration, reliability, wasm, e2e)"
                    ))
                })?;
                tiers.push(tier);
            }
            test::run_tiers(&ctx, &tiers)?;
            Ok(Some("test"))
        }
        "bench" => bench::run(&ctx, rest).map(|()| Some("bench")),
        "screenshots" => {
            no_args("screenshots", rest)?;
            tools::ensure(&ctx, tools::Needs::Everything)?;
            let dir = ctx.root.join("docs").join("screenshots");
            test::playwright(&ctx, &["screenshots.spec.mjs"], &[("SCREENSHOT_DIR", &dir)])?;
            println!("==> screenshots written to {}", dir.display());
            Ok(Some("screenshots"))
        }
        other => Err(Error(format!("unknown command `{other}`\n\n{USAGE}"))),
    }
}

/// Rejects stray arguments for commands that take none.
fn no_args(command: &str, rest: &[OsString]) -> Result<()> {
    match rest.first() {
        None => Ok(()),
        Some(arg) => Err(Error(format!(
            "`cargo xtask {command}` takes no arguments (got `{}`)",
            arg.to_string_lossy()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The README's Leptos example is compiled as `examples/billing_panel.rs`;
    /// this keeps the two texts identical so the README cannot drift.
    #[test]
    fn readme_example_is_the_compiled_example() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
        let example =
            std::fs::read_to_string(root.join("examples/billing_panel.rs")).expect("the example");
        let start = readme
            .find("```rust\n")
            .expect("a rust block in the README")
            + "```rust\n".len();
        let block = &readme[start..start + readme[start..].find("```").expect("closing fence")];
        assert!(
            example.contains(block),
            "examples/billing_panel.rs must contain the README's rust block verbatim"
        );
    }

    /// The README's test-kit example is `tests/kit.rs` from its first `use`.
    #[test]
    fn readme_test_kit_example_is_the_tested_one() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
        let kit = std::fs::read_to_string(root.join("tests/kit.rs")).expect("tests/kit.rs");
        let from_use = &kit[kit.find("use ").expect("a use line")..];
        assert!(
            readme.contains(&format!("```rust\n{from_use}```")),
            "README.md must show tests/kit.rs from its first `use` verbatim"
        );
    }
}
