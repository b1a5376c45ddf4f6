//! The pricing model: products and their prices, in `@flowglad/node`'s shapes.
//!
//! Reading is lenient (missing optional fields default) so the widget works
//! with any Flowglad-compatible server; writing emits every field Flowglad's
//! clients expect.

use serde::{Deserialize, Serialize};

/// How a price charges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PriceType {
    /// Charged once.
    SinglePayment,
    /// Charged every interval.
    Subscription,
    /// Charged per usage event.
    Usage,
}

/// The unit of a subscription's billing interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IntervalUnit {
    /// Days.
    Day,
    /// Weeks.
    Week,
    /// Months.
    Month,
    /// Years.
    Year,
}

/// A price of a product. Amounts are integer minor units of `currency`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Price {
    /// Unique id.
    pub id: String,
    /// Merchant-chosen slug, unique within the pricing model.
    #[serde(default)]
    pub slug: Option<String>,
    /// How the price charges.
    #[serde(rename = "type")]
    pub price_type: PriceType,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Price per unit in minor units (cents; yen; fils).
    pub unit_price: i64,
    /// ISO 4217 code, upper case as Flowglad sends it.
    pub currency: String,
    /// Billing interval unit for subscriptions.
    #[serde(default)]
    pub interval_unit: Option<IntervalUnit>,
    /// Number of interval units per billing period.
    #[serde(default)]
    pub interval_count: Option<u32>,
    /// Free trial length in days, for subscriptions.
    #[serde(default)]
    pub trial_period_days: Option<u32>,
    /// Whether this is its product's default price.
    #[serde(default)]
    pub is_default: bool,
    /// Whether the price can be bought.
    #[serde(default = "yes")]
    pub active: bool,
    /// The product the price belongs to.
    #[serde(default)]
    pub product_id: String,
    /// The pricing model the price belongs to.
    #[serde(default)]
    pub pricing_model_id: String,
    /// Live or test mode.
    #[serde(default)]
    pub livemode: bool,
    /// Epoch milliseconds.
    #[serde(default)]
    pub created_at: i64,
    /// Epoch milliseconds.
    #[serde(default)]
    pub updated_at: i64,
    /// Usage meter, for usage prices.
    #[serde(default)]
    pub usage_meter_id: Option<String>,
    /// Usage events per unit, for usage prices.
    #[serde(default)]
    pub usage_events_per_unit: Option<i64>,
}

fn yes() -> bool {
    true
}

impl Price {
    /// Whether the price recurs.
    pub fn is_recurring(&self) -> bool {
        self.price_type == PriceType::Subscription
    }
}

/// What kind of feature a product grants (`type`). Kinds this crate does not
/// know are kept as [`FeatureType::Other`] so a newer platform's catalog still
/// parses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FeatureType {
    /// On or off: the customer has it while subscribed.
    Toggle,
    /// Credits on a usage meter: `amount`, renewed per `renewalFrequency`.
    UsageCreditGrant,
    /// Capacity of a resource (seats): `amount` claimable units.
    Resource,
    /// A kind this version does not know.
    #[serde(other)]
    Other,
}

/// How often a usage credit grant is given again (`renewalFrequency`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RenewalFrequency {
    /// Granted once, when the subscription starts; never renewed.
    Once,
    /// Granted afresh at the start of every billing period (unused credit lapses).
    EveryBillingPeriod,
}

/// A feature a product grants, in `@flowglad/node`'s shape
/// (`ToggleFeatureClientSelectSchema`, `UsageCreditGrantFeatureClientSelectSchema`,
/// `ResourceFeatureClientSelectSchema`): one flat record whose `type` says
/// which of the optional fields are set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Feature {
    /// Unique id.
    pub id: String,
    /// The kind of feature.
    #[serde(rename = "type")]
    pub feature_type: FeatureType,
    /// Merchant-chosen slug (`checkFeatureAccess(slug)`).
    #[serde(default)]
    pub slug: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Longer description (Flowglad sends `""` when there is none).
    #[serde(default)]
    pub description: String,
    /// Credits granted (usage credit grants) or capacity (resources); `null` for toggles.
    #[serde(default)]
    pub amount: Option<i64>,
    /// When a usage credit grant renews; `null` for other kinds.
    #[serde(default)]
    pub renewal_frequency: Option<RenewalFrequency>,
    /// The meter a usage credit grant credits; `null` for other kinds.
    #[serde(default)]
    pub usage_meter_id: Option<String>,
    /// The resource a resource feature gives capacity of; `null` for other kinds.
    #[serde(default)]
    pub resource_id: Option<String>,
    /// Whether the feature is granted.
    #[serde(default = "yes")]
    pub active: bool,
    /// The pricing model the feature belongs to.
    #[serde(default)]
    pub pricing_model_id: String,
    /// The organization that owns the feature.
    #[serde(default)]
    pub organization_id: String,
    /// Live or test mode.
    #[serde(default)]
    pub livemode: bool,
    /// Epoch milliseconds.
    #[serde(default)]
    pub created_at: i64,
    /// Epoch milliseconds.
    #[serde(default)]
    pub updated_at: i64,
}

