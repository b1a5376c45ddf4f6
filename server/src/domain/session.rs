//! The checkout session as the server keeps it: what was sold (a snapshot
//! taken at creation), its totals, and its views for the platform API and
//! the hosted page.

use crate::domain::catalog::{Catalog, Discount};
use crate::domain::error::ApiError;
use checkout_protocol::hosted::{CardSummary, RecurringCharge};
use checkout_protocol::{
    money, redirect, BillingAddress, BillingAddressCollection, CheckoutMode, CheckoutSession,
    CheckoutSessionStatus, CheckoutSessionType, ErrorCode, HostedCheckoutSession, HostedLineItem,
    IntervalUnit, PaymentStatus, Price, PriceType, Product, QuantityBounds, TaxId,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How long a new session can be paid: 24 hours, in milliseconds.
pub const SESSION_LIFETIME_MS: i64 = 24 * crate::domain::clock::HOUR_MS;

/// One sold price, frozen when the session is created so later catalog
/// changes do not alter an open session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SoldItem {
    /// The price sold.
    pub price_id: String,
    /// Product name.
    pub name: String,
    /// Product description.
    pub description: Option<String>,
    /// Units sold.
    pub quantity: u32,
    /// Price per unit, minor units.
    pub unit_amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// How the price charges.
    pub price_type: PriceType,
    /// Interval unit, for subscriptions.
    pub interval_unit: Option<IntervalUnit>,
    /// Interval units per period, for subscriptions.
    pub interval_count: Option<u32>,
    /// Free-trial days, for subscriptions.
    pub trial_period_days: Option<u32>,
}

impl SoldItem {
    /// Snapshots `price` of `product` at `quantity`.
    pub fn of(product: &Product, price: &Price, quantity: u32) -> Self {
        let recurring = price.is_recurring();
        Self {
            price_id: price.id.clone(),
            name: product.name.clone(),
            description: product.description.clone(),
            quantity,
            unit_amount: price.unit_price,
            currency: price.currency.clone(),
            price_type: price.price_type,
            interval_unit: if recurring { price.interval_unit } else { None },
            interval_count: if recurring {
                Some(price.interval_count.unwrap_or(1))
            } else {
                None
            },
            trial_period_days: if recurring {
                price.trial_period_days.filter(|d| *d > 0)
            } else {
                None
            },
        }
    }

    /// One line of an invoice being paid: named after the line's
    /// description, charged once at its unit price.
    pub fn invoice_line(line: &crate::domain::records::StoredInvoiceLine, currency: &str) -> Self {
        Self {
            price_id: line.price_id.clone().unwrap_or_default(),
            name: line.description.clone(),
            description: None,
            quantity: line.quantity,
            unit_amount: line.price,
            currency: currency.to_owned(),
            price_type: PriceType::SinglePayment,
            interval_unit: None,
            interval_count: None,
            trial_period_days: None,
        }
    }

    /// Whether this item starts a free trial (nothing charged today).
    pub fn starts_trial(&self) -> bool {
        self.price_type == PriceType::Subscription && self.trial_period_days.is_some_and(|d| d > 0)
    }

    /// Replaces a subscription's trial length (0 = no trial); single payments are unchanged.
    pub fn with_trial_days(mut self, days: u32) -> Self {
        if self.price_type == PriceType::Subscription {
            self.trial_period_days = Some(days).filter(|d| *d > 0);
        }
        self
    }

    /// `unit_amount × quantity`, or `None` on overflow.
    pub fn amount(&self) -> Option<i64> {
        money::line_amount(self.unit_amount, self.quantity)
    }
}

/// A discount code applied to a session, frozen at creation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedDiscount {
    /// The catalog discount's id.
    pub id: String,
    /// The code as the catalog spells it.
    pub code: String,
    /// Percentage off, 1–100.
    pub percent_off: u32,
}

impl From<&Discount> for AppliedDiscount {
    fn from(d: &Discount) -> Self {
        Self {
            id: d.id.clone(),
            code: d.code.clone(),
            percent_off: d.percent_off,
        }
    }
}

