//! The timing rows: time to a ready button, where that time went, a click
//! through to the hosted page, cold and with the cache kept, and the figures
//! a customer feels: click (or navigation) → the card field usable, for the
//! overlay, the redirect and the hosted page.

use super::results::Results;
use super::row::{from_series, na, target_ratio, Row, Unit};

/// The timing rows, medians with their p10–p90 range.
pub(super) fn rows(r: &Results) -> Vec<Row> {
    let mut rows = Vec::new();
    // The number of runs a series really has (failed runs are left out).
    let n = |key: &str| r.series(key).map_or(0, |x| x.n);

    let event = r
        .series("ours.ready_event_ms")
        .map(|e| {
            format!(
                "; checkout-ready itself fired at a median {}",
                Unit::Ms.show(e.p50)
            )
        })
        .unwrap_or_default();
    let mut ready = Row {
        id: "time.ready".into(),
        metric: "time to ready button".into(),
        unit: Unit::Ms,
        ours: from_series(r, "ours.ready_ms", "time to ready"),
        baseline: from_series(r, "baseline.ready_ms", "time to ready"),
        how: format!(
            "median (p10–p90) of {} / {} runs (ours / baseline), each a new browser context (cold cache), headless Chromium on loopback: \
             navigationStart → button enabled with its price shown (ours: after checkout-ready, [part~=button] \
             aria-disabled=false and [part~=amount] with digits; baseline: #buy enabled, #price shown), seen by a \
             MutationObserver that also watches shadow roots{event}. Baseline files come through Playwright routes \
             (uncompressed, over CDP)",
            n("ours.ready_ms"),
            n("baseline.ready_ms")
        ),
        targets: vec![],
    };
    ready.targets = vec![target_ratio("≤ 0.6× baseline", ready.ratio(), 0.6)];
    rows.push(ready);
    // Where the time to ready went (Resource Timing, medians).
    let phase =
        |side: &str, name: &str| r.series(&format!("{side}.phase.{name}_ms")).map(|p| p.p50);
    let phases = |side: &str, ready_key: &str| {
        let mut parts = Vec::new();
        for (name, label) in [
            ("document", "document"),
            ("scripts", "last script"),
            ("wasm", "wasm"),
            ("api_start", "API sent"),
            ("api_end", "API answered"),
        ] {
            if let Some(t) = phase(side, name) {
                parts.push(format!("{label} {t:.0}"));
            }
        }
        if let Some(ready) = r.series(ready_key) {
            parts.push(format!("ready {:.0}", ready.p50));
        }
        if parts.is_empty() {
            "n/a".to_owned()
        } else {
            parts.join(", ")
        }
    };
    rows.push(Row {
        id: "time.ready_api".into(),
        metric: "time to ready: its API call answered".into(),
        unit: Unit::Ms,
        ours: from_series(r, "ours.phase.api_end_ms", "phases"),
        baseline: from_series(r, "baseline.phase.api_end_ms", "phases"),
        how: format!(
            "Resource Timing of the same runs, median ms since navigationStart (responseEnd; API: the first /api/ fetch) — \
             ours: {}; baseline: {}",
            phases("ours", "ours.ready_ms"),
            phases("baseline", "baseline.ready_ms")
        ),
        targets: vec![],
    });
    let click_how = "click event on the merchant page (capture listener, timeOrigin + now) → first-contentful-paint of \
                     /checkout/{id} (PerformanceObserver 'paint', timeOrigin + startTime)";
    rows.push(Row {
        id: "time.click_fcp_cold".into(),
        metric: "click → hosted page first paint (cold)".into(),
        unit: Unit::Ms,
        ours: from_series(r, "ours.click_fcp_cold_ms", "click to first paint"),
        baseline: from_series(r, "baseline.click_fcp_cold_ms", "click to first paint"),
        how: format!(
            "{click_how}; CDP Network.clearBrowserCache before the click; both land on our hosted page (redirect mode); \
             median (p10–p90) of {} / {} runs",
            n("ours.click_fcp_cold_ms"),
            n("baseline.click_fcp_cold_ms")
        ),
        targets: vec![],
    });
    rows.push(Row {
        id: "time.click_fcp_warm".into(),
        metric: "click → hosted page first paint (cache kept)".into(),
        unit: Unit::Ms,
        ours: from_series(r, "ours.click_fcp_warm_ms", "click to first paint"),
        baseline: na("the baseline page never loads our bundle"),
        how: format!(
            "as above without clearing the cache: whatever the merchant page loaded from the same origin stays cached \
             (the hosted page shares only the files it has in common with the embed); {} runs",
            n("ours.click_fcp_warm_ms")
        ),
        targets: vec![],
    });
    for (kind, cached) in [
        ("cold", "cache cleared before the click"),
        ("warm", "cache kept from the merchant page"),
    ] {
        rows.push(Row {
            id: format!("time.hosted_ready_{kind}"),
            metric: format!(
                "hosted page: time to interactive ({})",
                if kind == "cold" { "cold" } else { "cache kept" }
            ),
            unit: Unit::Ms,
            ours: from_series(r, &format!("ours.hosted_ready_{kind}_ms"), "hosted time to interactive"),
            baseline: na("same hosted page as ours"),
            how: format!(
                "the hosted page's navigationStart → a Pay submit button present with aria-disabled≠true ({cached}); first paint at a median {}",
                r.series(&format!("ours.hosted_fcp_{kind}_ms")).map_or("n/a".into(), |s| Unit::Ms.show(s.p50))
            ),
            targets: vec![],
        });
    }
    rows.extend(usable_rows(r));
    rows
}

