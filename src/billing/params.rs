//! Parameters of `use_billing()`'s actions (checkout sessions, usage events),
//! checked before any request is sent.

use crate::error::BillingError;
use checkout_protocol::{
    AdjustSubscriptionParams, AdjustmentTiming, CheckoutSession,
    CreateActivateSubscriptionCheckoutSessionParams, CreateAddPaymentMethodCheckoutSessionParams,
    CreateProductCheckoutSessionParams, CreateUsageEventParams, ErrorCode, LineItemParams,
    PriceRef, Quantity, UrlRole,
};
use serde_json::{Map, Value};

/// What to buy and where to go afterwards: everything a browser may ask
/// of a checkout. Trials, promotion codes, address collection, a prefilled
/// email or discount, your own request id and the expiry are the merchant's
/// to decide: the server sets them (its `CheckoutPolicy`, or its catalog's
/// per-price defaults) and refuses them from a page with `field_not_allowed`.
///
/// ```
/// use checkout_widget::CheckoutSessionParams;
/// let params = CheckoutSessionParams::for_price_slug("pro-monthly", "/welcome?session={CHECKOUT_SESSION_ID}", "/pricing")
///     .with_quantity(2)
///     .with_auto_redirect(true);
/// assert_eq!(params.quantity, Some(2));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckoutSessionParams {
    /// The price's id (give this, `price_slug` or `line_items`).
    pub price_id: Option<String>,
    /// The price's slug (give this, `price_id` or `line_items`).
    pub price_slug: Option<String>,
    /// Units to buy; `None` means 1.
    pub quantity: Option<u32>,
    /// Several prices in one checkout, instead of `price_id` / `price_slug`.
    pub line_items: Vec<LineItem>,
    /// Where to go after paying; relative URLs resolve against the page;
    /// `{CHECKOUT_SESSION_ID}` is replaced by the session id.
    pub success_url: String,
    /// Where to go when the customer cancels.
    pub cancel_url: String,
    /// Copied onto the resulting purchase or subscription. The customer
    /// controls it (it comes from the page): never trust it for prices,
    /// entitlements or order matching.
    pub output_metadata: Option<Map<String, Value>>,
    /// Name of the resulting purchase or subscription (customer-controlled too).
    pub output_name: Option<String>,
    /// Send the browser to the hosted checkout page once the session exists.
    pub auto_redirect: bool,
}

/// One price of a multi-line checkout.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineItem {
    /// The price's id (or give `price_slug`).
    pub price_id: Option<String>,
    /// The price's slug (or give `price_id`).
    pub price_slug: Option<String>,
    /// Units; `None` means 1.
    pub quantity: Option<u32>,
}

impl LineItem {
    /// `quantity` units of the price with this slug.
    pub fn slug(slug: impl Into<String>, quantity: u32) -> Self {
        Self {
            price_slug: Some(slug.into()),
            quantity: Some(quantity),
            ..Self::default()
        }
    }
}

/// The most line items in one checkout (the server's limit too).
const MAX_LINE_ITEMS: usize = 250;

impl CheckoutSessionParams {
    /// A checkout of one unit of the price with this slug.
    pub fn for_price_slug(
        slug: impl Into<String>,
        success_url: impl Into<String>,
        cancel_url: impl Into<String>,
    ) -> Self {
        Self {
            price_slug: Some(slug.into()),
            success_url: success_url.into(),
            cancel_url: cancel_url.into(),
            ..Self::default()
        }
    }

    /// A checkout of one unit of the price with this id.
    pub fn for_price_id(
        id: impl Into<String>,
        success_url: impl Into<String>,
        cancel_url: impl Into<String>,
    ) -> Self {
        Self {
            price_id: Some(id.into()),
            success_url: success_url.into(),
            cancel_url: cancel_url.into(),
            ..Self::default()
        }
    }

    /// A checkout of several prices at once.
    pub fn for_line_items(
        items: Vec<LineItem>,
        success_url: impl Into<String>,
        cancel_url: impl Into<String>,
    ) -> Self {
        Self {
            line_items: items,
            success_url: success_url.into(),
            cancel_url: cancel_url.into(),
            ..Self::default()
        }
    }

    /// Sets the quantity.
    pub fn with_quantity(mut self, quantity: u32) -> Self {
        self.quantity = Some(quantity);
        self
    }

    /// Sets whether to redirect to the hosted page.
    pub fn with_auto_redirect(mut self, auto_redirect: bool) -> Self {
        self.auto_redirect = auto_redirect;
        self
    }

