//! The description of an ICC profile: the `desc` tag, in its v2 (`desc`, ASCII) or v4
//! (`mluc`, UTF-16BE, first record) form. Every offset is bounds-checked; at most
//! [`MAX_TAGS`] tag-table entries are examined.

use crate::metadata::{clean_text, MAX_TEXT_CHARS};
use crate::text::printable;

const MAX_TAGS: usize = 256;
const HEADER_LEN: usize = 128;

/// The profile's description, if it has a readable one.
pub(crate) fn description(profile: &[u8]) -> Option<String> {
    let tag_count = usize::try_from(be_u32(profile, HEADER_LEN)?).ok()?;
    (0..tag_count.min(MAX_TAGS)).find_map(|index| {
        let entry = HEADER_LEN + 4 + index * 12;
        if profile.get(entry..entry + 4)? != b"desc" {
            return None;
        }
        let offset = usize::try_from(be_u32(profile, entry + 4)?).ok()?;
        let size = usize::try_from(be_u32(profile, entry + 8)?).ok()?;
        let tag = profile.get(offset..offset.checked_add(size)?)?;
        match tag.get(..4)? {
            b"desc" => text_description(tag),
            b"mluc" => multi_localized(tag),
            _ => None,
        }
    })
}

/// v2 `textDescriptionType`: type, reserved, ASCII length (including the NUL), ASCII.
fn text_description(tag: &[u8]) -> Option<String> {
    let len = usize::try_from(be_u32(tag, 8)?).ok()?;
    let ascii = tag.get(12..12usize.checked_add(len)?.min(tag.len()))?;
    clean_text(ascii.split(|&b| b == 0).next().unwrap_or(ascii))
}

/// v4 `multiLocalizedUnicodeType`: the first record's UTF-16BE string.
fn multi_localized(tag: &[u8]) -> Option<String> {
    if be_u32(tag, 8)? == 0 {
        return None;
    }
    let len = usize::try_from(be_u32(tag, 20)?).ok()?;
    let offset = usize::try_from(be_u32(tag, 24)?).ok()?;
    let len = len.min(MAX_TEXT_CHARS * 4);
    let bytes = tag.get(offset..offset.checked_add(len)?)?;
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
        .collect();
    printable(&String::from_utf16_lossy(&units), MAX_TEXT_CHARS)
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let quad = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([quad[0], quad[1], quad[2], quad[3]]))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal profile with one `desc` tag of the given body.
    pub(crate) fn profile_with_desc(body: &[u8]) -> Vec<u8> {
        let mut profile = vec![0u8; HEADER_LEN];
        profile.extend_from_slice(&1u32.to_be_bytes());
        let offset = (HEADER_LEN + 4 + 12) as u32;
        profile.extend_from_slice(b"desc");
        profile.extend_from_slice(&offset.to_be_bytes());
        profile.extend_from_slice(&(body.len() as u32).to_be_bytes());
        profile.extend_from_slice(body);
        profile
    }

    pub(crate) fn v2_desc(text: &str) -> Vec<u8> {
        let mut body = b"desc\0\0\0\0".to_vec();
        body.extend_from_slice(&(text.len() as u32 + 1).to_be_bytes());
        body.extend_from_slice(text.as_bytes());
        body.push(0);
        body.extend_from_slice(&[0u8; 12]);
        body
    }

    #[test]
    fn v2_description() {
        assert_eq!(
            description(&profile_with_desc(&v2_desc("sRGB IEC61966-2.1"))).as_deref(),
            Some("sRGB IEC61966-2.1")
        );
    }

    #[test]
    fn v4_description() {
        let text: Vec<u8> = "Display P3".encode_utf16().flat_map(u16::to_be_bytes).collect();
        let mut body = b"mluc\0\0\0\0".to_vec();
        body.extend_from_slice(&1u32.to_be_bytes());
        body.extend_from_slice(&12u32.to_be_bytes());
        body.extend_from_slice(b"enUS");
        body.extend_from_slice(&(text.len() as u32).to_be_bytes());
        body.extend_from_slice(&28u32.to_be_bytes());
        body.extend_from_slice(&text);
        assert_eq!(description(&profile_with_desc(&body)).as_deref(), Some("Display P3"));
    }

    #[test]
    fn hostile_profiles() {
        assert_eq!(description(&[]), None);
        let mut lying = profile_with_desc(&v2_desc("x"));
        lying[HEADER_LEN..HEADER_LEN + 4].copy_from_slice(&u32::MAX.to_be_bytes());
        lying[HEADER_LEN + 8..HEADER_LEN + 12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(description(&lying), None);
        let mut long = profile_with_desc(&v2_desc("abc"));
        let at = HEADER_LEN + 16 + 8;
        long[at..at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(description(&long).as_deref(), Some("abc"));
    }
}
