//! The bench scripts' result files (`value`, `samples` and `note` records)
//! and the order statistics of a series.

use std::collections::BTreeMap;

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
}