/// The optional settings of a session beyond what it sells.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckoutOptions {
    /// The merchant's own reference.
    pub request_id: Option<String>,
    /// The discount taken off what is charged at checkout.
    pub discount: Option<AppliedDiscount>,
    /// Whether the session was created with a discount code, which the
    /// customer may then remove or replace on the hosted page.
    pub discount_code_prefilled: bool,
    /// Whether the hosted page offers a discount-code field.
    pub allow_promotion_codes: Option<bool>,
    /// Whether the hosted page asks for a billing address.
    pub billing_address_collection: Option<BillingAddressCollection>,
    /// The trial length the merchant asked for (already applied to the items).
    pub trial_days: Option<u32>,
    /// The subscription a card is saved for, or that is activated.
    pub target_subscription_id: Option<String>,
    /// Move every current subscription to a newly saved card.
    pub automatically_update_subscriptions: Option<bool>,
    /// Keep an existing subscription's billing cycle anchor.
    pub preserve_billing_cycle_anchor: bool,
    /// The bounds the customer may change the quantity within on the hosted
    /// page (`adjustableQuantity`); `None` when it is fixed.
    pub adjustable_quantity: Option<QuantityBounds>,
    /// Whether the hosted page offers an optional business tax ID.
    pub tax_id_collection: bool,
}

/// The saved summary of the card that paid (never the full number or CVC).
pub type PaidCard = CardSummary;

/// A checkout session row.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSession {
    /// `cs_…` id.
    pub id: String,
    /// Session kind.
    pub session_type: CheckoutSessionType,
    /// Lifecycle state.
    pub status: CheckoutSessionStatus,
    /// The customer, when the route resolved one.
    pub customer_id: Option<String>,
    /// The customer's name (joined from the customer).
    pub customer_name: Option<String>,
    /// Prefilled (locked) email before payment; the receipt email after.
    pub customer_email: Option<String>,
    /// The price bought (`None` when saving a card).
    pub price_id: Option<String>,
    /// Units bought.
    pub quantity: u32,
    /// Success URL template (may contain `{CHECKOUT_SESSION_ID}`).
    pub success_url: Option<String>,
    /// Cancel URL template.
    pub cancel_url: Option<String>,
    /// Name for the resulting purchase or subscription.
    pub output_name: Option<String>,
    /// Metadata for the resulting purchase or subscription.
    pub output_metadata: Option<Map<String, Value>>,
    /// What was sold.
    pub line_items: Vec<SoldItem>,
    /// The card that paid.
    pub card: Option<PaidCard>,
    /// The purchase made on success.
    pub purchase_id: Option<String>,
    /// The subscription the payment created or activated (none before
    /// success, and for sessions that make none).
    pub subscription_id: Option<String>,
    /// The invoice an invoice session pays.
    pub invoice_id: Option<String>,
    /// That invoice's number (joined from the invoice).
    pub invoice_number: Option<String>,
    /// The billing address given at payment.
    pub billing_address: Option<BillingAddress>,
    /// The business tax ID given at payment, normalized.
    pub tax_id: Option<TaxId>,
    /// Request id, discount, page options and targets.
    pub options: CheckoutOptions,
    /// Epoch ms.
    pub created_at: i64,
    /// Epoch ms.
    pub updated_at: i64,
    /// Epoch ms after which the session cannot be paid.
    pub expires_at: i64,
}

/// A session's amounts, all in minor units of `currency`.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    /// ISO 4217 code shared by every line.
    pub currency: String,
    /// One line per sold price.
    pub lines: Vec<HostedLineItem>,
    /// Sum of the lines.
    pub subtotal: i64,
    /// Discount taken off what is charged today.
    pub discount: i64,
    /// Charged at confirmation (zero for lines in a free trial).
    pub total_due_today: i64,
    /// Charged each interval afterwards, for subscriptions.
    pub recurring: Option<RecurringCharge>,
    /// Longest free trial among the lines.
    pub trial_days: Option<u32>,
}

