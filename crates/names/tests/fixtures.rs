//! Conformance against the document sidecars in `shared/fixtures/documents`:
//! the name printed on a document (with diacritics or in Cyrillic) must
//! compare equivalent to the name in its MRZ, and, where the sidecar has no
//! MRZ, to the ICAO 9303-3 spelling written in the tables below (our own
//! values). The fixtures are read in place, never copied.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use openkyc_names::Rule::{self, *};
use openkyc_names::{compare_names, Outcome};
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures");

/// Sidecars with printed names and an MRZ: the rules we expect the printed
/// name (surname, space, given names) to need against the MRZ name field.
const PRINTED_VS_MRZ: &[(&str, &[Rule])] = &[
    ("arg0s1080_id_cards_Latvia.png", &[MrzFiller, Transliteration]),
    ("arg0s1080_id_cards_Monaco.png", &[MrzFiller]),
    ("arg0s1080_id_cards_Serbia.png", &[MrzFiller, CyrillicSerbianNational]),
    ("arg0s1080_id_cards_Spain.png", &[MrzFiller, Transliteration]),
    ("arg0s1080_id_cards_Sweden.png", &[MrzFiller]),
    ("arg0s1080_other_TD2_ICAO_Example.png", &[MrzFiller]),
    ("arg0s1080_passports_Czech_Republic.png", &[Case, MrzFiller]),
    (
        "arg0s1080_passports_ICAO_Example.png",
        &[Case, MrzFiller, Transliteration],
    ),
    (
        "arg0s1080_passports_Ukraine.png",
        &[Punctuation, MrzFiller, CyrillicTransliteration],
    ),
    ("arg0s1080_visas_France.png", &[MrzFiller]),
    ("arg0s1080_visas_MRVA_ICAO_Example.png", &[MrzFiller]),
    ("arg0s1080_visas_MRVB_ICAO_Example.png", &[MrzFiller]),
    ("arg0s1080_visas_USA.png", &[MrzFiller]),
    ("arg0s1080_visas_USA2.png", &[MrzFiller]),
];

/// Sidecars with printed names but no MRZ: our ICAO 9303-3 MRZ spelling of
/// the printed name, and the rules we expect.
const PRINTED_VS_ICAO: &[(&str, &str, &[Rule])] = &[
    (
        "arg0s1080_id_cards_Liechtenstein.png",
        "OSPELT<BECK<<MARISA",
        &[Case, Punctuation, MrzFiller],
    ),
    (
        "arg0s1080_id_cards_Lithuania.png",
        "BASANAVICIENE<<BIRUTE",
        &[MrzFiller, Transliteration],
    ),
    (
        "arg0s1080_passports_China.png",
        "LIN<<MEI<HUA",
        &[Punctuation, MrzFiller],
    ),
    (
        "arg0s1080_passports_Iceland.png",
        "AEVARSDOTTIR<<THURIDUR<OESP",
        &[MrzFiller, Transliteration],
    ),
    ("arg0s1080_passports_Interpol.png", "SPECIMEN<<SAMPLE", &[MrzFiller]),
    ("arg0s1080_passports_Japan.png", "GAIMU<<SAKURA", &[MrzFiller]),
    (
        "arg0s1080_passports_Qatar.png",
        "AL<KAABI<<ALI<HAMAD<ABDULLAH",
        &[Punctuation, MrzFiller],
    ),
];

/// Where a source's spelling departs from ICAO 9303-3 (found in the MRZ or
/// described in the sidecar's notes), keyed by the values. We do not call
/// these a match on ICAO grounds: each is equivalent only through a rule a
/// strict policy can refuse, asserted here.
struct Documented {
    image: &'static str,
    printed: &'static str,
    mrz_name: &'static str,
    found_in: FoundIn,
    reason: &'static str,
    rules: &'static [Rule],
}

