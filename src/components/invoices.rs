//! `<Invoices>`: the signed-in customer's invoices, newest first, each with
//! its line items. Drawn as one HTML string ([`super::plain`]): no events,
//! redrawn when the billing data changes.

use super::plain::{plain_view, push_escaped, Plain};
use crate::billing::{use_billing, use_locale};
use crate::format::format_date;
use crate::i18n::{panel::Msg, Lang, Message};
use crate::money::format_money;
use crate::plain_text::decimal;
use checkout_protocol::InvoiceWithLineItems;
use leptos::prelude::*;

/// A table of invoices: date, number, amount, status, and the lines behind each.
#[component]
pub fn Invoices() -> impl IntoView {
    super::styles::uses(super::styles::chunk::INVOICES);
    let billing = use_billing();
    let locale = use_locale();
    plain_view(Plain {
        tag: "div",
        class: "cw-plain",
        draw: Box::new(move || push_invoices(billing.invoices(), &locale)),
        on_event: Box::new(|_, _| {}),
        after_draw: None,
    })
}

/// The table, newest first, or the sentence saying there is none.
fn push_invoices(mut invoices: Vec<InvoiceWithLineItems>, locale: &str) -> String {
    let lang = Lang::of(locale);
    let mut out = String::new();
    if invoices.is_empty() {
        out.push_str("<p class=\"cw-muted\">");
        push_escaped(&mut out, Msg::NoInvoices.text(lang));
        out.push_str("</p>");
        return out;
    }
    invoices.sort_by_key(|i| std::cmp::Reverse(i.invoice.invoice_date));
    out.push_str("<table class=\"cw-table\"><thead><tr>");
    for (class, title) in [
        ("", Msg::Date),
        ("", Msg::Invoice),
        (" class=\"cw-num\"", Msg::Amount),
        ("", Msg::Status),
    ] {
        out.push_str("<th scope=\"col\"");
        out.push_str(class);
        out.push('>');
        push_escaped(&mut out, title.text(lang));
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for entry in &invoices {
        push_invoice_row(&mut out, entry, locale);
    }
    out.push_str("</tbody></table>");
    out
}

/// One invoice: its date, number with its lines, total and status.
fn push_invoice_row(out: &mut String, entry: &InvoiceWithLineItems, locale: &str) {
    let lang = Lang::of(locale);
    let invoice = &entry.invoice;
    let currency = &invoice.currency;
    let total = invoice_total(&entry.invoice_line_items, invoice.subtotal);
    out.push_str("<tr><td>");
    push_escaped(out, &format_date(invoice.invoice_date, locale));
    out.push_str("</td><td><span class=\"cw-mono\">");
    push_escaped(out, &invoice.invoice_number);
    out.push_str("</span><span class=\"cw-invoice-lines\">");
    // "Seats × 3: $30.00; Setup × 1: $49.00"
    for (at, line) in entry.invoice_line_items.iter().enumerate() {
        if at > 0 {
            out.push_str("; ");
        }
        let what = line.description.as_deref().unwrap_or(Msg::Item.text(lang));
        push_escaped(out, what);
        out.push_str(" × ");
        out.push_str(&decimal(u64::from(line.quantity)));
        out.push_str(": ");
        let amount = line.price.saturating_mul(i64::from(line.quantity));
        push_escaped(out, &format_money(amount, currency, locale));
    }
    out.push_str("</span></td><td class=\"cw-num\">");
    push_escaped(out, &format_money(total, currency, locale));
    out.push_str("</td><td><span class=\"cw-badge\">");
    push_escaped(out, &status_label(&invoice.status, lang));
    out.push_str("</span></td></tr>");
}

/// The subtotal the server gives, else the sum of the lines.
fn invoice_total(lines: &[checkout_protocol::InvoiceLineItem], subtotal: Option<i64>) -> i64 {
    subtotal.unwrap_or_else(|| {
        lines
            .iter()
            .map(|l| l.price.saturating_mul(i64::from(l.quantity)))
            .fold(0i64, i64::saturating_add)
    })
}

/// A known status in the customer's language; another one as the server wrote it, made readable.
fn status_label(status: &str, lang: Lang) -> String {
    let known = match status {
        "paid" => Some(Msg::InvoicePaid),
        "open" => Some(Msg::InvoiceOpen),
        "draft" => Some(Msg::InvoiceDraft),
        "void" => Some(Msg::InvoiceVoid),
        "uncollectible" => Some(Msg::InvoiceUncollectible),
        _ => None,
    };
    if let Some(message) = known {
        return message.text(lang).to_owned();
    }
    let mut label = status.replace('_', " ");
    if let Some(first) = label.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    label
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_prefer_the_servers_subtotal() {
        let lines: Vec<checkout_protocol::InvoiceLineItem> =
            serde_json::from_str(r#"[{"id":"a","price":500,"quantity":2},{"id":"b","price":100}]"#)
                .unwrap();
        assert_eq!(invoice_total(&lines, None), 1100);
        assert_eq!(invoice_total(&lines, Some(999)), 999);
        assert_eq!(
            status_label("partially_refunded", Lang::En),
            "Partially refunded"
        );
        assert_eq!(status_label("", Lang::En), "");
    }

    fn invoices(json: &str) -> Vec<InvoiceWithLineItems> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn nobody_invoiced_reads_one_sentence() {
        assert_eq!(
            push_invoices(Vec::new(), "en"),
            r#"<p class="cw-muted">No invoices yet.</p>"#
        );
    }

    #[test]
    fn invoices_are_rows_newest_first_with_their_lines() {
        // Natively there is no Intl: amounts and dates take their fallbacks.
        let html = push_invoices(
            invoices(
                r#"[{"invoice":{"id":"i1","invoiceNumber":"ACME-0001","status":"paid","currency":"USD","invoiceDate":0},
                     "invoiceLineItems":[{"id":"a","description":"Seats","price":1000,"quantity":3},{"id":"b","price":4900}]},
                    {"invoice":{"id":"i2","invoiceNumber":"ACME-0002","status":"partially_refunded","currency":"USD","invoiceDate":86400000,"subtotal":100},
                     "invoiceLineItems":[]}]"#,
            ),
            "en-US",
        );
        assert!(
            html.starts_with(concat!(
                r#"<table class="cw-table"><thead><tr><th scope="col">Date</th><th scope="col">Invoice</th>"#,
                r#"<th scope="col" class="cw-num">Amount</th><th scope="col">Status</th></tr></thead><tbody>"#,
                r#"<tr><td>day 1 since 1970</td><td><span class="cw-mono">ACME-0002</span>"#,
                r#"<span class="cw-invoice-lines"></span></td><td class="cw-num">100 USD</td>"#,
                r#"<td><span class="cw-badge">Partially refunded</span></td></tr>"#
            )),
            "{html}"
        );
        assert!(
            html.ends_with(concat!(
                r#"<tr><td>day 0 since 1970</td><td><span class="cw-mono">ACME-0001</span>"#,
                r#"<span class="cw-invoice-lines">Seats × 3: 3000 USD; Item × 1: 4900 USD</span></td>"#,
                r#"<td class="cw-num">7900 USD</td><td><span class="cw-badge">Paid</span></td></tr></tbody></table>"#
            )),
            "{html}"
        );
    }

    #[test]
    fn a_hostile_invoice_stays_text() {
        let html = push_invoices(
            invoices(
                r#"[{"invoice":{"id":"i","invoiceNumber":"<img src=x onerror=alert(1)>","status":"<b>odd</b>","currency":"USD","invoiceDate":0},
                     "invoiceLineItems":[{"id":"a","description":"\"><script>steal()</script>","price":1,"quantity":1}]}]"#,
            ),
            "en",
        );
        for raw in ["<img", "<script", "<b>"] {
            assert!(!html.contains(raw), "{raw} unescaped in {html}");
        }
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
        assert!(
            html.contains("&quot;&gt;&lt;script&gt;steal()&lt;/script&gt; × 1"),
            "{html}"
        );
    }
}
