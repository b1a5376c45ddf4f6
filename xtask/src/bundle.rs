//! The release bundle in `dist/`: the app (demo store and hosted pages) by
//! `trunk build --release`; then two wasm modules of their own, each by
//! cargo, wasm-bindgen, wasm-opt and esbuild: the script-tag embed (no
//! Leptos) and the hosted checkout page (`hosted.html`: the hosted pages
//! only, no demo store or billing-panel components); and from the embed,
//! the npm package in `dist/npm/` (`npm.rs`).

use std::path::{Path, PathBuf};

use crate::util::{capture, check_status, run, show, step, Context, Ctx, Error, Result};

/// A payload a browser downloads for one page, with its brotli budget: a
/// size is deterministic, so unlike timings it is held in `cargo xtask test`.
#[derive(Debug, Clone, Copy)]
pub struct Payload {
    /// What it is, in a sentence ("the script-tag embed").
    pub name: &'static str,
    /// Its files, relative to `dist/`.
    pub files: &'static [&'static str],
    /// The most brotli bytes it may weigh.
    pub budget: u64,
}

/// The embed's brotli budget (issue 7): what a browser downloads to show a
/// ready `<checkout-widget>` button — the entry module and the wasm; the CSS
/// is inside the wasm, English is compiled in (another language's catalog,
/// about 0.5 KB, is fetched beside it and not counted). It measured 52.8 KB
/// (52,776 B) with the `credentials` option, 50.1 KB (50,104 B, 2026-12-06)
/// without the serde_json map clone, with one copy of the frame listener
/// and overlay, wasm-opt's `--converge --low-memory-unused`, and no
/// `Display for usize`; 47.4 KB (47,352 B, 2026-12-07) with fetch, events
/// and shadow roots through a few JS helpers, `initSync`, `--flatten
/// --rereloop`, only the raised error codes' names and one copy of the
/// shared tasks; 46.1 KB (46,139 B) with the overlay's dialog and the
/// idempotency key as JS helpers; and 44.7 KB (44,730 B) with the embed's
/// own executor instead of `wasm-bindgen-futures`, no `core::fmt` padding
/// (`drop-dead-formatting.mjs`), const thread-locals and `Slot`s for
/// `RefCell`s. The budget is the issue's goal, 45 KB (issue 17).
pub const EMBED_BUDGET_BROTLI: u64 = 45_000;

/// The script-tag embed's payload.
pub const EMBED: Payload = Payload {
    name: "the script-tag embed",
    files: &["checkout-widget.js", "checkout-widget-embed_bg.wasm"],
    budget: EMBED_BUDGET_BROTLI,
};

/// The hosted checkout page's brotli budget (issue 17): the JS, wasm and CSS
/// `hosted.html` loads for `/checkout/{id}` and `/add-payment-method/{id}`.
/// The goal was 120 KB. The split bundle measured 195.0 KB with issue 16's
/// pages, 159.9 KB after the JSON and catalog cuts, and 79.8 KB once the
/// pages were drawn in plain DOM without Leptos (2026-12-06; README,
/// "Performance"), 75.1 KB once the fetch went through web-sys instead of
/// gloo-net and only raised error codes' names were linked (2026-12-07),
/// 73.7 KB once brotli's block size was chosen per file (`BROTLI_BEST`) and
/// the requests went through `js/fetch.js` (2026-12-07). This holds that,
/// with 0.5 KB of room.
pub const HOSTED_BUDGET_BROTLI: u64 = 74_200;

/// The hosted checkout page's payload (the html itself is not counted).
pub const HOSTED: Payload = Payload {
    name: "the hosted checkout page",
    files: &[
        "checkout-hosted.js",
        "checkout-widget-hosted_bg.wasm",
        "hosted.css",
    ],
    budget: HOSTED_BUDGET_BROTLI,
};

/// A wasm module bound and bundled apart from trunk's app.
struct Module {
    /// Its cargo binary (see Cargo.toml); the wasm is `{bin}_bg.wasm` in `dist/`.
    bin: &'static str,
    /// Cargo's feature arguments for it.
    features: &'static [&'static str],
    /// Its entry in `js/`, which imports `./{bin}.js`; bundled with the
    /// glue under the same name in `dist/`.
    entry: &'static str,
    /// wasm-opt flags beyond `-Oz`.
    wasm_opt: &'static [&'static str],
    /// Whether `xtask/js/drop-dead-formatting.mjs` empties the formatting
    /// functions no panic message can reach before wasm-opt runs (it
    /// refuses to when the module can format).
    drop_dead_formatting: bool,
}

