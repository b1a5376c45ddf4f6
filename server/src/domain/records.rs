//! A customer's billing records as the server keeps them (payment methods,
//! purchases, invoices) and their views in `@flowglad/node`'s shapes, up to
//! the whole `customers/billing` answer.

use crate::domain::catalog::{Catalog, CATALOG_EPOCH_MS};
use crate::domain::subscription::StoredSubscription;
use crate::domain::usage::{experimental_view, UsageTotal};
use checkout_protocol::{
    BillingAddress, Customer, CustomerBilling, IntervalUnit, Invoice, InvoiceLineItem,
    InvoiceWithLineItems, PaymentMethod, PriceType, Purchase, Subscription,
};
use serde_json::{json, Map, Value};

/// A customer as the store keeps them: resolved from a sign-in token or an
/// external id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCustomer {
    /// `cus_…` id.
    pub id: String,
    /// The merchant's own id for the customer.
    pub external_id: String,
    /// Full name.
    pub name: String,
    /// Email address.
    pub email: String,
}

/// What a customer update changes, already checked
/// ([`crate::domain::validation::customer_changes`]): `None` keeps a field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerChanges {
    /// New display name (trimmed, not blank).
    pub name: Option<String>,
    /// New email address (trimmed, plausible).
    pub email: Option<String>,
}

impl CustomerChanges {
    /// `customer` with the changes applied, or `None` when nothing would
    /// differ (so an update that changes nothing writes and reports nothing).
    pub fn apply(&self, customer: &StoredCustomer) -> Option<StoredCustomer> {
        let mut changed = customer.clone();
        if let Some(name) = &self.name {
            changed.name.clone_from(name);
        }
        if let Some(email) = &self.email {
            changed.email.clone_from(email);
        }
        (changed != *customer).then_some(changed)
    }
}

/// A saved card (brand, last four digits and expiry only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPaymentMethod {
    /// `pm_…` id.
    pub id: String,
    /// The owning customer.
    pub customer_id: String,
    /// Card brand, e.g. `visa`.
    pub brand: String,
    /// Last four digits.
    pub last4: String,
    /// Expiry month, 1–12.
    pub exp_month: u32,
    /// Expiry year, four digits.
    pub exp_year: u32,
    /// Whether it is the customer's default.
    pub is_default: bool,
    /// Epoch ms.
    pub created_at: i64,
}

/// What a customer bought at one checkout.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPurchase {
    /// `pur_…` id.
    pub id: String,
    /// The buyer, when signed in.
    pub customer_id: Option<String>,
    /// The checkout that made it (none for seeded purchases).
    pub checkout_session_id: Option<String>,
    /// The checkout's `requestId`.
    pub request_id: Option<String>,
    /// The price bought (the subscription price when there is one).
    pub price_id: String,
    /// How that price charges.
    pub price_type: PriceType,
    /// Units of it.
    pub quantity: u32,
    /// Charged at checkout, minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// Output name, else the product name.
    pub name: String,
    /// The checkout's output metadata.
    pub metadata: Option<Map<String, Value>>,
    /// `paid`.
    pub status: String,
    /// Charged every period, for subscriptions.
    pub price_per_billing_cycle: Option<i64>,
    /// Interval unit, for subscriptions.
    pub interval_unit: Option<IntervalUnit>,
    /// Interval units per period, for subscriptions.
    pub interval_count: Option<u32>,
    /// Free-trial days, for subscriptions.
    pub trial_period_days: Option<u32>,
    /// The billing address given at checkout.
    pub billing_address: Option<BillingAddress>,
    /// The business tax ID given at checkout.
    pub tax_id: Option<checkout_protocol::TaxId>,
    /// Epoch ms.
    pub created_at: i64,
}

/// One line of an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredInvoiceLine {
    /// `il_…` id.
    pub id: String,
    /// What was billed.
    pub description: String,
    /// The catalog price.
    pub price_id: Option<String>,
    /// Units billed.
    pub quantity: u32,
    /// Price per unit billed, minor units (zero for a line in its free trial).
    pub price: i64,
}

/// An invoice with its lines: paid at a checkout, or raised by hand and
/// paid through an invoice session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredInvoice {
    /// `inv_…` id.
    pub id: String,
    /// The billed customer.
    pub customer_id: String,
    /// `ALICE-0001`; assigned by the store when the invoice is written.
    pub invoice_number: String,
    /// `paid`, or `open` until an invoice session pays it.
    pub status: String,
    /// `purchase`, `subscription` or `standalone`.
    pub invoice_type: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Sum of the lines, minor units.
    pub subtotal: i64,
    /// Note to the customer (e.g. the discount applied).
    pub memo: Option<String>,
    /// The purchase billed.
    pub purchase_id: Option<String>,
    /// The subscription billed.
    pub subscription_id: Option<String>,
    /// The checkout that was paid.
    pub checkout_session_id: Option<String>,
    /// Epoch ms.
    pub invoice_date: i64,
    /// Epoch ms.
    pub created_at: i64,
    /// One line per sold price.
    pub lines: Vec<StoredInvoiceLine>,
}

