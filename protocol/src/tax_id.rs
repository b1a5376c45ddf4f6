//! A business customer's tax ID, as the hosted page collects it when the
//! merchant asks (`taxIdCollection`): the one format rule for each type,
//! applied by the page as the customer types and by the server at confirm.
//! Formats only: whether the number is registered is the merchant's to check.

use crate::ErrorCode;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The kinds of tax ID the page accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaxIdType {
    /// An EU VAT number: a member state's prefix (EL for Greece) and 2–12 letters or digits.
    EuVat,
    /// A UK VAT number: `GB` and 9 or 12 digits, or `GBGD` / `GBHA` and 3 digits.
    GbVat,
    /// A US Employer Identification Number, `12-3456789`.
    UsEin,
    /// Any other tax ID: 1–32 printable characters.
    Other,
}

impl TaxIdType {
    /// Every type, in the order the page lists them.
    pub const ALL: [TaxIdType; 4] = [Self::EuVat, Self::GbVat, Self::UsEin, Self::Other];

    /// The wire form, e.g. `eu_vat`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EuVat => "eu_vat",
            Self::GbVat => "gb_vat",
            Self::UsEin => "us_ein",
            Self::Other => "other",
        }
    }

    /// Parses the wire form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The expected format, in English, for messages.
    pub fn format_hint(self) -> &'static str {
        match self {
            Self::EuVat => "an EU member state's two-letter prefix (EL for Greece) followed by 2 to 12 letters or digits, e.g. DE123456789",
            Self::GbVat => "GB followed by 9 or 12 digits (or GBGD / GBHA and 3 digits), e.g. GB123456789",
            Self::UsEin => "nine digits written NN-NNNNNNN, e.g. 12-3456789",
            Self::Other => "1 to 32 printable characters",
        }
    }
}

/// The prefixes of EU VAT numbers: the member states' ISO codes, except
/// Greece's, which is EL.
pub const EU_VAT_PREFIXES: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// The longest business name kept with a tax ID, in characters.
pub const MAX_BUSINESS_NAME: usize = 200;

/// A tax ID as sent with a confirm and as kept on the session and the
/// purchase: `{type, value, businessName?}`. Once through [`TaxId::parse`],
/// `value` is normalized (upper case, no spaces or dots; an EIN with its dash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TaxId {
    /// Which kind of tax ID.
    #[serde(rename = "type")]
    pub tax_id_type: TaxIdType,
    /// The number.
    pub value: String,
    /// The business's legal name (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_name: Option<String>,
}

/// Why a tax ID was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaxIdError {
    /// The value does not have the type's format.
    Format(TaxIdType),
    /// The business name is longer than [`MAX_BUSINESS_NAME`].
    BusinessNameTooLong,
}

impl TaxIdError {
    /// The stable code a program matches.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Format(_) => ErrorCode::InvalidTaxId,
            Self::BusinessNameTooLong => ErrorCode::FieldTooLong,
        }
    }
}

impl fmt::Display for TaxIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Format(t) => write!(
                f,
                "That tax ID is not in the {} format: expected {}.",
                match t {
                    TaxIdType::EuVat => "EU VAT",
                    TaxIdType::GbVat => "UK VAT",
                    TaxIdType::UsEin => "US EIN",
                    TaxIdType::Other => "tax ID",
                },
                t.format_hint()
            ),
            Self::BusinessNameTooLong => write!(
                f,
                "businessName is longer than {MAX_BUSINESS_NAME} characters."
            ),
        }
    }
}

impl std::error::Error for TaxIdError {}

