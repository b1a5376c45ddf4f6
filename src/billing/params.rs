//! Parameters of `create_checkout_session`, checked before any request is sent.

use crate::error::BillingError;
use checkout_protocol::{
    checkout::MAX_QUANTITY, CheckoutSession, CreateProductCheckoutSessionParams, ErrorCode, PriceRef,
};
use serde_json::{Map, Value};

/// What to buy and where to go afterwards.
///
/// ```
/// use checkout_widget::CheckoutSessionParams;
/// let params = CheckoutSessionParams::for_price_slug("pro-monthly", "/welcome?session={CHECKOUT_SESSION_ID}", "/pricing")
///     .with_quantity(2)
///     .with_auto_redirect(true);
/// assert_eq!(params.quantity, Some(2));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckoutSessionParams {
    /// The price's id (give this or `price_slug`, not both).
    pub price_id: Option<String>,
    /// The price's slug (give this or `price_id`, not both).
    pub price_slug: Option<String>,
    /// Units to buy; `None` means 1.
    pub quantity: Option<u32>,
    /// Where to go after paying; relative URLs resolve against the page;
    /// `{CHECKOUT_SESSION_ID}` is replaced by the session id.
    pub success_url: String,
    /// Where to go when the customer cancels.
    pub cancel_url: String,
    /// Copied onto the resulting purchase or subscription.
    pub output_metadata: Option<Map<String, Value>>,
    /// Name of the resulting purchase or subscription.
    pub output_name: Option<String>,
    /// Send the browser to the hosted checkout page once the session exists.
    pub auto_redirect: bool,
}

impl CheckoutSessionParams {
    /// A checkout of one unit of the price with this slug.
    pub fn for_price_slug(slug: impl Into<String>, success_url: impl Into<String>, cancel_url: impl Into<String>) -> Self {
        Self {
            price_slug: Some(slug.into()),
            success_url: success_url.into(),
            cancel_url: cancel_url.into(),
            ..Self::default()
        }
    }

    /// A checkout of one unit of the price with this id.
    pub fn for_price_id(id: impl Into<String>, success_url: impl Into<String>, cancel_url: impl Into<String>) -> Self {
        Self {
            price_id: Some(id.into()),
            success_url: success_url.into(),
            cancel_url: cancel_url.into(),
            ..Self::default()
        }
    }

    /// Sets the quantity.
    pub fn with_quantity(mut self, quantity: u32) -> Self {
        self.quantity = Some(quantity);
        self
    }

    /// Sets whether to redirect to the hosted page.
    pub fn with_auto_redirect(mut self, auto_redirect: bool) -> Self {
        self.auto_redirect = auto_redirect;
        self
    }

    /// Validates and converts to the wire body; `resolve` turns a (maybe
    /// relative) URL into an absolute http(s) one or refuses it.
    pub(crate) fn to_wire(
        &self,
        resolve: impl Fn(&str, &str) -> Result<String, BillingError>,
    ) -> Result<CreateProductCheckoutSessionParams, BillingError> {
        let price = PriceRef::from_parts(self.price_id.as_deref(), self.price_slug.as_deref()).map_err(|code| {
            let message = match code {
                ErrorCode::PriceAmbiguous => "Give either a price id or a price slug, not both.",
                _ => "Give a price id or a price slug.",
            };
            BillingError::validation(code, message)
        })?;
        let quantity = self.quantity.unwrap_or(1);
        if !(1..=MAX_QUANTITY).contains(&quantity) {
            return Err(quantity_error());
        }
        let success_url = resolve(&self.success_url, "success URL")?;
        let cancel_url = resolve(&self.cancel_url, "cancel URL")?;
        let (price_id, price_slug) = match price {
            PriceRef::Id(id) => (Some(id), None),
            PriceRef::Slug(slug) => (None, Some(slug)),
        };
        Ok(CreateProductCheckoutSessionParams {
            price_id,
            price_slug,
            quantity: Some(f64::from(quantity)),
            success_url: Some(success_url),
            cancel_url: Some(cancel_url),
            output_metadata: self.output_metadata.clone(),
            output_name: self.output_name.clone(),
            ..Default::default()
        })
    }
}

/// The error for a quantity outside 1..=1,000,000.
pub(crate) fn quantity_error() -> BillingError {
    BillingError::validation(ErrorCode::InvalidQuantity, "Quantity must be a whole number from 1 to 1,000,000.")
}

/// Parses a quantity typed by a person or set as an HTML attribute.
pub(crate) fn parse_quantity(text: &str) -> Result<u32, BillingError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(1);
    }
    match text.parse::<u32>() {
        Ok(q) if (1..=MAX_QUANTITY).contains(&q) => Ok(q),
        _ => Err(quantity_error()),
    }
}

/// A created checkout session.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckoutSessionCreated {
    /// The session id.
    pub id: String,
    /// The hosted checkout page.
    pub url: String,
    /// The whole session record.
    pub session: CheckoutSession,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn absolute(url: &str, field: &str) -> Result<String, BillingError> {
        if url.starts_with("https://") {
            Ok(url.to_owned())
        } else {
            Err(BillingError::validation(ErrorCode::InvalidUrl, format!("bad {field}")))
        }
    }

    #[test]
    fn slug_checkout_becomes_wire_body() {
        let wire = CheckoutSessionParams::for_price_slug("pro", "https://a/s", "https://a/c")
            .with_quantity(3)
            .to_wire(absolute)
            .unwrap();
        assert_eq!(wire.price_slug.as_deref(), Some("pro"));
        assert_eq!(wire.price_id, None);
        assert_eq!(wire.quantity, Some(3.0));
        assert_eq!(wire.success_url.as_deref(), Some("https://a/s"));
    }

    #[test]
    fn price_reference_must_be_exactly_one() {
        let mut p = CheckoutSessionParams::for_price_slug("pro", "https://a/s", "https://a/c");
        p.price_id = Some("price_1".into());
        assert_eq!(p.to_wire(absolute).unwrap_err().code(), "price_ambiguous");
        p.price_id = None;
        p.price_slug = None;
        assert_eq!(p.to_wire(absolute).unwrap_err().code(), "price_missing");
    }

    #[test]
    fn zero_quantity_is_refused_before_any_request() {
        let p = CheckoutSessionParams::for_price_id("p", "https://a/s", "https://a/c").with_quantity(0);
        assert_eq!(p.to_wire(absolute).unwrap_err().code(), "invalid_quantity");
    }

    #[test]
    fn urls_go_through_the_resolver() {
        let p = CheckoutSessionParams::for_price_id("p", "javascript:alert(1)", "https://a/c");
        let err = p.to_wire(absolute).unwrap_err();
        assert_eq!(err.code(), "invalid_url");
        assert!(err.message().contains("success URL"));
    }

    #[test]
    fn quantity_text() {
        assert_eq!(parse_quantity(""), Ok(1));
        assert_eq!(parse_quantity(" 4 "), Ok(4));
        for bad in ["0", "-1", "1.5", "abc", "1000001", "99999999999"] {
            assert_eq!(parse_quantity(bad).unwrap_err().code(), "invalid_quantity", "{bad}");
        }
    }
}