    /// Validates and converts to the wire body; `resolve` turns a (maybe
    /// relative) URL into an absolute http(s) one or refuses it.
    pub(crate) fn to_wire(
        &self,
        resolve: impl Fn(&str, UrlRole) -> Result<String, BillingError>,
    ) -> Result<CreateProductCheckoutSessionParams, BillingError> {
        Ok(CreateProductCheckoutSessionParams {
            output_metadata: self.output_metadata.clone(),
            ..self.checked(resolve)?
        })
    }

    /// [`to_wire`](Self::to_wire) without `outputMetadata`, for a caller
    /// that writes the metadata itself (the embed sends the page's own
    /// object): no `serde_json` map is cloned, so none is linked there.
    pub(crate) fn checked(
        &self,
        resolve: impl Fn(&str, UrlRole) -> Result<String, BillingError>,
    ) -> Result<CreateProductCheckoutSessionParams, BillingError> {
        let single = self.price_id.is_some() || self.price_slug.is_some();
        let (price_id, price_slug, quantity, line_items) =
            match (single, self.line_items.is_empty()) {
                (true, false) => {
                    return Err(BillingError::validation(
                        ErrorCode::PriceAmbiguous,
                        "Give either a price or line items, not both.",
                    ))
                }
                (_, true) => {
                    let (id, slug, quantity) = one_price(
                        self.price_id.as_deref(),
                        self.price_slug.as_deref(),
                        self.quantity,
                    )?;
                    (id, slug, quantity, None)
                }
                (false, false) => {
                    if self.line_items.len() > MAX_LINE_ITEMS {
                        return Err(BillingError::validation(
                            ErrorCode::InvalidRequest,
                            "A checkout can have at most 250 line items.",
                        ));
                    }
                    let items = self
                        .line_items
                        .iter()
                        .map(|item| {
                            let (price_id, price_slug) =
                                price_parts(item.price_id.as_deref(), item.price_slug.as_deref())?;
                            Ok(LineItemParams {
                                price_id,
                                price_slug,
                                quantity: Some(f64::from(checked_quantity(item.quantity)?)),
                            })
                        })
                        .collect::<Result<Vec<_>, BillingError>>()?;
                    (None, None, None, Some(items))
                }
            };
        let (success_url, cancel_url) =
            redirect_urls(&self.success_url, &self.cancel_url, &resolve)?;
        Ok(CreateProductCheckoutSessionParams {
            price_id,
            price_slug,
            quantity,
            success_url: Some(success_url),
            cancel_url: Some(cancel_url),
            output_name: self.output_name.clone(),
            line_items,
            ..CreateProductCheckoutSessionParams::default()
        })
    }
}

/// One price's checkout as a component asks for it (a checkout button, a
/// price card): the part of [`CheckoutSessionParams`] they fill, checked by
/// the same rules, so that a component's call links nothing of line items
/// or metadata (their checks and writing were about 2 KB of every panel).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PriceCheckout {
    /// The price's id (or give `price_slug`).
    pub price_id: Option<String>,
    /// The price's slug (or give `price_id`).
    pub price_slug: Option<String>,
    /// Units to buy.
    pub quantity: u32,
    /// Where to go after paying.
    pub success_url: String,
    /// Where to go on cancel.
    pub cancel_url: String,
    /// Send the browser to the hosted page once the session exists.
    pub auto_redirect: bool,
}

impl PriceCheckout {
    /// [`CheckoutSessionParams::to_wire`] of the same checkout: a price,
    /// its quantity and the two URLs, nothing else.
    pub(crate) fn to_wire(
        &self,
        resolve: impl Fn(&str, UrlRole) -> Result<String, BillingError>,
    ) -> Result<CreateProductCheckoutSessionParams, BillingError> {
        let (price_id, price_slug, quantity) = one_price(
            self.price_id.as_deref(),
            self.price_slug.as_deref(),
            Some(self.quantity),
        )?;
        let (success_url, cancel_url) =
            redirect_urls(&self.success_url, &self.cancel_url, &resolve)?;
        Ok(CreateProductCheckoutSessionParams {
            price_id,
            price_slug,
            quantity,
            success_url: Some(success_url),
            cancel_url: Some(cancel_url),
            ..CreateProductCheckoutSessionParams::default()
        })
    }
}