/// Upper case, without spaces, dots or (except for `other`) hyphens.
fn normalize(tax_id_type: TaxIdType, raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .filter(|c| tax_id_type == TaxIdType::Other || *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// `value` (already normalized) in the normalized form of `tax_id_type`, if it has its format.
fn checked(tax_id_type: TaxIdType, value: &str) -> Option<String> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match tax_id_type {
        TaxIdType::EuVat => {
            let (prefix, rest) = (value.get(..2)?, value.get(2..)?);
            (EU_VAT_PREFIXES.contains(&prefix)
                && (2..=12).contains(&rest.len())
                && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
            .then(|| value.to_owned())
        }
        TaxIdType::GbVat => {
            let rest = value.strip_prefix("GB")?;
            let ok = digits(rest, 9)
                || digits(rest, 12)
                || ["GD", "HA"]
                    .iter()
                    .any(|p| rest.strip_prefix(p).is_some_and(|r| digits(r, 3)));
            ok.then(|| value.to_owned())
        }
        TaxIdType::UsEin => {
            // The dash was stripped with the spaces; it comes back in place.
            digits(value, 9).then(|| format!("{}-{}", &value[..2], &value[2..]))
        }
        TaxIdType::Other => {
            let n = value.chars().count();
            ((1..=32).contains(&n) && !value.chars().any(char::is_control))
                .then(|| value.to_owned())
        }
    }
}

impl TaxId {
    /// A tax ID of `tax_id_type` from what was typed: normalized, then
    /// checked against the type's format. A blank business name is dropped.
    pub fn parse(
        tax_id_type: TaxIdType,
        value: &str,
        business_name: Option<&str>,
    ) -> Result<Self, TaxIdError> {
        let value = checked(tax_id_type, &normalize(tax_id_type, value))
            .ok_or(TaxIdError::Format(tax_id_type))?;
        let business_name = business_name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        if business_name
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_BUSINESS_NAME)
        {
            return Err(TaxIdError::BusinessNameTooLong);
        }
        Ok(Self {
            tax_id_type,
            value,
            business_name,
        })
    }

    /// This tax ID checked and normalized (a wire value is the customer's
    /// input until it has been through here).
    pub fn normalized(&self) -> Result<Self, TaxIdError> {
        Self::parse(self.tax_id_type, &self.value, self.business_name.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(t: TaxIdType, raw: &str) -> String {
        TaxId::parse(t, raw, None)
            .unwrap_or_else(|e| panic!("{raw}: {e}"))
            .value
    }

    fn bad(t: TaxIdType, raw: &str) {
        assert_eq!(
            TaxId::parse(t, raw, None),
            Err(TaxIdError::Format(t)),
            "{raw}"
        );
    }

    #[test]
    fn eu_vat_needs_a_member_prefix_and_2_to_12_alphanumerics() {
        assert_eq!(ok(TaxIdType::EuVat, "DE123456789"), "DE123456789");
        assert_eq!(ok(TaxIdType::EuVat, "fr 12.345 678 901"), "FR12345678901");
        assert_eq!(ok(TaxIdType::EuVat, "EL123456789"), "EL123456789");
        assert_eq!(ok(TaxIdType::EuVat, "NL-8530.89.836B01"), "NL853089836B01");
        assert_eq!(ok(TaxIdType::EuVat, "AT12"), "AT12");
        for raw in [
            "GR123456789",     // Greece is EL
            "GB123456789",     // not in the EU
            "US123456789",     // not a member
            "DE1",             // too short
            "DE1234567890123", // 13 after the prefix
            "DE12345_789",
            "",
            "D",
            "ÄT123456",
        ] {
            bad(TaxIdType::EuVat, raw);
        }
        assert_eq!(EU_VAT_PREFIXES.len(), 27);
    }

    #[test]
    fn gb_vat_is_gb_and_9_or_12_digits_or_a_gd_ha_code() {
        assert_eq!(ok(TaxIdType::GbVat, "GB123456789"), "GB123456789");
        assert_eq!(ok(TaxIdType::GbVat, "gb 123 4567 89"), "GB123456789");
        assert_eq!(ok(TaxIdType::GbVat, "GB123456789012"), "GB123456789012");
        assert_eq!(ok(TaxIdType::GbVat, "GBGD001"), "GBGD001");
        assert_eq!(ok(TaxIdType::GbVat, "gbha 599"), "GBHA599");
        for raw in [
            "123456789",
            "GB12345678",
            "GB1234567890",
            "GB1234567890123",
            "GBGD0001",
            "GBXX001",
            "XI123456789",
            "GB12345678A",
        ] {
            bad(TaxIdType::GbVat, raw);
        }
    }

    #[test]
    fn us_ein_is_nine_digits_written_with_a_dash() {
        assert_eq!(ok(TaxIdType::UsEin, "12-3456789"), "12-3456789");
        assert_eq!(ok(TaxIdType::UsEin, "123456789"), "12-3456789");
        assert_eq!(ok(TaxIdType::UsEin, " 12 3456789 "), "12-3456789");
        for raw in ["12-345678", "1234567890", "AB-3456789", "", "12–3456789"] {
            bad(TaxIdType::UsEin, raw);
        }
    }

    #[test]
    fn other_is_1_to_32_printable_characters() {
        assert_eq!(ok(TaxIdType::Other, "abn 51 824 753 556"), "ABN51824753556");
        assert_eq!(ok(TaxIdType::Other, "CHE-123.456.789"), "CHE-123456789");
        assert_eq!(ok(TaxIdType::Other, &"9".repeat(32)), "9".repeat(32));
        for raw in [" . ", &"9".repeat(33), "12\u{0}34", "ab\u{7}"] {
            bad(TaxIdType::Other, raw);
        }
    }

    #[test]
    fn business_name_is_trimmed_optional_and_bounded() {
        let t = TaxId::parse(TaxIdType::GbVat, "GB123456789", Some("  Acme Ltd ")).unwrap();
        assert_eq!(t.business_name.as_deref(), Some("Acme Ltd"));
        let t = TaxId::parse(TaxIdType::GbVat, "GB123456789", Some("  ")).unwrap();
        assert_eq!(t.business_name, None);
        let long = "x".repeat(MAX_BUSINESS_NAME + 1);
        let e = TaxId::parse(TaxIdType::GbVat, "GB123456789", Some(&long)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::FieldTooLong);
    }

    #[test]
    fn errors_name_the_expected_format_and_code() {
        let e = TaxId::parse(TaxIdType::GbVat, "GB1", None).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidTaxId);
        assert!(e.to_string().contains("UK VAT"), "{e}");
        assert!(e.to_string().contains("GB123456789"), "{e}");
        let e = TaxId::parse(TaxIdType::UsEin, "1", None).unwrap_err();
        assert!(e.to_string().contains("NN-NNNNNNN"), "{e}");
    }

    #[test]
    fn wire_form_round_trips_and_is_checked_again() {
        let wire: TaxId = serde_json::from_str(r#"{"type":"us_ein","value":"123456789"}"#).unwrap();
        assert_eq!(wire.normalized().unwrap().value, "12-3456789");
        let v = serde_json::to_value(
            TaxId::parse(TaxIdType::EuVat, "de 123456789", Some("GmbH")).unwrap(),
        )
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"type": "eu_vat", "value": "DE123456789", "businessName": "GmbH"})
        );
        assert!(serde_json::from_str::<TaxId>(r#"{"type":"vat","value":"x"}"#).is_err());
        for t in TaxIdType::ALL {
            assert_eq!(TaxIdType::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
        }
    }
}
