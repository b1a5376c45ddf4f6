//! The pure half of `cargo xtask bench`: reading the result files the bench
//! scripts write, percentiles, the rows of the table with their targets, the
//! text table and the JSON document. No I/O here, so all of it is unit-tested.
//!
//! The scripts (bench/*.mjs) write one record a line, tab-separated:
//! `value KEY NUMBER`, `samples KEY N1,N2,…` or `note KEY TEXT` — simple
//! enough that std-only xtask never has to parse JSON.
//!
//! [`compare`] sets this run's figures beside an earlier `bench.json`'s.
//! [`results`] reads the files and summarizes series, [`row`] holds what a
//! row is made of, one module per figure group builds its rows ([`payload`],
//! [`apps`] (the Leptos apps' sizes), [`time`], [`memory`], [`render`], [`server`]), and [`table`] and [`json`]
//! print them.

mod apps;
mod compare;
mod json;
mod memory;
mod payload;
mod render;
mod results;
mod row;
mod server;
mod table;
mod time;

pub use compare::{compare, render as render_comparison};
pub use json::{to_json, Json};
pub use results::Results;
pub use row::{Row, Settings};
pub use table::render_table;

/// Every row of the table, from the measurements.
pub fn build_rows(r: &Results, s: Settings) -> Vec<Row> {
    let mut rows = payload::rows(r);
    rows.extend(apps::rows(r));
    rows.extend(time::rows(r));
    rows.extend(memory::rows(r));
    rows.extend(render::rows(r));
    rows.extend(server::rows(r, s));
    rows
}

/// What the report's unit tests share: a result file with some figures
/// measured and one script error.
#[cfg(test)]
mod test_support {
    use super::Results;
    use std::fmt::Write as _;

    pub(super) fn sample_results() -> Results {
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
}

#[cfg(test)]
mod tests {
    use super::row::{Cell, Unit};
    use super::test_support::sample_results;
    use super::*;

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
}
