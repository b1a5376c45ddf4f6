//! The bench as one JSON document (`target/bench.json`), written by hand
//! since xtask is std-only.

use std::fmt::Write as _;

use super::results::{summarize, Results, Summary};
use super::row::{Cell, Row, Unit};

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
    use super::super::build_rows;
    use super::super::row::Settings;
    use super::super::test_support::sample_results;
    use super::*;

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
