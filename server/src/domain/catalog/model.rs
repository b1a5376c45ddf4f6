//! The validated catalog's types besides [`Catalog`](super::Catalog) itself:
//! per-price checkout defaults, discount codes and the customers to seed.

use checkout_protocol::BillingAddressCollection;

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

/// A resource of the catalog (seats, say): what a `resource` feature gives
/// a subscription capacity of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogResource {
    /// Unique id.
    pub id: String,
    /// Merchant-chosen slug (`resourceSlug`).
    pub slug: String,
    /// Display name.
    pub name: String,
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
