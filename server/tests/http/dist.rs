//! A built widget in miniature: a file of every kind `cargo xtask build`
//! puts in `dist`, written before the server starts.

use crate::support::TestServer;
use checkout_server::Config;

/// The app shell.
pub const INDEX: &str = "<!doctype html><title>widget</title>\
<link rel=stylesheet href=/main.css><script type=module src=/checkout-widget.js></script>";

/// The hosted checkout's shell: its own entry and stylesheet.
pub const HOSTED: &str = "<!doctype html><title>checkout</title>\
<link rel=stylesheet href=/hosted.css><script type=module src=/checkout-hosted.js></script>";

/// The embed entry: imports the app bundle relatively, as the real one does.
pub const ENTRY: &str =
    "// checkout-widget embed entry\nimport init from './checkout-widget-app.js';\n\nawait init();\n";

/// The wasm-bindgen glue: imports a snippet and loads the wasm relative to itself.
pub fn app_js() -> String {
    let mut js = String::from(
        "import { define } from './snippets/checkout-widget-a2ef/js/custom-element.js';\n\
         export default async function init() {\n\
         \x20 const url = new URL('checkout-widget-app_bg.wasm', import.meta.url);\n\
         \x20 const { instance } = await WebAssembly.instantiateStreaming(fetch(url), {});\n\
         \x20 define(instance);\n}\n",
    );
    for i in 0..40 {
        js.push_str(&format!(
            "export function __wbg_export_{i}(a, b) {{ return a + b + {i}; }}\n"
        ));
    }
    js
}

/// A wasm module's header followed by 16 KiB of varied, compressible bytes.
pub fn wasm() -> Vec<u8> {
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    bytes.extend((0..16_384u32).map(|i| ((i * 7) % 251) as u8 ^ (i / 512) as u8));
    bytes
}

/// A PNG signature followed by zeros: compressible, yet an image format that is compressed already.
pub fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend([0u8; 2048]);
    bytes
}

/// Every file, by path relative to `dist`.
pub fn files() -> Vec<(&'static str, Vec<u8>)> {
    let text = |s: &str| s.as_bytes().to_vec();
    vec![
        ("index.html", text(INDEX)),
        ("hosted.html", text(HOSTED)),
        ("checkout-widget.js", text(ENTRY)),
        ("checkout-widget-app.js", app_js().into_bytes()),
        ("checkout-widget-app_bg.wasm", wasm()),
        (
            "checkout-widget.d.ts",
            text("export declare function mount(el: HTMLElement): void;\n"),
        ),
        (
            "snippets/checkout-widget-a2ef/js/custom-element.js",
            text("export function define() {}\n"),
        ),
        ("module.mjs", text("export const x = 1;\n")),
        ("widget.css", text(":host { display: block; }\n")),
        ("main.css", text("body { margin: 0; }\n")),
        (
            "favicon.svg",
            text("<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n"),
        ),
        ("logo.png", png()),
        ("manifest.json", text("{\"name\": \"checkout\"}\n")),
        (
            "locales/widget.fr.json",
            text("[\n  868863518,\n  \"Chargement du prix\"\n]\n"),
        ),
        (
            "examples/plain.html",
            text("<!doctype html><title>plain</title><script type=module src=plain.js></script>"),
        ),
        ("examples/plain.js", text("import '/checkout-widget.js';\n")),
    ]
}

/// A server serving [`files`].
pub async fn server() -> TestServer {
    server_with(|_| {}).await
}

/// A server serving [`files`], after `adjust` changes the config.
pub async fn server_with(adjust: impl FnOnce(&mut Config)) -> TestServer {
    let files = files();
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(p, c)| (*p, c.as_slice())).collect();
    TestServer::with_dist(&borrowed, adjust).await
}

/// The contents of the fixture file at `path`.
pub fn contents(path: &str) -> Vec<u8> {
    files()
        .into_iter()
        .find(|(p, _)| *p == path)
        .map(|(_, c)| c)
        .unwrap_or_else(|| panic!("no fixture file {path}"))
}
