//! `<Invoices>`: the signed-in customer's invoices, newest first, each with
//! its line items.

use crate::billing::{use_billing, use_locale};
use crate::format::format_date;
use crate::i18n::{panel::Msg, Lang, Message};
use crate::money::format_money;
use checkout_protocol::InvoiceWithLineItems;
use leptos::prelude::*;

/// A table of invoices: date, number, amount, status, and the lines behind each.
#[component]
pub fn Invoices() -> impl IntoView {
    let billing = use_billing();
    let locale = use_locale();
    let lang = Lang::of(&locale);
    move || {
        let mut invoices = billing.invoices();
        if invoices.is_empty() {
            return view! { <p class="cw-muted">{Msg::NoInvoices.text(lang)}</p> }.into_any();
        }
        invoices.sort_by_key(|i| std::cmp::Reverse(i.invoice.invoice_date));
        let rows = invoices
            .into_iter()
            .map(|inv| invoice_row(inv, &locale))
            .collect_view();
        view! {
            <table class="cw-table">
                <thead>
                    <tr>
                        <th scope="col">{Msg::Date.text(lang)}</th>
                        <th scope="col">{Msg::Invoice.text(lang)}</th>
                        <th scope="col" class="cw-num">{Msg::Amount.text(lang)}</th>
                        <th scope="col">{Msg::Status.text(lang)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    }
}

fn invoice_row(entry: InvoiceWithLineItems, locale: &str) -> impl IntoView {
    let invoice = entry.invoice;
    let currency = invoice.currency.clone();
    let total = invoice_total(&entry.invoice_line_items, invoice.subtotal);
    let lines = entry
        .invoice_line_items
        .iter()
        .map(|line| {
            let what = line
                .description
                .clone()
                .unwrap_or_else(|| Msg::Item.text(Lang::of(locale)).to_owned());
            let amount = format_money(
                line.price.saturating_mul(i64::from(line.quantity)),
                &currency,
                locale,
            );
            format!("{what} × {}: {amount}", line.quantity)
        })
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <tr>
            <td>{format_date(invoice.invoice_date, locale)}</td>
            <td>
                <span class="cw-mono">{invoice.invoice_number.clone()}</span>
                <span class="cw-invoice-lines">{lines}</span>
            </td>
            <td class="cw-num">{format_money(total, &currency, locale)}</td>
            <td><span class="cw-badge">{status_label(&invoice.status, Lang::of(locale))}</span></td>
        </tr>
    }
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
}
