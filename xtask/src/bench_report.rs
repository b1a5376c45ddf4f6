//! The pure half of `cargo xtask bench`: reading the result files the bench
//! scripts write, percentiles, the rows of the table with their targets, the
//! text table and the JSON document. No I/O here, so all of it is unit-tested.
//!
//! The scripts (bench/*.mjs) write one record a line, tab-separated:
//! `value KEY NUMBER`, `samples KEY N1,N2,…` or `note KEY TEXT` — simple
//! enough that std-only xtask never has to parse JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::bundle::fmt_size;

// ---- result files ------------------------------------------------------------

/// Everything the bench scripts measured, by key.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Results {
    /// Single measurements.
    pub values: BTreeMap<String, f64>,
    /// Repeated measurements, in the order taken.
    pub samples: BTreeMap<String, Vec<f64>>,
    /// How something was measured, or why it was not (several per key kept).
    pub notes: BTreeMap<String, Vec<String>>,
}

impl Results {
    /// Parses a result file; a malformed line is an error naming its number.
    pub fn parse(text: &str) -> Result<Results, String> {
        let mut results = Results::default();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let bad = |why: &str| format!("line {}: {why}: {line:?}", i + 1);
            let mut fields = line.splitn(3, '\t');
            let (Some(kind), Some(key), Some(rest)) = (fields.next(), fields.next(), fields.next())
            else {
                return Err(bad("expected KIND<tab>KEY<tab>DATA"));
            };
            if key.is_empty() {
                return Err(bad("empty key"));
            }
            let number = |s: &str| s.trim().parse::<f64>().ok().filter(|n| n.is_finite());
            match kind {
                "value" => {
                    let n = number(rest).ok_or_else(|| bad("not a number"))?;
                    results.values.insert(key.to_owned(), n);
                }
                "samples" => {
                    let list = rest
                        .split(',')
                        .map(number)
                        .collect::<Option<Vec<f64>>>()
                        .ok_or_else(|| bad("not a list of numbers"))?;
                    results
                        .samples
                        .entry(key.to_owned())
                        .or_default()
                        .extend(list);
                }
                "note" => results
                    .notes
                    .entry(key.to_owned())
                    .or_default()
                    .push(rest.to_owned()),
                _ => return Err(bad("unknown record kind")),
            }
        }
        Ok(results)
    }

    /// Adds another file's records (later values win, samples and notes add up).
    pub fn merge(&mut self, other: Results) {
        self.values.extend(other.values);
        for (k, v) in other.samples {
            self.samples.entry(k).or_default().extend(v);
        }
        for (k, v) in other.notes {
            self.notes.entry(k).or_default().extend(v);
        }
    }

    /// A single value.
    pub fn value(&self, key: &str) -> Option<f64> {
        self.values.get(key).copied()
    }

    /// The summary of a sample series.
    pub fn series(&self, key: &str) -> Option<Summary> {
        self.samples.get(key).and_then(|xs| summarize(xs))
    }

    /// The notes of a key, joined; empty when there are none.
    pub fn note(&self, key: &str) -> String {
        self.notes
            .get(key)
            .map(|n| n.join("; "))
            .unwrap_or_default()
    }
}

// ---- statistics ----------------------------------------------------------------

/// The `p`th percentile (0–100) of sorted data, interpolating linearly
/// between the two nearest ranks (numpy's default); `None` for no data.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = (p.clamp(0.0, 100.0) / 100.0) * last as f64;
    let lo = rank.floor() as usize;
    let hi = rank.ceil() as usize;
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64))
}

/// Order statistics of a series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Number of samples.
    pub n: usize,
    /// Smallest.
    pub min: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest.
    pub max: f64,
    /// Arithmetic mean.
    pub mean: f64,
}

/// Summarizes a series (any order); `None` when it is empty.
pub fn summarize(xs: &[f64]) -> Option<Summary> {
    let mut sorted: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let p = |q| percentile(&sorted, q);
    Some(Summary {
        n: sorted.len(),
        min: *sorted.first()?,
        p10: p(10.0)?,
        p50: p(50.0)?,
        p90: p(90.0)?,
        p99: p(99.0)?,
        max: *sorted.last()?,
        mean: sorted.iter().sum::<f64>() / sorted.len() as f64,
    })
}

// ---- rows ------------------------------------------------------------------------

/// What a figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Bytes, shown in decimal KB/MB.
    Bytes,
    /// Milliseconds.
    Ms,
    /// Operations per second.
    PerSecond,
}

