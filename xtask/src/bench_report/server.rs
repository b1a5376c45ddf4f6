//! The server rows: session creates and full create + confirm flows at 1,
//! 16 and 64 clients, from the load generator, with the server's own CPU
//! time per operation.

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
                    "p50 {}, p99 {}{}",
                    Unit::Ms.show(lat.p50),
                    Unit::Ms.show(lat.p99),
                    server_cpu(r, key)
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
    for clients in [1, 16, 64] {
        let key = format!("server.flow.c{clients}");
        rows.push(Row {
            id: key.clone(),
            metric: format!(
                "server: create + confirm flows, {clients} client{}",
                if clients == 1 { "" } else { "s" }
            ),
            unit: Unit::PerSecond,
            ours: load_cell(&key),
            baseline: server_na(),
            how: load_how(
                &format!(
                    "create, then POST /api/checkout-sessions/{{id}}/confirm with card 4242 4242 4242 4242 (status \
                     succeeded checked), {clients} client{}, same server and settings",
                    if clients == 1 { "" } else { "s" }
                ),
                &key,
                false,
            ),
            targets: vec![],
        });
    }
    rows
}

/// `, server CPU 1.2 ms/op` when the load generator read the server's CPU
/// time (user + system, from /proc, 10 ms ticks over thousands of operations).
fn server_cpu(r: &Results, key: &str) -> String {
    r.value(&format!("{key}.server_cpu_ms"))
        .map_or(String::new(), |ms| format!(", server CPU {ms:.2} ms/op"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flows_at_every_level_show_the_server_cpu() {
        let r = Results::parse(
            "value\tserver.flow.c64.per_s\t900\nsamples\tserver.flow.c64.latency_ms\t60,70,80\n\
             value\tserver.flow.c64.server_cpu_ms\t1.234\n",
        )
        .unwrap();
        let rows = rows(
            &r,
            Settings {
                runs: 5,
                load_seconds: 5.0,
            },
        );
        let flow = rows.iter().find(|x| x.id == "server.flow.c64").unwrap();
        assert_eq!(
            flow.ours.show(Unit::PerSecond),
            "900/s (p50 70 ms, p99 80 ms, server CPU 1.23 ms/op)"
        );
        assert!(rows.iter().any(|x| x.id == "server.flow.c1"));
        assert!(matches!(
            rows.iter()
                .find(|x| x.id == "server.flow.c16")
                .unwrap()
                .ours,
            Cell::Missing(_)
        ));
    }
}
