//! Stable error codes shared by the server and the widget.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A stable, machine-matchable error code. Serialized in `snake_case`; never
/// renamed once published, because merchants' code matches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request body is not valid JSON or not of the expected shape.
    InvalidRequest,
    /// The request body is larger than the server accepts.
    PayloadTooLarge,
    /// Neither a price id nor a price slug was given.
    PriceMissing,
    /// Both a price id and a price slug were given.
    PriceAmbiguous,
    /// The price id or slug does not exist in the pricing model.
    PriceNotFound,
    /// The quantity is zero, negative, fractional or too large.
    InvalidQuantity,
    /// A success or cancel URL is missing, malformed, or not http(s).
    InvalidUrl,
    /// A success or cancel URL points at a host the server's redirect
    /// allowlist does not name (nor the server's own origin).
    RedirectHostNotAllowed,
    /// A checkout has more line items than the server accepts.
    TooManyLineItems,
    /// The browser sent an option only the merchant's server may set (e.g.
    /// `trialDays`); the message names the field.
    FieldNotAllowed,
    /// `outputMetadata` has too many keys or is too large.
    InvalidMetadata,
    /// A text field is longer than the server accepts; the message names it.
    FieldTooLong,
    /// The email address is missing or malformed.
    InvalidEmail,
    /// The card number is malformed or fails the Luhn check.
    CardInvalidNumber,
    /// The card's expiry date is malformed or in the past.
    CardInvalidExpiry,
    /// The card's security code has the wrong length.
    CardInvalidCvc,
    /// The card issuer declined the payment.
    CardDeclined,
    /// The card has insufficient funds.
    CardInsufficientFunds,
    /// The card has expired (as reported by the issuer).
    CardExpired,
    /// No checkout session has that id.
    CheckoutSessionNotFound,
    /// The checkout session has expired.
    CheckoutSessionExpired,
    /// The checkout session is no longer open (already paid or being paid).
    CheckoutSessionNotOpen,
    /// This action needs a signed-in customer.
    CustomerRequired,
    /// No customer has that id or external id.
    CustomerNotFound,
    /// The billing platform the server forwards to could not be reached.
    PlatformUnavailable,
    /// The billing platform the server forwards to did not answer in time.
    PlatformTimeout,
    /// The billing platform the server forwards to answered with something unreadable.
    PlatformInvalidResponse,
    /// The line items are priced in more than one currency.
    CurrencyMismatch,
    /// A checkout can sell at most one subscription price.
    MultipleSubscriptionPrices,
    /// The discount code does not exist, is no longer active, or has expired.
    DiscountCodeInvalid,
    /// This checkout does not take discount codes (it neither allows
    /// promotion codes nor was created with one).
    PromotionCodesNotAllowed,
    /// The checkout collects a billing address and the one sent is missing
    /// or incomplete; the message names the missing fields.
    BillingAddressRequired,
    /// The customer has no invoice with that id.
    InvoiceNotFound,
    /// The invoice is not open for payment (already paid, void, or being paid).
    InvoiceNotOpen,
    /// No webhook event has that id.
    WebhookEventNotFound,
    /// The customer has no subscription with that id.
    SubscriptionNotFound,
    /// The subscription has already ended and cannot be canceled.
    SubscriptionNotCancelable,
    /// The subscription has no scheduled cancellation to undo.
    SubscriptionCancellationNotScheduled,
    /// The `Idempotency-Key` header is empty, too long, or not visible ASCII.
    IdempotencyKeyInvalid,
    /// The `Idempotency-Key` was already used for a different request.
    IdempotencyKeyReused,
    /// The platform API key is missing or wrong.
    Unauthorized,
    /// A cross-origin request came from an origin the server does not allow.
    OriginNotAllowed,
    /// Too many requests of one kind — payment attempts, checkouts started,
    /// discount codes tried, failed API keys — for this checkout, customer or
    /// address, or too many declines shop-wide; the `Retry-After` header says
    /// when to try again.
    RateLimited,
    /// The action or path does not exist.
    NotFound,
    /// Something failed on the server; the request may be retried.
    Internal,
    /// `outputMetadata`, `successUrl`, `cancelUrl` and `outputName` of one
    /// checkout session are together larger than the server keeps (16 KiB);
    /// the message names the cap.
    SessionDataTooLarge,
    /// The request body did not arrive within the server's body timeout;
    /// the connection is closed.
    RequestTimeout,

    // Usage metering (issue 15).
    /// The pricing model has no usage meter (or usage price) with that id or slug.
    UsageMeterNotFound,
    /// A usage event's `amount` is not a whole number from 1 to the server's bound.
    InvalidUsageAmount,
    /// The `transactionId` was already used for different usage (another
    /// subscription, meter or amount); nothing was recorded.
    UsageTransactionConflict,
    /// The subscription has ended; usage can no longer be recorded on it.
    SubscriptionNotCurrent,
    /// No `subscriptionId` was given and the customer has no current subscription.
    SubscriptionRequired,

    // Resource claims (issue 15).
    /// The pricing model has no resource with that slug or id.
    ResourceNotFound,
    /// The claim would take more of a resource than the subscription's
    /// capacity; nothing was claimed.
    ResourceCapacityExceeded,
    /// A claim to release (by id or `externalId`), or enough anonymous claims
    /// to release, is not held on the subscription; nothing was released.
    ResourceClaimNotFound,

    // Subscription create (issue 15).
    /// The price costs money: a subscription to it starts through a checkout
    /// (`checkout-sessions/create`), not `subscriptions/create`, unless the
    /// merchant's policy allows it.
    CheckoutRequired,
    /// The customer already has a current subscription to that price.
    AlreadySubscribed,
    /// The price is not a subscription price (a one-time or usage price):
    /// refused by `subscriptions/create` and by a plan change.
    PriceNotRecurring,
    // Plan changes (issue 15, subscriptions/adjust).
    /// A plan change names more than one item: subscriptions here hold one
    /// price, so a multi-item plan is refused rather than cut down.
    MultipleSubscriptionItems,
    /// The subscription is already on the plan asked for (same price and
    /// quantity); nothing was changed or charged.
    SubscriptionPlanUnchanged,
    /// The subscription cannot change plan in its state (ended, its
    /// cancellation scheduled, or not paid up).
    SubscriptionNotAdjustable,
    /// No `subscriptionId` was given and the customer has several current
    /// subscriptions, so which one to change is not clear.
    SubscriptionAmbiguous,
    /// A charge is due and the customer has no saved default payment method;
    /// nothing was changed.
    PaymentMethodRequired,
    /// Another change of the same subscription is being made right now;
    /// nothing was changed or charged by this request.
    SubscriptionChangeInProgress,
    // Session fields and modes (issue 16).
    /// A platform-API create's `mode` does not match its type and prices (a
    /// one-time price with `subscription`, a subscription price with
    /// `payment`, a product with `setup`); nothing was created.
    ModeMismatch,
    // 3-D Secure in test mode (issue 16).
    /// The cardholder failed the bank's authentication (3-D Secure); nothing
    /// was charged and the checkout stays open to try again.
    AuthenticationFailed,
    /// The bank's authentication of this payment timed out (or the
    /// processor no longer knows it); nothing was charged: pay again.
    AuthenticationExpired,
    /// The checkout has no bank authentication waiting with that id (none
    /// is pending, or it belongs to another checkout).
    AuthenticationNotFound,
    /// The checkout is waiting for the bank's authentication of an earlier
    /// payment: finish it (or fail it) before paying or changing the
    /// checkout again.
    AuthenticationPending,
    // Saved cards (issue 16).
    /// A confirm sent neither a `card` nor a saved `paymentMethodId`.
    PaymentMethodMissing,
    /// A confirm sent both a `card` and a saved `paymentMethodId`; nothing was charged.
    PaymentMethodAmbiguous,
    /// No saved card with that id is available here: it does not exist, is
    /// someone else's, was removed, or the checkout offers no saved cards.
    PaymentMethodNotFound,
    /// The card cannot be removed: it is the customer's only card and a
    /// current subscription bills to it.
    PaymentMethodInUse,
    // Adjustable quantity and tax IDs (issue 16, item 8).
    /// A quantity chosen on the hosted page (or a create's initial quantity)
    /// is outside the merchant's `adjustableQuantity` bounds; the message names them.
    QuantityOutOfRange,
    /// The session cannot have its quantity changed: the merchant did not
    /// enable `adjustableQuantity`, or it was asked for on a session that
    /// does not sell one per-unit price (an invoice, saving a card, an
    /// activation, several line items, a usage price).
    AdjustableQuantityNotAllowed,
    /// A tax ID does not have its type's format; the message names the
    /// expected one.
    InvalidTaxId,
}

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: &'static [ErrorCode] = &[
        Self::InvalidRequest,
        Self::PayloadTooLarge,
        Self::PriceMissing,
        Self::PriceAmbiguous,
        Self::PriceNotFound,
        Self::InvalidQuantity,
        Self::InvalidUrl,
        Self::RedirectHostNotAllowed,
        Self::TooManyLineItems,
        Self::FieldNotAllowed,
        Self::InvalidMetadata,
        Self::FieldTooLong,
        Self::InvalidEmail,
        Self::CardInvalidNumber,
        Self::CardInvalidExpiry,
        Self::CardInvalidCvc,
        Self::CardDeclined,
        Self::CardInsufficientFunds,
        Self::CardExpired,
        Self::CheckoutSessionNotFound,
        Self::CheckoutSessionExpired,
        Self::CheckoutSessionNotOpen,
        Self::CustomerRequired,
        Self::CustomerNotFound,
        Self::PlatformUnavailable,
        Self::PlatformTimeout,
        Self::PlatformInvalidResponse,
        Self::CurrencyMismatch,
        Self::MultipleSubscriptionPrices,
        Self::DiscountCodeInvalid,
        Self::PromotionCodesNotAllowed,
        Self::BillingAddressRequired,
        Self::InvoiceNotFound,
        Self::InvoiceNotOpen,
        Self::WebhookEventNotFound,
        Self::SubscriptionNotFound,
        Self::SubscriptionNotCancelable,
        Self::SubscriptionCancellationNotScheduled,
        Self::IdempotencyKeyInvalid,
        Self::IdempotencyKeyReused,
        Self::Unauthorized,
        Self::OriginNotAllowed,
        Self::RateLimited,
        Self::NotFound,
        Self::Internal,
        Self::SessionDataTooLarge,
        Self::RequestTimeout,
        Self::UsageMeterNotFound,
        Self::InvalidUsageAmount,
        Self::UsageTransactionConflict,
        Self::SubscriptionNotCurrent,
        Self::SubscriptionRequired,
        Self::ResourceNotFound,
        Self::ResourceCapacityExceeded,
        Self::ResourceClaimNotFound,
        // Subscription create (issue 15).
        Self::CheckoutRequired,
        Self::AlreadySubscribed,
        Self::PriceNotRecurring,
        Self::MultipleSubscriptionItems,
        Self::SubscriptionPlanUnchanged,
        Self::SubscriptionNotAdjustable,
        Self::SubscriptionAmbiguous,
        Self::PaymentMethodRequired,
        Self::SubscriptionChangeInProgress,
        // Session fields and modes (issue 16).
        Self::ModeMismatch,
        // 3-D Secure in test mode (issue 16).
        Self::AuthenticationFailed,
        Self::AuthenticationExpired,
        Self::AuthenticationNotFound,
        Self::AuthenticationPending,
        // Saved cards (issue 16).
        Self::PaymentMethodMissing,
        Self::PaymentMethodAmbiguous,
        Self::PaymentMethodNotFound,
        Self::PaymentMethodInUse,
        // Adjustable quantity and tax IDs (issue 16, item 8).
        Self::QuantityOutOfRange,
        Self::AdjustableQuantityNotAllowed,
        Self::InvalidTaxId,
    ];

    /// The wire form of the code, e.g. `price_not_found`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::PayloadTooLarge => "payload_too_large",
            Self::PriceMissing => "price_missing",
            Self::PriceAmbiguous => "price_ambiguous",
            Self::PriceNotFound => "price_not_found",
            Self::InvalidQuantity => "invalid_quantity",
            Self::InvalidUrl => "invalid_url",
            Self::RedirectHostNotAllowed => "redirect_host_not_allowed",
            Self::FieldNotAllowed => "field_not_allowed",
            Self::TooManyLineItems => "too_many_line_items",
            Self::InvalidMetadata => "invalid_metadata",
            Self::FieldTooLong => "field_too_long",
            Self::InvalidEmail => "invalid_email",
            Self::CardInvalidNumber => "card_invalid_number",
            Self::CardInvalidExpiry => "card_invalid_expiry",
            Self::CardInvalidCvc => "card_invalid_cvc",
            Self::CardDeclined => "card_declined",
            Self::CardInsufficientFunds => "card_insufficient_funds",
            Self::CardExpired => "card_expired",
            Self::CheckoutSessionNotFound => "checkout_session_not_found",
            Self::CheckoutSessionExpired => "checkout_session_expired",
            Self::CheckoutSessionNotOpen => "checkout_session_not_open",
            Self::CustomerRequired => "customer_required",
            Self::CustomerNotFound => "customer_not_found",
            Self::PlatformUnavailable => "platform_unavailable",
            Self::PlatformTimeout => "platform_timeout",
            Self::PlatformInvalidResponse => "platform_invalid_response",
            Self::CurrencyMismatch => "currency_mismatch",
            Self::UsageMeterNotFound => "usage_meter_not_found",
            Self::InvalidUsageAmount => "invalid_usage_amount",
            Self::UsageTransactionConflict => "usage_transaction_conflict",
            Self::SubscriptionNotCurrent => "subscription_not_current",
            Self::SubscriptionRequired => "subscription_required",
            Self::ResourceNotFound => "resource_not_found",
            Self::ResourceCapacityExceeded => "resource_capacity_exceeded",
            Self::ResourceClaimNotFound => "resource_claim_not_found",
            // Subscription create (issue 15).
            Self::CheckoutRequired => "checkout_required",
            Self::AlreadySubscribed => "already_subscribed",
            Self::PriceNotRecurring => "price_not_recurring",
            Self::MultipleSubscriptionPrices => "multiple_subscription_prices",
            Self::DiscountCodeInvalid => "discount_code_invalid",
            Self::PromotionCodesNotAllowed => "promotion_codes_not_allowed",
            Self::BillingAddressRequired => "billing_address_required",
            Self::InvoiceNotFound => "invoice_not_found",
            Self::InvoiceNotOpen => "invoice_not_open",
            Self::WebhookEventNotFound => "webhook_event_not_found",
            Self::SubscriptionNotFound => "subscription_not_found",
            Self::SubscriptionNotCancelable => "subscription_not_cancelable",
            Self::SubscriptionCancellationNotScheduled => "subscription_cancellation_not_scheduled",
            Self::IdempotencyKeyInvalid => "idempotency_key_invalid",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::Unauthorized => "unauthorized",
            Self::OriginNotAllowed => "origin_not_allowed",
            Self::RateLimited => "rate_limited",
            Self::NotFound => "not_found",
            Self::Internal => "internal",
            Self::SessionDataTooLarge => "session_data_too_large",
            Self::RequestTimeout => "request_timeout",
            Self::MultipleSubscriptionItems => "multiple_subscription_items",
            Self::SubscriptionPlanUnchanged => "subscription_plan_unchanged",
            Self::SubscriptionNotAdjustable => "subscription_not_adjustable",
            Self::SubscriptionAmbiguous => "subscription_ambiguous",
            Self::PaymentMethodRequired => "payment_method_required",
            Self::SubscriptionChangeInProgress => "subscription_change_in_progress",
            // Session fields and modes (issue 16).
            Self::ModeMismatch => "mode_mismatch",
            // 3-D Secure in test mode (issue 16).
            Self::AuthenticationFailed => "authentication_failed",
            Self::AuthenticationExpired => "authentication_expired",
            Self::AuthenticationNotFound => "authentication_not_found",
            Self::AuthenticationPending => "authentication_pending",
            // Saved cards (issue 16).
            Self::PaymentMethodMissing => "payment_method_missing",
            Self::PaymentMethodAmbiguous => "payment_method_ambiguous",
            Self::PaymentMethodNotFound => "payment_method_not_found",
            Self::PaymentMethodInUse => "payment_method_in_use",
            // Adjustable quantity and tax IDs (issue 16, item 8).
            Self::QuantityOutOfRange => "quantity_out_of_range",
            Self::AdjustableQuantityNotAllowed => "adjustable_quantity_not_allowed",
            Self::InvalidTaxId => "invalid_tax_id",
        }
    }

    /// The HTTP status a server answers with for this code.
    pub fn http_status(self) -> u16 {
        match self {
            Self::InvalidRequest
            | Self::PriceMissing
            | Self::PriceAmbiguous
            | Self::InvalidQuantity
            | Self::InvalidUrl
            | Self::RedirectHostNotAllowed
            | Self::FieldNotAllowed
            | Self::TooManyLineItems
            | Self::InvalidMetadata
            | Self::FieldTooLong
            | Self::InvalidEmail
            | Self::CardInvalidNumber
            | Self::CardInvalidExpiry
            | Self::CardInvalidCvc
            | Self::CurrencyMismatch
            | Self::MultipleSubscriptionPrices
            | Self::DiscountCodeInvalid
            | Self::PromotionCodesNotAllowed
            | Self::BillingAddressRequired
            | Self::IdempotencyKeyInvalid
            | Self::SessionDataTooLarge
            | Self::InvalidUsageAmount
            | Self::SubscriptionRequired
            | Self::MultipleSubscriptionItems
            | Self::SubscriptionAmbiguous => 400,
            Self::PaymentMethodRequired => 402,
            // Session fields and modes (issue 16).
            Self::ModeMismatch => 400,
            // 3-D Secure in test mode (issue 16).
            Self::AuthenticationFailed => 402,
            Self::AuthenticationExpired => 410,
            Self::AuthenticationNotFound => 404,
            Self::AuthenticationPending => 409,
            // Saved cards (issue 16).
            Self::PaymentMethodMissing | Self::PaymentMethodAmbiguous => 400,
            Self::PaymentMethodNotFound => 404,
            Self::PaymentMethodInUse => 409,
            // Adjustable quantity and tax IDs (issue 16, item 8).
            Self::QuantityOutOfRange | Self::AdjustableQuantityNotAllowed | Self::InvalidTaxId => {
                400
            }
            // Subscription create (issue 15).
            Self::PriceNotRecurring => 400,
            Self::CheckoutRequired => 402,
            Self::AlreadySubscribed => 409,
            Self::RequestTimeout => 408,
            Self::CardDeclined | Self::CardInsufficientFunds | Self::CardExpired => 402,
            Self::Unauthorized | Self::CustomerRequired => 401,
            Self::PriceNotFound
            | Self::CheckoutSessionNotFound
            | Self::CustomerNotFound
            | Self::SubscriptionNotFound
            | Self::InvoiceNotFound
            | Self::WebhookEventNotFound
            | Self::UsageMeterNotFound
            | Self::ResourceNotFound
            | Self::ResourceClaimNotFound
            | Self::NotFound => 404,
            Self::CheckoutSessionNotOpen
            | Self::SubscriptionNotCancelable
            | Self::SubscriptionCancellationNotScheduled
            | Self::InvoiceNotOpen
            | Self::IdempotencyKeyReused
            | Self::UsageTransactionConflict
            | Self::SubscriptionNotCurrent
            | Self::ResourceCapacityExceeded
            | Self::SubscriptionPlanUnchanged
            | Self::SubscriptionNotAdjustable
            | Self::SubscriptionChangeInProgress => 409,
            Self::PayloadTooLarge => 413,
            Self::OriginNotAllowed => 403,
            Self::RateLimited => 429,
            Self::CheckoutSessionExpired => 410,
            Self::Internal => 500,
            Self::PlatformUnavailable | Self::PlatformInvalidResponse => 502,
            Self::PlatformTimeout => 504,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_form_matches_as_str() {
        for code in [
            ErrorCode::InvalidRequest,
            ErrorCode::PriceNotFound,
            ErrorCode::CheckoutSessionNotOpen,
            ErrorCode::CardInsufficientFunds,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn every_code_round_trips_and_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for &code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
            assert!(seen.insert(code.as_str()), "{code} twice");
            let s = code.as_str();
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{s} is not snake_case"
            );
        }
        assert_eq!(seen.len(), 76, "ALL lists every variant");
    }

    #[test]
    fn saved_card_codes_have_their_statuses() {
        for (code, status, wire) in [
            (
                ErrorCode::PaymentMethodMissing,
                400,
                "payment_method_missing",
            ),
            (
                ErrorCode::PaymentMethodAmbiguous,
                400,
                "payment_method_ambiguous",
            ),
            (
                ErrorCode::PaymentMethodNotFound,
                404,
                "payment_method_not_found",
            ),
            (ErrorCode::PaymentMethodInUse, 409, "payment_method_in_use"),
        ] {
            assert_eq!((code.http_status(), code.as_str()), (status, wire));
        }
    }

    #[test]
    fn subscription_create_codes_have_their_statuses() {
        for (code, status, wire) in [
            (ErrorCode::CheckoutRequired, 402, "checkout_required"),
            (ErrorCode::AlreadySubscribed, 409, "already_subscribed"),
            (ErrorCode::PriceNotRecurring, 400, "price_not_recurring"),
        ] {
            assert_eq!((code.http_status(), code.as_str()), (status, wire));
        }
    }

    #[test]
    fn plan_change_codes_have_their_statuses() {
        for (code, status, wire) in [
            (
                ErrorCode::MultipleSubscriptionItems,
                400,
                "multiple_subscription_items",
            ),
            (
                ErrorCode::SubscriptionPlanUnchanged,
                409,
                "subscription_plan_unchanged",
            ),
            (
                ErrorCode::SubscriptionNotAdjustable,
                409,
                "subscription_not_adjustable",
            ),
            (
                ErrorCode::SubscriptionAmbiguous,
                400,
                "subscription_ambiguous",
            ),
            (
                ErrorCode::PaymentMethodRequired,
                402,
                "payment_method_required",
            ),
            (
                ErrorCode::SubscriptionChangeInProgress,
                409,
                "subscription_change_in_progress",
            ),
        ] {
            assert_eq!((code.http_status(), code.as_str()), (status, wire));
        }
    }

    #[test]
    fn resource_codes_have_their_statuses() {
        for (code, status, wire) in [
            (ErrorCode::ResourceNotFound, 404, "resource_not_found"),
            (
                ErrorCode::ResourceCapacityExceeded,
                409,
                "resource_capacity_exceeded",
            ),
            (
                ErrorCode::ResourceClaimNotFound,
                404,
                "resource_claim_not_found",
            ),
        ] {
            assert_eq!((code.http_status(), code.as_str()), (status, wire));
        }
    }

    #[test]
    fn usage_codes_have_their_statuses() {
        let cases = [
            (ErrorCode::UsageMeterNotFound, 404, "usage_meter_not_found"),
            (ErrorCode::InvalidUsageAmount, 400, "invalid_usage_amount"),
            (
                ErrorCode::UsageTransactionConflict,
                409,
                "usage_transaction_conflict",
            ),
            (
                ErrorCode::SubscriptionNotCurrent,
                409,
                "subscription_not_current",
            ),
            (
                ErrorCode::SubscriptionRequired,
                400,
                "subscription_required",
            ),
        ];
        for (code, status, wire) in cases {
            assert_eq!(code.http_status(), status, "{code}");
            assert_eq!(code.as_str(), wire);
        }
    }

    #[test]
    fn billing_and_idempotency_codes_have_their_statuses() {
        let cases = [
            (ErrorCode::CustomerRequired, 401),
            (ErrorCode::CustomerNotFound, 404),
            (ErrorCode::CurrencyMismatch, 400),
            (ErrorCode::MultipleSubscriptionPrices, 400),
            (ErrorCode::DiscountCodeInvalid, 400),
            (ErrorCode::SubscriptionNotFound, 404),
            (ErrorCode::SubscriptionNotCancelable, 409),
            (ErrorCode::SubscriptionCancellationNotScheduled, 409),
            (ErrorCode::IdempotencyKeyInvalid, 400),
            (ErrorCode::IdempotencyKeyReused, 409),
        ];
        for (code, status) in cases {
            assert_eq!(code.http_status(), status, "{code}");
        }
        assert_eq!(
            ErrorCode::IdempotencyKeyReused.as_str(),
            "idempotency_key_reused"
        );
        assert_eq!(
            ErrorCode::DiscountCodeInvalid.as_str(),
            "discount_code_invalid"
        );
        assert_eq!(
            ErrorCode::SubscriptionNotFound.as_str(),
            "subscription_not_found"
        );
    }

    #[test]
    fn adjustable_quantity_and_tax_id_codes_are_400s() {
        for (code, wire) in [
            (ErrorCode::QuantityOutOfRange, "quantity_out_of_range"),
            (
                ErrorCode::AdjustableQuantityNotAllowed,
                "adjustable_quantity_not_allowed",
            ),
            (ErrorCode::InvalidTaxId, "invalid_tax_id"),
        ] {
            assert_eq!((code.as_str(), code.http_status()), (wire, 400));
        }
    }

    #[test]
    fn checkout_page_invoice_and_webhook_codes_have_their_statuses() {
        let cases = [
            (
                ErrorCode::PromotionCodesNotAllowed,
                "promotion_codes_not_allowed",
                400,
            ),
            (
                ErrorCode::BillingAddressRequired,
                "billing_address_required",
                400,
            ),
            (ErrorCode::InvoiceNotFound, "invoice_not_found", 404),
            (ErrorCode::InvoiceNotOpen, "invoice_not_open", 409),
            (
                ErrorCode::WebhookEventNotFound,
                "webhook_event_not_found",
                404,
            ),
        ];
        for (code, wire, status) in cases {
            assert_eq!(code.as_str(), wire);
            assert_eq!(code.http_status(), status, "{code}");
            assert_eq!(
                serde_json::from_value::<ErrorCode>(serde_json::json!(wire)).unwrap(),
                code
            );
        }
    }

    #[test]
    fn hardening_codes_have_their_statuses() {
        let cases = [
            (
                ErrorCode::RedirectHostNotAllowed,
                "redirect_host_not_allowed",
                400,
            ),
            (ErrorCode::FieldNotAllowed, "field_not_allowed", 400),
            (ErrorCode::ModeMismatch, "mode_mismatch", 400),
            (ErrorCode::TooManyLineItems, "too_many_line_items", 400),
            (ErrorCode::InvalidMetadata, "invalid_metadata", 400),
            (ErrorCode::FieldTooLong, "field_too_long", 400),
            (ErrorCode::OriginNotAllowed, "origin_not_allowed", 403),
            (ErrorCode::RateLimited, "rate_limited", 429),
            (ErrorCode::PayloadTooLarge, "payload_too_large", 413),
            (
                ErrorCode::SessionDataTooLarge,
                "session_data_too_large",
                400,
            ),
            (ErrorCode::RequestTimeout, "request_timeout", 408),
        ];
        for (code, wire, status) in cases {
            assert_eq!(code.as_str(), wire);
            assert_eq!(code.http_status(), status, "{code}");
            assert_eq!(
                serde_json::from_value::<ErrorCode>(serde_json::json!(wire)).unwrap(),
                code
            );
        }
    }

    #[test]
    fn three_d_secure_codes_have_their_statuses() {
        for (code, status, wire) in [
            (
                ErrorCode::AuthenticationFailed,
                402,
                "authentication_failed",
            ),
            (
                ErrorCode::AuthenticationExpired,
                410,
                "authentication_expired",
            ),
            (
                ErrorCode::AuthenticationNotFound,
                404,
                "authentication_not_found",
            ),
            (
                ErrorCode::AuthenticationPending,
                409,
                "authentication_pending",
            ),
        ] {
            assert_eq!((code.http_status(), code.as_str()), (status, wire));
        }
    }

    #[test]
    fn client_errors_are_4xx() {
        assert_eq!(ErrorCode::InvalidQuantity.http_status(), 400);
        assert_eq!(ErrorCode::CheckoutSessionExpired.http_status(), 410);
        assert_eq!(ErrorCode::Internal.http_status(), 500);
    }

    #[test]
    fn platform_codes_are_gateway_errors() {
        assert_eq!(ErrorCode::PlatformUnavailable.http_status(), 502);
        assert_eq!(ErrorCode::PlatformInvalidResponse.http_status(), 502);
        assert_eq!(ErrorCode::PlatformTimeout.http_status(), 504);
        assert_eq!(ErrorCode::PlatformTimeout.as_str(), "platform_timeout");
    }
}