/// The embed: the `embed` feature without `leptos`.
const EMBED_MODULE: Module = Module {
    bin: "checkout-widget-embed",
    features: &["--no-default-features", "--features", "embed"],
    entry: "checkout-widget.js",
    // `--converge` repeats -Oz while it still shrinks the module (0.16 KB
    // brotli). `--low-memory-unused` lets wasm-opt fold pointer offsets into
    // loads and stores, assuming nothing lives below address 1024 (0.27 KB):
    // true here, the embed's 128 KiB stack sits first in memory (build.rs)
    // and its deepest path uses a few KiB, so only an overflow could reach
    // there. Then `--flatten --rereloop` rebuilds each function's control
    // flow from scratch and two more -Oz rounds shrink the result: 0.29 KB
    // brotli (a third round gains 14 bytes for seconds more).
    wasm_opt: &[
        "--converge",
        "--low-memory-unused",
        "--flatten",
        "--rereloop",
        "-Oz",
        "-Oz",
    ],
    // `core::fmt`'s padding code, kept only by the table entries of
    // `RefCell`'s panic messages, which nothing formats: 0.45 KB brotli.
    drop_dead_formatting: true,
};

/// The hosted pages in plain DOM, without Leptos (issue 17), and the
/// catalogs on demand (English compiled in, the other languages from
/// `dist/locales/`).
const HOSTED_MODULE: Module = Module {
    bin: "checkout-widget-hosted",
    features: &[
        "--no-default-features",
        "--features",
        "hosted-checkout,catalogs-on-demand",
    ],
    entry: "checkout-hosted.js",
    wasm_opt: &[],
    drop_dead_formatting: false,
};

/// Builds the widget bundle (tools must already be ensured).
///
/// Trunk.toml sets `offline = true`, and offline trunk runs cargo offline
/// too, so the crates are fetched first while the registry is reachable.
pub fn build(ctx: &Ctx) -> Result<()> {
    if !ctx.root.join("index.html").exists() {
        return Err(Error(format!(
            "{} does not exist yet: trunk needs it as the bundle's entry point",
            ctx.root.join("index.html").display()
        )));
    }
    step("fetching crates (cargo fetch)", || {
        run(ctx.cargo().arg("fetch"))
    })?;
    step("building the app bundle (trunk build --release)", || {
        // ctx's PATH puts node_modules/.bin (wasm-opt 132) and ~/.cargo/bin
        // (wasm-bindgen) first; trunk checks both versions against Trunk.toml.
        run(ctx.cmd("trunk").args(["build", "--release"]))
    })?;
    step("building the script-tag embed (checkout-widget.js)", || {
        build_module(ctx, &EMBED_MODULE)
    })?;
    step("building the hosted checkout page (hosted.html)", || {
        build_hosted(ctx)
    })?;
    step(
        "copying the message catalogs (locales/ → dist/locales/)",
        || copy_catalogs(ctx),
    )?;
    step(
        "precompressing with brotli quality 11 (.br beside each file)",
        || precompress(ctx, &ctx.root.join("dist")),
    )?;
    // After precompressing: npm needs no .br files.
    step("writing the npm package (dist/npm)", || {
        crate::npm::write(ctx)
    })?;
    print_dist(&ctx.root.join("dist"))?;
    for payload in [EMBED, HOSTED] {
        println!(
            "    {}",
            describe_payload(&payload, measure(ctx, &payload)?)
        );
    }
    Ok(())
}

/// The hosted page: its wasm module and entry, its stylesheet (style/hosted.css
/// with its imports, bundled and minified by esbuild) and `hosted.html`.
fn build_hosted(ctx: &Ctx) -> Result<()> {
    build_module(ctx, &HOSTED_MODULE)?;
    let dist = ctx.root.join("dist");
    run(ctx
        .cmd("esbuild")
        .arg(ctx.root.join("style").join("hosted.css"))
        .args([
            "--bundle",
            "--minify",
            "--log-level=warning",
            "--allow-overwrite",
        ])
        .arg(format!("--outfile={}", dist.join("hosted.css").display())))?;
    std::fs::copy(ctx.root.join("hosted.html"), dist.join("hosted.html"))
        .context(|| format!("copying hosted.html to {}", dist.display()))?;
    Ok(())
}