impl Unit {
    /// The unit's name in the JSON document.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Bytes => "bytes",
            Unit::Ms => "ms",
            Unit::PerSecond => "per_second",
        }
    }

    /// A value in this unit, for a person.
    pub fn show(self, v: f64) -> String {
        match self {
            Unit::Bytes => fmt_size(v.max(0.0).round() as u64),
            Unit::Ms if v.abs() < 10.0 => format!("{v:.1} ms"),
            Unit::Ms => format!("{v:.0} ms"),
            Unit::PerSecond => format!("{}/s", thousands(v.round() as u64)),
        }
    }
}

/// `12,345`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One side's figure in a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A measured value; `spread` is the series it is the median of, if any;
    /// `detail` is shown after the value (e.g. latency percentiles).
    Value {
        /// The figure (a median for a series).
        value: f64,
        /// Its series.
        spread: Option<Summary>,
        /// Extra text after the value.
        detail: Option<String>,
    },
    /// Nothing to measure on this side (shown as `—`; the reason goes to the JSON).
    NotApplicable(String),
    /// The measurement failed or is missing (shown as `not measured`).
    Missing(String),
}

impl Cell {
    /// A plain value.
    pub fn value(v: f64) -> Cell {
        Cell::Value {
            value: v,
            spread: None,
            detail: None,
        }
    }

    /// The median of a series, shown with its p10–p90 range.
    pub fn median(s: Summary) -> Cell {
        Cell::Value {
            value: s.p50,
            spread: Some(s),
            detail: None,
        }
    }

    /// The number, if measured.
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Value { value, .. } => Some(*value),
            _ => None,
        }
    }

    /// The cell's text in `unit`.
    pub fn show(&self, unit: Unit) -> String {
        match self {
            Cell::Value {
                value,
                spread,
                detail,
            } => {
                let mut s = unit.show(*value);
                if let Some(sp) = spread {
                    let (lo, hi) = (unit.show(sp.p10), unit.show(sp.p90));
                    // A spread that reads the same as the value says nothing.
                    if sp.n > 1 && !(lo == s && hi == s) {
                        let strip = |t: &str| t.trim_end_matches(" ms").to_owned();
                        let _ = write!(s, " ({}–{})", strip(&lo), strip(&hi));
                    }
                }
                if let Some(d) = detail {
                    let _ = write!(s, " ({d})");
                }
                s
            }
            Cell::NotApplicable(_) => "—".into(),
            Cell::Missing(_) => "not measured".into(),
        }
    }
}

/// A target from the issue, judged on a row (shown, never failing the command).
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The condition, e.g. `≤ 60 KB`.
    pub label: String,
    /// Met or not; `None` when the figures it needs are missing.
    pub pass: Option<bool>,
}

impl Target {
    /// `PASS ≤ 60 KB`, `FAIL …`, `n/a …`.
    pub fn show(&self) -> String {
        let verdict = match self.pass {
            Some(true) => "PASS",
            Some(false) => "FAIL",
            None => "n/a",
        };
        format!("{verdict} {}", self.label)
    }
}

/// One line of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Stable key in the JSON document.
    pub id: String,
    /// What is measured.
    pub metric: String,
    /// The unit of both sides.
    pub unit: Unit,
    /// Our figure.
    pub ours: Cell,
    /// The React + @flowglad/react baseline's figure.
    pub baseline: Cell,
    /// How it was measured.
    pub how: String,
    /// Targets judged on this row.
    pub targets: Vec<Target>,
}

impl Row {
    /// ours / baseline, when both were measured and the baseline is not zero.
    pub fn ratio(&self) -> Option<f64> {
        let (o, b) = (self.ours.number()?, self.baseline.number()?);
        (b != 0.0).then(|| o / b)
    }
}

/// The ratio column: `0.42×` or `—`.
pub fn show_ratio(r: Option<f64>) -> String {
    match r {
        Some(r) if r < 0.1 => format!("{r:.3}×"),
        Some(r) => format!("{r:.2}×"),
        None => "—".into(),
    }
}

/// Bytes in the issue's budgets: decimal kilobytes.
pub const KB: f64 = 1000.0;

/// The bench settings a row's text mentions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Timed runs per variant.
    pub runs: usize,
    /// Seconds per load level.
    pub load_seconds: f64,
}

fn from_value(r: &Results, key: &str, what: &str) -> Cell {
    match r.value(key) {
        Some(v) => Cell::value(v),
        None => Cell::Missing(missing(r, what)),
    }
}

fn from_series(r: &Results, key: &str, what: &str) -> Cell {
    match r.series(key) {
        Some(s) => Cell::median(s),
        None => Cell::Missing(missing(r, what)),
    }
}

