//! The customer's own records as the route sends them (in `customers/billing`
//! and in the answers of the actions that change a subscription), read by
//! hand from `JSON.parse` rather than by their derived deserializers, which
//! were the largest part of what the library added to an app after the
//! pricing model's. The field rules are [`super::json`]'s; `pricing_wire`'s
//! differential test checks every field against the protocol's serializer
//! and deserializer.

use super::json::{all, flag, int, list, name_at, object, opt_text, optional, Fields, Json};
use super::session_wire::tax_id;
use checkout_protocol::{
    AdjustSubscriptionResponse, Customer, Invoice, InvoiceLineItem, InvoiceWithLineItems,
    PaymentMethod, PriceType, Purchase, Subscription, SubscriptionExperimental,
    SubscriptionFeatureItem, SubscriptionItem, SubscriptionResponse, UsageMeterBalance,
};
use checkout_protocol::{AggregationType, PaymentMethodList, UsageMeterBalancesResponse};
use serde_json::Value;

/// `subscriptions/cancel` and `subscriptions/uncancel`: `{subscription}`.
pub(crate) fn subscription_response<J: Json>(json: &J) -> Option<SubscriptionResponse> {
    Some(SubscriptionResponse {
        subscription: subscription(&json.get("subscription")?)?,
    })
}

/// `subscriptions/adjust`: the subscription, its items, and how it went.
pub(crate) fn adjust_response<J: Json>(json: &J) -> Option<AdjustSubscriptionResponse> {
    Some(AdjustSubscriptionResponse {
        subscription: subscription(&json.get("subscription")?)?,
        subscription_items: required_list(json, "subscriptionItems", subscription_item)?,
        is_upgrade: json.get("isUpgrade")?.boolean()?,
        resolved_timing: name_at(json, "resolvedTiming")?,
    })
}

/// `payment-methods/remove` and `…/set-default`: the cards left, in
/// `@flowglad/node`'s list shape.
pub(crate) fn payment_method_list<J: Json>(json: &J) -> Option<PaymentMethodList> {
    Some(PaymentMethodList {
        data: required_list(json, "data", payment_method)?,
        has_more: flag(json, "hasMore")?,
        total: optional(json, "total", count_u64)?.unwrap_or_default(),
        current_cursor: opt_text(json, "currentCursor")?,
        next_cursor: opt_text(json, "nextCursor")?,
    })
}

/// A `u64` (a count; JSON numbers are exact to 2^53).
fn count_u64<J: Json>(value: &J) -> Option<u64> {
    int(value).and_then(|n| u64::try_from(n).ok())
}

/// `usage-meters/balances`: `{usageMeterBalances}`. Its one field has a
/// default, so serde also takes `[balances]` (a struct as an array of its
/// fields) and `[]`; read the same way.
pub(crate) fn usage_meter_balances<J: Json>(json: &J) -> Option<UsageMeterBalancesResponse> {
    let balances = match json.items() {
        Some(fields) if fields.len() > 1 => return None,
        Some(fields) => match fields.first() {
            None => Vec::new(),
            Some(v) => all(v, usage_meter_balance)?,
        },
        None => {
            object(json)?;
            list(json, "usageMeterBalances", usage_meter_balance)?
        }
    };
    Some(UsageMeterBalancesResponse {
        usage_meter_balances: balances,
    })
}

/// A list that must be present (no `#[serde(default)]`).
fn required_list<J: Json, T>(json: &J, key: &str, read: fn(&J) -> Option<T>) -> Option<Vec<T>> {
    all(&json.get(key)?, read)
}

/// A `Value` field with a default: absent or `null` is `Value::Null`.
fn any<J: Json>(json: &J, key: &str) -> Value {
    json.get(key).as_ref().map_or(Value::Null, J::value)
}

