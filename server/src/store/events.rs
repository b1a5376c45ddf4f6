//! Webhook bodies: `{type, timestamp, data}` with the records in
//! `@flowglad/node`'s shapes, rendered from the rows a transaction just
//! wrote, inside that transaction (so the body is what committed).
//! Flowglad's own event types (`customer.*`, `purchase.completed`,
//! `payment.*`, `subscription.*`) also carry Flowglad's body at the top
//! level: `id`, `object`, `customer: {id, externalId}`, `pricingModelId`.

use crate::domain::catalog::Catalog;
use crate::domain::clock;
use crate::domain::records::StoredCustomer;
use crate::domain::records::{
    customer_view, invoice_view, payment_method_view, purchase_view, subscription_view,
    StoredInvoice, StoredPaymentMethod, StoredPurchase,
};
use crate::domain::session::StoredSession;
use crate::domain::subscription::StoredSubscription;
use crate::store::{DbError, NewEvent};
use checkout_protocol::webhook::{
    CustomerEventData, EventCustomer, EventObject, FlowgladEvent, PaymentEventData,
    PurchaseEventData, SubscriptionEventData, WebhookPayment, WebhookPaymentStatus,
};
use checkout_protocol::{
    CheckoutSessionCompletedData, CheckoutSessionExpiredData, CheckoutSessionPaymentFailedData,
    ErrorCode, WebhookEvent, WebhookEventType,
};
use serde::Serialize;

/// What paying a session wrote, read back after the writes.
#[derive(Debug, Clone, PartialEq)]
pub struct CompletedRecords {
    /// The session, now succeeded.
    pub session: StoredSession,
    /// The purchase made.
    pub purchase: Option<StoredPurchase>,
    /// The subscription started or activated.
    pub subscription: Option<StoredSubscription>,
    /// The invoice written or paid.
    pub invoice: Option<StoredInvoice>,
    /// The customer's saved card, with the customer (for its billing details).
    pub payment_method: Option<(StoredPaymentMethod, StoredCustomer)>,
}

/// `checkout.session.completed`.
pub fn completed(catalog: &Catalog, r: &CompletedRecords, now: i64) -> Result<NewEvent, DbError> {
    let data = CheckoutSessionCompletedData {
        checkout_session: r.session.to_checkout_session(catalog),
        purchase: r.purchase.as_ref().map(|p| purchase_view(p, catalog)),
        subscription: r
            .subscription
            .as_ref()
            .map(|s| subscription_view(s, catalog)),
        invoice: r.invoice.as_ref().map(|i| invoice_view(i, catalog)),
        payment_method: r
            .payment_method
            .as_ref()
            .map(|(pm, customer)| payment_method_view(pm, customer, catalog)),
    };
    event(
        WebhookEventType::CheckoutSessionCompleted,
        &r.session,
        now,
        data,
    )
}

/// `checkout.session.expired`.
pub fn expired(catalog: &Catalog, session: &StoredSession, now: i64) -> Result<NewEvent, DbError> {
    let data = CheckoutSessionExpiredData {
        checkout_session: session.to_checkout_session(catalog),
    };
    event(WebhookEventType::CheckoutSessionExpired, session, now, data)
}

/// `checkout.session.payment_failed`, for one declined attempt.
pub fn payment_failed(
    catalog: &Catalog,
    session: &StoredSession,
    code: ErrorCode,
    message: &str,
    now: i64,
) -> Result<NewEvent, DbError> {
    let data = CheckoutSessionPaymentFailedData {
        checkout_session: session.to_checkout_session(catalog),
        failure_code: code,
        failure_message: message.to_owned(),
    };
    event(
        WebhookEventType::CheckoutSessionPaymentFailed,
        session,
        now,
        data,
    )
}