/// Totals the sold items, taking `discount_percent` off what is charged
/// today; `None` when there are none, currencies differ, or an amount overflows.
pub fn totals(items: &[SoldItem], discount_percent: u32) -> Option<Totals> {
    let currency = items.first()?.currency.clone();
    if items.iter().any(|i| i.currency != currency) {
        return None;
    }
    let mut lines = Vec::with_capacity(items.len());
    for item in items {
        lines.push(HostedLineItem {
            name: item.name.clone(),
            description: item.description.clone(),
            quantity: item.quantity,
            unit_amount: item.unit_amount,
            amount: money::line_amount(item.unit_amount, item.quantity)?,
            price_type: item.price_type,
            interval_unit: item.interval_unit,
            interval_count: item.interval_count,
        });
    }
    let subtotal = money::sum(lines.iter().map(|l| l.amount))?;
    let due_today = money::sum(
        items
            .iter()
            .zip(&lines)
            .filter(|(item, _)| !item.starts_trial())
            .map(|(_, l)| l.amount),
    )?;
    let discount = money::percent_discount(due_today, discount_percent.saturating_mul(100));
    let recurring_items: Vec<(&SoldItem, &HostedLineItem)> = items
        .iter()
        .zip(&lines)
        .filter(|(i, _)| i.price_type == PriceType::Subscription)
        .collect();
    let recurring = match recurring_items.first() {
        Some((first, _)) => Some(RecurringCharge {
            amount: money::sum(recurring_items.iter().map(|(_, l)| l.amount))?,
            interval_unit: first.interval_unit?,
            interval_count: first.interval_count.unwrap_or(1),
        }),
        None => None,
    };
    let trial_days = items
        .iter()
        .filter(|i| i.starts_trial())
        .filter_map(|i| i.trial_period_days)
        .max();
    Some(Totals {
        currency,
        lines,
        subtotal,
        discount,
        total_due_today: due_today.checked_sub(discount)?.max(0),
        recurring,
        trial_days,
    })
}

/// Parses a stored session type.
pub fn parse_session_type(s: &str) -> Option<CheckoutSessionType> {
    serde_json::from_value(Value::String(s.to_owned())).ok()
}

/// The stored form of a session type, e.g. `product`.
pub fn session_type_str(t: CheckoutSessionType) -> &'static str {
    match t {
        CheckoutSessionType::Product => "product",
        CheckoutSessionType::Purchase => "purchase",
        CheckoutSessionType::AddPaymentMethod => "add_payment_method",
        CheckoutSessionType::ActivateSubscription => "activate_subscription",
        CheckoutSessionType::Invoice => "invoice",
    }
}

/// Zero totals in `currency`, for a session that sells nothing (saving a card).
pub fn empty_totals(currency: &str) -> Totals {
    Totals {
        currency: currency.to_owned(),
        lines: Vec::new(),
        subtotal: 0,
        discount: 0,
        total_due_today: 0,
        recurring: None,
        trial_days: None,
    }
}

/// The hosted page's URL for a session: `/add-payment-method/{id}` for
/// saving a card (Flowglad's path), `/checkout/{id}` otherwise.
pub fn hosted_url(public_url: &str, session_type: CheckoutSessionType, session_id: &str) -> String {
    match session_type {
        CheckoutSessionType::AddPaymentMethod => {
            format!("{public_url}/add-payment-method/{session_id}")
        }
        _ => format!("{public_url}/checkout/{session_id}"),
    }
}

impl CheckoutOptions {
    /// Whether the hosted page may apply, replace or remove a discount code:
    /// the merchant allowed promotion codes or prefilled one.
    pub fn discount_code_editable(&self) -> bool {
        self.allow_promotion_codes == Some(true) || self.discount_code_prefilled
    }
}

impl StoredSession {
    /// Whether the customer may pay with a saved card (issue 16): an open
    /// product or activate-subscription checkout of a signed-in customer.
    /// Saving a card needs a new one; an invoice or anonymous checkout has
    /// no saved cards to offer.
    pub fn offers_saved_cards(&self) -> bool {
        self.customer_id.is_some()
            && self.status == CheckoutSessionStatus::Open
            && matches!(
                self.session_type,
                CheckoutSessionType::Product | CheckoutSessionType::ActivateSubscription
            )
    }

