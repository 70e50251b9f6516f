//! The visual inspection zone (VIZ) of an MRZ document, read from text lines
//! (`openkyc-ocr`), and its cross-check with the MRZ (`VIZ_MRZ_MISMATCH`).
//! Pure: the lines are passed in; no model, no I/O.
//!
//! # Finding the fields ([`read_viz`])
//! 1. Lines in the lower half of the page that look like the MRZ (at least
//!    20 characters, nine in ten of them `A–Z`, `0–9` or a filler, with two
//!    fillers or four digits), and every line from the first of them down,
//!    are dropped.
//! 2. Each line is cut into words (at spaces and `/ | : ; ,`), and runs of
//!    words are matched against a table of field labels in the languages
//!    documents print them in ("Surname", "Nom", "Apellidos", "Name",
//!    "Cognome", "Date of birth", "Geburtsdatum", "Valid until", …): case,
//!    diacritics and everything but letters are ignored, `rn` counts as `m`,
//!    and a label of 5–8 letters may differ by one edit, a longer one by two
//!    (OCR drops and garbles letters; labels of four letters or fewer must
//!    match exactly). The closest label wins. A label starts its line, a
//!    translation (after a `/`), or follows another label or a field number
//!    ("01 Surname"); a label's word inside running text is not a label.
//!    Adjacent surname and given-names labels ("Surname, Given names") are
//!    one label for the whole name ([`VizFields::full_name`]). Labels of
//!    fields not read here ("Place of birth", "Authority", "Type", …) are
//!    matched too, so that their values are never taken for another field's.
//! 3. A label's value is, in this order: the rest of its own line (when it
//!    is not joined by `/`, which joins the label's translations, and is
//!    mostly capitals); else the nearest line below whose horizontal extent
//!    overlaps the label (the one closest to the label's left edge on that
//!    row), passing over further labels of the same field (a translation on
//!    the next line) and stopping at any other label, or at mostly
//!    lower-case text (a label the table does not know); else the nearest
//!    text in capitals to its right on the same row. A value line that runs
//!    into a neighbouring label's column is cut where that column starts
//!    (word positions are estimated in proportion to the characters).
//! 4. The value is parsed: names as printed (upper-cased, spaces collapsed,
//!    translations joined by `/` kept; none when every form holds a digit),
//!    document numbers with anything but letters and digits removed, dates
//!    from `12 AUG 1974`, `12 AUG/AOÛT 74`, `12AUG74`, `12.08.1974`,
//!    `12/08/1974`, `1974-08-12` (month names and abbreviations in English,
//!    French, Spanish, German, Italian, Portuguese, Dutch and Swedish; a
//!    lone digit read for a month's letter, `0CT`, read as the letter; a
//!    two-digit year kept as printed, see [`PrintedDate::candidates`]), sex
//!    from `M`/`F`/`X` or the words, nationality and issuing state when
//!    printed as a code (three capitals, or `D`). When a field has several
//!    labels, the reading taken is one whose value parses, under the label
//!    read best (most letters right), the first from the top on a tie.
//!
//! # Cross-checking ([`cross_check`])
//! Per field present in both, compared as ICAO 9303 writes the MRZ from
//! the VIZ: names with `openkyc-names` (transliteration such as `Ü` → `UE`
//! or `U`, `ß` → `SS`; spaces, hyphens and apostrophes as fillers; with
//! [`CrossCheckOptions::names_truncated`], the MRZ name may be a prefix of
//! the printed one; a printed name that reads as the start of the MRZ's is
//! uncertain, as glare or an edge can hide its end), each `/`-separated form of a printed name tried, and
//! equal once diacritics are dropped (issuers beyond the ICAO table); a
//! full name against the MRZ's surname and given names; document numbers on
//! letters and digits (a printed number longer than the MRZ's nine places
//! that starts with them agrees: passports and visas cut it there); dates
//! on day, month and year (two digits when the VIZ prints two); sex and
//! codes as letters. The date of issue has no MRZ counterpart.
//!
//! A difference is a **mismatch** only when OCR noise cannot explain it:
//! * Substitutions between look-alike characters (`0`/`O`/`D`/`Q`,
//!   `1`/`I`/`L`, `2`/`Z`, `5`/`S`, `6`/`G`, `8`/`B`, `U`/`V`) cost nothing;
//!   every other substitution, insertion or deletion is one *edit*.
//! * Two or more edits on a line read with confidence at least
//!   [`CrossCheckOptions::min_confidence`] (0.9) are a mismatch.
//! * A single substituted character (a sex, one digit of a date) is a
//!   mismatch only from [`CrossCheckOptions::min_confidence_one_edit`]
//!   (0.97): the recogniser's confidence is a mean over the line, so one
//!   misread character barely lowers it, and a genuine document must not
//!   fail on it.
//! * A single dropped or added character (the recogniser merges doubled
//!   letters and splits wide ones), look-alikes only, a value that does not
//!   parse, or a line read below those confidences are **uncertain**: they
//!   decide nothing.

use chrono::{Datelike, NaiveDate};
use openkyc_names::{compare_names_with, CompareOptions, Outcome};
use openkyc_ocr::{TextBox, TextLine};
use serde::Serialize;
use std::collections::BTreeMap;

/// Lines considered per page; more are ignored (bounded work).
const MAX_LINES: usize = 128;
/// Characters considered per line.
const MAX_LINE_CHARS: usize = 160;
/// Words considered per line.
const MAX_WORDS: usize = 24;
/// Words one label may span ("Date of birth" is three).
const MAX_LABEL_WORDS: usize = 5;
/// A line of at least this many characters, almost all MRZ symbols, is
/// taken for an MRZ line.
const MRZ_MIN_CHARS: usize = 20;

/// A field of the visual zone, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct VizField<T> {
    /// The value parsed from the text; `None` when the text does not parse
    /// (a date in no known form, a nationality written out in words).
    pub value: Option<T>,
    /// The value's text as read.
    pub text: String,
    /// The label it was found under, as read.
    pub label: String,
    /// The recogniser's confidence for the value's line.
    pub confidence: f32,
    /// Where the value is (its line's box, narrowed to the value's words
    /// when the line holds more).
    pub bbox: TextBox,
}

/// A date as printed: day, month and year, the year with two or four
/// digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrintedDate {
    /// Day of the month.
    pub day: u32,
    /// Month, 1–12.
    pub month: u32,
    /// The year as printed: `1974`, or `74` for a two-digit year.
    pub year: i32,
    /// Whether the year was printed with four digits.
    pub four_digit_year: bool,
}

impl PrintedDate {
    /// The date, when the year was printed in full.
    pub fn date(&self) -> Option<NaiveDate> {
        if self.four_digit_year {
            NaiveDate::from_ymd_opt(self.year, self.month, self.day)
        } else {
            None
        }
    }

    /// Every calendar date it may be: itself for a four-digit year, in the
    /// 1900s and the 2000s for a two-digit one (the caller picks with its
    /// reference date, or the MRZ settles it).
    pub fn candidates(&self) -> Vec<NaiveDate> {
        if self.four_digit_year {
            return self.date().into_iter().collect();
        }
        [1900, 2000]
            .iter()
            .filter_map(|century| NaiveDate::from_ymd_opt(century + self.year, self.month, self.day))
            .collect()
    }
}

/// The visual zone's fields; `None` where no label with a value was found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VizFields {
    /// Surname (primary identifier), as printed.
    pub surname: Option<VizField<String>>,
    /// Given names (secondary identifier), as printed.
    pub given_names: Option<VizField<String>>,
    /// Document number, letters and digits.
    pub document_number: Option<VizField<String>>,
    /// Date of birth.
    pub birth_date: Option<VizField<PrintedDate>>,
    /// Date of expiry.
    pub expiry_date: Option<VizField<PrintedDate>>,
    /// Date of issue (not in the MRZ; not cross-checked).
    pub issue_date: Option<VizField<PrintedDate>>,
    /// `M`, `F` or `X`.
    pub sex: Option<VizField<char>>,
    /// Nationality, when printed as a code.
    pub nationality: Option<VizField<String>>,
    /// Issuing state, when printed as a code.
    pub issuing_state: Option<VizField<String>>,
    /// Surname and given names printed under one label ("Surname, Given
    /// names/Nombres, apellido" on visas), as printed.
    pub full_name: Option<VizField<String>>,
}

/// What a label introduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Surname,
    GivenNames,
    DocumentNumber,
    BirthDate,
    ExpiryDate,
    IssueDate,
    Sex,
    Nationality,
    IssuingState,
    /// Surname and given names under one label ("Surname, Given names").
    FullName,
    /// A field not read here; its label stops a search for a value.
    Other,
}

