//! Turning create parameters into a new open session, the same way for the
//! server route and the platform API: which prices it sells, its options,
//! and the order rules are checked in (price, quantity, currency, URLs,
//! output, then the options). Also storing it under an idempotency key.

use crate::domain::catalog::{Catalog, Unredeemable};
use crate::domain::error::ApiError;
use crate::domain::records::StoredCustomer;
use crate::domain::records::StoredInvoice;
use crate::domain::session::{
    hosted_url, AppliedDiscount, CheckoutOptions, SoldItem, StoredSession, SESSION_LIFETIME_MS,
};
use crate::domain::subscription::StoredSubscription;
use crate::service::Billing;
use crate::store::{Created, IdempotencyClaim};
use crate::{domain::clock, domain::ids, domain::validation, service::idempotency};
use checkout_protocol::{
    CheckoutMode, CheckoutSessionStatus, CheckoutSessionType,
    CreateActivateSubscriptionCheckoutSessionParams, CreateAddPaymentMethodCheckoutSessionParams,
    CreateCheckoutSessionResponse, CreateProductCheckoutSessionParams, ErrorCode, LineItemParams,
    Price, PriceRef, PriceType, Product, Quantity, QuantityError,
};
// Adjustable quantity (issue 16, item 8).
use checkout_protocol::{AdjustableQuantity, QuantityBounds};
use serde_json::{Map, Value};

/// 400 `mode_mismatch` unless the `mode` a merchant asked for (if any) is
/// what `session` is (see [`StoredSession::mode`]); checked once the
/// session is built, so the prices it names have been found and their
/// types are known. Absent, the mode is whatever the session is.
pub fn check_mode(asked: Option<CheckoutMode>, session: &StoredSession) -> Result<(), ApiError> {
    let actual = session.mode();
    match asked {
        Some(asked) if asked != actual => Err(ApiError::new(
            ErrorCode::ModeMismatch,
            format!(
                "mode is {} but this {} session is a {} checkout: {}.",
                asked.as_str(),
                crate::domain::session::session_type_str(session.session_type),
                actual.as_str(),
                match actual {
                    CheckoutMode::Setup =>
                        "saving a card charges nothing; use mode setup or leave mode out",
                    CheckoutMode::Subscription =>
                        "a subscription price is being bought; use mode subscription or leave mode out",
                    CheckoutMode::Payment => match asked {
                        CheckoutMode::Setup =>
                            "mode setup is only for add_payment_method sessions",
                        _ => "no subscription price is being bought; use mode payment or leave mode out",
                    },
                }
            ),
        )),
        _ => Ok(()),
    }
}

/// The most line items one checkout may have: room for a large cart (the
/// benchmark renders 200) while 10,000 is refused.
pub const MAX_LINE_ITEMS: usize = 250;

/// What every kind of session shares: where to go afterwards and what the
/// result is called. Without a success URL the paid session's hosted page
/// shows the receipt.
struct Common {
    success_url: Option<String>,
    cancel_url: String,
    output_name: Option<String>,
    output_metadata: Option<Map<String, Value>>,
}

fn common(
    success_url: Option<&str>,
    cancel_url: Option<&str>,
    output_name: Option<String>,
    output_metadata: Option<Map<String, Value>>,
) -> Result<Common, ApiError> {
    let common = Common {
        success_url: validation::optional_redirect_url("successUrl", success_url)?,
        cancel_url: validation::redirect_url("cancelUrl", cancel_url)?,
        output_name: validation::output_name(output_name)?,
        output_metadata: validation::output_metadata(output_metadata)?,
    };
    validation::session_data_size(
        common.success_url.as_deref(),
        &common.cancel_url,
        common.output_name.as_deref(),
        common.output_metadata.as_ref(),
    )?;
    Ok(common)
}

