//! What an embedded element is told: its attributes (or `mount()` options),
//! with defaults from `configure()`. Pure parsing, so every rule is tested.

use super::slot::Slot;
use crate::error::BillingError;
use crate::server_route::DEFAULT_SERVER_ROUTE;
use checkout_protocol::{ErrorCode, Quantity};

/// How the checkout opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Display {
    /// Go to the hosted page (default).
    #[default]
    Redirect,
    /// The hosted page in a modal dialog over the merchant's page.
    Overlay,
    /// The hosted page inside the element.
    Inline,
}

/// Colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Light (default).
    #[default]
    Light,
    /// Dark.
    Dark,
    /// Follows `prefers-color-scheme`.
    Auto,
}

impl Theme {
    /// `light`, `dark` or `auto` in any case (blank is light); `None`
    /// otherwise. The element's attribute and the hosted page's `?theme=`
    /// read the same words.
    pub fn parse(value: &str) -> Option<Self> {
        match value.to_ascii_lowercase().as_str() {
            "" | "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            "auto" => Some(Theme::Auto),
            _ => None,
        }
    }

    /// The `theme` attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto => "auto",
        }
    }
}

/// What the checkout is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Buy a price (default).
    #[default]
    Product,
    /// Save a payment method.
    AddPaymentMethod,
}

/// Which element (or `mount()` kind) this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementKind {
    /// `<checkout-widget>`: one price and its button.
    Checkout,
    /// `<checkout-pricing-table>`: the whole pricing model.
    PricingTable,
    /// `<checkout-add-payment-method>`: save a card.
    AddPaymentMethod,
}

impl ElementKind {
    /// The tag name.
    pub fn tag(self) -> &'static str {
        match self {
            ElementKind::Checkout => "checkout-widget",
            ElementKind::PricingTable => "checkout-pricing-table",
            ElementKind::AddPaymentMethod => "checkout-add-payment-method",
        }
    }

    /// The kind a tag name registers, if any.
    pub fn from_tag(tag: &str) -> Option<Self> {
        [
            ElementKind::Checkout,
            ElementKind::PricingTable,
            ElementKind::AddPaymentMethod,
        ]
        .into_iter()
        .find(|k| k.tag().eq_ignore_ascii_case(tag))
    }
}

/// Every attribute the elements react to.
pub const OBSERVED_ATTRIBUTES: [&str; 13] = [
    "server-route",
    "price-slug",
    "price-id",
    "quantity",
    "success-url",
    "cancel-url",
    "mode",
    "target-subscription-id",
    "display",
    "locale",
    "theme",
    "label",
    "interval",
];

/// Page-wide defaults set by `configure()`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmbedDefaults {
    /// Server route prefix for every element and API call.
    pub server_route: Option<String>,
    /// Headers sent with every call (e.g. an auth token).
    pub headers: Vec<(String, String)>,
    /// Locale for amounts and dates.
    pub locale: Option<String>,
    /// Milliseconds a call may take before failing with `timeout`.
    pub timeout_ms: Option<u32>,
    /// `fetch`'s `credentials` mode (see [`credentials_mode`]); `None`
    /// leaves the browser's default, `same-origin`.
    pub credentials: Option<&'static str>,
}

/// `configure({credentials})`: one of `fetch`'s modes. `"include"` sends
/// the page's cookies to a server route on another origin (a cookie
/// sign-in), which must allow the page's origin with credentials.
pub fn credentials_mode(value: &str) -> Option<&'static str> {
    ["include", "same-origin", "omit"]
        .into_iter()
        .find(|mode| *mode == value)
}

thread_local! {
    static DEFAULTS: Slot<EmbedDefaults> = const {
        Slot::new(EmbedDefaults {
            server_route: None,
            headers: Vec::new(),
            locale: None,
            timeout_ms: None,
            credentials: None,
        })
    };
}

/// Replaces the page-wide defaults.
pub fn set_defaults(defaults: EmbedDefaults) {
    DEFAULTS.with(|d| d.set(defaults));
}

/// The page-wide defaults.
pub fn defaults() -> EmbedDefaults {
    DEFAULTS.with(|d| d.with(|d| d.clone()))
}

