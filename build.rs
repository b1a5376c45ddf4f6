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
    let embed = for_shadow_roots(&widget, &PANEL_ONLY);
    std::fs::write(out.join("widget.min.css"), embed).expect("OUT_DIR is writable");
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

/// Classes of widget.css that only the Leptos panel sets (its loading
/// placeholders): the embed's sheet leaves their rules out. A list of what
/// to drop, not of what to keep, so a class the embed starts using is
/// never dropped by mistake.
const PANEL_ONLY: [&str; 2] = ["cw-skeleton", "cw-switch-skeleton"];

/// The minified widget sheet cut down for the embed's shadow roots (issue
/// 17: every byte of it is in the script-tag bundle): selectors that cannot
/// match there go — `:root` (a shadow root's sheet never sees the document
/// element; those are the hosted page's and the panel's) and the classes in
/// `drop` (the embed never sets them) — and with them any rule
/// left without one; then the last `;` of each block and leading zeros
/// (`0.5em` → `.5em`). Anything it does not recognise is kept as it is.
fn for_shadow_roots(css: &str, drop: &[&str]) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(open) = rest.find('{') {
        let prelude = &rest[..open];
        if prelude.starts_with("@media") {
            // One level of nesting: the rules inside, then its closing brace.
            let Some(close) = block_end(&rest[open + 1..]) else {
                break;
            };
            let inner = for_shadow_roots(&rest[open + 1..open + 1 + close], drop);
            if !inner.is_empty() {
                out.push_str(prelude);
                out.push('{');
                out.push_str(&inner);
                out.push('}');
            }
            rest = &rest[open + 1 + close + 1..];
            continue;
        }
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let body = &rest[open + 1..close];
        if prelude.starts_with('@') {
            // @keyframes and the like: their blocks hold blocks; keep them whole.
            let Some(end) = block_end(&rest[open + 1..]) else {
                break;
            };
            out.push_str(&rest[..open + 1 + end + 1]);
            rest = &rest[open + 1 + end + 1..];
            continue;
        }
        let selectors: Vec<&str> = prelude
            .split(',')
            .map(str::trim)
            .filter(|s| !s.starts_with(":root") && !names_any(s, drop))
            .collect();
        if !selectors.is_empty() {
            out.push_str(&selectors.join(","));
            out.push('{');
            out.push_str(&tight(body.strip_suffix(';').unwrap_or(body)));
            out.push('}');
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Whether a selector names one of `classes` (`.name`, the whole name).
fn names_any(selector: &str, classes: &[&str]) -> bool {
    selector.match_indices('.').any(|(at, _)| {
        let class: String = selector[at + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        classes.contains(&class.as_str())
    })
}

/// Where the block that `inner` starts inside ends: the index of its `}`.
fn block_end(inner: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(at),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Declarations without leading zeros (`0.5` → `.5` where a number
/// starts) nor the space before `!important`.
fn tight(body: &str) -> String {
    let body = body.replace(" !important", "!important");
    let mut out = String::with_capacity(body.len());
    let mut previous = ' ';
    let chars: Vec<char> = body.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let starts_number = !(previous.is_ascii_alphanumeric()
            || previous == '.'
            || previous == '-'
            || previous == '#');
        if c == '0' && starts_number && chars.get(i + 1) == Some(&'.') {
            previous = c;
            continue;
        }
        out.push(c);
        previous = c;
    }
    out
}