/// Everything stored about one customer.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerRecords {
    /// The customer.
    pub customer: StoredCustomer,
    /// Their subscriptions, newest first, settled to now.
    pub subscriptions: Vec<StoredSubscription>,
    /// Their purchases, newest first.
    pub purchases: Vec<StoredPurchase>,
    /// Their invoices with lines, newest first.
    pub invoices: Vec<StoredInvoice>,
    /// Their cards, default first.
    pub payment_methods: Vec<StoredPaymentMethod>,
    /// Usage recorded on their subscriptions, by meter and billing period.
    pub usage: Vec<UsageTotal>,
}

/// The prefix of a customer's invoice numbers: their external id in upper
/// case, letters and digits only (`alice` → `ALICE`).
pub fn invoice_number_base(external_id: &str) -> String {
    let base: String = external_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(12)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if base.is_empty() {
        "INV".to_owned()
    } else {
        base
    }
}

/// Invoice number `n` of a customer: `ALICE-0001`.
pub fn invoice_number(external_id: &str, n: i64) -> String {
    format!("{}-{n:04}", invoice_number_base(external_id))
}

/// The customer in Flowglad's shape.
pub fn customer_view(c: &StoredCustomer, catalog: &Catalog) -> Customer {
    Customer {
        id: c.id.clone(),
        external_id: c.external_id.clone(),
        email: c.email.clone(),
        name: c.name.clone(),
        archived: false,
        domain: None,
        icon_url: None,
        logo_url: None,
        invoice_number_base: Some(invoice_number_base(&c.external_id)),
        user_id: None,
        billing_address: None,
        organization_id: catalog.organization_id.clone(),
        pricing_model_id: catalog.pricing_model.id.clone(),
        livemode: false,
        created_at: CATALOG_EPOCH_MS,
        updated_at: CATALOG_EPOCH_MS,
    }
}

/// A subscription in Flowglad's shape (`StandardSubscriptionDetails`).
pub fn subscription_view(s: &StoredSubscription, catalog: &Catalog) -> Subscription {
    let priced = catalog.any_price_by_id(&s.price_id);
    let name = s
        .name
        .clone()
        .or_else(|| priced.map(|(product, _)| product.name.clone()));
    let item = priced.map(|(product, price)| {
        json!({
            "id": format!("si_{}", s.id.trim_start_matches("sub_")),
            "subscriptionId": s.id,
            "priceId": price.id,
            "name": product.name,
            "quantity": s.quantity,
            "unitPrice": price.unit_price,
            "type": "static",
            "addedDate": s.start_date,
            "livemode": false,
        })
    });
    Subscription {
        id: s.id.clone(),
        customer_id: s.customer_id.clone(),
        price_id: s.price_id.clone(),
        name,
        status: s.status.clone(),
        current: s.status.is_current(),
        renews: true,
        interval: s.interval_unit,
        interval_count: s.interval_count,
        start_date: s.start_date,
        current_billing_period_start: s.current_period_start,
        current_billing_period_end: s.current_period_end,
        trial_end: s.trial_end,
        cancel_scheduled_at: s.cancel_scheduled_at,
        canceled_at: s.canceled_at,
        cancellation_reason: None,
        default_payment_method_id: s.default_payment_method_id.clone(),
        backup_payment_method_id: None,
        billing_cycle_anchor_date: Some(s.start_date),
        subscription_items: item.into_iter().collect(),
        metadata: s.metadata.clone(),
        // A free plan (issue 15): its price costs nothing.
        is_free_plan: Some(priced.is_some_and(|(_, price)| price.unit_price == 0)),
        do_not_charge: Some(false),
        run_billing_at_period_start: Some(true),
        replaced_by_subscription_id: None,
        experimental: None,
        request_id: s.request_id.clone(),
        organization_id: catalog.organization_id.clone(),
        pricing_model_id: catalog.pricing_model.id.clone(),
        livemode: false,
        created_at: s.created_at,
        updated_at: s.updated_at,
    }
}