/// `adjust_subscription`'s checks, with the protocol's rules and messages:
/// one form of new plan, whole quantities, the subscription's id (`current`
/// names the only current one when the params name none). The request as
/// it is sent, with that id.
pub(crate) fn checked_adjust(
    params: AdjustSubscriptionParams,
    current: impl FnOnce() -> Result<String, BillingError>,
) -> Result<AdjustSubscriptionParams, BillingError> {
    let items = params
        .new_items()
        .map_err(|e| BillingError::validation(ErrorCode::InvalidRequest, e.message()))?;
    for item in &items {
        Quantity::from_wire(item.quantity)?;
    }
    let subscription_id = match params.subscription_id.as_deref() {
        Some(id) => required_id(id)?,
        None => current()?,
    };
    Ok(AdjustSubscriptionParams {
        subscription_id: Some(subscription_id),
        ..params
    })
}

/// A plan change as a component sends it (the pricing table's and the
/// plan change dialog's Confirm): a named subscription to one price, by
/// id. Its own type, checked by the same rules as [`checked_adjust`], so a
/// component's call links neither the other forms of a plan change nor the
/// lookup of the only current subscription.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlanMove {
    /// The subscription that changes.
    pub subscription_id: String,
    /// The new price.
    pub price_id: String,
    /// Units of it.
    pub quantity: u32,
}

impl PlanMove {
    /// The request: `timing: auto` (an upgrade now, a downgrade at the
    /// period end, as the dialog told the customer); one unit is Flowglad's
    /// default and left out.
    pub(crate) fn params(&self) -> AdjustSubscriptionParams {
        AdjustSubscriptionParams {
            subscription_id: Some(self.subscription_id.clone()),
            timing: Some(AdjustmentTiming::Auto),
            price_id: Some(self.price_id.clone()),
            quantity: (self.quantity != 1).then_some(f64::from(self.quantity)),
            ..AdjustSubscriptionParams::default()
        }
    }

    /// [`checked_adjust`] of [`Self::params`]: the only refusals a move to
    /// one price by id can meet are its quantity's and its id's.
    pub(crate) fn to_wire(&self) -> Result<AdjustSubscriptionParams, BillingError> {
        let params = self.params();
        Quantity::from_wire(params.quantity)?;
        Ok(AdjustSubscriptionParams {
            subscription_id: Some(required_id(&self.subscription_id)?),
            ..params
        })
    }
}

/// An id a change names (a subscription's, a saved card's), trimmed; blank
/// is refused.
pub(crate) fn required_id(id: &str) -> Result<String, BillingError> {
    let id = id.trim();
    if id.is_empty() {
        return Err(BillingError::validation(
            ErrorCode::InvalidRequest,
            "Give the subscription's id.",
        ));
    }
    Ok(id.to_owned())
}

/// Saving a payment method for the signed-in customer (nothing is charged).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AddPaymentMethodParams {
    /// Where to go after saving.
    pub success_url: String,
    /// Where to go on cancel.
    pub cancel_url: String,
    /// Make the new card this subscription's default.
    pub target_subscription_id: Option<String>,
    /// Copied onto the result.
    pub output_metadata: Option<Map<String, Value>>,
    /// Name of the result.
    pub output_name: Option<String>,
    /// Send the browser to the hosted page once the session exists.
    pub auto_redirect: bool,
}

impl AddPaymentMethodParams {
    /// Validates and converts to the wire body (see `CheckoutSessionParams::to_wire`).
    pub(crate) fn to_wire(
        &self,
        resolve: impl Fn(&str, UrlRole) -> Result<String, BillingError>,
    ) -> Result<CreateAddPaymentMethodCheckoutSessionParams, BillingError> {
        Ok(CreateAddPaymentMethodCheckoutSessionParams {
            output_metadata: self.output_metadata.clone(),
            ..self.checked(resolve)?
        })
    }

    /// [`to_wire`](Self::to_wire) without `outputMetadata` (see
    /// `CheckoutSessionParams::checked`).
    pub(crate) fn checked(
        &self,
        resolve: impl Fn(&str, UrlRole) -> Result<String, BillingError>,
    ) -> Result<CreateAddPaymentMethodCheckoutSessionParams, BillingError> {
        let (success_url, cancel_url) =
            redirect_urls(&self.success_url, &self.cancel_url, &resolve)?;
        Ok(CreateAddPaymentMethodCheckoutSessionParams {
            success_url: Some(success_url),
            cancel_url: Some(cancel_url),
            target_subscription_id: non_blank(self.target_subscription_id.as_deref()),
            output_metadata: None,
            output_name: self.output_name.clone(),
        })
    }
}