/// A fresh open session of `session_type` for `customer`, to be filled in.
fn open_session(
    session_type: CheckoutSessionType,
    customer: Option<&StoredCustomer>,
    common: Common,
    now: i64,
) -> Result<StoredSession, ApiError> {
    let id = ids::new_id(ids::CHECKOUT_SESSION)
        .map_err(|e| ApiError::internal("no randomness for an id", e))?;
    Ok(StoredSession {
        id,
        session_type,
        status: CheckoutSessionStatus::Open,
        customer_id: customer.map(|c| c.id.clone()),
        customer_name: customer.map(|c| c.name.clone()),
        customer_email: customer.map(|c| c.email.clone()),
        price_id: None,
        quantity: 1,
        success_url: common.success_url,
        cancel_url: Some(common.cancel_url),
        output_name: common.output_name,
        output_metadata: common.output_metadata,
        line_items: Vec::new(),
        card: None,
        purchase_id: None,
        subscription_id: None,
        invoice_id: None,
        invoice_number: None,
        billing_address: None,
        tax_id: None,
        options: CheckoutOptions::default(),
        created_at: now,
        updated_at: now,
        expires_at: now.saturating_add(SESSION_LIFETIME_MS),
    })
}

/// The price a reference names, or 404 `price_not_found` (prefixed with `at`, e.g. `lineItems[1]: `).
fn find_price<'c>(
    catalog: &'c Catalog,
    price: &PriceRef,
    at: &str,
) -> Result<(&'c Product, &'c Price), ApiError> {
    let model = &catalog.pricing_model;
    match price {
        PriceRef::Id(id) => validation::id_field(&format!("{at}priceId"), Some(id))?,
        PriceRef::Slug(slug) => validation::id_field(&format!("{at}priceSlug"), Some(slug))?,
    }
    match price {
        PriceRef::Id(id) => model.price_by_id(id).ok_or_else(|| {
            ApiError::new(
                ErrorCode::PriceNotFound,
                format!("{at}No price with id `{id}` is on sale."),
            )
        }),
        PriceRef::Slug(slug) => model.price_by_slug(slug).ok_or_else(|| {
            ApiError::new(
                ErrorCode::PriceNotFound,
                format!("{at}No price with slug `{slug}` is on sale."),
            )
        }),
    }
}

fn price_ref_error(code: ErrorCode, at: &str) -> ApiError {
    let message = match code {
        ErrorCode::PriceAmbiguous => format!("{at}Give either priceId or priceSlug, not both."),
        _ => format!("{at}Give the price to buy as priceId or priceSlug."),
    };
    ApiError::new(code, message)
}

/// The prices a product checkout sells, one item per price (repeated prices
/// in `lineItems` are added up), checked in order: reference, existence,
/// quantity; then one currency and at most one subscription price.
pub fn sold_items(
    params: &CreateProductCheckoutSessionParams,
    catalog: &Catalog,
) -> Result<Vec<SoldItem>, ApiError> {
    let single = PriceRef::from_parts(params.price_id.as_deref(), params.price_slug.as_deref());
    let items = match (&params.line_items, single) {
        (None, single) => {
            let price = single.map_err(|code| price_ref_error(code, ""))?;
            let (product, price) = find_price(catalog, &price, "")?;
            let quantity = Quantity::from_wire(params.quantity)
                .map_err(|e| ApiError::new(e.code(), e.message()))?
                .get();
            vec![SoldItem::of(product, price, quantity)]
        }
        (Some(_), Ok(_) | Err(ErrorCode::PriceAmbiguous)) => {
            return Err(ApiError::new(
                ErrorCode::PriceAmbiguous,
                "Give priceId, priceSlug or lineItems, only one of them.",
            ))
        }
        (Some(lines), Err(_)) => line_items(lines, params.quantity, catalog)?,
    };
    let currency = items
        .first()
        .map(|i| i.currency.clone())
        .unwrap_or_default();
    if let Some(other) = items.iter().find(|i| i.currency != currency) {
        return Err(ApiError::new(
            ErrorCode::CurrencyMismatch,
            format!(
                "Every line item must be in the same currency; {} is in {currency} but {} is in {}.",
                items.first().map_or("", |i| i.name.as_str()),
                other.name,
                other.currency
            ),
        ));
    }
    if items
        .iter()
        .filter(|i| i.price_type == PriceType::Subscription)
        .count()
        > 1
    {
        return Err(ApiError::new(
            ErrorCode::MultipleSubscriptionPrices,
            "A checkout can start at most one subscription; sell the other subscription prices separately.",
        ));
    }
    if crate::domain::session::totals(&items, 0).is_none() {
        return Err(ApiError::new(
            ErrorCode::InvalidQuantity,
            "That quantity is too large for this price.",
        ));
    }
    Ok(items)
}

