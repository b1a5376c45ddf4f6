//! The Leptos library's cost: a billing panel app, a checkout-button app and
//! the provider alone, built like a merchant's, beside Leptos's hello-world
//! counter built the same way, and the panel against the React +
//! `@flowglad/react` page.

use super::results::Results;
use super::row::{from_value, missing, na, target_ratio, Cell, Row, Unit};

/// The size rows of `bench/leptos-apps` (brotli q11 of wasm + JS + CSS).
pub(super) fn rows(r: &Results) -> Vec<Row> {
    let built = "trunk build --release (opt-level \"z\", LTO, codegen-units 1, panic abort, wasm-opt -Oz) of \
                 bench/leptos-apps, a crate of its own depending on checkout-widget by path; brotli q11 of each \
                 wasm, JS and CSS file the page loads, summed (the HTML page left out, as for the baseline)";
    let files = |key: &str| r.note(&format!("leptos.{key}.files"));
    let react = || from_value(r, "baseline.embed.brotli", "React baseline payload");
    let mut rows = Vec::new();
    let mut panel = Row {
        id: "leptos.panel".into(),
        metric: "Leptos billing panel app (BillingProvider + PricingTable + CheckoutButton + CurrentSubscription), brotli"
            .into(),
        unit: Unit::Bytes,
        ours: from_value(r, "leptos.panel.brotli", "Leptos panel app"),
        baseline: react(),
        how: format!(
            "{built}: {}; baseline: the React 19 + @flowglad/react page's files (the embed payload row)",
            files("panel")
        ),
        targets: vec![],
    };
    panel.targets = vec![target_ratio("≤ 0.75× baseline", panel.ratio(), 0.75)];
    rows.push(panel);
    let mut lean = Row {
        id: "leptos.panel_lean".into(),
        metric: "the same Leptos billing panel app with checkout-widget's catalogs-on-demand (English compiled in), brotli"
            .into(),
        unit: Unit::Bytes,
        ours: from_value(r, "leptos.panel_lean.brotli", "Leptos panel app, catalogs on demand"),
        baseline: react(),
        how: format!(
            "{built}, with the bench crate's `lean` feature (checkout-widget/catalogs-on-demand): {}; \
             the locales/*.json a non-English page fetches are not counted; baseline: as for the panel",
            files("panel_lean")
        ),
        targets: vec![],
    };
    lean.targets = vec![target_ratio("≤ 0.75× baseline", lean.ratio(), 0.75)];
    rows.push(lean);
    rows.push(Row {
        id: "leptos.button".into(),
        metric: "Leptos app with BillingProvider + CheckoutButton, brotli".into(),
        unit: Unit::Bytes,
        ours: from_value(r, "leptos.button.brotli", "Leptos checkout-button app"),
        baseline: react(),
        how: format!(
            "{built}: {}; baseline: the React page, which is the same app (provider + one checkout button)",
            files("button")
        ),
        targets: vec![],
    });
    rows.push(Row {
        id: "leptos.provider".into(),
        metric: "Leptos app with BillingProvider + one use_billing() reader (the provider side alone), brotli"
            .into(),
        unit: Unit::Bytes,
        ours: from_value(r, "leptos.provider.brotli", "Leptos provider app"),
        baseline: na("the React page has no provider-only app"),
        how: format!(
            "{built}: {}; the client, loads, wire readers, state and stylesheet every panel pays for",
            files("provider")
        ),
        targets: vec![],
    });
    rows.push(Row {
        id: "leptos.counter".into(),
        metric: "Leptos hello-world counter (no library), brotli".into(),
        unit: Unit::Bytes,
        ours: from_value(r, "leptos.counter.brotli", "Leptos counter"),
        baseline: na("no React counter is built"),
        how: format!("{built}: {}", files("counter")),
        targets: vec![],
    });
    for (key, label) in [
        ("panel", "billing panel"),
        ("panel_lean", "billing panel, catalogs on demand"),
        ("button", "checkout button"),
        ("provider", "provider alone"),
    ] {
        rows.push(Row {
            id: format!("leptos.{key}_adds"),
            metric: format!("what the library adds to a Leptos app: {label} − counter, brotli"),
            unit: Unit::Bytes,
            ours: difference(r, key),
            baseline: na("React's share of the baseline is not split out"),
            how: "the app's brotli bytes minus the counter's, both built the same way: the library, its \
                  protocol and serde_json, and the parts of Leptos a counter does not use"
                .into(),
            targets: vec![],
        });
    }
    rows
}

/// `leptos.<key>` minus the counter, in brotli bytes.
fn difference(r: &Results, key: &str) -> Cell {
    match (
        r.value(&format!("leptos.{key}.brotli")),
        r.value("leptos.counter.brotli"),
    ) {
        (Some(app), Some(counter)) => Cell::value(app - counter),
        _ => Cell::Missing(missing(r, "Leptos app sizes")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_share_is_app_minus_counter() {
        let r = Results::parse(
            "value\tleptos.panel.brotli\t180000\nvalue\tleptos.button.brotli\t150000\n\
             value\tleptos.panel_lean.brotli\t90000\n\
             value\tleptos.provider.brotli\t75000\n\
             value\tleptos.counter.brotli\t30000\nvalue\tbaseline.embed.brotli\t120000\n\
             note\tleptos.panel.files\tpanel_bg.wasm 170.0 KB br, panel.js 10.0 KB br\n",
        )
        .unwrap();
        let rows = rows(&r);
        let row = |id: &str| rows.iter().find(|x| x.id == id).unwrap();
        assert_eq!(row("leptos.panel_adds").ours.number(), Some(150_000.0));
        assert_eq!(row("leptos.button_adds").ours.number(), Some(120_000.0));
        assert_eq!(row("leptos.provider_adds").ours.number(), Some(45_000.0));
        assert_eq!(row("leptos.provider").ratio(), None);
        let panel = row("leptos.panel");
        assert_eq!(panel.ratio(), Some(1.5));
        assert_eq!(panel.targets[0].pass, Some(false));
        assert!(
            panel.how.contains("panel_bg.wasm 170.0 KB br"),
            "{}",
            panel.how
        );
        assert_eq!(row("leptos.counter").ratio(), None);
        let lean = row("leptos.panel_lean");
        assert_eq!(lean.ratio(), Some(0.75));
        assert_eq!(lean.targets[0].pass, Some(true));
        assert_eq!(row("leptos.panel_lean_adds").ours.number(), Some(60_000.0));
    }

    #[test]
    fn a_failed_build_says_why() {
        let r = Results::parse("note\terror.leptos apps\ttrunk failed\n").unwrap();
        let rows = rows(&r);
        let adds = rows.iter().find(|x| x.id == "leptos.panel_adds").unwrap();
        assert!(
            matches!(&adds.ours, Cell::Missing(why) if why.contains("trunk failed")),
            "{:?}",
            adds.ours
        );
        assert_eq!(rows[0].targets[0].pass, None);
    }
}