/// A saved card in Flowglad's shape; the card is in `paymentMethodData`.
pub fn payment_method_view(
    pm: &StoredPaymentMethod,
    customer: &StoredCustomer,
    catalog: &Catalog,
) -> PaymentMethod {
    let mut data = Map::new();
    data.insert("brand".into(), json!(pm.brand));
    data.insert("last4".into(), json!(pm.last4));
    data.insert("expMonth".into(), json!(pm.exp_month));
    data.insert("expYear".into(), json!(pm.exp_year));
    PaymentMethod {
        id: pm.id.clone(),
        customer_id: pm.customer_id.clone(),
        method_type: "card".to_owned(),
        default: pm.is_default,
        billing_details: json!({"name": customer.name, "email": customer.email, "address": null}),
        payment_method_data: data,
        metadata: None,
        pricing_model_id: catalog.pricing_model.id.clone(),
        livemode: false,
        created_at: pm.created_at,
        updated_at: pm.created_at,
    }
}

/// A purchase in Flowglad's shape.
pub fn purchase_view(p: &StoredPurchase, catalog: &Catalog) -> Purchase {
    let subscription = p.price_type == PriceType::Subscription;
    Purchase {
        id: p.id.clone(),
        customer_id: p.customer_id.clone().unwrap_or_default(),
        name: p.name.clone(),
        price_id: p.price_id.clone(),
        price_type: p.price_type,
        quantity: p.quantity,
        status: p.status.clone(),
        first_invoice_value: p.amount,
        total_purchase_value: (!subscription).then_some(p.amount),
        price_per_billing_cycle: p.price_per_billing_cycle,
        interval_unit: p.interval_unit,
        interval_count: p.interval_count,
        trial_period_days: subscription.then(|| p.trial_period_days.unwrap_or(0)),
        purchase_date: Some(p.created_at),
        end_date: None,
        metadata: p.metadata.clone(),
        request_id: p.request_id.clone(),
        archived: Some(false),
        bank_payment_only: Some(false),
        position: 0,
        proposal: None,
        billing_cycle_anchor: subscription.then_some(p.created_at),
        billing_address: p.billing_address.as_ref().map(BillingAddress::to_flowglad),
        tax_id: p.tax_id.clone(),
        organization_id: catalog.organization_id.clone(),
        pricing_model_id: catalog.pricing_model.id.clone(),
        livemode: false,
        created_at: p.created_at,
        updated_at: p.created_at,
    }
}

/// An invoice (without lines) in Flowglad's shape.
pub fn invoice_view(i: &StoredInvoice, catalog: &Catalog) -> Invoice {
    Invoice {
        id: i.id.clone(),
        customer_id: i.customer_id.clone(),
        invoice_number: i.invoice_number.clone(),
        status: i.status.clone(),
        invoice_type: i.invoice_type.clone(),
        currency: i.currency.clone(),
        invoice_date: i.invoice_date,
        due_date: Some(i.invoice_date),
        subtotal: Some(i.subtotal),
        tax_amount: Some(0),
        purchase_id: i.purchase_id.clone(),
        subscription_id: i.subscription_id.clone(),
        memo: i.memo.clone(),
        pdf_url: None,
        receipt_pdf_url: None,
        organization_id: catalog.organization_id.clone(),
        pricing_model_id: catalog.pricing_model.id.clone(),
        livemode: false,
        created_at: i.created_at,
        updated_at: i.created_at,
    }
}

/// An invoice with its lines, as `customers/billing` lists them.
pub fn invoice_with_lines_view(i: &StoredInvoice, catalog: &Catalog) -> InvoiceWithLineItems {
    InvoiceWithLineItems {
        invoice: invoice_view(i, catalog),
        invoice_line_items: i
            .lines
            .iter()
            .map(|l| InvoiceLineItem {
                id: l.id.clone(),
                invoice_id: i.id.clone(),
                description: Some(l.description.clone()),
                price: l.price,
                price_id: l.price_id.clone(),
                quantity: l.quantity,
                line_type: "static".to_owned(),
                pricing_model_id: catalog.pricing_model.id.clone(),
                livemode: false,
                created_at: i.created_at,
                updated_at: i.created_at,
            })
            .collect(),
    }
}