/// How a usage meter adds up a period's events (`aggregationType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AggregationType {
    /// The sum of the events' amounts (Flowglad's default).
    Sum,
    /// The number of distinct `properties` objects.
    CountDistinctProperties,
    /// A kind this version does not know.
    #[serde(other)]
    Other,
}

fn sum() -> AggregationType {
    AggregationType::Sum
}

/// A usage meter of the pricing model (`PricingModelDetailsRecord.UsageMeter`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UsageMeter {
    /// Unique id.
    pub id: String,
    /// Merchant-chosen slug (`checkUsageBalance(slug)`, `usageMeterSlug`).
    #[serde(default)]
    pub slug: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// How events add up.
    #[serde(default = "sum")]
    pub aggregation_type: AggregationType,
    /// Usage prices on the meter (none in our catalogs: usage is paid by credits).
    #[serde(default)]
    pub prices: Vec<Price>,
    /// The pricing model the meter belongs to.
    #[serde(default)]
    pub pricing_model_id: String,
    /// The organization that owns the meter.
    #[serde(default)]
    pub organization_id: String,
    /// Live or test mode.
    #[serde(default)]
    pub livemode: bool,
    /// Epoch milliseconds.
    #[serde(default)]
    pub created_at: i64,
    /// Epoch milliseconds.
    #[serde(default)]
    pub updated_at: i64,
}

/// A product with its prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Product {
    /// Unique id.
    pub id: String,
    /// Merchant-chosen slug.
    #[serde(default)]
    pub slug: Option<String>,
    /// Display name.
    pub name: String,
    /// Longer description.
    #[serde(default)]
    pub description: Option<String>,
    /// Image shown beside the product.
    #[serde(default, rename = "imageURL")]
    pub image_url: Option<String>,
    /// Whether this is the pricing model's default (free) product.
    #[serde(default)]
    pub default: bool,
    /// Whether the product can be bought.
    #[serde(default = "yes")]
    pub active: bool,
    /// The product's prices.
    #[serde(default)]
    pub prices: Vec<Price>,
    /// The price shown first.
    #[serde(default)]
    pub default_price: Option<Price>,
    /// Label for one unit ("credit"); set when the quantity is adjustable.
    #[serde(default)]
    pub singular_quantity_label: Option<String>,
    /// Label for several units ("credits").
    #[serde(default)]
    pub plural_quantity_label: Option<String>,
    /// Features granted by the product (`toggle`, `usage_credit_grant`, …).
    #[serde(default)]
    pub features: Vec<Feature>,
    /// The pricing model the product belongs to.
    #[serde(default)]
    pub pricing_model_id: String,
    /// The organization that owns the product.
    #[serde(default)]
    pub organization_id: String,
    /// Live or test mode.
    #[serde(default)]
    pub livemode: bool,
    /// Epoch milliseconds.
    #[serde(default)]
    pub created_at: i64,
    /// Epoch milliseconds.
    #[serde(default)]
    pub updated_at: i64,
}

impl Product {
    /// Whether the buyer picks how many units to buy.
    pub fn has_adjustable_quantity(&self) -> bool {
        self.singular_quantity_label.is_some()
    }

    /// The price a pricing table shows for `interval`: the subscription at
    /// that interval, else the default (or first) active price.
    pub fn price_for_interval(&self, interval: IntervalUnit) -> Option<&Price> {
        let active = || self.prices.iter().filter(|p| p.active);
        active()
            .find(|p| p.price_type == PriceType::Subscription && p.interval_unit == Some(interval))
            .or_else(|| active().find(|p| p.is_default))
            .or_else(|| active().next())
    }
}

/// A pricing model: the merchant's catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PricingModel {
    /// Unique id.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Whether this is the organization's default pricing model.
    #[serde(default)]
    pub is_default: bool,
    /// The products on sale.
    #[serde(default)]
    pub products: Vec<Product>,
    /// The default product, if one is marked default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_product: Option<Box<Product>>,
    /// The usage meters products grant credits on and usage events count against.
    #[serde(default)]
    pub usage_meters: Vec<UsageMeter>,
    /// The organization that owns the model.
    #[serde(default)]
    pub organization_id: String,
    /// Live or test mode.
    #[serde(default)]
    pub livemode: bool,
    /// Epoch milliseconds.
    #[serde(default)]
    pub created_at: i64,
    /// Epoch milliseconds.
    #[serde(default)]
    pub updated_at: i64,
}

