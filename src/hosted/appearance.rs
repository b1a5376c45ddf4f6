//! How the hosted page looks beyond its words: the theme from `?theme=`
//! (the elements' `light | dark | auto`, on `<html data-theme>`) and the
//! merchant's brand colours from the session (CSS custom properties on
//! `<html>`; the CSP forbids `<style>` elements, not `style.setProperty`).

use crate::embed::config::Theme;
use checkout_protocol::branding::{is_allowed_logo_url, HexColor};
use checkout_protocol::Branding;
use wasm_bindgen::JsCast;

/// The page's theme from a `?theme=` value: `None` (the light default)
/// when absent or not one of the words.
pub fn theme_of(param: Option<&str>) -> Option<Theme> {
    param.and_then(Theme::parse)
}

/// The brand colour and its text colour as `(property, value)` pairs to set
/// on `<html>`; values that are not `#rrggbb` are left out (the server
/// checked them, the page does not trust a value into a style unchecked).
pub fn brand_properties(branding: &Branding) -> Vec<(&'static str, String)> {
    let color = |v: &Option<String>| v.as_deref().and_then(HexColor::parse).map(HexColor::to_hex);
    match (
        color(&branding.brand_color),
        color(&branding.brand_text_color),
    ) {
        (Some(brand), Some(text)) => {
            vec![("--cw-color-brand", brand), ("--cw-color-on-brand", text)]
        }
        _ => Vec::new(),
    }
}

/// The logo to show, if the session names one the page may load.
pub fn logo_url(branding: Option<&Branding>) -> Option<String> {
    branding?
        .logo_url
        .clone()
        .filter(|url| is_allowed_logo_url(url))
}

fn root() -> Option<web_sys::HtmlElement> {
    web_sys::window()?
        .document()?
        .document_element()?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

/// Marks `<html>` with the theme and tells the browser which schemes the
/// page supports (form controls and scrollbars follow `color-scheme`).
pub fn apply_theme(theme: Option<Theme>) {
    let Some(theme) = theme else { return };
    if let Some(html) = root() {
        let _ = html.set_attribute("data-theme", theme.as_str());
        let scheme = match theme {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto => "light dark",
        };
        let _ = html.style().set_property("color-scheme", scheme);
    }
}

/// Sets the merchant's colours on `<html>`.
pub fn apply_branding(branding: Option<&Branding>) {
    let Some(html) = root() else { return };
    for (property, value) in branding.map(brand_properties).unwrap_or_default() {
        let _ = html.style().set_property(property, &value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_parameter_takes_the_elements_words() {
        assert_eq!(theme_of(Some("dark")), Some(Theme::Dark));
        assert_eq!(theme_of(Some("AUTO")), Some(Theme::Auto));
        assert_eq!(theme_of(Some("light")), Some(Theme::Light));
        assert_eq!(theme_of(Some("neon")), None);
        assert_eq!(theme_of(None), None);
    }

    #[test]
    fn only_checked_colours_reach_a_style() {
        let branding = |brand: &str, text: &str| Branding {
            logo_url: None,
            brand_color: Some(brand.into()),
            brand_text_color: Some(text.into()),
        };
        assert_eq!(
            brand_properties(&branding("#0F766E", "#ffffff")),
            vec![
                ("--cw-color-brand", "#0f766e".to_owned()),
                ("--cw-color-on-brand", "#ffffff".to_owned())
            ]
        );
        assert!(brand_properties(&branding("red; background: url(x)", "#ffffff")).is_empty());
        assert!(brand_properties(&branding("#0f766e", "")).is_empty());
    }

    #[test]
    fn only_https_or_local_logos_are_shown() {
        let with = |url: &str| Branding {
            logo_url: Some(url.into()),
            brand_color: None,
            brand_text_color: None,
        };
        assert_eq!(
            logo_url(Some(&with("/favicon.svg"))).as_deref(),
            Some("/favicon.svg")
        );
        assert_eq!(logo_url(Some(&with("javascript:alert(1)"))), None);
        assert_eq!(logo_url(Some(&with("http://x.example/l.png"))), None);
        assert_eq!(logo_url(None), None);
    }
}
