//! The customer's own records as the route sends them (in `customers/billing`
//! and in the answers of the actions that change a subscription), read by
//! hand from `JSON.parse` rather than by their derived deserializers, which
//! were the largest part of what the library added to an app after the
//! pricing model's. The field rules are [`super::json`]'s; `pricing_wire`'s
//! differential test checks every field against the protocol's serializer
//! and deserializer.

use super::json::{
    bool_or, count, count_or, defaulted_int, defaulted_text, flag, int, list, map, name, name_at,
    object, opt_text, optional, text, Json,
};
use super::session_wire::tax_id;
use checkout_protocol::{
    AdjustSubscriptionResponse, Customer, Invoice, InvoiceLineItem, InvoiceWithLineItems,
    PaymentMethod, PriceType, Purchase, Subscription, SubscriptionExperimental,
    SubscriptionFeatureItem, SubscriptionItem, SubscriptionResponse, UsageMeterBalance,
};
use checkout_protocol::{AggregationType, PaymentMethodList, UsageMeterBalancesResponse};
use serde_json::{Map, Value};

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
            Some(v) => v
                .items()?
                .iter()
                .map(usage_meter_balance)
                .collect::<Option<_>>()?,
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
    json.get(key)?.items()?.iter().map(read).collect()
}

/// A `Value` field with a default: absent or `null` is `Value::Null`.
fn any<J: Json>(json: &J, key: &str) -> Value {
    json.get(key).as_ref().map_or(Value::Null, J::value)
}

/// An `Option<Value>` field: absent or `null` is `None`.
fn opt_any<J: Json>(json: &J, key: &str) -> Option<Value> {
    json.get(key).as_ref().map(J::value)
}

/// An optional object kept whole (`metadata`).
fn opt_map<J: Json>(json: &J, key: &str) -> Option<Option<Map<String, Value>>> {
    optional(json, key, map)
}

/// An optional `i64`.
fn opt_int<J: Json>(json: &J, key: &str) -> Option<Option<i64>> {
    optional(json, key, int)
}

/// An optional boolean.
fn opt_bool<J: Json>(json: &J, key: &str) -> Option<Option<bool>> {
    optional(json, key, J::boolean)
}

/// The signed-in customer.
pub(crate) fn customer<J: Json>(json: &J) -> Option<Customer> {
    Some(Customer {
        id: text(json, "id")?,
        external_id: defaulted_text(json, "externalId")?,
        email: defaulted_text(json, "email")?,
        name: defaulted_text(json, "name")?,
        archived: flag(json, "archived")?,
        domain: opt_text(json, "domain")?,
        icon_url: opt_text(json, "iconURL")?,
        logo_url: opt_text(json, "logoURL")?,
        invoice_number_base: opt_text(json, "invoiceNumberBase")?,
        user_id: opt_text(json, "userId")?,
        billing_address: opt_any(json, "billingAddress"),
        organization_id: defaulted_text(json, "organizationId")?,
        pricing_model_id: defaulted_text(json, "pricingModelId")?,
        livemode: flag(json, "livemode")?,
        created_at: defaulted_int(json, "createdAt")?,
        updated_at: defaulted_int(json, "updatedAt")?,
    })
}

