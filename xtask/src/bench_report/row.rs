//! What a row of the table is made of: units, cells, targets, and the
//! helpers the figure groups build their cells and targets with.

use std::fmt::Write as _;

use super::results::{Results, Summary};
use crate::bundle::fmt_size;

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

/// Bytes in the budgets: decimal kilobytes.
pub const KB: f64 = 1000.0;

/// The bench settings a row's text mentions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Timed runs per variant.
    pub runs: usize,
    /// Seconds per load level.
    pub load_seconds: f64,
}

pub(super) fn from_value(r: &Results, key: &str, what: &str) -> Cell {
    match r.value(key) {
        Some(v) => Cell::value(v),
        None => Cell::Missing(missing(r, what)),
    }
}

pub(super) fn from_series(r: &Results, key: &str, what: &str) -> Cell {
    match r.series(key) {
        Some(s) => Cell::median(s),
        None => Cell::Missing(missing(r, what)),
    }
}

/// Why `what` is missing: the script's error notes, if it left any.
pub(super) fn missing(r: &Results, what: &str) -> String {
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

pub(super) fn target_at_most(label: &str, cell: &Cell, limit: f64) -> Target {
    Target {
        label: label.to_owned(),
        pass: cell.number().map(|v| v <= limit),
    }
}

pub(super) fn target_ratio(label: &str, ratio: Option<f64>, limit: f64) -> Target {
    Target {
        label: label.to_owned(),
        pass: ratio.map(|r| r <= limit),
    }
}

/// A cell for a side that has nothing to measure, saying why.
pub(super) fn na(why: &str) -> Cell {
    Cell::NotApplicable(why.to_owned())
}

#[cfg(test)]
mod tests {
    use super::super::results::summarize;
    use super::*;

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
}
