//! A merchant's customer and the calls that find, create and change one, in
//! `@flowglad/node`'s shapes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A customer of the merchant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    /// Platform id.
    pub id: String,
    /// The merchant's own id for the customer.
    #[serde(default)]
    pub external_id: String,
    /// Email address.
    #[serde(default)]
    pub email: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Archived customers cannot buy.
    #[serde(default)]
    pub archived: bool,
    /// Web domain, if the customer is a company.
    #[serde(default)]
    pub domain: Option<String>,
    /// Icon image.
    #[serde(default, rename = "iconURL")]
    pub icon_url: Option<String>,
    /// Logo image.
    #[serde(default, rename = "logoURL")]
    pub logo_url: Option<String>,
    /// Prefix of the customer's invoice numbers.
    #[serde(default)]
    pub invoice_number_base: Option<String>,
    /// Linked platform user.
    #[serde(default)]
    pub user_id: Option<String>,
    /// Billing address (kept opaque).
    #[serde(default)]
    pub billing_address: Option<Value>,
    /// The selling organization.
    #[serde(default)]
    pub organization_id: String,
    /// The customer's pricing model.
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
}

/// `GET /api/v1/customers/{externalId}` of the platform API: `{customer}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerResponse {
    /// The customer.
    pub customer: Customer,
}

/// Body of the platform API's `POST /api/v1/customers`: `{customer: {…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateCustomerParams {
    /// The customer to create.
    pub customer: CreateCustomerInput,
}

/// Who a new customer is: the merchant's id for them, their name and email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateCustomerInput {
    /// The merchant's own id for the customer.
    pub external_id: String,
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: String,
}

/// Answer of `POST /api/v1/customers`: `{data: {customer}}`, as `@flowglad/node` reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateCustomerResponse {
    /// The customer, created or (for an external id already known) found.
    pub data: CustomerResponse,
}

/// Body of `customers/update` on the server route and of
/// `PUT /api/v1/customers/{externalId}` on the platform API:
/// `{customer: {…}, externalId?}`, `@flowglad/shared`'s `updateCustomerSchema`
/// (which `@flowglad/server` forwards unchanged to the platform).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateCustomerParams {
    /// What to change.
    pub customer: UpdateCustomerInput,
    /// The customer's external id; on the route only the signed-in
    /// customer's own is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

/// The fields of a customer update. Only `name` and `email` can change
/// here; the rest of Flowglad's fields are read so that setting one is a
/// clear error instead of being silently dropped.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateCustomerInput {
    /// The customer's platform id (`cus_…`), as Flowglad's route schema
    /// requires it; when given it must be the customer's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// New display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number (not kept by this platform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Value>,
    /// Billing address (not kept by this platform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Value>,
    /// Archive flag (platform only; not supported here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<Value>,
    /// Domain (platform only; not supported here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<Value>,
    /// Icon URL (platform only; not supported here).
    #[serde(default, rename = "iconURL", skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<Value>,
    /// Logo URL (platform only; not supported here).
    #[serde(default, rename = "logoURL", skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<Value>,
    /// User id (platform only; not supported here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `updateCustomerSchema`'s shape reads with Flowglad's spellings
    /// (`iconURL`, `billingAddress`), and a body written for the platform
    /// carries only what is set.
    #[test]
    fn a_customer_update_reads_flowglads_fields_and_writes_only_what_is_set() {
        let p: UpdateCustomerParams = serde_json::from_str(
            r#"{"customer":{"id":"cus_1","name":"A","iconURL":"https://x.example/i.png",
                "billingAddress":{"address":{"country":"US"}}},"externalId":"alice"}"#,
        )
        .unwrap();
        assert_eq!(p.customer.id.as_deref(), Some("cus_1"));
        assert_eq!(p.customer.name.as_deref(), Some("A"));
        assert!(p.customer.icon_url.is_some() && p.customer.billing_address.is_some());
        assert_eq!(p.external_id.as_deref(), Some("alice"));
        let out = UpdateCustomerParams {
            customer: UpdateCustomerInput {
                email: Some("a@example.com".into()),
                ..UpdateCustomerInput::default()
            },
            external_id: None,
        };
        assert_eq!(
            serde_json::to_string(&out).unwrap(),
            r#"{"customer":{"email":"a@example.com"}}"#
        );
    }
}