fn line_items(
    lines: &[LineItemParams],
    quantity: Option<f64>,
    catalog: &Catalog,
) -> Result<Vec<SoldItem>, ApiError> {
    if quantity.is_some() {
        return Err(ApiError::invalid_request(
            "With lineItems, give each line's quantity instead of a top-level quantity.",
        ));
    }
    if lines.is_empty() {
        return Err(ApiError::new(
            ErrorCode::PriceMissing,
            "lineItems is empty; give at least one line item.",
        ));
    }
    if lines.len() > MAX_LINE_ITEMS {
        return Err(ApiError::new(
            ErrorCode::TooManyLineItems,
            format!(
                "A checkout can have at most {MAX_LINE_ITEMS} line items; this one has {}.",
                lines.len()
            ),
        ));
    }
    let mut items: Vec<SoldItem> = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let at = format!("lineItems[{i}]: ");
        let price = PriceRef::from_parts(line.price_id.as_deref(), line.price_slug.as_deref())
            .map_err(|code| price_ref_error(code, &at))?;
        let (product, price) = find_price(catalog, &price, &at)?;
        let too_many = |e: QuantityError| ApiError::new(e.code(), format!("{at}{}", e.message()));
        let quantity = Quantity::from_wire(line.quantity).map_err(too_many)?.get();
        match items.iter_mut().find(|item| item.price_id == price.id) {
            Some(same) => {
                same.quantity = same
                    .quantity
                    .checked_add(quantity)
                    .ok_or(QuantityError)
                    .and_then(Quantity::new)
                    .map_err(too_many)?
                    .get();
            }
            None => items.push(SoldItem::of(product, price, quantity)),
        }
    }
    Ok(items)
}

/// A new product session from `checkout-sessions/create` (or the platform
/// API's `type: product`). A signed-in customer's own email wins over
/// `customerEmail`.
pub fn product_session(
    params: CreateProductCheckoutSessionParams,
    customer: Option<&StoredCustomer>,
    catalog: &Catalog,
    now: i64,
) -> Result<StoredSession, ApiError> {
    let mut items = sold_items(&params, catalog)?;
    let c = common(
        params.success_url.as_deref(),
        params.cancel_url.as_deref(),
        params.output_name,
        params.output_metadata,
    )?;
    let request_id = validation::request_id(params.request_id)?;
    let given_email = validation::customer_email(params.customer_email.as_deref())?;
    validation::id_field("discountCode", params.discount_code.as_deref())?;
    let discount = match params
        .discount_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => None,
        Some(code) => Some(AppliedDiscount::from(catalog.redeem(code, now).map_err(
            |why| {
                let shown: String = code.chars().take(64).collect();
                let message = match why {
                    Unredeemable::Unknown => format!("The discount code `{shown}` does not exist."),
                    Unredeemable::Expired => format!("The discount code `{shown}` has expired."),
                };
                ApiError::new(ErrorCode::DiscountCodeInvalid, message)
            },
        )?)),
    };
    let trial_days = validation::trial_days(params.trial_days)?;
    if let Some(days) = trial_days {
        if !items
            .iter()
            .any(|i| i.price_type == PriceType::Subscription)
        {
            return Err(ApiError::invalid_request(
                "trialDays only applies to checkouts of a subscription price.",
            ));
        }
        items = items.into_iter().map(|i| i.with_trial_days(days)).collect();
    }
    let expires_at = validation::expires_at(params.expires_at, now, SESSION_LIFETIME_MS)?;

    let mut session = open_session(CheckoutSessionType::Product, customer, c, now)?;
    if session.customer_email.is_none() {
        session.customer_email = given_email;
    }
    let first = items
        .first()
        .ok_or_else(|| ApiError::internal("a checkout sells nothing", "no items"))?;
    session.price_id = Some(first.price_id.clone());
    session.quantity = first.quantity;
    session.line_items = items;
    session.expires_at = expires_at;
    // The creator's word wins; otherwise the merchant's per-price defaults.
    let defaults =
        catalog.checkout_defaults_for(session.line_items.iter().map(|i| i.price_id.as_str()));
    session.options = CheckoutOptions {
        request_id,
        discount_code_prefilled: discount.is_some(),
        discount,
        allow_promotion_codes: params
            .allow_promotion_codes
            .or(defaults.allow_promotion_codes),
        billing_address_collection: params
            .billing_address_collection
            .or(defaults.billing_address_collection),
        trial_days,
        tax_id_collection: params.tax_id_collection == Some(true),
        ..CheckoutOptions::default()
    };
    session.options.adjustable_quantity =
        adjustable_quantity(params.adjustable_quantity, &session)?;
    Ok(session)
}