/// Why `what` is missing: the script's error notes, if it left any.
fn missing(r: &Results, what: &str) -> String {
    let errors: Vec<String> = r
        .notes
        .iter()
        .filter(|(k, _)| k.starts_with("error.") || k.ends_with("timing_error"))
        .flat_map(|(k, v)| v.iter().map(move |m| format!("{k}: {m}")))
        .collect();
    if errors.is_empty() {
        format!("{what}: no result recorded")
    } else {
        format!("{what}: {}", errors.join("; "))
    }
}

fn target_at_most(label: &str, cell: &Cell, limit: f64) -> Target {
    Target {
        label: label.to_owned(),
        pass: cell.number().map(|v| v <= limit),
    }
}

fn target_ratio(label: &str, ratio: Option<f64>, limit: f64) -> Target {
    Target {
        label: label.to_owned(),
        pass: ratio.map(|r| r <= limit),
    }
}

/// Every row of the table, from the measurements.
pub fn build_rows(r: &Results, s: Settings) -> Vec<Row> {
    let mut rows = Vec::new();
    let na = |why: &str| Cell::NotApplicable(why.to_owned());
    // The number of runs a series really has (failed runs are left out).
    let n = |key: &str| r.series(key).map_or(0, |x| x.n);

    // -- payload ---------------------------------------------------------------
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
            how: "node zlib brotli quality 11, window 24, of each file, summed (KB = 1000 bytes)".into(),
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

    // -- time ------------------------------------------------------------------
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

    // -- memory ----------------------------------------------------------------
    let heap = |side: &str| from_series(r, &format!("{side}.js_heap"), "JS heap");
    let wasm_ours = from_series(r, "ours.wasm_memory", "wasm memory");
    let mem_how = "ready page, CDP HeapProfiler.collectGarbage, then Performance.getMetrics JSHeapUsedSize; median of 3 loads";
    rows.push(Row {
        id: "memory.js_heap".into(),
        metric: "memory after load: JS heap used".into(),
        unit: Unit::Bytes,
        ours: heap("ours"),
        baseline: heap("baseline"),
        how: mem_how.into(),
        targets: vec![],
    });
    rows.push(Row {
        id: "memory.wasm".into(),
        metric: "memory after load: wasm linear memory".into(),
        unit: Unit::Bytes,
        ours: wasm_ours.clone(),
        baseline: na("no WebAssembly"),
        how: format!(
            "buffer.byteLength of every WebAssembly.Memory in the page, found with CDP Runtime.queryObjects on \
             WebAssembly.Memory.prototype ({} found; the glue does not expose it)",
            r.value("ours.wasm_memories").map_or("none".into(), |n| format!("{n:.0}"))
        ),
        targets: vec![],
    });
    let total_ours = match (heap("ours").number(), wasm_ours.number()) {
        (Some(h), Some(w)) => Cell::value(h + w),
        _ => Cell::Missing(missing(r, "memory")),
    };
    rows.push(Row {
        id: "memory.total".into(),
        metric: "memory after load: JS heap + wasm".into(),
        unit: Unit::Bytes,
        ours: total_ours,
        baseline: heap("baseline"),
        how: "the two rows above added; the baseline has only its JS heap".into(),
        targets: vec![],
    });

    // -- large renders -----------------------------------------------------------
    let cards = r.value("ours.pricing_table_cards").unwrap_or(100.0);
    rows.push(Row {
        id: "render.pricing_table".into(),
        metric: format!("render: pricing table, {cards:.0} products"),
        unit: Unit::Ms,
        ours: from_series(r, "ours.pricing_table_ms", "pricing table"),
        baseline: na("the baseline page has one button"),
        how: format!(
            "server started with a generated catalog ({cards:.0} products × 2 USD prices, target/bench/catalog.json); a page \
             routed on its origin loads /checkout-widget.js with one <checkout-pricing-table>; navigationStart → the \
             {cards:.0}th [part~=amount] showing a price (MutationObserver in the shadow root); median (p10–p90) of 5 cold loads"
        ),
        targets: vec![],
    });
    let lines = r.value("ours.line_items").unwrap_or(200.0);
    let refused = r.note("ours.line_items.refused");
    rows.push(Row {
        id: "render.line_items".into(),
        metric: format!("render: hosted page, {lines:.0} line items"),
        unit: Unit::Ms,
        ours: from_series(r, "ours.line_items_ms", "line items"),
        baseline: na("the baseline redirects to our hosted page"),
        how: format!(
            "a session with {lines:.0} distinct USD prices (POST /api/billing/checkout-sessions/create lineItems); \
             navigationStart → {lines:.0} .co-line items and an enabled Pay button; median (p10–p90) of 5 cold loads{}",
            if refused.is_empty() { String::new() } else { format!("; {refused}") }
        ),
        targets: vec![],
    });

    // -- server ------------------------------------------------------------------
    let load_how = |what: &str, key: &str, full: bool| {
        let cpu = r
            .value(&format!("{key}.client_cpu"))
            .map(|c| {
                format!(
                    "; the load generator itself used {:.0}% of a core",
                    c * 100.0
                )
            })
            .unwrap_or_default();
        let errors = match r.value(&format!("{key}.errors")) {
            Some(e) if e > 0.0 => format!("; {e:.0} errors: {}", r.note(&format!("{key}.errors"))),
            _ => String::new(),
        };
        let count = r
            .value(&format!("{key}.count"))
            .map_or(String::new(), |c| format!(", {} done", thousands(c as u64)));
        if full {
            format!(
                "{what}; closed-loop clients over keep-alive HTTP/1.1 on loopback (bench/load.mjs), {:.0} s{count}; \
                 release server (profile `server`), fresh SQLite file (WAL, synchronous=FULL), on the same 2 cores{cpu}{errors}",
                s.load_seconds
            )
        } else {
            format!("{what}{count}{cpu}{errors}")
        }
    };
    let load_cell = |key: &str| -> Cell {
        match (
            r.value(&format!("{key}.per_s")),
            r.series(&format!("{key}.latency_ms")),
        ) {
            (Some(rate), Some(lat)) => Cell::Value {
                value: rate,
                spread: None,
                detail: Some(format!(
                    "p50 {}, p99 {}",
                    Unit::Ms.show(lat.p50),
                    Unit::Ms.show(lat.p99)
                )),
            },
            (Some(rate), None) => Cell::Value {
                value: rate,
                spread: None,
                detail: Some("no successful request".into()),
            },
            _ => Cell::Missing(missing(r, "load")),
        }
    };
    let server_na = || na("the baseline has no server of its own");
    for clients in [1, 16, 64] {
        let key = format!("server.create.c{clients}");
        let mut row = Row {
            id: format!("server.create.c{clients}"),
            metric: format!(
                "server: session creates, {clients} client{}",
                if clients == 1 { "" } else { "s" }
            ),
            unit: Unit::PerSecond,
            ours: load_cell(&key),
            baseline: server_na(),
            how: if clients == 1 {
                load_how(
                    "POST /api/billing/checkout-sessions/create {priceSlug: onboarding}",
                    &key,
                    true,
                )
            } else {
                load_how(&format!("as above with {clients} clients"), &key, false)
            },
            targets: vec![],
        };
        if clients == 16 {
            let p99 = r.series(&format!("{key}.latency_ms")).map(|l| l.p99);
            let pass = match (row.ours.number(), p99) {
                (Some(rate), Some(p99)) => Some(rate >= 2000.0 && p99 <= 20.0),
                _ => None,
            };
            row.targets = vec![Target {
                label: "≥ 2,000/s and p99 ≤ 20 ms".into(),
                pass,
            }];
        }
        rows.push(row);
    }
    let key = "server.flow.c16";
    rows.push(Row {
        id: key.into(),
        metric: "server: create + confirm flows, 16 clients".into(),
        unit: Unit::PerSecond,
        ours: load_cell(key),
        baseline: server_na(),
        how: load_how(
            "create, then POST /api/checkout-sessions/{id}/confirm with card 4242 4242 4242 4242 (status succeeded \
             checked), 16 clients, same server and settings",
            key,
            false,
        ),
        targets: vec![],
    });
    rows
}