/// Field labels as documents print them (English first, then French,
/// Spanish, German, Italian, Dutch, Portuguese, Swedish), matched after
/// [`letters`] (case, diacritics and non-letters ignored).
const LABELS: &[(Slot, &str)] = &[
    (Slot::Surname, "Surname"),
    (Slot::Surname, "Surnames"),
    (Slot::Surname, "Primary identifier"),
    (Slot::Surname, "Family name"),
    (Slot::Surname, "Last name"),
    (Slot::Surname, "Nom"),
    (Slot::Surname, "Nom de famille"),
    (Slot::Surname, "Identifiant primaire"),
    (Slot::Surname, "Apellido"),
    (Slot::Surname, "Apellidos"),
    (Slot::Surname, "Name"),
    (Slot::Surname, "Familienname"),
    (Slot::Surname, "Cognome"),
    (Slot::Surname, "Naam"),
    (Slot::Surname, "Achternaam"),
    (Slot::Surname, "Apelido"),
    (Slot::Surname, "Apelidos"),
    (Slot::Surname, "Efternamn"),
    (Slot::GivenNames, "Given names"),
    (Slot::GivenNames, "Given name"),
    (Slot::GivenNames, "Given name(s)"),
    (Slot::GivenNames, "Forenames"),
    (Slot::GivenNames, "First name"),
    (Slot::GivenNames, "First names"),
    (Slot::GivenNames, "Secondary identifier"),
    (Slot::GivenNames, "Prénom"),
    (Slot::GivenNames, "Prénoms"),
    (Slot::GivenNames, "Identifiant secondaire"),
    (Slot::GivenNames, "Nombre"),
    (Slot::GivenNames, "Nombres"),
    (Slot::GivenNames, "Vorname"),
    (Slot::GivenNames, "Vornamen"),
    (Slot::GivenNames, "Nome"),
    (Slot::GivenNames, "Nomi"),
    (Slot::GivenNames, "Voornamen"),
    (Slot::GivenNames, "Nomes"),
    (Slot::GivenNames, "Nome próprio"),
    (Slot::GivenNames, "Förnamn"),
    (Slot::DocumentNumber, "Passport No"),
    (Slot::DocumentNumber, "Passport number"),
    (Slot::DocumentNumber, "Document No"),
    (Slot::DocumentNumber, "Document number"),
    (Slot::DocumentNumber, "Card No"),
    (Slot::DocumentNumber, "Card number"),
    (Slot::DocumentNumber, "No du passeport"),
    (Slot::DocumentNumber, "Numéro de passeport"),
    (Slot::DocumentNumber, "Numéro du document"),
    (Slot::DocumentNumber, "Numéro de document"),
    (Slot::DocumentNumber, "Núm de pasaporte"),
    (Slot::DocumentNumber, "Número de pasaporte"),
    (Slot::DocumentNumber, "Número de documento"),
    (Slot::DocumentNumber, "Pass Nr"),
    (Slot::DocumentNumber, "Passnummer"),
    (Slot::DocumentNumber, "Dokumentennummer"),
    (Slot::DocumentNumber, "Numero passaporto"),
    (Slot::DocumentNumber, "Paspoortnummer"),
    (Slot::DocumentNumber, "Documentnummer"),
    (Slot::DocumentNumber, "Kortnummer"),
    (Slot::BirthDate, "Date of birth"),
    (Slot::BirthDate, "Birth date"),
    (Slot::BirthDate, "Date de naissance"),
    (Slot::BirthDate, "Fecha de nacimiento"),
    (Slot::BirthDate, "Geburtsdatum"),
    (Slot::BirthDate, "Geburtstag"),
    (Slot::BirthDate, "Data di nascita"),
    (Slot::BirthDate, "Geboortedatum"),
    (Slot::BirthDate, "Data de nascimento"),
    (Slot::BirthDate, "Födelsedatum"),
    (Slot::ExpiryDate, "Date of expiry"),
    (Slot::ExpiryDate, "Expiry date"),
    (Slot::ExpiryDate, "Expiration date"),
    (Slot::ExpiryDate, "Expiry"),
    (Slot::ExpiryDate, "Valid until"),
    (Slot::ExpiryDate, "Date d'expiration"),
    (Slot::ExpiryDate, "Valable jusqu'au"),
    (Slot::ExpiryDate, "Valide jusqu'au"),
    (Slot::ExpiryDate, "Fecha de caducidad"),
    (Slot::ExpiryDate, "Fecha de expiración"),
    (Slot::ExpiryDate, "Gültig bis"),
    (Slot::ExpiryDate, "Data di scadenza"),
    (Slot::ExpiryDate, "Geldig tot"),
    (Slot::ExpiryDate, "Data de validade"),
    (Slot::ExpiryDate, "Válido até"),
    (Slot::ExpiryDate, "Giltig tom"),
    (Slot::ExpiryDate, "Giltig till"),
    (Slot::IssueDate, "Date of issue"),
    (Slot::IssueDate, "Issue date"),
    (Slot::IssueDate, "Date de délivrance"),
    (Slot::IssueDate, "Fecha de expedición"),
    (Slot::IssueDate, "Fecha de emisión"),
    (Slot::IssueDate, "Ausstellungsdatum"),
    (Slot::IssueDate, "Data di rilascio"),
    (Slot::IssueDate, "Data del rilascio"),
    (Slot::IssueDate, "Datum van afgifte"),
    (Slot::IssueDate, "Data de emissão"),
    (Slot::IssueDate, "Utfärdandedatum"),
    (Slot::Sex, "Sex"),
    (Slot::Sex, "Sexe"),
    (Slot::Sex, "Sexo"),
    (Slot::Sex, "Geschlecht"),
    (Slot::Sex, "Sesso"),
    (Slot::Sex, "Geslacht"),
    (Slot::Sex, "Kön"),
    (Slot::Nationality, "Nationality"),
    (Slot::Nationality, "Nationalité"),
    (Slot::Nationality, "Nacionalidad"),
    (Slot::Nationality, "Staatsangehörigkeit"),
    (Slot::Nationality, "Cittadinanza"),
    (Slot::Nationality, "Nazionalità"),
    (Slot::Nationality, "Nationaliteit"),
    (Slot::Nationality, "Nacionalidade"),
    (Slot::Nationality, "Medborgarskap"),
    (Slot::Nationality, "Nationalitet"),
    (Slot::IssuingState, "Code"),
    (Slot::IssuingState, "Country code"),
    (Slot::IssuingState, "Issuing country"),
    (Slot::IssuingState, "Issuing state"),
    (Slot::IssuingState, "Code of issuing state"),
    (Slot::IssuingState, "Code du pays"),
    (Slot::IssuingState, "Código del país"),
    (Slot::IssuingState, "Pays émetteur"),
    (Slot::IssuingState, "Ausstellender Staat"),
    (Slot::IssuingState, "Landcode"),
    (Slot::IssuingState, "Código do país"),
    (Slot::IssuingState, "Landskod"),
    (Slot::Other, "Type"),
    (Slot::Other, "Tipo"),
    (Slot::Other, "Typ"),
    (Slot::Other, "Passport"),
    (Slot::Other, "Passeport"),
    (Slot::Other, "Pasaporte"),
    (Slot::Other, "Reisepass"),
    (Slot::Other, "Identity card"),
    (Slot::Other, "Place of birth"),
    (Slot::Other, "Lieu de naissance"),
    (Slot::Other, "Lugar de nacimiento"),
    (Slot::Other, "Geburtsort"),
    (Slot::Other, "Luogo di nascita"),
    (Slot::Other, "Geboorteplaats"),
    (Slot::Other, "Authority"),
    (Slot::Other, "Issuing authority"),
    (Slot::Other, "Autorité"),
    (Slot::Other, "Autoridad"),
    (Slot::Other, "Behörde"),
    (Slot::Other, "Autorità"),
    (Slot::Other, "Myndighet"),
    (Slot::Other, "Personal No"),
    (Slot::Other, "Personal number"),
    (Slot::Other, "Record No"),
    (Slot::Other, "Control number"),
    (Slot::Other, "Holder's signature"),
    (Slot::Other, "Signature"),
    (Slot::Other, "Firma del titular"),
    (Slot::Other, "Height"),
    (Slot::Other, "Taille"),
    (Slot::Other, "Address"),
    (Slot::Other, "Adresse"),
    (Slot::Other, "Domicilio"),
];

/// Month names and abbreviations (after [`letters`], upper-cased) by
/// month. A word names a month when it is one of these or, with three
/// letters or more, the start of one.
const MONTHS: [&[&str]; 12] = [
    &[
        "JANUARY", "JANVIER", "JANV", "ENERO", "ENE", "JANUAR", "JANNER", "GENNAIO", "GEN", "JANEIRO", "JANUARI",
    ],
    &[
        "FEBRUARY",
        "FEVRIER",
        "FEVR",
        "FEBRERO",
        "FEBRUAR",
        "FEBBRAIO",
        "FEVEREIRO",
        "FEV",
        "FEBRUARI",
    ],
    &["MARCH", "MARS", "MARZO", "MARZ", "MRZ", "MARCO", "MAART", "MRT"],
    &["APRIL", "AVRIL", "AVR", "ABRIL", "ABR", "APRILE"],
    &["MAY", "MAI", "MAYO", "MAGGIO", "MAG", "MAIO", "MEI", "MAJ"],
    &["JUNE", "JUIN", "JUNIO", "JUNI", "GIUGNO", "GIU", "JUNHO"],
    &["JULY", "JUILLET", "JUIL", "JULIO", "JULI", "LUGLIO", "LUG", "JULHO"],
    &["AUGUST", "AOUT", "AGOSTO", "AGO", "AUGUSTUS", "AUGUSTI"],
    &[
        "SEPTEMBER",
        "SEPTEMBRE",
        "SEPT",
        "SEPTIEMBRE",
        "SETIEMBRE",
        "SET",
        "SETTEMBRE",
        "SETEMBRO",
    ],
    &[
        "OCTOBER", "OCTOBRE", "OCTUBRE", "OKTOBER", "OKT", "OTTOBRE", "OTT", "OUTUBRO", "OUT",
    ],
    &["NOVEMBER", "NOVEMBRE", "NOVIEMBRE", "NOVEMBRO"],
    &[
        "DECEMBER",
        "DECEMBRE",
        "DICIEMBRE",
        "DIC",
        "DEZEMBER",
        "DEZ",
        "DICEMBRE",
        "DEZEMBRO",
    ],
];

/// `c` lower-cased without its diacritic (the Latin letters documents
/// print); other characters lower-cased as they are. `ß` and ligatures
/// become two letters.
fn fold(c: char) -> String {
    let lower = c.to_lowercase().next().unwrap_or(c);
    let plain = match lower {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
        'ğ' | 'ģ' => 'g',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => 'i',
        'ķ' => 'k',
        'ł' | 'ļ' | 'ľ' => 'l',
        'ñ' | 'ń' | 'ň' | 'ņ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ř' => 'r',
        'ś' | 'š' | 'ş' | 'ș' => 's',
        'ť' | 'ţ' | 'ț' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        'ß' => return "ss".into(),
        'æ' => return "ae".into(),
        'œ' => return "oe".into(),
        other => other,
    };
    plain.to_string()
}

