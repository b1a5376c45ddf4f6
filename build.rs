//! Minifies the stylesheets compiled into the crate: the one the custom
//! elements adopt (in the script-tag bundle, where every byte counts), the
//! components' whole stylesheet (`BILLING_CSS`), and that stylesheet cut
//! into one chunk per component (`chunks.rs`), of which `<BillingStyles/>`
//! adopts those of the components an app draws.

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=style/widget.css");
    println!("cargo::rerun-if-changed=style/panel.css");
    // Which rules each component can match is read from its source.
    println!("cargo::rerun-if-changed=src/components");
    // The embed's Rust stack: 128 KiB instead of the default 1 MiB, which
    // would be most of the page's wasm memory. Its deepest path (a render
    // inside a lifecycle callback) uses a few KiB; the stack sits below the
    // data, so an overflow traps instead of corrupting anything.
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-link-arg-bin=checkout-widget-embed=-zstack-size=131072");
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let widget = minified("style/widget.css");
    let embed = for_shadow_roots(&widget, &PANEL_ONLY);
    // The Leptos components' rules: both sheets without those only the
    // embed's own elements carry.
    let widget = without(&widget, &EMBED_ONLY);
    let panel = minified("style/panel.css");
    // In a cascade layer, so every unlayered rule of the app (its own
    // `:root { --cw-… }` tokens included) wins over ours, although adopted
    // sheets come after the document's.
    let billing = format!("@layer checkout-widget{{{widget}{panel}}}");
    let components = component_sources("src/components");
    let chunks = pieces::chunks(&format!("{widget}{panel}"), &components);
    std::fs::write(out.join("widget.min.css"), embed).expect("OUT_DIR is writable");
    std::fs::write(out.join("billing.min.css"), billing).expect("OUT_DIR is writable");
    std::fs::write(out.join("chunks.rs"), chunks).expect("OUT_DIR is writable");
}

/// Classes of widget.css that only the script-tag embed sets (its frames,
/// its overlay and the root inside each shadow root; `grep -r` finds them in
/// `src/embed/` and `js/custom-element.js` only): no Leptos component can
/// match their rules, so [`BILLING_CSS`]'s copy of widget.css goes without
/// them (a test in `src/components/styles.rs` checks the components never
/// name them).
const EMBED_ONLY: [&str; 5] = [
    "cw-root",
    "cw-overlay",
    "cw-overlay-frame",
    "cw-overlay-close",
    "cw-inline-frame",
];

/// The `(file stem, text)` of every `.rs` file in `dir`, by name.
fn component_sources(dir: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("the components are part of the crate")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let stem = path.file_stem()?.to_str()?.to_owned();
            (path.extension()? == "rs").then_some(())?;
            Some((stem, std::fs::read_to_string(&path).ok()?))
        })
        .collect();
    files.sort();
    files
}