/// The bounds of an `adjustableQuantity` asked for on `session` (a product
/// checkout, built): `None` when absent or disabled; 400
/// `adjustable_quantity_not_allowed` when the session does not sell one
/// per-unit price, `invalid_quantity` when the bounds are wrong, and
/// `quantity_out_of_range` when the initial quantity is outside them.
pub fn adjustable_quantity(
    asked: Option<AdjustableQuantity>,
    session: &StoredSession,
) -> Result<Option<QuantityBounds>, ApiError> {
    let Some(asked) = asked.filter(|a| a.enabled) else {
        return Ok(None);
    };
    session.check_quantity_adjustable()?;
    let bounds = asked
        .bounds()
        .map_err(|e| ApiError::new(e.code(), e.to_string()))?
        .ok_or_else(|| ApiError::internal("enabled bounds missing", &session.id))?;
    bounds.check(session.quantity).map_err(|e| {
        ApiError::new(
            e.code(),
            format!(
                "The initial quantity {} is outside adjustableQuantity: {e}",
                session.quantity
            ),
        )
    })?;
    Ok(Some(bounds))
}

/// Options only the platform API sets on a card-saving session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CardOptions {
    /// Move every current subscription to the new card.
    pub automatically_update_subscriptions: Option<bool>,
}

/// A new session saving a card for `customer` (nothing is charged);
/// `target` is the subscription the card becomes the default of.
pub fn add_payment_method_session(
    params: CreateAddPaymentMethodCheckoutSessionParams,
    customer: &StoredCustomer,
    target: Option<&StoredSubscription>,
    card: CardOptions,
    now: i64,
) -> Result<StoredSession, ApiError> {
    let c = common(
        params.success_url.as_deref(),
        params.cancel_url.as_deref(),
        params.output_name,
        params.output_metadata,
    )?;
    let mut session = open_session(
        CheckoutSessionType::AddPaymentMethod,
        Some(customer),
        c,
        now,
    )?;
    session.options.target_subscription_id = target.map(|s| s.id.clone());
    session.options.automatically_update_subscriptions = card.automatically_update_subscriptions;
    Ok(session)
}

