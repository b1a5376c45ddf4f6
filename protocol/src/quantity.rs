//! How many units a checkout line buys: the one rule (a whole number from 1
//! to [`MAX_QUANTITY`], absent or blank meaning 1) that the hook, the embed
//! and the server share, with the message a person reads when it is broken.

use crate::ErrorCode;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The largest quantity a session accepts; far above any real order, far
/// below where `unit price × quantity` could overflow.
pub const MAX_QUANTITY: u32 = 1_000_000;

/// A quantity known to be within 1..=[`MAX_QUANTITY`]: once parsed, nothing
/// downstream checks it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity(u32);

/// A quantity outside 1..=[`MAX_QUANTITY`], or not a whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuantityError;

impl Quantity {
    /// The smallest quantity, and what an absent one means.
    pub const ONE: Quantity = Quantity(1);
    /// The largest quantity.
    pub const MAX: Quantity = Quantity(MAX_QUANTITY);

    /// `units`, if within bounds.
    pub fn new(units: u32) -> Result<Self, QuantityError> {
        if (1..=MAX_QUANTITY).contains(&units) {
            Ok(Self(units))
        } else {
            Err(QuantityError)
        }
    }

    /// A JSON number from the wire: whole, finite and within bounds.
    pub fn from_f64(units: f64) -> Result<Self, QuantityError> {
        // The range check comes first so the cast below never saturates.
        if units.is_finite()
            && units.fract() == 0.0
            && (1.0..=f64::from(MAX_QUANTITY)).contains(&units)
        {
            Ok(Self(units as u32))
        } else {
            Err(QuantityError)
        }
    }

    /// A quantity from the wire, where absent means one.
    pub fn from_wire(units: Option<f64>) -> Result<Self, QuantityError> {
        units.map_or(Ok(Self::ONE), Self::from_f64)
    }

    /// Text a person typed or an HTML attribute holds: digits, surrounding
    /// space ignored; blank means one (an emptied field, an absent attribute).
    pub fn parse(text: &str) -> Result<Self, QuantityError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Self::ONE);
        }
        text.parse::<u32>()
            .map_err(|_| QuantityError)
            .and_then(Self::new)
    }

    /// The number of units.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for Quantity {
    fn default() -> Self {
        Self::ONE
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl TryFrom<u32> for Quantity {
    type Error = QuantityError;

    fn try_from(units: u32) -> Result<Self, QuantityError> {
        Self::new(units)
    }
}

impl QuantityError {
    /// What a person reads (in English; the widget's catalogs translate it).
    pub const MESSAGE: &'static str = "Quantity must be a whole number from 1 to 1,000,000.";

    /// The stable code a program matches.
    pub fn code(self) -> ErrorCode {
        ErrorCode::InvalidQuantity
    }

    /// [`QuantityError::MESSAGE`].
    pub fn message(self) -> &'static str {
        Self::MESSAGE
    }
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Self::MESSAGE)
    }
}

impl std::error::Error for QuantityError {}

// Adjustable quantity on the hosted page (issue 16, item 8).

/// The default largest quantity a customer may choose on the hosted page.
pub const DEFAULT_ADJUSTABLE_MAXIMUM: u32 = 99;

/// `adjustableQuantity` of a platform create (merchant-only): whether the
/// customer may change the quantity on the hosted page, and between which
/// bounds (`minimum` 1 and `maximum` 99 when absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AdjustableQuantity {
    /// Whether the page shows a quantity control.
    pub enabled: bool,
    /// The smallest quantity the customer may choose (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<u32>,
    /// The largest (default 99, at most [`MAX_QUANTITY`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<u32>,
}

/// The bounds a customer may choose a quantity within, `minimum ≤ maximum`,
/// both within 1..=[`MAX_QUANTITY`]; what the hosted page reads as
/// `adjustableQuantity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct QuantityBounds {
    /// The smallest quantity.
    pub minimum: u32,
    /// The largest quantity.
    pub maximum: u32,
}

/// Why an `adjustableQuantity` or a quantity chosen within it was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdjustableQuantityError {
    /// The bounds themselves are wrong (zero, above [`MAX_QUANTITY`], or
    /// `minimum > maximum`).
    Bounds,
    /// A quantity outside the bounds (the bounds, for the message).
    OutOfRange(QuantityBounds),
}

impl AdjustableQuantityError {
    /// The stable code a program matches.
    pub fn code(self) -> ErrorCode {
        match self {
            Self::Bounds => ErrorCode::InvalidQuantity,
            Self::OutOfRange(_) => ErrorCode::QuantityOutOfRange,
        }
    }
}

impl fmt::Display for AdjustableQuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bounds => write!(
                f,
                "adjustableQuantity needs 1 <= minimum <= maximum <= {MAX_QUANTITY} (defaults: minimum 1, maximum {DEFAULT_ADJUSTABLE_MAXIMUM})."
            ),
            Self::OutOfRange(b) => write!(
                f,
                "Quantity must be from {} to {} for this checkout.",
                b.minimum, b.maximum
            ),
        }
    }
}

impl std::error::Error for AdjustableQuantityError {}