/// `customer.created` (a new customer record) or `customer.updated`.
pub fn customer(
    event_type: WebhookEventType,
    catalog: &Catalog,
    customer: &StoredCustomer,
    now: i64,
) -> Result<NewEvent, DbError> {
    let body = FlowgladEvent {
        event_type,
        timestamp: clock::rfc3339(now),
        id: customer.id.clone(),
        object: EventObject::Customer,
        customer: Some(event_customer(customer)),
        pricing_model_id: pricing_model(catalog),
        data: CustomerEventData {
            customer: customer_view(customer, catalog),
        },
    };
    encode(event_type, None, &body)
}

/// `purchase.completed`: the purchase a paid checkout made. `customer` is
/// `None` for an anonymous checkout (Flowglad's body then has no `customer`).
pub fn purchase_completed(
    catalog: &Catalog,
    purchase: &StoredPurchase,
    customer: Option<&StoredCustomer>,
    now: i64,
) -> Result<NewEvent, DbError> {
    let event_type = WebhookEventType::PurchaseCompleted;
    let body = FlowgladEvent {
        event_type,
        timestamp: clock::rfc3339(now),
        id: purchase.id.clone(),
        object: EventObject::Purchase,
        customer: customer.map(event_customer),
        pricing_model_id: pricing_model(catalog),
        data: PurchaseEventData {
            purchase: purchase_view(purchase, catalog),
        },
    };
    encode(event_type, purchase.checkout_session_id.clone(), &body)
}

/// `subscription.created`, `subscription.updated` or
/// `subscription.canceled`, with the subscription as the change left it;
/// `checkout_session_id` is the checkout that made the change, if one did.
pub fn subscription(
    event_type: WebhookEventType,
    catalog: &Catalog,
    subscription: &StoredSubscription,
    customer: &StoredCustomer,
    checkout_session_id: Option<String>,
    now: i64,
) -> Result<NewEvent, DbError> {
    let body = FlowgladEvent {
        event_type,
        timestamp: clock::rfc3339(now),
        id: subscription.id.clone(),
        object: EventObject::Subscription,
        customer: Some(event_customer(customer)),
        pricing_model_id: pricing_model(catalog),
        data: SubscriptionEventData {
            subscription: subscription_view(subscription, catalog),
        },
    };
    encode(event_type, checkout_session_id, &body)
}

/// One charge of a checkout session, for `payment.succeeded` and
/// `payment.failed`.
#[derive(Debug, Clone, PartialEq)]
pub struct Charge<'a> {
    /// The payment attempt's id (`pa_…`), the payment's id.
    pub id: &'a str,
    /// The session charged.
    pub session: &'a StoredSession,
    /// Its customer, when signed in.
    pub customer: Option<&'a StoredCustomer>,
    /// What paying it recorded (none for a decline).
    pub records: Option<&'a CompletedRecords>,
    /// Why it was declined (none for a success).
    pub failure: Option<(ErrorCode, &'a str)>,
}

/// `payment.succeeded` (no `failure`) or `payment.failed`; `None` when the
/// session's amount cannot be totalled (then nothing was charged either).
pub fn payment(
    catalog: &Catalog,
    charge: &Charge<'_>,
    now: i64,
) -> Result<Option<NewEvent>, DbError> {
    let Some(totals) = charge.session.totals(&catalog.default_currency()) else {
        return Ok(None);
    };
    let (event_type, status) = match charge.failure {
        None => (
            WebhookEventType::PaymentSucceeded,
            WebhookPaymentStatus::Succeeded,
        ),
        Some(_) => (
            WebhookEventType::PaymentFailed,
            WebhookPaymentStatus::Failed,
        ),
    };
    let records = charge.records;
    let payment = WebhookPayment {
        id: charge.id.to_owned(),
        status,
        amount: totals.total_due_today,
        currency: totals.currency,
        payment_method: "card".to_owned(),
        customer_id: charge.session.customer_id.clone(),
        checkout_session_id: Some(charge.session.id.clone()),
        purchase_id: records.and_then(|r| r.purchase.as_ref().map(|p| p.id.clone())),
        subscription_id: records.and_then(|r| r.subscription.as_ref().map(|s| s.id.clone())),
        invoice_id: records.and_then(|r| r.invoice.as_ref().map(|i| i.id.clone())),
        payment_method_id: records
            .and_then(|r| r.payment_method.as_ref().map(|(pm, _)| pm.id.clone())),
        failure_code: charge.failure.map(|(code, _)| code),
        failure_message: charge.failure.map(|(_, message)| message.to_owned()),
        charge_date: now,
    };
    let body = FlowgladEvent {
        event_type,
        timestamp: clock::rfc3339(now),
        id: charge.id.to_owned(),
        object: EventObject::Payment,
        customer: charge.customer.map(event_customer),
        pricing_model_id: pricing_model(catalog),
        data: PaymentEventData { payment },
    };
    encode(event_type, Some(charge.session.id.clone()), &body).map(Some)
}