/// A new session that starts billing `target` (one of `customer`'s
/// subscriptions) at `params.priceId`, else at its own price; no trial.
pub fn activate_subscription_session(
    params: CreateActivateSubscriptionCheckoutSessionParams,
    customer: &StoredCustomer,
    target: &StoredSubscription,
    catalog: &Catalog,
    preserve_billing_cycle_anchor: bool,
    now: i64,
) -> Result<StoredSession, ApiError> {
    let (product, price) = match params
        .price_id
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(id) => find_price(catalog, &PriceRef::Id(id.to_owned()), "")?,
        None => catalog.any_price_by_id(&target.price_id).ok_or_else(|| {
            ApiError::new(
                ErrorCode::PriceNotFound,
                format!(
                    "The subscription's price `{}` is no longer in the catalog; give a priceId.",
                    target.price_id
                ),
            )
        })?,
    };
    if price.price_type != PriceType::Subscription {
        return Err(ApiError::invalid_request(format!(
            "priceId `{}` is not a subscription price; a subscription can only be billed at one.",
            price.id
        )));
    }
    let c = common(
        params.success_url.as_deref(),
        params.cancel_url.as_deref(),
        params.output_name,
        params.output_metadata,
    )?;
    let mut session = open_session(
        CheckoutSessionType::ActivateSubscription,
        Some(customer),
        c,
        now,
    )?;
    let item = SoldItem::of(product, price, target.quantity.max(1)).with_trial_days(0);
    session.price_id = Some(item.price_id.clone());
    session.quantity = item.quantity;
    session.line_items = vec![item];
    session.options.target_subscription_id = Some(target.id.clone());
    session.options.preserve_billing_cycle_anchor = preserve_billing_cycle_anchor;
    Ok(session)
}

/// A new session paying `invoice`, one of `customer`'s open invoices: it
/// sells the invoice's own lines. Price, quantity and output fields do not
/// apply (as in Flowglad); a discount code cannot be used.
pub fn invoice_session(
    params: CreateProductCheckoutSessionParams,
    customer: &StoredCustomer,
    invoice: &StoredInvoice,
    now: i64,
) -> Result<StoredSession, ApiError> {
    if params
        .discount_code
        .as_deref()
        .is_some_and(|c| !c.trim().is_empty())
        || params.allow_promotion_codes == Some(true)
    {
        return Err(ApiError::new(
            ErrorCode::PromotionCodesNotAllowed,
            "Invoice sessions take no discount codes; the invoice is paid as issued.",
        ));
    }
    let c = common(
        params.success_url.as_deref(),
        params.cancel_url.as_deref(),
        None,
        None,
    )?;
    let request_id = validation::request_id(params.request_id)?;
    let expires_at = validation::expires_at(params.expires_at, now, SESSION_LIFETIME_MS)?;
    let items: Vec<SoldItem> = invoice
        .lines
        .iter()
        .map(|line| SoldItem::invoice_line(line, &invoice.currency))
        .collect();
    if crate::domain::session::totals(&items, 0).is_none() {
        return Err(ApiError::internal(
            "invoice cannot be totalled",
            &invoice.id,
        ));
    }
    let mut session = open_session(CheckoutSessionType::Invoice, Some(customer), c, now)?;
    session.line_items = items;
    session.invoice_id = Some(invoice.id.clone());
    session.invoice_number = Some(invoice.invoice_number.clone());
    session.expires_at = expires_at;
    session.options = CheckoutOptions {
        request_id,
        billing_address_collection: params.billing_address_collection,
        ..CheckoutOptions::default()
    };
    Ok(session)
}

/// `{checkoutSession, url}`: what every create, retrieve and expire answers.
pub fn response(billing: &Billing, session: &StoredSession) -> CreateCheckoutSessionResponse {
    CreateCheckoutSessionResponse {
        checkout_session: session.to_checkout_session(&billing.catalog),
        url: hosted_url(&billing.public_url, session.session_type, &session.id),
    }
}

/// The session an idempotency key already made for this same request, if
/// any; 409 `idempotency_key_reused` if it was used for another.
pub async fn replay(
    billing: &Billing,
    claim: Option<&IdempotencyClaim>,
) -> Result<Option<StoredSession>, ApiError> {
    let Some(claim) = claim else { return Ok(None) };
    match billing.db.replay(claim.clone(), clock::now_ms()).await? {
        None => Ok(None),
        Some(Created::Conflict) => Err(idempotency::reused()),
        Some(Created::New(s) | Created::Replayed(s)) => Ok(Some(*s)),
    }
}