// ---- the text table ------------------------------------------------------------------

/// Splits `text` into lines of at most `width` characters at spaces (a longer
/// word gets a line of its own).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The table: metric, ours, baseline, ratio, how measured, target; the
/// "how" and "metric" columns wrap, every other cell is one line per item.
pub fn render_table(rows: &[Row], how_width: usize) -> String {
    const HEAD: [&str; 6] = [
        "metric",
        "ours",
        "baseline",
        "ratio",
        "how measured",
        "target",
    ];
    let cells: Vec<[Vec<String>; 6]> = rows
        .iter()
        .map(|row| {
            [
                wrap(&row.metric, 32),
                vec![row.ours.show(row.unit)],
                vec![row.baseline.show(row.unit)],
                vec![show_ratio(row.ratio())],
                wrap(&row.how, how_width),
                row.targets.iter().map(Target::show).collect(),
            ]
        })
        .collect();
    let mut widths = HEAD.map(|h| h.chars().count());
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            for line in cell {
                *w = (*w).max(line.chars().count());
            }
        }
    }
    let pad = |s: &str, w: usize, right: bool| {
        let fill = " ".repeat(w.saturating_sub(s.chars().count()));
        if right {
            format!("{fill}{s}")
        } else {
            format!("{s}{fill}")
        }
    };
    // Numbers are right-aligned; text left.
    let right = [false, true, true, true, false, false];
    let rule: String = widths
        .iter()
        .map(|w| "-".repeat(*w))
        .collect::<Vec<_>>()
        .join("-+-");
    let line = |parts: Vec<String>| parts.join(" | ").trim_end().to_owned();
    let mut out = String::new();
    out.push_str(&line(
        HEAD.iter()
            .enumerate()
            .map(|(i, h)| pad(h, widths[i], false))
            .collect(),
    ));
    out.push('\n');
    out.push_str(&rule);
    out.push('\n');
    for row in &cells {
        let height = row.iter().map(Vec::len).max().unwrap_or(1);
        for i in 0..height {
            let parts = (0..6)
                .map(|c| {
                    pad(
                        row[c].get(i).map_or("", String::as_str),
                        widths[c],
                        right[c] && i == 0,
                    )
                })
                .collect();
            out.push_str(&line(parts));
            out.push('\n');
        }
        out.push_str(&rule);
        out.push('\n');
    }
    out
}

