//! Finding and installing the tools the bundle and the tests need.
//!
//! Every check is a cheap version probe, so with everything installed the
//! whole pass costs well under a second; an install happens only when a probe
//! fails. The pinned versions and their reasons come from
//! `shared/design/TOOLCHAIN.md`.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::util::{capture, fmt_duration, run, step, Context, Ctx, Error, Result};

/// The Rust target the widget compiles to.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// trunk 0.21.14: a plain `cargo install --locked trunk` picks 0.22, which
/// needs a newer rustc than the one this project pins.
pub const TRUNK_VERSION: &str = "0.21.14";
/// wasm-opt from npm `binaryen@132`; Debian's binaryen 108 produces a module
/// that fails at start-up.
pub const WASM_OPT_VERSION: &str = "132";
/// Debian's browser and its `WebDriver`, used by both browser tiers.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// See [`CHROMIUM`].
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Which groups of tools a command needs.
#[derive(Clone, Copy, Debug)]
pub enum Needs {
    /// `build` / `demo`: wasm32 target, trunk, wasm-bindgen CLI, wasm-opt.
    Bundle,
    /// `test`: the bundle tools plus Chromium, chromedriver and Playwright.
    Everything,
}

/// Makes sure every tool `needs` asks for is present at the right version,
/// installing what is missing.
pub fn ensure(ctx: &Ctx, needs: Needs) -> Result<()> {
    let start = Instant::now();
    println!("==> checking tools");
    ensure_wasm_target(ctx)?;
    ensure_trunk(ctx)?;
    ensure_wasm_bindgen(ctx)?;
    ensure_npm_packages(ctx, needs)?;
    if let Needs::Everything = needs {
        ensure_chromium()?;
    }
    println!("    tools ready in {}", fmt_duration(start.elapsed()));
    Ok(())
}

/// What `cargo xtask lint` needs: the wasm32 target (the widget is linted
/// for it) and the rustfmt and clippy components, added with rustup when a
/// `cargo fmt --version` / `cargo clippy --version` probe fails (a minimal
/// toolchain profile has neither).
pub fn ensure_lint_tools(ctx: &Ctx) -> Result<()> {
    let start = Instant::now();
    println!("==> checking lint tools");
    ensure_wasm_target(ctx)?;
    for (subcommand, component) in [("fmt", "rustfmt"), ("clippy", "clippy")] {
        if capture(ctx.cargo().args([subcommand, "--version"])).is_some() {
            println!("    ok  {component}");
            continue;
        }
        step(&format!("installing the {component} component"), || {
            run(ctx.cmd("rustup").args(["component", "add", component]))
        })?;
    }
    println!("    lint tools ready in {}", fmt_duration(start.elapsed()));
    Ok(())
}

/// `rustup target add wasm32-unknown-unknown` unless it is already installed.
fn ensure_wasm_target(ctx: &Ctx) -> Result<()> {
    let installed = capture(ctx.cmd("rustup").args(["target", "list", "--installed"])).ok_or(
        "`rustup target list --installed` failed: the wasm build needs rustup \
                (https://rustup.rs) to add the wasm32-unknown-unknown target",
    )?;
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        println!("    ok  rust target {WASM_TARGET}");
        return Ok(());
    }
    step(
        &format!("installing rust target {WASM_TARGET} (about 30 s)"),
        || run(ctx.cmd("rustup").args(["target", "add", WASM_TARGET])),
    )
}

/// trunk at exactly [`TRUNK_VERSION`], else `cargo install --locked`.
fn ensure_trunk(ctx: &Ctx) -> Result<()> {
    if let Some(out) = capture(ctx.cmd("trunk").arg("--version")) {
        if version_matches(&out, TRUNK_VERSION) {
            println!("    ok  trunk {TRUNK_VERSION}");
            return Ok(());
        }
        println!("    trunk reports `{}`, need {TRUNK_VERSION}", out.trim());
    }
    step(
        &format!("installing trunk {TRUNK_VERSION} (about 9 minutes on 2 cores)"),
        || {
            // --locked: trunk's own lockfile is known to build with our rustc.
            run(ctx
                .cargo()
                .args(["install", "--locked", "trunk", "--version", TRUNK_VERSION]))
        },
    )?;
    let out = capture(ctx.cmd("trunk").arg("--version")).unwrap_or_default();
    if !version_matches(&out, TRUNK_VERSION) {
        return Err(Error(format!(
            "installed trunk {TRUNK_VERSION}, but `trunk --version` now says `{}`; \
             is another trunk earlier on PATH?",
            out.trim()
        )));
    }
    Ok(())
}