/// A plan change's charge to a saved card, for `payment.succeeded` and
/// `payment.failed` (no checkout session: `checkoutSessionId` is null).
#[derive(Debug, Clone, PartialEq)]
pub struct SavedCardCharge<'a> {
    /// The payment's id: the charge's attempt key.
    pub id: &'a str,
    /// Who was charged.
    pub customer: &'a StoredCustomer,
    /// The subscription whose plan changed.
    pub subscription_id: &'a str,
    /// Minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: &'a str,
    /// The saved card charged.
    pub payment_method_id: &'a str,
    /// The invoice it paid (none for a decline).
    pub invoice_id: Option<&'a str>,
    /// Why it was declined (none for a success).
    pub failure: Option<(ErrorCode, &'a str)>,
}

/// `payment.succeeded` or `payment.failed` for a plan change's charge.
pub fn saved_card_payment(
    catalog: &Catalog,
    charge: &SavedCardCharge<'_>,
    now: i64,
) -> Result<NewEvent, DbError> {
    let (event_type, status) = match charge.failure {
        None => (
            WebhookEventType::PaymentSucceeded,
            WebhookPaymentStatus::Succeeded,
        ),
        Some(_) => (
            WebhookEventType::PaymentFailed,
            WebhookPaymentStatus::Failed,
        ),
    };
    let payment = WebhookPayment {
        id: charge.id.to_owned(),
        status,
        amount: charge.amount,
        currency: charge.currency.to_owned(),
        payment_method: "card".to_owned(),
        customer_id: Some(charge.customer.id.clone()),
        checkout_session_id: None,
        purchase_id: None,
        subscription_id: Some(charge.subscription_id.to_owned()),
        invoice_id: charge.invoice_id.map(str::to_owned),
        payment_method_id: Some(charge.payment_method_id.to_owned()),
        failure_code: charge.failure.map(|(code, _)| code),
        failure_message: charge.failure.map(|(_, message)| message.to_owned()),
        charge_date: now,
    };
    let body = FlowgladEvent {
        event_type,
        timestamp: clock::rfc3339(now),
        id: charge.id.to_owned(),
        object: EventObject::Payment,
        customer: Some(event_customer(charge.customer)),
        pricing_model_id: pricing_model(catalog),
        data: PaymentEventData { payment },
    };
    encode(event_type, None, &body)
}

fn event_customer(c: &StoredCustomer) -> EventCustomer {
    EventCustomer {
        id: c.id.clone(),
        external_id: c.external_id.clone(),
    }
}

/// The pricing model every record belongs to: a catalog holds one.
fn pricing_model(catalog: &Catalog) -> String {
    catalog.pricing_model.id.clone()
}

fn event<T: Serialize>(
    event_type: WebhookEventType,
    session: &StoredSession,
    now: i64,
    data: T,
) -> Result<NewEvent, DbError> {
    let body = WebhookEvent {
        event_type,
        timestamp: clock::rfc3339(now),
        data,
    };
    encode(event_type, Some(session.id.clone()), &body)
}

