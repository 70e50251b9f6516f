//! EXIF fields through kamadak-exif. Parsing is bounded: the block is capped at
//! [`MAX_EXIF_BYTES`], kamadak-exif follows at most 8 IFDs and one level of sub-IFDs, and any
//! error leaves the fields it could not read absent.

use exif::{Field, In, Tag, Value};

use crate::metadata::{clean_text, MAX_EXIF_BYTES};

/// The EXIF fields openkyc uses.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct ExifFields {
    pub orientation: u8,
    pub make: Option<String>,
    pub model: Option<String>,
    pub software: Option<String>,
    pub datetime_original: Option<String>,
    pub datetime_modified: Option<String>,
    pub lens_model: Option<String>,
}

/// What reading an EXIF block gave: the fields found, and whether anything failed to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExifRead {
    pub fields: ExifFields,
    pub error: bool,
}

/// Reads TIFF-structured EXIF data (a leading `Exif\0\0`, as some WebP and PNG writers leave
/// it, is skipped). The orientation is 1–8, or 1 when absent or out of range.
pub(crate) fn read(data: &[u8]) -> ExifRead {
    let data = data.strip_prefix(b"Exif\0\0").unwrap_or(data);
    if data.len() > MAX_EXIF_BYTES {
        return ExifRead {
            fields: ExifFields {
                orientation: 1,
                ..ExifFields::default()
            },
            error: true,
        };
    }
    let mut reader = exif::Reader::new();
    reader.continue_on_error(true);
    let (parsed, error) = match reader.read_raw(data.to_vec()) {
        Ok(parsed) => (Some(parsed), false),
        Err(error) => (error.distill_partial_result(|_| ()).ok(), true),
    };
    let fields = parsed.map(|parsed| fields_of(&parsed)).unwrap_or(ExifFields {
        orientation: 1,
        ..ExifFields::default()
    });
    ExifRead { fields, error }
}

fn fields_of(parsed: &exif::Exif) -> ExifFields {
    let text = |tag: Tag| parsed.get_field(tag, In::PRIMARY).and_then(ascii_value);
    let orientation = parsed
        .get_field(Tag::Orientation, In::PRIMARY)
        .and_then(|field| field.value.get_uint(0))
        .and_then(|value| u8::try_from(value).ok())
        .filter(|value| (1..=8).contains(value))
        .unwrap_or(1);
    ExifFields {
        orientation,
        make: text(Tag::Make),
        model: text(Tag::Model),
        software: text(Tag::Software),
        datetime_original: text(Tag::DateTimeOriginal),
        datetime_modified: text(Tag::DateTime),
        lens_model: text(Tag::LensModel),
    }
}

/// The first string of an ASCII field (some writers put UTF-8 in it: read lossily).
fn ascii_value(field: &Field) -> Option<String> {
    match &field.value {
        Value::Ascii(strings) => strings.first().and_then(|bytes| clean_text(bytes)),
        Value::Undefined(bytes, _) | Value::Byte(bytes) => clean_text(bytes),
        _ => None,
    }
}