/// wasm-bindgen CLI at the version Cargo.lock resolved for the `wasm-bindgen`
/// crate (the two must match exactly, or the generated glue is rejected).
fn ensure_wasm_bindgen(ctx: &Ctx) -> Result<()> {
    let lock_path = ctx.root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path).context(|| {
        format!(
            "reading {} (run `cargo generate-lockfile`)",
            lock_path.display()
        )
    })?;
    let version = wasm_bindgen_version(&lock)?;
    check_trunk_toml(ctx, &version)?;
    if let Some(out) = capture(ctx.cmd("wasm-bindgen").arg("--version")) {
        if version_matches(&out, &version) {
            println!("    ok  wasm-bindgen {version}");
            return Ok(());
        }
        println!("    wasm-bindgen reports `{}`, need {version}", out.trim());
    }
    step(
        &format!("installing wasm-bindgen-cli {version} (about 3 minutes on 2 cores)"),
        || {
            // No --locked: the CLI's published lockfile pins a crate version
            // the registry no longer has (TOOLCHAIN.md).
            run(ctx
                .cargo()
                .args(["install", "wasm-bindgen-cli", "--version", &version]))
        },
    )
}

/// Trunk.toml pins `[tools] wasm_bindgen` too (trunk refuses other versions
/// offline); catch a drift from Cargo.lock here with a clear message instead
/// of deep inside trunk.
fn check_trunk_toml(ctx: &Ctx, lock_version: &str) -> Result<()> {
    let path = ctx.root.join("Trunk.toml");
    let text = std::fs::read_to_string(&path).context(|| format!("reading {}", path.display()))?;
    match toml_tools_value(&text, "wasm_bindgen") {
        Some(v) if v == lock_version => Ok(()),
        Some(v) => Err(Error(format!(
            "Trunk.toml pins [tools] wasm_bindgen = \"{v}\" but Cargo.lock resolves \
             wasm-bindgen {lock_version}; make them equal"
        ))),
        None => Err(Error(format!(
            "Trunk.toml has no [tools] wasm_bindgen; add wasm_bindgen = \"{lock_version}\""
        ))),
    }
}

/// The root `package.json` devDependencies: wasm-opt (binaryen) and esbuild
/// for the bundle and, for tests, Playwright. `npm ci` runs only when `node_modules` is missing or
/// `package-lock.json` changed since the last install (a hash stamp inside
/// `node_modules` records which lock it came from).
fn ensure_npm_packages(ctx: &Ctx, needs: Needs) -> Result<()> {
    let lock_path = ctx.root.join("package-lock.json");
    let lock = std::fs::read(&lock_path).context(|| format!("reading {}", lock_path.display()))?;
    let want = format!("{:016x}", fnv1a64(&lock));
    let stamp = ctx.root.join("node_modules").join(".xtask-lock-hash");
    let have = std::fs::read_to_string(&stamp).unwrap_or_default();
    if have.trim() == want {
        println!("    ok  node_modules matches package-lock.json");
    } else {
        npm_ci(ctx)?;
        std::fs::write(&stamp, &want).context(|| format!("writing {}", stamp.display()))?;
    }

    let wasm_opt = ctx.root.join("node_modules").join(".bin").join("wasm-opt");
    let out = capture(ctx.cmd(&wasm_opt).arg("--version")).unwrap_or_default();
    if !version_matches(&out, WASM_OPT_VERSION) {
        return Err(Error(format!(
            "{} reports `{}`, need version {WASM_OPT_VERSION}: package.json must pin \
             binaryen {WASM_OPT_VERSION}.x (delete node_modules to force a reinstall)",
            wasm_opt.display(),
            out.trim()
        )));
    }
    println!("    ok  wasm-opt {WASM_OPT_VERSION} (npm binaryen)");

    let esbuild = ctx.root.join("node_modules").join(".bin").join("esbuild");
    match capture(ctx.cmd(&esbuild).arg("--version")) {
        Some(version) => println!("    ok  esbuild {} (npm esbuild)", version.trim()),
        None => {
            return Err(Error(format!(
                "{} does not run: package.json must list esbuild, which bundles the \
                 embed's JS (delete node_modules to force a reinstall)",
                esbuild.display()
            )))
        }
    }

    if let Needs::Everything = needs {
        let playwright = ctx
            .root
            .join("node_modules")
            .join(".bin")
            .join("playwright");
        if !playwright.exists() {
            return Err(Error(format!(
                "{} is missing: package.json must list @playwright/test \
                 (delete node_modules to force a reinstall)",
                playwright.display()
            )));
        }
        println!("    ok  playwright (npm @playwright/test)");
    }
    Ok(())
}

