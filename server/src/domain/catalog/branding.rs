//! The merchant's branding in the catalog file (`organization.logoUrl`,
//! `brandColor`, `brandTextColor`), checked when the catalog loads so a
//! server never starts with a logo it would not load or a pay button whose
//! text fails WCAG AA. The colour and URL rules are `checkout_protocol`'s
//! (the hosted page applies them again before it uses a value).

use super::file::OrganizationSpec;
use checkout_protocol::branding::{
    contrast_ratio, is_allowed_logo_url, ratio_text, text_color_on, HexColor, MIN_TEXT_CONTRAST,
};
use checkout_protocol::Branding;

/// At most this many characters of a bad value are quoted in a message.
const QUOTED_CHARS: usize = 64;

fn quoted(value: &str) -> String {
    value.chars().take(QUOTED_CHARS).collect()
}

/// The organization's branding, or why the catalog is refused. `None` when
/// it sets none of the three fields. Without `brandTextColor` the button
/// text is white or black, whichever reads at 4.5:1 on `brandColor`; with
/// one, the pair must reach 4.5:1 or the catalog is refused.
pub(super) fn branding_of(org: &OrganizationSpec) -> Result<Option<Branding>, String> {
    if org.logo_url.is_none() && org.brand_color.is_none() && org.brand_text_color.is_none() {
        return Ok(None);
    }
    let logo_url = match org.logo_url.as_deref() {
        None => None,
        Some(url) => Some(logo_url(url)?),
    };
    let brand = match org.brand_color.as_deref() {
        None => None,
        Some(value) => Some(color("brandColor", value)?),
    };
    let text = match (brand, org.brand_text_color.as_deref()) {
        (None, Some(_)) => {
            return Err("organization.brandTextColor needs a brandColor to be the text on".into())
        }
        (None, None) => None,
        (Some(brand), None) => Some(text_color_on(brand)),
        (Some(brand), Some(value)) => {
            let text = color("brandTextColor", value)?;
            let ratio = contrast_ratio(brand, text);
            if ratio < MIN_TEXT_CONTRAST {
                let better = text_color_on(brand);
                return Err(format!(
                    "organization.brandColor {} with brandTextColor {} has a contrast of only {}; \
                     button text needs at least 4.5:1 (WCAG AA). Choose another pair, or leave \
                     brandTextColor out to get {} text ({}).",
                    brand.to_hex(),
                    text.to_hex(),
                    ratio_text(ratio),
                    better.to_hex(),
                    ratio_text(contrast_ratio(brand, better)),
                ));
            }
            Some(text)
        }
    };
    Ok(Some(Branding {
        logo_url,
        brand_color: brand.map(HexColor::to_hex),
        brand_text_color: text.map(HexColor::to_hex),
    }))
}

fn color(field: &str, value: &str) -> Result<HexColor, String> {
    HexColor::parse(value).ok_or_else(|| {
        format!(
            "organization.{field} must be a colour written #rrggbb, like #4f46e5; `{}` is not",
            quoted(value)
        )
    })
}

/// A logo URL as the hosted page may load it: `https://` with a host that
/// parses (no user info), or a path on this server.
fn logo_url(url: &str) -> Result<String, String> {
    let refused = || {
        format!(
            "organization.logoUrl must be an https:// URL or a path on this server like \
             /logo.svg (no http:, data: or other URLs; no spaces or quotes); `{}` is not",
            quoted(url)
        )
    };
    if !is_allowed_logo_url(url) {
        return Err(refused());
    }
    if url.starts_with('/') {
        return Ok(url.to_owned());
    }
    match url::Url::parse(url) {
        Ok(u) if u.host_str().is_some() && u.username().is_empty() && u.password().is_none() => {
            Ok(url.to_owned())
        }
        _ => Err(refused()),
    }
}

/// The origin (`https://host[:port]`) the hosted page loads the logo from,
/// for the `img-src` of the Content-Security-Policy; `None` for a logo on
/// this server (already `'self'`) or no logo.
pub fn logo_origin(branding: Option<&Branding>) -> Option<String> {
    let url = branding?.logo_url.as_deref()?;
    let parsed = url::Url::parse(url).ok()?;
    (parsed.scheme() == "https" && parsed.host_str().is_some())
        .then(|| parsed.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(logo: Option<&str>, brand: Option<&str>, text: Option<&str>) -> OrganizationSpec {
        OrganizationSpec {
            id: "org_1".into(),
            name: "Acme".into(),
            logo_url: logo.map(str::to_owned),
            brand_color: brand.map(str::to_owned),
            brand_text_color: text.map(str::to_owned),
        }
    }

    #[test]
    fn no_branding_is_none() {
        assert_eq!(branding_of(&org(None, None, None)), Ok(None));
    }

    #[test]
    fn text_colour_is_chosen_when_not_given() {
        let b = branding_of(&org(None, Some("#FACC15"), None))
            .unwrap()
            .unwrap();
        assert_eq!(b.brand_color.as_deref(), Some("#facc15"));
        assert_eq!(b.brand_text_color.as_deref(), Some("#000000"));
        let b = branding_of(&org(None, Some("#0f766e"), None))
            .unwrap()
            .unwrap();
        assert_eq!(b.brand_text_color.as_deref(), Some("#ffffff"));
    }

    #[test]
    fn a_low_contrast_pair_is_refused_naming_colours_and_ratio() {
        let e = branding_of(&org(None, Some("#facc15"), Some("#ffffff"))).unwrap_err();
        assert!(e.contains("#facc15"), "{e}");
        assert!(e.contains("#ffffff"), "{e}");
        assert!(e.contains("1.53:1"), "{e}");
        assert!(e.contains("4.5:1"), "{e}");
        assert!(e.contains("#000000"), "{e}");
        let ok = branding_of(&org(None, Some("#1e3a8a"), Some("#ffffff"))).unwrap();
        assert_eq!(ok.unwrap().brand_text_color.as_deref(), Some("#ffffff"));
    }

    #[test]
    fn bad_colours_and_orphan_text_colours_are_refused() {
        let e = branding_of(&org(None, Some("blue"), None)).unwrap_err();
        assert!(
            e.contains("organization.brandColor") && e.contains("`blue`"),
            "{e}"
        );
        let e = branding_of(&org(None, Some("#000000"), Some("#fff"))).unwrap_err();
        assert!(e.contains("organization.brandTextColor"), "{e}");
        let e = branding_of(&org(None, None, Some("#ffffff"))).unwrap_err();
        assert!(e.contains("needs a brandColor"), "{e}");
    }

    #[test]
    fn logos_are_https_or_local_and_https_ones_name_their_origin() {
        let b = branding_of(&org(Some("https://cdn.example.com:8443/l.svg"), None, None))
            .unwrap()
            .unwrap();
        assert_eq!(b.brand_color, None);
        assert_eq!(
            logo_origin(Some(&b)).as_deref(),
            Some("https://cdn.example.com:8443")
        );
        let local = branding_of(&org(Some("/logo.svg"), None, None))
            .unwrap()
            .unwrap();
        assert_eq!(logo_origin(Some(&local)), None);
        assert_eq!(logo_origin(None), None);
        for bad in [
            "http://cdn.example.com/l.png",
            "data:image/png;base64,AAAA",
            "//cdn.example.com/l.png",
            "https://a b/",
            "https://[::1/",
        ] {
            let e = branding_of(&org(Some(bad), None, None)).unwrap_err();
            assert!(
                e.starts_with("organization.logoUrl must be an https:// URL"),
                "{bad}: {e}"
            );
        }
    }
}