/// The letters of `text`, folded (see [`fold`]), nothing else.
fn letters(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(|c| fold(c).chars().collect::<Vec<_>>())
        .collect()
}

/// Levenshtein distance, or `limit + 1` as soon as it must exceed `limit`.
fn edit_distance(a: &[char], b: &[char], limit: usize) -> usize {
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        current[0] = i + 1;
        let mut row_min = current[0];
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            row_min = row_min.min(current[j + 1]);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// Edits a label of `len` letters may be read with: none up to four
/// letters (short labels are too easily a value), one up to eight, two
/// beyond.
fn label_allowance(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Letters as labels are compared: [`letters`], with `rn` read as `m`
/// (the recogniser's most common confusion in small print: "Sumame").
fn label_form(letters: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(letters.len());
    let mut i = 0;
    while let Some(&c) = letters.get(i) {
        if c == 'r' && letters.get(i + 1) == Some(&'n') {
            out.push('m');
            i += 2;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// A label found: what it introduces and how much of it was read right
/// (its letters less the edits), which ranks labels of one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LabelMatch {
    slot: Slot,
    edits: usize,
    strength: usize,
}

/// The label table in [`label_form`].
struct Labels(Vec<(Slot, Vec<char>)>);

impl Labels {
    fn new() -> Self {
        Self(
            LABELS
                .iter()
                .map(|(slot, text)| (*slot, label_form(&letters(text).chars().collect::<Vec<_>>())))
                .collect(),
        )
    }

    /// The closest label to `word` (its letters) within its allowance.
    fn closest(&self, word: &[char]) -> Option<LabelMatch> {
        if word.is_empty() {
            return None;
        }
        let word = label_form(word);
        self.0
            .iter()
            .filter_map(|(slot, label)| {
                let allowance = label_allowance(label.len());
                let edits = edit_distance(&word, label, allowance);
                (edits <= allowance).then_some(LabelMatch {
                    slot: *slot,
                    edits,
                    strength: label.len() - edits,
                })
            })
            .min_by_key(|m| (m.edits, std::cmp::Reverse(m.strength)))
    }
}

/// One word of a line: its place among the line's characters and its
/// letters.
#[derive(Debug, Clone)]
struct Word {
    start: usize,
    end: usize,
    letters: Vec<char>,
    /// Whether a `/` stands between this word and the one before.
    after_slash: bool,
}

/// The words of `chars`, cut at whitespace and the separators `/ | : ; ,`.
fn words(chars: &[char]) -> Vec<Word> {
    let is_separator = |c: char| c.is_whitespace() || matches!(c, '/' | '|' | ':' | ';' | ',');
    let mut out = Vec::new();
    let mut start = None;
    let mut slash = false;
    for (i, &c) in chars.iter().enumerate().chain(std::iter::once((chars.len(), &' '))) {
        if is_separator(c) {
            if let Some(s) = start.take() {
                let text: String = chars.get(s..i).unwrap_or_default().iter().collect();
                out.push(Word {
                    start: s,
                    end: i,
                    letters: letters(&text).chars().collect(),
                    after_slash: slash,
                });
                slash = false;
            }
            slash |= c == '/';
        } else if start.is_none() {
            start = Some(i);
        }
        if out.len() >= MAX_WORDS {
            break;
        }
    }
    out
}

/// A run of a line's words: a label, or text between labels.
#[derive(Debug, Clone)]
struct Segment {
    line: usize,
    /// `Some` for a label.
    slot: Option<Slot>,
    /// For a label, its [`LabelMatch::strength`] (the best of its
    /// translations).
    strength: usize,
    /// The words, indices into the line's words.
    first: usize,
    last: usize,
    bbox: TextBox,
}

/// A line prepared for the search: its characters, words and segments.
struct Prepared<'a> {
    line: &'a TextLine,
    chars: Vec<char>,
    words: Vec<Word>,
}

impl Prepared<'_> {
    /// The estimated box of characters `start..end`: the line's box cut in
    /// proportion to the characters.
    fn span_box(&self, start: usize, end: usize) -> TextBox {
        let b = self.line.bbox;
        let n = self.chars.len().max(1) as f32;
        let width = b.x1 - b.x0;
        TextBox {
            x0: b.x0 + width * start as f32 / n,
            x1: b.x0 + width * end as f32 / n,
            ..b
        }
    }

    /// The original text of words `first..=last`.
    fn text(&self, first: usize, last: usize) -> String {
        let (Some(a), Some(b)) = (self.words.get(first), self.words.get(last)) else {
            return String::new();
        };
        self.chars
            .get(a.start..b.end)
            .unwrap_or_default()
            .iter()
            .collect::<String>()
            .trim()
            .to_string()
    }
}

/// Whether `text` looks like an MRZ line: long, nearly all MRZ symbols
/// (the recogniser reads the filler as `<`, `«`, `‹` or `く`), with fillers
/// or digits (a long surname alone has neither).
fn looks_like_mrz(text: &str) -> bool {
    let symbols: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if symbols.len() < MRZ_MIN_CHARS {
        return false;
    }
    let is_filler = |c: &char| matches!(c, '<' | '«' | '‹' | 'く');
    let mrz = symbols
        .iter()
        .filter(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || is_filler(c))
        .count();
    let fillers = symbols.iter().filter(|c| is_filler(c)).count();
    let digits = symbols.iter().filter(|c| c.is_ascii_digit()).count();
    mrz * 10 >= symbols.len() * 9 && (fillers >= 2 || digits >= 4)
}

/// Cuts each line into label and text segments. A label starts its line, its translation (after a `/`), or follows
/// another label or a field number ("01 Surname"): a label's word inside
/// running text ("the historical form of the person's name") is not one.
fn segments(prepared: &[Prepared<'_>], labels: &Labels) -> Vec<Segment> {
    let mut out = Vec::new();
    for (index, p) in prepared.iter().enumerate() {
        let mut i = 0;
        let mut text_start: Option<usize> = None;
        let mut in_text = false;
        while let Some(word) = p.words.get(i) {
            in_text &= !word.after_slash;
            let found = if in_text {
                None
            } else {
                best_label_at(&p.words, i, labels)
            };
            match found {
                Some((found, len)) => {
                    if let Some(s) = text_start.take() {
                        out.push(segment(p, index, None, s, i - 1));
                    }
                    let mut label = segment(p, index, Some(found.slot), i, i + len - 1);
                    label.strength = found.strength;
                    // A translation of the same label continues it; a
                    // surname label next to a given-names label is one
                    // label for the whole name.
                    match out.last_mut() {
                        Some(prev) if prev.line == index && prev.last + 1 == i => match joined(prev.slot, found.slot) {
                            Some(slot) => {
                                prev.slot = Some(slot);
                                prev.last = label.last;
                                prev.bbox = merged_box(prev.bbox, label.bbox);
                                prev.strength = prev.strength.max(label.strength);
                            }
                            None => out.push(label),
                        },
                        _ => out.push(label),
                    }
                    i += len;
                }
                None => {
                    text_start.get_or_insert(i);
                    in_text |= !word.letters.is_empty();
                    i += 1;
                }
            }
        }
        if let Some(s) = text_start {
            out.push(segment(p, index, None, s, p.words.len() - 1));
        }
    }
    out
}

/// The slot of two adjacent labels read as one, if they are one: the same
/// field (translations), or the two parts of the name.
fn joined(previous: Option<Slot>, next: Slot) -> Option<Slot> {
    use Slot::{FullName, GivenNames, Surname};
    match (previous?, next) {
        (a, b) if a == b => Some(a),
        (Surname | GivenNames | FullName, Surname | GivenNames) => Some(FullName),
        _ => None,
    }
}

fn segment(p: &Prepared<'_>, line: usize, slot: Option<Slot>, first: usize, last: usize) -> Segment {
    let start = p.words.get(first).map_or(0, |w| w.start);
    let end = p.words.get(last).map_or(0, |w| w.end);
    Segment {
        line,
        slot,
        strength: 0,
        first,
        last,
        bbox: p.span_box(start, end),
    }
}

fn merged_box(a: TextBox, b: TextBox) -> TextBox {
    TextBox {
        x0: a.x0.min(b.x0),
        y0: a.y0.min(b.y0),
        x1: a.x1.max(b.x1),
        y1: a.y1.max(b.y1),
        score: a.score.min(b.score),
    }
}

/// The best label starting at word `i`, and the words it spans; the
/// fewest edits win, then the most words.
fn best_label_at(words: &[Word], i: usize, labels: &Labels) -> Option<(LabelMatch, usize)> {
    let mut best: Option<(LabelMatch, usize)> = None;
    let mut joined: Vec<char> = Vec::new();
    for len in 1..=MAX_LABEL_WORDS {
        let Some(word) = words.get(i + len - 1) else { break };
        // A label does not run on across a '/': that joins translations.
        if len > 1 && word.after_slash {
            break;
        }
        joined.extend(&word.letters);
        if let Some(found) = labels.closest(&joined) {
            if best.is_none_or(|(b, _)| found.edits <= b.edits) {
                best = Some((found, len));
            }
        }
    }
    best
}

fn height(b: &TextBox) -> f32 {
    (b.y1 - b.y0).max(1.0)
}

fn vertical_overlap(a: &TextBox, b: &TextBox) -> f32 {
    (a.y1.min(b.y1) - a.y0.max(b.y0)).max(0.0)
}

fn horizontal_overlap(a: &TextBox, b: &TextBox) -> f32 {
    (a.x1.min(b.x1) - a.x0.max(b.x0)).max(0.0)
}

/// Two boxes on one row: they share half the lower one's height.
fn same_row(a: &TextBox, b: &TextBox) -> bool {
    vertical_overlap(a, b) >= 0.5 * height(a).min(height(b))
}

/// Whether a segment holds something a value can be made of.
fn has_alphanumeric(p: &Prepared<'_>, s: &Segment) -> bool {
    p.text(s.first, s.last).chars().any(char::is_alphanumeric)
}

/// Mostly capitals (or no letter that tells), as printed values are;
/// labels are usually in mixed case.
fn looks_like_value(text: &str) -> bool {
    // Letters whose capital has the same shape tell nothing (`x` for `X`).
    let telling = |c: &char| c.is_alphabetic() && !"cosuvwxzCOSUVWXZ".contains(*c);
    let letters = text.chars().filter(telling).count();
    let upper = text.chars().filter(|c| telling(c) && c.is_uppercase()).count();
    letters == 0 || upper * 2 >= letters
}

/// A value found for a label: the line it is on and its words.
#[derive(Debug, Clone)]
struct Found {
    line: usize,
    first: usize,
    last: usize,
}

/// The value of label segment `label` (see the module docs, step 3).
fn value_for(label: &Segment, all: &[Segment], prepared: &[Prepared<'_>], page: (u32, u32)) -> Option<Found> {
    same_line_value(label, all, prepared)
        .or_else(|| value_below(label, all, prepared, page))
        .or_else(|| value_right(label, all, prepared))
}

fn same_line_value(label: &Segment, all: &[Segment], prepared: &[Prepared<'_>]) -> Option<Found> {
    let next = all
        .iter()
        .find(|s| s.line == label.line && s.first == label.last + 1 && s.slot.is_none())?;
    let p = prepared.get(next.line)?;
    let starts_with_slash = p.words.get(next.first).is_some_and(|w| w.after_slash);
    let text = p.text(next.first, next.last);
    (!starts_with_slash && has_alphanumeric(p, next) && looks_like_value(&text)).then_some(Found {
        line: next.line,
        first: next.first,
        last: next.last,
    })
}

fn value_below(label: &Segment, all: &[Segment], prepared: &[Prepared<'_>], page: (u32, u32)) -> Option<Found> {
    let lb = label.bbox;
    let max_gap = (3.0 * height(&lb)).min(0.15 * page.1 as f32).max(1.0);
    let reach = height(&lb);
    let widened = TextBox {
        x0: lb.x0 - reach,
        x1: lb.x1 + reach,
        ..lb
    };
    let mut below: Vec<&Segment> = all
        .iter()
        .filter(|s| s.line != label.line)
        .filter(|s| s.bbox.y0 >= (lb.y0 + lb.y1) / 2.0 && s.bbox.y0 - lb.y1 <= max_gap)
        .filter(|s| horizontal_overlap(&s.bbox, &widened) > 0.0)
        .collect();
    below.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0));
    let mut rows_seen = 0;
    let mut i = 0;
    while let Some(first) = below.get(i) {
        let row: Vec<&Segment> = below
            .iter()
            .skip(i)
            .take_while(|s| same_row(&s.bbox, &first.bbox))
            .copied()
            .collect();
        i += row.len().max(1);
        rows_seen += 1;
        let nearest = row
            .iter()
            .min_by(|a, b| (a.bbox.x0 - lb.x0).abs().total_cmp(&(b.bbox.x0 - lb.x0).abs()))?;
        match nearest.slot {
            // A translation of the label on the next line: look further.
            Some(slot) if Some(slot) == label.slot && rows_seen < 3 => continue,
            Some(_) => return None,
            None => {
                let p = prepared.get(nearest.line)?;
                if !has_alphanumeric(p, nearest) {
                    continue;
                }
                // Mostly lower case: a label not in the table (or misread).
                if !looks_like_value(&p.text(nearest.first, nearest.last)) {
                    return None;
                }
                return Some(clipped(label, nearest, all, p));
            }
        }
    }
    None
}

fn value_right(label: &Segment, all: &[Segment], prepared: &[Prepared<'_>]) -> Option<Found> {
    let lb = label.bbox;
    let max_gap = 4.0 * height(&lb);
    let nearest = all
        .iter()
        .filter(|s| s.line != label.line && same_row(&s.bbox, &lb))
        .filter(|s| s.bbox.x0 >= lb.x1 - 0.5 * height(&lb) && s.bbox.x0 - lb.x1 <= max_gap)
        .min_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0))?;
    let p = prepared.get(nearest.line)?;
    let text = p.text(nearest.first, nearest.last);
    (nearest.slot.is_none() && has_alphanumeric(p, nearest) && looks_like_value(&text)).then_some(Found {
        line: nearest.line,
        first: nearest.first,
        last: nearest.last,
    })
}

/// `value`'s words within the label's column: from the end of the label
/// to its left on the same row, to the start of the label to its right.
/// All of `value` when no word falls in the column.
fn clipped(label: &Segment, value: &Segment, all: &[Segment], p: &Prepared<'_>) -> Found {
    let row_labels = all
        .iter()
        .filter(|s| s.slot.is_some() && s.line != value.line && same_row(&s.bbox, &label.bbox));
    let left = row_labels
        .clone()
        .filter(|s| s.bbox.x1 <= label.bbox.x0)
        .map(|s| s.bbox.x1)
        .fold(f32::NEG_INFINITY, f32::max);
    let right = row_labels
        .filter(|s| s.bbox.x0 >= label.bbox.x1)
        .map(|s| s.bbox.x0)
        .fold(f32::INFINITY, f32::min);
    let inside: Vec<usize> = (value.first..=value.last)
        .filter(|&w| {
            p.words.get(w).is_some_and(|word| {
                let b = p.span_box(word.start, word.end);
                let centre = (b.x0 + b.x1) / 2.0;
                centre >= left && centre < right
            })
        })
        .collect();
    match (inside.first(), inside.last()) {
        (Some(&first), Some(&last)) => Found {
            line: value.line,
            first,
            last,
        },
        _ => Found {
            line: value.line,
            first: value.first,
            last: value.last,
        },
    }
}

/// The visual zone's fields from the text lines of an upright document
/// image of `page` (width, height) pixels (see the module docs).
pub fn read_viz(lines: &[TextLine], page: (u32, u32)) -> VizFields {
    let labels = Labels::new();
    let lines = &lines[..lines.len().min(MAX_LINES)];
    // ICAO 9303-3 puts the zone at the bottom: one higher up is not it.
    let mrz_top = lines
        .iter()
        .filter(|l| looks_like_mrz(&l.text) && l.bbox.y1 > page.1 as f32 / 2.0)
        .map(|l| l.bbox.y0)
        .fold(f32::INFINITY, f32::min);
    let prepared: Vec<Prepared<'_>> = lines
        .iter()
        .filter(|l| (l.bbox.y0 + l.bbox.y1) / 2.0 < mrz_top)
        .map(|line| {
            let chars: Vec<char> = line.text.chars().take(MAX_LINE_CHARS).collect();
            let words = words(&chars);
            Prepared { line, chars, words }
        })
        .collect();
    let all = segments(&prepared, &labels);
    let mut order: Vec<&Segment> = all
        .iter()
        .filter(|s| s.slot.is_some_and(|s| s != Slot::Other))
        .collect();
    order.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0).then(a.bbox.x0.total_cmp(&b.bbox.x0)));

    let mut candidates: Vec<Candidate> = Vec::new();
    for label in order {
        let Some(slot) = label.slot else { continue };
        let Some(found) = value_for(label, &all, &prepared, page) else {
            continue;
        };
        let (Some(lp), Some(vp)) = (prepared.get(label.line), prepared.get(found.line)) else {
            continue;
        };
        let start = vp.words.get(found.first).map_or(0, |w| w.start);
        let end = vp.words.get(found.last).map_or(0, |w| w.end);
        candidates.push(Candidate {
            slot,
            strength: label.strength,
            field: VizField {
                value: None,
                text: vp.text(found.first, found.last),
                label: lp.text(label.first, label.last),
                confidence: vp.line.confidence,
                bbox: vp.span_box(start, end),
            },
        });
    }
    VizFields {
        surname: pick(&candidates, Slot::Surname, parse_name),
        given_names: pick(&candidates, Slot::GivenNames, parse_name),
        document_number: pick(&candidates, Slot::DocumentNumber, parse_number),
        birth_date: pick(&candidates, Slot::BirthDate, parse_date),
        expiry_date: pick(&candidates, Slot::ExpiryDate, parse_date),
        issue_date: pick(&candidates, Slot::IssueDate, parse_date),
        sex: pick(&candidates, Slot::Sex, parse_sex),
        nationality: pick(&candidates, Slot::Nationality, parse_code),
        issuing_state: pick(&candidates, Slot::IssuingState, parse_code),
        full_name: pick(&candidates, Slot::FullName, parse_name),
    }
}

/// A value found under a label, not parsed yet.
struct Candidate {
    slot: Slot,
    strength: usize,
    field: VizField<()>,
}

/// The field's reading among the candidates for `slot`: one whose value
/// parses, under the label read best (most letters right), the first
/// (top to bottom) on a tie.
fn pick<T>(candidates: &[Candidate], slot: Slot, parse: fn(&str) -> Option<T>) -> Option<VizField<T>> {
    let mut best: Option<((bool, usize), VizField<T>)> = None;
    for candidate in candidates.iter().filter(|c| c.slot == slot) {
        let value = parse(&candidate.field.text);
        let rank = (value.is_some(), candidate.strength);
        if best.as_ref().is_none_or(|(best_rank, _)| rank > *best_rank) {
            let field = &candidate.field;
            let reading = VizField {
                value,
                text: field.text.clone(),
                label: field.label.clone(),
                confidence: field.confidence,
                bbox: field.bbox,
            };
            best = Some((rank, reading));
        }
    }
    best.map(|(_, field)| field)
}

/// A name as printed: upper case, spaces collapsed; `None` when no
/// `/`-separated form of it is free of digits (names have none: that is a
/// number under a misread label).
fn parse_name(text: &str) -> Option<String> {
    let name = text.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase();
    let plausible = name
        .split('/')
        .any(|form| form.chars().any(char::is_alphabetic) && !form.chars().any(|c| c.is_ascii_digit()));
    plausible.then_some(name)
}

/// A document number: its letters and digits, upper case.
fn parse_number(text: &str) -> Option<String> {
    let number: String = text
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (!number.is_empty()).then_some(number)
}

/// A country code: the first word of three capital letters (or `D`).
fn parse_code(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .find(|w| (w.len() == 3 && w.chars().all(|c| c.is_ascii_uppercase())) || *w == "D")
        .map(str::to_string)
}

/// `M`, `F` or `X` from the letters or the words (`MALE`, `FEMENINO`…);
/// `None` when nothing is recognised or two readings disagree (`M/F`).
fn parse_sex(text: &str) -> Option<char> {
    let mut found: Option<char> = None;
    for word in text.split(|c: char| !(c.is_alphanumeric() || c == '<')) {
        let word = letters(word).to_uppercase();
        let sex = match word.as_str() {
            "M" | "MALE" | "MASCULIN" | "MASCULINO" | "MANNLICH" | "MASCHILE" => 'M',
            "F" | "FEMALE" | "FEMININ" | "FEMENINO" | "FEMININO" | "WEIBLICH" | "FEMMINILE" => 'F',
            "X" => 'X',
            _ if text.trim() == "<" => 'X',
            _ => continue,
        };
        match found {
            Some(previous) if previous != sex => return None,
            _ => found = Some(sex),
        }
    }
    found
}

/// The month a word names (see [`MONTHS`]), if exactly one.
fn month_named(word: &str) -> Option<u32> {
    if word.chars().count() < 3 {
        return None;
    }
    let mut matches = MONTHS
        .iter()
        .enumerate()
        .filter(|(_, names)| names.iter().any(|name| *name == word || name.starts_with(word)))
        .map(|(i, _)| i as u32 + 1);
    let first = matches.next()?;
    matches.all(|m| m == first).then_some(first)
}

/// A date in one of the printed forms (see the module docs); `None` for
/// anything else, or two month names that disagree. A month name with a
/// digit read for a letter (`0CT`) is read again with the letter.
fn parse_date(text: &str) -> Option<PrintedDate> {
    let chars: Vec<char> = text.chars().take(64).collect();
    parse_date_chars(&chars).or_else(|| parse_date_chars(&digits_as_letters(&chars)))
}

/// A lone digit touching a letter, read as the letter it looks like
/// (`0CT` → `OCT`, `AU6` → `AUG`); digits next to digits are left alone.
fn digits_as_letters(chars: &[char]) -> Vec<char> {
    let letter_for = |c: char| match c {
        '0' => Some('O'),
        '1' => Some('I'),
        '2' => Some('Z'),
        '5' => Some('S'),
        '6' => Some('G'),
        '8' => Some('B'),
        _ => None,
    };
    let at = |i: Option<usize>| i.and_then(|i| chars.get(i)).copied();
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let (before, after) = (at(i.checked_sub(1)), at(Some(i + 1)));
            let touches_letter = before.is_some_and(char::is_alphabetic) || after.is_some_and(char::is_alphabetic);
            let touches_digit = before.is_some_and(|b| b.is_ascii_digit()) || after.is_some_and(|a| a.is_ascii_digit());
            match letter_for(c) {
                Some(letter) if touches_letter && !touches_digit => letter,
                _ => c,
            }
        })
        .collect()
}

