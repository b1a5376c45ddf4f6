//! `cargo xtask bench --compare FILE`: every figure of this run beside the
//! same figure of an earlier `bench.json`, with the change.

use super::json::Json;
use super::row::Unit;
use std::fmt::Write as _;

/// One figure in both runs (either may lack it).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// What was measured, as the table names it (`metric — ours`), or the
    /// raw value's key.
    pub figure: String,
    /// The unit, when the figure is a table row's.
    pub unit: Option<Unit>,
    /// In the earlier run.
    pub before: Option<f64>,
    /// In this run.
    pub after: Option<f64>,
}

impl Change {
    /// `after / before − 1`, when both exist and `before` is not zero.
    pub fn relative(&self) -> Option<f64> {
        match (self.before, self.after) {
            (Some(b), Some(a)) if b != 0.0 => Some(a / b - 1.0),
            _ => None,
        }
    }

    /// Whether the change is for the better: smaller sizes and times, more
    /// operations per second. Unknown without a unit or a change.
    pub fn better(&self) -> Option<bool> {
        let r = self.relative().filter(|r| *r != 0.0)?;
        Some(match self.unit? {
            Unit::Bytes | Unit::Ms => r < 0.0,
            Unit::PerSecond => r > 0.0,
        })
    }
}

fn unit_named(name: &str) -> Option<Unit> {
    [Unit::Bytes, Unit::Ms, Unit::PerSecond]
        .into_iter()
        .find(|u| u.name() == name)
}

/// The figures of one document: each row's `ours` and `baseline` (with its
/// unit), then every raw value, in the document's order.
fn figures(doc: &Json) -> Vec<(String, Option<Unit>, Option<f64>)> {
    let mut out = Vec::new();
    if let Some(Json::Arr(rows)) = doc.get("rows") {
        for row in rows {
            let metric = row.get("metric").and_then(Json::as_str).unwrap_or("?");
            let unit = row.get("unit").and_then(Json::as_str).and_then(unit_named);
            for side in ["ours", "baseline"] {
                let Some(cell) = row.get(side) else { continue };
                let value = cell.get("value").and_then(Json::as_f64);
                // A cell that is not applicable is no figure at all.
                if value.is_some() || cell.get("missing").is_some() {
                    out.push((format!("{metric} — {side}"), unit, value));
                }
            }
        }
    }
    if let Some(Json::Obj(values)) = doc.get("values") {
        for (key, v) in values {
            out.push((key.clone(), None, v.as_f64()));
        }
    }
    out
}

/// Every figure of `after` beside `before`'s, then those only `before` had.
pub fn compare(before: &Json, after: &Json) -> Vec<Change> {
    let old = figures(before);
    let new = figures(after);
    let mut changes: Vec<Change> = new
        .iter()
        .map(|(figure, unit, value)| Change {
            figure: figure.clone(),
            unit: *unit,
            before: old.iter().find(|(f, ..)| f == figure).and_then(|o| o.2),
            after: *value,
        })
        .collect();
    changes.extend(
        old.iter()
            .filter(|(f, ..)| !new.iter().any(|(n, ..)| n == f))
            .map(|(figure, unit, value)| Change {
                figure: figure.clone(),
                unit: *unit,
                before: *value,
                after: None,
            }),
    );
    changes
}

/// The comparison as a text table, `width` columns for the figure's name.
pub fn render(changes: &[Change], width: usize) -> String {
    let show = |c: &Change, v: Option<f64>| match (v, c.unit) {
        (None, _) => "—".to_owned(),
        (Some(v), Some(unit)) => unit.show(v),
        (Some(v), None) if v.fract() == 0.0 => format!("{v:.0}"),
        (Some(v), None) => format!("{v:.3}"),
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "    {:<width$} {:>12} {:>12} {:>9}",
        "figure", "before", "after", "change"
    );
    for c in changes {
        let change = c
            .relative()
            .map_or("—".to_owned(), |r| format!("{:+.1}%", r * 100.0));
        let verdict = match c.better() {
            Some(true) => "  better",
            Some(false) => "  worse",
            None => "",
        };
        let name: String = c.figure.chars().take(width).collect();
        let _ = writeln!(
            out,
            "    {:<width$} {:>12} {:>12} {:>9}{verdict}",
            name,
            show(c, c.before),
            show(c, c.after),
            change,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(embed: f64, creates: Option<f64>, extra: &[(&str, f64)]) -> Json {
        let mut rows = vec![Json::obj([
            ("metric", Json::str("embed (brotli)")),
            ("unit", Json::str("bytes")),
            ("ours", Json::obj([("value", Json::Num(embed))])),
            (
                "baseline",
                Json::obj([("value", Json::Null), ("notApplicable", Json::str("n/a"))]),
            ),
        ])];
        rows.push(Json::obj([
            ("metric", Json::str("creates, 16 clients")),
            ("unit", Json::str("per_second")),
            (
                "ours",
                creates.map_or(
                    Json::obj([("value", Json::Null), ("missing", Json::str("failed"))]),
                    |v| Json::obj([("value", Json::Num(v))]),
                ),
            ),
        ]));
        Json::obj([
            ("rows", Json::Arr(rows)),
            (
                "values",
                Json::Obj(
                    extra
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), Json::Num(*v)))
                        .collect(),
                ),
            ),
        ])
    }

    #[test]
    fn every_figure_is_paired_and_judged_by_its_unit() {
        let before = doc(50_000.0, Some(3_000.0), &[("old.only", 1.0), ("x", 2.0)]);
        let after = doc(45_000.0, Some(2_700.0), &[("x", 3.0), ("new.only", 4.0)]);
        let changes = compare(&before, &after);
        let names: Vec<&str> = changes.iter().map(|c| c.figure.as_str()).collect();
        assert_eq!(
            names,
            [
                "embed (brotli) — ours",
                "creates, 16 clients — ours",
                "x",
                "new.only",
                "old.only"
            ]
        );
        assert_eq!(changes[0].better(), Some(true));
        assert!((changes[0].relative().unwrap() + 0.1).abs() < 1e-9);
        assert_eq!(changes[1].better(), Some(false));
        assert_eq!(changes[2].better(), None);
        assert_eq!((changes[3].before, changes[3].after), (None, Some(4.0)));
        assert_eq!((changes[4].before, changes[4].after), (Some(1.0), None));
        let text = render(&changes, 30);
        assert!(text.contains("-10.0%  better"), "{text}");
        assert!(text.contains("-10.0%  worse"), "{text}");
        assert!(text.contains("+50.0%"), "{text}");
    }

    #[test]
    fn a_missing_figure_has_no_change() {
        let changes = compare(&doc(1.0, None, &[]), &doc(1.0, Some(5.0), &[]));
        assert_eq!(changes[1].before, None);
        assert_eq!(changes[1].relative(), None);
        assert!(render(&changes, 30).contains('—'));
        // Zero before: no percentage rather than infinity.
        let zero = Change {
            figure: "z".into(),
            unit: Some(Unit::Ms),
            before: Some(0.0),
            after: Some(1.0),
        };
        assert_eq!(zero.relative(), None);
    }
}
