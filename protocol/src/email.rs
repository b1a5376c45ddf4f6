//! The email rule both the hosted page and the server apply.

/// The longest address SMTP allows.
pub const MAX_EMAIL_LEN: usize = 254;

/// A plausible address: `local@domain.tld`, no spaces, one `@`, at most 254
/// characters. Deliverability is the mail server's business, not ours.
pub fn is_plausible_email(email: &str) -> bool {
    let email = email.trim();
    if email.is_empty() || email.len() > MAX_EMAIL_LEN || email.chars().any(char::is_whitespace) {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_addresses() {
        for ok in ["a@b.co", " alice@example.com ", "x+tag@mail.example.org"] {
            assert!(is_plausible_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@b",
            "@b.co",
            "a@@b.co",
            "a@b..co",
            "a b@c.co",
            "a@b.co.",
            &format!("{}@b.co", "a".repeat(260)),
        ] {
            assert!(!is_plausible_email(bad), "{bad}");
        }
    }
}
