//! The release bundle: `trunk build --release` into `dist/`.

use std::path::Path;

use crate::util::{run, step, Context, Ctx, Error, Result};

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
    step("building the widget bundle (trunk build --release)", || {
        // ctx's PATH puts node_modules/.bin (wasm-opt 132) and ~/.cargo/bin
        // (wasm-bindgen) first; trunk checks both versions against Trunk.toml.
        run(ctx.cmd("trunk").args(["build", "--release"]))
    })?;
    print_dist(&ctx.root.join("dist"))
}

/// Lists the files of `dist/` with their sizes (the bundle size is a feature
/// of this product, so it is shown on every build).
fn print_dist(dist: &Path) -> Result<()> {
    let mut files = Vec::new();
    collect(dist, dist, &mut files)?;
    files.sort();
    println!("    {}:", dist.display());
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
    fn sizes_read_well() {
        assert_eq!(fmt_size(812), "812 B");
        assert_eq!(fmt_size(70_812), "70.8 KB");
        assert_eq!(fmt_size(1_234_567), "1.2 MB");
    }
}