/// The catalog files (`locales/*.json`, written from the Rust catalogs and
/// held equal to them by a unit test) into `dist/locales/`, where the
/// bundles' entries fetch them relative to their own URL.
fn copy_catalogs(ctx: &Ctx) -> Result<()> {
    let from = ctx.root.join(CATALOGS);
    let to = ctx.root.join("dist").join(CATALOGS);
    if to.exists() {
        std::fs::remove_dir_all(&to).context(|| format!("clearing {}", to.display()))?;
    }
    std::fs::create_dir_all(&to).context(|| format!("creating {}", to.display()))?;
    let entries = std::fs::read_dir(&from).context(|| format!("listing {}", from.display()))?;
    for entry in entries {
        let path = entry
            .context(|| format!("listing {}", from.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path.file_name().unwrap_or_default();
            std::fs::copy(&path, to.join(name))
                .context(|| format!("copying {} to {}", path.display(), to.display()))?;
        }
    }
    Ok(())
}

/// The catalog files' folder, in the repository and in `dist/`
/// (`checkout_widget::i18n::files::FOLDER`; xtask depends on none of our crates).
pub const CATALOGS: &str = "locales";

/// The JS module both entries import to fetch catalogs (`js/catalogs.js`).
const CATALOG_LOADER: &str = "catalogs.js";

/// One wasm module of its own: built with its features, bound with
/// wasm-bindgen, shrunk with wasm-opt, its import and export names
/// shortened, and its `js/` entry bundled with the glue and its snippets into
/// one minified module (one request fewer, a quarter of the bytes). For the
/// embed it replaces the unbundled entry trunk copied into `dist/`.
fn build_module(ctx: &Ctx, module: &Module) -> Result<()> {
    let target = crate::tools::WASM_TARGET;
    let bin = module.bin;
    run(ctx
        .cargo()
        .args(["build", "--release", "--target", target, "--bin", bin])
        .args(module.features))?;
    let wasm = ctx
        .target_dir
        .join(target)
        .join("release")
        .join(format!("{bin}.wasm"));
    let bound = ctx.target_dir.join(format!("{bin}-bindgen"));
    if bound.exists() {
        std::fs::remove_dir_all(&bound).context(|| format!("clearing {}", bound.display()))?;
    }
    run(ctx
        .cmd("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&bound)
        .arg(&wasm))?;
    let dist = ctx.root.join("dist");
    let wasm_name = format!("{bin}_bg.wasm");
    let optimized = bound.join("optimized.wasm");
    if module.drop_dead_formatting {
        let wasm = bound.join(&wasm_name);
        run(ctx
            .cmd("node")
            .arg(
                ctx.root
                    .join("xtask")
                    .join("js")
                    .join("drop-dead-formatting.mjs"),
            )
            .arg(&wasm)
            .arg(&wasm))?;
    }
    run(wasm_opt(ctx)
        .arg("-Oz")
        .args(module.wasm_opt)
        .arg(bound.join(&wasm_name))
        .arg("-o")
        .arg(&optimized))?;
    // Short import and export names in the module, then the same names in
    // the glue (xtask/js/minify-wasm-names.mjs says why).
    let mut minify = wasm_opt(ctx);
    minify
        .arg("--minify-imports-and-exports-and-modules")
        // The toolchain's names and feature list: no browser reads them.
        .args(["--strip-producers", "--strip-target-features"])
        .arg(&optimized)
        .arg("-o")
        .arg(dist.join(&wasm_name))
        .stderr(std::process::Stdio::inherit());
    println!("    $ {}", show(&minify));
    let mapping = minify
        .output()
        .map_err(|e| Error(format!("cannot start `{}`: {e}", show(&minify))))?;
    check_status(&minify, mapping.status)?;
    let mapping_path = bound.join("names.json");
    std::fs::write(&mapping_path, &mapping.stdout)
        .context(|| format!("writing {}", mapping_path.display()))?;
    run(ctx
        .cmd("node")
        .arg(
            ctx.root
                .join("xtask")
                .join("js")
                .join("minify-wasm-names.mjs"),
        )
        .arg(&mapping_path)
        .arg(dist.join(&wasm_name))
        .arg(bound.join(format!("{bin}.js"))))?;
    // The entry imports './{bin}.js': bundle it from beside the glue.
    let entry = bound.join(module.entry);
    std::fs::copy(ctx.root.join("js").join(module.entry), &entry)
        .context(|| format!("copying js/{} to {}", module.entry, entry.display()))?;
    std::fs::copy(
        ctx.root.join("js").join(CATALOG_LOADER),
        bound.join(CATALOG_LOADER),
    )
    .context(|| format!("copying js/{CATALOG_LOADER} to {}", bound.display()))?;
    run(ctx
        .cmd("esbuild")
        .arg(&entry)
        .args([
            "--bundle",
            "--minify",
            "--format=esm",
            "--target=es2022",
            "--legal-comments=none",
            "--log-level=warning",
            "--allow-overwrite",
        ])
        .arg(format!("--outfile={}", dist.join(module.entry).display())))
}

/// Extensions worth precompressing: what the server compresses anyway.
const PRECOMPRESSED: [&str; 7] = [".js", ".wasm", ".css", ".html", ".svg", ".json", ".d.ts"];

/// Writes `<file>.br` (brotli quality 11, Node's zlib; the smallest of
/// [`BROTLI_BEST`]'s block sizes) beside every text, JavaScript and wasm
/// file of 1 KiB or more in `dist`. The server sends it to browsers that
/// accept brotli: quality 11 is too slow to run per request, and a sixth
/// smaller than what the server can afford on the fly.
fn precompress(ctx: &Ctx, dist: &Path) -> Result<()> {
    let script = format!(
        "const z=require('zlib'),fs=require('fs');{BROTLI_BEST}\
        for (const f of process.argv.slice(1)) fs.writeFileSync(f + '.br', best(fs.readFileSync(f)));"
    );
    let mut files = Vec::new();
    collect(dist, dist, &mut files)?;
    let targets: Vec<PathBuf> = files
        .iter()
        .filter(|(name, size)| *size >= 1024 && PRECOMPRESSED.iter().any(|ext| name.ends_with(ext)))
        .map(|(name, _)| dist.join(name))
        .collect();
    if targets.is_empty() {
        return Ok(());
    }
    run(ctx.cmd("node").args(["-e", &script]).args(&targets))
}

/// A JS function `best(buffer)`: brotli quality 11 at the encoder's own
/// block size and at 2^16 and 2^17, the smallest. Any of them is a valid
/// stream for every browser; for wasm code the encoder's own choice can be
/// 2–3 % larger (the hosted page's wasm: 68.2 KB against 66.3 KB at 2^16).
/// Used for the served `.br` files and every brotli figure (budgets, bench),
/// the React baseline's included, so all are measured alike.
pub const BROTLI_BEST: &str = "function best(b){let o;for(const g of [0,16,17]){\
    const c=z.brotliCompressSync(b,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11,\
    [z.constants.BROTLI_PARAM_LGBLOCK]:g,[z.constants.BROTLI_PARAM_SIZE_HINT]:b.length}});\
    if(!o||c.length<o.length)o=c;}return o;}";

/// wasm-opt with the features Chromium, Firefox and Safari have shipped for
/// years (the set trunk's wasm-opt run allows for the app bundle).
fn wasm_opt(ctx: &Ctx) -> std::process::Command {
    let mut cmd = ctx.cmd("wasm-opt");
    cmd.args([
        "--enable-bulk-memory",
        "--enable-nontrapping-float-to-int",
        "--enable-sign-ext",
        "--enable-mutable-globals",
        "--enable-reference-types",
    ]);
    cmd
}

/// Raw, gzip -9 and brotli q11 sizes of a file, as a CDN would serve it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Compressed {
    /// Bytes on disk.
    pub raw: u64,
    /// gzip, level 9.
    pub gzip: u64,
    /// brotli, quality 11 (the smallest of [`BROTLI_BEST`]'s block sizes).
    pub brotli: u64,
}

impl std::ops::Add for Compressed {
    type Output = Compressed;
    fn add(self, o: Compressed) -> Compressed {
        Compressed {
            raw: self.raw + o.raw,
            gzip: self.gzip + o.gzip,
            brotli: self.brotli + o.brotli,
        }
    }
}

/// Measures files with Node's zlib (xtask has no compressors of its own;
/// Node is a required tool already). Deterministic for a given input.
pub fn compressed_sizes(ctx: &Ctx, files: &[&Path]) -> Result<Vec<Compressed>> {
    let script = format!(
        "const z=require('zlib'),fs=require('fs');{BROTLI_BEST}\
        for (const f of process.argv.slice(1)) {{ const b = fs.readFileSync(f);\
        console.log(b.length, z.gzipSync(b, {{ level: 9 }}).length, best(b).length); }}"
    );
    let mut cmd = ctx.cmd("node");
    cmd.args(["-e", &script]).args(files);
    let out = capture(&mut cmd).ok_or_else(|| {
        Error(format!(
            "measuring {} with node's zlib failed",
            files
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    parse_sizes(&out, files.len())
}

/// Parses `raw gzip brotli` lines, one per file.
fn parse_sizes(out: &str, expected: usize) -> Result<Vec<Compressed>> {
    let sizes: Vec<Compressed> = out
        .lines()
        .filter_map(|line| {
            let mut n = line.split_whitespace().map(str::parse::<u64>);
            match (n.next(), n.next(), n.next(), n.next()) {
                (Some(Ok(raw)), Some(Ok(gzip)), Some(Ok(brotli)), None) => {
                    Some(Compressed { raw, gzip, brotli })
                }
                _ => None,
            }
        })
        .collect();
    if sizes.len() == expected {
        Ok(sizes)
    } else {
        Err(Error(format!(
            "expected {expected} size lines from node, got:\n{out}"
        )))
    }
}

/// A payload's sizes (the sum of its files in `dist/`).
pub fn measure(ctx: &Ctx, payload: &Payload) -> Result<Compressed> {
    let dist = ctx.root.join("dist");
    let paths: Vec<_> = payload.files.iter().map(|f| dist.join(f)).collect();
    let refs: Vec<&Path> = paths.iter().map(|p| p.as_path()).collect();
    Ok(compressed_sizes(ctx, &refs)?
        .into_iter()
        .fold(Compressed::default(), |a, b| a + b))
}

/// Fails when a payload's brotli size is over its budget.
pub fn check_budget(ctx: &Ctx, payload: &Payload) -> Result<()> {
    let size = measure(ctx, payload)?;
    println!("    {}", describe_payload(payload, size));
    budget_verdict(payload, size).map_err(Error)
}

/// One line for logs: the payload's three sizes and its budget.
fn describe_payload(payload: &Payload, size: Compressed) -> String {
    format!(
        "{} ({}): {} raw, {} gzip, {} brotli (budget {} brotli)",
        payload.name,
        payload.files.join(" + "),
        fmt_size(size.raw),
        fmt_size(size.gzip),
        fmt_size(size.brotli),
        fmt_size(payload.budget)
    )
}

/// `Err` with a human sentence when `size` is over the payload's budget.
fn budget_verdict(payload: &Payload, size: Compressed) -> std::result::Result<(), String> {
    if size.brotli <= payload.budget {
        Ok(())
    } else {
        Err(format!(
            "{} is {} with brotli, over its budget of {} by {} bytes: find what \
             grew with `twiggy top` on its wasm and cut it",
            payload.name,
            fmt_size(size.brotli),
            fmt_size(payload.budget),
            size.brotli - payload.budget
        ))
    }
}

/// Lists the files of `dist/` with their sizes (the bundle size is a feature
/// of this product, so it is shown on every build).
fn print_dist(dist: &Path) -> Result<()> {
    let mut files = Vec::new();
    collect(dist, dist, &mut files)?;
    let precompressed = files
        .iter()
        .filter(|(name, _)| name.ends_with(".br"))
        .count();
    files.retain(|(name, _)| !name.ends_with(".br"));
    files.sort();
    println!(
        "    {} ({precompressed} files also as .br):",
        dist.display()
    );
    let mut total = 0;
    for (name, size) in &files {
        total += size;
        println!("    {:>10}  {name}", fmt_size(*size));
    }
    println!("    {:>10}  total ({} files)", fmt_size(total), files.len());
    Ok(())
}

/// Recursively gathers `(relative path, size)` for every file under `dir`.
fn collect(base: &Path, dir: &Path, out: &mut Vec<(String, u64)>) -> Result<()> {
    let entries = std::fs::read_dir(dir).context(|| format!("listing {}", dir.display()))?;
    for entry in entries {
        let entry = entry.context(|| format!("listing {}", dir.display()))?;
        let path = entry.path();
        let meta = entry
            .metadata()
            .context(|| format!("reading {}", path.display()))?;
        if meta.is_dir() {
            collect(base, &path, out)?;
        } else {
            let rel = path.strip_prefix(base).unwrap_or(&path);
            out.push((rel.display().to_string(), meta.len()));
        }
    }
    Ok(())
}

/// `812 B`, `70.8 KB`, `1.2 MB` (decimal units, as size budgets are quoted).
pub fn fmt_size(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{:.1} KB", bytes as f64 / 1e3),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_builds_the_app_with_leptos_and_the_hosted_bundle_without() {
        let index = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../index.html"),
        )
        .expect("index.html is the app bundle's entry");
        assert!(
            index.contains(r#"data-cargo-features="hosted-pages,csr""#),
            "index.html's data-cargo-features must be the app's: hosted-pages,csr"
        );
        // The hosted pages are drawn in plain DOM: nothing may bring Leptos back.
        let features = HOSTED_MODULE.features.join(" ");
        assert!(features.contains("--no-default-features"), "{features}");
        assert!(features.contains("hosted-checkout"), "{features}");
        for leptos in ["hosted-pages", "csr", "leptos", "testing"] {
            assert!(!features.contains(leptos), "{features}");
        }
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(fmt_size(812), "812 B");
        assert_eq!(fmt_size(70_812), "70.8 KB");
        assert_eq!(fmt_size(1_234_567), "1.2 MB");
    }

    #[test]
    fn node_size_lines_parse() {
        let sizes = parse_sizes("100 60 50\n2000 900 800\n", 2).unwrap();
        assert_eq!(
            sizes[1],
            Compressed {
                raw: 2000,
                gzip: 900,
                brotli: 800
            }
        );
        assert!(parse_sizes("100 60\n", 1).is_err());
        assert!(parse_sizes("100 60 50\n", 2).is_err());
    }

    #[test]
    fn the_budget_holds_at_the_limit_and_fails_one_byte_over() {
        for payload in [EMBED, HOSTED] {
            let at = Compressed {
                raw: 1,
                gzip: 1,
                brotli: payload.budget,
            };
            assert!(budget_verdict(&payload, at).is_ok(), "{}", payload.name);
            let over = Compressed {
                brotli: payload.budget + 1,
                ..at
            };
            let err = budget_verdict(&payload, over).unwrap_err();
            let expected = format!(
                "{} is {} with brotli, over its budget of {} by 1 bytes",
                payload.name,
                fmt_size(payload.budget + 1),
                fmt_size(payload.budget)
            );
            assert!(err.contains(&expected), "{err}");
        }
    }

    #[test]
    fn the_hosted_budget_counts_its_js_wasm_and_css() {
        assert_eq!(HOSTED.files.len(), 3);
        for ext in [".js", ".wasm", ".css"] {
            assert!(
                HOSTED.files.iter().any(|f| f.ends_with(ext)),
                "the hosted payload counts its {ext}"
            );
        }
    }

    #[test]
    fn the_hosted_entry_and_stylesheet_are_the_ones_hosted_html_loads() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let html = std::fs::read_to_string(root.join("hosted.html")).unwrap();
        for file in ["checkout-hosted.js", "hosted.css"] {
            assert!(
                html.contains(&format!("\"/{file}\"")),
                "hosted.html loads /{file}"
            );
        }
        assert!(
            !html.contains("<script>"),
            "no inline script (the CSP forbids it)"
        );
        let entry = std::fs::read_to_string(root.join("js").join(HOSTED_MODULE.entry)).unwrap();
        assert!(entry.contains(&format!("'./{}.js'", HOSTED_MODULE.bin)));
    }
}
