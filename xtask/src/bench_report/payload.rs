//! The payload rows: what the embed and the hosted page download (decoded,
//! gzip, brotli, as served), and the API JSON they fetch at load.

use super::results::Results;
use super::row::{from_value, missing, na, target_at_most, target_ratio, Cell, Row, Unit, KB};

/// The payload rows of the embed and the hosted page, ours and the baseline's.
pub(super) fn rows(r: &Results) -> Vec<Row> {
    let mut rows = Vec::new();
    let served_how = |side: &str| {
        format!(
            "each file GET from the server with Accept-Encoding: br (it compresses on the fly), body bytes; {}",
            r.note(&format!("{side}.received"))
        )
    };
    for (side, label, baseline_na) in [
        ("embed", "embed", None),
        (
            "hosted",
            "hosted page",
            Some("Flowglad's own hosted page is on its servers (unreachable here); the baseline redirects to ours"),
        ),
    ] {
        let ours_key = format!("ours.{side}");
        let base_key = format!("baseline.{side}");
        let base = |suffix: &str, what: &str| match baseline_na {
            Some(why) => na(why),
            None => from_value(r, &format!("{base_key}.{suffix}"), what),
        };
        let files_how = if side == "embed" {
            format!(
                "decoded bodies of everything Chromium fetched until the button was ready on /examples/plain.html, \
                 without the page and its own <link>s: {}. Baseline: {} (React 19 + @flowglad/react 0.18, esbuild \
                 --minify, NODE_ENV=production), same page shape",
                r.note(&format!("{ours_key}.files")),
                r.note(&format!("{base_key}.files"))
            )
        } else {
            format!(
                "decoded bodies of everything Chromium fetched until Pay was enabled on /checkout/{{id}} (cold): {}",
                r.note(&format!("{ours_key}.files"))
            )
        };
        rows.push(Row {
            id: format!("{side}.raw"),
            metric: format!("{label} payload, decoded"),
            unit: Unit::Bytes,
            ours: from_value(r, &format!("{ours_key}.raw"), "payload"),
            baseline: base("raw", "payload"),
            how: files_how,
            targets: vec![],
        });
        rows.push(Row {
            id: format!("{side}.gzip"),
            metric: format!("{label} payload, gzip -9"),
            unit: Unit::Bytes,
            ours: from_value(r, &format!("{ours_key}.gzip"), "payload"),
            baseline: base("gzip", "payload"),
            how: "node zlib gzip level 9 of each file, summed".into(),
            targets: vec![],
        });
        let mut brotli = Row {
            id: format!("{side}.brotli"),
            metric: format!("{label} payload, brotli q11"),
            unit: Unit::Bytes,
            ours: from_value(r, &format!("{ours_key}.brotli"), "payload"),
            baseline: base("brotli", "payload"),
            how: "node zlib brotli quality 11, window 24, the smallest of three block sizes (xtask BROTLI_BEST), of each file, summed (KB = 1000 bytes)".into(),
            targets: vec![],
        };
        if side == "embed" {
            let ratio = brotli.ratio();
            brotli.targets = vec![
                target_at_most("≤ 60 KB", &brotli.ours, 60.0 * KB),
                target_at_most("goal ≤ 45 KB", &brotli.ours, 45.0 * KB),
                target_ratio("≤ 0.4× baseline", ratio, 0.4),
            ];
        }
        rows.push(brotli);
        rows.push(Row {
            id: format!("{side}.served"),
            metric: format!("{label} payload, as served (br)"),
            unit: Unit::Bytes,
            ours: from_value(r, &format!("{ours_key}.served_br"), "served size"),
            baseline: match baseline_na {
                Some(why) => na(why),
                None => na("the baseline's files are served by Playwright routes, not by a server"),
            },
            how: served_how(&ours_key),
            targets: vec![],
        });
        let api_cell = |key: &str| match (r.value(&format!("{key}.api_bytes")), r.value(&format!("{key}.api_count"))) {
            (Some(bytes), Some(count)) => Cell::Value {
                value: bytes,
                spread: None,
                detail: Some(format!("{count:.0} req")),
            },
            _ => Cell::Missing(missing(r, "API JSON")),
        };
        let base_api_how = if baseline_na.is_none() {
            format!("; baseline: {}", r.note(&format!("{base_key}.api")))
        } else {
            String::new()
        };
        rows.push(Row {
            id: format!("{side}.api"),
            metric: format!("{label}: API JSON at load"),
            unit: Unit::Bytes,
            ours: api_cell(&ours_key),
            baseline: match baseline_na {
                Some(why) => na(why),
                None => api_cell(&base_key),
            },
            how: format!(
                "decoded JSON bodies, not counted in the payload above: {}{base_api_how}",
                r.note(&format!("{ours_key}.api"))
            ),
            targets: vec![],
        });
    }
    rows
}
