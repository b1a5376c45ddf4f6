//! The npm package in `dist/npm/` (`checkout-widget`): the script-tag embed's
//! module and wasm as a bundler app imports them, its types, and a README.
//! Written by `cargo xtask build` after the embed; the e2e tier packs it,
//! installs the tarball into a React 19 app (`tests/npm-app/`) and bundles
//! that with esbuild.

use std::path::{Path, PathBuf};

use crate::util::{capture, run, step, Context, Ctx, Error, Result};

/// The package's name on the registry and in `import … from`.
pub const NAME: &str = "checkout-widget";

/// The embed's module; the package's `module` and `exports["."].import`.
const MODULE: &str = "checkout-widget.js";
/// The wasm the module loads by URL, beside it.
const WASM: &str = "checkout-widget-embed_bg.wasm";

/// What the module writes for the wasm's URL (wasm-bindgen's glue, kept by
/// esbuild), and what the package's copy says instead: the same URL, in the
/// `./` form bundlers look for (Vite resolves `new URL('./…', import.meta.url)`).
const WASM_URL_BUNDLED: &str = "new URL(\"checkout-widget-embed_bg.wasm\",import.meta.url)";
const WASM_URL_PACKAGED: &str = "new URL(\"./checkout-widget-embed_bg.wasm\",import.meta.url)";

/// Where each file of the package comes from.
enum Source {
    /// A file of `dist/` (built by then).
    Dist(&'static str),
    /// A file of the repository.
    Repo(&'static str),
    /// Written by xtask.
    Generated,
}

/// Every file in the package (`package.json` `files` lists all but itself
/// and the README, which npm always includes).
const FILES: [(&str, Source); 6] = [
    ("package.json", Source::Generated),
    ("README.md", Source::Repo("js/npm/README.md")),
    (MODULE, Source::Dist(MODULE)),
    (WASM, Source::Dist(WASM)),
    ("index.d.ts", Source::Repo("js/checkout-widget.d.ts")),
    ("react.d.ts", Source::Repo("js/npm/react.d.ts")),
];

/// `package.json` for `version`. `sideEffects: true`: importing the module
/// registers the custom elements, so a bundler must never drop it.
fn package_json(version: &str) -> String {
    format!(
        r#"{{
  "name": "{NAME}",
  "version": "{version}",
  "description": "Embeddable checkout: <checkout-widget> custom elements and a JS API in WebAssembly, for Flowglad-compatible billing servers.",
  "license": "MIT OR Apache-2.0",
  "repository": {{ "type": "git", "url": "git+https://github.com/checkout-widget/checkout-widget.git" }},
  "type": "module",
  "module": "./{MODULE}",
  "types": "./index.d.ts",
  "exports": {{
    ".": {{ "types": "./index.d.ts", "import": "./{MODULE}" }},
    "./react": {{ "types": "./react.d.ts" }},
    "./{WASM}": "./{WASM}",
    "./package.json": "./package.json"
  }},
  "files": ["{MODULE}", "{WASM}", "index.d.ts", "react.d.ts"],
  "sideEffects": true,
  "keywords": ["checkout", "billing", "flowglad", "custom-element", "webassembly"]
}}
"#
    )
}

/// The `version` of the `[package]` table of a Cargo.toml (the widget's).
fn crate_version(manifest: &str) -> Option<String> {
    let package = manifest.split("\n[package]").nth(1)?;
    let table = package.split("\n[").next()?;
    table.lines().find_map(|line| {
        let value = line.trim().strip_prefix("version")?.trim_start();
        let value = value.strip_prefix('=')?.trim();
        Some(value.strip_prefix('"')?.strip_suffix('"')?.to_owned())
    })
}

/// Writes `dist/npm/` from the built embed (`bundle::build` runs it).
pub fn write(ctx: &Ctx) -> Result<()> {
    let dist = ctx.root.join("dist");
    let out = dist.join("npm");
    if out.exists() {
        std::fs::remove_dir_all(&out).context(|| format!("clearing {}", out.display()))?;
    }
    std::fs::create_dir_all(&out).context(|| format!("creating {}", out.display()))?;
    let manifest = read(&ctx.root.join("Cargo.toml"))?;
    let version = crate_version(&manifest)
        .ok_or("Cargo.toml has no `version = \"…\"` in its [package] table")?;
    for (name, source) in FILES {
        let target = out.join(name);
        match source {
            Source::Generated => write_file(&target, &package_json(&version))?,
            Source::Repo(path) => copy(&ctx.root.join(path), &target)?,
            Source::Dist(MODULE) => {
                let module = read(&dist.join(MODULE))?;
                write_file(&target, &packaged_module(&module)?)?;
            }
            Source::Dist(path) => copy(&dist.join(path), &target)?,
        }
    }
    Ok(())
}

