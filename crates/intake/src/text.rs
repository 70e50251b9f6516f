//! Small text helpers for metadata values.

/// `raw` without control characters, trimmed, cut to `max_chars` characters; `None` if empty.
pub(crate) fn printable(raw: &str, max_chars: usize) -> Option<String> {
    let cleaned: String = raw.chars().filter(|c| !c.is_control()).take(max_chars).collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() {
        None
    } else {
        Some(trimmed.to_owned())
    }
}

/// Replaces the five predefined XML entities and numeric character references.
/// Anything else that starts with `&` is kept as written.
pub(crate) fn unescape_xml(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp..).unwrap_or_default();
        match after.find(';').filter(|&end| end <= 10) {
            Some(end) => {
                let entity = after.get(1..end).unwrap_or_default();
                match decode_entity(entity) {
                    Some(c) => out.push(c),
                    None => out.push_str(after.get(..=end).unwrap_or_default()),
                }
                rest = after.get(end + 1..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = after.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entity(entity: &str) -> Option<char> {
    match entity {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = entity.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_drops_controls_and_caps_length() {
        assert_eq!(printable("  Canon\0\u{7}  ", 10), Some("Canon".into()));
        assert_eq!(printable("\0\0", 10), None);
        assert_eq!(printable("abcdef", 3), Some("abc".into()));
    }

    #[test]
    fn xml_entities() {
        assert_eq!(
            unescape_xml("A &amp; B &lt;x&gt; &#65;&#x42; &bogus; &"),
            "A & B <x> AB &bogus; &"
        );
    }
}