// ---- JSON ------------------------------------------------------------------------------

/// A JSON value, written by hand (std only).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number; NaN and infinities become `null`.
    Num(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object, keys in the given order.
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// An object from `(key, value)` pairs.
    pub fn obj<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Json)>) -> Json {
        Json::Obj(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A string.
    pub fn str(s: impl Into<String>) -> Json {
        Json::Str(s.into())
    }

    /// Pretty-printed with two-space indents and a final newline.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out.push('\n');
        out
    }

    fn write(&self, out: &mut String, depth: usize) {
        let indent = |out: &mut String, d: usize| {
            out.push('\n');
            out.push_str(&"  ".repeat(d));
        };
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) if !n.is_finite() => out.push_str("null"),
            Json::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => {
                let _ = write!(out, "{}", *n as i64);
            }
            Json::Num(n) => {
                let _ = write!(out, "{}", (n * 1000.0).round() / 1000.0);
            }
            Json::Str(s) => write_string(out, s),
            Json::Arr(items) if items.is_empty() => out.push_str("[]"),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    indent(out, depth + 1);
                    item.write(out, depth + 1);
                }
                indent(out, depth);
                out.push(']');
            }
            Json::Obj(pairs) if pairs.is_empty() => out.push_str("{}"),
            Json::Obj(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    indent(out, depth + 1);
                    write_string(out, k);
                    out.push_str(": ");
                    v.write(out, depth + 1);
                }
                indent(out, depth);
                out.push('}');
            }
        }
    }
}

/// A JSON string literal with the escapes RFC 8259 requires.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn summary_json(s: &Summary) -> Json {
    Json::obj([
        ("n", Json::Num(s.n as f64)),
        ("min", Json::Num(s.min)),
        ("p10", Json::Num(s.p10)),
        ("p50", Json::Num(s.p50)),
        ("p90", Json::Num(s.p90)),
        ("p99", Json::Num(s.p99)),
        ("max", Json::Num(s.max)),
        ("mean", Json::Num(s.mean)),
    ])
}

fn cell_json(cell: &Cell, unit: Unit) -> Json {
    match cell {
        Cell::Value {
            value,
            spread,
            detail,
        } => {
            let mut pairs = vec![
                ("value", Json::Num(*value)),
                ("text", Json::str(cell.show(unit))),
            ];
            if let Some(s) = spread {
                pairs.push(("series", summary_json(s)));
            }
            if let Some(d) = detail {
                pairs.push(("detail", Json::str(d.clone())));
            }
            Json::obj(pairs)
        }
        Cell::NotApplicable(why) => Json::obj([
            ("value", Json::Null),
            ("notApplicable", Json::str(why.clone())),
        ]),
        Cell::Missing(why) => {
            Json::obj([("value", Json::Null), ("missing", Json::str(why.clone()))])
        }
    }
}

