//! The text table printed at the end of a bench: one line per item, the
//! "how" and "metric" columns wrapped.

use super::row::{show_ratio, Row, Target};

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

#[cfg(test)]
mod tests {
    use super::super::row::{Cell, Target, Unit};
    use super::*;

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
}
