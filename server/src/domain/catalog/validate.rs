//! The rules a catalog file must follow beyond its shape: unique ids and
//! slugs, sane prices, known statuses, well-formed seeded customers.

use super::file::{CatalogFile, FeatureKindSpec, FeatureSpec, InvoiceSpec, PriceSpec};
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

/// The most credits one usage credit grant may give: a billion keeps every
/// balance sum far inside `i64` however many periods and events add up.
pub const MAX_GRANT_AMOUNT: i64 = 1_000_000_000;

/// The largest capacity one `resource` feature may give (claims are rows,
/// so a capacity is a count a database can hold, not a budget).
pub const MAX_RESOURCE_CAPACITY: i64 = 100_000;

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
        self.validate_features()?;
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

impl CatalogFile {
    /// Usage meters, features and the products' grants of them: unique ids and
    /// slugs, every reference known, each kind with exactly its own fields.
    fn validate_features(&self) -> Result<(), String> {
        let mut meter_ids = Unique::new("usage meter id");
        let mut meter_slugs = Unique::new("usage meter slug");
        for m in &self.usage_meters {
            meter_ids.add(&m.id)?;
            meter_slugs.add(&m.slug)?;
            if m.name.trim().is_empty() {
                return Err(format!("usage meter `{}` has an empty name", m.slug));
            }
        }
        let mut resource_ids = Unique::new("resource id");
        let mut resource_slugs = Unique::new("resource slug");
        for r in &self.resources {
            resource_ids.add(&r.id)?;
            resource_slugs.add(&r.slug)?;
            if r.name.trim().is_empty() {
                return Err(format!("resource `{}` has an empty name", r.slug));
            }
        }
        let mut feature_ids = Unique::new("feature id");
        let mut feature_slugs = Unique::new("feature slug");
        for f in &self.features {
            feature_ids.add(&f.id)?;
            feature_slugs.add(&f.slug)?;
            if f.name.trim().is_empty() {
                return Err(format!("feature `{}` has an empty name", f.slug));
            }
            self.validate_feature(f)?;
        }
        for product in &self.products {
            let mut granted = Unique::new("feature");
            for slug in &product.features {
                granted
                    .add(slug)
                    .map_err(|e| format!("product `{}`: {e}", product.id))?;
                if !self.features.iter().any(|f| &f.slug == slug) {
                    return Err(format!(
                        "product `{}` names unknown feature `{slug}` (known: {})",
                        product.id,
                        known(self.features.iter().map(|f| f.slug.as_str()))
                    ));
                }
            }
        }
        Ok(())
    }

