//! The timing rows: time to a ready button, where that time went, and a
//! click through to the hosted page, cold and with the cache kept.

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
    rows
}
