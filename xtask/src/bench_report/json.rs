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

impl Json {
    /// Parses a JSON document (what [`Json::render`] writes, and any other
    /// RFC 8259 text); the error says where it stopped.
    pub fn parse(text: &str) -> std::result::Result<Json, String> {
        let mut p = Parser {
            bytes: text.as_bytes(),
            at: 0,
        };
        let value = p.value(0)?;
        p.space();
        if p.at != p.bytes.len() {
            return Err(p.error("text after the document"));
        }
        Ok(value)
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Num(n) => Some(*n),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Nesting deeper than this is refused rather than overflowing the stack.
const MAX_DEPTH: usize = 128;

/// A recursive-descent reader over the document's bytes.
struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> String {
        format!("{what} at byte {}", self.at)
    }

    fn space(&mut self) {
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| b.is_ascii_whitespace())
        {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.space();
        let hit = self.bytes.get(self.at) == Some(&byte);
        if hit {
            self.at += 1;
        }
        hit
    }

    fn literal(&mut self, word: &str, value: Json) -> std::result::Result<Json, String> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("unexpected word"))
        }
    }

    fn value(&mut self, depth: usize) -> std::result::Result<Json, String> {
        if depth > MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        self.space();
        match self.bytes.get(self.at) {
            None => Err(self.error("unexpected end")),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'"') => self.string().map(Json::Str),
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                if self.eat(b']') {
                    return Ok(Json::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    if self.eat(b']') {
                        return Ok(Json::Arr(items));
                    }
                    if !self.eat(b',') {
                        return Err(self.error("expected `,` or `]`"));
                    }
                }
            }
            Some(b'{') => {
                self.at += 1;
                let mut pairs = Vec::new();
                if self.eat(b'}') {
                    return Ok(Json::Obj(pairs));
                }
                loop {
                    self.space();
                    let key = self.string()?;
                    if !self.eat(b':') {
                        return Err(self.error("expected `:`"));
                    }
                    pairs.push((key, self.value(depth + 1)?));
                    if self.eat(b'}') {
                        return Ok(Json::Obj(pairs));
                    }
                    if !self.eat(b',') {
                        return Err(self.error("expected `,` or `}`"));
                    }
                }
            }
            Some(_) => self.number(),
        }
    }

    fn number(&mut self) -> std::result::Result<Json, String> {
        let start = self.at;
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| b.is_ascii_digit() || b"+-.eE".contains(b))
        {
            self.at += 1;
        }
        std::str::from_utf8(&self.bytes[start..self.at])
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .map(Json::Num)
            .ok_or_else(|| self.error("bad number"))
    }

    fn string(&mut self) -> std::result::Result<String, String> {
        if self.bytes.get(self.at) != Some(&b'"') {
            return Err(self.error("expected a string"));
        }
        self.at += 1;
        let mut out = Vec::new();
        loop {
            let Some(&b) = self.bytes.get(self.at) else {
                return Err(self.error("unterminated string"));
            };
            self.at += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let Some(&e) = self.bytes.get(self.at) else {
                        return Err(self.error("unterminated escape"));
                    };
                    self.at += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hex = self
                                .bytes
                                .get(self.at..self.at + 4)
                                .and_then(|h| std::str::from_utf8(h).ok())
                                .and_then(|h| u32::from_str_radix(h, 16).ok())
                                .ok_or_else(|| self.error("bad \\u escape"))?;
                            self.at += 4;
                            // Surrogate pairs are not needed for bench files.
                            char::from_u32(hex).unwrap_or('\u{fffd}')
                        }
                        _ => return Err(self.error("bad escape")),
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(b),
            }
        }
        String::from_utf8(out).map_err(|_| self.error("invalid UTF-8"))
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
mod parse_tests {
    use super::Json;

    #[test]
    fn what_render_writes_parses_back() {
        let doc = Json::obj([
            ("a", Json::Num(1.5)),
            (
                "b",
                Json::Arr(vec![Json::Null, Json::Bool(true), Json::str("x\"y\\z\n")]),
            ),
            ("c", Json::obj([("d", Json::Num(-20.0))])),
            ("e", Json::Arr(vec![])),
            ("f", Json::Obj(vec![])),
        ]);
        assert_eq!(Json::parse(&doc.render()), Ok(doc));
    }

    #[test]
    fn other_json_and_errors() {
        assert_eq!(
            Json::parse(r#" {"k": [1e3, "\u00e9\/"]} "#),
            Ok(Json::obj([(
                "k",
                Json::Arr(vec![Json::Num(1000.0), Json::str("é/")])
            )]))
        );
        for bad in [
            "",
            "{",
            "[1,]",
            r#"{"a" 1}"#,
            "nul",
            "1 2",
            r#""abc"#,
            "[1.2.3]",
        ] {
            assert!(Json::parse(bad).is_err(), "{bad:?} parsed");
        }
        let deep = "[".repeat(1000);
        assert!(Json::parse(&deep).unwrap_err().contains("too deep"));
    }
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
