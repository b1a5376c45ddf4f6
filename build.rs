//! Minifies the stylesheets compiled into the crate: the one the custom
//! elements adopt (in the script-tag bundle, where every byte counts), and
//! the components' whole stylesheet that `<BillingStyles/>` adopts.

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=style/widget.css");
    println!("cargo::rerun-if-changed=style/panel.css");
    // The embed's Rust stack: 128 KiB instead of the default 1 MiB, which
    // would be most of the page's wasm memory. Its deepest path (a render
    // inside a lifecycle callback) uses a few KiB; the stack sits below the
    // data, so an overflow traps instead of corrupting anything.
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-link-arg-bin=checkout-widget-embed=-zstack-size=131072");
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let widget = minified("style/widget.css");
    // In a cascade layer, so every unlayered rule of the app (its own
    // `:root { --cw-… }` tokens included) wins over ours, although adopted
    // sheets come after the document's.
    let billing = format!(
        "@layer checkout-widget{{{widget}{}}}",
        minified("style/panel.css")
    );
    std::fs::write(out.join("widget.min.css"), widget).expect("OUT_DIR is writable");
    std::fs::write(out.join("billing.min.css"), billing).expect("OUT_DIR is writable");
}

/// `path` minified; the source itself if the minifier fails (a minifier bug
/// must never break the widget).
fn minified(path: &str) -> String {
    let css = std::fs::read_to_string(path).expect("the stylesheets are part of the crate");
    minifier::css::minify(&css)
        .map(|m| m.to_string())
        .unwrap_or(css)
}