impl PricingModel {
    /// Finds an active price by slug.
    pub fn price_by_slug(&self, slug: &str) -> Option<(&Product, &Price)> {
        self.prices().find(|(_, p)| p.slug.as_deref() == Some(slug))
    }

    /// Finds an active price by id.
    pub fn price_by_id(&self, id: &str) -> Option<(&Product, &Price)> {
        self.prices().find(|(_, p)| p.id == id)
    }

    /// Finds a usage meter by slug.
    pub fn usage_meter_by_slug(&self, slug: &str) -> Option<&UsageMeter> {
        self.usage_meters.iter().find(|m| m.slug == slug)
    }

    /// Finds a usage meter by id.
    pub fn usage_meter_by_id(&self, id: &str) -> Option<&UsageMeter> {
        self.usage_meters.iter().find(|m| m.id == id)
    }

    /// Finds a product by slug.
    pub fn product_by_slug(&self, slug: &str) -> Option<&Product> {
        self.products
            .iter()
            .find(|p| p.slug.as_deref() == Some(slug))
    }

    /// The intervals at which some product is sold more than once (month and
    /// year, say), shortest first: the choices of a pricing table's switch.
    pub fn switchable_intervals(&self) -> Vec<IntervalUnit> {
        let sold_twice = |unit: IntervalUnit| {
            self.products.iter().filter(|p| p.active).any(|product| {
                let units = || {
                    product
                        .prices
                        .iter()
                        .filter(|p| p.active)
                        .filter_map(|p| p.interval_unit)
                };
                units().count() > 1 && units().any(|u| u == unit)
            })
        };
        // Four units in their natural order: no sort needed (or shipped).
        [
            IntervalUnit::Day,
            IntervalUnit::Week,
            IntervalUnit::Month,
            IntervalUnit::Year,
        ]
        .into_iter()
        .filter(|u| sold_twice(*u))
        .collect()
    }

    /// Every active price with its product.
    pub fn prices(&self) -> impl Iterator<Item = (&Product, &Price)> {
        self.products.iter().filter(|p| p.active).flat_map(|prod| {
            prod.prices
                .iter()
                .filter(|p| p.active)
                .map(move |p| (prod, p))
        })
    }
}