/// Starting to bill an existing subscription (e.g. after a trial without a card).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivateSubscriptionParams {
    /// The subscription to activate (required).
    pub target_subscription_id: String,
    /// The price to bill it at, when it changes.
    pub price_id: Option<String>,
    /// Where to go after paying.
    pub success_url: String,
    /// Where to go on cancel.
    pub cancel_url: String,
    /// Copied onto the result.
    pub output_metadata: Option<Map<String, Value>>,
    /// Name of the result.
    pub output_name: Option<String>,
    /// Send the browser to the hosted page once the session exists.
    pub auto_redirect: bool,
}

impl ActivateSubscriptionParams {
    pub(crate) fn to_wire(
        &self,
        resolve: impl Fn(&str, UrlRole) -> Result<String, BillingError>,
    ) -> Result<CreateActivateSubscriptionCheckoutSessionParams, BillingError> {
        Ok(CreateActivateSubscriptionCheckoutSessionParams {
            price_id: non_blank(self.price_id.as_deref()),
            output_metadata: self.output_metadata.clone(),
            output_name: self.output_name.clone(),
            ..activation(
                &self.target_subscription_id,
                &self.success_url,
                &self.cancel_url,
                &resolve,
            )?
        })
    }
}

/// An activation as a component asks for it (a current subscription's
/// "Activate now" or "Pay now"): the subscription, and where the hosted page
/// returns either way. Its own type for the reason of [`PriceCheckout`]: a
/// component's call links nothing of metadata.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Activation {
    /// The subscription to activate.
    pub subscription_id: String,
    /// Where the hosted page returns, paid or cancelled.
    pub return_url: String,
}

impl Activation {
    /// [`ActivateSubscriptionParams::to_wire`] of the same activation.
    pub(crate) fn to_wire(
        &self,
        resolve: impl Fn(&str, UrlRole) -> Result<String, BillingError>,
    ) -> Result<CreateActivateSubscriptionCheckoutSessionParams, BillingError> {
        activation(
            &self.subscription_id,
            &self.return_url,
            &self.return_url,
            &resolve,
        )
    }
}

/// An activation's subscription (required) and URLs, checked; nothing else.
fn activation(
    target: &str,
    success: &str,
    cancel: &str,
    resolve: &impl Fn(&str, UrlRole) -> Result<String, BillingError>,
) -> Result<CreateActivateSubscriptionCheckoutSessionParams, BillingError> {
    let target = non_blank(Some(target)).ok_or_else(|| {
        BillingError::validation(
            ErrorCode::InvalidRequest,
            "Give the subscription to activate.",
        )
    })?;
    let (success_url, cancel_url) = redirect_urls(success, cancel, resolve)?;
    Ok(CreateActivateSubscriptionCheckoutSessionParams {
        success_url: Some(success_url),
        cancel_url: Some(cancel_url),
        target_subscription_id: Some(target),
        ..CreateActivateSubscriptionCheckoutSessionParams::default()
    })
}

/// Exactly one of id and slug, as the wire's pair of options.
fn price_parts(
    id: Option<&str>,
    slug: Option<&str>,
) -> Result<(Option<String>, Option<String>), BillingError> {
    match PriceRef::from_parts(id, slug) {
        Ok(PriceRef::Id(id)) => Ok((Some(id), None)),
        Ok(PriceRef::Slug(slug)) => Ok((None, Some(slug))),
        Err(ErrorCode::PriceAmbiguous) => Err(BillingError::validation(
            ErrorCode::PriceAmbiguous,
            "Give either a price id or a price slug, not both.",
        )),
        // Its only other refusal. Named, not passed on: a code known when
        // compiled is all the embed links of the code table (error.rs).
        Err(_) => Err(BillingError::validation(
            ErrorCode::PriceMissing,
            "Give a price id or a price slug.",
        )),
    }
}

/// A one-price checkout's price id, price slug and units, as on the wire.
type OnePrice = (Option<String>, Option<String>, Option<f64>);

/// A one-price checkout's price (exactly one of id and slug) and units.
fn one_price(
    id: Option<&str>,
    slug: Option<&str>,
    quantity: Option<u32>,
) -> Result<OnePrice, BillingError> {
    let (id, slug) = price_parts(id, slug)?;
    Ok((id, slug, Some(f64::from(checked_quantity(quantity)?))))
}

