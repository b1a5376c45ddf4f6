//! The large-render rows: a pricing table of many products and a hosted
//! page with many line items.

use super::results::Results;
use super::row::{from_series, na, Row, Unit};

/// The large-render rows.
pub(super) fn rows(r: &Results) -> Vec<Row> {
    let mut rows = Vec::new();
    let cards = r.value("ours.pricing_table_cards").unwrap_or(100.0);
    rows.push(Row {
        id: "render.pricing_table".into(),
        metric: format!("render: pricing table, {cards:.0} products"),
        unit: Unit::Ms,
        ours: from_series(r, "ours.pricing_table_ms", "pricing table"),
        baseline: na("the baseline page has one button"),
        how: format!(
            "server started with a generated catalog ({cards:.0} products × 2 USD prices, target/bench/catalog.json); a page \
             routed on its origin loads /checkout-widget.js with one <checkout-pricing-table>; navigationStart → the \
             {cards:.0}th [part~=amount] showing a price (MutationObserver in the shadow root); median (p10–p90) of 5 cold loads"
        ),
        targets: vec![],
    });
    let lines = r.value("ours.line_items").unwrap_or(200.0);
    let refused = r.note("ours.line_items.refused");
    rows.push(Row {
        id: "render.line_items".into(),
        metric: format!("render: hosted page, {lines:.0} line items"),
        unit: Unit::Ms,
        ours: from_series(r, "ours.line_items_ms", "line items"),
        baseline: na("the baseline redirects to our hosted page"),
        how: format!(
            "a session with {lines:.0} distinct USD prices (POST /api/billing/checkout-sessions/create lineItems); \
             navigationStart → {lines:.0} .co-line items and an enabled Pay button; median (p10–p90) of 5 cold loads{}",
            if refused.is_empty() { String::new() } else { format!("; {refused}") }
        ),
        targets: vec![],
    });
    rows
}