/// A subscription with what it grants (`experimental`).
pub(crate) fn subscription<J: Json>(json: &J) -> Option<Subscription> {
    Some(Subscription {
        id: text(json, "id")?,
        customer_id: defaulted_text(json, "customerId")?,
        price_id: defaulted_text(json, "priceId")?,
        name: opt_text(json, "name")?,
        status: name_at(json, "status")?,
        current: flag(json, "current")?,
        renews: bool_or(json, "renews", true)?,
        interval: optional(json, "interval", name)?,
        interval_count: optional(json, "intervalCount", count)?,
        start_date: defaulted_int(json, "startDate")?,
        current_billing_period_start: opt_int(json, "currentBillingPeriodStart")?,
        current_billing_period_end: opt_int(json, "currentBillingPeriodEnd")?,
        trial_end: opt_int(json, "trialEnd")?,
        cancel_scheduled_at: opt_int(json, "cancelScheduledAt")?,
        canceled_at: opt_int(json, "canceledAt")?,
        cancellation_reason: opt_text(json, "cancellationReason")?,
        default_payment_method_id: opt_text(json, "defaultPaymentMethodId")?,
        backup_payment_method_id: opt_text(json, "backupPaymentMethodId")?,
        billing_cycle_anchor_date: opt_int(json, "billingCycleAnchorDate")?,
        subscription_items: optional(json, "subscriptionItems", |items: &J| {
            Some(items.items()?.iter().map(J::value).collect())
        })?
        .unwrap_or_default(),
        metadata: opt_map(json, "metadata")?,
        is_free_plan: opt_bool(json, "isFreePlan")?,
        do_not_charge: opt_bool(json, "doNotCharge")?,
        run_billing_at_period_start: opt_bool(json, "runBillingAtPeriodStart")?,
        replaced_by_subscription_id: opt_text(json, "replacedBySubscriptionId")?,
        experimental: optional(json, "experimental", experimental)?,
        request_id: opt_text(json, "requestId")?,
        organization_id: defaulted_text(json, "organizationId")?,
        pricing_model_id: defaulted_text(json, "pricingModelId")?,
        livemode: flag(json, "livemode")?,
        created_at: defaulted_int(json, "createdAt")?,
        updated_at: defaulted_int(json, "updatedAt")?,
    })
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
                Some(v) => v.items()?.iter().map(feature_item).collect::<Option<_>>()?,
            },
            usage_meter_balances: match fields.get(1) {
                None => Vec::new(),
                Some(v) => v
                    .items()?
                    .iter()
                    .map(usage_meter_balance)
                    .collect::<Option<_>>()?,
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
    Some(SubscriptionFeatureItem {
        id: text(json, "id")?,
        feature_type: name_at(json, "type")?,
        feature_id: defaulted_text(json, "featureId")?,
        product_feature_id: opt_text(json, "productFeatureId")?,
        subscription_item_id: defaulted_text(json, "subscriptionItemId")?,
        slug: defaulted_text(json, "slug")?,
        name: defaulted_text(json, "name")?,
        amount: opt_int(json, "amount")?,
        renewal_frequency: optional(json, "renewalFrequency", name)?,
        usage_meter_id: opt_text(json, "usageMeterId")?,
        resource_id: opt_text(json, "resourceId")?,
        manually_created: flag(json, "manuallyCreated")?,
        detached_at: opt_int(json, "detachedAt")?,
        detached_reason: opt_text(json, "detachedReason")?,
        expired_at: opt_int(json, "expiredAt")?,
        pricing_model_id: defaulted_text(json, "pricingModelId")?,
        livemode: flag(json, "livemode")?,
        created_at: defaulted_int(json, "createdAt")?,
        updated_at: defaulted_int(json, "updatedAt")?,
    })
}

fn usage_meter_balance<J: Json>(json: &J) -> Option<UsageMeterBalance> {
    Some(UsageMeterBalance {
        id: text(json, "id")?,
        slug: defaulted_text(json, "slug")?,
        name: defaulted_text(json, "name")?,
        aggregation_type: optional(json, "aggregationType", name)?.unwrap_or(AggregationType::Sum),
        available_balance: defaulted_int(json, "availableBalance")?,
        subscription_id: defaulted_text(json, "subscriptionId")?,
        organization_id: defaulted_text(json, "organizationId")?,
        pricing_model_id: defaulted_text(json, "pricingModelId")?,
        livemode: flag(json, "livemode")?,
        created_at: defaulted_int(json, "createdAt")?,
        updated_at: defaulted_int(json, "updatedAt")?,
    })
}

fn subscription_item<J: Json>(json: &J) -> Option<SubscriptionItem> {
    Some(SubscriptionItem {
        id: text(json, "id")?,
        subscription_id: defaulted_text(json, "subscriptionId")?,
        price_id: opt_text(json, "priceId")?,
        name: opt_text(json, "name")?,
        quantity: count_or(json, "quantity", 0)?,
        unit_price: defaulted_int(json, "unitPrice")?,
        item_type: defaulted_text(json, "type")?,
        added_date: defaulted_int(json, "addedDate")?,
        expired_at: opt_int(json, "expiredAt")?,
        external_id: opt_text(json, "externalId")?,
        manually_created: flag(json, "manuallyCreated")?,
        pricing_model_id: defaulted_text(json, "pricingModelId")?,
        livemode: flag(json, "livemode")?,
        created_at: defaulted_int(json, "createdAt")?,
        updated_at: defaulted_int(json, "updatedAt")?,
    })
}