/// The signed-in customer.
pub(crate) fn customer<J: Json>(json: &J) -> Option<Customer> {
    let f = Fields::new(json);
    f.finish(Customer {
        id: f.text("id"),
        external_id: f.defaulted_text("externalId"),
        email: f.defaulted_text("email"),
        name: f.defaulted_text("name"),
        archived: f.flag("archived"),
        domain: f.opt_text("domain"),
        icon_url: f.opt_text("iconURL"),
        logo_url: f.opt_text("logoURL"),
        invoice_number_base: f.opt_text("invoiceNumberBase"),
        user_id: f.opt_text("userId"),
        billing_address: f.opt_any("billingAddress"),
        organization_id: f.defaulted_text("organizationId"),
        pricing_model_id: f.defaulted_text("pricingModelId"),
        livemode: f.flag("livemode"),
        created_at: f.defaulted_int("createdAt"),
        updated_at: f.defaulted_int("updatedAt"),
    })
}

/// A subscription with what it grants (`experimental`).
pub(crate) fn subscription<J: Json>(json: &J) -> Option<Subscription> {
    let status = name_at(json, "status")?;
    let f = Fields::new(json);
    f.finish(Subscription {
        id: f.text("id"),
        customer_id: f.defaulted_text("customerId"),
        price_id: f.defaulted_text("priceId"),
        name: f.opt_text("name"),
        status,
        current: f.flag("current"),
        renews: f.bool_or("renews", true),
        interval: f.opt_name("interval"),
        interval_count: f.opt_count("intervalCount"),
        start_date: f.defaulted_int("startDate"),
        current_billing_period_start: f.opt_int("currentBillingPeriodStart"),
        current_billing_period_end: f.opt_int("currentBillingPeriodEnd"),
        trial_end: f.opt_int("trialEnd"),
        cancel_scheduled_at: f.opt_int("cancelScheduledAt"),
        canceled_at: f.opt_int("canceledAt"),
        cancellation_reason: f.opt_text("cancellationReason"),
        default_payment_method_id: f.opt_text("defaultPaymentMethodId"),
        backup_payment_method_id: f.opt_text("backupPaymentMethodId"),
        billing_cycle_anchor_date: f.opt_int("billingCycleAnchorDate"),
        subscription_items: f.opt("subscriptionItems", values).unwrap_or_default(),
        metadata: f.opt_map("metadata"),
        is_free_plan: f.opt_bool("isFreePlan"),
        do_not_charge: f.opt_bool("doNotCharge"),
        run_billing_at_period_start: f.opt_bool("runBillingAtPeriodStart"),
        replaced_by_subscription_id: f.opt_text("replacedBySubscriptionId"),
        experimental: f.opt("experimental", experimental),
        request_id: f.opt_text("requestId"),
        organization_id: f.defaulted_text("organizationId"),
        pricing_model_id: f.defaulted_text("pricingModelId"),
        livemode: f.flag("livemode"),
        created_at: f.defaulted_int("createdAt"),
        updated_at: f.defaulted_int("updatedAt"),
    })
}

/// An array's elements kept whole (`subscriptionItems`).
fn values<J: Json>(items: &J) -> Option<Vec<Value>> {
    Some(items.items()?.iter().map(J::value).collect())
}

/// `experimental`: every field has a default, so serde also takes the
/// struct as an array of its fields in order (`[]` is the default); read
/// the same way, not to refuse what the derived reader took.
fn experimental<J: Json>(json: &J) -> Option<SubscriptionExperimental> {
    if let Some(fields) = json.items() {
        if fields.len() > 2 {
            return None;
        }
        return Some(SubscriptionExperimental {
            feature_items: match fields.first() {
                None => Vec::new(),
                Some(v) => all(v, feature_item)?,
            },
            usage_meter_balances: match fields.get(1) {
                None => Vec::new(),
                Some(v) => all(v, usage_meter_balance)?,
            },
        });
    }
    object(json)?;
    Some(SubscriptionExperimental {
        feature_items: list(json, "featureItems", feature_item)?,
        usage_meter_balances: list(json, "usageMeterBalances", usage_meter_balance)?,
    })
}

