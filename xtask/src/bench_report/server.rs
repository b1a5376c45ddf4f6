//! The server rows: session creates at 1, 16 and 64 clients and full
//! create + confirm flows, from the load generator.

use super::results::Results;
use super::row::{missing, na, thousands, Cell, Row, Settings, Target, Unit};

/// The server load rows; `s` gives the seconds per load level.
pub(super) fn rows(r: &Results, s: Settings) -> Vec<Row> {
    let mut rows = Vec::new();
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