/// Something the customer bought.
pub(crate) fn purchase<J: Json>(json: &J) -> Option<Purchase> {
    Some(Purchase {
        id: text(json, "id")?,
        customer_id: defaulted_text(json, "customerId")?,
        name: defaulted_text(json, "name")?,
        price_id: defaulted_text(json, "priceId")?,
        price_type: optional(json, "priceType", name)?.unwrap_or(PriceType::SinglePayment),
        quantity: count_or(json, "quantity", 1)?,
        status: defaulted_text(json, "status")?,
        first_invoice_value: defaulted_int(json, "firstInvoiceValue")?,
        total_purchase_value: opt_int(json, "totalPurchaseValue")?,
        price_per_billing_cycle: opt_int(json, "pricePerBillingCycle")?,
        interval_unit: optional(json, "intervalUnit", name)?,
        interval_count: optional(json, "intervalCount", count)?,
        trial_period_days: optional(json, "trialPeriodDays", count)?,
        purchase_date: opt_int(json, "purchaseDate")?,
        end_date: opt_int(json, "endDate")?,
        metadata: opt_map(json, "metadata")?,
        request_id: opt_text(json, "requestId")?,
        archived: opt_bool(json, "archived")?,
        bank_payment_only: opt_bool(json, "bankPaymentOnly")?,
        position: defaulted_int(json, "position")?,
        proposal: opt_text(json, "proposal")?,
        billing_cycle_anchor: opt_int(json, "billingCycleAnchor")?,
        billing_address: opt_any(json, "billingAddress"),
        tax_id: optional(json, "taxId", tax_id)?,
        organization_id: defaulted_text(json, "organizationId")?,
        pricing_model_id: defaulted_text(json, "pricingModelId")?,
        livemode: flag(json, "livemode")?,
        created_at: defaulted_int(json, "createdAt")?,
        updated_at: defaulted_int(json, "updatedAt")?,
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
    Some(Invoice {
        id: text(json, "id")?,
        customer_id: defaulted_text(json, "customerId")?,
        invoice_number: defaulted_text(json, "invoiceNumber")?,
        status: defaulted_text(json, "status")?,
        invoice_type: defaulted_text(json, "type")?,
        currency: defaulted_text(json, "currency")?,
        invoice_date: defaulted_int(json, "invoiceDate")?,
        due_date: opt_int(json, "dueDate")?,
        subtotal: opt_int(json, "subtotal")?,
        tax_amount: opt_int(json, "taxAmount")?,
        purchase_id: opt_text(json, "purchaseId")?,
        subscription_id: opt_text(json, "subscriptionId")?,
        memo: opt_text(json, "memo")?,
        pdf_url: opt_text(json, "pdfURL")?,
        receipt_pdf_url: opt_text(json, "receiptPdfURL")?,
        organization_id: defaulted_text(json, "organizationId")?,
        pricing_model_id: defaulted_text(json, "pricingModelId")?,
        livemode: flag(json, "livemode")?,
        created_at: defaulted_int(json, "createdAt")?,
        updated_at: defaulted_int(json, "updatedAt")?,
    })
}

fn invoice_line<J: Json>(json: &J) -> Option<InvoiceLineItem> {
    Some(InvoiceLineItem {
        id: text(json, "id")?,
        invoice_id: defaulted_text(json, "invoiceId")?,
        description: opt_text(json, "description")?,
        price: defaulted_int(json, "price")?,
        price_id: opt_text(json, "priceId")?,
        quantity: count_or(json, "quantity", 1)?,
        line_type: defaulted_text(json, "type")?,
        pricing_model_id: defaulted_text(json, "pricingModelId")?,
        livemode: flag(json, "livemode")?,
        created_at: defaulted_int(json, "createdAt")?,
        updated_at: defaulted_int(json, "updatedAt")?,
    })
}

/// A saved payment method.
pub(crate) fn payment_method<J: Json>(json: &J) -> Option<PaymentMethod> {
    Some(PaymentMethod {
        id: text(json, "id")?,
        customer_id: defaulted_text(json, "customerId")?,
        method_type: opt_text(json, "type")?.unwrap_or_else(|| "card".to_owned()),
        default: flag(json, "default")?,
        billing_details: any(json, "billingDetails"),
        payment_method_data: opt_map(json, "paymentMethodData")?.unwrap_or_default(),
        metadata: opt_map(json, "metadata")?,
        pricing_model_id: defaulted_text(json, "pricingModelId")?,
        livemode: flag(json, "livemode")?,
        created_at: defaulted_int(json, "createdAt")?,
        updated_at: defaulted_int(json, "updatedAt")?,
    })
}
