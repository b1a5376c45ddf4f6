//! The crate as a newcomer's app gets it (issue 18, item 1): a minimal
//! Leptos SSR app depending on `checkout-widget` with default features is
//! written under `target/`, and `cargo tree` (resolution only, no build)
//! must show none of this repository's own bundles' features, no Leptos
//! rendering mode the library chose, and no CLI crates from the build
//! script's minifier. And the published package holds what the crate
//! needs to build, and nothing of the repository around it.

use std::path::Path;

use crate::util::{show, Context, Ctx, Error, Result};

/// The app's manifest: Leptos with `ssr`, so a `csr` in the tree can only
/// come from the library (Leptos refuses neither; it would just be wrong).
fn manifest(widget: &Path) -> String {
    format!(
        r#"[package]
name = "fresh-leptos-app"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
checkout-widget = {{ path = "{}" }}
leptos = {{ version = "0.8", features = ["ssr"] }}

# Not part of the repository's workspace.
[workspace]
"#,
        widget.display()
    )
}

/// What must not appear in `cargo tree -e features` of the fresh app, and why.
const FORBIDDEN: &[(&str, &str)] = &[
    (
        r#"checkout-widget feature "hosted-pages""#,
        "the hosted pages and demo store are compiled into the app",
    ),
    (
        r#"checkout-widget feature "embed""#,
        "the script-tag embed is compiled into the app",
    ),
    (
        r#"checkout-widget feature "csr""#,
        "the library chose client-side rendering for the app",
    ),
    (
        r#"leptos feature "csr""#,
        "Leptos's `csr` is on in an SSR app: the library must leave it to the app",
    ),
    ("clap v", "a build dependency brings a CLI parser (clap)"),
    ("lol_alloc v", "the embed's allocator reaches the app"),
];

/// The lines of `tree` that break a rule, each with the rule's reason.
fn violations(tree: &str) -> Vec<String> {
    FORBIDDEN
        .iter()
        .filter(|(needle, _)| tree.contains(needle))
        .map(|(needle, why)| format!("{why} (`cargo tree` shows `{needle}`)"))
        .collect()
}

