//! Webhook events a billing server sends to the merchant, signed twice
//! over with the same signature: as [Standard Webhooks](https://www.standardwebhooks.com/)
//! (`webhook-id`, `webhook-timestamp`, `webhook-signature` headers) and as
//! Svix, which Flowglad uses (`svix-id`, `svix-timestamp`, `svix-signature`),
//! so `@flowglad/server`'s `verifyWebhook` accepts every delivery.
//!
//! Every body has `type` (one of [`WebhookEventType`]), `timestamp` (when
//! the event happened, RFC 3339, UTC) and `data` (records in
//! `@flowglad/node`'s shapes, epoch milliseconds inside, as everywhere
//! else). The `checkout.session.*` events are [`WebhookEvent`]s; Flowglad's
//! own event types ([`FlowgladEvent`]) add, at the top level, Flowglad's
//! body: the object's `id`, `object`, `customer` (`{id, externalId}`) and
//! `pricingModelId`.

use crate::{CheckoutSession, Customer, ErrorCode, Invoice, PaymentMethod, Purchase, Subscription};
use serde::{Deserialize, Serialize};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WebhookEventType {
    /// A checkout session was paid (or its card saved): `data` is
    /// [`CheckoutSessionCompletedData`].
    #[serde(rename = "checkout.session.completed")]
    CheckoutSessionCompleted,
    /// An open checkout session passed its expiry or was expired through the
    /// platform API: `data` is [`CheckoutSessionExpiredData`].
    #[serde(rename = "checkout.session.expired")]
    CheckoutSessionExpired,
    /// A payment attempt on a checkout session was declined (the session
    /// stays open for another try): `data` is [`CheckoutSessionPaymentFailedData`].
    #[serde(rename = "checkout.session.payment_failed")]
    CheckoutSessionPaymentFailed,
    /// A customer was created (Flowglad's event): `data` is [`CustomerEventData`].
    #[serde(rename = "customer.created")]
    CustomerCreated,
    /// A customer's details changed (Flowglad's event): `data` is [`CustomerEventData`].
    #[serde(rename = "customer.updated")]
    CustomerUpdated,
    /// A purchase was paid for (Flowglad's event): `data` is [`PurchaseEventData`].
    #[serde(rename = "purchase.completed")]
    PurchaseCompleted,
    /// A charge went through (Flowglad's event): `data` is [`PaymentEventData`].
    #[serde(rename = "payment.succeeded")]
    PaymentSucceeded,
    /// A charge was declined (Flowglad's event): `data` is [`PaymentEventData`].
    #[serde(rename = "payment.failed")]
    PaymentFailed,
    /// A subscription was started (Flowglad's event): `data` is [`SubscriptionEventData`].
    #[serde(rename = "subscription.created")]
    SubscriptionCreated,
    /// A subscription changed without starting or ending (Flowglad's event):
    /// `data` is [`SubscriptionEventData`].
    #[serde(rename = "subscription.updated")]
    SubscriptionUpdated,
    /// A subscription ended (Flowglad's event): `data` is [`SubscriptionEventData`].
    #[serde(rename = "subscription.canceled")]
    SubscriptionCanceled,
}

impl WebhookEventType {
    /// Every event type, in declaration order.
    pub const ALL: &'static [WebhookEventType] = &[
        Self::CheckoutSessionCompleted,
        Self::CheckoutSessionExpired,
        Self::CheckoutSessionPaymentFailed,
        Self::CustomerCreated,
        Self::CustomerUpdated,
        Self::PurchaseCompleted,
        Self::PaymentSucceeded,
        Self::PaymentFailed,
        Self::SubscriptionCreated,
        Self::SubscriptionUpdated,
        Self::SubscriptionCanceled,
    ];

    /// The wire form, e.g. `checkout.session.completed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CheckoutSessionCompleted => "checkout.session.completed",
            Self::CheckoutSessionExpired => "checkout.session.expired",
            Self::CheckoutSessionPaymentFailed => "checkout.session.payment_failed",
            Self::CustomerCreated => "customer.created",
            Self::CustomerUpdated => "customer.updated",
            Self::PurchaseCompleted => "purchase.completed",
            Self::PaymentSucceeded => "payment.succeeded",
            Self::PaymentFailed => "payment.failed",
            Self::SubscriptionCreated => "subscription.created",
            Self::SubscriptionUpdated => "subscription.updated",
            Self::SubscriptionCanceled => "subscription.canceled",
        }
    }

    /// Parses the wire form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == s)
    }
}