/// The units to send: absent means one, as on the wire.
fn checked_quantity(quantity: Option<u32>) -> Result<u32, BillingError> {
    let quantity = quantity.map_or(Ok(Quantity::ONE), Quantity::new)?;
    Ok(quantity.get())
}

fn redirect_urls(
    success: &str,
    cancel: &str,
    resolve: &impl Fn(&str, UrlRole) -> Result<String, BillingError>,
) -> Result<(String, String), BillingError> {
    Ok((
        resolve(success, UrlRole::Success)?,
        resolve(cancel, UrlRole::Cancel)?,
    ))
}

fn non_blank(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// What a usage event counts on: one of the four names Flowglad's
/// `createUsageEvent` takes (an enum, so naming two is impossible).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsageTarget {
    /// A usage meter by slug (`usageMeterSlug`), e.g. `build-minutes`.
    MeterSlug(String),
    /// A usage meter by id (`usageMeterId`).
    MeterId(String),
    /// A usage price by slug (`priceSlug`); the event counts on its meter.
    PriceSlug(String),
    /// A usage price by id (`priceId`); the event counts on its meter.
    PriceId(String),
}

/// A usage event to record with `create_usage_event`.
///
/// ```
/// use checkout_widget::UsageEventParams;
/// let params = UsageEventParams::for_meter_slug("build-minutes", 12)
///     .with_transaction_id("build-4711");
/// assert_eq!(params.amount, 12);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct UsageEventParams {
    /// The meter (or usage price) it counts on.
    pub target: UsageTarget,
    /// Units used: a whole number from 1 to [`checkout_protocol::MAX_USAGE_AMOUNT`].
    pub amount: i64,
    /// One of the customer's current subscriptions; the server picks the
    /// current one when absent.
    pub subscription_id: Option<String>,
    /// Your id for this usage, so recording it twice counts once. When absent
    /// the hook makes one from the browser's CSPRNG, and a retry of a call
    /// whose outcome was unknown (network, timeout, 5xx) sends the same one.
    pub transaction_id: Option<String>,
    /// Free-form properties kept with the event.
    pub properties: Option<Map<String, Value>>,
    /// When the usage happened, epoch milliseconds (default: now).
    pub usage_date: Option<i64>,
}

impl UsageEventParams {
    /// `amount` units on the usage meter with this slug.
    pub fn for_meter_slug(slug: impl Into<String>, amount: i64) -> Self {
        Self::new(UsageTarget::MeterSlug(slug.into()), amount)
    }

    /// `amount` units on the usage meter with this id.
    pub fn for_meter_id(id: impl Into<String>, amount: i64) -> Self {
        Self::new(UsageTarget::MeterId(id.into()), amount)
    }

    /// `amount` units on whatever `target` names.
    pub fn new(target: UsageTarget, amount: i64) -> Self {
        Self {
            target,
            amount,
            subscription_id: None,
            transaction_id: None,
            properties: None,
            usage_date: None,
        }
    }

    /// Your own id for this usage (see [`Self::transaction_id`]).
    pub fn with_transaction_id(mut self, id: impl Into<String>) -> Self {
        self.transaction_id = Some(id.into());
        self
    }

    /// Counts it on this subscription instead of the current one.
    pub fn with_subscription_id(mut self, id: impl Into<String>) -> Self {
        self.subscription_id = Some(id.into());
        self
    }

    /// The route's body; refuses an amount out of range, a blank name or a
    /// blank transaction id before anything is sent.
    pub(crate) fn to_wire(&self) -> Result<CreateUsageEventParams, BillingError> {
        if !checkout_protocol::is_valid_usage_amount(self.amount) {
            return Err(BillingError::validation(
                ErrorCode::InvalidUsageAmount,
                checkout_protocol::USAGE_AMOUNT_MESSAGE,
            ));
        }
        let (UsageTarget::MeterSlug(name)
        | UsageTarget::MeterId(name)
        | UsageTarget::PriceSlug(name)
        | UsageTarget::PriceId(name)) = &self.target;
        let name = non_blank(Some(name)).ok_or_else(|| {
            BillingError::validation(
                ErrorCode::InvalidRequest,
                "Give the usage meter's slug or id.",
            )
        })?;
        let transaction_id = match &self.transaction_id {
            Some(id) => Some(non_blank(Some(id)).ok_or_else(|| {
                BillingError::validation(ErrorCode::InvalidRequest, "transactionId is empty.")
            })?),
            None => None,
        };
        // Both casts are exact: the amount is at most a million and dates
        // stay far below 2^53 ms; the wire carries JSON numbers.
        let mut wire = CreateUsageEventParams {
            amount: Some(self.amount as f64),
            subscription_id: non_blank(self.subscription_id.as_deref()),
            transaction_id,
            properties: self.properties.clone(),
            usage_date: self.usage_date.map(|d| d as f64),
            ..CreateUsageEventParams::default()
        };
        let slot = match self.target {
            UsageTarget::MeterSlug(_) => &mut wire.usage_meter_slug,
            UsageTarget::MeterId(_) => &mut wire.usage_meter_id,
            UsageTarget::PriceSlug(_) => &mut wire.price_slug,
            UsageTarget::PriceId(_) => &mut wire.price_id,
        };
        *slot = Some(name);
        Ok(wire)
    }
}

