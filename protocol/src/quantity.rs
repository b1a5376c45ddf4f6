//! How many units a checkout line buys: the one rule (a whole number from 1
//! to [`MAX_QUANTITY`], absent or blank meaning 1) that the hook, the embed
//! and the server share, with the message a person reads when it is broken.

use crate::ErrorCode;
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
}
