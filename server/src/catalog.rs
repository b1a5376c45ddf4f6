//! The merchant's catalog file: parsed strictly, validated, and turned into a
//! `checkout_protocol::PricingModel` in `@flowglad/node`'s shape, plus the
//! organization, discounts and demo customers that come with it.

use checkout_protocol::{
    BillingAddressCollection, IntervalUnit, Price, PriceType, PricingModel, Product,
};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt;

/// The built-in demo catalog, used when no `--catalog` file is given.
pub const DEMO_CATALOG: &str = include_str!("../catalog/demo.json");

/// The prefix of the built-in demo customers' public sign-in tokens
/// (`demo-alice`); see [`Catalog::demo`].
pub const DEMO_TOKEN_PREFIX: &str = "demo-";

/// The name under which the built-in catalog appears in error messages.
pub const DEMO_CATALOG_NAME: &str = "built-in demo catalog (server/catalog/demo.json)";

/// `createdAt`/`updatedAt` of every catalog object: 2026-01-01T00:00:00Z in
/// epoch milliseconds. Fixed so the pricing model is identical on every start.
pub const CATALOG_EPOCH_MS: i64 = 1_767_225_600_000;

/// Subscription statuses a seeded subscription may have (Flowglad's set).
const SUBSCRIPTION_STATUSES: &[&str] = &[
    "trialing",
    "active",
    "past_due",
    "unpaid",
    "cancellation_scheduled",
    "incomplete",
    "incomplete_expired",
    "canceled",
    "paused",
];

/// The longest a seeded subscription may have run before the first start (ten years).
const MAX_STARTED_DAYS_AGO: u32 = 3650;

/// Invoice statuses a seeded invoice may have (Flowglad's set).
const INVOICE_STATUSES: &[&str] = &["draft", "open", "paid", "uncollectible", "void"];

/// A catalog that failed to load, naming the file it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    /// The file (or built-in catalog) that was read.
    pub source_name: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "catalog {}: {}", self.source_name, self.message)
    }
}

impl std::error::Error for CatalogError {}

/// A validated catalog, ready to serve.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    /// The selling organization's id.
    pub organization_id: String,
    /// The merchant name shown on the hosted page.
    pub organization_name: String,
    /// The pricing model in Flowglad's shape.
    pub pricing_model: PricingModel,
    /// Discount codes a checkout may apply.
    pub discounts: Vec<Discount>,
    /// Customers to seed into the database.
    pub customers: Vec<CustomerSeed>,
    /// The merchant's checkout defaults by price id (only prices that set one).
    pub checkout_defaults: BTreeMap<String, CheckoutDefaults>,
}

/// What a checkout of a price gets when its creator does not say: the
/// merchant's per-price defaults from the catalog file. They are how a
/// browser-created checkout gets promotion codes or address collection,
/// since a browser may not ask for them itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CheckoutDefaults {
    /// Show a promotion-code field.
    pub allow_promotion_codes: Option<bool>,
    /// Ask for a billing address.
    pub billing_address_collection: Option<BillingAddressCollection>,
}

impl CheckoutDefaults {
    /// The defaults of a checkout selling several prices: promotion codes
    /// when any price allows them, an address when any price requires one.
    pub fn combine(self, other: Self) -> Self {
        let required =
            |c: Option<BillingAddressCollection>| c == Some(BillingAddressCollection::Required);
        Self {
            allow_promotion_codes: match (self.allow_promotion_codes, other.allow_promotion_codes) {
                (None, None) => None,
                (a, b) => Some(a == Some(true) || b == Some(true)),
            },
            billing_address_collection: if required(self.billing_address_collection)
                || required(other.billing_address_collection)
            {
                Some(BillingAddressCollection::Required)
            } else {
                self.billing_address_collection
                    .or(other.billing_address_collection)
            },
        }
    }
}

/// A discount code from the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discount {
    /// Unique id.
    pub id: String,
    /// The code a customer types.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Percentage off, 1–100.
    pub percent_off: u32,
    /// Epoch ms from which the code is no longer accepted.
    pub expires_at: Option<i64>,
    /// Whether the code is accepted at all (a retired code is not).
    pub active: bool,
}

/// Why a typed discount code cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unredeemable {
    /// No active discount has that code.
    Unknown,
    /// The code existed but its `expiresAt` has passed.
    Expired,
}

impl Unredeemable {
    /// What to tell the customer on the hosted page.
    pub fn message(self) -> &'static str {
        match self {
            Self::Unknown => "That code isn't valid.",
            Self::Expired => "That code has expired.",
        }
    }
}

/// A customer to seed, with the sign-in token that signs them in, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerSeed {
    /// Unique id (`cus_…`).
    pub id: String,
    /// The merchant's own id for the customer.
    pub external_id: String,
    /// The sign-in token that resolves to this customer (Bearer or
    /// `session` cookie) in embedded mode: `demo-{externalId}` for the
    /// built-in demo catalog, a catalog file's explicit `signInToken`, or
    /// none — a customer without one cannot be signed in by token at all.
    pub token: Option<String>,
    /// Full name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// Subscriptions the customer already has.
    pub subscriptions: Vec<SubscriptionSeed>,
    /// Saved cards.
    pub payment_methods: Vec<PaymentMethodSeed>,
    /// Invoices raised by hand (e.g. for custom work), paid through invoice sessions.
    pub invoices: Vec<InvoiceSeed>,
}