    fn validate_feature(&self, f: &FeatureSpec) -> Result<(), String> {
        let slug = &f.slug;
        match f.kind {
            FeatureKindSpec::Toggle => {
                if f.amount.is_some()
                    || f.renewal_frequency.is_some()
                    || f.usage_meter_slug.is_some()
                    || f.resource_slug.is_some()
                {
                    return Err(format!(
                        "feature `{slug}` is a toggle; amount, renewalFrequency, usageMeterSlug and resourceSlug belong to other kinds"
                    ));
                }
            }
            FeatureKindSpec::Resource => {
                if f.renewal_frequency.is_some() || f.usage_meter_slug.is_some() {
                    return Err(format!(
                        "feature `{slug}` is a resource; renewalFrequency and usageMeterSlug belong only to a usage_credit_grant"
                    ));
                }
                let amount = f.amount.ok_or_else(|| {
                    format!("feature `{slug}` (resource) needs an amount: the capacity")
                })?;
                if !(1..=MAX_RESOURCE_CAPACITY).contains(&amount) {
                    return Err(format!(
                        "feature `{slug}`: amount must be a whole number from 1 to {MAX_RESOURCE_CAPACITY} (got {amount})"
                    ));
                }
                let resource = f
                    .resource_slug
                    .as_deref()
                    .ok_or_else(|| format!("feature `{slug}` (resource) needs a resourceSlug"))?;
                if !self.resources.iter().any(|r| r.slug == resource) {
                    return Err(format!(
                        "feature `{slug}` names unknown resource `{resource}` (known: {})",
                        known(self.resources.iter().map(|r| r.slug.as_str()))
                    ));
                }
            }
            FeatureKindSpec::UsageCreditGrant => {
                if f.resource_slug.is_some() {
                    return Err(format!(
                        "feature `{slug}` is a usage_credit_grant; resourceSlug belongs only to a resource"
                    ));
                }
                let amount = f.amount.ok_or_else(|| {
                    format!("feature `{slug}` (usage_credit_grant) needs an amount")
                })?;
                if !(1..=MAX_GRANT_AMOUNT).contains(&amount) {
                    return Err(format!(
                        "feature `{slug}`: amount must be a whole number from 1 to {MAX_GRANT_AMOUNT} (got {amount})"
                    ));
                }
                if f.renewal_frequency.is_none() {
                    return Err(format!(
                        "feature `{slug}` (usage_credit_grant) needs a renewalFrequency: once or every_billing_period"
                    ));
                }
                let meter = f.usage_meter_slug.as_deref().ok_or_else(|| {
                    format!("feature `{slug}` (usage_credit_grant) needs a usageMeterSlug")
                })?;
                if !self.usage_meters.iter().any(|m| m.slug == meter) {
                    return Err(format!(
                        "feature `{slug}` names unknown usage meter `{meter}` (known: {})",
                        known(self.usage_meters.iter().map(|m| m.slug.as_str()))
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A list of known names for an error message (`none` when empty).
fn known<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
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
    // A subscription price may be free (a free plan, which
    // `subscriptions/create` starts without a checkout; issue 15); anything
    // sold once must cost something.
    let free_plan = price.unit_price == 0 && price.price_type == PriceType::Subscription;
    if price.unit_price <= 0 && !free_plan {
        return Err(format!(
            "price `{id}`: unitPrice must be a positive whole number of minor units (0 only for a free subscription plan)"
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
    use super::super::test_support::{demo_value, error_of, parse_value};
    use serde_json::json;

    /// The error of the demo catalog with `edit` applied.
    fn error_after(edit: impl FnOnce(&mut serde_json::Value)) -> String {
        let mut v = demo_value();
        edit(&mut v);
        error_of(&v)
    }

    #[test]
    fn feature_and_meter_rules_name_the_offender() {
        let e = error_after(|v| v["features"][1]["usageMeterSlug"] = json!("cpu-hours"));
        assert!(
            e.contains("feature `build-minutes-monthly` names unknown usage meter `cpu-hours` (known: build-minutes)"),
            "{e}"
        );
        let e = error_after(|v| v["features"][1]["amount"] = json!(-5));
        assert!(
            e.contains("amount must be a whole number from 1 to 1000000000 (got -5)"),
            "{e}"
        );
        let e = error_after(|v| v["features"][1]["amount"] = json!(0));
        assert!(e.contains("(got 0)"), "{e}");
        let e = error_after(|v| v["features"][1]["amount"] = json!(1_000_000_001_i64));
        assert!(e.contains("(got 1000000001)"), "{e}");
        let e = error_after(|v| v["features"][1]["amount"] = json!(1.5));
        assert!(e.contains("invalid type: floating point `1.5`"), "{e}");
        let e = error_after(|v| {
            v["features"][1].as_object_mut().unwrap().remove("amount");
        });
        assert!(e.contains("(usage_credit_grant) needs an amount"), "{e}");
        let e = error_after(|v| {
            v["features"][1]
                .as_object_mut()
                .unwrap()
                .remove("renewalFrequency");
        });
        assert!(
            e.contains("needs a renewalFrequency: once or every_billing_period"),
            "{e}"
        );
        let e = error_after(|v| v["features"][1]["renewalFrequency"] = json!("weekly"));
        assert!(e.contains("unknown variant `weekly`"), "{e}");
        let e = error_after(|v| {
            v["features"][1]
                .as_object_mut()
                .unwrap()
                .remove("usageMeterSlug");
        });
        assert!(e.contains("needs a usageMeterSlug"), "{e}");
        let e = error_after(|v| v["features"][0]["amount"] = json!(3));
        assert!(e.contains("feature `priority-builds` is a toggle"), "{e}");
        let e = error_after(|v| v["features"][0]["type"] = json!("seat_pack"));
        assert!(e.contains("unknown variant `seat_pack`"), "{e}");
        let e = error_after(|v| v["features"][1]["slug"] = json!("priority-builds"));
        assert!(
            e.contains("feature slug `priority-builds` is used more than once"),
            "{e}"
        );
        let e = error_after(|v| v["features"][1]["id"] = json!("feat_priority_builds"));
        assert!(
            e.contains("feature id `feat_priority_builds` is used more than once"),
            "{e}"
        );
        let e = error_after(|v| v["features"][0]["name"] = json!(" "));
        assert!(
            e.contains("feature `priority-builds` has an empty name"),
            "{e}"
        );
        let e = error_after(|v| {
            v["usageMeters"]
                .as_array_mut()
                .unwrap()
                .push(json!({"id": "um_2", "slug": "build-minutes", "name": "Again"}));
        });
        assert!(
            e.contains("usage meter slug `build-minutes` is used more than once"),
            "{e}"
        );
        let e = error_after(|v| v["usageMeters"][0]["name"] = json!(""));
        assert!(
            e.contains("usage meter `build-minutes` has an empty name"),
            "{e}"
        );
        let e = error_after(|v| v["usageMeters"][0]["unit"] = json!("min"));
        assert!(e.contains("unknown field `unit`"), "{e}");
        let e = error_after(|v| v["products"][0]["features"] = json!(["turbo"]));
        assert!(
            e.contains("product `prod_pro` names unknown feature `turbo` (known: priority-builds, build-minutes-monthly, seats)"),
            "{e}"
        );
        let e = error_after(|v| {
            v["products"][0]["features"] = json!(["priority-builds", "priority-builds"]);
        });
        assert!(
            e.contains("product `prod_pro`: feature `priority-builds` is used more than once"),
            "{e}"
        );
    }

    #[test]
    fn resource_rules_name_the_offender() {
        let e = error_after(|v| v["features"][2]["resourceSlug"] = json!("desks"));
        assert!(
            e.contains("feature `seats` names unknown resource `desks` (known: seats)"),
            "{e}"
        );
        let e = error_after(|v| v["features"][2]["amount"] = json!(0));
        assert!(
            e.contains("amount must be a whole number from 1 to 100000 (got 0)"),
            "{e}"
        );
        let e = error_after(|v| {
            v["features"][2].as_object_mut().unwrap().remove("amount");
        });
        assert!(
            e.contains("(resource) needs an amount: the capacity"),
            "{e}"
        );
        let e = error_after(|v| {
            v["features"][2]
                .as_object_mut()
                .unwrap()
                .remove("resourceSlug");
        });
        assert!(e.contains("(resource) needs a resourceSlug"), "{e}");
        let e = error_after(|v| v["features"][2]["renewalFrequency"] = json!("once"));
        assert!(e.contains("feature `seats` is a resource"), "{e}");
        let e = error_after(|v| v["features"][1]["resourceSlug"] = json!("seats"));
        assert!(e.contains("is a usage_credit_grant; resourceSlug"), "{e}");
        let e = error_after(|v| v["features"][0]["resourceSlug"] = json!("seats"));
        assert!(e.contains("is a toggle"), "{e}");
        let e = error_after(|v| {
            v["resources"]
                .as_array_mut()
                .unwrap()
                .push(json!({"id": "res_x", "slug": "seats", "name": "More"}));
        });
        assert!(
            e.contains("resource slug `seats` is used more than once"),
            "{e}"
        );
        let e = error_after(|v| v["resources"][0]["name"] = json!(""));
        assert!(e.contains("resource `seats` has an empty name"), "{e}");
    }

    #[test]
    fn features_and_meters_are_optional() {
        let mut v = demo_value();
        let o = v.as_object_mut().unwrap();
        o.remove("features");
        o.remove("usageMeters");
        o.remove("resources");
        v["products"][0].as_object_mut().unwrap().remove("features");
        let c = parse_value(&v).unwrap();
        assert!(c.pricing_model.usage_meters.is_empty());
        assert!(c
            .pricing_model
            .products
            .iter()
            .all(|p| p.features.is_empty()));
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
        // A free plan: a subscription price of 0 (issue 15); never below.
        let mut v = demo_value();
        v["products"][0]["prices"][1]["unitPrice"] = json!(0);
        assert!(parse_value(&v).is_ok());
        v["products"][0]["prices"][1]["unitPrice"] = json!(-1);
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