/// A webhook body: `{type, timestamp, data}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookEvent<T> {
    /// What happened.
    #[serde(rename = "type")]
    pub event_type: WebhookEventType,
    /// When it happened, RFC 3339 in UTC with milliseconds, e.g. `2026-06-15T10:00:00.000Z`.
    pub timestamp: String,
    /// The records involved.
    pub data: T,
}

/// `data` of `checkout.session.completed`: the session and what paying it
/// made or changed. The session carries `requestId`, `outputName` and
/// `outputMetadata`; the purchase and subscription carry the output name as
/// `name` and the output metadata as `metadata`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutSessionCompletedData {
    /// The session, now `succeeded`.
    pub checkout_session: CheckoutSession,
    /// The purchase a product checkout made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase: Option<Purchase>,
    /// The subscription started or activated, or the one a saved card now pays for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription: Option<Subscription>,
    /// The paid invoice (a new one, or the one an invoice session paid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice: Option<Invoice>,
    /// The card saved for a signed-in customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<PaymentMethod>,
}

/// `data` of `checkout.session.expired`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutSessionExpiredData {
    /// The session, now `expired`.
    pub checkout_session: CheckoutSession,
}

/// `data` of `checkout.session.payment_failed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutSessionPaymentFailedData {
    /// The session, open again for another try.
    pub checkout_session: CheckoutSession,
    /// Why, as a stable code, e.g. `card_declined`.
    pub failure_code: ErrorCode,
    /// Why, for a person.
    pub failure_message: String,
}

/// What a Flowglad event is about (Flowglad's `EventNoun`), its body's `object`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventObject {
    /// A customer (`cus_…`).
    Customer,
    /// A purchase (`pur_…`).
    Purchase,
    /// A payment (`pa_…`, the payment attempt).
    Payment,
    /// A subscription (`sub_…`).
    Subscription,
}

/// The customer a Flowglad event concerns: `{id, externalId}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventCustomer {
    /// Platform id (`cus_…`).
    pub id: String,
    /// The merchant's own id for the customer.
    pub external_id: String,
}

/// A body of one of Flowglad's event types: Flowglad's own fields (`id`,
/// `object`, `customer`, `pricingModelId`, as Flowglad's platform sends
/// them through Svix) beside this server's `type`, `timestamp` and `data`
/// (the record itself, so a receiver need not fetch it). Flowglad's bodies
/// name no type; ours do, so one endpoint can tell every event apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowgladEvent<T> {
    /// What happened.
    #[serde(rename = "type")]
    pub event_type: WebhookEventType,
    /// When it happened, RFC 3339 in UTC with milliseconds.
    pub timestamp: String,
    /// The id of the object the event is about.
    pub id: String,
    /// What kind of object that is.
    pub object: EventObject,
    /// The customer it belongs to; absent for an anonymous checkout's
    /// purchase or payment (no customer record exists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<EventCustomer>,
    /// The pricing model the object belongs to.
    pub pricing_model_id: String,
    /// The record.
    pub data: T,
}

/// `data` of `customer.created` and `customer.updated`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerEventData {
    /// The customer as it is now.
    pub customer: Customer,
}

/// `data` of `purchase.completed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchaseEventData {
    /// The purchase, `paid`, with the checkout's output name and metadata.
    pub purchase: Purchase,
}

/// `data` of `subscription.created`, `subscription.updated` and `subscription.canceled`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionEventData {
    /// The subscription as the change left it.
    pub subscription: Subscription,
}

/// `data` of `payment.succeeded` and `payment.failed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentEventData {
    /// The charge.
    pub payment: WebhookPayment,
}

/// Where a payment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookPaymentStatus {
    /// The charge went through.
    Succeeded,
    /// The charge was declined.
    Failed,
}