/// Writes the fresh app under `target/fresh-app` and checks its tree.
pub fn check(ctx: &Ctx) -> Result<()> {
    let dir = ctx.target_dir.join("fresh-app");
    std::fs::create_dir_all(dir.join("src")).context(|| format!("creating {}", dir.display()))?;
    std::fs::write(dir.join("Cargo.toml"), manifest(&ctx.root))
        .context(|| "writing the fresh app's Cargo.toml".into())?;
    std::fs::write(dir.join("src").join("main.rs"), "fn main() {}\n")
        .context(|| "writing the fresh app's main.rs".into())?;
    // The workspace's lock, so resolution picks the versions already fetched
    // and needs no network.
    std::fs::copy(ctx.root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .context(|| "copying Cargo.lock for the fresh app".into())?;
    let mut cmd = ctx.cargo();
    cmd.current_dir(&dir).args([
        "tree",
        "--offline",
        "-e",
        "features,normal,build",
        "--prefix",
        "none",
    ]);
    println!("    $ {}", show(&cmd));
    let out = cmd
        .output()
        .map_err(|e| Error(format!("cannot start `{}`: {e}", show(&cmd))))?;
    if !out.status.success() {
        return Err(Error(format!(
            "`{}` failed: {}",
            show(&cmd),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let tree = String::from_utf8_lossy(&out.stdout);
    if !tree.contains("checkout-widget v") {
        return Err(Error(
            "the fresh app's tree does not name checkout-widget".into(),
        ));
    }
    let broken = violations(&tree);
    if broken.is_empty() {
        println!(
            "    a fresh SSR app gets the library alone: no hosted pages, demo, embed, csr or clap"
        );
        return Ok(());
    }
    Err(Error(format!(
        "a fresh Leptos app depending on checkout-widget (target/fresh-app):\n  - {}",
        broken.join("\n  - ")
    )))
}

/// Files the widget's package must hold: build.rs reads the stylesheets
/// (and the components' sources), the custom elements, the string-drawn
/// components, the fetch transport and `<BillingStyles/>` import JS
/// snippets, and `CATALOG_FILES` includes the catalog files (which a
/// `catalogs-on-demand` app serves from the package's `locales/`).
const PACKAGE_NEEDS: &[&str] = &[
    "build.rs",
    "src/lib.rs",
    "style/widget.css",
    "style/panel.css",
    "js/custom-element.js",
    "js/plain.js",
    "locales/panel.de.json",
    "locales/widget.de.json",
    "README.md",
    "CHANGELOG.md",
];

/// Path prefixes that must stay out of the widget's package.
const PACKAGE_REFUSES: &[&str] = &[
    "node_modules/",
    "target/",
    "docs/",
    "tests/",
    "server/",
    "site/",
    "bench/",
    "xtask/",
];

/// What is wrong with a `cargo package --list` of the widget.
fn package_problems(list: &str) -> Vec<String> {
    let files: Vec<&str> = list.lines().map(str::trim).collect();
    let missing = PACKAGE_NEEDS
        .iter()
        .filter(|need| !files.contains(need))
        .map(|need| format!("{need} is missing"));
    let extra = files
        .iter()
        .filter(|f| PACKAGE_REFUSES.iter().any(|p| f.starts_with(p)))
        .map(|f| format!("{f} should not be published"));
    missing.chain(extra).collect()
}

/// `cargo package --list` of the widget (no build, no network) checked
/// against [`PACKAGE_NEEDS`] and [`PACKAGE_REFUSES`].
pub fn check_package(ctx: &Ctx) -> Result<()> {
    let mut cmd = ctx.cargo();
    cmd.args([
        "package",
        "--list",
        "--offline",
        "--allow-dirty",
        "-p",
        "checkout-widget",
    ]);
    println!("    $ {}", show(&cmd));
    let out = cmd
        .output()
        .map_err(|e| Error(format!("cannot start `{}`: {e}", show(&cmd))))?;
    if !out.status.success() {
        return Err(Error(format!(
            "`{}` failed: {}",
            show(&cmd),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let problems = package_problems(&String::from_utf8_lossy(&out.stdout));
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error(format!(
        "the checkout-widget package (Cargo.toml `include`):\n  - {}",
        problems.join("\n  - ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_of_the_library_alone_passes() {
        let tree = "fresh-leptos-app v0.0.0\ncheckout-widget feature \"default\"\n\
                    checkout-widget feature \"leptos\"\nleptos feature \"ssr\"\n\
                    minifier v0.3.6\n";
        assert!(violations(tree).is_empty());
    }

    #[test]
    fn each_forbidden_line_is_named_with_its_reason() {
        let tree =
            "checkout-widget feature \"hosted-pages\"\nleptos feature \"csr\"\nclap v4.5.0\n";
        let found = violations(tree);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains("hosted pages"));
        assert!(found[1].contains("SSR app"));
        assert!(found[2].contains("clap"));
    }

    #[test]
    fn the_manifest_points_at_the_repository_and_is_its_own_workspace() {
        let m = manifest(Path::new("/repo"));
        assert!(m.contains(r#"checkout-widget = { path = "/repo" }"#));
        assert!(m.contains("\n[workspace]\n"));
        assert!(m.contains(r#"features = ["ssr"]"#));
    }

    #[test]
    fn the_package_needs_its_styles_and_js_and_refuses_the_repository() {
        let good = PACKAGE_NEEDS.join("\n");
        assert!(package_problems(&good).is_empty());
        let bad = "build.rs\nsrc/lib.rs\nstyle/widget.css\nREADME.md\nCHANGELOG.md\n\
                   node_modules/x.js\ndocs/screenshots/a.png\n";
        let problems = package_problems(bad);
        assert_eq!(problems.len(), 7, "{problems:?}");
        assert!(problems[0].contains("style/panel.css"));
        assert!(problems[1].contains("js/custom-element.js"));
        assert!(problems[2].contains("js/plain.js"));
        assert!(problems[3].contains("locales/panel.de.json"));
        assert!(problems[4].contains("locales/widget.de.json"));
        assert!(problems[5].contains("node_modules"));
    }
}
