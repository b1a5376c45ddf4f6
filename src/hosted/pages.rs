//! The app's page router: which page a path shows. Two app paths need no
//! router crate.

/// A page of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    /// `/`: the demo store.
    Store,
    /// `/checkout/{id}`: the hosted checkout page.
    Checkout(String),
    /// `/add-payment-method/{id}`: the hosted page that saves a card (Flowglad's path).
    AddPaymentMethod(String),
    /// `/success`: the demo merchant's success page.
    Success,
    /// `/cancel`: the demo merchant's cancel page.
    Cancel,
    /// Anything else.
    NotFound,
}

impl Page {
    /// The page a URL path shows.
    pub fn for_path(path: &str) -> Self {
        let path = path.trim_end_matches('/');
        match path {
            "" | "/index.html" => Self::Store,
            "/success" => Self::Success,
            "/cancel" => Self::Cancel,
            _ => {
                let id = |prefix: &str| {
                    path.strip_prefix(prefix)
                        .filter(|id| is_valid_session_id(id))
                        .map(str::to_owned)
                };
                if let Some(id) = id("/checkout/") {
                    Self::Checkout(id)
                } else if let Some(id) = id("/add-payment-method/") {
                    Self::AddPaymentMethod(id)
                } else {
                    Self::NotFound
                }
            }
        }
    }
}

/// Session ids are short runs of letters, digits, `_` and `-`; anything else
/// is not looked up (and never reaches a URL unescaped).
pub fn is_valid_session_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_pages() {
        assert_eq!(Page::for_path("/"), Page::Store);
        assert_eq!(Page::for_path(""), Page::Store);
        assert_eq!(
            Page::for_path("/checkout/cs_abc123"),
            Page::Checkout("cs_abc123".into())
        );
        assert_eq!(
            Page::for_path("/checkout/cs_abc123/"),
            Page::Checkout("cs_abc123".into())
        );
        assert_eq!(
            Page::for_path("/add-payment-method/cs_1"),
            Page::AddPaymentMethod("cs_1".into())
        );
        assert_eq!(Page::for_path("/add-payment-method/"), Page::NotFound);
        assert_eq!(Page::for_path("/success"), Page::Success);
        assert_eq!(Page::for_path("/cancel"), Page::Cancel);
        assert_eq!(Page::for_path("/checkout/"), Page::NotFound);
        assert_eq!(Page::for_path("/checkout/a%3Cb"), Page::NotFound);
        assert_eq!(Page::for_path("/checkout/a/b"), Page::NotFound);
        assert_eq!(Page::for_path("/elsewhere"), Page::NotFound);
    }

    #[test]
    fn session_id_charset() {
        assert!(is_valid_session_id("cs_0123456789abcdef"));
        assert!(!is_valid_session_id(""));
        assert!(!is_valid_session_id("cs <script>"));
        assert!(!is_valid_session_id(&"a".repeat(129)));
    }
}
