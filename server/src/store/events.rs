//! Webhook bodies: `{type, timestamp, data}` with the records in
//! `@flowglad/node`'s shapes, rendered from the rows a transaction just
//! wrote, inside that transaction (so the body is what committed).

use crate::domain::catalog::Catalog;
use crate::domain::clock;
use crate::domain::records::StoredCustomer;
use crate::domain::records::{
    invoice_view, payment_method_view, purchase_view, subscription_view, StoredInvoice,
    StoredPaymentMethod, StoredPurchase,
};
use crate::domain::session::StoredSession;
use crate::domain::subscription::StoredSubscription;
use crate::store::{DbError, NewEvent};
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
    let payload = serde_json::to_string(&body)
        .map_err(|e| DbError::Corrupt(format!("cannot encode a webhook body: {e}")))?;
    Ok(NewEvent {
        event_type,
        checkout_session_id: Some(session.id.clone()),
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
}