fn feature_item<J: Json>(json: &J) -> Option<SubscriptionFeatureItem> {
    let feature_type = name_at(json, "type")?;
    let f = Fields::new(json);
    f.finish(SubscriptionFeatureItem {
        id: f.text("id"),
        feature_type,
        feature_id: f.defaulted_text("featureId"),
        product_feature_id: f.opt_text("productFeatureId"),
        subscription_item_id: f.defaulted_text("subscriptionItemId"),
        slug: f.defaulted_text("slug"),
        name: f.defaulted_text("name"),
        amount: f.opt_int("amount"),
        renewal_frequency: f.opt_name("renewalFrequency"),
        usage_meter_id: f.opt_text("usageMeterId"),
        resource_id: f.opt_text("resourceId"),
        manually_created: f.flag("manuallyCreated"),
        detached_at: f.opt_int("detachedAt"),
        detached_reason: f.opt_text("detachedReason"),
        expired_at: f.opt_int("expiredAt"),
        pricing_model_id: f.defaulted_text("pricingModelId"),
        livemode: f.flag("livemode"),
        created_at: f.defaulted_int("createdAt"),
        updated_at: f.defaulted_int("updatedAt"),
    })
}

fn usage_meter_balance<J: Json>(json: &J) -> Option<UsageMeterBalance> {
    let f = Fields::new(json);
    f.finish(UsageMeterBalance {
        id: f.text("id"),
        slug: f.defaulted_text("slug"),
        name: f.defaulted_text("name"),
        aggregation_type: f
            .opt_name("aggregationType")
            .unwrap_or(AggregationType::Sum),
        available_balance: f.defaulted_int("availableBalance"),
        subscription_id: f.defaulted_text("subscriptionId"),
        organization_id: f.defaulted_text("organizationId"),
        pricing_model_id: f.defaulted_text("pricingModelId"),
        livemode: f.flag("livemode"),
        created_at: f.defaulted_int("createdAt"),
        updated_at: f.defaulted_int("updatedAt"),
    })
}

fn subscription_item<J: Json>(json: &J) -> Option<SubscriptionItem> {
    let f = Fields::new(json);
    f.finish(SubscriptionItem {
        id: f.text("id"),
        subscription_id: f.defaulted_text("subscriptionId"),
        price_id: f.opt_text("priceId"),
        name: f.opt_text("name"),
        quantity: f.count_or("quantity", 0),
        unit_price: f.defaulted_int("unitPrice"),
        item_type: f.defaulted_text("type"),
        added_date: f.defaulted_int("addedDate"),
        expired_at: f.opt_int("expiredAt"),
        external_id: f.opt_text("externalId"),
        manually_created: f.flag("manuallyCreated"),
        pricing_model_id: f.defaulted_text("pricingModelId"),
        livemode: f.flag("livemode"),
        created_at: f.defaulted_int("createdAt"),
        updated_at: f.defaulted_int("updatedAt"),
    })
}

/// Something the customer bought.
pub(crate) fn purchase<J: Json>(json: &J) -> Option<Purchase> {
    let f = Fields::new(json);
    f.finish(Purchase {
        id: f.text("id"),
        customer_id: f.defaulted_text("customerId"),
        name: f.defaulted_text("name"),
        price_id: f.defaulted_text("priceId"),
        price_type: f.opt_name("priceType").unwrap_or(PriceType::SinglePayment),
        quantity: f.count_or("quantity", 1),
        status: f.defaulted_text("status"),
        first_invoice_value: f.defaulted_int("firstInvoiceValue"),
        total_purchase_value: f.opt_int("totalPurchaseValue"),
        price_per_billing_cycle: f.opt_int("pricePerBillingCycle"),
        interval_unit: f.opt_name("intervalUnit"),
        interval_count: f.opt_count("intervalCount"),
        trial_period_days: f.opt_count("trialPeriodDays"),
        purchase_date: f.opt_int("purchaseDate"),
        end_date: f.opt_int("endDate"),
        metadata: f.opt_map("metadata"),
        request_id: f.opt_text("requestId"),
        archived: f.opt_bool("archived"),
        bank_payment_only: f.opt_bool("bankPaymentOnly"),
        position: f.defaulted_int("position"),
        proposal: f.opt_text("proposal"),
        billing_cycle_anchor: f.opt_int("billingCycleAnchor"),
        billing_address: f.opt_any("billingAddress"),
        tax_id: f.opt("taxId", tax_id),
        organization_id: f.defaulted_text("organizationId"),
        pricing_model_id: f.defaulted_text("pricingModelId"),
        livemode: f.flag("livemode"),
        created_at: f.defaulted_int("createdAt"),
        updated_at: f.defaulted_int("updatedAt"),
    })
}