/// `npm ci` from the committed lock, after checking node and npm exist.
fn npm_ci(ctx: &Ctx) -> Result<()> {
    for tool in ["node", "npm"] {
        if capture(ctx.cmd(tool).arg("--version")).is_none() {
            return Err(Error(format!(
                "`{tool}` is not installed: install Node.js 20 or newer with npm \
                 (Debian: sudo apt-get install -y nodejs npm)"
            )));
        }
    }
    step(
        "installing npm packages (npm ci: binaryen, esbuild, @playwright/test, axe-core, @flowglad/node, @flowglad/server, react, vue, svelte, typescript)",
        || {
            run(ctx
                .cmd("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                // Browsers come from Debian; never let Playwright fetch its own
                // (the network reaches package registries only).
                .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))
        },
    )
}

/// Debian's chromium and chromium-driver, apt-installed when running as root,
/// with a Japanese font: the localized pages (and their screenshots) need
/// glyphs the default fonts lack (Arabic is in DejaVu already).
fn ensure_chromium() -> Result<()> {
    const HINT: &str = "install Debian's chromium and chromium-driver: sudo apt-get install -y \
                        --no-install-recommends chromium chromium-driver fonts-ipafont-gothic";
    const JAPANESE_FONT: &str = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf";
    let present = || {
        Path::new(CHROMIUM).exists()
            && Path::new(CHROMEDRIVER).exists()
            && Path::new(JAPANESE_FONT).exists()
    };
    if present() {
        println!("    ok  {CHROMIUM} and {CHROMEDRIVER}");
        return Ok(());
    }
    if !is_root() {
        return Err(HINT.into());
    }
    step(
        "installing chromium and chromium-driver with apt (about 20 s)",
        || {
            let install = || {
                let mut cmd = Command::new("apt-get");
                cmd.args([
                    "install",
                    "-y",
                    "--no-install-recommends",
                    "chromium",
                    "chromium-driver",
                    "fonts-ipafont-gothic",
                ])
                .env("DEBIAN_FRONTEND", "noninteractive");
                run(&mut cmd)
            };
            if install().is_err() {
                // A fresh machine often has no package lists yet.
                println!("    apt-get install failed; running apt-get update and retrying");
                run(Command::new("apt-get").arg("update"))?;
                install()?;
            }
            Ok(())
        },
    )?;
    if present() {
        Ok(())
    } else {
        Err(Error(format!(
            "apt-get finished but {CHROMIUM} or {CHROMEDRIVER} is missing; {HINT}"
        )))
    }
}

/// Whether we run as root (`id -u` == 0), i.e. may call apt-get directly.
fn is_root() -> bool {
    capture(Command::new("id").arg("-u")).is_some_and(|out| out.trim() == "0")
}

/// Whether a tool's `--version` output names `expected` as one of its words
/// (`trunk 0.21.14`, `wasm-bindgen 0.2.130`, `wasm-opt version 132 (version_132)`).
///
/// Whole-word matching, so `0.2.13` does not pass for `0.2.130`; a leading `v`
/// is ignored.
pub fn version_matches(output: &str, expected: &str) -> bool {
    output
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | ';'))
        .map(|w| w.strip_prefix('v').unwrap_or(w))
        .any(|w| w == expected)
}

/// Every version of package `name` recorded in a Cargo.lock.
pub fn lock_versions(lock: &str, name: &str) -> Vec<String> {
    let mut versions = Vec::new();
    let mut current_name: Option<&str> = None;
    for line in lock.lines().map(str::trim) {
        if line == "[[package]]" {
            current_name = None;
        } else if let Some(v) = toml_string(line, "name") {
            current_name = Some(v);
        } else if let Some(v) = toml_string(line, "version") {
            if current_name == Some(name) && !versions.iter().any(|x| x == v) {
                versions.push(v.to_owned());
            }
        }
    }
    versions
}