fn parse_date_chars(chars: &[char]) -> Option<PrintedDate> {
    let mut numbers: Vec<String> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let rest = chars.get(i..).unwrap_or_default().iter();
        let run: String = if c.is_ascii_digit() {
            rest.take_while(|c| c.is_ascii_digit()).collect()
        } else if c.is_alphabetic() {
            rest.take_while(|c| c.is_alphabetic()).collect()
        } else {
            i += 1;
            continue;
        };
        i += run.chars().count();
        if c.is_ascii_digit() {
            numbers.push(run);
        } else {
            words.push(letters(&run).to_uppercase());
        }
    }
    let named: Vec<u32> = words.iter().filter_map(|w| month_named(w)).collect();
    let (day, month, year) = match (named.first(), numbers.as_slice()) {
        (Some(&month), [a, b]) if named.iter().all(|&m| m == month) => {
            if a.len() == 4 {
                (b, month, a)
            } else {
                (a, month, b)
            }
        }
        (None, [a, b, c]) if words.is_empty() => {
            let month = b.parse().ok()?;
            if a.len() == 4 {
                (c, month, a)
            } else {
                (a, month, c)
            }
        }
        _ => return None,
    };
    if day.len() > 2 || !(year.len() == 2 || year.len() == 4) {
        return None;
    }
    let date = PrintedDate {
        day: day.parse().ok()?,
        month,
        year: year.parse().ok()?,
        four_digit_year: year.len() == 4,
    };
    (!date.candidates().is_empty()).then_some(date)
}