/// An invoice with its lines.
pub(crate) fn invoice_with_lines<J: Json>(json: &J) -> Option<InvoiceWithLineItems> {
    Some(InvoiceWithLineItems {
        invoice: invoice(&json.get("invoice")?)?,
        invoice_line_items: list(json, "invoiceLineItems", invoice_line)?,
    })
}

fn invoice<J: Json>(json: &J) -> Option<Invoice> {
    let f = Fields::new(json);
    f.finish(Invoice {
        id: f.text("id"),
        customer_id: f.defaulted_text("customerId"),
        invoice_number: f.defaulted_text("invoiceNumber"),
        status: f.defaulted_text("status"),
        invoice_type: f.defaulted_text("type"),
        currency: f.defaulted_text("currency"),
        invoice_date: f.defaulted_int("invoiceDate"),
        due_date: f.opt_int("dueDate"),
        subtotal: f.opt_int("subtotal"),
        tax_amount: f.opt_int("taxAmount"),
        purchase_id: f.opt_text("purchaseId"),
        subscription_id: f.opt_text("subscriptionId"),
        memo: f.opt_text("memo"),
        pdf_url: f.opt_text("pdfURL"),
        receipt_pdf_url: f.opt_text("receiptPdfURL"),
        organization_id: f.defaulted_text("organizationId"),
        pricing_model_id: f.defaulted_text("pricingModelId"),
        livemode: f.flag("livemode"),
        created_at: f.defaulted_int("createdAt"),
        updated_at: f.defaulted_int("updatedAt"),
    })
}

fn invoice_line<J: Json>(json: &J) -> Option<InvoiceLineItem> {
    let f = Fields::new(json);
    f.finish(InvoiceLineItem {
        id: f.text("id"),
        invoice_id: f.defaulted_text("invoiceId"),
        description: f.opt_text("description"),
        price: f.defaulted_int("price"),
        price_id: f.opt_text("priceId"),
        quantity: f.count_or("quantity", 1),
        line_type: f.defaulted_text("type"),
        pricing_model_id: f.defaulted_text("pricingModelId"),
        livemode: f.flag("livemode"),
        created_at: f.defaulted_int("createdAt"),
        updated_at: f.defaulted_int("updatedAt"),
    })
}

/// A saved payment method.
pub(crate) fn payment_method<J: Json>(json: &J) -> Option<PaymentMethod> {
    let f = Fields::new(json);
    f.finish(PaymentMethod {
        id: f.text("id"),
        customer_id: f.defaulted_text("customerId"),
        method_type: f.opt_text("type").unwrap_or_else(|| "card".to_owned()),
        default: f.flag("default"),
        billing_details: any(json, "billingDetails"),
        payment_method_data: f.opt_map("paymentMethodData").unwrap_or_default(),
        metadata: f.opt_map("metadata"),
        pricing_model_id: f.defaulted_text("pricingModelId"),
        livemode: f.flag("livemode"),
        created_at: f.defaulted_int("createdAt"),
        updated_at: f.defaulted_int("updatedAt"),
    })
}