/// The embed's module with the wasm's URL in the `./` form; an error unless
/// the bundled module names it exactly once (a changed glue must not ship a
/// package whose wasm a bundler cannot find).
fn packaged_module(module: &str) -> Result<String> {
    match module.matches(WASM_URL_BUNDLED).count() {
        1 => Ok(module.replace(WASM_URL_BUNDLED, WASM_URL_PACKAGED)),
        n => Err(Error(format!(
            "{MODULE} names its wasm as `{WASM_URL_BUNDLED}` {n} times, expected once: \
             see how wasm-bindgen's glue loads it now and update xtask/src/npm.rs"
        ))),
    }
}

/// `npm pack`s `dist/npm/` into `dest`; returns the tarball's path.
pub fn pack(ctx: &Ctx, dest: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dest).context(|| format!("creating {}", dest.display()))?;
    let mut cmd = ctx.cmd("npm");
    cmd.arg("pack")
        .arg(ctx.root.join("dist").join("npm"))
        .arg("--pack-destination")
        .arg(dest)
        .args(["--silent", "--ignore-scripts"]);
    let name = capture(&mut cmd).ok_or("`npm pack dist/npm` failed")?;
    let tarball = dest.join(name.trim());
    if tarball.is_file() {
        Ok(tarball)
    } else {
        Err(Error(format!(
            "`npm pack` printed `{}`, which is not a file in {}",
            name.trim(),
            dest.display()
        )))
    }
}

