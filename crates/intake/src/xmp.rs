//! The few XMP properties that tell which software wrote or edited a file. The packet is not
//! parsed as RDF: properties are found by name in either form XMP allows
//! (`prefix:Name="value"` or `<prefix:Name>value</prefix:Name>`), which is enough for
//! reporting and cannot be made to do unbounded work (the text scanned is capped).

use crate::metadata::{MAX_HISTORY_AGENTS, MAX_TEXT_CHARS};
use crate::text::{printable, unescape_xml};

/// Bytes of an XMP packet that are scanned (a JPEG APP1 holds at most 64 KiB).
const MAX_XMP_BYTES: usize = 256 * 1024;
/// Occurrences of one property name examined, so a packet full of them stays cheap.
const MAX_OCCURRENCES: usize = 64;

/// What the XMP packet says about software.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct XmpFindings {
    /// `xmp:CreatorTool` (or the older `xap:CreatorTool`).
    pub creator_tool: Option<String>,
    /// A `photoshop:` property is used.
    pub photoshop: bool,
    /// Distinct `stEvt:softwareAgent` values of the edit history, in order.
    pub history_agents: Vec<String>,
}

/// Scans an XMP packet.
pub(crate) fn read(packet: &[u8]) -> XmpFindings {
    let bounded = packet.get(..packet.len().min(MAX_XMP_BYTES)).unwrap_or(packet);
    let text = String::from_utf8_lossy(bounded);
    let mut history_agents: Vec<String> = Vec::new();
    for agent in property_values(&text, ":softwareAgent") {
        if history_agents.len() >= MAX_HISTORY_AGENTS {
            break;
        }
        if !history_agents.contains(&agent) {
            history_agents.push(agent);
        }
    }
    let creator_tool = property_values(&text, ":CreatorTool").next();
    XmpFindings {
        creator_tool,
        photoshop: text.contains("photoshop:"),
        history_agents,
    }
}

/// Values of every property whose qualified name ends with `suffix` (e.g. `":CreatorTool"`),
/// in both attribute and element form.
fn property_values<'a>(xml: &'a str, suffix: &'a str) -> impl Iterator<Item = String> + 'a {
    xml.match_indices(suffix)
        .take(MAX_OCCURRENCES)
        .filter_map(move |(start, _)| xml.get(start + suffix.len()..).and_then(value_after_name))
}

/// The value that follows a property name: `="…"`/`='…'` or `>…<`.
fn value_after_name(rest: &str) -> Option<String> {
    let rest = rest.trim_start();
    let raw = if let Some(attribute) = rest.strip_prefix('=') {
        let attribute = attribute.trim_start();
        let quote = attribute.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let body = attribute.get(1..)?;
        body.get(..body.find(quote)?)?
    } else {
        let body = rest.strip_prefix('>')?;
        body.get(..body.find('<')?)?
    };
    printable(&unescape_xml(raw), MAX_TEXT_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_and_element_forms() {
        let packet = br#"<x:xmpmeta><rdf:Description xmp:CreatorTool="Adobe Photoshop 25.0 (Windows)"
            photoshop:ColorMode="3"><xmpMM:History><rdf:Seq>
            <rdf:li stEvt:action="created" stEvt:softwareAgent="Adobe Photoshop 25.0 (Windows)"/>
            <rdf:li><stEvt:softwareAgent>GIMP 2.10</stEvt:softwareAgent></rdf:li>
            <rdf:li stEvt:softwareAgent = 'Adobe Photoshop 25.0 (Windows)'/>
            </rdf:Seq></xmpMM:History></rdf:Description></x:xmpmeta>"#;
        let found = read(packet);
        assert_eq!(found.creator_tool.as_deref(), Some("Adobe Photoshop 25.0 (Windows)"));
        assert!(found.photoshop);
        assert_eq!(found.history_agents, ["Adobe Photoshop 25.0 (Windows)", "GIMP 2.10"]);
    }

    #[test]
    fn element_form_creator_tool_with_entities() {
        let found = read(b"<xmp:CreatorTool>Snap &amp; Edit</xmp:CreatorTool>");
        assert_eq!(found.creator_tool.as_deref(), Some("Snap & Edit"));
        assert!(!found.photoshop);
    }

    #[test]
    fn namespace_declaration_alone_is_not_photoshop_use() {
        let found = read(br#"<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"/>"#);
        assert!(!found.photoshop);
        assert_eq!(found.creator_tool, None);
    }

    #[test]
    fn garbage_and_unterminated_values() {
        assert_eq!(read(b"xmp:CreatorTool=\"no end").creator_tool, None);
        assert_eq!(read(&[0xFF, 0xFE, 0x00]).creator_tool, None);
        let many = "<a stEvt:softwareAgent=\"x\"/>".repeat(10_000);
        assert_eq!(read(many.as_bytes()).history_agents, ["x"]);
    }
}
