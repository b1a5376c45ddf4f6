//! Webhook events a billing server sends to the merchant, signed as
//! [Standard Webhooks](https://www.standardwebhooks.com/) (`webhook-id`,
//! `webhook-timestamp`, `webhook-signature` headers).
//!
//! Every body is `{type, timestamp, data}`: `type` is one of
//! [`WebhookEventType`], `timestamp` is when the event happened (RFC 3339,
//! UTC), and `data` holds records in `@flowglad/node`'s shapes (epoch
//! milliseconds inside, as everywhere else).

use crate::{CheckoutSession, ErrorCode, Invoice, PaymentMethod, Purchase, Subscription};
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
}

impl WebhookEventType {
    /// Every event type, in declaration order.
    pub const ALL: &'static [WebhookEventType] = &[
        Self::CheckoutSessionCompleted,
        Self::CheckoutSessionExpired,
        Self::CheckoutSessionPaymentFailed,
    ];

    /// The wire form, e.g. `checkout.session.completed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CheckoutSessionCompleted => "checkout.session.completed",
            Self::CheckoutSessionExpired => "checkout.session.expired",
            Self::CheckoutSessionPaymentFailed => "checkout.session.payment_failed",
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
