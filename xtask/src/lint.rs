//! `cargo xtask lint` (and the `lint` test tier): rustfmt and clippy as gates.
//!
//! Every crate is linted on the target it ships for: the server, protocol,
//! xtask and the widget's pure logic natively; the widget again for
//! `wasm32-unknown-unknown`, as the library an app gets (default features),
//! as the app bundles with the test kit, as an app with `catalogs-on-demand`,
//! and as the script-tag bundle
//! (`--features embed`); and natively with Leptos `ssr`, because
//! `cfg(target_arch = "wasm32")` and feature-gated code is invisible to the
//! native pass. Warnings are errors (`-D warnings`).
//!
//! All checks run even when an earlier one fails, so one run shows every
//! problem; the error then names the checks that failed.

use crate::tools::{self, WASM_TARGET};
use crate::util::{run, step, Ctx, Error, Result};

/// One gate: a name for the failure message, its command, and how to fix it.
struct Check {
    name: &'static str,
    args: Vec<&'static str>,
    hint: &'static str,
}

/// The checks, cheapest first.
fn checks() -> Vec<Check> {
    const CLIPPY_HINT: &str =
        "fix the warnings above (or allow a lint narrowly, with a comment saying why)";
    vec![
        Check {
            name: "rustfmt",
            args: vec!["fmt", "--all", "--check"],
            hint: "run `cargo fmt --all`",
        },
        Check {
            name: "clippy (native: every crate, all targets)",
            args: vec![
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
            hint: CLIPPY_HINT,
        },
        Check {
            name: "clippy (widget, wasm32, the library alone: default features)",
            args: vec![
                "clippy",
                "-p",
                "checkout-widget",
                "--target",
                WASM_TARGET,
                "--lib",
                "--",
                "-D",
                "warnings",
            ],
            hint: CLIPPY_HINT,
        },
        Check {
            name: "clippy (widget, wasm32, app bundles + the test kit)",
            args: vec![
                "clippy",
                "-p",
                "checkout-widget",
                "--target",
                WASM_TARGET,
                "--all-targets",
                "--features",
                "testing,csr,hosted-pages",
                "--",
                "-D",
                "warnings",
            ],
            hint: CLIPPY_HINT,
        },
        Check {
            name: "clippy (widget, wasm32, a Leptos app with catalogs-on-demand)",
            args: vec![
                "clippy",
                "-p",
                "checkout-widget",
                "--target",
                WASM_TARGET,
                "--lib",
                "--test",
                "catalogs",
                "--features",
                "testing,csr,catalogs-on-demand",
                "--",
                "-D",
                "warnings",
            ],
            hint: CLIPPY_HINT,
        },
        Check {
            name: "clippy (widget, wasm32, script-tag embed bin)",
            args: vec![
                "clippy",
                "-p",
                "checkout-widget",
                "--target",
                WASM_TARGET,
                "--bin",
                "checkout-widget-embed",
                "--no-default-features",
                "--features",
                "embed",
                "--",
                "-D",
                "warnings",
            ],
            hint: CLIPPY_HINT,
        },
        Check {
            name: "clippy (widget, wasm32, hosted checkout bin: plain DOM, no Leptos)",
            args: vec![
                "clippy",
                "-p",
                "checkout-widget",
                "--target",
                WASM_TARGET,
                "--bin",
                "checkout-widget-hosted",
                "--no-default-features",
                "--features",
                "hosted-checkout,catalogs-on-demand",
                "--",
                "-D",
                "warnings",
            ],
            hint: CLIPPY_HINT,
        },
        Check {
            name: "clippy (widget, native, server-side rendering: ssr feature)",
            args: vec![
                "clippy",
                "-p",
                "checkout-widget",
                "--no-default-features",
                "--features",
                "ssr",
                "--lib",
                "--test",
                "ssr",
                "--",
                "-D",
                "warnings",
            ],
            hint: CLIPPY_HINT,
        },
    ]
}

/// Runs every check; fails naming each one that did not pass.
pub fn run_checks(ctx: &Ctx) -> Result<()> {
    tools::ensure_lint_tools(ctx)?;
    let mut failed = Vec::new();
    for check in checks() {
        let mut cmd = ctx.cargo();
        cmd.args(&check.args);
        if step(&format!("lint: {}", check.name), || run(&mut cmd)).is_err() {
            failed.push(check);
        }
    }
    if failed.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = failed
        .iter()
        .map(|c| format!("  - {}: {}", c.name, c.hint))
        .collect();
    Err(Error(format!(
        "{} of {} lint checks failed:\n{}",
        failed.len(),
        checks().len(),
        list.join("\n")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_clippy_check_denies_warnings_and_wasm_ones_name_the_target() {
        for check in checks().into_iter().filter(|c| c.args[0] == "clippy") {
            assert!(
                check.args.ends_with(&["--", "-D", "warnings"]),
                "{}",
                check.name
            );
            assert_eq!(
                check.name.contains("wasm32"),
                check.args.contains(&WASM_TARGET),
                "{}",
                check.name
            );
        }
    }
}