/// A manually raised invoice to seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceSeed {
    /// Unique id (`inv_…`).
    pub id: String,
    /// Its number, e.g. `BOB-0001` (unique per customer).
    pub invoice_number: String,
    /// Flowglad invoice status, e.g. `open`.
    pub status: String,
    /// ISO 4217 code of every line.
    pub currency: String,
    /// Note to the customer.
    pub memo: Option<String>,
    /// How long before the first server start it was issued.
    pub issued_days_ago: u32,
    /// What it bills, in order.
    pub lines: Vec<InvoiceLineSeed>,
}

/// One line of a seeded invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLineSeed {
    /// What is billed.
    pub description: String,
    /// Units billed.
    pub quantity: u32,
    /// Price per unit, minor units.
    pub unit_price: i64,
}

/// A subscription to seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionSeed {
    /// Unique id.
    pub id: String,
    /// The subscribed price's id (resolved from the catalog's `priceSlug`).
    pub price_id: String,
    /// Flowglad subscription status, e.g. `active`.
    pub status: String,
    /// How long before the first server start the subscription began.
    pub started_days_ago: u32,
}

/// A saved card to seed (never a full number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentMethodSeed {
    /// Unique id.
    pub id: String,
    /// Card brand, e.g. `visa`.
    pub brand: String,
    /// Last four digits.
    pub last4: String,
    /// Expiry month, 1–12.
    pub exp_month: u32,
    /// Expiry year, four digits.
    pub exp_year: u32,
    /// Whether this is the customer's default card.
    pub is_default: bool,
}

