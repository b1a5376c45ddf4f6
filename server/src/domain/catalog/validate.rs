//! The rules a catalog file must follow beyond its shape: unique ids and
//! slugs, sane prices, known statuses, well-formed seeded customers.

use super::file::{CatalogFile, InvoiceSpec, PriceSpec};
use checkout_protocol::PriceType;
use std::collections::HashSet;

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
    /// Checks the rules a catalog file must follow; the message names the
    /// first offending entry.
    pub(super) fn validate(&self) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    use super::super::test_support::{demo_value, error_of};
    use serde_json::json;

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
    fn empty_catalog_fails() {
        let v = json!({"organization":{"id":"o","name":"O"},"pricingModel":{"id":"p","name":"P"},"products":[]});
        assert!(error_of(&v).contains("products is empty"));
    }
}
