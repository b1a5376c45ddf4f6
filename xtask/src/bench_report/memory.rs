//! The memory rows: JS heap and wasm linear memory after load.

use super::results::Results;
use super::row::{from_series, missing, na, Cell, Row, Unit};

/// The memory rows: JS heap, wasm memory and the two added.
pub(super) fn rows(r: &Results) -> Vec<Row> {
    let mut rows = Vec::new();
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
    rows
}