/// The whole bench as one JSON document: the rows (as printed, with numbers),
/// then every series summarized, every single value and every note.
pub fn to_json(rows: &[Row], results: &Results, meta: Vec<(&str, Json)>) -> Json {
    let rows_json = rows
        .iter()
        .map(|row| {
            Json::obj([
                ("id", Json::str(row.id.clone())),
                ("metric", Json::str(row.metric.clone())),
                ("unit", Json::str(row.unit.name())),
                ("ours", cell_json(&row.ours, row.unit)),
                ("baseline", cell_json(&row.baseline, row.unit)),
                ("ratio", row.ratio().map_or(Json::Null, Json::Num)),
                ("how", Json::str(row.how.clone())),
                (
                    "targets",
                    Json::Arr(
                        row.targets
                            .iter()
                            .map(|t| {
                                Json::obj([
                                    ("label", Json::str(t.label.clone())),
                                    ("pass", t.pass.map_or(Json::Null, Json::Bool)),
                                ])
                            })
                            .collect(),
                    ),
                ),
            ])
        })
        .collect();
    let series = results
        .samples
        .iter()
        .filter_map(|(k, xs)| summarize(xs).map(|s| (k.clone(), summary_json(&s))))
        .collect::<Vec<_>>();
    let values = results
        .values
        .iter()
        .map(|(k, v)| (k.clone(), Json::Num(*v)))
        .collect::<Vec<_>>();
    let notes = results
        .notes
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                Json::Arr(v.iter().cloned().map(Json::Str).collect()),
            )
        })
        .collect::<Vec<_>>();
    let mut pairs: Vec<(String, Json)> = meta.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    pairs.push(("rows".into(), Json::Arr(rows_json)));
    pairs.push(("series".into(), Json::Obj(series)));
    pairs.push(("values".into(), Json::Obj(values)));
    pairs.push(("notes".into(), Json::Obj(notes)));
    Json::Obj(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_between_ranks() {
        let xs = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&xs, 0.0), Some(1.0));
        assert_eq!(percentile(&xs, 100.0), Some(4.0));
        assert_eq!(percentile(&xs, 50.0), Some(2.5));
        assert_eq!(percentile(&xs, 10.0), Some(1.3));
        assert!((percentile(&xs, 90.0).unwrap() - 3.7).abs() < 1e-12);
        assert_eq!(percentile(&[7.0], 99.0), Some(7.0));
        assert_eq!(percentile(&[], 50.0), None);
        // Out-of-range p is clamped.
        assert_eq!(percentile(&xs, 150.0), Some(4.0));
    }

    #[test]
    fn summaries_sort_and_skip_non_finite() {
        let s = summarize(&[5.0, 1.0, f64::NAN, 3.0, 2.0, 4.0]).unwrap();
        assert_eq!((s.n, s.min, s.p50, s.max, s.mean), (5, 1.0, 3.0, 5.0, 3.0));
        assert!((s.p10 - 1.4).abs() < 1e-12 && (s.p90 - 4.6).abs() < 1e-12);
        assert!((s.p99 - 4.96).abs() < 1e-12);
        // 1..=100: the p99 of a hundred samples sits between the top two.
        let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
        assert!((summarize(&hundred).unwrap().p99 - 99.01).abs() < 1e-9);
        assert_eq!(summarize(&[]), None);
        assert_eq!(summarize(&[f64::INFINITY]), None);
    }

    #[test]
    fn result_files_parse_and_merge() {
        let text = "value\tours.embed.raw\t1234\nsamples\tours.ready_ms\t1.5,2.5\n\nsamples\tours.ready_ms\t3\nnote\tours.embed.files\t/a.js 1 KB, /b.wasm\nnote\tours.embed.files\tsecond\n";
        let mut r = Results::parse(text).unwrap();
        assert_eq!(r.value("ours.embed.raw"), Some(1234.0));
        assert_eq!(r.samples["ours.ready_ms"], vec![1.5, 2.5, 3.0]);
        assert_eq!(r.note("ours.embed.files"), "/a.js 1 KB, /b.wasm; second");
        assert_eq!(r.note("nothing"), "");
        r.merge(Results::parse("value\tours.embed.raw\t99\nsamples\tours.ready_ms\t4").unwrap());
        assert_eq!(r.value("ours.embed.raw"), Some(99.0));
        assert_eq!(r.series("ours.ready_ms").unwrap().n, 4);
    }

    #[test]
    fn malformed_result_lines_are_errors() {
        assert!(Results::parse("value\tk").unwrap_err().contains("line 1"));
        assert!(Results::parse("value\tk\tabc")
            .unwrap_err()
            .contains("not a number"));
        assert!(Results::parse("value\tk\tNaN").is_err());
        assert!(Results::parse("samples\tk\t1,,2").is_err());
        assert!(Results::parse("ok\n").is_err());
        assert!(Results::parse("value\tk\t1\nweird\tk\t1")
            .unwrap_err()
            .contains("line 2"));
        assert!(Results::parse("value\t\t1").is_err());
    }

    #[test]
    fn units_and_cells_read_well() {
        assert_eq!(Unit::Bytes.show(45_123.0), "45.1 KB");
        assert_eq!(Unit::Ms.show(7.25), "7.2 ms");
        assert_eq!(Unit::Ms.show(212.4), "212 ms");
        assert_eq!(Unit::PerSecond.show(12_345.6), "12,346/s");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        let s = summarize(&[100.0, 200.0, 300.0]).unwrap();
        assert_eq!(Cell::median(s).show(Unit::Ms), "200 ms (120–280)");
        let one = summarize(&[5.0]).unwrap();
        assert_eq!(Cell::median(one).show(Unit::Ms), "5.0 ms");
        let flat = summarize(&[1_100_000.0, 1_100_100.0, 1_100_200.0]).unwrap();
        assert_eq!(Cell::median(flat).show(Unit::Bytes), "1.1 MB");
        let c = Cell::Value {
            value: 2100.0,
            spread: None,
            detail: Some("p50 7.0 ms, p99 19 ms".into()),
        };
        assert_eq!(c.show(Unit::PerSecond), "2,100/s (p50 7.0 ms, p99 19 ms)");
        assert_eq!(Cell::NotApplicable("x".into()).show(Unit::Ms), "—");
        assert_eq!(Cell::Missing("x".into()).show(Unit::Ms), "not measured");
        assert_eq!(show_ratio(Some(0.4213)), "0.42×");
        assert_eq!(show_ratio(Some(0.01234)), "0.012×");
        assert_eq!(show_ratio(None), "—");
    }

    fn sample_results() -> Results {
        let mut text = String::new();
        for (k, v) in [
            ("ours.embed.raw", 120_000.0),
            ("ours.embed.gzip", 50_000.0),
            ("ours.embed.brotli", 44_000.0),
            ("ours.embed.served_br", 52_000.0),
            ("baseline.embed.raw", 540_000.0),
            ("baseline.embed.gzip", 136_000.0),
            ("baseline.embed.brotli", 116_000.0),
            ("ours.embed.api_bytes", 6_000.0),
            ("ours.embed.api_count", 1.0),
            ("server.create.c16.per_s", 2_500.0),
        ] {
            let _ = writeln!(text, "value\t{k}\t{v}");
        }
        text.push_str(
            "samples\tours.ready_ms\t100,110,120\nsamples\tbaseline.ready_ms\t200,210,220\n",
        );
        text.push_str("samples\tserver.create.c16.latency_ms\t1,2,3,30\n");
        text.push_str(
            "samples\tours.phase.wasm_ms\t40,50,60\nsamples\tours.phase.api_end_ms\t70,80,90\n",
        );
        text.push_str("note\terror.timed runs\tboom\n");
        Results::parse(&text).unwrap()
    }

    #[test]
    fn rows_carry_ratios_and_targets() {
        let rows = build_rows(
            &sample_results(),
            Settings {
                runs: 20,
                load_seconds: 5.0,
            },
        );
        let row = |id: &str| {
            rows.iter()
                .find(|r| r.id == id)
                .unwrap_or_else(|| panic!("row {id}"))
        };
        let brotli = row("embed.brotli");
        assert!((brotli.ratio().unwrap() - 44.0 / 116.0).abs() < 1e-12);
        let verdicts: Vec<Option<bool>> = brotli.targets.iter().map(|t| t.pass).collect();
        assert_eq!(verdicts, [Some(true), Some(true), Some(true)]);
        let ready = row("time.ready");
        assert_eq!(ready.ratio(), Some(110.0 / 210.0));
        assert_eq!(ready.targets[0].pass, Some(true));
        // p99 of 1,2,3,30 is far above 20 ms: the server target fails.
        assert_eq!(row("server.create.c16").targets[0].pass, Some(false));
        assert_eq!(row("server.create.c16").ratio(), None);
        // Missing measurements say why, and leave targets undecided.
        let flow = row("server.flow.c16");
        assert!(
            matches!(&flow.ours, Cell::Missing(why) if why.contains("boom")),
            "{:?}",
            flow.ours
        );
        assert_eq!(row("embed.served").baseline.show(Unit::Bytes), "—");
        assert_eq!(row("embed.api").ours.show(Unit::Bytes), "6.0 KB (1 req)");
        let phases = row("time.ready_api");
        assert_eq!(phases.ours.number(), Some(80.0));
        assert!(
            phases
                .how
                .contains("ours: wasm 50, API answered 80, ready 110"),
            "{}",
            phases.how
        );
        assert!(phases.how.contains("baseline: ready 210"), "{}", phases.how);
        assert!(ready.how.contains("of 3 / 3 runs"), "{}", ready.how);
        let ids: std::collections::HashSet<_> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.len(), rows.len(), "row ids are unique");
    }

    #[test]
    fn targets_are_undecided_without_figures() {
        let rows = build_rows(
            &Results::default(),
            Settings {
                runs: 20,
                load_seconds: 5.0,
            },
        );
        for row in &rows {
            for t in &row.targets {
                assert_eq!(t.pass, None, "{} {}", row.id, t.label);
                assert!(t.show().starts_with("n/a "));
            }
        }
        assert!(rows.iter().any(|r| !r.targets.is_empty()));
    }

    #[test]
    fn words_wrap_at_width() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(
            wrap("averyveryverylongword x", 5),
            ["averyveryverylongword", "x"]
        );
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("  spaced   out ", 20), ["spaced out"]);
    }

    #[test]
    fn table_has_every_column_and_aligned_rows() {
        let rows = vec![
            Row {
                id: "a".into(),
                metric: "embed payload, brotli q11".into(),
                unit: Unit::Bytes,
                ours: Cell::value(44_000.0),
                baseline: Cell::value(116_000.0),
                how: "node zlib brotli quality 11 of each file, summed".into(),
                targets: vec![
                    Target {
                        label: "≤ 60 KB".into(),
                        pass: Some(true),
                    },
                    Target {
                        label: "goal ≤ 45 KB".into(),
                        pass: Some(true),
                    },
                ],
            },
            Row {
                id: "b".into(),
                metric: "time".into(),
                unit: Unit::Ms,
                ours: Cell::Missing("x".into()),
                baseline: Cell::NotApplicable("y".into()),
                how: "short".into(),
                targets: vec![],
            },
        ];
        let table = render_table(&rows, 20);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("metric"));
        for h in ["ours", "baseline", "ratio", "how measured", "target"] {
            assert!(lines[0].contains(h), "{h}");
        }
        // The "how" text wraps onto a second line, which also holds the second target.
        assert!(
            lines[2].contains("44.0 KB")
                && lines[2].contains("116.0 KB")
                && lines[2].contains("0.38×")
        );
        assert!(lines[2].contains("PASS ≤ 60 KB"));
        assert!(lines[3].contains("PASS goal ≤ 45 KB"));
        assert!(table.contains("not measured") && table.contains('—'));
        // Every column separator lines up on the first three lines.
        let bars = |l: &str| {
            l.char_indices()
                .filter(|(_, c)| *c == '|')
                .map(|(i, _)| l[..i].chars().count())
                .collect::<Vec<_>>()
        };
        assert_eq!(bars(lines[0]), bars(lines[2]));
        assert_eq!(bars(lines[0])[..4], bars(lines[3])[..4]);
    }

    #[test]
    fn json_escapes_and_formats() {
        let doc = Json::obj([
            ("s", Json::str("a\"b\\c\nd\u{1}é")),
            ("n", Json::Num(1.5)),
            ("i", Json::Num(1234.0)),
            ("x", Json::Num(f64::NAN)),
            ("r", Json::Num(0.123_456_7)),
            ("b", Json::Bool(false)),
            ("e", Json::Arr(vec![])),
            ("o", Json::obj(Vec::<(String, Json)>::new())),
            ("a", Json::Arr(vec![Json::Null, Json::Num(-2.0)])),
        ]);
        let text = doc.render();
        assert_eq!(
            text,
            "{\n  \"s\": \"a\\\"b\\\\c\\nd\\u0001é\",\n  \"n\": 1.5,\n  \"i\": 1234,\n  \"x\": null,\n  \"r\": 0.123,\n  \"b\": false,\n  \"e\": [],\n  \"o\": {},\n  \"a\": [\n    null,\n    -2\n  ]\n}\n"
        );
    }

    #[test]
    fn json_document_holds_rows_series_and_notes() {
        let results = sample_results();
        let rows = build_rows(
            &results,
            Settings {
                runs: 20,
                load_seconds: 5.0,
            },
        );
        let text = to_json(&rows, &results, vec![("runs", Json::Num(20.0))]).render();
        assert!(text.starts_with("{\n  \"runs\": 20,\n  \"rows\": ["));
        assert!(text.contains("\"id\": \"embed.brotli\""));
        assert!(text.contains("\"pass\": true"));
        assert!(text.contains("\"ours.ready_ms\": {\n      \"n\": 3"));
        assert!(text.contains("\"notApplicable\": "));
        assert!(text.contains("\"error.timed runs\": [\n      \"boom\""));
        // Balanced brackets: a cheap structural check without a parser.
        let opens = text.matches(['{', '[']).count();
        let closes = text.matches(['}', ']']).count();
        assert_eq!(opens, closes);
    }
}