/// The React 19 app of `tests/npm-app/`, built as a shop would: the packed
/// package installed from its tarball (offline: it has no dependencies),
/// React from the repository's own node_modules, bundled by esbuild, and
/// the wasm copied beside the bundle (esbuild leaves the module's
/// `new URL(…, import.meta.url)` as it is). Returns the folder to serve;
/// the installed package is in its `node_modules/checkout-widget/`.
pub fn react_app(ctx: &Ctx) -> Result<PathBuf> {
    let work = ctx.target_dir.join("e2e").join("npm-app");
    step(
        "packing dist/npm and bundling the React app (tests/npm-app)",
        || {
            if work.exists() {
                std::fs::remove_dir_all(&work)
                    .context(|| format!("clearing {}", work.display()))?;
            }
            let tarball = pack(ctx, &work)?;
            let app = work.join("app");
            std::fs::create_dir_all(app.join("public"))
                .context(|| format!("creating {}", app.display()))?;
            let source = ctx.root.join("tests").join("npm-app");
            for file in ["package.json", "index.html", "main.jsx"] {
                copy(&source.join(file), &app.join(file))?;
            }
            run(ctx
                .cmd("npm")
                .current_dir(&app)
                .args([
                    "install",
                    "--offline",
                    "--no-save",
                    "--no-audit",
                    "--no-fund",
                    "--ignore-scripts",
                    "--no-package-lock",
                ])
                .arg(&tarball))?;
            let installed = app.join("node_modules").join(NAME);
            let public = app.join("public");
            run(ctx
                .cmd("esbuild")
                .current_dir(&app)
                .arg("main.jsx")
                .args([
                    "--bundle",
                    "--format=esm",
                    "--jsx=automatic",
                    "--log-level=warning",
                ])
                .arg(format!("--outfile={}", public.join("app.js").display()))
                // React and react-dom from the repository's devDependencies.
                .env("NODE_PATH", ctx.root.join("node_modules")))?;
            copy(&installed.join(WASM), &public.join(WASM))?;
            copy(&app.join("index.html"), &public.join("index.html"))?;
            Ok(())
        },
    )?;
    Ok(work.join("app"))
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).context(|| format!("reading {}", path.display()))
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).context(|| format!("writing {}", path.display()))
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to)
        .map(|_| ())
        .context(|| format!("copying {} to {}", from.display(), to.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    /// The files a package.json names: every `"./…"` value and each entry
    /// of its `files` list (xtask has no JSON parser; the shape is ours).
    fn named_files(json: &str) -> Vec<String> {
        let mut named = Vec::new();
        for (i, _) in json.match_indices("\"./") {
            let rest = &json[i + 1..];
            let end = rest.find('"').unwrap();
            // A key (an export's subpath) is followed by a colon.
            if !rest[end + 1..].trim_start().starts_with(':') {
                named.push(rest[2..end].to_owned());
            }
        }
        let files = &json[json.find("\"files\": [").unwrap()..];
        let files = &files[..files.find(']').unwrap()];
        named.extend(files.split('"').skip(3).step_by(2).map(str::to_owned));
        named
    }

    #[test]
    fn the_version_is_the_widget_crates() {
        let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
        let version = crate_version(&manifest).expect("a version");
        assert!(
            version.split('.').count() == 3 && version.split('.').all(|n| n.parse::<u32>().is_ok()),
            "{version}"
        );
        assert_eq!(
            crate_version("[workspace]\nversion = \"9.9.9\"\n[package]\nname = \"x\"\nversion = \"1.2.3\"\n[dependencies]\nversion = \"0\"\n"),
            Some("1.2.3".to_owned())
        );
        assert_eq!(crate_version("[package]\nname = \"x\"\n"), None);
    }

    #[test]
    fn package_json_names_the_module_types_and_only_files_it_ships() {
        let json = package_json("1.2.3");
        for (key, value) in [
            ("name", NAME),
            ("version", "1.2.3"),
            ("type", "module"),
            ("module", "./checkout-widget.js"),
            ("types", "./index.d.ts"),
        ] {
            assert!(
                json.contains(&format!("\n  \"{key}\": \"{value}\",")),
                "{key}: {value} in\n{json}"
            );
        }
        assert!(json.contains("\"sideEffects\": true"));
        assert!(
            json.contains(r#"".": { "types": "./index.d.ts", "import": "./checkout-widget.js" }"#)
        );
        let shipped: Vec<&str> = FILES.iter().map(|(name, _)| *name).collect();
        let named = named_files(&json);
        assert!(named.len() >= 8, "{named:?}");
        for name in &named {
            assert!(
                shipped.contains(&name.as_str()),
                "package.json names {name}, which the package lacks"
            );
        }
        for (name, _) in &FILES[2..] {
            assert!(named.iter().any(|n| n == name), "package.json lists {name}");
        }
    }

    #[test]
    fn every_source_file_exists() {
        for (name, source) in FILES {
            if let Source::Repo(path) = source {
                assert!(root().join(path).is_file(), "{name}: {path} is missing");
            }
        }
        // The dist files are checked where they are made: `write` fails
        // without them, and the module's wasm URL by `packaged_module`.
    }

    #[test]
    fn the_wasm_url_gets_its_dot_slash_exactly_once() {
        let module = format!("a;{WASM_URL_BUNDLED};b");
        assert_eq!(
            packaged_module(&module).unwrap(),
            format!("a;{WASM_URL_PACKAGED};b")
        );
        assert!(packaged_module("no url here").is_err());
        assert!(packaged_module(&format!("{WASM_URL_BUNDLED}{WASM_URL_BUNDLED}")).is_err());
    }

    #[test]
    fn the_types_declare_the_api_the_module_exports() {
        let types = std::fs::read_to_string(root().join("js/checkout-widget.d.ts")).unwrap();
        let entry = std::fs::read_to_string(root().join("js").join(MODULE)).unwrap();
        let exported = entry
            .split("export {")
            .nth(1)
            .and_then(|rest| rest.split('}').next())
            .expect("an export list");
        for name in exported.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            assert!(
                types.contains(&format!("export function {name}(")),
                "index.d.ts types {name}"
            );
        }
        let react = std::fs::read_to_string(root().join("js/npm/react.d.ts")).unwrap();
        for tag in [
            "checkout-widget",
            "checkout-pricing-table",
            "checkout-add-payment-method",
        ] {
            assert!(
                types.contains(&format!("'{tag}': CheckoutElement;")),
                "{tag}"
            );
            assert!(
                react.contains(&format!("'{tag}': CheckoutElementJsxProps;")),
                "{tag}"
            );
        }
    }

    /// The README's `### Use it from npm` section.
    fn npm_section(readme: &str) -> &str {
        let start = readme.find("\n### Use it from npm\n").expect("the section") + 1;
        let rest = &readme[start..];
        let end = ["\n## ", "\n### "]
            .iter()
            .filter_map(|heading| rest[1..].find(heading))
            .min()
            .map_or(rest.len(), |i| i + 2);
        &rest[..end]
    }

    /// The code blocks fenced as ```` ```lang ```` in `text`.
    fn blocks<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
        let fence = format!("```{lang}\n");
        text.match_indices(&fence)
            .map(|(i, _)| {
                let code = &text[i + fence.len()..];
                &code[..code.find("```").expect("a closing fence")]
            })
            .collect()
    }

    #[test]
    fn readme_framework_snippets_compile() {
        let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
        let section = npm_section(&readme);
        let dir = std::env::temp_dir().join(format!("checkout-snippets-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (lang, file) in [
            ("jsx", "react.jsx"),
            ("vue", "component.vue"),
            ("svelte", "component.svelte"),
        ] {
            let found = blocks(section, lang);
            assert_eq!(
                found.len(),
                1,
                "one ```{lang} snippet in \"Use it from npm\""
            );
            std::fs::write(dir.join(file), found[0]).unwrap();
        }
        let out = std::process::Command::new("node")
            .arg(root().join("xtask/js/compile-snippets.mjs"))
            .arg(&dir)
            .output()
            .expect("node runs (the npm packages come from `npm ci`)");
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            out.status.success(),
            "a README snippet does not compile:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn snippet_blocks_are_found_by_their_fence() {
        let text = "a\n```jsx\nx\n```\n```js\ny\n```\n```jsx\nz\n```\n";
        assert_eq!(blocks(text, "jsx"), ["x\n", "z\n"]);
        let readme = "# t\n### Use it from npm\nin\n### Next\nout\n";
        assert_eq!(npm_section(readme), "### Use it from npm\nin\n");
    }
}