    /// The session as the platform API and the server route return it.
    pub fn to_checkout_session(&self, catalog: &Catalog) -> CheckoutSession {
        CheckoutSession {
            id: self.id.clone(),
            session_type: self.session_type,
            status: self.status,
            price_id: self.price_id.clone(),
            request_id: self.options.request_id.clone(),
            quantity: Some(self.quantity),
            customer_id: self.customer_id.clone(),
            customer_email: self.customer_email.clone(),
            customer_name: self.customer_name.clone(),
            discount_id: self.options.discount.as_ref().map(|d| d.id.clone()),
            purchase_id: self.purchase_id.clone(),
            subscription_id: self.subscription_id.clone(),
            payment_status: Some(self.payment_status(catalog)),
            invoice_id: self.invoice_id.clone(),
            output_name: self.output_name.clone(),
            output_metadata: self.output_metadata.clone(),
            success_url: self.success_url.clone(),
            cancel_url: self.cancel_url.clone(),
            payment_method_type: self.card.as_ref().map(|_| "card".to_owned()),
            target_subscription_id: self.options.target_subscription_id.clone(),
            preserve_billing_cycle_anchor: self.options.preserve_billing_cycle_anchor,
            billing_address: self
                .billing_address
                .as_ref()
                .map(BillingAddress::to_flowglad),
            automatically_update_subscriptions: self.options.automatically_update_subscriptions,
            adjustable_quantity: self.options.adjustable_quantity,
            tax_id_collection: self.options.tax_id_collection.then_some(true),
            tax_id: self.tax_id.clone(),
            pricing_model_id: catalog.pricing_model.id.clone(),
            organization_id: catalog.organization_id.clone(),
            livemode: false,
            expires: self.expires_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    /// What kind of checkout the session is, in Stripe's words: `setup` for
    /// saving a card, `subscription` when it starts or activates a
    /// subscription (a subscription price among its items), `payment`
    /// otherwise (one-time and usage prices, invoices).
    pub fn mode(&self) -> CheckoutMode {
        match self.session_type {
            CheckoutSessionType::AddPaymentMethod => CheckoutMode::Setup,
            CheckoutSessionType::ActivateSubscription => CheckoutMode::Subscription,
            _ if self
                .line_items
                .iter()
                .any(|i| i.price_type == PriceType::Subscription) =>
            {
                CheckoutMode::Subscription
            }
            _ => CheckoutMode::Payment,
        }
    }

    /// Whether money was collected: `paid` when the succeeded session
    /// charged more than zero, `no_payment_required` when it charged nothing
    /// (saving a card, a subscription starting with a free trial, a total
    /// discounted to zero), `unpaid` otherwise. Derived from what the payment
    /// charged (the same total `payment.succeeded` reports), so it cannot
    /// disagree with it. A session whose amounts cannot be totalled charged
    /// nothing (the payment refuses it) and reads as not charged.
    pub fn payment_status(&self, catalog: &Catalog) -> PaymentStatus {
        let due_today = if self.session_type == CheckoutSessionType::AddPaymentMethod {
            0
        } else {
            self.totals(&catalog.default_currency())
                .map_or(0, |t| t.total_due_today)
        };
        PaymentStatus::of(self.status, due_today)
    }

    /// Where the customer goes after paying: the success URL with the id
    /// filled in, or the hosted page when there is none.
    pub fn success_redirect(&self, public_url: &str) -> String {
        match &self.success_url {
            Some(url) => redirect::fill_session_id(url, &self.id),
            None => hosted_url(public_url, self.session_type, &self.id),
        }
    }

    /// The session's amounts; a session selling nothing totals zero in
    /// `fallback_currency`. `None` if the items cannot be totalled.
    pub fn totals(&self, fallback_currency: &str) -> Option<Totals> {
        if self.line_items.is_empty() {
            return Some(empty_totals(fallback_currency));
        }
        let percent = self.options.discount.as_ref().map_or(0, |d| d.percent_off);
        totals(&self.line_items, percent)
    }

    /// The session as the hosted page renders it; `None` if its amounts cannot be totalled.
    pub fn to_hosted(&self, catalog: &Catalog, public_url: &str) -> Option<HostedCheckoutSession> {
        let t = self.totals(&catalog.default_currency())?;
        let paid = self.status == CheckoutSessionStatus::Succeeded;
        Some(HostedCheckoutSession {
            id: self.id.clone(),
            session_type: self.session_type,
            status: self.status,
            merchant_name: catalog.organization_name.clone(),
            currency: t.currency,
            line_items: t.lines,
            subtotal: t.subtotal,
            discount: t.discount,
            total_due_today: t.total_due_today,
            recurring: t.recurring,
            trial_days: t.trial_days,
            customer_email: self.customer_email.clone(),
            cancel_url: self
                .cancel_url
                .as_deref()
                .map(|u| redirect::fill_session_id(u, &self.id)),
            expires: self.expires_at,
            payment_method: if paid { self.card.clone() } else { None },
            success_redirect_url: paid.then(|| self.success_redirect(public_url)),
            discount_code: self.options.discount.as_ref().map(|d| d.code.clone()),
            allow_promotion_codes: self.options.allow_promotion_codes,
            billing_address_collection: self.options.billing_address_collection,
            discount_name: self
                .options
                .discount
                .as_ref()
                .and_then(|d| catalog.discount_by_id(&d.id))
                .map(|d| d.name.clone()),
            invoice_number: self.invoice_number.clone(),
            // The store adds a pending 3-D Secure challenge (see `hosted_view`).
            authentication: None,
            // A succeeded session changes no more, so its last change is the payment.
            paid_at: paid.then_some(self.updated_at),
            purchase_id: if paid { self.purchase_id.clone() } else { None },
            subscription_id: if paid {
                self.subscription_id.clone()
            } else {
                None
            },
            branding: catalog.branding.clone(),
            // Filled in from the store by the service (`hosted_view`).
            saved_payment_methods: Vec::new(),
            adjustable_quantity: self.options.adjustable_quantity,
            tax_id_collection: self.options.tax_id_collection.then_some(true),
        })
    }

    /// 400 `adjustable_quantity_not_allowed` unless the customer may be let
    /// change this session's quantity: a product checkout of one per-unit
    /// price (a single payment or a subscription; a usage price is billed
    /// by what is used, not by units bought).
    pub fn check_quantity_adjustable(&self) -> Result<(), ApiError> {
        let not_allowed = |why: &str| {
            Err(ApiError::new(
                ErrorCode::AdjustableQuantityNotAllowed,
                format!("adjustableQuantity {why}."),
            ))
        };
        if self.session_type != CheckoutSessionType::Product {
            return not_allowed(&format!(
                "only applies to product checkouts, not {} sessions",
                session_type_str(self.session_type)
            ));
        }
        match self.line_items.as_slice() {
            [only] if only.price_type == PriceType::Usage => {
                not_allowed("does not apply to a usage price (it is billed by what is used)")
            }
            [_] => Ok(()),
            _ => not_allowed("only applies to a checkout of one price, not several line items"),
        }
    }

    /// The session selling `quantity` units of its one line instead (totals
    /// follow); the caller has checked it is adjustable and within bounds.
    pub fn with_quantity(mut self, quantity: u32) -> Self {
        self.quantity = quantity;
        for item in &mut self.line_items {
            item.quantity = quantity;
        }
        self
    }
}

/// `Ok` for an open session; 410 for an expired one; 409 otherwise.
pub fn ensure_payable(status: CheckoutSessionStatus) -> Result<(), ApiError> {
    match status {
        CheckoutSessionStatus::Open => Ok(()),
        CheckoutSessionStatus::Expired => Err(expired()),
        CheckoutSessionStatus::Succeeded => Err(not_open("This checkout has already been paid.")),
        CheckoutSessionStatus::Pending => Err(not_open(
            "A payment for this checkout is already in progress.",
        )),
        CheckoutSessionStatus::Failed => Err(not_open("This checkout can no longer be paid.")),
    }
}

/// Why a session in `status` cannot be paid or changed (410 or 409).
pub fn not_payable(status: CheckoutSessionStatus) -> ApiError {
    ensure_payable(status)
        .err()
        .unwrap_or_else(|| not_open("This checkout is not open."))
}

/// The 410 for a session past its expiry.
pub fn expired() -> ApiError {
    ApiError::new(
        ErrorCode::CheckoutSessionExpired,
        "This checkout has expired. Go back to the store to start again.",
    )
}

fn not_open(message: &str) -> ApiError {
    ApiError::new(ErrorCode::CheckoutSessionNotOpen, message)
}

/// The 404 for an unknown session id.
pub fn session_not_found() -> ApiError {
    ApiError::new(
        ErrorCode::CheckoutSessionNotFound,
        "No checkout session has that id.",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn payable_states() {
        assert!(ensure_payable(CheckoutSessionStatus::Open).is_ok());
        let code = |s| ensure_payable(s).unwrap_err().code;
        assert_eq!(
            code(CheckoutSessionStatus::Expired),
            ErrorCode::CheckoutSessionExpired
        );
        assert_eq!(
            code(CheckoutSessionStatus::Succeeded),
            ErrorCode::CheckoutSessionNotOpen
        );
        assert_eq!(
            code(CheckoutSessionStatus::Pending),
            ErrorCode::CheckoutSessionNotOpen
        );
        assert_eq!(
            code(CheckoutSessionStatus::Failed),
            ErrorCode::CheckoutSessionNotOpen
        );
    }

    use super::*;

    fn item(slug: &str, quantity: u32) -> SoldItem {
        let catalog = Catalog::demo().unwrap();
        let (product, price) = catalog.price_by_slug(slug).unwrap();
        SoldItem::of(product, price, quantity)
    }

    #[test]
    fn single_payment_totals_multiply_quantity() {
        let t = totals(&[item("credits-jpy", 3)], 0).unwrap();
        assert_eq!(t.currency, "JPY");
        assert_eq!(t.lines[0].unit_amount, 1200);
        assert_eq!(t.lines[0].amount, 3600);
        assert_eq!((t.subtotal, t.discount, t.total_due_today), (3600, 0, 3600));
        assert_eq!(t.recurring, None);
        assert_eq!(t.trial_days, None);
    }

    #[test]
    fn trial_subscription_is_free_today_and_recurs() {
        let t = totals(&[item("pro-monthly", 1)], 0).unwrap();
        assert_eq!(t.subtotal, 1200);
        assert_eq!(t.total_due_today, 0);
        assert_eq!(t.trial_days, Some(14));
        let r = t.recurring.unwrap();
        assert_eq!(
            (r.amount, r.interval_unit, r.interval_count),
            (1200, IntervalUnit::Month, 1)
        );
    }

    #[test]
    fn subscription_without_trial_is_charged_today() {
        let t = totals(&[item("pro-yearly", 2)], 0).unwrap();
        assert_eq!((t.subtotal, t.total_due_today), (24000, 24000));
        assert_eq!(t.trial_days, None);
        assert_eq!(t.recurring.unwrap().interval_unit, IntervalUnit::Year);
    }

    #[test]
    fn overflow_and_mixed_currencies_do_not_total() {
        let mut big = item("onboarding", 2);
        big.unit_amount = i64::MAX;
        assert!(totals(&[big], 0).is_none());
        assert!(totals(&[item("onboarding", 1), item("credits-jpy", 1)], 0).is_none());
        assert!(totals(&[], 0).is_none());
    }

    #[test]
    fn discounts_come_off_what_is_charged_today() {
        let t = totals(&[item("onboarding", 1)], 10).unwrap();
        assert_eq!(
            (t.subtotal, t.discount, t.total_due_today),
            (4900, 490, 4410)
        );
        // KWD 5.125 × 10 % = 0.5125 → 0.513 (half away from zero).
        let t = totals(&[item("support-kwd", 1)], 10).unwrap();
        assert_eq!((t.discount, t.total_due_today), (513, 4612));
        // Nothing is charged during a trial, so nothing is discounted.
        let t = totals(&[item("pro-monthly", 1)], 10).unwrap();
        assert_eq!((t.discount, t.total_due_today), (0, 0));
        let t = totals(&[item("onboarding", 1)], 100).unwrap();
        assert_eq!(t.total_due_today, 0);
    }

    #[test]
    fn multi_line_totals_have_one_line_per_price() {
        let t = totals(
            &[
                item("onboarding", 2),
                item("lifetime", 1),
                item("pro-monthly", 1),
            ],
            0,
        )
        .unwrap();
        assert_eq!(t.lines.len(), 3);
        assert_eq!(t.subtotal, 9800 + 19900 + 1200);
        assert_eq!(
            t.total_due_today,
            9800 + 19900,
            "the trial line is free today"
        );
        assert_eq!(t.recurring.unwrap().amount, 1200);
        assert_eq!(t.trial_days, Some(14));
    }

    /// A session of `session_type` in `status` selling `items`, with a
    /// `percent_off` discount.
    fn stored(
        session_type: CheckoutSessionType,
        status: CheckoutSessionStatus,
        items: Vec<SoldItem>,
        percent_off: u32,
    ) -> StoredSession {
        StoredSession {
            id: "cs_1".into(),
            session_type,
            status,
            customer_id: None,
            customer_name: None,
            customer_email: None,
            price_id: None,
            quantity: 1,
            success_url: None,
            cancel_url: None,
            output_name: None,
            output_metadata: None,
            line_items: items,
            card: None,
            purchase_id: None,
            subscription_id: None,
            invoice_id: None,
            invoice_number: None,
            billing_address: None,
            tax_id: None,
            options: CheckoutOptions {
                discount: (percent_off > 0).then(|| AppliedDiscount {
                    id: "disc_1".into(),
                    code: "FREE".into(),
                    percent_off,
                }),
                ..CheckoutOptions::default()
            },
            created_at: 1,
            updated_at: 1,
            expires_at: 2,
        }
    }

    #[test]
    fn mode_follows_type_and_prices() {
        use CheckoutSessionStatus::Open;
        use CheckoutSessionType as T;
        let mode = |t, items| stored(t, Open, items, 0).mode();
        assert_eq!(
            mode(T::Product, vec![item("onboarding", 1)]),
            CheckoutMode::Payment
        );
        assert_eq!(
            mode(T::Product, vec![item("credits-jpy", 1)]),
            CheckoutMode::Payment
        );
        assert_eq!(
            mode(
                T::Product,
                vec![item("onboarding", 1), item("pro-monthly", 1)]
            ),
            CheckoutMode::Subscription
        );
        assert_eq!(
            mode(T::ActivateSubscription, vec![item("pro-monthly", 1)]),
            CheckoutMode::Subscription
        );
        assert_eq!(mode(T::AddPaymentMethod, vec![]), CheckoutMode::Setup);
        assert_eq!(
            mode(T::Invoice, vec![item("onboarding", 1)]),
            CheckoutMode::Payment
        );
    }

    #[test]
    fn payment_status_is_what_the_payment_charged() {
        use CheckoutSessionStatus::{Expired, Open, Succeeded};
        use CheckoutSessionType::{AddPaymentMethod, Product};
        let catalog = Catalog::demo().unwrap();
        let status = |t, st, items, off| stored(t, st, items, off).payment_status(&catalog);
        assert_eq!(
            status(Product, Open, vec![item("onboarding", 1)], 0),
            PaymentStatus::Unpaid
        );
        assert_eq!(
            status(Product, Expired, vec![item("onboarding", 1)], 0),
            PaymentStatus::Unpaid
        );
        assert_eq!(
            status(Product, Succeeded, vec![item("onboarding", 1)], 0),
            PaymentStatus::Paid
        );
        // Nothing charged today: a free trial, a 100 % discount, saving a card.
        for (t, items, off) in [
            (Product, vec![item("pro-monthly", 1)], 0),
            (Product, vec![item("onboarding", 1)], 100),
            (AddPaymentMethod, vec![], 0),
        ] {
            assert_eq!(
                status(t, Succeeded, items.clone(), off),
                PaymentStatus::NoPaymentRequired,
                "{t:?} {off}"
            );
            assert_eq!(status(t, Open, items, off), PaymentStatus::Unpaid);
        }
    }

    #[test]
    fn trial_override() {
        assert!(!item("pro-monthly", 1).with_trial_days(0).starts_trial());
        assert_eq!(
            item("pro-yearly", 1).with_trial_days(30).trial_period_days,
            Some(30)
        );
        assert_eq!(
            item("onboarding", 1).with_trial_days(30).trial_period_days,
            None
        );
    }

    #[test]
    fn hosted_urls_by_type() {
        assert_eq!(
            hosted_url("https://p.test", CheckoutSessionType::Product, "cs_1"),
            "https://p.test/checkout/cs_1"
        );
        assert_eq!(
            hosted_url(
                "https://p.test",
                CheckoutSessionType::ActivateSubscription,
                "cs_1"
            ),
            "https://p.test/checkout/cs_1"
        );
        assert_eq!(
            hosted_url(
                "https://p.test",
                CheckoutSessionType::AddPaymentMethod,
                "cs_1"
            ),
            "https://p.test/add-payment-method/cs_1"
        );
    }

    #[test]
    fn snapshot_survives_json_round_trip() {
        let i = item("pro-monthly", 1);
        let json = serde_json::to_string(&[&i]).unwrap();
        let back: Vec<SoldItem> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, vec![i]);
    }

    #[test]
    fn session_types_round_trip() {
        for t in [
            CheckoutSessionType::Product,
            CheckoutSessionType::Purchase,
            CheckoutSessionType::AddPaymentMethod,
            CheckoutSessionType::ActivateSubscription,
            CheckoutSessionType::Invoice,
        ] {
            assert_eq!(parse_session_type(session_type_str(t)), Some(t));
        }
        assert_eq!(parse_session_type("bogus"), None);
    }
}
