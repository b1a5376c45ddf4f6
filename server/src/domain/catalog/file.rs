//! The catalog file's JSON format, read strictly (unknown fields fail), and
//! its conversion into a [`Catalog`] once validated.

use super::{
    Catalog, CatalogResource, CheckoutDefaults, CustomerSeed, Discount, InvoiceLineSeed,
    InvoiceSeed, PaymentMethodSeed, SubscriptionSeed, CATALOG_EPOCH_MS,
};
use checkout_protocol::{
    AggregationType, BillingAddressCollection, Feature, FeatureType, IntervalUnit, Price,
    PriceType, PricingModel, Product, RenewalFrequency, UsageMeter,
};
use serde::Deserialize;

/// A catalog file as written.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct CatalogFile {
    pub(super) organization: OrganizationSpec,
    pub(super) pricing_model: PricingModelSpec,
    pub(super) products: Vec<ProductSpec>,
    /// Usage meters that credit grants fill and usage events draw down.
    #[serde(default)]
    pub(super) usage_meters: Vec<UsageMeterSpec>,
    /// Features products may grant, by slug.
    #[serde(default)]
    pub(super) features: Vec<FeatureSpec>,
    /// Resources (seats) that `resource` features give capacity of.
    #[serde(default)]
    pub(super) resources: Vec<ResourceSpec>,
    #[serde(default)]
    pub(super) discounts: Vec<DiscountSpec>,
    #[serde(default)]
    pub(super) customers: Vec<CustomerSpec>,
}

/// The merchant: id, display name, and optionally its branding on the
/// hosted page (checked in `branding`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct OrganizationSpec {
    pub(super) id: String,
    pub(super) name: String,
    #[serde(default)]
    pub(super) logo_url: Option<String>,
    #[serde(default)]
    pub(super) brand_color: Option<String>,
    #[serde(default)]
    pub(super) brand_text_color: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PricingModelSpec {
    pub(super) id: String,
    pub(super) name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct ProductSpec {
    pub(super) id: String,
    pub(super) slug: String,
    pub(super) name: String,
    #[serde(default)]
    pub(super) description: Option<String>,
    #[serde(default, rename = "imageURL")]
    pub(super) image_url: Option<String>,
    #[serde(default)]
    pub(super) default: bool,
    #[serde(default = "yes")]
    pub(super) active: bool,
    #[serde(default)]
    pub(super) singular_quantity_label: Option<String>,
    #[serde(default)]
    pub(super) plural_quantity_label: Option<String>,
    pub(super) prices: Vec<PriceSpec>,
    /// Slugs of the top-level `features` a subscription to this product grants.
    #[serde(default)]
    pub(super) features: Vec<String>,
}

/// A usage meter as written: `{id, slug, name}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct UsageMeterSpec {
    pub(super) id: String,
    pub(super) slug: String,
    pub(super) name: String,
}

/// A resource as written: `{id, slug, name}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct ResourceSpec {
    pub(super) id: String,
    pub(super) slug: String,
    pub(super) name: String,
}

/// The kinds of feature a catalog file may declare.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub(super) enum FeatureKindSpec {
    Toggle,
    UsageCreditGrant,
    Resource,
}

