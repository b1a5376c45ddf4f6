//! The merchant's catalog file: parsed strictly, validated, and turned into a
//! `checkout_protocol::PricingModel` in `@flowglad/node`'s shape, plus the
//! organization, discounts and demo customers that come with it.
//!
//! `file` owns the JSON format and its conversion, `validate` the rules a
//! file must follow, `model` the validated types the server uses.

use checkout_protocol::{Price, PricingModel, Product};
use std::collections::BTreeMap;
use std::fmt;

mod branding;
mod file;
mod model;
mod validate;

pub use branding::logo_origin;
pub use model::{
    CatalogResource, CheckoutDefaults, CustomerSeed, Discount, InvoiceLineSeed, InvoiceSeed,
    PaymentMethodSeed, SubscriptionSeed, Unredeemable,
};

/// The built-in demo catalog, used when no `--catalog` file is given.
pub const DEMO_CATALOG: &str = include_str!("../../../catalog/demo.json");

/// The prefix of the built-in demo customers' public sign-in tokens
/// (`demo-alice`); see [`Catalog::demo`].
pub const DEMO_TOKEN_PREFIX: &str = "demo-";

/// The name under which the built-in catalog appears in error messages.
pub const DEMO_CATALOG_NAME: &str = "built-in demo catalog (server/catalog/demo.json)";

/// `createdAt`/`updatedAt` of every catalog object: 2026-01-01T00:00:00Z in
/// epoch milliseconds. Fixed so the pricing model is identical on every start.
pub const CATALOG_EPOCH_MS: i64 = 1_767_225_600_000;

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
    /// The merchant's logo and button colours on the hosted page (checked at load).
    pub branding: Option<checkout_protocol::Branding>,
    /// The pricing model in Flowglad's shape.
    pub pricing_model: PricingModel,
    /// Discount codes a checkout may apply.
    pub discounts: Vec<Discount>,
    /// Resources `resource` features give capacity of.
    pub resources: Vec<CatalogResource>,
    /// Customers to seed into the database.
    pub customers: Vec<CustomerSeed>,
    /// The merchant's checkout defaults by price id (only prices that set one).
    pub checkout_defaults: BTreeMap<String, CheckoutDefaults>,
}

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
        let file: file::CatalogFile =
            serde_json::from_str(json).map_err(|e| fail(e.to_string()))?;
        file.validate().map_err(fail)?;
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

/// What the catalog's unit tests share: the demo catalog as JSON, and
/// parsing an edited copy of it.
#[cfg(test)]
mod test_support {
    use super::{Catalog, CatalogError, DEMO_CATALOG};
    use serde_json::Value;

    pub(super) fn demo_value() -> Value {
        serde_json::from_str(DEMO_CATALOG).unwrap()
    }

    pub(super) fn parse_value(v: &Value) -> Result<Catalog, CatalogError> {
        Catalog::parse(&v.to_string(), "test.json")
    }

    pub(super) fn error_of(v: &Value) -> String {
        parse_value(v).unwrap_err().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{demo_value, error_of, parse_value};
    use super::*;
    use serde_json::json;

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
}