/// 400 `redirect_host_not_allowed` when a URL of `session` points at a host
/// the server's [`crate::domain::redirect_hosts::RedirectRule`] does not allow.
pub fn check_redirect_hosts(billing: &Billing, session: &StoredSession) -> Result<(), ApiError> {
    check_redirect_urls(
        &billing.redirect_rule,
        session.success_url.as_deref(),
        session.cancel_url.as_deref(),
    )
}

/// 400 `redirect_host_not_allowed` when `success_url` or `cancel_url` points
/// at a host `rule` does not allow (a malformed one is left to the caller's
/// own checks, or refused here as `invalid_url`).
pub fn check_redirect_urls(
    rule: &crate::domain::redirect_hosts::RedirectRule,
    success_url: Option<&str>,
    cancel_url: Option<&str>,
) -> Result<(), ApiError> {
    if rule.allows_any_host() {
        return Ok(());
    }
    for (field, value) in [("successUrl", success_url), ("cancelUrl", cancel_url)] {
        let Some(value) = value else { continue };
        let (_, url) = validation::parse_redirect_url(field, Some(value))?;
        if !rule.allows(&url) {
            let host: String = url
                .host_str()
                .unwrap_or_default()
                .chars()
                .take(100)
                .collect();
            return Err(ApiError::new(
                ErrorCode::RedirectHostNotAllowed,
                format!("{field} points at {host}, which is not one of the hosts this server redirects to."),
            ));
        }
    }
    Ok(())
}

