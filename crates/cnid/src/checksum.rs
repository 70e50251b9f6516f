//! ISO 7064 MOD 11-2, the check character of GB 11643-1999.

/// Weight of digit `i` (1-based, left to right) is 2^(18-i) mod 11, so the
/// 18th (check) position has weight 1. A unit test re-derives this table.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The value 10 is written as this character.
const TEN: char = 'X';

/// The ISO 7064 MOD 11-2 check character for the first 17 digits of an
/// identity number: `'0'`–`'9'` or `'X'` (for the value 10).
///
/// Returns `None` unless `body17` is exactly 17 ASCII digits (no trimming).
///
/// ```
/// assert_eq!(openkyc_cnid::check_character("11010519491231002"), Some('X'));
/// assert_eq!(openkyc_cnid::check_character("1101051949123100"), None);
/// ```
pub fn check_character(body17: &str) -> Option<char> {
    ascii_digits::<17>(body17).map(|body| check_character_of(&body))
}

/// Check character of 17 bytes already known to be ASCII digits.
pub(crate) fn check_character_of(body: &[u8; 17]) -> char {
    let weighted_sum: u32 = body
        .iter()
        .zip(WEIGHTS)
        .map(|(&digit, weight)| digit_value(digit) * weight)
        .sum();
    // The check value c makes weighted_sum + c ≡ 1 (mod 11).
    let check_value = (12 - weighted_sum % 11) % 11;
    char::from_digit(check_value, 10).unwrap_or(TEN)
}

/// `text` as exactly `N` ASCII-digit bytes, or `None`.
pub(crate) fn ascii_digits<const N: usize>(text: &str) -> Option<[u8; N]> {
    let bytes: [u8; N] = text.as_bytes().try_into().ok()?;
    bytes.iter().all(u8::is_ascii_digit).then_some(bytes)
}

/// Numeric value of a byte known to be an ASCII digit; wrapping keeps it panic-free regardless.
pub(crate) fn digit_value(ascii_digit: u8) -> u32 {
    u32::from(ascii_digit.wrapping_sub(b'0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_powers_of_two_mod_eleven() {
        for (index, weight) in WEIGHTS.iter().enumerate() {
            let exponent = 17 - index as u32;
            assert_eq!(*weight, 2u32.pow(exponent) % 11, "position {}", index + 1);
        }
    }

    #[test]
    fn known_examples() {
        // The worked example printed in GB 11643-1999 (check value 10, written X).
        assert_eq!(check_character("11010519491231002"), Some('X'));
        // python-stdnum's documentation example 360426199101010071.
        assert_eq!(check_character("36042619910101007"), Some('1'));
        assert_eq!(check_character("00000000000000000"), Some('1'));
    }

    #[test]
    fn every_check_value_is_reachable() {
        let mut seen: Vec<char> = (0..=999_u32)
            .filter_map(|tail| check_character(&format!("11010519491231{tail:03}")))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen, "0123456789X".chars().collect::<Vec<_>>());
    }

    #[test]
    fn rejects_anything_but_seventeen_ascii_digits() {
        for body in [
            "",
            "1101051949123100",
            "110105194912310021",
            "1101051949123100X",
            " 11010519491231002",
            "1101051949123100２",
        ] {
            assert_eq!(check_character(body), None, "{body:?}");
        }
    }
}