impl AdjustableQuantity {
    /// The bounds, when enabled: `None` when disabled, an error when they are wrong.
    pub fn bounds(self) -> Result<Option<QuantityBounds>, AdjustableQuantityError> {
        if !self.enabled {
            return Ok(None);
        }
        let minimum = self.minimum.unwrap_or(1);
        let maximum = self
            .maximum
            .unwrap_or(DEFAULT_ADJUSTABLE_MAXIMUM.max(minimum));
        if minimum == 0 || maximum > MAX_QUANTITY || minimum > maximum {
            return Err(AdjustableQuantityError::Bounds);
        }
        Ok(Some(QuantityBounds { minimum, maximum }))
    }
}

impl QuantityBounds {
    /// `quantity`, if within these bounds.
    pub fn check(self, quantity: u32) -> Result<Quantity, AdjustableQuantityError> {
        if (self.minimum..=self.maximum).contains(&quantity) {
            Quantity::new(quantity).map_err(|_| AdjustableQuantityError::OutOfRange(self))
        } else {
            Err(AdjustableQuantityError::OutOfRange(self))
        }
    }

    /// `quantity` moved into these bounds (what a stepper shows after a
    /// customer types past one).
    pub fn clamp(self, quantity: u32) -> u32 {
        quantity.clamp(self.minimum, self.maximum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_one_to_max() {
        assert_eq!(Quantity::new(1).map(Quantity::get), Ok(1));
        assert_eq!(Quantity::new(MAX_QUANTITY), Ok(Quantity::MAX));
        assert_eq!(Quantity::new(0), Err(QuantityError));
        assert_eq!(Quantity::try_from(MAX_QUANTITY + 1), Err(QuantityError));
    }

    #[test]
    fn wire_numbers_must_be_whole() {
        assert_eq!(Quantity::from_wire(None), Ok(Quantity::ONE));
        assert_eq!(Quantity::from_wire(Some(3.0)).map(Quantity::get), Ok(3));
        for bad in [0.0, -1.0, 1.5, f64::NAN, f64::INFINITY, 1e12] {
            assert_eq!(Quantity::from_f64(bad), Err(QuantityError), "{bad}");
        }
    }

    #[test]
    fn text_is_digits_and_blank_means_one() {
        assert_eq!(Quantity::parse(""), Ok(Quantity::ONE));
        assert_eq!(Quantity::parse(" 4 ").map(Quantity::get), Ok(4));
        for bad in ["0", "-1", "1.5", "abc", "1000001", "99999999999"] {
            assert_eq!(Quantity::parse(bad), Err(QuantityError), "{bad}");
        }
    }

    #[test]
    fn the_error_says_the_bounds_it_checks() {
        assert_eq!(QuantityError.code(), ErrorCode::InvalidQuantity);
        assert_eq!(QuantityError.to_string(), QuantityError::MESSAGE);
        assert!(QuantityError::MESSAGE.contains("1 to 1,000,000"));
        assert_eq!(MAX_QUANTITY, 1_000_000, "the message names this bound");
    }

    #[test]
    fn adjustable_bounds_default_to_1_and_99() {
        let on = |minimum, maximum| AdjustableQuantity {
            enabled: true,
            minimum,
            maximum,
        };
        assert_eq!(AdjustableQuantity::default().bounds(), Ok(None));
        assert_eq!(
            AdjustableQuantity {
                enabled: false,
                minimum: Some(0),
                maximum: None
            }
            .bounds(),
            Ok(None),
            "disabled bounds are not read"
        );
        assert_eq!(
            on(None, None).bounds(),
            Ok(Some(QuantityBounds {
                minimum: 1,
                maximum: 99
            }))
        );
        assert_eq!(
            on(Some(150), None).bounds().unwrap().map(|b| b.maximum),
            Some(150),
            "a minimum above the default maximum is its own maximum"
        );
        assert_eq!(
            on(Some(2), Some(MAX_QUANTITY))
                .bounds()
                .unwrap()
                .map(|b| b.maximum),
            Some(MAX_QUANTITY)
        );
        for (min, max) in [
            (Some(0), None),
            (Some(5), Some(4)),
            (None, Some(MAX_QUANTITY + 1)),
            (None, Some(0)),
        ] {
            let e = on(min, max).bounds().unwrap_err();
            assert_eq!(e, AdjustableQuantityError::Bounds, "{min:?} {max:?}");
            assert_eq!(e.code(), ErrorCode::InvalidQuantity);
        }
    }

    #[test]
    fn a_chosen_quantity_must_be_within_the_bounds() {
        let b = QuantityBounds {
            minimum: 2,
            maximum: 10,
        };
        assert_eq!(b.check(2).map(Quantity::get), Ok(2));
        assert_eq!(b.check(10).map(Quantity::get), Ok(10));
        for q in [0, 1, 11, u32::MAX] {
            let e = b.check(q).unwrap_err();
            assert_eq!(e.code(), ErrorCode::QuantityOutOfRange);
            assert_eq!(
                e.to_string(),
                "Quantity must be from 2 to 10 for this checkout."
            );
        }
        assert_eq!((b.clamp(0), b.clamp(5), b.clamp(99)), (2, 5, 10));
        let wire: AdjustableQuantity =
            serde_json::from_str(r#"{"enabled":true,"maximum":5}"#).unwrap();
        assert_eq!(
            wire.bounds().unwrap(),
            Some(QuantityBounds {
                minimum: 1,
                maximum: 5
            })
        );
        assert!(
            serde_json::from_str::<AdjustableQuantity>(r#"{"enabled":true,"minimum":-1}"#).is_err()
        );
        assert!(
            serde_json::from_str::<AdjustableQuantity>(r#"{"enabled":true,"minimum":1.5}"#)
                .is_err()
        );
    }
}