/// A charge, with the fields of `@flowglad/node`'s `Payment` this server
/// knows (its id is the payment attempt's, `pa_…`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookPayment {
    /// The payment attempt's id, `pa_…`.
    pub id: String,
    /// Where it ended.
    pub status: WebhookPaymentStatus,
    /// What was (or would have been) charged, in minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// Always `card` (the only way to pay here).
    pub payment_method: String,
    /// The customer who paid; `None` for an anonymous checkout.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// The checkout session paid; `None` for a charge made without one (a
    /// plan change charged to the saved card), as Flowglad's is nullable.
    #[serde(default)]
    pub checkout_session_id: Option<String>,
    /// The purchase it paid for.
    #[serde(default)]
    pub purchase_id: Option<String>,
    /// The subscription it paid for.
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// The invoice it paid.
    #[serde(default)]
    pub invoice_id: Option<String>,
    /// The saved card charged, for a signed-in customer.
    #[serde(default)]
    pub payment_method_id: Option<String>,
    /// Why it failed, as a stable code.
    #[serde(default)]
    pub failure_code: Option<ErrorCode>,
    /// Why it failed, for a person.
    #[serde(default)]
    pub failure_message: Option<String>,
    /// When it was charged (or declined), epoch ms.
    pub charge_date: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn event_types_use_dotted_names() {
        for &t in WebhookEventType::ALL {
            assert_eq!(serde_json::to_value(t).unwrap(), json!(t.as_str()));
            assert_eq!(WebhookEventType::parse(t.as_str()), Some(t));
        }
        assert_eq!(
            WebhookEventType::CheckoutSessionCompleted.as_str(),
            "checkout.session.completed"
        );
        assert_eq!(WebhookEventType::parse("checkout.completed"), None);
        // Flowglad's names, exactly (`FlowgladEventType` on its platform).
        let flowglad: Vec<&str> = WebhookEventType::ALL[3..]
            .iter()
            .map(|t| t.as_str())
            .collect();
        assert_eq!(
            flowglad,
            [
                "customer.created",
                "customer.updated",
                "purchase.completed",
                "payment.succeeded",
                "payment.failed",
                "subscription.created",
                "subscription.updated",
                "subscription.canceled"
            ]
        );
    }

    #[test]
    fn a_flowglad_event_has_flowglads_fields_at_the_top() {
        let body = json!({
            "type": "payment.failed",
            "timestamp": "2026-06-15T10:00:00.000Z",
            "id": "pa_1",
            "object": "payment",
            "customer": {"id": "cus_1", "externalId": "alice"},
            "pricingModelId": "pm_demo",
            "data": {"payment": {"id": "pa_1", "status": "failed", "amount": 4900,
                "currency": "USD", "paymentMethod": "card", "checkoutSessionId": "cs_1",
                "failureCode": "card_declined", "failureMessage": "Declined.", "chargeDate": 1}}
        });
        let e: FlowgladEvent<PaymentEventData> = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(e.object, EventObject::Payment);
        assert_eq!(e.data.payment.status, WebhookPaymentStatus::Failed);
        assert_eq!(e.data.payment.failure_code, Some(ErrorCode::CardDeclined));
        let back = serde_json::to_value(&e).unwrap();
        assert_eq!(back["customer"], body["customer"]);
        assert_eq!(back["pricingModelId"], "pm_demo");
        let anonymous = FlowgladEvent {
            customer: None,
            ..e
        };
        assert!(serde_json::to_value(&anonymous)
            .unwrap()
            .get("customer")
            .is_none());
    }

    #[test]
    fn a_payment_failed_body_reads_back() {
        let body = json!({
            "type": "checkout.session.payment_failed",
            "timestamp": "2026-06-15T10:00:00.000Z",
            "data": {
                "checkoutSession": {"id": "cs_1", "type": "product", "status": "open", "expires": 1,
                    "createdAt": 1, "updatedAt": 2, "requestId": "order-1"},
                "failureCode": "card_declined",
                "failureMessage": "Your card was declined."
            }
        });
        let e: WebhookEvent<CheckoutSessionPaymentFailedData> =
            serde_json::from_value(body.clone()).unwrap();
        assert_eq!(e.event_type, WebhookEventType::CheckoutSessionPaymentFailed);
        assert_eq!(e.data.failure_code, ErrorCode::CardDeclined);
        assert_eq!(
            e.data.checkout_session.request_id.as_deref(),
            Some("order-1")
        );
        assert_eq!(
            serde_json::to_value(&e).unwrap()["data"]["failureCode"],
            "card_declined"
        );
    }

    #[test]
    fn completed_data_leaves_out_what_was_not_made() {
        let data: CheckoutSessionCompletedData = serde_json::from_value(json!({
            "checkoutSession": {"id": "cs_1", "type": "add_payment_method", "status": "succeeded",
                "expires": 1, "createdAt": 1, "updatedAt": 2},
            "paymentMethod": {"id": "pm_1", "paymentMethodData": {"brand": "visa", "last4": "4242",
                "expMonth": 1, "expYear": 2031}}
        }))
        .unwrap();
        assert!(data.purchase.is_none() && data.subscription.is_none() && data.invoice.is_none());
        let v = serde_json::to_value(&data).unwrap();
        assert!(v.get("purchase").is_none(), "{v}");
        assert_eq!(v["paymentMethod"]["id"], "pm_1");
    }
}