/// Where the departing spelling is stated in the sidecar.
enum FoundIn {
    /// It is the sidecar's MRZ name field.
    Mrz,
    /// The sidecar's notes describe it; they contain this text.
    Notes(&'static str),
}

const DOCUMENTED: &[Documented] = &[
    Documented {
        image: "arg0s1080_id_cards_Serbia.png",
        printed: "ТЕСТ МИЛИЦА",
        mrz_name: "TEST<<MILICA",
        found_in: FoundIn::Mrz,
        reason: "the source transliterates with the Serbian alphabet (Ц as C); ICAO 9303-3 gives MILITSA, \
                 so this is equivalent only under cyrillic_serbian_national",
        rules: &[MrzFiller, CyrillicSerbianNational],
    },
    Documented {
        image: "arg0s1080_id_cards_Liechtenstein.png",
        printed: "OSPELT-BECK Marisa",
        mrz_name: "OSPELTBECK<<MARISA",
        found_in: FoundIn::Notes("surname without a separator"),
        reason: "the notes say the image's MRZ writes the surname without a separator, where ICAO 9303-3 \
                 turns the hyphen into a filler; equivalent only under word_boundary",
        rules: &[Case, Punctuation, MrzFiller, WordBoundary],
    },
    Documented {
        image: "arg0s1080_visas_USA2.png",
        printed: "TRAVELER HAPPYPERSON",
        mrz_name: "TRAVELER<<HAPPY<PERSON",
        found_in: FoundIn::Notes("HAPPY<PERSON"),
        reason: "the notes say another source test writes the given name as two words; \
                 equivalent only under word_boundary",
        rules: &[MrzFiller, WordBoundary],
    },
];

fn documents_dir() -> Option<PathBuf> {
    let dir = Path::new(FIXTURES).join("documents");
    dir.is_dir().then_some(dir)
}

struct Sidecar {
    image: String,
    printed: Option<String>,
    mrz: Option<String>,
    notes: String,
}

fn load_sidecars(dir: &Path) -> Vec<Sidecar> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let json: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
            assert!(json["source"].is_string(), "{path:?} has no source");
            let fields = &json["fields_from_source"];
            let printed = match (fields["surname"].as_str(), fields["given_names"].as_str()) {
                (Some(surname), Some(given)) => Some(format!("{surname} {given}")),
                _ => None,
            };
            Sidecar {
                image: json["image"].as_str().unwrap().to_string(),
                printed,
                mrz: json["mrz"].as_str().map(str::to_string),
                notes: json["notes"].as_str().unwrap_or_default().to_string(),
            }
        })
        .collect()
}

/// The name field of an MRZ: line 3 of TD1 (30 characters per line), line 1
/// from position 6 of TD2/MRV-B (36) and TD3/MRV-A (44).
fn mrz_name_field(mrz: &str) -> String {
    let lines: Vec<&str> = mrz.lines().collect();
    match lines.as_slice() {
        [_, _, third] if third.len() == 30 => third.to_string(),
        [first, _] if first.len() == 44 || first.len() == 36 => first[5..].to_string(),
        _ => panic!("unexpected MRZ shape: {mrz:?}"),
    }
}

fn assert_equivalent(typed: &str, document: &str, rules: &[Rule], context: &str) {
    let result = compare_names(typed, document);
    assert_eq!(
        result.outcome,
        Outcome::Equivalent,
        "{context}: {typed:?} vs {document:?}: {result:?}"
    );
    assert_eq!(result.rules, rules, "{context}: {typed:?} vs {document:?}");
}

/// The printed name typed given names first, as many applicants do.
fn given_first(typed: &str, surname_words: usize) -> String {
    let words: Vec<&str> = typed.split(' ').collect();
    let (surname, given) = words.split_at(surname_words);
    given.iter().chain(surname).copied().collect::<Vec<_>>().join(" ")
}