/// A feature as written. One flat record, as Flowglad's: the kind decides
/// which of `amount`, `renewalFrequency` and `usageMeterSlug` it must have
/// (checked in `validate`, so a mistake gets a message naming the feature).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct FeatureSpec {
    pub(super) id: String,
    pub(super) slug: String,
    pub(super) name: String,
    #[serde(rename = "type")]
    pub(super) kind: FeatureKindSpec,
    #[serde(default)]
    pub(super) description: Option<String>,
    #[serde(default)]
    pub(super) amount: Option<i64>,
    #[serde(default)]
    pub(super) renewal_frequency: Option<RenewalFrequency>,
    #[serde(default)]
    pub(super) usage_meter_slug: Option<String>,
    #[serde(default)]
    pub(super) resource_slug: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct PriceSpec {
    pub(super) id: String,
    pub(super) slug: String,
    #[serde(default)]
    pub(super) name: Option<String>,
    #[serde(rename = "type")]
    pub(super) price_type: PriceType,
    pub(super) unit_price: i64,
    pub(super) currency: String,
    #[serde(default)]
    pub(super) interval_unit: Option<IntervalUnit>,
    #[serde(default)]
    pub(super) interval_count: Option<u32>,
    #[serde(default)]
    pub(super) trial_period_days: Option<u32>,
    #[serde(default)]
    pub(super) allow_promotion_codes: Option<bool>,
    #[serde(default)]
    pub(super) billing_address_collection: Option<BillingAddressCollection>,
    #[serde(default)]
    pub(super) is_default: bool,
    #[serde(default = "yes")]
    pub(super) active: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct DiscountSpec {
    pub(super) id: String,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) percent_off: u32,
    #[serde(default)]
    pub(super) expires_at: Option<i64>,
    #[serde(default = "yes")]
    pub(super) active: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct CustomerSpec {
    pub(super) id: String,
    pub(super) external_id: String,
    /// A sign-in token for tests and staging: only a customer whose entry
    /// says so has one (never implied, so a copied catalog brings none).
    #[serde(default)]
    pub(super) sign_in_token: Option<String>,
    pub(super) name: String,
    pub(super) email: String,
    #[serde(default)]
    pub(super) subscriptions: Vec<SubscriptionSpec>,
    #[serde(default)]
    pub(super) payment_methods: Vec<PaymentMethodSpec>,
    #[serde(default)]
    pub(super) invoices: Vec<InvoiceSpec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct InvoiceSpec {
    pub(super) id: String,
    pub(super) invoice_number: String,
    pub(super) status: String,
    pub(super) currency: String,
    #[serde(default)]
    pub(super) memo: Option<String>,
    #[serde(default)]
    pub(super) issued_days_ago: u32,
    pub(super) lines: Vec<InvoiceLineSpec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct InvoiceLineSpec {
    pub(super) description: String,
    #[serde(default = "one")]
    pub(super) quantity: u32,
    pub(super) unit_price: i64,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct SubscriptionSpec {
    pub(super) id: String,
    pub(super) price_slug: String,
    pub(super) status: String,
    #[serde(default)]
    pub(super) started_days_ago: u32,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct PaymentMethodSpec {
    pub(super) id: String,
    pub(super) brand: String,
    pub(super) last4: String,
    pub(super) exp_month: u32,
    pub(super) exp_year: u32,
    #[serde(default)]
    pub(super) default: bool,
}

fn yes() -> bool {
    true
}

impl CatalogFile {
    /// The validated file as a [`Catalog`]: Flowglad-shaped products and
    /// prices, subscriptions resolved from price slug to price id.
    pub(super) fn into_catalog(self) -> Result<Catalog, String> {
        let branding = super::branding::branding_of(&self.organization)?;
        let org_id = self.organization.id.clone();
        let pm_id = self.pricing_model.id.clone();
        let usage_meters: Vec<UsageMeter> = self
            .usage_meters
            .iter()
            .map(|m| UsageMeter {
                id: m.id.clone(),
                slug: m.slug.clone(),
                name: m.name.clone(),
                aggregation_type: AggregationType::Sum,
                prices: Vec::new(),
                pricing_model_id: pm_id.clone(),
                organization_id: org_id.clone(),
                livemode: false,
                created_at: CATALOG_EPOCH_MS,
                updated_at: CATALOG_EPOCH_MS,
            })
            .collect();
        let features = self
            .features
            .iter()
            .map(|f| feature_of(f, &usage_meters, &self.resources, &org_id, &pm_id))
            .collect::<Result<Vec<Feature>, String>>()?;
        let products = self
            .products
            .iter()
            .map(|p| product_of(p, &features, &org_id, &pm_id))
            .collect::<Result<Vec<Product>, String>>()?;
        let default_product = products.iter().find(|p| p.default).cloned().map(Box::new);
        let pricing_model = PricingModel {
            id: pm_id,
            name: self.pricing_model.name.clone(),
            is_default: true,
            products,
            default_product,
            usage_meters,
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
            branding,
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
            resources: self
                .resources
                .iter()
                .map(|r| CatalogResource {
                    id: r.id.clone(),
                    slug: r.slug.clone(),
                    name: r.name.clone(),
                })
                .collect(),
        })
    }
}

/// A catalog feature in Flowglad's shape, its meter slug resolved to the meter's id.
fn feature_of(
    spec: &FeatureSpec,
    meters: &[UsageMeter],
    resources: &[ResourceSpec],
    org_id: &str,
    pm_id: &str,
) -> Result<Feature, String> {
    let usage_meter_id = match &spec.usage_meter_slug {
        Some(slug) => Some(
            meters
                .iter()
                .find(|m| &m.slug == slug)
                .map(|m| m.id.clone())
                .ok_or_else(|| {
                    format!("feature `{}` names unknown usage meter `{slug}`", spec.slug)
                })?,
        ),
        None => None,
    };
    let resource_id = match &spec.resource_slug {
        Some(slug) => Some(
            resources
                .iter()
                .find(|r| &r.slug == slug)
                .map(|r| r.id.clone())
                .ok_or_else(|| {
                    format!("feature `{}` names unknown resource `{slug}`", spec.slug)
                })?,
        ),
        None => None,
    };
    Ok(Feature {
        id: spec.id.clone(),
        feature_type: match spec.kind {
            FeatureKindSpec::Toggle => FeatureType::Toggle,
            FeatureKindSpec::UsageCreditGrant => FeatureType::UsageCreditGrant,
            FeatureKindSpec::Resource => FeatureType::Resource,
        },
        slug: spec.slug.clone(),
        name: spec.name.clone(),
        description: spec.description.clone().unwrap_or_default(),
        amount: spec.amount,
        renewal_frequency: spec.renewal_frequency,
        usage_meter_id,
        resource_id,
        active: true,
        pricing_model_id: pm_id.to_owned(),
        organization_id: org_id.to_owned(),
        livemode: false,
        created_at: CATALOG_EPOCH_MS,
        updated_at: CATALOG_EPOCH_MS,
    })
}

fn product_of(
    spec: &ProductSpec,
    features: &[Feature],
    org_id: &str,
    pm_id: &str,
) -> Result<Product, String> {
    let granted = spec
        .features
        .iter()
        .map(|slug| {
            features
                .iter()
                .find(|f| &f.slug == slug)
                .cloned()
                .ok_or_else(|| format!("product `{}` names unknown feature `{slug}`", spec.id))
        })
        .collect::<Result<Vec<Feature>, String>>()?;
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
    Ok(Product {
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
        features: granted,
        pricing_model_id: pm_id.to_owned(),
        organization_id: org_id.to_owned(),
        livemode: false,
        created_at: CATALOG_EPOCH_MS,
        updated_at: CATALOG_EPOCH_MS,
    })
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
    use super::super::test_support::{demo_value, parse_value};
    use super::super::{Catalog, CATALOG_EPOCH_MS};
    use checkout_protocol::IntervalUnit;
    use serde_json::json;

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
    fn demo_pro_grants_priority_builds_and_build_minutes() {
        use checkout_protocol::{FeatureType, RenewalFrequency};
        let c = Catalog::demo().unwrap();
        let pm = &c.pricing_model;
        let meter = pm.usage_meter_by_slug("build-minutes").unwrap();
        assert_eq!(
            (meter.id.as_str(), meter.name.as_str()),
            ("um_build_minutes", "Build minutes")
        );
        assert_eq!(meter.pricing_model_id, "pm_demo");
        let pro = pm.product_by_slug("pro").unwrap();
        let slugs: Vec<&str> = pro.features.iter().map(|f| f.slug.as_str()).collect();
        assert_eq!(slugs, ["priority-builds", "build-minutes-monthly", "seats"]);
        let seats = &pro.features[2];
        assert_eq!(seats.feature_type, FeatureType::Resource);
        assert_eq!(
            (seats.amount, seats.resource_id.as_deref()),
            (Some(5), Some("res_seats"))
        );
        assert_eq!(c.resources[0].slug, "seats");
        assert_eq!(pro.features[0].feature_type, FeatureType::Toggle);
        let grant = &pro.features[1];
        assert_eq!(grant.feature_type, FeatureType::UsageCreditGrant);
        assert_eq!(grant.amount, Some(1000));
        assert_eq!(
            grant.renewal_frequency,
            Some(RenewalFrequency::EveryBillingPeriod)
        );
        assert_eq!(grant.usage_meter_id.as_deref(), Some("um_build_minutes"));
        assert!(pm
            .products
            .iter()
            .filter(|p| p.id != "prod_pro")
            .all(|p| p.features.is_empty()));
        let v = serde_json::to_value(pm).unwrap();
        assert_eq!(v["usageMeters"][0]["slug"], "build-minutes");
        assert_eq!(v["products"][0]["features"][0]["type"], "toggle");
        assert_eq!(
            v["products"][0]["features"][1]["renewalFrequency"],
            "every_billing_period"
        );
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
}