/// A created checkout session.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckoutSessionCreated {
    /// The session id.
    pub id: String,
    /// The hosted checkout page.
    pub url: String,
    /// The whole session record.
    pub session: CheckoutSession,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_usage_event_names_its_meter_once_and_keeps_its_amount() {
        let wire = UsageEventParams::for_meter_slug(" build-minutes ", 12)
            .with_transaction_id("t-1")
            .to_wire()
            .unwrap();
        assert_eq!(
            serde_json::to_value(&wire).unwrap(),
            serde_json::json!({"amount":12.0,"usageMeterSlug":"build-minutes","transactionId":"t-1"})
        );
        let wire = UsageEventParams::new(UsageTarget::PriceId("price_u".into()), 1)
            .to_wire()
            .unwrap();
        assert_eq!(wire.price_id.as_deref(), Some("price_u"));
        assert_eq!(wire.transaction_id, None, "the client fills it in");
    }

    #[test]
    fn a_usage_event_is_refused_before_sending_when_it_cannot_be_right() {
        for amount in [0, -3, checkout_protocol::MAX_USAGE_AMOUNT + 1] {
            let err = UsageEventParams::for_meter_slug("build-minutes", amount)
                .to_wire()
                .unwrap_err();
            assert_eq!(err.code(), "invalid_usage_amount", "amount {amount}");
        }
        let err = UsageEventParams::for_meter_id("  ", 1)
            .to_wire()
            .unwrap_err();
        assert_eq!(err.code(), "invalid_request");
        let err = UsageEventParams::for_meter_slug("build-minutes", 1)
            .with_transaction_id(" ")
            .to_wire()
            .unwrap_err();
        assert_eq!(err.code(), "invalid_request");
    }

    /// The browser's resolver without a page: https URLs only.
    fn absolute(url: &str, role: UrlRole) -> Result<String, BillingError> {
        let host = url.strip_prefix("https://").unwrap_or_default();
        let url = checkout_protocol::RedirectUrl::from_parsed(url.to_owned(), "https", host, role)?;
        Ok(url.into_string())
    }

    #[test]
    fn a_components_plan_move_is_checked_as_the_public_params_are() {
        for (id, quantity) in [("sub_1", 1), (" sub_1 ", 3), ("  ", 1), ("sub_1", 0)] {
            let plan = PlanMove {
                subscription_id: id.to_owned(),
                price_id: "price_team".to_owned(),
                quantity,
            };
            let public =
                checked_adjust(plan.params(), || panic!("the move names its subscription"));
            assert_eq!(plan.to_wire(), public, "{plan:?}");
        }
        let one = PlanMove {
            subscription_id: "sub_1".into(),
            price_id: "team".into(),
            quantity: 1,
        };
        assert_eq!(
            serde_json::to_value(one.to_wire().unwrap()).unwrap(),
            serde_json::json!({"subscriptionId": "sub_1", "timing": "auto", "priceId": "team"})
        );
        let three = PlanMove { quantity: 3, ..one };
        assert_eq!(three.to_wire().unwrap().quantity, Some(3.0));
    }

    #[test]
    fn an_adjustment_names_its_subscription_or_the_only_current_one() {
        let by_slug = AdjustSubscriptionParams {
            price_slug: Some("pro".into()),
            ..Default::default()
        };
        let named = checked_adjust(by_slug.clone(), || Ok("sub_only".into())).unwrap();
        assert_eq!(named.subscription_id.as_deref(), Some("sub_only"));
        let refused = checked_adjust(by_slug, || {
            Err(BillingError::validation(
                ErrorCode::SubscriptionRequired,
                "none",
            ))
        });
        assert_eq!(refused.unwrap_err().code(), "subscription_required");
        let two_forms = AdjustSubscriptionParams {
            price_slug: Some("pro".into()),
            price_id: Some("price_pro".into()),
            subscription_id: Some("sub_1".into()),
            ..Default::default()
        };
        assert_eq!(
            checked_adjust(two_forms, || panic!("named"))
                .unwrap_err()
                .code(),
            "invalid_request"
        );
    }

    #[test]
    fn a_components_activation_is_checked_as_the_public_params_are() {
        for (id, url) in [
            ("sub_1", "https://shop.example/account"),
            (" sub_1 ", "https://shop.example/account"),
            ("  ", "https://shop.example/account"),
            ("sub_1", "ftp://shop.example/account"),
        ] {
            let activation = Activation {
                subscription_id: id.to_owned(),
                return_url: url.to_owned(),
            };
            let public = ActivateSubscriptionParams {
                target_subscription_id: id.to_owned(),
                success_url: url.to_owned(),
                cancel_url: url.to_owned(),
                auto_redirect: true,
                ..Default::default()
            };
            assert_eq!(
                activation.to_wire(absolute),
                public.to_wire(absolute),
                "{activation:?}"
            );
        }
    }

    #[test]
    fn a_components_price_checkout_is_checked_as_the_public_params_are() {
        let ok = "https://shop.example/ok";
        let cases = [
            (Some("price_1"), None, 2, ok),
            (None, Some(" pro "), 1, ok),
            (None, None, 1, ok),
            (Some("price_1"), Some("pro"), 1, ok),
            (Some("price_1"), None, 0, ok),
            (Some("price_1"), None, 10_001, ok),
            (Some("price_1"), None, 1, "ftp://shop.example/ok"),
        ];
        for (price_id, price_slug, quantity, url) in cases {
            let price = PriceCheckout {
                price_id: price_id.map(str::to_owned),
                price_slug: price_slug.map(str::to_owned),
                quantity,
                success_url: url.to_owned(),
                cancel_url: "https://shop.example/no".to_owned(),
                auto_redirect: true,
            };
            let public = CheckoutSessionParams {
                price_id: price.price_id.clone(),
                price_slug: price.price_slug.clone(),
                quantity: Some(quantity),
                success_url: price.success_url.clone(),
                cancel_url: price.cancel_url.clone(),
                auto_redirect: true,
                ..Default::default()
            };
            assert_eq!(
                price.to_wire(absolute),
                public.to_wire(absolute),
                "{price:?}"
            );
        }
    }

    #[test]
    fn slug_checkout_becomes_wire_body() {
        let wire = CheckoutSessionParams::for_price_slug("pro", "https://a/s", "https://a/c")
            .with_quantity(3)
            .to_wire(absolute)
            .unwrap();
        assert_eq!(wire.price_slug.as_deref(), Some("pro"));
        assert_eq!(wire.price_id, None);
        assert_eq!(wire.quantity, Some(3.0));
        assert_eq!(wire.success_url.as_deref(), Some("https://a/s"));
    }

    #[test]
    fn price_reference_must_be_exactly_one() {
        let mut p = CheckoutSessionParams::for_price_slug("pro", "https://a/s", "https://a/c");
        p.price_id = Some("price_1".into());
        assert_eq!(p.to_wire(absolute).unwrap_err().code(), "price_ambiguous");
        p.price_id = None;
        p.price_slug = None;
        assert_eq!(p.to_wire(absolute).unwrap_err().code(), "price_missing");
    }

    #[test]
    fn zero_quantity_is_refused_before_any_request() {
        let p =
            CheckoutSessionParams::for_price_id("p", "https://a/s", "https://a/c").with_quantity(0);
        assert_eq!(p.to_wire(absolute).unwrap_err().code(), "invalid_quantity");
    }

    #[test]
    fn urls_go_through_the_resolver() {
        let p = CheckoutSessionParams::for_price_id("p", "javascript:alert(1)", "https://a/c");
        let err = p.to_wire(absolute).unwrap_err();
        assert_eq!(err.code(), "invalid_url");
        assert!(err.message().contains("success URL"));
    }

    #[test]
    fn line_items_replace_the_single_price() {
        let items = vec![
            LineItem::slug("onboarding", 1),
            LineItem::slug("credits-jpy", 3),
        ];
        let wire = CheckoutSessionParams::for_line_items(items, "https://a/s", "https://a/c")
            .to_wire(absolute)
            .unwrap();
        let lines = wire.line_items.unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].price_slug.as_deref(), Some("credits-jpy"));
        assert_eq!(lines[1].quantity, Some(3.0));
        assert_eq!(
            (wire.price_id, wire.price_slug, wire.quantity),
            (None, None, None)
        );

        let mut both = CheckoutSessionParams::for_price_slug("pro", "https://a/s", "https://a/c");
        both.line_items.push(LineItem::slug("onboarding", 1));
        assert_eq!(
            both.to_wire(absolute).unwrap_err().code(),
            "price_ambiguous"
        );
        let bad_line = CheckoutSessionParams::for_line_items(
            vec![LineItem::slug("x", 0)],
            "https://a/s",
            "https://a/c",
        );
        assert_eq!(
            bad_line.to_wire(absolute).unwrap_err().code(),
            "invalid_quantity"
        );
        let unnamed = CheckoutSessionParams::for_line_items(
            vec![LineItem::default()],
            "https://a/s",
            "https://a/c",
        );
        assert_eq!(
            unnamed.to_wire(absolute).unwrap_err().code(),
            "price_missing"
        );
    }

    #[test]
    fn the_wire_body_carries_no_merchant_only_option() {
        let mut p = CheckoutSessionParams::for_price_slug("pro", "https://a/s", "https://a/c");
        p.output_name = Some("Team plan".into());
        let json = serde_json::to_value(p.to_wire(absolute).unwrap()).unwrap();
        assert_eq!(json["outputName"], "Team plan");
        for name in checkout_protocol::MERCHANT_ONLY_FIELDS {
            assert!(json.get(name).is_none(), "{name} sent from the page");
        }
    }

    #[test]
    fn checked_is_the_wire_body_without_the_metadata() {
        let metadata: Map<String, Value> =
            serde_json::from_str(r#"{"order":"o-1","seats":3}"#).unwrap();
        let mut p = CheckoutSessionParams::for_price_slug("pro", "/s", "https://a/c");
        p.output_metadata = Some(metadata.clone());
        p.output_name = Some("Team plan".into());
        let wire = p.to_wire(absolute);
        assert_eq!(wire.as_ref().unwrap_err().code(), "invalid_url");
        assert_eq!(p.checked(absolute).unwrap_err(), wire.unwrap_err());

        p.success_url = "https://a/s".into();
        let wire = p.to_wire(absolute).unwrap();
        assert_eq!(wire.output_metadata.as_ref(), Some(&metadata));
        let checked = p.checked(absolute).unwrap();
        assert_eq!(checked.output_metadata, None);
        assert_eq!(
            CreateProductCheckoutSessionParams {
                output_metadata: Some(metadata.clone()),
                ..checked
            },
            wire
        );

        let add = AddPaymentMethodParams {
            success_url: "https://a/s".into(),
            cancel_url: "https://a/c".into(),
            target_subscription_id: Some("sub_1".into()),
            output_metadata: Some(metadata.clone()),
            output_name: Some("Card".into()),
            auto_redirect: false,
        };
        let wire = add.to_wire(absolute).unwrap();
        assert_eq!(wire.output_metadata.as_ref(), Some(&metadata));
        assert_eq!(
            CreateAddPaymentMethodCheckoutSessionParams {
                output_metadata: Some(metadata),
                ..add.checked(absolute).unwrap()
            },
            wire
        );
    }

    #[test]
    fn add_payment_method_and_activate_check_their_own_fields() {
        let add = AddPaymentMethodParams {
            success_url: "https://a/s".into(),
            cancel_url: "javascript:void(0)".into(),
            ..Default::default()
        };
        assert_eq!(add.to_wire(absolute).unwrap_err().code(), "invalid_url");
        let add = AddPaymentMethodParams {
            cancel_url: "https://a/c".into(),
            target_subscription_id: Some(" ".into()),
            ..add
        };
        assert_eq!(add.to_wire(absolute).unwrap().target_subscription_id, None);

        let activate = ActivateSubscriptionParams {
            success_url: "https://a/s".into(),
            cancel_url: "https://a/c".into(),
            ..Default::default()
        };
        assert_eq!(
            activate.to_wire(absolute).unwrap_err().code(),
            "invalid_request"
        );
        let activate = ActivateSubscriptionParams {
            target_subscription_id: "sub_1".into(),
            ..activate
        };
        assert_eq!(
            activate
                .to_wire(absolute)
                .unwrap()
                .target_subscription_id
                .as_deref(),
            Some("sub_1")
        );
    }
}
