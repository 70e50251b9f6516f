//! ICAO 9303-3 §4.9 check digits: weights 7, 3, 1 repeating; `0`–`9` count
//! as themselves, `A`–`Z` as 10–35, the filler `<` as 0; the check digit is
//! the weighted sum modulo 10.

/// The numeric value ICAO 9303 gives a character, or `None` for a character
/// that may not appear in an MRZ.
pub fn char_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        'A'..='Z' => Some(u32::from(c) - u32::from('A') + 10),
        '<' => Some(0),
        _ => None,
    }
}

/// The check digit (0–9) over `data`, or `None` when `data` holds a
/// character outside the MRZ alphabet (`0-9`, `A-Z`, `<`).
pub fn compute<I: IntoIterator<Item = char>>(data: I) -> Option<u8> {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let mut sum = 0u32;
    for (index, c) in data.into_iter().enumerate() {
        let weight = WEIGHTS.get(index % 3).copied().unwrap_or(1);
        // Reduce as we go so that arbitrarily long input cannot overflow.
        sum = (sum + char_value(c)? * weight) % 10;
    }
    u8::try_from(sum).ok()
}

/// The check digit over `data` as the character printed in an MRZ.
pub fn compute_char(data: &str) -> Option<char> {
    compute(data.chars()).and_then(|d| char::from_digit(u32::from(d), 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icao_9303_3_worked_examples() {
        // ICAO 9303-3 §4.9 examples: a date, a document number with fillers.
        assert_eq!(compute_char("520727"), Some('3'));
        assert_eq!(compute_char("AB2134<<<"), Some('5'));
        assert_eq!(compute_char("L898902C3"), Some('6'));
    }

    #[test]
    fn fillers_count_as_zero_but_shift_weights() {
        assert_eq!(compute_char("<<<"), Some('0'));
        assert_ne!(compute_char("000590240<601"), compute_char("000590240601"));
    }

    #[test]
    fn characters_outside_the_alphabet_have_no_check_digit() {
        assert_eq!(compute_char("ab"), None);
        assert_eq!(compute_char("A?"), None);
        assert_eq!(compute_char("É"), None);
    }

    #[test]
    fn empty_input_has_check_digit_zero() {
        assert_eq!(compute_char(""), Some('0'));
    }
}