/// The one `wasm-bindgen` version in Cargo.lock; zero or several is an error
/// because the CLI must equal the crate exactly.
pub fn wasm_bindgen_version(lock: &str) -> Result<String> {
    let mut versions = lock_versions(lock, "wasm-bindgen");
    match versions.len() {
        1 => Ok(versions.remove(0)),
        0 => Err(
            "Cargo.lock has no wasm-bindgen package; the widget crate must depend \
                  on wasm-bindgen"
                .into(),
        ),
        _ => Err(Error(format!(
            "Cargo.lock has several wasm-bindgen versions ({}); make it one \
             (`cargo update -p wasm-bindgen --precise X.Y.Z`) so the CLI can match it",
            versions.join(", ")
        ))),
    }
}

/// The string value of `key` in the `[tools]` table of a Trunk.toml.
pub fn toml_tools_value<'a>(toml: &'a str, key: &str) -> Option<&'a str> {
    let mut in_tools = false;
    for line in toml.lines().map(str::trim) {
        if line.starts_with('[') {
            in_tools = line == "[tools]";
        } else if in_tools {
            if let Some(v) = toml_string(line, key) {
                return Some(v);
            }
        }
    }
    None
}

/// Parses a `key = "value"` line (the only shape Cargo.lock uses for these).
fn toml_string<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix('=')?
        .trim();
    let rest = rest.split('#').next()?.trim();
    rest.strip_prefix('"')?.strip_suffix('"')
}

/// FNV-1a: a tiny stable hash for the package-lock stamp (std has no stable
/// hash with a fixed output across releases).
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
# This file is automatically @generated by Cargo.
version = 4

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "cfg-if",
 "wasm-bindgen-macro",
]

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.131"

[[package]]
name = "checkout-widget"
version = "0.1.0"
dependencies = [
 "wasm-bindgen",
]
"#;

    #[test]
    fn lock_parsing_finds_exact_package_only() {
        assert_eq!(lock_versions(LOCK, "wasm-bindgen"), ["0.2.130"]);
        assert_eq!(lock_versions(LOCK, "wasm-bindgen-macro"), ["0.2.131"]);
        assert!(lock_versions(LOCK, "trunk").is_empty());
        // The lock file's own `version = 4` header is not a package.
        assert_eq!(wasm_bindgen_version(LOCK).unwrap(), "0.2.130");
    }

    #[test]
    fn lock_with_two_wasm_bindgens_is_an_error() {
        let two = format!("{LOCK}\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.100\"\n");
        let err = wasm_bindgen_version(&two).unwrap_err().0;
        assert!(err.contains("0.2.130, 0.2.100"), "{err}");
        assert!(wasm_bindgen_version("version = 4\n").is_err());
    }

    #[test]
    fn the_real_lock_file_parses() {
        let lock = include_str!("../../Cargo.lock");
        let v = wasm_bindgen_version(lock).unwrap();
        assert!(v.starts_with("0.2."), "{v}");
    }

    #[test]
    fn version_words_match_exactly() {
        assert!(version_matches("trunk 0.21.14\n", "0.21.14"));
        assert!(!version_matches("trunk 0.21.1\n", "0.21.14"));
        assert!(!version_matches("trunk 0.21.140\n", "0.21.14"));
        assert!(version_matches("wasm-bindgen 0.2.130", "0.2.130"));
        assert!(!version_matches("wasm-bindgen 0.2.13", "0.2.130"));
        assert!(version_matches(
            "wasm-opt version 132 (version_132)\n",
            "132"
        ));
        assert!(!version_matches("wasm-opt version 108\n", "132"));
        assert!(version_matches("tool v1.2.3", "1.2.3"));
        assert!(!version_matches("", "132"));
    }

    #[test]
    fn trunk_toml_tools_table_is_read() {
        let toml = "[build]\nwasm_bindgen = \"wrong\"\n\n[tools]\nwasm_opt = \"version_132\"\nwasm_bindgen = \"0.2.130\" # pinned\n";
        assert_eq!(toml_tools_value(toml, "wasm_bindgen"), Some("0.2.130"));
        assert_eq!(toml_tools_value(toml, "wasm_opt"), Some("version_132"));
        assert_eq!(toml_tools_value(toml, "sass"), None);
        let real = include_str!("../../Trunk.toml");
        assert_eq!(
            toml_tools_value(real, "wasm_bindgen"),
            Some(
                wasm_bindgen_version(include_str!("../../Cargo.lock"))
                    .unwrap()
                    .as_str()
            )
        );
    }

    #[test]
    fn stamp_hash_is_stable() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
