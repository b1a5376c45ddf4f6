//! The `checkout_sessions` row: the columns a session is stored in, and
//! reading one back (with its customer's name and paid invoice's number)
//! into a checked [`StoredSession`].

use super::super::{
    address_of, address_text, count_u32, enum_text, json_object, json_text, parse_enum, tax_id_of,
    tax_id_text, DbError,
};
use crate::domain::session::{
    parse_session_type, session_type_str, AppliedDiscount, CheckoutOptions, PaidCard, SoldItem,
    StoredSession,
};
use crate::store::cached::CachedStatements;
use checkout_protocol::{CheckoutSessionStatus, QuantityBounds};
use rusqlite::{params, Connection, OptionalExtension, Row};

/// The stored `price_id` of a session that sells nothing (the v1 column is NOT NULL).
const NO_PRICE: &str = "";

/// What every session read selects: the row, the customer's name and the
/// paid invoice's number.
pub(super) const SESSION_SELECT: &str =
    "SELECT s.*, c.name AS customer_name, i.invoice_number AS invoice_number
     FROM checkout_sessions s
     LEFT JOIN customers c ON c.id = s.customer_id
     LEFT JOIN invoices i ON i.id = s.invoice_id";

/// Writes a new session row.
pub(super) fn insert_session(conn: &Connection, s: &StoredSession) -> Result<(), DbError> {
    let line_items =
        serde_json::to_string(&s.line_items).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let metadata = json_text(s.output_metadata.as_ref())?;
    let o = &s.options;
    let collection = o
        .billing_address_collection
        .as_ref()
        .map(enum_text)
        .transpose()?;
    conn.execute_cached(
        "INSERT INTO checkout_sessions (id, type, status, customer_id, price_id, quantity, success_url,
            cancel_url, output_name, output_metadata, customer_email, line_items, created_at, updated_at,
            expires_at, request_id, discount_id, discount_code, discount_percent_off, allow_promotion_codes,
            billing_address_collection, trial_days, target_subscription_id, automatically_update_subscriptions,
            preserve_billing_cycle_anchor, invoice_id, billing_address, discount_code_prefilled,
            quantity_minimum, quantity_maximum, tax_id_collection, tax_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
            ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32)",
        params![
            s.id,
            session_type_str(s.session_type),
            s.status.as_str(),
            s.customer_id,
            s.price_id.as_deref().unwrap_or(NO_PRICE),
            s.quantity,
            s.success_url,
            s.cancel_url,
            s.output_name,
            metadata,
            s.customer_email,
            line_items,
            s.created_at,
            s.updated_at,
            s.expires_at,
            o.request_id,
            o.discount.as_ref().map(|d| &d.id),
            o.discount.as_ref().map(|d| &d.code),
            o.discount.as_ref().map(|d| d.percent_off),
            o.allow_promotion_codes,
            collection,
            o.trial_days,
            o.target_subscription_id,
            o.automatically_update_subscriptions,
            o.preserve_billing_cycle_anchor,
            s.invoice_id,
            address_text(s.billing_address.as_ref())?,
            o.discount_code_prefilled,
            o.adjustable_quantity.map(|b| b.minimum),
            o.adjustable_quantity.map(|b| b.maximum),
            o.tax_id_collection,
            tax_id_text(s.tax_id.as_ref())?,
        ],
    )?;
    Ok(())
}

/// Columns read for a session, before checking them.
pub(super) struct SessionColumns {
    id: String,
    session_type: String,
    status: String,
    customer_id: Option<String>,
    customer_name: Option<String>,
    customer_email: Option<String>,
    price_id: String,
    quantity: i64,
    success_url: Option<String>,
    cancel_url: Option<String>,
    output_name: Option<String>,
    output_metadata: Option<String>,
    line_items: String,
    card_brand: Option<String>,
    card_last4: Option<String>,
    card_exp_month: Option<u32>,
    card_exp_year: Option<u32>,
    purchase_id: Option<String>,
    subscription_id: Option<String>,
    created_at: i64,
    updated_at: i64,
    expires_at: i64,
    request_id: Option<String>,
    discount_id: Option<String>,
    discount_code: Option<String>,
    discount_percent_off: Option<u32>,
    allow_promotion_codes: Option<bool>,
    billing_address_collection: Option<String>,
    trial_days: Option<u32>,
    target_subscription_id: Option<String>,
    automatically_update_subscriptions: Option<bool>,
    preserve_billing_cycle_anchor: bool,
    invoice_id: Option<String>,
    invoice_number: Option<String>,
    billing_address: Option<String>,
    discount_code_prefilled: bool,
    quantity_minimum: Option<u32>,
    quantity_maximum: Option<u32>,
    tax_id_collection: bool,
    tax_id: Option<String>,
}

