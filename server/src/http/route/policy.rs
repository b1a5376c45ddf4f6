//! What a browser may ask of a checkout, and what only the merchant decides.
//! The route splits the merchant-only options (`trialDays`, `requestId`, …;
//! see [`MERCHANT_ONLY_FIELDS`]) off a create and asks the merchant's
//! [`CheckoutPolicy`] which to apply; the default policy refuses any a
//! browser sent and sets none.

use crate::domain::error::ApiError;
use async_trait::async_trait;
use axum::http::HeaderMap;
use checkout_protocol::{
    CheckoutSessionType, CreateProductCheckoutSessionParams, Customer, ErrorCode,
    MerchantCheckoutOptions,
};

/// One create the route is about to forward, as the policy sees it.
#[derive(Debug)]
pub struct CheckoutRequest<'a> {
    /// Which create action (product, add payment method, activate subscription).
    pub session_type: CheckoutSessionType,
    /// The signed-in customer, as the platform knows them; `None` when anonymous.
    pub customer: Option<&'a Customer>,
    /// What the browser may ask for: price, quantity, line items, URLs,
    /// `outputName` / `outputMetadata` (customer-controlled input).
    pub params: &'a CreateProductCheckoutSessionParams,
    /// The merchant-only options the browser sent; a page has no say in
    /// them, so the default policy refuses any that is set.
    pub requested: &'a MerchantCheckoutOptions,
    /// The request's headers (the merchant's own session, a locale, …).
    pub headers: &'a HeaderMap,
}

/// The merchant's rules for checkouts made through the server route: sees
/// the customer and the browser's request and returns the merchant-only
/// options to apply, or refuses the create.
///
/// ```
/// use checkout_server::{async_trait, ApiError, CheckoutPolicy, CheckoutRequest};
/// use checkout_protocol::{MerchantCheckoutOptions, CheckoutSessionType};
///
/// /// A 14-day trial for customers signed in; nothing a browser asks for.
/// struct TrialForMembers;
///
/// #[async_trait]
/// impl CheckoutPolicy for TrialForMembers {
///     async fn decide(&self, request: &CheckoutRequest<'_>) -> Result<MerchantCheckoutOptions, ApiError> {
///         checkout_server::refuse_browser_options(request.requested)?;
///         let member = request.customer.is_some() && request.session_type == CheckoutSessionType::Product;
///         Ok(MerchantCheckoutOptions {
///             trial_days: member.then_some(14.0),
///             ..MerchantCheckoutOptions::default()
///         })
///     }
/// }
/// ```
#[async_trait]
pub trait CheckoutPolicy: Send + Sync + 'static {
    /// The options to create the session with; an error is answered as it
    /// is (e.g. 400 `field_not_allowed`, 403). The platform still checks
    /// what it gets (a trial on a one-time price is refused there).
    async fn decide(
        &self,
        request: &CheckoutRequest<'_>,
    ) -> Result<MerchantCheckoutOptions, ApiError>;

    // Subscription create (issue 15).
    /// Which prices `subscriptions/create` may start for `customer` without
    /// a checkout. By default only free ones
    /// ([`SubscriptionsWithoutCheckout::FreeOnly`]): anything that costs
    /// money goes through `checkout-sessions/create`, where the customer
    /// sees the price and pays. `headers` are the request's (the merchant's
    /// own session, to decide per customer).
    async fn subscriptions_without_checkout(
        &self,
        customer: &Customer,
        headers: &HeaderMap,
    ) -> SubscriptionsWithoutCheckout {
        let _ = (customer, headers);
        SubscriptionsWithoutCheckout::FreeOnly
    }
}

// Subscription create (issue 15).
/// What the route's `subscriptions/create` may start without a checkout,
/// as the merchant's [`CheckoutPolicy`] says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SubscriptionsWithoutCheckout {
    /// Only prices that cost nothing (a free plan). The default: a paid
    /// price is refused with 402 `checkout_required`.
    #[default]
    FreeOnly,
    /// Free prices, and paid prices with a free trial (`trialPeriodDays`):
    /// those start `trialing` without a card, like Flowglad's
    /// `createSubscription`. When the trial ends the platform bills the
    /// customer's default card as it bills any trial (Flowglad moves a
    /// subscription without one to `trial_ended`); the embedded reference
    /// platform charges no renewals at all. Paid prices without a trial
    /// still need a checkout.
    FreeAndTrials,
}

impl SubscriptionsWithoutCheckout {
    /// Whether a price that costs money may start without a checkout under
    /// this rule; `has_trial` says whether the price starts with a free
    /// trial. A free price needs no permission.
    pub fn allows_paid(self, has_trial: bool) -> bool {
        match self {
            Self::FreeOnly => false,
            Self::FreeAndTrials => has_trial,
        }
    }
}