/// An element's configuration.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ElementConfig {
    /// `server-route` (else `configure`'s, else `/api/billing`).
    pub server_route: String,
    /// Headers from `configure`.
    pub headers: Vec<(String, String)>,
    /// `timeoutMs` from `configure` (else the default, 15 s).
    pub timeout_ms: Option<u32>,
    /// `credentials` from `configure`.
    pub credentials: Option<&'static str>,
    /// `price-slug`.
    pub price_slug: Option<String>,
    /// `price-id`.
    pub price_id: Option<String>,
    /// `quantity`, as written.
    pub quantity: String,
    /// `success-url`.
    pub success_url: String,
    /// `cancel-url`.
    pub cancel_url: String,
    /// `mode`, as written (checked by [`ElementConfig::mode`]).
    pub mode: String,
    /// `target-subscription-id`.
    pub target_subscription_id: Option<String>,
    /// `display`, as written.
    pub display: String,
    /// `locale` (else `configure`'s, else the browser's).
    pub locale: Option<String>,
    /// `theme`, as written.
    pub theme: String,
    /// `label`: the button text.
    pub label: Option<String>,
    /// `interval` for the pricing table's first view (`month` / `year`).
    pub interval: Option<String>,
}

impl ElementConfig {
    /// Reads a configuration from attribute-style names (`price-slug`, …),
    /// filling gaps from `configure()`'s defaults.
    // `&dyn`, not generic: the elements and `mount()` share one copy.
    pub fn from_attributes(get: &dyn Fn(&str) -> Option<String>, defaults: &EmbedDefaults) -> Self {
        let non_empty = |name: &str| {
            get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Self {
            server_route: non_empty("server-route")
                .or_else(|| defaults.server_route.clone())
                .unwrap_or_else(|| DEFAULT_SERVER_ROUTE.to_owned()),
            headers: defaults.headers.clone(),
            timeout_ms: defaults.timeout_ms,
            credentials: defaults.credentials,
            price_slug: non_empty("price-slug"),
            price_id: non_empty("price-id"),
            quantity: non_empty("quantity").unwrap_or_default(),
            success_url: non_empty("success-url").unwrap_or_default(),
            cancel_url: non_empty("cancel-url").unwrap_or_default(),
            mode: non_empty("mode").unwrap_or_default(),
            target_subscription_id: non_empty("target-subscription-id"),
            display: non_empty("display").unwrap_or_default(),
            locale: non_empty("locale").or_else(|| defaults.locale.clone()),
            theme: non_empty("theme").unwrap_or_default(),
            label: non_empty("label"),
            interval: non_empty("interval"),
        }
    }

    /// The display mode; an unknown value is an error naming the choices.
    pub fn display(&self) -> Result<Display, BillingError> {
        match self.display.to_ascii_lowercase().as_str() {
            "" | "redirect" => Ok(Display::Redirect),
            "overlay" => Ok(Display::Overlay),
            "inline" => Ok(Display::Inline),
            other => Err(invalid(
                [
                    "display=\"",
                    other,
                    "\" is not one of redirect, overlay, inline.",
                ]
                .concat(),
            )),
        }
    }

    /// The theme; an unknown value is an error naming the choices.
    pub fn theme(&self) -> Result<Theme, BillingError> {
        Theme::parse(&self.theme).ok_or_else(|| {
            invalid(
                [
                    "theme=\"",
                    &self.theme.to_ascii_lowercase(),
                    "\" is not one of light, dark, auto.",
                ]
                .concat(),
            )
        })
    }

    /// What the checkout is for; an unknown value is an error naming the choices.
    pub fn mode(&self) -> Result<Mode, BillingError> {
        match self.mode.to_ascii_lowercase().as_str() {
            "" | "product" => Ok(Mode::Product),
            "add-payment-method" => Ok(Mode::AddPaymentMethod),
            other => Err(invalid(
                [
                    "mode=\"",
                    other,
                    "\" is not one of product, add-payment-method.",
                ]
                .concat(),
            )),
        }
    }

    /// The units to buy (blank means one).
    pub fn quantity(&self) -> Result<Quantity, BillingError> {
        Ok(Quantity::parse(&self.quantity)?)
    }

    /// Checks what a product checkout needs: exactly one price reference.
    pub fn check_price(&self) -> Result<(), BillingError> {
        if self.price_slug.is_some() == self.price_id.is_some() {
            return Err(invalid(
                "Set exactly one of the price-slug and price-id attributes.".into(),
            ));
        }
        Ok(())
    }
}

fn invalid(message: String) -> BillingError {
    BillingError::validation(ErrorCode::InvalidRequest, message)
}

/// `mount()` options in camelCase, as the attributes they stand for.
pub fn option_to_attribute(option: &str) -> Option<&'static str> {
    OBSERVED_ATTRIBUTES
        .into_iter()
        .find(|attr| camel_case(attr) == option)
}