impl SessionColumns {
    pub(super) fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get("id")?,
            session_type: r.get("type")?,
            status: r.get("status")?,
            customer_id: r.get("customer_id")?,
            customer_name: r.get("customer_name")?,
            customer_email: r.get("customer_email")?,
            price_id: r.get("price_id")?,
            quantity: r.get("quantity")?,
            success_url: r.get("success_url")?,
            cancel_url: r.get("cancel_url")?,
            output_name: r.get("output_name")?,
            output_metadata: r.get("output_metadata")?,
            line_items: r.get("line_items")?,
            card_brand: r.get("card_brand")?,
            card_last4: r.get("card_last4")?,
            card_exp_month: r.get("card_exp_month")?,
            card_exp_year: r.get("card_exp_year")?,
            purchase_id: r.get("purchase_id")?,
            subscription_id: r.get("subscription_id")?,
            created_at: r.get("created_at")?,
            updated_at: r.get("updated_at")?,
            expires_at: r.get("expires_at")?,
            request_id: r.get("request_id")?,
            discount_id: r.get("discount_id")?,
            discount_code: r.get("discount_code")?,
            discount_percent_off: r.get("discount_percent_off")?,
            allow_promotion_codes: r.get("allow_promotion_codes")?,
            billing_address_collection: r.get("billing_address_collection")?,
            trial_days: r.get("trial_days")?,
            target_subscription_id: r.get("target_subscription_id")?,
            automatically_update_subscriptions: r.get("automatically_update_subscriptions")?,
            preserve_billing_cycle_anchor: r.get("preserve_billing_cycle_anchor")?,
            invoice_id: r.get("invoice_id")?,
            invoice_number: r.get("invoice_number")?,
            billing_address: r.get("billing_address")?,
            discount_code_prefilled: r.get("discount_code_prefilled")?,
            quantity_minimum: r.get("quantity_minimum")?,
            quantity_maximum: r.get("quantity_maximum")?,
            tax_id_collection: r.get("tax_id_collection")?,
            tax_id: r.get("tax_id")?,
        })
    }

    pub(super) fn into_session(self) -> Result<StoredSession, DbError> {
        let corrupt = |what: &str| DbError::Corrupt(format!("session {}: {what}", self.id));
        let session_type =
            parse_session_type(&self.session_type).ok_or_else(|| corrupt("unknown type"))?;
        let status =
            CheckoutSessionStatus::parse(&self.status).ok_or_else(|| corrupt("unknown status"))?;
        let quantity = count_u32(self.quantity, "quantity")?;
        let line_items: Vec<SoldItem> =
            serde_json::from_str(&self.line_items).map_err(|_| corrupt("unreadable line_items"))?;
        let output_metadata = json_object(self.output_metadata, "output_metadata")?;
        let card = match (
            self.card_brand,
            self.card_last4,
            self.card_exp_month,
            self.card_exp_year,
        ) {
            (Some(brand), Some(last4), Some(exp_month), Some(exp_year)) => Some(PaidCard {
                brand,
                last4,
                exp_month,
                exp_year,
            }),
            _ => None,
        };
        let discount = match (
            self.discount_id,
            self.discount_code,
            self.discount_percent_off,
        ) {
            (Some(id), Some(code), Some(percent_off)) => Some(AppliedDiscount {
                id,
                code,
                percent_off,
            }),
            _ => None,
        };
        let billing_address_collection = self
            .billing_address_collection
            .as_deref()
            .map(|t| parse_enum(t, "billing address collection"))
            .transpose()?;
        let adjustable_quantity = match (self.quantity_minimum, self.quantity_maximum) {
            (Some(minimum), Some(maximum)) => Some(QuantityBounds { minimum, maximum }),
            _ => None,
        };
        Ok(StoredSession {
            id: self.id,
            session_type,
            status,
            customer_id: self.customer_id,
            customer_name: self.customer_name,
            customer_email: self.customer_email,
            price_id: Some(self.price_id).filter(|p| p != NO_PRICE),
            quantity,
            success_url: self.success_url,
            cancel_url: self.cancel_url,
            output_name: self.output_name,
            output_metadata,
            line_items,
            card,
            purchase_id: self.purchase_id,
            subscription_id: self.subscription_id,
            invoice_id: self.invoice_id,
            invoice_number: self.invoice_number,
            billing_address: address_of(self.billing_address, "billing address")?,
            tax_id: tax_id_of(self.tax_id, "session tax id")?,
            options: CheckoutOptions {
                request_id: self.request_id,
                discount,
                discount_code_prefilled: self.discount_code_prefilled,
                allow_promotion_codes: self.allow_promotion_codes,
                billing_address_collection,
                trial_days: self.trial_days,
                target_subscription_id: self.target_subscription_id,
                automatically_update_subscriptions: self.automatically_update_subscriptions,
                preserve_billing_cycle_anchor: self.preserve_billing_cycle_anchor,
                adjustable_quantity,
                tax_id_collection: self.tax_id_collection,
            },
            created_at: self.created_at,
            updated_at: self.updated_at,
            expires_at: self.expires_at,
        })
    }
}