/// Click (or navigation) → the card number field usable: visible, enabled,
/// and holding the digit Playwright typed into it.
fn usable_rows(r: &Results) -> Vec<Row> {
    let n = |key: &str| r.series(key).map_or(0, |x| x.n);
    let typed = "Playwright presses `4` in input[autocomplete=cc-number] as soon as its actionability checks pass                  (visible, enabled, stable); the time is the field's own input event (timeOrigin + now), and the value                  is read back";
    let click = "from the click event on the merchant page (capture listener)";
    let mut rows = Vec::new();
    for (kind, label, cache) in [
        ("cold", "cold", "a new browser context (empty cache)"),
        (
            "warm",
            "warm",
            "the same context: closed with × and opened again (HTTP cache kept)",
        ),
    ] {
        let key = format!("ours.overlay_usable_{kind}_ms");
        rows.push(Row {
            id: format!("time.overlay_usable_{kind}"),
            metric: format!("overlay: click → card field usable inside the frame ({label})"),
            unit: Unit::Ms,
            ours: from_series(r, &key, "overlay click to usable"),
            baseline: na("@flowglad/react has no overlay: it redirects (next rows)"),
            how: format!(
                "/examples/overlay.html, #lifetime: {click} to the card field in the checkout iframe; {cache}; {typed}; \
                 median (p10–p90) of {} runs",
                n(&key)
            ),
            targets: vec![],
        });
    }
    for (kind, label, cache, baseline) in [
        (
            "cold",
            "cold",
            "CDP Network.clearBrowserCache before the click",
            true,
        ),
        (
            "warm",
            "cache kept",
            "cache kept from the merchant page",
            false,
        ),
    ] {
        let key = format!("redirect_usable_{kind}_ms");
        rows.push(Row {
            id: format!("time.redirect_usable_{kind}"),
            metric: format!("redirect: click → hosted pay form usable ({label})"),
            unit: Unit::Ms,
            ours: from_series(r, &format!("ours.{key}"), "redirect click to usable"),
            baseline: if baseline {
                from_series(r, &format!("baseline.{key}"), "redirect click to usable")
            } else {
                na("the baseline page never loads our bundle")
            },
            how: format!(
                "ours: /examples/plain.html; baseline: the React page's createCheckoutSession({{autoRedirect: true}}) \
                 as Bob (no saved card), landing on the same hosted page; {click} to the card field of \
                 /checkout/{{id}}; {cache}; {typed}; median (p10–p90) of {} / {} runs",
                n(&format!("ours.{key}")),
                n(&format!("baseline.{key}"))
            ),
            targets: vec![],
        });
    }
    for (kind, cache) in [
        ("cold", "a new browser context"),
        ("warm", "a second session's page in the same context"),
    ] {
        let key = format!("ours.hosted_usable_{kind}_ms");
        rows.push(Row {
            id: format!("time.hosted_usable_{kind}"),
            metric: format!("hosted page: navigation → pay form usable ({kind})"),
            unit: Unit::Ms,
            ours: from_series(r, &key, "hosted page to usable"),
            baseline: na("same hosted page as ours"),
            how: format!(
                "/checkout/{{id}} opened directly: navigationStart to the card field; {cache}; {typed}; median \
                 (p10–p90) of {} runs; its payload is the hosted page payload rows",
                n(&key)
            ),
            targets: vec![],
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usable_rows_have_peers_only_where_one_exists() {
        let r = Results::parse(
            "samples\tours.overlay_usable_cold_ms\t200,220,240\nsamples\tours.overlay_usable_warm_ms\t150,160\n\
             samples\tours.redirect_usable_cold_ms\t200\nsamples\tbaseline.redirect_usable_cold_ms\t250\n\
             samples\tours.hosted_usable_cold_ms\t180\n",
        )
        .unwrap();
        let rows = usable_rows(&r);
        let row = |id: &str| rows.iter().find(|x| x.id == id).unwrap();
        assert_eq!(row("time.overlay_usable_cold").ours.number(), Some(220.0));
        assert_eq!(row("time.overlay_usable_cold").ratio(), None);
        assert!(row("time.overlay_usable_cold").how.contains("of 3 runs"));
        assert_eq!(row("time.redirect_usable_cold").ratio(), Some(0.8));
        assert_eq!(row("time.redirect_usable_warm").ratio(), None);
        assert_eq!(row("time.hosted_usable_cold").ours.number(), Some(180.0));
        assert!(matches!(
            row("time.hosted_usable_warm").ours,
            super::super::row::Cell::Missing(_)
        ));
        assert_eq!(rows.len(), 6);
    }
}
