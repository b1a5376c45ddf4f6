//! The `Content-Type` of a file in `dist`, from its name.

/// `Content-Type` for a file name or path, by its (case-insensitive)
/// extension; `application/octet-stream` when unknown.
///
/// `.d.ts` is served as plain text: it is for editors and compilers, never
/// for a browser to run (`.ts` alone would be guessed as an MPEG stream).
pub fn for_path(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let extension = name.rsplit_once('.').map_or("", |(_, ext)| ext);
    match extension {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "html" | "htm" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "map" => "application/json",
        // `.d.ts` types (and any `.ts`) are source text, never run by a browser.
        "txt" | "ts" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::for_path;

    #[test]
    fn every_kind_of_widget_file() {
        for (path, expected) in [
            ("checkout-widget.js", "text/javascript; charset=utf-8"),
            (
                "snippets/x/js/custom-element.mjs",
                "text/javascript; charset=utf-8",
            ),
            ("checkout-widget-app_bg.wasm", "application/wasm"),
            ("widget.css", "text/css; charset=utf-8"),
            ("checkout-widget.d.ts", "text/plain; charset=utf-8"),
            ("CHECKOUT-WIDGET.D.TS", "text/plain; charset=utf-8"),
            ("examples/plain.html", "text/html; charset=utf-8"),
            ("favicon.svg", "image/svg+xml"),
            ("catalog.json", "application/json"),
            ("logo.png", "image/png"),
            ("Makefile", "application/octet-stream"),
            ("archive.tar.gz", "application/octet-stream"),
            (".d.ts/x", "application/octet-stream"),
        ] {
            assert_eq!(for_path(path), expected, "{path}");
        }
    }
}