/// How a printed field compares with the MRZ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Agreement {
    /// The same, as ICAO 9303 writes the MRZ from the VIZ.
    Agree,
    /// Different beyond what OCR noise can explain: `VIZ_MRZ_MISMATCH`.
    Mismatch,
    /// Different, but the difference may be OCR noise (or the value could
    /// not be compared): decides nothing.
    Uncertain,
}

/// One field's cross-check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VizCheck {
    /// The report's field name (`surname`, `birth_date`, …).
    pub field: &'static str,
    /// The outcome.
    pub agreement: Agreement,
    /// The printed text as read.
    pub viz: String,
    /// The MRZ's value.
    pub mrz: String,
    /// The recogniser's confidence for the printed line.
    pub confidence: f32,
    /// Edits between them, look-alike characters not counted (0 when they
    /// agree or could not be compared).
    pub edits: usize,
    /// Why, in words.
    pub why: &'static str,
}

/// How strict [`cross_check`] is (see the module docs for the rule).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CrossCheckOptions {
    /// From this line confidence, two or more edits are a mismatch.
    /// Default 0.9.
    pub min_confidence: f32,
    /// From this line confidence, one substituted character is a mismatch.
    /// Default 0.97.
    pub min_confidence_one_edit: f32,
    /// The MRZ's name field is full (`MrzReport::fields.names_truncated`):
    /// its names may be cut short of the printed ones.
    pub names_truncated: bool,
}

impl Default for CrossCheckOptions {
    fn default() -> Self {
        Self {
            min_confidence: 0.9,
            min_confidence_one_edit: 0.97,
            names_truncated: false,
        }
    }
}

/// Whether any field is a mismatch (`VIZ_MRZ_MISMATCH`).
pub fn has_mismatch(checks: &[VizCheck]) -> bool {
    checks.iter().any(|c| c.agreement == Agreement::Mismatch)
}

/// Places of the document number field in the MRZ.
const MRZ_NUMBER_PLACES: usize = 9;

/// Characters OCR confuses in print; a substitution within one group is
/// not counted as an edit.
const LOOK_ALIKES: &[&str] = &["0ODQ", "1IL", "2Z", "5S", "6G", "8B", "UV"];

fn look_alike(a: char, b: char) -> bool {
    a == b || LOOK_ALIKES.iter().any(|group| group.contains(a) && group.contains(b))
}

/// Edit distance where look-alike substitutions cost nothing.
fn real_edits(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(!look_alike(ca, cb));
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The outcome for two differing values, `viz` and `mrz` in comparable
/// form (see the module docs).
fn judge(viz: &[char], mrz: &[char], confidence: f32, options: &CrossCheckOptions) -> (Agreement, usize, &'static str) {
    let edits = real_edits(viz, mrz);
    let substitution = viz.len() == mrz.len();
    match edits {
        0 => (Agreement::Uncertain, 0, "look-alike characters only"),
        1 if !substitution => (Agreement::Uncertain, 1, "one character dropped or added: OCR noise"),
        1 if confidence >= options.min_confidence_one_edit => (Agreement::Mismatch, 1, "one character differs"),
        1 => (
            Agreement::Uncertain,
            1,
            "one character differs on a line not read confidently",
        ),
        _ if confidence >= options.min_confidence => (Agreement::Mismatch, edits, "differs"),
        _ => (Agreement::Uncertain, edits, "differs on a line not read confidently"),
    }
}

/// Letters and digits, upper case, diacritics folded.
fn comparable(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| fold(c).chars().collect::<Vec<_>>())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Compares the printed fields with the MRZ's (`mrz`: the report's field
/// names, dates ISO `YYYY-MM-DD`, names with spaces for fillers). One
/// check per field present in both; the issue date has no MRZ counterpart.
pub fn cross_check(
    viz: &VizFields,
    mrz: &BTreeMap<&'static str, String>,
    options: &CrossCheckOptions,
) -> Vec<VizCheck> {
    let mut checks = Vec::new();
    let mut add = |field: &'static str, check: Option<VizCheck>| {
        if let Some(mut check) = check {
            check.field = field;
            checks.push(check);
        }
    };
    add(
        "surname",
        with_mrz(mrz, "surname", &viz.surname, |v, m| check_name(v, m, options)),
    );
    add(
        "given_names",
        with_mrz(mrz, "given_names", &viz.given_names, |v, m| check_name(v, m, options)),
    );
    add(
        "document_number",
        with_mrz(mrz, "document_number", &viz.document_number, |v, m| {
            check_plain(v, m, options)
        }),
    );
    add(
        "birth_date",
        with_mrz(mrz, "birth_date", &viz.birth_date, |v, m| check_date(v, m, options)),
    );
    add(
        "expiry_date",
        with_mrz(mrz, "expiry_date", &viz.expiry_date, |v, m| check_date(v, m, options)),
    );
    add("sex", with_mrz(mrz, "sex", &viz.sex, |v, m| check_plain(v, m, options)));
    add(
        "nationality",
        with_mrz(mrz, "nationality", &viz.nationality, |v, m| check_plain(v, m, options)),
    );
    add(
        "issuing_state",
        with_mrz(mrz, "issuing_state", &viz.issuing_state, |v, m| {
            check_plain(v, m, options)
        }),
    );
    if let (Some(surname), Some(given)) = (mrz.get("surname"), mrz.get("given_names")) {
        let whole: BTreeMap<&'static str, String> =
            [("full_name", format!("{}<<{}", surname, given).replace(' ', "<"))]
                .into_iter()
                .collect();
        add(
            "full_name",
            with_mrz(&whole, "full_name", &viz.full_name, |v, m| check_name(v, m, options)),
        );
    }
    checks
}

