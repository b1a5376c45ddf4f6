//! The catalog files: every language but English as
//! `locales/{catalog}.{lang}.json`, a JSON array of the catalog's
//! fingerprint then its messages in order. They are written from the Rust
//! catalogs, which stay the one source of truth: the test below fails when
//! a file differs from them (`UPDATE_CATALOGS=1 cargo test -p checkout-widget
//! --lib i18n::files` rewrites them), and `cargo xtask build` copies them
//! into `dist/locales/`, beside the bundles that fetch them. The crate's
//! package holds them too, for Leptos apps built with `catalogs-on-demand`
//! (and [`CATALOG_FILES`] for a native server that serves them).

use super::Lang;

/// `widget.fr.json`: the file of catalog `catalog` in `lang`.
pub fn file_name(catalog: &str, lang: Lang) -> String {
    let mut name = String::from(catalog);
    name.push('.');
    name.push_str(lang.code());
    name.push_str(".json");
    name
}

/// `(name, contents)` of `locales/<name>`.
#[cfg(not(target_arch = "wasm32"))]
macro_rules! catalog_file {
    ($name:literal) => {
        ($name, include_str!(concat!("../../locales/", $name)))
    };
}

/// Every catalog file of this version of the crate, as `(file name,
/// contents)`: the `locales/` folder, for a merchant's server to serve to a
/// Leptos app built with `catalogs-on-demand` (README "Languages") when the
/// app's build cannot copy the folder. Native builds only: a wasm app that
/// linked these would carry every language again.
#[cfg(not(target_arch = "wasm32"))]
pub const CATALOG_FILES: &[(&str, &str)] = &[
    catalog_file!("widget.de.json"),
    catalog_file!("widget.fr.json"),
    catalog_file!("widget.es.json"),
    catalog_file!("widget.ja.json"),
    catalog_file!("widget.ar.json"),
    catalog_file!("page.de.json"),
    catalog_file!("page.fr.json"),
    catalog_file!("page.es.json"),
    catalog_file!("page.ja.json"),
    catalog_file!("page.ar.json"),
    catalog_file!("panel.de.json"),
    catalog_file!("panel.fr.json"),
    catalog_file!("panel.es.json"),
    catalog_file!("panel.ja.json"),
    catalog_file!("panel.ar.json"),
];

#[cfg(all(test, not(feature = "catalogs-on-demand")))]
mod tests {
    use super::*;
    use crate::i18n::{page, panel, widget, Catalog, Message};
    use std::path::PathBuf;

    /// The folder of the catalog files, in the repository and in `dist/`.
    const FOLDER: &str = "locales";

    /// The file `C` in `lang` should be, from the compiled-in catalog.
    fn contents<C: Catalog + Message>(all: &[C], lang: Lang) -> String {
        let mut entries = vec![serde_json::Value::from(C::FINGERPRINT)];
        entries.extend(all.iter().map(|m| serde_json::Value::from(m.text(lang))));
        let mut text = serde_json::to_string_pretty(&entries).expect("strings serialize");
        text.push('\n');
        text
    }

    /// Every catalog file this build needs, with its contents.
    fn expected() -> Vec<(String, String)> {
        let mut files = Vec::new();
        for lang in Lang::ALL.into_iter().filter(|l| *l != Lang::En) {
            files.push((
                file_name(widget::Msg::FILE, lang),
                contents(widget::Msg::ALL, lang),
            ));
            files.push((
                file_name(page::Msg::FILE, lang),
                contents(page::Msg::ALL, lang),
            ));
            files.push((
                file_name(panel::Msg::FILE, lang),
                contents(panel::Msg::ALL, lang),
            ));
        }
        files
    }

    #[test]
    fn the_catalog_files_match_the_rust_catalogs() {
        let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(FOLDER);
        let update = std::env::var_os("UPDATE_CATALOGS").is_some();
        let expected = expected();
        for (name, text) in &expected {
            let path = folder.join(name);
            if update {
                std::fs::create_dir_all(&folder).unwrap();
                std::fs::write(&path, text).unwrap();
            }
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                on_disk == *text,
                "{} differs from the catalog in src/i18n/: run \
                 `UPDATE_CATALOGS=1 cargo test -p checkout-widget --lib i18n::files`",
                path.display()
            );
        }
        let mut stray: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|name| !expected.iter().any(|(n, _)| n == name))
            .collect();
        stray.sort();
        assert!(stray.is_empty(), "files no catalog writes: {stray:?}");
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn the_served_files_are_the_catalog_files() {
        let expected = expected();
        assert_eq!(CATALOG_FILES.len(), expected.len());
        for (name, text) in &expected {
            assert!(
                CATALOG_FILES.contains(&(name.as_str(), text.as_str())),
                "CATALOG_FILES lacks or differs for {name}"
            );
        }
    }

    #[test]
    fn a_file_reads_back_as_its_catalog() {
        let text = contents(widget::Msg::ALL, Lang::Fr);
        let entries: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        let accepted = crate::i18n::loaded::accept::<widget::Msg>(
            entries[0].as_f64(),
            entries[1..].iter().map(|m| m.as_str().map(str::to_owned)),
        )
        .unwrap();
        let monthly = widget::Msg::ALL
            .iter()
            .position(|m| *m == widget::Msg::Monthly);
        assert_eq!(accepted.lines().nth(monthly.unwrap()), Some("Mensuel"));
        assert_eq!(file_name("page", Lang::Ja), "page.ja.json");
    }
}
