//! A merchant's branding on the hosted page (logo, brand colour) and the
//! rules for it that both sides apply: the server when it loads the catalog,
//! the page again before it puts a value into a style or an `<img>`.
//!
//! The contrast math is WCAG 2.x's: relative luminance of sRGB colours and
//! `(L1 + 0.05) / (L2 + 0.05)`; AA asks 4.5:1 for normal text.

use serde::{Deserialize, Serialize};

/// What the hosted page shows of the merchant besides its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Branding {
    /// The logo: an `https://` URL or a path on the page's own origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    /// The pay button's colour, `#rrggbb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_color: Option<String>,
    /// The button text on `brand_color`, `#rrggbb`, at least 4.5:1 against it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_text_color: Option<String>,
}

/// WCAG AA's least contrast for normal-size text.
pub const MIN_TEXT_CONTRAST: f64 = 4.5;

/// The longest logo URL accepted.
pub const MAX_LOGO_URL_LEN: usize = 2048;

/// An sRGB colour written `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HexColor {
    /// Red, green, blue.
    pub rgb: [u8; 3],
}

impl HexColor {
    /// White, the default button text.
    pub const WHITE: Self = Self { rgb: [255; 3] };
    /// Black, the other text colour a brand colour may get.
    pub const BLACK: Self = Self { rgb: [0; 3] };

    /// `#rrggbb` (either case) or `None`: nothing else (no names, no `rgb()`,
    /// no shorthand), so a value can go into a style property as it is.
    pub fn parse(value: &str) -> Option<Self> {
        let hex = value.strip_prefix('#')?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Self {
            rgb: [byte(0)?, byte(2)?, byte(4)?],
        })
    }

    /// `#rrggbb`, lower case.
    pub fn to_hex(self) -> String {
        let [r, g, b] = self.rgb;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// WCAG relative luminance, 0 (black) to 1 (white).
    pub fn relative_luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let [r, g, b] = self.rgb;
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }
}

/// The WCAG contrast ratio of two colours, 1 to 21, in either order.
pub fn contrast_ratio(a: HexColor, b: HexColor) -> f64 {
    let (la, lb) = (a.relative_luminance(), b.relative_luminance());
    let (light, dark) = if la >= lb { (la, lb) } else { (lb, la) };
    (light + 0.05) / (dark + 0.05)
}

/// The ratio as a person reads it: rounded down to two decimals, so a ratio
/// shown as 4.50 is never one that failed.
pub fn ratio_text(ratio: f64) -> String {
    format!("{:.2}:1", (ratio * 100.0).floor() / 100.0)
}

/// The text colour for a button of `brand`: white when white reads at
/// [`MIN_TEXT_CONTRAST`], else black (one of the two always does: the
/// larger of the two ratios is at least √21 ≈ 4.58).
pub fn text_color_on(brand: HexColor) -> HexColor {
    if contrast_ratio(brand, HexColor::WHITE) >= MIN_TEXT_CONTRAST {
        HexColor::WHITE
    } else {
        HexColor::BLACK
    }
}

/// Whether `url` may be a logo: `https://` followed by a host, or a path on
/// the page's own origin (`/logo.svg`, not `//host`); no spaces, controls,
/// backslashes or quotes, at most [`MAX_LOGO_URL_LEN`] bytes. Anything else
/// (`http:`, `data:`, `javascript:`) is not loaded.
pub fn is_allowed_logo_url(url: &str) -> bool {
    if url.is_empty()
        || url.len() > MAX_LOGO_URL_LEN
        || url.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '\\' | '"' | '\'' | '<' | '>')
        })
    {
        return false;
    }
    if let Some(rest) = url.strip_prefix("https://") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        return !host.is_empty() && !host.contains('@');
    }
    url.starts_with('/') && !url.starts_with("//")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(v: &str) -> HexColor {
        HexColor::parse(v).unwrap()
    }

    #[test]
    fn colours_are_six_hex_digits_after_a_hash() {
        assert_eq!(hex("#4F46E5").rgb, [0x4f, 0x46, 0xe5]);
        assert_eq!(hex("#4f46e5").to_hex(), "#4f46e5");
        for bad in [
            "",
            "#",
            "4f46e5",
            "#fff",
            "#4f46e5ff",
            "#4f46eg",
            "red",
            "rgb(0,0,0)",
            "#4f46e5;",
            " #4f46e5",
            "#+f46e5",
            "#éé46e5",
        ] {
            assert_eq!(HexColor::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn contrast_matches_wcag_reference_values() {
        let ratio = |a: &str, b: &str| contrast_ratio(hex(a), hex(b));
        assert!((ratio("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        assert!((ratio("#ffffff", "#ffffff") - 1.0).abs() < 1e-9);
        // WebAIM's checker: #777777 on white 4.47:1 (fails AA), #767676
        // 4.54:1 (the lightest grey that passes), #4f46e5 6.29:1 (rounded
        // to nearest; shown here rounded down).
        assert_eq!(ratio_text(ratio("#777777", "#ffffff")), "4.47:1");
        assert_eq!(ratio_text(ratio("#ffffff", "#767676")), "4.54:1");
        assert_eq!(ratio_text(ratio("#4f46e5", "#ffffff")), "6.28:1");
        assert_eq!(ratio("#123456", "#abcdef"), ratio("#abcdef", "#123456"));
    }

    #[test]
    fn button_text_is_white_or_black_whichever_passes() {
        assert_eq!(text_color_on(hex("#4f46e5")), HexColor::WHITE);
        assert_eq!(text_color_on(hex("#767676")), HexColor::WHITE);
        assert_eq!(text_color_on(hex("#777777")), HexColor::BLACK);
        assert_eq!(text_color_on(hex("#facc15")), HexColor::BLACK);
        // Every grey passes with the one chosen.
        for v in 0..=255u8 {
            let c = HexColor { rgb: [v, v, v] };
            assert!(
                contrast_ratio(c, text_color_on(c)) >= MIN_TEXT_CONTRAST,
                "{v}"
            );
        }
    }

    #[test]
    fn logos_are_https_or_same_origin_paths() {
        for ok in [
            "https://cdn.example.com/logo.svg",
            "https://cdn.example.com:8443/a/b.png?v=2",
            "/assets/logo.svg",
        ] {
            assert!(is_allowed_logo_url(ok), "{ok}");
        }
        for bad in [
            "",
            "http://cdn.example.com/logo.png",
            "HTTPS://cdn.example.com/logo.png",
            "//cdn.example.com/logo.png",
            "data:image/svg+xml,<svg/>",
            "javascript:alert(1)",
            "logo.png",
            "https://",
            "https:///x",
            "https://user:pw@cdn.example.com/logo.png",
            "https://cdn.example.com/a b.png",
            "https://cdn.example.com/a\".png",
            "/a\\b.png",
        ] {
            assert!(!is_allowed_logo_url(bad), "{bad}");
        }
        let long = format!("https://a.example/{}", "x".repeat(MAX_LOGO_URL_LEN));
        assert!(!is_allowed_logo_url(&long));
    }
}