/// The default policy: a browser decides nothing. Any merchant-only option
/// it sends is refused with 400 `field_not_allowed` naming the field, and
/// none is set (the platform's own defaults, such as a price's trial,
/// apply).
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserDecidesNothing;

#[async_trait]
impl CheckoutPolicy for BrowserDecidesNothing {
    async fn decide(
        &self,
        request: &CheckoutRequest<'_>,
    ) -> Result<MerchantCheckoutOptions, ApiError> {
        refuse_browser_options(request.requested)?;
        Ok(MerchantCheckoutOptions::default())
    }
}

/// 400 `field_not_allowed` naming the first merchant-only option set in
/// `requested`; a policy calls it before deciding on its own.
pub fn refuse_browser_options(requested: &MerchantCheckoutOptions) -> Result<(), ApiError> {
    match requested.set_fields().first() {
        None => Ok(()),
        Some(field) => Err(field_not_allowed(field)),
    }
}

/// The error for a merchant-only `field` sent by a browser.
pub fn field_not_allowed(field: &str) -> ApiError {
    ApiError::new(
        ErrorCode::FieldNotAllowed,
        format!(
            "`{field}` is decided by the merchant's server, not the page: set it in the server's \
             checkout policy (a browser may send {}).",
            BROWSER_FIELDS
        ),
    )
}

/// The fields a browser may send to `checkout-sessions/create`, for messages.
const BROWSER_FIELDS: &str = "priceId or priceSlug, quantity, lineItems, successUrl, cancelUrl, \
                              outputMetadata and outputName";

#[cfg(test)]
mod tests {
    use super::*;

    // Subscription create (issue 15).
    #[tokio::test]
    async fn by_default_only_free_subscriptions_start_without_a_checkout() {
        let customer: Customer =
            serde_json::from_value(serde_json::json!({"id": "cus_a"})).unwrap();
        let rule = BrowserDecidesNothing
            .subscriptions_without_checkout(&customer, &HeaderMap::new())
            .await;
        assert_eq!(rule, SubscriptionsWithoutCheckout::FreeOnly);
        assert_eq!(rule, SubscriptionsWithoutCheckout::default());
        assert!(!rule.allows_paid(false));
        assert!(
            !rule.allows_paid(true),
            "a trial still needs a checkout by default"
        );
        let trials = SubscriptionsWithoutCheckout::FreeAndTrials;
        assert!(trials.allows_paid(true));
        assert!(
            !trials.allows_paid(false),
            "a paid price without a trial needs a checkout"
        );
    }

    #[test]
    fn the_default_refuses_each_field_by_name() {
        let cases: [(&str, MerchantCheckoutOptions); 9] = [
            (
                "trialDays",
                MerchantCheckoutOptions {
                    trial_days: Some(730.0),
                    ..Default::default()
                },
            ),
            (
                "requestId",
                MerchantCheckoutOptions {
                    request_id: Some("o".into()),
                    ..Default::default()
                },
            ),
            (
                "discountCode",
                MerchantCheckoutOptions {
                    discount_code: Some("D".into()),
                    ..Default::default()
                },
            ),
            (
                "allowPromotionCodes",
                MerchantCheckoutOptions {
                    allow_promotion_codes: Some(false),
                    ..Default::default()
                },
            ),
            (
                "billingAddressCollection",
                MerchantCheckoutOptions {
                    billing_address_collection: Some(
                        checkout_protocol::BillingAddressCollection::Auto,
                    ),
                    ..Default::default()
                },
            ),
            (
                "customerEmail",
                MerchantCheckoutOptions {
                    customer_email: Some("a@b.c".into()),
                    ..Default::default()
                },
            ),
            (
                "expiresAt",
                MerchantCheckoutOptions {
                    expires_at: Some(1.0),
                    ..Default::default()
                },
            ),
            (
                "adjustableQuantity",
                MerchantCheckoutOptions {
                    adjustable_quantity: Some(checkout_protocol::AdjustableQuantity {
                        enabled: true,
                        minimum: None,
                        maximum: None,
                    }),
                    ..Default::default()
                },
            ),
            (
                "taxIdCollection",
                MerchantCheckoutOptions {
                    tax_id_collection: Some(true),
                    ..Default::default()
                },
            ),
        ];
        for (name, requested) in cases {
            assert!(checkout_protocol::MERCHANT_ONLY_FIELDS.contains(&name));
            let e = refuse_browser_options(&requested).unwrap_err();
            assert_eq!(e.code, ErrorCode::FieldNotAllowed, "{name}");
            assert!(e.message.contains(&format!("`{name}`")), "{}", e.message);
        }
        assert!(refuse_browser_options(&MerchantCheckoutOptions::default()).is_ok());
        assert!(!checkout_protocol::MERCHANT_ONLY_FIELDS.contains(&"priceSlug"));
    }
}