fn with_mrz<T>(
    mrz: &BTreeMap<&'static str, String>,
    key: &'static str,
    field: &Option<VizField<T>>,
    check: impl Fn(&VizField<T>, &str) -> (Agreement, usize, &'static str),
) -> Option<VizCheck> {
    let field = field.as_ref()?;
    let mrz_value = mrz.get(key)?;
    let (agreement, edits, why) = match field.value {
        Some(_) => check(field, mrz_value),
        None => (Agreement::Uncertain, 0, "the printed value could not be parsed"),
    };
    Some(VizCheck {
        field: key,
        agreement,
        viz: field.text.clone(),
        mrz: mrz_value.clone(),
        confidence: field.confidence,
        edits,
        why,
    })
}

/// Document numbers, sex, codes: letters and digits compared. A number
/// longer than the MRZ's nine places that starts with the MRZ's number
/// agrees: passports and visas cut it there (ID cards carry the rest in
/// the optional data, and the parser puts it back).
fn check_plain<T: ToString>(
    field: &VizField<T>,
    mrz: &str,
    options: &CrossCheckOptions,
) -> (Agreement, usize, &'static str) {
    let viz = comparable(&field.value.as_ref().map(ToString::to_string).unwrap_or_default());
    let mrz = comparable(mrz);
    if viz == mrz {
        return (Agreement::Agree, 0, "equal");
    }
    if mrz.len() == MRZ_NUMBER_PLACES && viz.len() > mrz.len() && viz.starts_with(&mrz) {
        return (Agreement::Agree, 0, "cut to the MRZ's nine places");
    }
    judge(&viz, &mrz, field.confidence, options)
}

fn check_date(
    field: &VizField<PrintedDate>,
    mrz: &str,
    options: &CrossCheckOptions,
) -> (Agreement, usize, &'static str) {
    let Some(printed) = field.value else {
        return (Agreement::Uncertain, 0, "the printed value could not be parsed");
    };
    let Ok(date) = NaiveDate::parse_from_str(mrz, "%Y-%m-%d") else {
        return (Agreement::Uncertain, 0, "the MRZ date is not a date");
    };
    let digits = |day: u32, month: u32, year: i32| -> Vec<char> {
        let year = if printed.four_digit_year {
            format!("{year:04}")
        } else {
            format!("{:02}", year.rem_euclid(100))
        };
        format!("{day:02}{month:02}{year}").chars().collect()
    };
    let viz = digits(printed.day, printed.month, printed.year);
    let mrz = digits(date.day(), date.month(), date.year());
    if viz == mrz {
        return (Agreement::Agree, 0, "equal");
    }
    judge(&viz, &mrz, field.confidence, options)
}

/// Names: equal under ICAO 9303 (`openkyc-names`) for any `/`-separated
/// translation, or equal once diacritics are dropped (issuers beyond the
/// ICAO table); else judged on the letters, the printed name cut to the
/// MRZ's length when the MRZ is truncated.
fn check_name(field: &VizField<String>, mrz: &str, options: &CrossCheckOptions) -> (Agreement, usize, &'static str) {
    let printed = field.value.as_deref().unwrap_or_default();
    // Forms with digits are misreadings of another script (`TKA4EHKO`).
    let mut alternatives: Vec<&str> = printed
        .split('/')
        .map(str::trim)
        .filter(|form| !form.is_empty() && !form.chars().any(|c| c.is_ascii_digit()))
        .collect();
    if alternatives.len() > 1 && !printed.chars().any(|c| c.is_ascii_digit()) {
        alternatives.push(printed);
    }
    if mrz.trim().is_empty() && options.names_truncated {
        return (Agreement::Agree, 0, "truncated out of the MRZ");
    }
    let compare = CompareOptions {
        document_truncated: options.names_truncated,
    };
    for alternative in &alternatives {
        let result = compare_names_with(alternative, mrz, &compare);
        if matches!(result.outcome, Outcome::Exact | Outcome::Equivalent) {
            return (Agreement::Agree, 0, "equal as the MRZ writes it");
        }
    }
    let mrz_letters: Vec<char> = comparable(mrz);
    let mut best: Option<(Agreement, usize, &'static str)> = None;
    for alternative in &alternatives {
        let mut viz = comparable(alternative);
        if options.names_truncated && viz.len() > mrz_letters.len() {
            viz.truncate(mrz_letters.len());
        }
        if viz == mrz_letters {
            return (Agreement::Agree, 0, "equal without diacritics");
        }
        // Glare, a finger or the card's edge can hide the end of a printed
        // name; what was read is then the start of the MRZ's. No forger
        // gains by printing less of the same name.
        if !viz.is_empty() && viz.len() < mrz_letters.len() && mrz_letters.starts_with(&viz) {
            return (
                Agreement::Uncertain,
                mrz_letters.len() - viz.len(),
                "the printed name reads cut short",
            );
        }
        let judged = judge(&viz, &mrz_letters, field.confidence, options);
        if best.is_none_or(|(_, edits, _)| judged.1 < edits) {
            best = Some(judged);
        }
    }
    best.unwrap_or((Agreement::Uncertain, 0, "nothing to compare"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, x0: f32, y0: f32, x1: f32, y1: f32, confidence: f32) -> TextLine {
        TextLine {
            bbox: TextBox {
                x0,
                y0,
                x1,
                y1,
                score: 0.9,
            },
            text: text.into(),
            confidence,
            char_confidences: vec![confidence; text.chars().count()],
            char_x: Vec::new(),
        }
    }

    /// The docgen TD3 layout (12 px/mm): small labels, values under them.
    fn specimen_page() -> Vec<TextLine> {
        vec![
            line("UTOPIA", 60.0, 20.0, 200.0, 50.0, 0.99),
            line("PASSPORT / PASSEPORT", 60.0, 55.0, 300.0, 75.0, 0.98),
            line("Type", 504.0, 180.0, 540.0, 196.0, 0.97),
            line("Code", 672.0, 180.0, 712.0, 196.0, 0.98),
            line("Passport No.", 936.0, 180.0, 1040.0, 196.0, 0.98),
            line("P", 504.0, 205.0, 522.0, 232.0, 0.99),
            line("UTO", 672.0, 205.0, 730.0, 232.0, 0.99),
            line("L898902C3", 936.0, 205.0, 1100.0, 232.0, 0.99),
            line("Surname", 504.0, 276.0, 580.0, 292.0, 0.99),
            line("ERIKSSON", 504.0, 301.0, 650.0, 328.0, 0.99),
            line("Given names", 504.0, 372.0, 610.0, 388.0, 0.99),
            line("ANNA MARIA", 504.0, 397.0, 690.0, 424.0, 0.99),
            line("Nationality", 504.0, 468.0, 600.0, 484.0, 0.99),
            line("UTO", 504.0, 493.0, 562.0, 520.0, 0.99),
            line("Date of birth", 504.0, 564.0, 620.0, 580.0, 0.99),
            line("Sex", 1104.0, 564.0, 1134.0, 580.0, 0.99),
            line("12 AUG 1974", 504.0, 589.0, 700.0, 616.0, 0.99),
            line("F", 1104.0, 589.0, 1120.0, 616.0, 0.99),
            line("Date of issue", 504.0, 660.0, 620.0, 676.0, 0.99),
            line("Date of expiry", 960.0, 660.0, 1080.0, 676.0, 0.99),
            line("16 APR 2002", 504.0, 685.0, 700.0, 712.0, 0.99),
            line("15 APR 2012", 960.0, 685.0, 1156.0, 712.0, 0.99),
            line(
                "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                60.0,
                900.0,
                1440.0,
                935.0,
                0.9,
            ),
            line(
                "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
                60.0,
                950.0,
                1440.0,
                985.0,
                0.9,
            ),
        ]
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn specimen_mrz() -> BTreeMap<&'static str, String> {
        [
            ("surname", "ERIKSSON"),
            ("given_names", "ANNA MARIA"),
            ("document_number", "L898902C3"),
            ("birth_date", "1974-08-12"),
            ("expiry_date", "2012-04-15"),
            ("sex", "F"),
            ("nationality", "UTO"),
            ("issuing_state", "UTO"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect()
    }

    fn value<T: Clone>(field: &Option<VizField<T>>) -> Option<T> {
        field.as_ref().and_then(|f| f.value.clone())
    }

    #[test]
    fn reads_every_field_of_the_specimen_layout() {
        let viz = read_viz(&specimen_page(), (1500, 1056));
        assert_eq!(value(&viz.surname).as_deref(), Some("ERIKSSON"));
        assert_eq!(value(&viz.given_names).as_deref(), Some("ANNA MARIA"));
        assert_eq!(value(&viz.document_number).as_deref(), Some("L898902C3"));
        assert_eq!(value(&viz.nationality).as_deref(), Some("UTO"));
        assert_eq!(value(&viz.issuing_state).as_deref(), Some("UTO"));
        assert_eq!(value(&viz.sex), Some('F'));
        assert_eq!(value(&viz.birth_date).and_then(|d| d.date()), Some(date(1974, 8, 12)));
        assert_eq!(value(&viz.issue_date).and_then(|d| d.date()), Some(date(2002, 4, 16)));
        assert_eq!(value(&viz.expiry_date).and_then(|d| d.date()), Some(date(2012, 4, 15)));
        let surname = viz.surname.unwrap();
        assert_eq!(surname.label, "Surname");
        assert_eq!(surname.bbox.y0, 301.0);
        let checks = cross_check(
            &read_viz(&specimen_page(), (1500, 1056)),
            &specimen_mrz(),
            &Default::default(),
        );
        assert_eq!(checks.len(), 8);
        assert!(checks.iter().all(|c| c.agreement == Agreement::Agree), "{checks:#?}");
    }

    #[test]
    fn labels_match_fuzzily_in_other_languages_and_translations_are_passed_over() {
        let labels = Labels::new();
        let closest = |text: &str| {
            let chars: Vec<char> = letters(text).chars().collect();
            labels.closest(&chars).map(|m| m.slot)
        };
        assert_eq!(closest("Surnane"), Some(Slot::Surname));
        assert_eq!(closest("Sumame"), Some(Slot::Surname)); // rn read as m
        assert_eq!(closest("Dale of birh"), Some(Slot::BirthDate));
        assert_eq!(closest("Geburtsdatum"), Some(Slot::BirthDate));
        assert_eq!(closest("Date of expiry"), Some(Slot::ExpiryDate));
        assert_eq!(closest("Date of issue"), Some(Slot::IssueDate));
        assert_eq!(closest("PRÉNOMS"), Some(Slot::GivenNames));
        assert_eq!(closest("Passport"), Some(Slot::Other));
        // Short labels must be exact: a value is not taken for one.
        assert_eq!(closest("Sax"), None);
        assert_eq!(closest("ERIKSSON"), None);
        assert_eq!(closest("ANNA MARIA"), None);

        // Bilingual labels on one line and on two lines, value under both.
        let lines = vec![
            line("Surname/Nom/Apellidos", 100.0, 100.0, 330.0, 116.0, 0.95),
            line("DUPONT", 100.0, 122.0, 200.0, 146.0, 0.99),
            line("Given names/", 100.0, 160.0, 220.0, 176.0, 0.95),
            line("Prénoms", 100.0, 180.0, 180.0, 196.0, 0.95),
            line("MARIE CLAIRE", 100.0, 202.0, 280.0, 226.0, 0.99),
            line("01 PŘÍJMENÍ / SURNAME", 400.0, 100.0, 600.0, 116.0, 0.95),
        ];
        let viz = read_viz(&lines, (800, 600));
        assert_eq!(value(&viz.surname).as_deref(), Some("DUPONT"));
        assert_eq!(viz.surname.map(|s| s.label).as_deref(), Some("Surname/Nom/Apellidos"));
        assert_eq!(value(&viz.given_names).as_deref(), Some("MARIE CLAIRE"));

        // A label's word in running text is not a label.
        let lines = vec![
            line(
                "Personvārda vēsturiskā forma / The historical form of the name",
                100.0,
                100.0,
                500.0,
                116.0,
                0.9,
            ),
            line("ANDRIS JĀNIS PARAUDZIŅŠ", 100.0, 122.0, 400.0, 146.0, 0.99),
        ];
        let viz = read_viz(&lines, (800, 600));
        assert!(viz.surname.is_none(), "{viz:?}");
    }

    #[test]
    fn a_value_on_the_labels_line_and_a_merged_value_row_cut_at_the_next_column() {
        let lines = vec![
            line("Sex M", 100.0, 100.0, 160.0, 120.0, 0.99),
            line("Date of birth", 100.0, 200.0, 220.0, 216.0, 0.99),
            line("Place of birth", 300.0, 200.0, 420.0, 216.0, 0.99),
            // One detected box across both columns.
            line("01 JAN 1985 OTTAWA", 100.0, 222.0, 420.0, 246.0, 0.99),
        ];
        let viz = read_viz(&lines, (800, 600));
        assert_eq!(value(&viz.sex), Some('M'));
        assert_eq!(viz.birth_date.as_ref().map(|d| d.text.as_str()), Some("01 JAN 1985"));
        assert_eq!(value(&viz.birth_date).and_then(|d| d.date()), Some(date(1985, 1, 1)));
    }

    #[test]
    fn one_label_for_the_whole_name_gives_the_full_name() {
        let lines = vec![
            line(
                "Surname, Given names/Nombres, apellido",
                200.0,
                100.0,
                500.0,
                114.0,
                0.9,
            ),
            line("ERIKSSON  ANNA MARIA", 205.0, 118.0, 420.0, 142.0, 0.99),
        ];
        let viz = read_viz(&lines, (800, 600));
        assert!(viz.surname.is_none() && viz.given_names.is_none(), "{viz:?}");
        assert_eq!(value(&viz.full_name).as_deref(), Some("ERIKSSON ANNA MARIA"));
        let checks = cross_check(&viz, &specimen_mrz(), &Default::default());
        assert_eq!(agreement(&checks, "full_name"), Agreement::Agree);
        let mut other = specimen_mrz();
        other.insert("given_names", "BRITT".into());
        assert_eq!(
            agreement(&cross_check(&viz, &other, &Default::default()), "full_name"),
            Agreement::Mismatch
        );
    }

    #[test]
    fn a_mixed_case_line_under_a_label_is_an_unread_label_not_a_value() {
        let lines = vec![
            line("Sex", 100.0, 100.0, 130.0, 116.0, 0.99),
            line("Dete ofiseDaie ce dbiand", 100.0, 122.0, 300.0, 140.0, 0.64),
            line("F", 100.0, 146.0, 112.0, 170.0, 0.99),
        ];
        assert!(read_viz(&lines, (800, 600)).sex.is_none());
        assert!(looks_like_value("x"));
        assert!(looks_like_value("L898902C3"));
        assert!(!looks_like_value("Signatenr"));
    }

    #[test]
    fn a_long_number_cut_to_the_mrzs_nine_places_agrees() {
        let mut mrz = specimen_mrz();
        mrz.insert("document_number", "555123ABC".into());
        let check = |mrz: &BTreeMap<&'static str, String>, printed: &str| {
            let viz = VizFields {
                document_number: field(printed.to_string(), printed, 0.99),
                ..Default::default()
            };
            agreement(&cross_check(&viz, mrz, &Default::default()), "document_number")
        };
        assert_eq!(check(&mrz, "555123ABC12"), Agreement::Agree);
        assert_eq!(check(&mrz, "555124ABD12"), Agreement::Mismatch);
        mrz.insert("document_number", "55512".into());
        assert_eq!(check(&mrz, "5551234"), Agreement::Mismatch);
    }

    #[test]
    fn a_label_without_its_value_does_not_take_the_next_fields_value() {
        let lines = vec![
            line("Surname", 100.0, 100.0, 180.0, 116.0, 0.99),
            // The surname's value was not detected; the next label follows.
            line("Given names", 100.0, 140.0, 210.0, 156.0, 0.99),
            line("ANNA", 100.0, 162.0, 170.0, 186.0, 0.99),
        ];
        let viz = read_viz(&lines, (800, 600));
        assert!(viz.surname.is_none(), "{:?}", viz.surname);
        assert_eq!(value(&viz.given_names).as_deref(), Some("ANNA"));
    }

    #[test]
    fn mrz_lines_and_everything_below_them_are_ignored() {
        assert!(looks_like_mrz("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"));
        assert!(looks_like_mrz("L898902C36UTO7408122F1204159ZE184226B<<<<<10"));
        assert!(!looks_like_mrz("PEOPLE'S REPUBLIC OF CHINA"));
        assert!(!looks_like_mrz("Date of birth / Date de naissance"));
        assert!(!looks_like_mrz("WOLFESCHLEGELSTEINHAUSENBERGERDORFF"));
        let lines = vec![
            line("Surname", 100.0, 100.0, 180.0, 116.0, 0.99),
            line("I<UTOD231458907<<<<<<<<<<<<<<<", 50.0, 130.0, 700.0, 150.0, 0.9),
            line("ERIKSSON", 100.0, 160.0, 200.0, 180.0, 0.99),
        ];
        assert!(read_viz(&lines, (800, 200)).surname.is_none());
        // The zone is at the bottom: such a line higher up hides nothing.
        assert!(read_viz(&lines, (800, 600)).surname.is_some());
    }

    #[test]
    fn printed_date_forms() {
        let parsed = |t: &str| parse_date(t).map(|d| (d.day, d.month, d.year, d.four_digit_year));
        assert_eq!(parsed("12 AUG 1974"), Some((12, 8, 1974, true)));
        assert_eq!(parsed("12 AUG/AOÛT 74"), Some((12, 8, 74, false)));
        assert_eq!(parsed("12 AUGUST/AGO 74"), Some((12, 8, 74, false)));
        assert_eq!(parsed("01 JAN /JAN 85"), Some((1, 1, 85, false)));
        assert_eq!(parsed("24 СЕР/AUG 91"), Some((24, 8, 91, false)));
        assert_eq!(parsed("12DEC1966"), Some((12, 12, 1966, true)));
        assert_eq!(parsed("14 MAR/MAR 87"), Some((14, 3, 87, false)));
        assert_eq!(parsed("15 APR/AVR 12"), Some((15, 4, 12, false)));
        assert_eq!(parsed("12.08.1974"), Some((12, 8, 1974, true)));
        assert_eq!(parsed("12/08/1974"), Some((12, 8, 1974, true)));
        assert_eq!(parsed("1974-08-12"), Some((12, 8, 1974, true)));
        assert_eq!(parsed("3 März 2001"), Some((3, 3, 2001, true)));
        assert_eq!(parsed("25 0CT 2030"), Some((25, 10, 2030, true)));
        assert_eq!(parsed("07 AU6 1990"), Some((7, 8, 1990, true)));
        assert_eq!(parsed("1AUG1974"), Some((1, 8, 1974, true)));
        // Not dates, or months that disagree.
        assert_eq!(parsed("12 AUG/SEP 1974"), None);
        assert_eq!(parsed("31 FEB 1974"), None);
        assert_eq!(parsed("12 XYZ 1974"), None);
        assert_eq!(parsed("12081974"), None);
        assert_eq!(parsed("123 AUG 1974"), None);
        assert_eq!(parsed(""), None);
        let two_digit = parse_date("29 FEB 00").unwrap();
        assert_eq!(two_digit.candidates(), [date(2000, 2, 29)]);
        assert_eq!(
            parse_date("01 JAN 85").unwrap().candidates(),
            [date(1985, 1, 1), date(2085, 1, 1)]
        );
        assert_eq!(parse_date("01 JAN 85").unwrap().date(), None);
    }

    #[test]
    fn sex_and_codes() {
        assert_eq!(parse_sex("F"), Some('F'));
        assert_eq!(parse_sex("M/M"), Some('M'));
        assert_eq!(parse_sex("Ж/F"), Some('F'));
        assert_eq!(parse_sex("FEMALE"), Some('F'));
        assert_eq!(parse_sex("<"), Some('X'));
        assert_eq!(parse_sex("M/F"), None);
        assert_eq!(parse_sex("OTTAWA"), None);
        assert_eq!(parse_code("UTO"), Some("UTO".into()));
        assert_eq!(parse_code("SVENSK/SWE"), Some("SWE".into()));
        assert_eq!(parse_code("D"), Some("D".into()));
        assert_eq!(parse_code("CANADIAN/CANADIENNE"), None);
        assert_eq!(parse_number("Z E 184226 B"), Some("ZE184226B".into()));
    }

    fn field<T>(value: T, text: &str, confidence: f32) -> Option<VizField<T>> {
        Some(VizField {
            value: Some(value),
            text: text.into(),
            label: String::new(),
            confidence,
            bbox: TextBox {
                x0: 0.0,
                y0: 0.0,
                x1: 1.0,
                y1: 1.0,
                score: 1.0,
            },
        })
    }

    fn agreement(checks: &[VizCheck], field: &str) -> Agreement {
        checks.iter().find(|c| c.field == field).map(|c| c.agreement).unwrap()
    }

    #[test]
    fn names_compare_as_icao_transliterates_and_truncates() {
        let mut mrz = specimen_mrz();
        mrz.insert("surname", "MUELLER".into());
        mrz.insert("given_names", "JOERG".into());
        let viz = VizFields {
            surname: field("MÜLLER".into(), "MÜLLER", 0.99),
            given_names: field("JÖRG".into(), "JÖRG", 0.99),
            ..Default::default()
        };
        let checks = cross_check(&viz, &mrz, &Default::default());
        assert_eq!(agreement(&checks, "surname"), Agreement::Agree);
        assert_eq!(agreement(&checks, "given_names"), Agreement::Agree);

        // A translation next to the Latin form.
        mrz.insert("surname", "TKACHENKO".into());
        let viz = VizFields {
            surname: field("ТКАЧЕНКО/TKACHENKO".into(), "ТКАЧЕНКО/TKACHENKO", 0.99),
            ..Default::default()
        };
        assert_eq!(
            agreement(&cross_check(&viz, &mrz, &Default::default()), "surname"),
            Agreement::Agree
        );

        // A full MRZ name field cut the given names short.
        mrz.insert("given_names", "HUBERT BLAINE FR".into());
        let viz = VizFields {
            given_names: field(
                "HUBERT BLAINE FREDERICK GERALD".into(),
                "HUBERT BLAINE FREDERICK GERALD",
                0.99,
            ),
            ..Default::default()
        };
        let strict = cross_check(&viz, &mrz, &Default::default());
        assert_eq!(agreement(&strict, "given_names"), Agreement::Mismatch);
        let truncated = CrossCheckOptions {
            names_truncated: true,
            ..Default::default()
        };
        assert_eq!(
            agreement(&cross_check(&viz, &mrz, &truncated), "given_names"),
            Agreement::Agree
        );
        mrz.insert("given_names", String::new());
        assert_eq!(
            agreement(&cross_check(&viz, &mrz, &truncated), "given_names"),
            Agreement::Agree
        );
    }

    #[test]
    fn a_printed_name_cut_short_by_glare_is_uncertain_but_another_name_mismatches() {
        let mut mrz = specimen_mrz();
        mrz.insert("surname", "MARTINEZ GARCIA".into());
        let check = |printed: &str| {
            let viz = VizFields {
                surname: field(printed.into(), printed, 0.99),
                ..Default::default()
            };
            agreement(&cross_check(&viz, &mrz, &Default::default()), "surname")
        };
        assert_eq!(check("MARTINEZ GA"), Agreement::Uncertain);
        assert_eq!(check("MARTINEZ GARCIA"), Agreement::Agree);
        assert_eq!(check("MARTINEZ LOPEZ"), Agreement::Mismatch);
        assert_eq!(check("GARCIA"), Agreement::Mismatch);
    }

    #[test]
    fn ocr_noise_is_uncertain_and_altered_data_is_a_mismatch() {
        let mrz = specimen_mrz();
        let check = |viz: VizFields| cross_check(&viz, &mrz, &Default::default());
        // A doubled letter merged by the recogniser, confidently read.
        let c = check(VizFields {
            surname: field("ERIKSON".into(), "ERIKSON", 0.99),
            ..Default::default()
        });
        assert_eq!(agreement(&c, "surname"), Agreement::Uncertain);
        // Look-alikes, even several.
        let c = check(VizFields {
            document_number: field("L8989O2C3".into(), "L8989O2C3", 0.99),
            ..Default::default()
        });
        assert_eq!(agreement(&c, "document_number"), Agreement::Uncertain);
        // One substituted character on a line read with 0.93: uncertain.
        let c = check(VizFields {
            surname: field("ERIKSSOM".into(), "ERIKSSOM", 0.93),
            birth_date: field(parse_date("12 AUG 1975").unwrap(), "12 AUG 1975", 0.93),
            ..Default::default()
        });
        assert_eq!(agreement(&c, "surname"), Agreement::Uncertain);
        assert_eq!(agreement(&c, "birth_date"), Agreement::Uncertain);
        // The same, read at 0.99: a mismatch.
        let c = check(VizFields {
            birth_date: field(parse_date("12 AUG 1975").unwrap(), "12 AUG 1975", 0.99),
            sex: field('M', "M", 0.99),
            ..Default::default()
        });
        assert_eq!(agreement(&c, "birth_date"), Agreement::Mismatch);
        assert_eq!(agreement(&c, "sex"), Agreement::Mismatch);
        // Another person's data, confidently read.
        let c = check(VizFields {
            surname: field("MUSTERMANN".into(), "MUSTERMANN", 0.95),
            document_number: field("C01X00T47".into(), "C01X00T47", 0.95),
            birth_date: field(parse_date("03 FEB 1964").unwrap(), "03 FEB 1964", 0.95),
            expiry_date: field(parse_date("01 MAR 2031").unwrap(), "01 MAR 2031", 0.95),
            ..Default::default()
        });
        assert!(c.iter().all(|c| c.agreement == Agreement::Mismatch), "{c:#?}");
        assert!(has_mismatch(&c));
        // The same, read with low confidence: nothing decided.
        let c = check(VizFields {
            surname: field("MUSTERMANN".into(), "MUSTERMANN", 0.6),
            ..Default::default()
        });
        assert_eq!(agreement(&c, "surname"), Agreement::Uncertain);
        // A two-digit printed year compares on its two digits.
        let c = check(VizFields {
            birth_date: field(parse_date("12 AUG/AOUT 74").unwrap(), "12 AUG/AOUT 74", 0.99),
            ..Default::default()
        });
        assert_eq!(agreement(&c, "birth_date"), Agreement::Agree);
        // An unparsed value and a field the MRZ lacks.
        let mut unparsed = field(String::new(), "CANADIAN", 0.99);
        if let Some(f) = unparsed.as_mut() {
            f.value = None;
        }
        let c = cross_check(
            &VizFields {
                nationality: unparsed,
                issue_date: field(parse_date("16 APR 2002").unwrap(), "16 APR 2002", 0.99),
                ..Default::default()
            },
            &mrz,
            &Default::default(),
        );
        assert_eq!(c.len(), 1);
        assert_eq!(agreement(&c, "nationality"), Agreement::Uncertain);
    }

    #[test]
    fn any_input_gives_a_value() {
        assert_eq!(read_viz(&[], (0, 0)), VizFields::default());
        let odd = vec![
            line("", f32::NAN, f32::NAN, f32::NAN, f32::NAN, f32::NAN),
            line("////", 0.0, 0.0, 0.0, 0.0, 0.0),
            line(&"Surname ".repeat(500), -1e9, -1e9, 1e9, 1e9, 2.0),
            line("Date of birth", 10.0, 10.0, 5.0, 5.0, 0.9),
            line("99 99 99999", 10.0, 20.0, 50.0, 30.0, 0.9),
        ];
        let viz = read_viz(&odd, (1, 1));
        let _ = cross_check(&viz, &specimen_mrz(), &Default::default());
        assert!(cross_check(&viz, &BTreeMap::new(), &Default::default()).is_empty());

        // A page of nothing but labels, far more than are read: bounded.
        let crowded: Vec<TextLine> = (0..1000)
            .map(|i| {
                let y = i as f32 * 10.0;
                line(
                    &"Surname Sex Nom Date of birth Code ".repeat(20),
                    0.0,
                    y,
                    2000.0,
                    y + 12.0,
                    0.99,
                )
            })
            .collect();
        let viz = read_viz(&crowded, (2000, 10_000));
        assert!(viz.surname.is_none());
    }
}
