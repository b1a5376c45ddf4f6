//! Numbers as text without `core::fmt`: the script-tag bundle builds its
//! strings by concatenation, and `format!` or `to_string` on a number would
//! link the formatting machinery (padding, `Display` for each type, a few KB
//! of wasm) for what these loops do.

/// `n` in decimal digits: `1200` → `"1200"`.
pub fn decimal(n: u64) -> String {
    // Most significant digit first, by powers of ten: no buffer to index (a
    // bounds check's panic message would link `Display for usize`).
    let mut power = 10_000_000_000_000_000_000_u64;
    while power > n && power > 1 {
        power /= 10;
    }
    let mut text = String::with_capacity(20);
    loop {
        text.push(char::from(b'0' + (n / power % 10) as u8));
        if power == 1 {
            return text;
        }
        power /= 10;
    }
}

/// `n` in decimal digits, with `-` when negative: `-5` → `"-5"`.
pub fn signed(n: i64) -> String {
    let digits = decimal(n.unsigned_abs());
    if n < 0 {
        ["-", &digits].concat()
    } else {
        digits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_format_writes_them() {
        for n in [
            0,
            1,
            7,
            9,
            10,
            99,
            100,
            1200,
            1_000_000,
            10_000_000_000_000_000_000,
            u64::MAX,
        ] {
            assert_eq!(decimal(n), n.to_string());
        }
        for n in [0, -1, 42, -1200, i64::MIN, i64::MAX] {
            assert_eq!(signed(n), n.to_string());
        }
    }
}