/// The minified `css` without the rules whose every selector names one of
/// `classes` (an `@media` block goes with its last rule); the rest is kept
/// byte for byte, whitespace included.
fn without(css: &str, classes: &[&str]) -> String {
    let rules = pieces::rules(css);
    let tail = &css[rules.iter().map(|rule| rule.text.len()).sum::<usize>()..];
    let mut kept: String = rules
        .into_iter()
        .filter_map(|rule| match rule.inner() {
            Some(inner) => {
                let kept = without(inner, classes);
                (!kept.trim().is_empty())
                    .then(|| format!("{}{{{kept}}}", rule.prelude_with_space()))
            }
            None if rule.is_at_rule() => Some(rule.text.to_owned()),
            None => {
                let all_dropped = rule.selectors().all(|s| names_any(s, classes));
                (!all_dropped).then(|| rule.text.to_owned())
            }
        })
        .collect();
    kept.push_str(tail);
    kept
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

/// The Leptos components' sheet cut into pieces: each rule in the form the
/// document needs, owned by the components whose markup can match it, and
/// runs of rules with the same owners kept together in their order. The
/// generated `chunks.rs` holds one string per component with its pieces,
/// so a rule is linked only when a component that can match it is. A piece
/// several components share is in each of their strings: brotli stores the
/// repeat in a few bytes, where a table of pointers to shared pieces cost
/// the panel app more (measured).
mod pieces {
    use std::collections::{BTreeMap, BTreeSet};
    use std::fmt::Write;

    /// One top-level rule of a minified sheet, with the whitespace before it.
    pub struct Rule<'a> {
        /// The rule's text, up to and with its closing brace.
        pub text: &'a str,
        /// Where its block opens.
        open: usize,
    }

    impl<'a> Rule<'a> {
        /// Its selectors or at-rule prelude, with the whitespace before it.
        pub fn prelude_with_space(&self) -> &'a str {
            &self.text[..self.open]
        }

        /// Its selectors or at-rule prelude.
        pub fn prelude(&self) -> &'a str {
            self.prelude_with_space().trim()
        }

        /// What its braces hold.
        pub fn body(&self) -> &'a str {
            &self.text[self.open + 1..self.text.len() - 1]
        }

        /// `@media`, `@keyframes`, …
        pub fn is_at_rule(&self) -> bool {
            self.prelude().starts_with('@')
        }

        /// The rules inside a conditional group (`@media`, `@supports`);
        /// `None` for a style rule and for `@keyframes` (kept whole).
        pub fn inner(&self) -> Option<&'a str> {
            let prelude = self.prelude();
            (prelude.starts_with("@media") || prelude.starts_with("@supports")).then(|| self.body())
        }

        /// A style rule's selectors.
        pub fn selectors(&self) -> impl Iterator<Item = &'a str> {
            self.prelude().split(',').map(str::trim)
        }
    }

    /// The top-level rules of `css` (what follows the last one, whitespace
    /// in a minified sheet, is not a rule).
    pub fn rules(css: &str) -> Vec<Rule<'_>> {
        let mut rules = Vec::new();
        let (mut start, mut open, mut depth) = (0, None, 0usize);
        for (at, c) in css.char_indices() {
            match c {
                '{' => {
                    if depth == 0 {
                        open = Some(at - start);
                    }
                    depth += 1;
                }
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth > 0 {
                        continue;
                    }
                    if let Some(open) = open.take() {
                        rules.push(Rule {
                            text: &css[start..=at],
                            open,
                        });
                        start = at + 1;
                    }
                }
                _ => {}
            }
        }
        rules
    }

    /// The `cw-*` classes a selector requires.
    fn classes(selector: &str) -> BTreeSet<&str> {
        selector
            .match_indices(".cw-")
            .map(|(at, _)| {
                let name = &selector[at + 1..];
                let end = name
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                    .unwrap_or(name.len());
                &name[..end]
            })
            .collect()
    }

    /// Who a rule is for: every app, or the components listed.
    #[derive(Clone, PartialEq, Eq, Debug)]
    enum Owners<'a> {
        /// A rule without a class (tokens, themes, `[dir]`, reduced motion).
        Base,
        /// The components whose markup can match it (none: no component can).
        Components(BTreeSet<&'a str>),
    }

    impl<'a> Owners<'a> {
        fn add(&mut self, other: Owners<'a>) {
            match (&mut *self, other) {
                (Owners::Base, _) => {}
                (_, Owners::Base) => *self = Owners::Base,
                (Owners::Components(mine), Owners::Components(theirs)) => mine.extend(theirs),
            }
        }
    }

    /// A component module's classes: every `cw-*` name its source holds (an
    /// id's prefix such as `cw-price-` is no class), and those of the
    /// modules of `src/components/` it uses (`super::price_card::…`: the
    /// markup functions it draws with), and theirs; not `styles.rs`'s (a
    /// component names its chunk there, and draws nothing with it).
    fn markup_classes<'a>(
        module: &str,
        sources: &'a BTreeMap<&'a str, &'a str>,
        seen: &mut BTreeSet<&'a str>,
        into: &mut BTreeSet<&'a str>,
    ) {
        let Some((&name, &source)) = sources.get_key_value(module) else {
            return;
        };
        if name == "styles" {
            return;
        }
        if !seen.insert(name) {
            return;
        }
        for (at, _) in source.match_indices("cw-") {
            let rest = &source[at..];
            let end = rest
                .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
                .unwrap_or(rest.len());
            let name = &rest[..end];
            if !name.ends_with('-') {
                into.insert(name);
            }
        }
        for (at, _) in source.match_indices("super::") {
            let rest = &source[at + "super::".len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
                .unwrap_or(rest.len());
            markup_classes(&rest[..end], sources, seen, into);
        }
    }

    /// A rule as the document's sheet holds it: without the `:host`
    /// selectors (only a shadow root's sheet can match them; the embed has
    /// its own), without the last `;` of a block nor leading zeros.
    /// `None` when nothing is left.
    fn for_document(rule: &Rule) -> Option<String> {
        if let Some(inner) = rule.inner() {
            let inner: String = rules(inner).iter().filter_map(for_document).collect();
            return (!inner.is_empty()).then(|| format!("{}{{{inner}}}", rule.prelude()));
        }
        if rule.is_at_rule() {
            return Some(rule.text.trim_start().to_owned());
        }
        let selectors: Vec<&str> = rule
            .selectors()
            .filter(|s| !s.starts_with(":host"))
            .collect();
        let body = rule.body();
        (!selectors.is_empty()).then(|| {
            format!(
                "{}{{{}}}",
                selectors.join(","),
                super::tight(body.strip_suffix(';').unwrap_or(body))
            )
        })
    }

    /// Who `rule` (in its document form) is for; an `@keyframes` is for
    /// whoever the rules naming its animation are for.
    fn owners<'a>(
        rule: &Rule,
        all: &[Rule],
        components: &BTreeMap<&'a str, BTreeSet<&'a str>>,
    ) -> Owners<'a> {
        if let Some(inner) = rule.inner() {
            let mut owners = Owners::Components(BTreeSet::new());
            for inner in rules(inner) {
                owners.add(self::owners(&inner, all, components));
            }
            return owners;
        }
        if let Some(name) = rule.prelude().strip_prefix("@keyframes ") {
            let mut owners = Owners::Components(BTreeSet::new());
            let users = all
                .iter()
                .filter(|r| !r.is_at_rule() && r.body().contains(name.trim()));
            let mut any = false;
            for user in users {
                any = true;
                owners.add(self::owners(user, all, components));
            }
            return if any { owners } else { Owners::Base };
        }
        if rule.is_at_rule() {
            return Owners::Base;
        }
        let mut owners = Owners::Components(BTreeSet::new());
        for selector in rule.selectors() {
            let needs = classes(selector);
            if needs.is_empty() {
                return Owners::Base;
            }
            let matching = components
                .iter()
                .filter(|(_, has)| needs.is_subset(has))
                .map(|(&name, _)| name);
            owners.add(Owners::Components(matching.collect()));
        }
        owners
    }

    /// The character that stands for a chunk's first piece (`'0'`: the
    /// pieces are `'0'`, `'1'`, … in the sheet's order); `js/plain.js`
    /// reads it back.
    const FIRST_INDEX: u8 = b'0';

    /// `chunks.rs`: `BASE` (the pieces of `css`, the minified components'
    /// sheet without its layer, that every `<BillingStyles/>` adopts) and
    /// one chunk per component module of `sources` (`(file stem, source)`)
    /// with the pieces its markup can match, in the sheet's order.
    pub fn chunks(css: &str, sources: &[(String, String)]) -> String {
        let sources: BTreeMap<&str, &str> = sources
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str()))
            .collect();
        let components: BTreeMap<&str, BTreeSet<&str>> = sources
            .iter()
            .filter(|(&name, source)| {
                name != "styles"
                    && source
                        .lines()
                        .any(|line| line.trim_start().starts_with("#[component]"))
            })
            .map(|(&name, _)| {
                let mut classes = BTreeSet::new();
                markup_classes(name, &sources, &mut BTreeSet::new(), &mut classes);
                (name, classes)
            })
            .collect();
        let all = rules(css);
        // Consecutive rules with the same owners make one piece.
        let mut pieces: Vec<(Owners, String)> = Vec::new();
        for rule in &all {
            let Some(text) = for_document(rule) else {
                continue;
            };
            let owners = owners(rule, &all, &components);
            if owners == Owners::Components(BTreeSet::new()) {
                continue;
            }
            match pieces.last_mut() {
                Some((last, css)) if *last == owners => css.push_str(&text),
                _ => pieces.push((owners, text)),
            }
        }
        assert!(
            pieces.len() <= usize::from(u8::MAX - FIRST_INDEX),
            "more pieces than index characters"
        );
        let mut out = String::from(
            "// Generated by build.rs from style/widget.css, style/panel.css and\n\
             // src/components/*.rs: each chunk is its pieces, one a line, each\n\
             // line its index (a character from FIRST_INDEX) and its rules.\n",
        );
        let chunk = |wanted: &dyn Fn(&Owners) -> bool| -> String {
            let lines: Vec<String> = pieces
                .iter()
                .enumerate()
                .filter(|(_, (owners, _))| wanted(owners))
                .map(|(at, (_, css))| {
                    assert!(!css.contains('\n'), "a minified rule holds a line break");
                    let index = char::from(FIRST_INDEX + u8::try_from(at).unwrap_or(u8::MAX));
                    format!("{index}{css}")
                })
                .collect();
            lines.join("\n")
        };
        let _ = writeln!(
            out,
            "\n/// The rules of every app's sheet: the tokens and themes, the \
             reading direction, less motion.\npub(crate) static BASE: &str = {:?};",
            chunk(&|owners| *owners == Owners::Base)
        );
        for name in components.keys() {
            let mine = chunk(&|owners| match owners {
                Owners::Base => false,
                Owners::Components(names) => names.contains(name),
            });
            if mine.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "\n/// The rules the markup of `{name}.rs` (and what it draws with) can \
                 match.\npub(crate) static {}: &str = {mine:?};",
                name.to_uppercase()
            );
        }
        out
    }
}
