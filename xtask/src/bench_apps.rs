//! The Leptos apps of `cargo xtask bench` (`bench/leptos-apps/`): a billing
//! panel (and the same panel with only English compiled in: `panel-lean`,
//! the widget's `catalogs-on-demand`), a checkout button, the provider alone
//! (with one `use_billing()` reader), and Leptos's hello-world counter, each built
//! the way a merchant builds a Leptos app (`trunk build --release`, its own
//! size profile) and weighed file by file. The counter is what any Leptos
//! app costs, so an app minus the counter is what the library adds.

use std::path::{Path, PathBuf};

use crate::bundle::{self, Compressed};
use crate::util::{run, Context, Ctx, Result};

/// One app of `bench/leptos-apps/`: its trunk entry, and its key in the
/// result file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct App {
    /// The trunk entry `<bin>.html` (which names the binary and its
    /// features) and the app's `dist/` folder.
    pub bin: &'static str,
    /// `leptos.<key>.*` in the result file.
    pub key: &'static str,
}

/// The five apps, the counter last. `panel-lean` is the `panel` binary
/// built with `checkout-widget/catalogs-on-demand`: its `locales/*.json`
/// (fetched only for other languages than English) are not counted.
pub const APPS: [App; 5] = [
    App {
        bin: "panel",
        key: "panel",
    },
    App {
        bin: "panel-lean",
        key: "panel_lean",
    },
    App {
        bin: "checkout-button",
        key: "button",
    },
    App {
        bin: "provider",
        key: "provider",
    },
    App {
        bin: "counter",
        key: "counter",
    },
];

/// Builds every app with trunk into `target/bench-apps/dist/<bin>` (cargo's
/// own target dir for them is `target/bench-apps`, shared by the five so
/// their crates compile once), and writes their sizes to `out` in the
/// bench's result format.
pub fn build_and_measure(ctx: &Ctx, out: &Path) -> Result<()> {
    let dir = ctx.root.join("bench").join("leptos-apps");
    let target = ctx.target_dir.join("bench-apps");
    // Their Trunk.toml is offline like the widget's: fetch while we can.
    run(ctx
        .cargo()
        .arg("fetch")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml")))?;
    let mut text = String::new();
    for app in APPS {
        let dist = target.join("dist").join(app.bin);
        let _ = std::fs::remove_dir_all(&dist);
        // wasm-bindgen's output folder is shared by the five apps, and its
        // `snippets/` keeps the JS files an earlier app imported; trunk would
        // copy and preload them into an app that does not import them.
        let _ = std::fs::remove_dir_all(target.join("wasm-bindgen"));
        run(ctx
            .cmd("trunk")
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", &target)
            .args(["build", "--release=true", "--dist"])
            .arg(&dist)
            .arg(format!("{}.html", app.bin)))?;
        let mut files = Vec::new();
        shipped_files(&dist, &mut files)?;
        files.sort();
        let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
        let sizes = bundle::compressed_sizes(ctx, &paths)?;
        let named: Vec<(String, Compressed)> = files
            .iter()
            .map(|f| f.strip_prefix(&dist).unwrap_or(f).display().to_string())
            .zip(sizes)
            .collect();
        let total = named
            .iter()
            .fold(Compressed::default(), |sum, (_, size)| sum + *size);
        println!(
            "    {}: {} files, {} raw, {} brotli",
            app.bin,
            named.len(),
            bundle::fmt_size(total.raw),
            bundle::fmt_size(total.brotli)
        );
        text.push_str(&records(app.key, &named));
    }
    std::fs::write(out, text).context(|| format!("writing {}", out.display()))
}

/// What a browser downloads for the app besides its HTML page: wasm, JS
/// (the glue and its snippets) and CSS, anywhere under `dir`.
fn shipped_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).context(|| format!("listing {}", dir.display()))?;
    for entry in entries {
        let path = entry
            .context(|| format!("listing {}", dir.display()))?
            .path();
        if path.is_dir() {
            shipped_files(&path, out)?;
        } else if is_shipped(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// `.wasm`, `.js` and `.css` count; the HTML page, maps and `.d.ts` do not.
fn is_shipped(path: &Path) -> bool {
    let name = path
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    !name.ends_with(".d.ts")
        && [".wasm", ".js", ".css"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// The result-file lines of one app: the summed raw, gzip and brotli sizes,
/// the file count, and a note naming each file with its brotli size.
pub fn records(key: &str, files: &[(String, Compressed)]) -> String {
    let total = files
        .iter()
        .fold(Compressed::default(), |sum, (_, size)| sum + *size);
    let names: Vec<String> = files
        .iter()
        .map(|(name, size)| format!("{name} {} br", bundle::fmt_size(size.brotli)))
        .collect();
    format!(
        "value\tleptos.{key}.raw\t{}\nvalue\tleptos.{key}.gzip\t{}\nvalue\tleptos.{key}.brotli\t{}\n\
         value\tleptos.{key}.files\t{}\nnote\tleptos.{key}.files\t{}\n",
        total.raw,
        total.gzip,
        total.brotli,
        files.len(),
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_the_browser_runs_counts() {
        for yes in [
            "panel_bg.wasm",
            "panel.js",
            "snippets/x/inline0.js",
            "a.css",
        ] {
            assert!(is_shipped(Path::new(yes)), "{yes}");
        }
        for no in [
            "index.html",
            "panel.d.ts",
            "panel.wasm.map",
            "notes.txt",
            "locales/panel.de.json",
        ] {
            assert!(!is_shipped(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn records_sum_the_files_and_parse_back() {
        let files = vec![
            (
                "panel_bg.wasm".to_owned(),
                Compressed {
                    raw: 600_000,
                    gzip: 200_000,
                    brotli: 150_000,
                },
            ),
            (
                "panel.js".to_owned(),
                Compressed {
                    raw: 45_000,
                    gzip: 9_000,
                    brotli: 8_000,
                },
            ),
        ];
        let text = records("panel", &files);
        let parsed = super::super::report::Results::parse(&text).unwrap();
        assert_eq!(parsed.value("leptos.panel.brotli"), Some(158_000.0));
        assert_eq!(parsed.value("leptos.panel.raw"), Some(645_000.0));
        assert_eq!(parsed.value("leptos.panel.gzip"), Some(209_000.0));
        assert_eq!(parsed.value("leptos.panel.files"), Some(2.0));
        assert_eq!(
            parsed.note("leptos.panel.files"),
            "panel_bg.wasm 150.0 KB br, panel.js 8.0 KB br"
        );
        assert_eq!(
            APPS.map(|a| a.key),
            ["panel", "panel_lean", "button", "provider", "counter"]
        );
    }
}