/// The `data` of `pricing-models/retrieve`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PricingModelResponse {
    /// The pricing model.
    pub pricing_model: PricingModel,
    /// `customer` when resolved for a signed-in customer, else `default`.
    #[serde(default)]
    pub source: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const FLOWGLAD_PRICE: &str = r#"{
        "id":"price_1","active":true,"createdAt":1,"currency":"USD","intervalCount":1,
        "intervalUnit":"month","isDefault":true,"livemode":false,"name":"Monthly",
        "pricingModelId":"pm_1","productId":"prod_1","slug":"pro-monthly","type":"subscription",
        "unitPrice":1200,"updatedAt":2,"usageEventsPerUnit":null,"usageMeterId":null,
        "trialPeriodDays":14
    }"#;

    #[test]
    fn reads_flowglad_subscription_price() {
        let p: Price = serde_json::from_str(FLOWGLAD_PRICE).unwrap();
        assert_eq!(p.price_type, PriceType::Subscription);
        assert_eq!(p.interval_unit, Some(IntervalUnit::Month));
        assert_eq!(p.trial_period_days, Some(14));
        assert_eq!(p.unit_price, 1200);
        assert!(p.is_recurring());
    }

    #[test]
    fn reads_minimal_product_leniently() {
        let p: Product = serde_json::from_str(
            r#"{"id":"prod_1","name":"Pro","prices":[{"id":"x","type":"single_payment","unitPrice":5,"currency":"JPY"}]}"#,
        )
        .unwrap();
        assert!(p.active);
        assert!(p.prices[0].active);
        assert!(!p.has_adjustable_quantity());
    }

    #[test]
    fn writes_image_url_in_flowglad_casing() {
        let p: Product =
            serde_json::from_str(r#"{"id":"a","name":"A","imageURL":"https://x/y.png"}"#).unwrap();
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["imageURL"], "https://x/y.png");
        assert_eq!(v["singularQuantityLabel"], Value::Null);
    }

    #[test]
    fn pricing_tables_switch_between_intervals_sold_twice() {
        let model: PricingModel = serde_json::from_value(serde_json::json!({
            "id": "pm",
            "products": [
                {"id": "pro", "name": "Pro", "prices": [
                    {"id": "m", "type": "subscription", "unitPrice": 1200, "currency": "USD", "intervalUnit": "month", "isDefault": true},
                    {"id": "y", "type": "subscription", "unitPrice": 12000, "currency": "USD", "intervalUnit": "year"}]},
                {"id": "life", "name": "Lifetime", "prices": [
                    {"id": "l", "type": "single_payment", "unitPrice": 19900, "currency": "USD"}]},
                {"id": "team", "name": "Team", "prices": [
                    {"id": "t", "type": "subscription", "unitPrice": 5000, "currency": "USD", "intervalUnit": "week"}]}
            ]
        }))
        .unwrap();
        assert_eq!(
            model.switchable_intervals(),
            vec![IntervalUnit::Month, IntervalUnit::Year]
        );
        assert_eq!(
            model.products[0]
                .price_for_interval(IntervalUnit::Month)
                .unwrap()
                .id,
            "m"
        );
        assert_eq!(
            model.products[0]
                .price_for_interval(IntervalUnit::Year)
                .unwrap()
                .id,
            "y"
        );
        assert_eq!(
            model.products[1]
                .price_for_interval(IntervalUnit::Year)
                .unwrap()
                .id,
            "l"
        );
        assert_eq!(
            model.products[2]
                .price_for_interval(IntervalUnit::Year)
                .unwrap()
                .id,
            "t"
        );
    }

    #[test]
    fn lookups_skip_inactive_prices() {
        let mut price: Price = serde_json::from_str(FLOWGLAD_PRICE).unwrap();
        let product = Product {
            id: "prod_1".into(),
            slug: Some("pro".into()),
            name: "Pro".into(),
            description: None,
            image_url: None,
            default: false,
            active: true,
            prices: vec![price.clone()],
            default_price: None,
            singular_quantity_label: None,
            plural_quantity_label: None,
            features: vec![],
            pricing_model_id: String::new(),
            organization_id: String::new(),
            livemode: false,
            created_at: 0,
            updated_at: 0,
        };
        let mut model: PricingModel = serde_json::from_str(r#"{"id":"pm"}"#).unwrap();
        model.products.push(product);
        assert!(model.price_by_slug("pro-monthly").is_some());
        assert!(model.price_by_id("price_1").is_some());
        assert!(model.product_by_slug("pro").is_some());
        price.active = false;
        model.products[0].prices[0] = price;
        assert!(model.price_by_slug("pro-monthly").is_none());
    }

    #[test]
    fn reads_flowglad_features_of_every_kind_and_keeps_unknown_ones() {
        let p: Product = serde_json::from_value(serde_json::json!({
            "id": "prod_1", "name": "Pro",
            "features": [
                {"id": "f1", "type": "toggle", "slug": "priority-builds", "name": "Priority builds",
                 "description": "", "active": true, "amount": null, "renewalFrequency": null,
                 "usageMeterId": null, "resourceId": null, "livemode": false, "createdAt": 1,
                 "updatedAt": 2, "organizationId": "org", "pricingModelId": "pm"},
                {"id": "f2", "type": "usage_credit_grant", "slug": "minutes", "name": "Minutes",
                 "amount": 1000, "renewalFrequency": "every_billing_period", "usageMeterId": "um_1"},
                {"id": "f3", "type": "resource", "slug": "seats", "amount": 5, "resourceId": "res_1"},
                {"id": "f4", "type": "something_new", "slug": "x"}
            ]
        }))
        .unwrap();
        let kinds: Vec<FeatureType> = p.features.iter().map(|f| f.feature_type).collect();
        assert_eq!(
            kinds,
            [
                FeatureType::Toggle,
                FeatureType::UsageCreditGrant,
                FeatureType::Resource,
                FeatureType::Other
            ]
        );
        let grant = &p.features[1];
        assert_eq!(grant.amount, Some(1000));
        assert_eq!(
            grant.renewal_frequency,
            Some(RenewalFrequency::EveryBillingPeriod)
        );
        assert_eq!(grant.usage_meter_id.as_deref(), Some("um_1"));
        let v = serde_json::to_value(&p.features[0]).unwrap();
        assert_eq!(v["type"], "toggle");
        assert_eq!(v["amount"], Value::Null);
        assert_eq!(v["usageMeterId"], Value::Null);
        assert_eq!(v["pricingModelId"], "pm");
    }

    #[test]
    fn older_payloads_without_features_or_meters_still_parse() {
        let model: PricingModel = serde_json::from_str(
            r#"{"id":"pm","products":[{"id":"p","name":"P"}],"usageMeters":[{"id":"um","slug":"build-minutes"}]}"#,
        )
        .unwrap();
        assert!(model.products[0].features.is_empty());
        let meter = model.usage_meter_by_slug("build-minutes").unwrap();
        assert_eq!(meter.aggregation_type, AggregationType::Sum);
        assert_eq!(model.usage_meter_by_id("um").unwrap().slug, "build-minutes");
        let v = serde_json::to_value(meter).unwrap();
        assert_eq!(v["aggregationType"], "sum");
        assert_eq!(v["prices"], serde_json::json!([]));
    }
}