/// `data` of `customers/billing`: the records with the pricing model (also
/// under its old name `catalog`); current subscriptions are those that grant
/// access now (trialing, active, past due, cancellation scheduled).
pub fn customer_billing(records: &CustomerRecords, catalog: &Catalog) -> CustomerBilling {
    // Each subscription says what it grants (Flowglad's `experimental`), so
    // `checkFeatureAccess` / `checkUsageBalance` work on any of them.
    let subscriptions: Vec<Subscription> = records
        .subscriptions
        .iter()
        .map(|s| Subscription {
            experimental: Some(experimental_view(s, catalog, &records.usage)),
            ..subscription_view(s, catalog)
        })
        .collect();
    let current: Vec<Subscription> = subscriptions
        .iter()
        .filter(|s| s.current)
        .cloned()
        .collect();
    CustomerBilling {
        customer: customer_view(&records.customer, catalog),
        current_subscription: current.first().cloned(),
        current_subscriptions: Some(current),
        subscriptions,
        purchases: records
            .purchases
            .iter()
            .map(|p| purchase_view(p, catalog))
            .collect(),
        invoices: records
            .invoices
            .iter()
            .map(|i| invoice_with_lines_view(i, catalog))
            .collect(),
        payment_methods: records
            .payment_methods
            .iter()
            .map(|pm| payment_method_view(pm, &records.customer, catalog))
            .collect(),
        pricing_model: catalog.pricing_model.clone(),
        catalog: Some(catalog.pricing_model.clone()),
        billing_portal_url: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkout_protocol::SubscriptionStatus;

    fn customer() -> StoredCustomer {
        StoredCustomer {
            id: "cus_alice".into(),
            external_id: "alice".into(),
            name: "Alice Martin".into(),
            email: "alice@example.com".into(),
        }
    }

    fn subscription(id: &str, status: SubscriptionStatus) -> StoredSubscription {
        StoredSubscription {
            id: id.into(),
            customer_id: "cus_alice".into(),
            price_id: "price_pro_monthly".into(),
            status,
            checkout_session_id: None,
            request_id: None,
            name: None,
            metadata: None,
            quantity: 1,
            interval_unit: Some(IntervalUnit::Month),
            interval_count: Some(1),
            start_date: 10,
            current_period_start: Some(10),
            current_period_end: Some(20),
            trial_end: None,
            cancel_scheduled_at: None,
            canceled_at: None,
            default_payment_method_id: Some("pm_1".into()),
            scheduled_change: None,
            created_at: 10,
            updated_at: 10,
        }
    }

    #[test]
    fn invoice_numbers() {
        assert_eq!(invoice_number("alice", 1), "ALICE-0001");
        assert_eq!(invoice_number("user-42@x", 12), "USER42X-0012");
        assert_eq!(invoice_number("--", 3), "INV-0003");
    }

    #[test]
    fn billing_lists_current_subscriptions_and_the_pricing_model_twice() {
        let catalog = Catalog::demo().unwrap();
        let records = CustomerRecords {
            customer: customer(),
            subscriptions: vec![
                subscription("sub_new", SubscriptionStatus::Canceled),
                subscription("sub_old", SubscriptionStatus::CancellationScheduled),
            ],
            purchases: vec![],
            invoices: vec![],
            usage: vec![],
            payment_methods: vec![StoredPaymentMethod {
                id: "pm_1".into(),
                customer_id: "cus_alice".into(),
                brand: "visa".into(),
                last4: "4242".into(),
                exp_month: 12,
                exp_year: 2030,
                is_default: true,
                created_at: 1,
            }],
        };
        let billing = customer_billing(&records, &catalog);
        assert_eq!(billing.subscriptions.len(), 2);
        assert_eq!(billing.current_subscription.as_ref().unwrap().id, "sub_old");
        assert_eq!(billing.current_subscriptions.as_ref().unwrap().len(), 1);
        assert_eq!(billing.catalog.as_ref(), Some(&billing.pricing_model));
        assert_eq!(billing.subscriptions[1].name.as_deref(), Some("Pro"));
        let v = serde_json::to_value(&billing).unwrap();
        assert_eq!(
            v["paymentMethods"][0]["paymentMethodData"],
            json!({"brand": "visa", "last4": "4242", "expMonth": 12, "expYear": 2030})
        );
        assert_eq!(v["customer"]["externalId"], "alice");
        assert_eq!(v["subscriptions"][0]["current"], false);
        assert_eq!(
            v["subscriptions"][0]["subscriptionItems"][0]["unitPrice"],
            1200
        );
    }

    #[test]
    fn purchases_show_totals_by_kind() {
        let catalog = Catalog::demo().unwrap();
        let mut p = StoredPurchase {
            id: "pur_1".into(),
            customer_id: Some("cus_alice".into()),
            checkout_session_id: None,
            request_id: None,
            price_id: "price_onboarding".into(),
            price_type: PriceType::SinglePayment,
            quantity: 1,
            amount: 4900,
            currency: "USD".into(),
            name: "Onboarding".into(),
            metadata: None,
            status: "paid".into(),
            price_per_billing_cycle: None,
            interval_unit: None,
            interval_count: None,
            trial_period_days: None,
            billing_address: None,
            tax_id: None,
            created_at: 5,
        };
        let single = purchase_view(&p, &catalog);
        assert_eq!(
            (single.total_purchase_value, single.trial_period_days),
            (Some(4900), None)
        );
        p.price_type = PriceType::Subscription;
        p.price_per_billing_cycle = Some(1200);
        let sub = purchase_view(&p, &catalog);
        assert_eq!(
            (sub.total_purchase_value, sub.price_per_billing_cycle),
            (None, Some(1200))
        );
        assert_eq!(sub.trial_period_days, Some(0));
    }
}