#[test]
fn printed_names_match_their_mrz_or_icao_spelling() {
    let Some(dir) = documents_dir() else {
        eprintln!("SKIPPED: fixtures directory {FIXTURES}/documents not found");
        return;
    };
    let sidecars = load_sidecars(&dir);
    assert!(!sidecars.is_empty(), "no sidecars in {dir:?}");

    let mut used = BTreeSet::new();
    let (mut against_mrz, mut against_icao, mut without_names) = (0, 0, 0);
    for sidecar in &sidecars {
        let Some(printed) = &sidecar.printed else {
            without_names += 1;
            continue;
        };
        match &sidecar.mrz {
            Some(mrz) => {
                let (_, rules) = PRINTED_VS_MRZ
                    .iter()
                    .find(|(image, _)| *image == sidecar.image)
                    .unwrap_or_else(|| panic!("{}: add its expected rules to PRINTED_VS_MRZ", sidecar.image));
                let name_field = mrz_name_field(mrz);
                assert_equivalent(printed, &name_field, rules, &sidecar.image);
                let surname_words = name_field
                    .trim_end_matches('<')
                    .split("<<")
                    .next()
                    .unwrap()
                    .split('<')
                    .count();
                let swapped = given_first(printed, surname_words);
                if swapped != *printed {
                    let result = compare_names(&swapped, &name_field);
                    assert_eq!(result.outcome, Outcome::Equivalent, "{}: {swapped:?}", sidecar.image);
                    assert!(
                        result.rules.contains(&NameOrder),
                        "{}: {:?}",
                        sidecar.image,
                        result.rules
                    );
                }
                against_mrz += 1;
            }
            None => {
                let (_, expected, rules) = PRINTED_VS_ICAO
                    .iter()
                    .find(|(image, _, _)| *image == sidecar.image)
                    .unwrap_or_else(|| panic!("{}: add its ICAO spelling to PRINTED_VS_ICAO", sidecar.image));
                assert_equivalent(printed, expected, rules, &sidecar.image);
                against_icao += 1;
            }
        }
        used.insert(sidecar.image.clone());
    }
    for image in PRINTED_VS_MRZ
        .iter()
        .map(|(image, _)| *image)
        .chain(PRINTED_VS_ICAO.iter().map(|(image, _, _)| *image))
    {
        assert!(used.contains(image), "{image}: in a table but not checked");
    }

    for case in DOCUMENTED {
        let sidecar = sidecars
            .iter()
            .find(|s| s.image == case.image)
            .unwrap_or_else(|| panic!("{}: documented case without its sidecar", case.image));
        assert_eq!(sidecar.printed.as_deref(), Some(case.printed), "{}", case.image);
        match case.found_in {
            FoundIn::Mrz => {
                let mrz = sidecar.mrz.as_deref().expect("documented MRZ case without MRZ");
                assert_eq!(mrz_name_field(mrz).trim_end_matches('<'), case.mrz_name);
            }
            FoundIn::Notes(fragment) => {
                assert!(
                    sidecar.notes.contains(fragment),
                    "{}: notes lack {fragment:?}",
                    case.image
                );
            }
        }
        assert_equivalent(case.printed, case.mrz_name, case.rules, case.reason);
    }

    println!(
        "document name fixtures: {} sidecars, {against_mrz} printed-vs-MRZ checked, \
         {against_icao} printed-vs-ICAO checked, {without_names} without printed names, \
         {} documented departures from ICAO",
        sidecars.len(),
        DOCUMENTED.len()
    );
    assert!(against_mrz > 0 && against_icao > 0);
}

#[test]
fn fixtures_path_resolves_to_shared() {
    let expected = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    assert_eq!(Path::new(FIXTURES), expected);
    if let Ok(resolved) = expected.canonicalize() {
        assert!(resolved.ends_with("shared/fixtures"), "{resolved:?}");
    } else {
        eprintln!("SKIPPED: {FIXTURES} does not exist here");
    }
}