fn camel_case(kebab: &str) -> String {
    let mut out = String::with_capacity(kebab.len());
    let mut upper = false;
    for c in kebab.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> ElementConfig {
        ElementConfig::from_attributes(
            &|name| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            },
            &EmbedDefaults::default(),
        )
    }

    #[test]
    fn attributes_are_trimmed_and_defaulted() {
        let cfg = config(&[
            ("price-slug", " pro "),
            ("price-id", ""),
            ("success-url", "/ok"),
        ]);
        assert_eq!(cfg.server_route, "/api/billing");
        assert_eq!(cfg.price_slug.as_deref(), Some("pro"));
        assert_eq!(cfg.price_id, None);
        assert_eq!(cfg.success_url, "/ok");
        assert_eq!(cfg.display(), Ok(Display::Redirect));
        assert_eq!(cfg.theme(), Ok(Theme::Light));
        assert_eq!(cfg.mode(), Ok(Mode::Product));
        assert_eq!(cfg.quantity(), Ok(Quantity::ONE));
        assert!(cfg.check_price().is_ok());
    }

    #[test]
    fn credentials_are_one_of_fetchs_modes() {
        for mode in ["include", "same-origin", "omit"] {
            assert_eq!(credentials_mode(mode), Some(mode));
        }
        for other in ["", "Include", "same_origin", "true", " include"] {
            assert_eq!(credentials_mode(other), None, "{other:?}");
        }
    }

    #[test]
    fn configure_fills_what_attributes_leave_out() {
        let defaults = EmbedDefaults {
            server_route: Some("/billing".into()),
            headers: vec![("Authorization".to_owned(), "Bearer t".to_owned())],
            locale: Some("de-DE".into()),
            timeout_ms: Some(2_000),
            credentials: Some("include"),
        };
        let cfg = ElementConfig::from_attributes(&|_| None, &defaults);
        assert_eq!(cfg.server_route, "/billing");
        assert_eq!(cfg.timeout_ms, Some(2_000));
        assert_eq!(cfg.credentials, Some("include"));
        assert_eq!(cfg.locale.as_deref(), Some("de-DE"));
        assert_eq!(
            cfg.headers,
            vec![("Authorization".to_owned(), "Bearer t".to_owned())]
        );
        let own = ElementConfig::from_attributes(
            &|n| (n == "server-route").then(|| "/mine".to_owned()),
            &defaults,
        );
        assert_eq!(own.server_route, "/mine");
    }

    #[test]
    fn enumerated_attributes_name_their_choices() {
        assert_eq!(
            config(&[("display", "OVERLAY")]).display(),
            Ok(Display::Overlay)
        );
        assert_eq!(
            config(&[("display", "inline")]).display(),
            Ok(Display::Inline)
        );
        assert!(config(&[("display", "popup")])
            .display()
            .unwrap_err()
            .message()
            .contains("redirect, overlay, inline"));
        assert_eq!(config(&[("theme", "auto")]).theme(), Ok(Theme::Auto));
        assert!(config(&[("theme", "neon")]).theme().is_err());
        assert_eq!(
            config(&[("mode", "add-payment-method")]).mode(),
            Ok(Mode::AddPaymentMethod)
        );
        assert!(config(&[("mode", "subscription")]).mode().is_err());
        assert_eq!(
            config(&[("quantity", "0")]).quantity().unwrap_err().code(),
            "invalid_quantity"
        );
        assert!(config(&[]).check_price().is_err());
        assert!(config(&[("price-slug", "a"), ("price-id", "b")])
            .check_price()
            .is_err());
    }

    #[test]
    fn options_map_to_attributes() {
        assert_eq!(option_to_attribute("priceSlug"), Some("price-slug"));
        assert_eq!(
            option_to_attribute("targetSubscriptionId"),
            Some("target-subscription-id")
        );
        assert_eq!(option_to_attribute("display"), Some("display"));
        assert_eq!(option_to_attribute("price-slug"), None);
        assert_eq!(option_to_attribute("bogus"), None);
    }

    #[test]
    fn tags_name_kinds() {
        assert_eq!(
            ElementKind::from_tag("CHECKOUT-PRICING-TABLE"),
            Some(ElementKind::PricingTable)
        );
        assert_eq!(ElementKind::from_tag("div"), None);
    }
}