// ---- the file format -------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CatalogFile {
    organization: OrganizationSpec,
    pricing_model: PricingModelSpec,
    products: Vec<ProductSpec>,
    #[serde(default)]
    discounts: Vec<DiscountSpec>,
    #[serde(default)]
    customers: Vec<CustomerSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganizationSpec {
    id: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PricingModelSpec {
    id: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ProductSpec {
    id: String,
    slug: String,
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default, rename = "imageURL")]
    image_url: Option<String>,
    #[serde(default)]
    default: bool,
    #[serde(default = "yes")]
    active: bool,
    #[serde(default)]
    singular_quantity_label: Option<String>,
    #[serde(default)]
    plural_quantity_label: Option<String>,
    prices: Vec<PriceSpec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PriceSpec {
    id: String,
    slug: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(rename = "type")]
    price_type: PriceType,
    unit_price: i64,
    currency: String,
    #[serde(default)]
    interval_unit: Option<IntervalUnit>,
    #[serde(default)]
    interval_count: Option<u32>,
    #[serde(default)]
    trial_period_days: Option<u32>,
    #[serde(default)]
    allow_promotion_codes: Option<bool>,
    #[serde(default)]
    billing_address_collection: Option<BillingAddressCollection>,
    #[serde(default)]
    is_default: bool,
    #[serde(default = "yes")]
    active: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DiscountSpec {
    id: String,
    code: String,
    name: String,
    percent_off: u32,
    #[serde(default)]
    expires_at: Option<i64>,
    #[serde(default = "yes")]
    active: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CustomerSpec {
    id: String,
    external_id: String,
    /// A sign-in token for tests and staging: only a customer whose entry
    /// says so has one (never implied, so a copied catalog brings none).
    #[serde(default)]
    sign_in_token: Option<String>,
    name: String,
    email: String,
    #[serde(default)]
    subscriptions: Vec<SubscriptionSpec>,
    #[serde(default)]
    payment_methods: Vec<PaymentMethodSpec>,
    #[serde(default)]
    invoices: Vec<InvoiceSpec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InvoiceSpec {
    id: String,
    invoice_number: String,
    status: String,
    currency: String,
    #[serde(default)]
    memo: Option<String>,
    #[serde(default)]
    issued_days_ago: u32,
    lines: Vec<InvoiceLineSpec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InvoiceLineSpec {
    description: String,
    #[serde(default = "one")]
    quantity: u32,
    unit_price: i64,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SubscriptionSpec {
    id: String,
    price_slug: String,
    status: String,
    #[serde(default)]
    started_days_ago: u32,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PaymentMethodSpec {
    id: String,
    brand: String,
    last4: String,
    exp_month: u32,
    exp_year: u32,
    #[serde(default)]
    default: bool,
}

fn yes() -> bool {
    true
}

// ---- parsing and validation -------------------------------------------------

impl Catalog {
    /// The built-in demo catalog.
    ///
    /// Its customers get the demo's public sign-in tokens, `demo-{externalId}`
    /// (`demo-alice`, `demo-bob`). They are set here, not in the file, so a
    /// catalog copied from `demo.json` and passed with `--catalog` signs
    /// nobody in with them.
    pub fn demo() -> Result<Self, CatalogError> {
        let mut catalog = Self::parse(DEMO_CATALOG, DEMO_CATALOG_NAME)?;
        for c in &mut catalog.customers {
            c.token = Some(format!("{DEMO_TOKEN_PREFIX}{}", c.external_id));
        }
        Ok(catalog)
    }

    /// How many customers have a sign-in token.
    pub fn sign_in_token_count(&self) -> usize {
        self.customers.iter().filter(|c| c.token.is_some()).count()
    }

    /// The merchant's defaults for a checkout selling `price_ids` (see
    /// [`CheckoutDefaults::combine`]).
    pub fn checkout_defaults_for<'a>(
        &self,
        price_ids: impl IntoIterator<Item = &'a str>,
    ) -> CheckoutDefaults {
        price_ids
            .into_iter()
            .filter_map(|id| self.checkout_defaults.get(id).copied())
            .fold(CheckoutDefaults::default(), CheckoutDefaults::combine)
    }

    /// Parses and validates catalog JSON; `source_name` (usually the file
    /// path) is named in every error.
    pub fn parse(json: &str, source_name: &str) -> Result<Self, CatalogError> {
        let fail = |message: String| CatalogError {
            source_name: source_name.to_owned(),
            message,
        };
        let file: CatalogFile = serde_json::from_str(json).map_err(|e| fail(e.to_string()))?;
        file.into_catalog().map_err(fail)
    }

    /// The product and price a slug refers to, if active.
    pub fn price_by_slug(&self, slug: &str) -> Option<(&Product, &Price)> {
        self.pricing_model.price_by_slug(slug)
    }

    /// The product and price an id refers to, active or not (for records
    /// made before a price was retired).
    pub fn any_price_by_id(&self, id: &str) -> Option<(&Product, &Price)> {
        self.pricing_model
            .products
            .iter()
            .flat_map(|prod| prod.prices.iter().map(move |p| (prod, p)))
            .find(|(_, p)| p.id == id)
    }

    /// The discount a customer's code names, compared case-insensitively
    /// (active or not, expired or not; see [`Catalog::redeem`]).
    pub fn discount_by_code(&self, code: &str) -> Option<&Discount> {
        let code = code.trim();
        self.discounts
            .iter()
            .find(|d| d.code.eq_ignore_ascii_case(code))
    }

    /// The discount with this id.
    pub fn discount_by_id(&self, id: &str) -> Option<&Discount> {
        self.discounts.iter().find(|d| d.id == id)
    }

    /// The discount a code may be used for at `now`: it must name an active
    /// discount (case-insensitively) whose `expiresAt`, if any, is later.
    pub fn redeem(&self, code: &str, now: i64) -> Result<&Discount, Unredeemable> {
        let discount = self
            .discount_by_code(code)
            .filter(|d| d.active)
            .ok_or(Unredeemable::Unknown)?;
        match discount.expires_at {
            Some(at) if at <= now => Err(Unredeemable::Expired),
            _ => Ok(discount),
        }
    }

    /// The currency shown when a session sells nothing (saving a card): the
    /// default product's, else the first price's.
    pub fn default_currency(&self) -> String {
        let model = &self.pricing_model;
        model
            .default_product
            .as_ref()
            .and_then(|p| p.default_price.as_ref())
            .or_else(|| model.prices().next().map(|(_, p)| p))
            .map_or_else(|| "USD".to_owned(), |p| p.currency.clone())
    }
}

/// Collects ids and complains about the first repeat.
struct Unique<'a> {
    what: &'static str,
    seen: HashSet<&'a str>,
}

impl<'a> Unique<'a> {
    fn new(what: &'static str) -> Self {
        Self {
            what,
            seen: HashSet::new(),
        }
    }

    fn add(&mut self, value: &'a str) -> Result<(), String> {
        if value.trim().is_empty() {
            return Err(format!("a {} is empty", self.what));
        }
        if !self.seen.insert(value) {
            return Err(format!("{} `{value}` is used more than once", self.what));
        }
        Ok(())
    }
}

/// Whether `currency` looks like an ISO 4217 code: three upper-case letters.
pub fn is_currency_code(currency: &str) -> bool {
    currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase())
}

impl CatalogFile {
    fn into_catalog(self) -> Result<Catalog, String> {
        self.validate()?;
        let org_id = self.organization.id.clone();
        let pm_id = self.pricing_model.id.clone();
        let products: Vec<Product> = self
            .products
            .iter()
            .map(|p| product_of(p, &org_id, &pm_id))
            .collect();
        let default_product = products.iter().find(|p| p.default).cloned().map(Box::new);
        let pricing_model = PricingModel {
            id: pm_id,
            name: self.pricing_model.name.clone(),
            is_default: true,
            products,
            default_product,
            usage_meters: Vec::new(),
            organization_id: org_id.clone(),
            livemode: false,
            created_at: CATALOG_EPOCH_MS,
            updated_at: CATALOG_EPOCH_MS,
        };
        let checkout_defaults = self
            .products
            .iter()
            .flat_map(|p| &p.prices)
            .filter(|p| p.allow_promotion_codes.is_some() || p.billing_address_collection.is_some())
            .map(|p| {
                let defaults = CheckoutDefaults {
                    allow_promotion_codes: p.allow_promotion_codes,
                    billing_address_collection: p.billing_address_collection,
                };
                (p.id.clone(), defaults)
            })
            .collect();
        let mut customers = Vec::with_capacity(self.customers.len());
        for c in &self.customers {
            let mut subscriptions = Vec::with_capacity(c.subscriptions.len());
            for s in &c.subscriptions {
                let price = self
                    .products
                    .iter()
                    .flat_map(|p| &p.prices)
                    .find(|p| p.slug == s.price_slug)
                    .ok_or_else(|| {
                        format!(
                            "subscription `{}` names unknown priceSlug `{}`",
                            s.id, s.price_slug
                        )
                    })?;
                subscriptions.push(SubscriptionSeed {
                    id: s.id.clone(),
                    price_id: price.id.clone(),
                    status: s.status.clone(),
                    started_days_ago: s.started_days_ago,
                });
            }
            customers.push(CustomerSeed {
                id: c.id.clone(),
                external_id: c.external_id.clone(),
                token: c.sign_in_token.clone(),
                name: c.name.clone(),
                email: c.email.clone(),
                subscriptions,
                payment_methods: c
                    .payment_methods
                    .iter()
                    .map(|m| PaymentMethodSeed {
                        id: m.id.clone(),
                        brand: m.brand.clone(),
                        last4: m.last4.clone(),
                        exp_month: m.exp_month,
                        exp_year: m.exp_year,
                        is_default: m.default,
                    })
                    .collect(),
                invoices: c
                    .invoices
                    .iter()
                    .map(|i| InvoiceSeed {
                        id: i.id.clone(),
                        invoice_number: i.invoice_number.clone(),
                        status: i.status.clone(),
                        currency: i.currency.clone(),
                        memo: i.memo.clone(),
                        issued_days_ago: i.issued_days_ago,
                        lines: i
                            .lines
                            .iter()
                            .map(|l| InvoiceLineSeed {
                                description: l.description.clone(),
                                quantity: l.quantity,
                                unit_price: l.unit_price,
                            })
                            .collect(),
                    })
                    .collect(),
            });
        }
        Ok(Catalog {
            organization_id: org_id,
            organization_name: self.organization.name,
            pricing_model,
            discounts: self
                .discounts
                .into_iter()
                .map(|d| Discount {
                    id: d.id,
                    code: d.code,
                    name: d.name,
                    percent_off: d.percent_off,
                    expires_at: d.expires_at,
                    active: d.active,
                })
                .collect(),
            customers,
            checkout_defaults,
        })
    }

    fn validate(&self) -> Result<(), String> {
        if self.organization.name.trim().is_empty() {
            return Err("organization.name is empty".into());
        }
        if self.organization.id.trim().is_empty() || self.pricing_model.id.trim().is_empty() {
            return Err("organization.id and pricingModel.id must not be empty".into());
        }
        if self.products.is_empty() {
            return Err("products is empty; a catalog needs at least one product".into());
        }
        let mut product_ids = Unique::new("product id");
        let mut product_slugs = Unique::new("product slug");
        let mut price_ids = Unique::new("price id");
        let mut price_slugs = Unique::new("price slug");
        let mut default_products = 0;
        for product in &self.products {
            product_ids.add(&product.id)?;
            product_slugs.add(&product.slug)?;
            if product.name.trim().is_empty() {
                return Err(format!("product `{}` has an empty name", product.id));
            }
            if product.prices.is_empty() {
                return Err(format!("product `{}` has no prices", product.id));
            }
            default_products += usize::from(product.default);
            if product.prices.iter().filter(|p| p.is_default).count() > 1 {
                return Err(format!(
                    "product `{}` has more than one price with isDefault",
                    product.id
                ));
            }
            for price in &product.prices {
                price_ids.add(&price.id)?;
                price_slugs.add(&price.slug)?;
                validate_price(price)?;
            }
        }
        if default_products > 1 {
            return Err("more than one product is marked default".into());
        }
        let mut discount_ids = Unique::new("discount id");
        let mut discount_codes = Unique::new("discount code");
        for d in &self.discounts {
            discount_ids.add(&d.id)?;
            discount_codes.add(&d.code)?;
            if !(1..=100).contains(&d.percent_off) {
                return Err(format!(
                    "discount `{}`: percentOff must be from 1 to 100",
                    d.id
                ));
            }
        }
        let mut customer_ids = Unique::new("customer id");
        let mut external_ids = Unique::new("customer externalId");
        let mut tokens = Unique::new("customer token");
        let mut subscription_ids = Unique::new("subscription id");
        let mut method_ids = Unique::new("payment method id");
        let mut invoice_ids = Unique::new("invoice id");
        for c in &self.customers {
            let mut invoice_numbers = Unique::new("invoice number");
            for i in &c.invoices {
                invoice_ids.add(&i.id)?;
                invoice_numbers.add(&i.invoice_number)?;
                validate_invoice(i)?;
            }
            customer_ids.add(&c.id)?;
            external_ids.add(&c.external_id)?;
            if let Some(token) = &c.sign_in_token {
                tokens.add(token)?;
                if token.len() < 8
                    || token
                        .chars()
                        .any(|ch| ch.is_whitespace() || ch == ';' || ch == ',')
                {
                    return Err(format!(
                        "customer `{}`: signInToken must be at least 8 characters without spaces, `;` or `,`",
                        c.id
                    ));
                }
            }
            if !c.email.contains('@') {
                return Err(format!("customer `{}` has an invalid email", c.id));
            }
            for s in &c.subscriptions {
                subscription_ids.add(&s.id)?;
                if s.started_days_ago > MAX_STARTED_DAYS_AGO {
                    return Err(format!(
                        "subscription `{}`: startedDaysAgo must be at most {MAX_STARTED_DAYS_AGO}",
                        s.id
                    ));
                }
                let recurring = self
                    .products
                    .iter()
                    .flat_map(|p| &p.prices)
                    .find(|p| p.slug == s.price_slug)
                    .is_none_or(|p| p.price_type == PriceType::Subscription);
                if !recurring {
                    return Err(format!(
                        "subscription `{}` names priceSlug `{}`, which is not a subscription price",
                        s.id, s.price_slug
                    ));
                }
                if !SUBSCRIPTION_STATUSES.contains(&s.status.as_str()) {
                    return Err(format!(
                        "subscription `{}` has unknown status `{}` (one of: {})",
                        s.id,
                        s.status,
                        SUBSCRIPTION_STATUSES.join(", ")
                    ));
                }
            }
            for m in &c.payment_methods {
                method_ids.add(&m.id)?;
                if m.last4.len() != 4 || !m.last4.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!(
                        "payment method `{}`: last4 must be four digits",
                        m.id
                    ));
                }
                if !(1..=12).contains(&m.exp_month) || !(1000..=9999).contains(&m.exp_year) {
                    return Err(format!(
                        "payment method `{}`: expMonth/expYear out of range",
                        m.id
                    ));
                }
            }
            if c.payment_methods.iter().filter(|m| m.default).count() > 1 {
                return Err(format!(
                    "customer `{}` has more than one default payment method",
                    c.id
                ));
            }
        }
        Ok(())
    }
}

fn validate_invoice(invoice: &InvoiceSpec) -> Result<(), String> {
    let id = &invoice.id;
    if !INVOICE_STATUSES.contains(&invoice.status.as_str()) {
        return Err(format!(
            "invoice `{id}` has unknown status `{}` (one of: {})",
            invoice.status,
            INVOICE_STATUSES.join(", ")
        ));
    }
    if !is_currency_code(&invoice.currency) {
        return Err(format!(
            "invoice `{id}`: currency `{}` must be a three-letter upper-case ISO 4217 code like USD",
            invoice.currency
        ));
    }
    if invoice.issued_days_ago > MAX_STARTED_DAYS_AGO {
        return Err(format!(
            "invoice `{id}`: issuedDaysAgo must be at most {MAX_STARTED_DAYS_AGO}"
        ));
    }
    if invoice.lines.is_empty() {
        return Err(format!("invoice `{id}` has no lines"));
    }
    let mut total: i64 = 0;
    for line in &invoice.lines {
        if line.description.trim().is_empty() {
            return Err(format!("invoice `{id}` has a line without a description"));
        }
        if !(1..=checkout_protocol::checkout::MAX_QUANTITY).contains(&line.quantity) {
            return Err(format!(
                "invoice `{id}`: line quantity must be from 1 to {}",
                checkout_protocol::checkout::MAX_QUANTITY
            ));
        }
        if line.unit_price <= 0 {
            return Err(format!(
                "invoice `{id}`: unitPrice must be a positive whole number of minor units"
            ));
        }
        total = checkout_protocol::money::line_amount(line.unit_price, line.quantity)
            .and_then(|amount| total.checked_add(amount))
            .ok_or_else(|| format!("invoice `{id}`: the total is too large"))?;
    }
    Ok(())
}

fn validate_price(price: &PriceSpec) -> Result<(), String> {
    let id = &price.id;
    if price.unit_price <= 0 {
        return Err(format!(
            "price `{id}`: unitPrice must be a positive whole number of minor units"
        ));
    }
    if !is_currency_code(&price.currency) {
        return Err(format!(
            "price `{id}`: currency `{}` must be a three-letter upper-case ISO 4217 code like USD",
            price.currency
        ));
    }
    match price.price_type {
        PriceType::Subscription => {
            if price.interval_unit.is_none() {
                return Err(format!(
                    "price `{id}`: a subscription price needs an intervalUnit"
                ));
            }
            if price.interval_count == Some(0) {
                return Err(format!("price `{id}`: intervalCount must be at least 1"));
            }
        }
        PriceType::SinglePayment => {
            if price.interval_unit.is_some() || price.interval_count.is_some() {
                return Err(format!(
                    "price `{id}`: a single_payment price cannot have an interval"
                ));
            }
            if price.trial_period_days.is_some() {
                return Err(format!(
                    "price `{id}`: only subscription prices can have trialPeriodDays"
                ));
            }
        }
        PriceType::Usage => {
            return Err(format!(
                "price `{id}`: usage prices are not supported by this server"
            ));
        }
    }
    Ok(())
}

fn product_of(spec: &ProductSpec, org_id: &str, pm_id: &str) -> Product {
    let prices: Vec<Price> = spec
        .prices
        .iter()
        .map(|p| price_of(p, &spec.id, pm_id))
        .collect();
    let default_price = prices
        .iter()
        .find(|p| p.is_default)
        .or_else(|| prices.first())
        .cloned();
    Product {
        id: spec.id.clone(),
        slug: Some(spec.slug.clone()),
        name: spec.name.clone(),
        description: spec.description.clone(),
        image_url: spec.image_url.clone(),
        default: spec.default,
        active: spec.active,
        prices,
        default_price,
        singular_quantity_label: spec.singular_quantity_label.clone(),
        plural_quantity_label: spec.plural_quantity_label.clone(),
        features: Vec::new(),
        pricing_model_id: pm_id.to_owned(),
        organization_id: org_id.to_owned(),
        livemode: false,
        created_at: CATALOG_EPOCH_MS,
        updated_at: CATALOG_EPOCH_MS,
    }
}

fn price_of(spec: &PriceSpec, product_id: &str, pm_id: &str) -> Price {
    let recurring = spec.price_type == PriceType::Subscription;
    Price {
        id: spec.id.clone(),
        slug: Some(spec.slug.clone()),
        price_type: spec.price_type,
        name: spec.name.clone(),
        unit_price: spec.unit_price,
        currency: spec.currency.clone(),
        interval_unit: spec.interval_unit,
        interval_count: if recurring {
            Some(spec.interval_count.unwrap_or(1))
        } else {
            None
        },
        trial_period_days: spec.trial_period_days,
        is_default: spec.is_default,
        active: spec.active,
        product_id: product_id.to_owned(),
        pricing_model_id: pm_id.to_owned(),
        livemode: false,
        created_at: CATALOG_EPOCH_MS,
        updated_at: CATALOG_EPOCH_MS,
        usage_meter_id: None,
        usage_events_per_unit: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn demo_value() -> Value {
        serde_json::from_str(DEMO_CATALOG).unwrap()
    }

    fn parse_value(v: &Value) -> Result<Catalog, CatalogError> {
        Catalog::parse(&v.to_string(), "test.json")
    }

    fn error_of(v: &Value) -> String {
        parse_value(v).unwrap_err().to_string()
    }

    #[test]
    fn demo_catalog_converts_to_flowglad_shape() {
        let c = Catalog::demo().unwrap();
        assert_eq!(c.organization_name, "Acme Cloud");
        let pm = &c.pricing_model;
        assert_eq!(pm.id, "pm_demo");
        assert_eq!(pm.organization_id, "org_demo");
        assert!(pm.default_product.is_none(), "no product is marked default");
        assert_eq!(pm.prices().count(), 6);
        let (product, monthly) = c.price_by_slug("pro-monthly").unwrap();
        assert_eq!(product.id, "prod_pro");
        assert_eq!(monthly.product_id, "prod_pro");
        assert_eq!(monthly.pricing_model_id, "pm_demo");
        assert_eq!(monthly.interval_unit, Some(IntervalUnit::Month));
        assert_eq!(monthly.interval_count, Some(1));
        assert_eq!(monthly.trial_period_days, Some(14));
        assert_eq!(monthly.created_at, CATALOG_EPOCH_MS);
        assert!(!monthly.livemode);
        assert_eq!(
            product.default_price.as_ref().map(|p| p.id.as_str()),
            Some("price_pro_monthly")
        );
        let (_, jpy) = c.price_by_slug("credits-jpy").unwrap();
        assert_eq!((jpy.unit_price, jpy.currency.as_str()), (1200, "JPY"));
        assert_eq!(jpy.interval_unit, None);
        assert_eq!(jpy.interval_count, None);
        let v = serde_json::to_value(pm).unwrap();
        assert_eq!(v["products"][0]["prices"][0]["unitPrice"], 1200);
        assert_eq!(v["products"][0]["prices"][0]["type"], "subscription");
        assert_eq!(v["products"][0]["organizationId"], "org_demo");
        assert_eq!(v["products"][2]["singularQuantityLabel"], "credit pack");
    }

    #[test]
    fn a_catalog_file_signs_in_only_customers_it_gives_a_token() {
        // demo.json passed as a file: the same customers, no demo tokens.
        let copied = Catalog::parse(DEMO_CATALOG, "copy-of-demo.json").unwrap();
        assert_eq!(copied.customers.len(), 2);
        assert!(copied.customers.iter().all(|c| c.token.is_none()));
        assert_eq!(copied.sign_in_token_count(), 0);
        let mut v = demo_value();
        v["customers"][1]["signInToken"] = json!("staging-bob-7f3a");
        let c = parse_value(&v).unwrap();
        assert_eq!(c.customers[0].token, None);
        assert_eq!(c.customers[1].token.as_deref(), Some("staging-bob-7f3a"));
        assert_eq!(c.sign_in_token_count(), 1);
        // The old implicit field is not silently taken as a token.
        let mut v = demo_value();
        v["customers"][0]["token"] = json!("demo-alice");
        assert!(
            error_of(&v).contains("unknown field `token`"),
            "{}",
            error_of(&v)
        );
    }

    #[test]
    fn demo_customers_and_discounts() {
        let c = Catalog::demo().unwrap();
        assert_eq!(c.customers.len(), 2);
        let alice = &c.customers[0];
        assert_eq!(
            (alice.id.as_str(), alice.token.as_deref()),
            ("cus_alice", Some("demo-alice"))
        );
        assert_eq!(c.customers[1].token.as_deref(), Some("demo-bob"));
        assert_eq!(c.sign_in_token_count(), 2);
        assert_eq!(alice.subscriptions[0].price_id, "price_pro_monthly");
        assert_eq!(alice.subscriptions[0].started_days_ago, 10);
        assert_eq!(alice.payment_methods[0].last4, "4242");
        assert_eq!(c.discounts[0].percent_off, 10);
        let bob = &c.customers[1];
        let invoice = &bob.invoices[0];
        assert_eq!(
            (invoice.invoice_number.as_str(), invoice.status.as_str()),
            ("BOB-0001", "open")
        );
        let lines: Vec<(&str, u32, i64)> = invoice
            .lines
            .iter()
            .map(|l| (l.description.as_str(), l.quantity, l.unit_price))
            .collect();
        assert_eq!(
            lines,
            [
                ("Custom onboarding workshop", 1, 25000),
                ("Travel", 1, 8000)
            ]
        );
    }

    #[test]
    fn discount_codes_redeem_case_insensitively_until_they_expire() {
        let c = Catalog::demo().unwrap();
        let now = 1_780_000_000_000;
        assert_eq!(c.redeem("welcome10", now).unwrap().id, "disc_welcome10");
        assert_eq!(c.redeem("summer2024", now), Err(Unredeemable::Expired));
        assert_eq!(
            c.redeem("SUMMER2024", 1_700_000_000_000)
                .unwrap()
                .percent_off,
            20
        );
        assert_eq!(c.redeem("NOPE", now), Err(Unredeemable::Unknown));
        assert_eq!(
            c.discount_by_id("disc_summer2024").unwrap().name,
            "Summer sale"
        );
        let mut v = demo_value();
        v["discounts"][0]["active"] = json!(false);
        let retired = parse_value(&v).unwrap();
        assert_eq!(retired.redeem("WELCOME10", now), Err(Unredeemable::Unknown));
        assert_eq!(Unredeemable::Unknown.message(), "That code isn't valid.");
        assert_eq!(Unredeemable::Expired.message(), "That code has expired.");
    }

    #[test]
    fn invoice_rules() {
        let mut v = demo_value();
        v["customers"][1]["invoices"][0]["status"] = json!("sent");
        assert!(error_of(&v).contains("unknown status `sent`"));
        let mut v = demo_value();
        v["customers"][1]["invoices"][0]["lines"] = json!([]);
        assert!(error_of(&v).contains("has no lines"));
        let mut v = demo_value();
        v["customers"][1]["invoices"][0]["lines"][0]["unitPrice"] = json!(0);
        assert!(error_of(&v).contains("unitPrice must be a positive"));
        let mut v = demo_value();
        v["customers"][1]["invoices"][0]["lines"][0]["quantity"] = json!(0);
        assert!(error_of(&v).contains("quantity must be from 1"));
        let mut v = demo_value();
        v["customers"][1]["invoices"][0]["currency"] = json!("usd");
        assert!(error_of(&v).contains("ISO 4217"));
        let mut v = demo_value();
        v["customers"][0]["invoices"] = v["customers"][1]["invoices"].clone();
        assert!(error_of(&v).contains("invoice id `inv_bob_0001` is used more than once"));
        let mut v = demo_value();
        v["customers"][1]["invoices"][0]["lines"][0]["quantiy"] = json!(2);
        assert!(error_of(&v).contains("quantiy"), "strict parsing");
    }

    #[test]
    fn default_price_falls_back_to_first_and_default_product_is_kept() {
        let mut v = demo_value();
        v["products"][0]["prices"][0]["isDefault"] = json!(false);
        v["products"][1]["default"] = json!(true);
        let c = parse_value(&v).unwrap();
        let pro = &c.pricing_model.products[0];
        assert_eq!(pro.default_price.as_ref().unwrap().id, "price_pro_monthly");
        assert_eq!(
            c.pricing_model.default_product.as_ref().unwrap().id,
            "prod_lifetime"
        );
    }

    #[test]
    fn typo_fails_loudly_naming_the_file_and_field() {
        let text = DEMO_CATALOG.replacen("\"unitPrice\"", "\"unitPirce\"", 1);
        let err = Catalog::parse(&text, "shop.json").unwrap_err().to_string();
        assert!(err.starts_with("catalog shop.json:"), "{err}");
        assert!(err.contains("unitPirce"), "{err}");
    }

    #[test]
    fn not_json_fails() {
        let err = Catalog::parse("{", "x.json").unwrap_err();
        assert_eq!(err.source_name, "x.json");
    }

    #[test]
    fn duplicate_ids_and_slugs_fail() {
        let mut v = demo_value();
        v["products"][1]["prices"][0]["id"] = json!("price_pro_monthly");
        assert!(error_of(&v).contains("price id `price_pro_monthly` is used more than once"));
        let mut v = demo_value();
        v["products"][1]["prices"][0]["slug"] = json!("pro-monthly");
        assert!(error_of(&v).contains("price slug `pro-monthly`"));
        let mut v = demo_value();
        v["products"][1]["slug"] = json!("pro");
        assert!(error_of(&v).contains("product slug `pro`"));
        let mut v = demo_value();
        v["customers"][0]["signInToken"] = json!("tok-shared");
        v["customers"][1]["signInToken"] = json!("tok-shared");
        assert!(error_of(&v).contains("customer token"));
    }

    #[test]
    fn price_rules() {
        let mut v = demo_value();
        v["products"][1]["prices"][0]["unitPrice"] = json!(0);
        assert!(error_of(&v).contains("unitPrice must be a positive"));
        let mut v = demo_value();
        v["products"][1]["prices"][0]["unitPrice"] = json!(-5);
        assert!(error_of(&v).contains("unitPrice must be a positive"));
        for bad in ["usd", "US", "USDX", "U$D"] {
            let mut v = demo_value();
            v["products"][1]["prices"][0]["currency"] = json!(bad);
            assert!(error_of(&v).contains("ISO 4217"), "{bad}");
        }
        let mut v = demo_value();
        v["products"][0]["prices"][1]
            .as_object_mut()
            .unwrap()
            .remove("intervalUnit");
        assert!(error_of(&v).contains("needs an intervalUnit"));
        let mut v = demo_value();
        v["products"][1]["prices"][0]["intervalUnit"] = json!("month");
        assert!(error_of(&v).contains("cannot have an interval"));
        let mut v = demo_value();
        v["products"][0]["prices"][0]["type"] = json!("monthly");
        assert!(error_of(&v).contains("monthly"));
    }

    #[test]
    fn customer_rules() {
        let mut v = demo_value();
        v["customers"][0]["subscriptions"][0]["priceSlug"] = json!("nope");
        assert!(error_of(&v).contains("unknown priceSlug `nope`"));
        let mut v = demo_value();
        v["customers"][0]["subscriptions"][0]["priceSlug"] = json!("lifetime");
        assert!(error_of(&v).contains("not a subscription price"));
        let mut v = demo_value();
        v["customers"][0]["subscriptions"][0]["startedDaysAgo"] = json!(4000);
        assert!(error_of(&v).contains("startedDaysAgo"));
        let mut v = demo_value();
        v["customers"][0]["subscriptions"][0]["status"] = json!("happy");
        assert!(error_of(&v).contains("unknown status `happy`"));
        let mut v = demo_value();
        v["customers"][0]["paymentMethods"][0]["last4"] = json!("4242424242424242");
        assert!(error_of(&v).contains("last4 must be four digits"));
        let mut v = demo_value();
        v["customers"][0]["signInToken"] = json!("a b c d e f");
        assert!(error_of(&v).contains("signInToken must be"));
    }

    #[test]
    fn lookups_for_checkout() {
        let c = Catalog::demo().unwrap();
        assert_eq!(
            c.discount_by_code("welcome10").unwrap().id,
            "disc_welcome10"
        );
        assert_eq!(c.discount_by_code(" WELCOME10 ").unwrap().percent_off, 10);
        assert!(c.discount_by_code("WELCOME").is_none());
        assert!(
            c.discount_by_code("summer2024").is_some(),
            "found even when expired"
        );
        assert_eq!(c.default_currency(), "USD");
        assert_eq!(
            c.any_price_by_id("price_lifetime").unwrap().0.name,
            "Lifetime"
        );
        assert!(c.any_price_by_id("nope").is_none());
    }

    #[test]
    fn empty_catalog_fails() {
        let v = json!({"organization":{"id":"o","name":"O"},"pricingModel":{"id":"p","name":"P"},"products":[]});
        assert!(error_of(&v).contains("products is empty"));
    }
}