/// Stores a new session after [`check_redirect_hosts`]; under an
/// idempotency key another request may have stored one first, and then
/// that one is the answer (or a 409).
pub async fn store(
    billing: &Billing,
    session: StoredSession,
    claim: Option<IdempotencyClaim>,
) -> Result<StoredSession, ApiError> {
    check_redirect_hosts(billing, &session)?;
    match billing
        .db
        .create_session(session, claim, clock::now_ms())
        .await?
    {
        Created::New(s) => {
            tracing::info!(session = %s.id, kind = ?s.session_type, lines = s.line_items.len(), "checkout session created");
            Ok(*s)
        }
        Created::Replayed(s) => Ok(*s),
        Created::Conflict => Err(idempotency::reused()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::DAY_MS;
    use serde_json::json;

    const NOW: i64 = 1_780_000_000_000;

    fn params(v: Value) -> CreateProductCheckoutSessionParams {
        let mut body = json!({"successUrl": "https://s.test/ok", "cancelUrl": "https://s.test/no"});
        if let (Some(b), Some(extra)) = (body.as_object_mut(), v.as_object()) {
            b.extend(extra.clone());
        }
        serde_json::from_value(body).unwrap()
    }

    fn alice() -> StoredCustomer {
        StoredCustomer {
            id: "cus_alice".into(),
            external_id: "alice".into(),
            name: "Alice Martin".into(),
            email: "alice@example.com".into(),
        }
    }

    fn code(v: Value) -> ErrorCode {
        product_session(params(v), None, &Catalog::demo().unwrap(), NOW)
            .unwrap_err()
            .code
    }

    #[test]
    fn line_items_one_per_price_in_one_currency() {
        let catalog = Catalog::demo().unwrap();
        let s = product_session(
            params(json!({"lineItems": [
                {"priceSlug": "onboarding", "quantity": 2},
                {"priceId": "price_lifetime"},
                {"priceSlug": "onboarding"},
                {"priceSlug": "pro-monthly"}
            ]})),
            None,
            &catalog,
            NOW,
        )
        .unwrap();
        let lines: Vec<(&str, u32)> = s
            .line_items
            .iter()
            .map(|i| (i.price_id.as_str(), i.quantity))
            .collect();
        assert_eq!(
            lines,
            [
                ("price_onboarding", 3),
                ("price_lifetime", 1),
                ("price_pro_monthly", 1)
            ]
        );
        assert_eq!(
            (s.price_id.as_deref(), s.quantity),
            (Some("price_onboarding"), 3)
        );
        assert_eq!(s.expires_at, NOW + SESSION_LIFETIME_MS);
    }

    #[test]
    fn price_rules_in_order() {
        assert_eq!(
            code(json!({"priceSlug": "onboarding", "lineItems": [{"priceSlug": "lifetime"}]})),
            ErrorCode::PriceAmbiguous
        );
        assert_eq!(code(json!({"lineItems": []})), ErrorCode::PriceMissing);
        assert_eq!(
            code(json!({"lineItems": [{"priceSlug": "lifetime", "priceId": "price_lifetime"}]})),
            ErrorCode::PriceAmbiguous
        );
        assert_eq!(code(json!({"lineItems": [{}]})), ErrorCode::PriceMissing);
        assert_eq!(
            code(json!({"lineItems": [{"priceSlug": "nope", "quantity": 0}]})),
            ErrorCode::PriceNotFound
        );
        assert_eq!(
            code(json!({"lineItems": [{"priceSlug": "lifetime", "quantity": 0}]})),
            ErrorCode::InvalidQuantity
        );
        assert_eq!(
            code(json!({"lineItems": [{"priceSlug": "lifetime"}], "quantity": 2})),
            ErrorCode::InvalidRequest
        );
        let many: Vec<Value> = (0..=MAX_LINE_ITEMS)
            .map(|_| json!({"priceSlug": "lifetime"}))
            .collect();
        assert_eq!(
            code(json!({"lineItems": many})),
            ErrorCode::TooManyLineItems
        );
        let huge: Vec<Value> = (0..10_000)
            .map(|_| json!({"priceSlug": "lifetime"}))
            .collect();
        assert_eq!(
            code(json!({"lineItems": huge})),
            ErrorCode::TooManyLineItems
        );
        assert_eq!(
            code(json!({"priceSlug": "x".repeat(256)})),
            ErrorCode::FieldTooLong
        );
        assert_eq!(
            code(json!({"lineItems": [{"priceId": "x".repeat(256)}]})),
            ErrorCode::FieldTooLong
        );
        assert_eq!(
            code(json!({"priceSlug": "lifetime", "quantity": 1e12})),
            ErrorCode::InvalidQuantity
        );
        let most: Vec<Value> = (0..MAX_LINE_ITEMS)
            .map(|_| json!({"priceSlug": "lifetime"}))
            .collect();
        assert!(product_session(
            params(json!({"lineItems": most})),
            None,
            &Catalog::demo().unwrap(),
            NOW
        )
        .is_ok());
        assert_eq!(
            code(json!({"lineItems": [{"priceSlug": "lifetime"}, {"priceSlug": "credits-jpy"}]})),
            ErrorCode::CurrencyMismatch
        );
        assert_eq!(
            code(json!({"lineItems": [{"priceSlug": "pro-monthly"}, {"priceSlug": "pro-yearly"}]})),
            ErrorCode::MultipleSubscriptionPrices
        );
        assert_eq!(
            code(
                json!({"lineItems": [{"priceSlug": "lifetime", "quantity": 600000}, {"priceSlug": "lifetime", "quantity": 600000}]})
            ),
            ErrorCode::InvalidQuantity
        );
    }

    #[test]
    fn options_are_checked_and_kept() {
        let catalog = Catalog::demo().unwrap();
        let s = product_session(
            params(json!({
                "priceSlug": "pro-yearly", "requestId": "req_1", "customerEmail": "ann@example.com",
                "discountCode": "welcome10", "allowPromotionCodes": true, "billingAddressCollection": "required",
                "trialDays": 7, "expiresAt": (NOW + 2 * DAY_MS) as f64
            })),
            None,
            &catalog,
            NOW,
        )
        .unwrap();
        assert_eq!(s.options.request_id.as_deref(), Some("req_1"));
        assert_eq!(s.customer_email.as_deref(), Some("ann@example.com"));
        assert_eq!(
            s.options.discount.as_ref().map(|d| d.code.as_str()),
            Some("WELCOME10")
        );
        assert_eq!(s.options.allow_promotion_codes, Some(true));
        assert_eq!(s.options.trial_days, Some(7));
        assert_eq!(s.line_items[0].trial_period_days, Some(7));
        assert_eq!(s.expires_at, NOW + 2 * DAY_MS);
        // Zero trial days remove the price's own trial.
        let s = product_session(
            params(json!({"priceSlug": "pro-monthly", "trialDays": 0})),
            None,
            &catalog,
            NOW,
        )
        .unwrap();
        assert!(!s.line_items[0].starts_trial());
        // A signed-in customer's email wins.
        let s = product_session(
            params(json!({"priceSlug": "lifetime", "customerEmail": "x@y.test"})),
            Some(&alice()),
            &catalog,
            NOW,
        )
        .unwrap();
        assert_eq!(s.customer_email.as_deref(), Some("alice@example.com"));

        assert_eq!(
            code(json!({"priceSlug": "lifetime", "discountCode": "NOPE"})),
            ErrorCode::DiscountCodeInvalid
        );
        assert_eq!(
            code(json!({"priceSlug": "lifetime", "trialDays": 3})),
            ErrorCode::InvalidRequest
        );
        assert_eq!(
            code(json!({"priceSlug": "pro-monthly", "trialDays": 731})),
            ErrorCode::InvalidRequest
        );
        assert_eq!(
            code(json!({"priceSlug": "lifetime", "requestId": "r".repeat(201)})),
            ErrorCode::FieldTooLong
        );
        assert_eq!(
            code(json!({"priceSlug": "lifetime", "customerEmail": "nope"})),
            ErrorCode::InvalidEmail
        );
        assert_eq!(
            code(json!({"priceSlug": "lifetime", "expiresAt": (NOW + 1000) as f64})),
            ErrorCode::InvalidRequest
        );
        assert_eq!(
            code(json!({"priceSlug": "lifetime", "expiresAt": (NOW + 31 * DAY_MS) as f64})),
            ErrorCode::InvalidRequest
        );
    }

    #[test]
    fn activation_bills_a_subscription_price_without_trial() {
        let catalog = Catalog::demo().unwrap();
        let target = StoredSubscription {
            id: "sub_1".into(),
            customer_id: "cus_alice".into(),
            price_id: "price_pro_monthly".into(),
            status: checkout_protocol::SubscriptionStatus::Trialing,
            checkout_session_id: None,
            request_id: None,
            name: None,
            metadata: None,
            quantity: 2,
            interval_unit: None,
            interval_count: None,
            start_date: 0,
            current_period_start: None,
            current_period_end: None,
            trial_end: None,
            cancel_scheduled_at: None,
            canceled_at: None,
            default_payment_method_id: None,
            scheduled_change: None,
            created_at: 0,
            updated_at: 0,
        };
        let p = |v: Value| -> CreateActivateSubscriptionCheckoutSessionParams {
            let mut body =
                json!({"successUrl": "https://s.test/ok", "cancelUrl": "https://s.test/no"});
            if let (Some(b), Some(extra)) = (body.as_object_mut(), v.as_object()) {
                b.extend(extra.clone());
            }
            serde_json::from_value(body).unwrap()
        };
        let s =
            activate_subscription_session(p(json!({})), &alice(), &target, &catalog, false, NOW)
                .unwrap();
        assert_eq!(s.session_type, CheckoutSessionType::ActivateSubscription);
        assert_eq!(
            (s.line_items[0].quantity, s.line_items[0].starts_trial()),
            (2, false)
        );
        assert_eq!(s.options.target_subscription_id.as_deref(), Some("sub_1"));
        let yearly = activate_subscription_session(
            p(json!({"priceId": "price_pro_yearly"})),
            &alice(),
            &target,
            &catalog,
            false,
            NOW,
        )
        .unwrap();
        assert_eq!(yearly.price_id.as_deref(), Some("price_pro_yearly"));
        let e = activate_subscription_session(
            p(json!({"priceId": "price_lifetime"})),
            &alice(),
            &target,
            &catalog,
            false,
            NOW,
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidRequest);
        let e = activate_subscription_session(
            p(json!({"priceId": "price_nope"})),
            &alice(),
            &target,
            &catalog,
            false,
            NOW,
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::PriceNotFound);
    }
}