fn encode<T: Serialize>(
    event_type: WebhookEventType,
    checkout_session_id: Option<String>,
    body: &T,
) -> Result<NewEvent, DbError> {
    let payload = serde_json::to_string(body)
        .map_err(|e| DbError::Corrupt(format!("cannot encode a webhook body: {e}")))?;
    Ok(NewEvent {
        event_type,
        checkout_session_id,
        payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::session::{CheckoutOptions, SoldItem};
    use checkout_protocol::{
        BillingAddress, CheckoutSessionStatus, CheckoutSessionType, IntervalUnit, PriceType,
        SubscriptionStatus,
    };
    use serde_json::{json, Value};

    const NOW: i64 = 1_781_481_600_000;

    fn session(catalog: &Catalog) -> StoredSession {
        let (product, price) = catalog.price_by_slug("pro-yearly").unwrap();
        StoredSession {
            id: "cs_1".into(),
            session_type: CheckoutSessionType::Product,
            status: CheckoutSessionStatus::Succeeded,
            customer_id: Some("cus_alice".into()),
            customer_name: Some("Alice Martin".into()),
            customer_email: Some("alice@example.com".into()),
            price_id: Some(price.id.clone()),
            quantity: 1,
            success_url: Some("https://shop.test/ok".into()),
            cancel_url: Some("https://shop.test/no".into()),
            output_name: Some("Team plan".into()),
            output_metadata: json!({"plan": "team", "seats": 5}).as_object().cloned(),
            line_items: vec![SoldItem::of(product, price, 1)],
            card: None,
            purchase_id: Some("pur_1".into()),
            subscription_id: None,
            invoice_id: None,
            invoice_number: None,
            billing_address: Some(BillingAddress {
                name: "Alice Martin".into(),
                line1: "1 Main St".into(),
                line2: None,
                city: "Springfield".into(),
                state: None,
                postal_code: "12345".into(),
                country: "US".into(),
            }),
            tax_id: None,
            options: CheckoutOptions {
                request_id: Some("order-42".into()),
                ..CheckoutOptions::default()
            },
            created_at: NOW - 1000,
            updated_at: NOW,
            expires_at: NOW + 1000,
        }
    }

    fn body(e: &NewEvent) -> Value {
        serde_json::from_str(&e.payload).unwrap()
    }

    #[test]
    fn completed_carries_the_merchants_references_everywhere() {
        let catalog = Catalog::demo().unwrap();
        let s = session(&catalog);
        let purchase = StoredPurchase {
            id: "pur_1".into(),
            customer_id: Some("cus_alice".into()),
            checkout_session_id: Some("cs_1".into()),
            request_id: None,
            price_id: "price_pro_yearly".into(),
            price_type: PriceType::Subscription,
            quantity: 1,
            amount: 12000,
            currency: "USD".into(),
            name: "Team plan".into(),
            metadata: s.output_metadata.clone(),
            status: "paid".into(),
            price_per_billing_cycle: Some(12000),
            interval_unit: Some(IntervalUnit::Year),
            interval_count: Some(1),
            trial_period_days: None,
            billing_address: s.billing_address.clone(),
            tax_id: None,
            created_at: NOW,
        };
        let subscription = StoredSubscription {
            id: "sub_1".into(),
            customer_id: "cus_alice".into(),
            price_id: "price_pro_yearly".into(),
            status: SubscriptionStatus::Active,
            checkout_session_id: Some("cs_1".into()),
            request_id: None,
            name: Some("Team plan".into()),
            metadata: s.output_metadata.clone(),
            quantity: 1,
            interval_unit: Some(IntervalUnit::Year),
            interval_count: Some(1),
            start_date: NOW,
            current_period_start: Some(NOW),
            current_period_end: Some(NOW + 1),
            trial_end: None,
            cancel_scheduled_at: None,
            canceled_at: None,
            default_payment_method_id: None,
            scheduled_change: None,
            created_at: NOW,
            updated_at: NOW,
        };
        let records = CompletedRecords {
            session: s,
            purchase: Some(purchase),
            subscription: Some(subscription),
            invoice: None,
            payment_method: None,
        };
        let e = completed(&catalog, &records, NOW).unwrap();
        assert_eq!(e.event_type, WebhookEventType::CheckoutSessionCompleted);
        assert_eq!(e.checkout_session_id.as_deref(), Some("cs_1"));
        let v = body(&e);
        assert_eq!(v["type"], "checkout.session.completed");
        assert_eq!(v["timestamp"], "2026-06-15T00:00:00.000Z");
        let data = &v["data"];
        let cs = &data["checkoutSession"];
        assert_eq!(cs["status"], "succeeded");
        assert_eq!(cs["requestId"], "order-42");
        assert_eq!(cs["outputName"], "Team plan");
        assert_eq!(cs["outputMetadata"], json!({"plan": "team", "seats": 5}));
        assert_eq!(cs["billingAddress"]["address"]["postal_code"], "12345");
        assert_eq!(data["purchase"]["metadata"]["plan"], "team");
        assert_eq!(data["purchase"]["name"], "Team plan");
        assert_eq!(data["subscription"]["metadata"]["seats"], 5);
        assert_eq!(data["subscription"]["name"], "Team plan");
        assert!(data.get("invoice").is_none() && data.get("paymentMethod").is_none());
    }

    #[test]
    fn expired_and_payment_failed_carry_the_session() {
        let catalog = Catalog::demo().unwrap();
        let mut s = session(&catalog);
        s.status = CheckoutSessionStatus::Expired;
        let v = body(&expired(&catalog, &s, NOW).unwrap());
        assert_eq!(v["type"], "checkout.session.expired");
        assert_eq!(v["data"]["checkoutSession"]["status"], "expired");
        assert_eq!(v["data"].as_object().unwrap().len(), 1);

        s.status = CheckoutSessionStatus::Open;
        let e = payment_failed(
            &catalog,
            &s,
            ErrorCode::CardInsufficientFunds,
            "Your card has insufficient funds.",
            NOW,
        )
        .unwrap();
        assert_eq!(e.event_type, WebhookEventType::CheckoutSessionPaymentFailed);
        let v = body(&e);
        assert_eq!(v["data"]["failureCode"], "card_insufficient_funds");
        assert_eq!(
            v["data"]["failureMessage"],
            "Your card has insufficient funds."
        );
        assert_eq!(v["data"]["checkoutSession"]["requestId"], "order-42");
    }

    #[test]
    fn flowglad_events_carry_flowglads_fields_and_the_record() {
        let catalog = Catalog::demo().unwrap();
        let alice = StoredCustomer {
            id: "cus_alice".into(),
            external_id: "alice".into(),
            name: "Alice Martin".into(),
            email: "alice@example.com".into(),
        };
        let e = customer(WebhookEventType::CustomerCreated, &catalog, &alice, NOW).unwrap();
        assert_eq!(e.checkout_session_id, None);
        let v = body(&e);
        assert_eq!(v["type"], "customer.created");
        assert_eq!(v["id"], "cus_alice");
        assert_eq!(v["object"], "customer");
        assert_eq!(
            v["customer"],
            json!({"id": "cus_alice", "externalId": "alice"})
        );
        assert_eq!(v["pricingModelId"], "pm_demo");
        assert_eq!(v["data"]["customer"]["email"], "alice@example.com");

        let mut s = session(&catalog);
        s.status = CheckoutSessionStatus::Open;
        let declined = Charge {
            id: "pa_1",
            session: &s,
            customer: None,
            records: None,
            failure: Some((ErrorCode::CardDeclined, "Your card was declined.")),
        };
        let e = payment(&catalog, &declined, NOW).unwrap().unwrap();
        assert_eq!(e.event_type, WebhookEventType::PaymentFailed);
        assert_eq!(e.checkout_session_id.as_deref(), Some("cs_1"));
        let v = body(&e);
        assert_eq!(v["id"], "pa_1");
        assert_eq!(v["object"], "payment");
        assert!(v.get("customer").is_none(), "anonymous: {v}");
        let p = &v["data"]["payment"];
        assert_eq!(p["status"], "failed");
        assert_eq!(p["amount"], 12000);
        assert_eq!(p["currency"], "USD");
        assert_eq!(p["failureCode"], "card_declined");
        assert_eq!(p["purchaseId"], Value::Null);
        assert_eq!(p["chargeDate"], NOW);
    }
}