/// The session with this id, if any, read with its customer's name and
/// paid invoice's number.
pub(in crate::store) fn select_session(
    conn: &Connection,
    id: &str,
) -> Result<Option<StoredSession>, DbError> {
    let columns = conn
        .query_row_cached(
            &format!("{SESSION_SELECT} WHERE s.id = ?1"),
            [id],
            SessionColumns::read,
        )
        .optional()?;
    columns.map(SessionColumns::into_session).transpose()
}
#[cfg(test)]
mod tests {
    use super::super::tests::session;
    use super::super::{Claim, Created};
    use super::*;
    use crate::store::tests::open_seeded;
    use checkout_protocol::{BillingAddressCollection, CheckoutSessionType};

    #[tokio::test]
    async fn session_round_trip_with_options_lazy_expiry_and_claim() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 1_000).await;
        let mut s = session("cs_a", 1_000);
        s.options = CheckoutOptions {
            discount_code_prefilled: true,
            request_id: Some("req-1".into()),
            discount: Some(AppliedDiscount {
                id: "disc_welcome10".into(),
                code: "WELCOME10".into(),
                percent_off: 10,
            }),
            allow_promotion_codes: Some(true),
            billing_address_collection: Some(BillingAddressCollection::Required),
            trial_days: Some(3),
            target_subscription_id: None,
            automatically_update_subscriptions: None,
            preserve_billing_cycle_anchor: true,
            adjustable_quantity: Some(checkout_protocol::QuantityBounds {
                minimum: 1,
                maximum: 5,
            }),
            tax_id_collection: true,
        };
        s.tax_id = Some(
            checkout_protocol::TaxId::parse(
                checkout_protocol::TaxIdType::GbVat,
                "GB123456789",
                None,
            )
            .unwrap(),
        );
        assert!(matches!(
            db.create_session(s.clone(), None, 1_000).await.unwrap(),
            Created::New(_)
        ));
        let back = db
            .load_session("cs_a".into(), 1_500)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(back.customer_name.as_deref(), Some("Alice Martin"));
        assert_eq!(
            StoredSession {
                customer_name: None,
                ..back
            },
            s
        );

        let Claim::Claimed(c) = db.claim_session("cs_a".into(), 1_600).await.unwrap() else {
            panic!()
        };
        assert_eq!(c.status, CheckoutSessionStatus::Pending);
        assert_eq!(
            db.claim_session("cs_a".into(), 1_600).await.unwrap(),
            Claim::NotOpen(CheckoutSessionStatus::Pending)
        );
        db.release_session("cs_a".into(), None, 1_700)
            .await
            .unwrap();
        let expired = db
            .load_session("cs_a".into(), 2_000)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(expired.status, CheckoutSessionStatus::Expired);
        assert_eq!(
            db.claim_session("cs_a".into(), 2_001).await.unwrap(),
            Claim::Expired
        );
        assert_eq!(
            db.claim_session("cs_missing".into(), 1).await.unwrap(),
            Claim::NotFound
        );
    }

    #[tokio::test]
    async fn a_session_without_a_price_reads_back_without_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 1_000).await;
        let mut s = session("cs_card", 1_000);
        s.session_type = CheckoutSessionType::AddPaymentMethod;
        s.price_id = None;
        s.line_items.clear();
        db.create_session(s, None, 1_000).await.unwrap();
        let back = db
            .load_session("cs_card".into(), 1_000)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(back.price_id, None);
        assert_eq!(back.session_type, CheckoutSessionType::AddPaymentMethod);
    }
}
