//! Minifies the stylesheet the custom elements adopt (it is compiled into the
//! script-tag bundle, where every byte counts).

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=style/widget.css");
    // The embed's Rust stack: 128 KiB instead of the default 1 MiB, which
    // would be most of the page's wasm memory. Its deepest path (a render
    // inside a lifecycle callback) uses a few KiB; the stack sits below the
    // data, so an overflow traps instead of corrupting anything.
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-link-arg-bin=checkout-widget-embed=-zstack-size=131072");
    }
    let css =
        std::fs::read_to_string("style/widget.css").expect("style/widget.css is part of the crate");
    // A minifier bug must never break the widget: fall back to the source.
    let minified = minifier::css::minify(&css)
        .map(|m| m.to_string())
        .unwrap_or(css);
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("widget.min.css"), minified).expect("OUT_DIR is writable");
}
