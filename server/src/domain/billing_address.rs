//! The billing address sent with a payment: required when the session's
//! `billingAddressCollection` is `required`, taken when given otherwise, and
//! in either case complete (name, line 1, city, postal code and a two-letter
//! upper-case country) once anything was typed.

use crate::domain::error::ApiError;
use checkout_protocol::{BillingAddress, BillingAddressCollection, ErrorCode};

/// The longest any address field may be, in characters.
pub const MAX_FIELD_CHARS: usize = 200;

/// The address to store with the payment, trimmed; `None` when none is
/// needed and none (or a blank one) was given. 400
/// `billing_address_required` names what is missing.
pub fn check(
    collection: Option<BillingAddressCollection>,
    given: Option<&BillingAddress>,
) -> Result<Option<BillingAddress>, ApiError> {
    let address = given.filter(|a| !a.is_blank()).map(BillingAddress::trimmed);
    let Some(address) = address else {
        return match collection {
            Some(BillingAddressCollection::Required) => Err(missing(&BillingAddress::default())),
            _ => Ok(None),
        };
    };
    for (field, value) in [
        ("name", Some(address.name.as_str())),
        ("line1", Some(address.line1.as_str())),
        ("line2", address.line2.as_deref()),
        ("city", Some(address.city.as_str())),
        ("state", address.state.as_deref()),
        ("postal_code", Some(address.postal_code.as_str())),
        ("country", Some(address.country.as_str())),
    ] {
        crate::domain::validation::max_chars(
            &format!("billingAddress.{field}"),
            value,
            MAX_FIELD_CHARS,
        )?;
    }
    if address.missing_fields().is_empty() {
        Ok(Some(address))
    } else {
        Err(missing(&address))
    }
}

/// The 400 naming the fields `address` lacks.
fn missing(address: &BillingAddress) -> ApiError {
    let names: Vec<&str> = address
        .missing_fields()
        .into_iter()
        .map(|field| match field {
            "line1" => "address line 1 (line1)",
            "postal_code" => "postal code (postal_code)",
            "country" => "country (a two-letter code like US)",
            other => other,
        })
        .collect();
    let list = match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    let verb = if names.len() == 1 { "is" } else { "are" };
    ApiError::new(
        ErrorCode::BillingAddressRequired,
        format!("Enter a complete billing address: {list} {verb} missing."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> BillingAddress {
        BillingAddress {
            name: "Ann Lee".into(),
            line1: "1 Main St".into(),
            line2: None,
            city: "Springfield".into(),
            state: Some("IL".into()),
            postal_code: "12345".into(),
            country: "US".into(),
        }
    }

    #[test]
    fn required_needs_a_complete_address() {
        let required = Some(BillingAddressCollection::Required);
        let e = check(required, None).unwrap_err();
        assert_eq!(e.code, ErrorCode::BillingAddressRequired);
        assert_eq!(
            e.message,
            "Enter a complete billing address: name, address line 1 (line1), city, postal code (postal_code) \
             and country (a two-letter code like US) are missing."
        );
        let partial = BillingAddress {
            city: " ".into(),
            country: "us".into(),
            ..full()
        };
        let e = check(required, Some(&partial)).unwrap_err();
        assert_eq!(
            e.message,
            "Enter a complete billing address: city and country (a two-letter code like US) are missing."
        );
        let e = check(
            required,
            Some(&BillingAddress {
                name: String::new(),
                ..full()
            }),
        )
        .unwrap_err();
        assert!(e.message.ends_with("name is missing."), "{}", e.message);
        let spaced = BillingAddress {
            name: " Ann Lee ".into(),
            ..full()
        };
        assert_eq!(check(required, Some(&spaced)).unwrap(), Some(full()));
    }

    #[test]
    fn optional_addresses_are_kept_when_given_and_checked() {
        for collection in [None, Some(BillingAddressCollection::Auto)] {
            assert_eq!(check(collection, None).unwrap(), None);
            assert_eq!(
                check(collection, Some(&BillingAddress::default())).unwrap(),
                None
            );
            assert_eq!(check(collection, Some(&full())).unwrap(), Some(full()));
            let odd_country = BillingAddress {
                country: "USA".into(),
                ..full()
            };
            assert_eq!(
                check(collection, Some(&odd_country)).unwrap_err().code,
                ErrorCode::BillingAddressRequired
            );
        }
        let long = BillingAddress {
            line2: Some("x".repeat(201)),
            ..full()
        };
        assert_eq!(
            check(None, Some(&long)).unwrap_err().code,
            ErrorCode::FieldTooLong
        );
    }
}
