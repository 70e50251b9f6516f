//! From MRZ text to an [`MrzReport`]: read the grid, repair what the check
//! digits prove, then extract and validate every field.

use crate::codes::{error as err, warning as warn};
use crate::dates::{resolve_birth_date, resolve_expiry_date};
use crate::error::MrzError;
use crate::input::{read_grid, Grid};
use crate::layout::{CharClass, CheckSpec, Field, Layout, MrzFormat, Pos, Span};
use crate::repair::{self, char_at, letter_for_digit, CheckedRun, Outcome, Repair, RepairBasis};
use crate::report::{CheckResult, Finding, MrzFields, MrzReport, Sex};
use chrono::NaiveDate;
use openkyc_countries::CountryKind;

/// How to parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// The date two-digit years are resolved against and expiry is judged
    /// by. Passed in, never read from a clock.
    pub reference_date: NaiveDate,
    /// Repair OCR confusions (see [`crate::repair`]). On by default.
    pub repair: bool,
}

impl ParseOptions {
    /// Options with repair on, resolving dates against `reference_date`.
    pub fn new(reference_date: NaiveDate) -> Self {
        Self {
            reference_date,
            repair: true,
        }
    }
}

/// Parses MRZ text (2 or 3 lines) into a report.
///
/// # Errors
/// [`MrzError`] when the text does not have the shape of any supported MRZ
/// (wrong line count or length, empty, too long). A text of the right shape
/// always yields a report; what is wrong with it is in `report.errors`.
pub fn parse(text: &str, options: &ParseOptions) -> Result<MrzReport, MrzError> {
    let (format, grid) = read_grid(text)?;
    let mut parser = Parser::new(format.layout(), grid);
    if options.repair {
        parser.repair_letter_fields();
    }
    parser.long_number = find_long_number(parser.layout, &parser.grid);
    parser.run_checks(options.repair);
    let fields = parser.extract_fields(options.reference_date);
    Ok(parser.finish(fields))
}

/// A TD1/TD2 document number longer than nine characters: where its
/// continuation and its check digit are.
#[derive(Debug, Clone)]
pub(crate) struct LongNumber {
    /// The filler in the usual check-digit position.
    filler: Pos,
    /// The continuation characters in the optional data.
    pub(crate) continuation: Vec<Pos>,
    /// The check digit that follows them.
    pub(crate) digit: Pos,
    /// The optional-data field the number overflows into.
    optional: Span,
}

pub(crate) fn find_long_number(layout: &Layout, grid: &Grid) -> Option<LongNumber> {
    let slot = layout.long_document_number.as_ref()?;
    let continues = char_at(grid, slot.check_digit) == Some('<')
        && char_at(
            grid,
            Pos {
                line: slot.continuation.line,
                column: slot.continuation.start,
            },
        )
        .is_some_and(|c| c != '<');
    if !continues {
        return None;
    }
    let run: Vec<Pos> = slot
        .continuation
        .positions()
        .take_while(|p| char_at(grid, *p).is_some_and(|c| c != '<'))
        .collect();
    let (digit, continuation) = run.split_last()?;
    Some(LongNumber {
        filler: slot.check_digit,
        continuation: continuation.to_vec(),
        digit: *digit,
        optional: slot.continuation,
    })
}

struct Parser {
    layout: &'static Layout,
    grid: Grid,
    long_number: Option<LongNumber>,
    checks: Vec<CheckResult>,
    repairs: Vec<Repair>,
    warnings: Vec<Finding>,
    errors: Vec<Finding>,
}

impl Parser {
    fn new(layout: &'static Layout, grid: Grid) -> Self {
        Self {
            layout,
            grid,
            long_number: None,
            checks: Vec::new(),
            repairs: Vec::new(),
            warnings: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn text(&self, span: Span) -> String {
        span.positions().filter_map(|p| char_at(&self.grid, p)).collect()
    }

    fn has_field(&self, field: Field) -> bool {
        self.layout.fields.iter().any(|f| f.field == field)
    }

    /// The text of a field, all its runs joined.
    fn field_text(&self, field: Field) -> String {
        self.layout
            .fields
            .iter()
            .filter(|f| f.field == field)
            .map(|f| self.text(f.span))
            .collect()
    }

    fn class_of(&self, pos: Pos) -> CharClass {
        self.layout
            .fields
            .iter()
            .find(|f| contains(f.span, pos))
            .map_or(CharClass::Numeric, |f| f.class)
    }

    /// The field a position belongs to, for reports.
    fn field_of(&self, pos: Pos) -> Option<Field> {
        if let Some(long) = &self.long_number {
            if long.continuation.contains(&pos) || long.digit == pos {
                return Some(Field::DocumentNumber);
            }
        }
        if let Some(check) = self.layout.checks.iter().find(|c| contains(c.digit, pos)) {
            return Some(check.field);
        }
        self.layout
            .fields
            .iter()
            .find(|f| contains(f.span, pos))
            .map(|f| f.field)
    }

    fn set(&mut self, pos: Pos, c: char) {
        if let Some(slot) = self.grid.get_mut(pos.line).and_then(|line| line.get_mut(pos.column)) {
            *slot = c;
        }
    }

    fn apply(&mut self, changes: &[(Pos, char)], basis: RepairBasis, verified_by: Option<Field>) {
        for &(pos, to) in changes {
            let Some(from) = char_at(&self.grid, pos) else { continue };
            if from == to {
                continue;
            }
            if let Some(field) = self.field_of(pos) {
                self.repairs.push(Repair {
                    line: pos.line + 1,
                    column: pos.column + 1,
                    field,
                    from,
                    to,
                    basis,
                    verified_by,
                });
            }
            self.set(pos, to);
        }
    }

    /// Letters-only fields cannot hold digits; undo the OCR look-alikes.
    fn repair_letter_fields(&mut self) {
        let alpha_spans: Vec<(Field, Span)> = self
            .layout
            .fields
            .iter()
            .filter(|f| f.class == CharClass::Alpha)
            .map(|f| (f.field, f.span))
            .collect();
        for (field, span) in alpha_spans {
            let changes: Vec<(Pos, char)> = span
                .positions()
                .filter_map(|p| char_at(&self.grid, p).and_then(letter_for_digit).map(|l| (p, l)))
                .collect();
            if changes.is_empty() {
                continue;
            }
            self.apply(&changes, RepairBasis::Alphabet, None);
            self.warnings.push(Finding::new(
                warn::REPAIRED_WITHOUT_CHECK_DIGIT,
                Some(field),
                format!(
                    "digits in the letters-only {} field were read as letters",
                    field.as_str()
                ),
            ));
        }
    }

    /// The characters a check digit covers, honouring a long document number.
    fn checked_run(&self, spec: &CheckSpec) -> CheckedRun {
        let mut covers: Vec<Pos> = spec.covers.iter().flat_map(|s| s.positions()).collect();
        let mut digit = Pos {
            line: spec.digit.line,
            column: spec.digit.start,
        };
        if spec.field == Field::DocumentNumber {
            if let Some(long) = &self.long_number {
                covers.extend(&long.continuation);
                digit = long.digit;
            }
        }
        CheckedRun { covers, digit }
    }

    /// Some issuers (Belgium, for one) compute a long number's check digit
    /// over the filler at the usual check-digit position too.
    fn issuer_variant(&self, spec: &CheckSpec, strict: &CheckedRun) -> Option<CheckedRun> {
        let long = self
            .long_number
            .as_ref()
            .filter(|_| spec.field == Field::DocumentNumber)?;
        let (number, rest) = strict
            .covers
            .split_at(strict.covers.len().saturating_sub(long.continuation.len()));
        let mut covers = number.to_vec();
        covers.push(long.filler);
        covers.extend_from_slice(rest);
        Some(CheckedRun {
            covers,
            digit: strict.digit,
        })
    }

    /// Field checks first, then the composite. The composite may repair
    /// only characters no field check covers (TD1 optional data, French
    /// names): a field whose own check digit fails must stay failed, not be
    /// "fixed" to satisfy a weaker, wider check.
    fn run_checks(&mut self, repair_enabled: bool) {
        let mut field_checked: Vec<Pos> = Vec::new();
        for spec in self.layout.checks {
            let run = self.checked_run(spec);
            self.run_check(spec, &run, &field_checked, repair_enabled);
            if spec.field != Field::Composite {
                field_checked.extend(run.covers.iter().copied().chain(std::iter::once(run.digit)));
            }
        }
    }

    fn run_check(&mut self, spec: &CheckSpec, run: &CheckedRun, field_checked: &[Pos], repair_enabled: bool) {
        let found = char_at(&self.grid, run.digit).unwrap_or('<');
        if found == '<' && run.covers.iter().all(|p| char_at(&self.grid, *p) == Some('<')) {
            // ICAO 9303-4 §4.2.2.1: an empty optional field may carry a
            // filler as its check digit.
            self.checks.push(CheckResult {
                field: spec.field,
                ok: true,
                expected: Some('0'),
                found,
            });
            return;
        }
        let frozen = if spec.field == Field::Composite {
            field_checked
        } else {
            &[]
        };
        let outcome = if repair_enabled {
            repair::search(&self.grid, run, |p| self.class_of(p), frozen)
        } else if repair::passes(&self.grid, run, &[]) {
            Outcome::Passes
        } else {
            Outcome::Unrepairable
        };
        let mut checked = run.clone();
        let ok = match outcome {
            Outcome::Passes => true,
            Outcome::Repaired(changes) => {
                self.apply(&changes, RepairBasis::CheckDigit, Some(spec.field));
                true
            }
            Outcome::Ambiguous | Outcome::Unrepairable => match self.issuer_variant(spec, run) {
                Some(variant) if repair::passes(&self.grid, &variant, &[]) => {
                    self.warnings.push(Finding::new(
                        warn::LONG_NUMBER_CHECK_INCLUDES_FILLER,
                        Some(spec.field),
                        "the long document number's check digit passes only when the filler before its \
                         continuation is included (an issuer practice, not ICAO 9303-11 D.2)",
                    ));
                    checked = variant;
                    true
                }
                _ => {
                    if outcome == Outcome::Ambiguous {
                        self.warnings.push(Finding::new(
                            warn::AMBIGUOUS_REPAIR,
                            Some(spec.field),
                            "several different single-character repairs would satisfy this check digit; none was applied",
                        ));
                    }
                    false
                }
            },
        };
        let expected = self.expected_digit(&checked);
        let found = char_at(&self.grid, checked.digit).unwrap_or('<');
        if !ok {
            let message = match expected {
                Some(e) => format!("{} check digit is {found}, the data gives {e}", spec.field.as_str()),
                None => format!(
                    "{} check digit cannot be computed: characters outside the MRZ alphabet",
                    spec.field.as_str()
                ),
            };
            self.errors
                .push(Finding::new(err::CHECK_DIGIT, Some(spec.field), message));
        }
        self.checks.push(CheckResult {
            field: spec.field,
            ok,
            expected,
            found,
        });
    }

    fn expected_digit(&self, run: &CheckedRun) -> Option<char> {
        let data: Option<Vec<char>> = run.covers.iter().map(|p| char_at(&self.grid, *p)).collect();
        let digit = crate::check_digit::compute(data?)?;
        char::from_digit(u32::from(digit), 10)
    }

    fn extract_fields(&mut self, reference: NaiveDate) -> MrzFields {
        self.validate_alphabets();
        let document_code = self.field_text(Field::DocumentCode).trim_end_matches('<').to_string();
        self.validate_document_code(&document_code);
        let issuing_state = self.country(Field::IssuingState);
        let nationality = self
            .has_field(Field::Nationality)
            .then(|| self.country(Field::Nationality));
        let (surname, given_names, names_truncated) = self.names();
        self.validate_document_number(&self.field_text(Field::DocumentNumber));
        let (document_number, optional_data_1) = self.number_and_optional_data();
        let birth_date_raw = self.field_text(Field::BirthDate);
        let birth_date = self.birth_date(&birth_date_raw, reference);
        let expiry_date_raw = self
            .has_field(Field::ExpiryDate)
            .then(|| self.field_text(Field::ExpiryDate));
        let expiry_date = self.expiry_date(expiry_date_raw.as_deref(), reference);
        let sex = self.sex();
        let optional_data_2 = self
            .has_field(Field::OptionalData2)
            .then(|| filler_to_spaces(&self.field_text(Field::OptionalData2)));
        MrzFields {
            document_code,
            issuing_state,
            document_number,
            birth_date,
            birth_date_raw,
            sex,
            expiry_date,
            expiry_date_raw,
            nationality,
            surname,
            given_names,
            names_truncated,
            optional_data_1,
            optional_data_2,
        }
    }

    /// Every field may hold only its class of characters (plus the filler).
    fn validate_alphabets(&mut self) {
        let mut findings = Vec::new();
        for spec in self.layout.fields {
            let bad: String = spec
                .span
                .positions()
                .filter_map(|p| char_at(&self.grid, p))
                .filter(|c| !allowed(spec.class, *c))
                .collect();
            if !bad.is_empty() && spec.class != CharClass::Sex {
                findings.push(Finding::new(
                    err::INVALID_CHARACTER,
                    Some(spec.field),
                    format!("{} holds characters it may not: {bad:?}", spec.field.as_str()),
                ));
            }
        }
        self.errors.extend(findings);
    }

    fn validate_document_code(&mut self, code: &str) {
        let first = code.chars().next();
        if !first.is_some_and(|c| c.is_ascii_uppercase()) {
            self.errors.push(Finding::new(
                err::INVALID_DOCUMENT_CODE,
                Some(Field::DocumentCode),
                format!("document code {code:?} does not start with a letter"),
            ));
            return;
        }
        let expected: &[char] = match self.layout.format {
            MrzFormat::Td1 | MrzFormat::Td2 | MrzFormat::FrenchId => &['A', 'C', 'I'],
            MrzFormat::Td3 => &['P'],
            MrzFormat::MrvA | MrzFormat::MrvB => &['V'],
        };
        if !first.is_some_and(|c| expected.contains(&c)) {
            self.warnings.push(Finding::new(
                warn::UNEXPECTED_DOCUMENT_CODE,
                Some(Field::DocumentCode),
                format!("document code {code:?} is unusual for {}", self.layout.format.as_str()),
            ));
        }
    }

    fn country(&mut self, field: Field) -> String {
        let code = self.field_text(field).trim_end_matches('<').to_string();
        if !code.chars().all(|c| c.is_ascii_uppercase()) {
            return code; // already reported as an invalid character
        }
        match openkyc_countries::lookup(&code).map(|c| c.kind) {
            Some(CountryKind::Specimen) => self.warnings.push(Finding::new(
                warn::SPECIMEN_COUNTRY,
                Some(field),
                format!("{code} is ICAO's fictional specimen state"),
            )),
            Some(_) => {}
            None => self.warnings.push(Finding::new(
                warn::UNKNOWN_COUNTRY,
                Some(field),
                format!("{code:?} is not an ICAO 9303-3 country or organisation code"),
            )),
        }
        code
    }

    fn names(&mut self) -> (String, String, bool) {
        let (surname, given, truncated) = if self.has_field(Field::Names) {
            let raw = self.field_text(Field::Names);
            let (primary, secondary) = raw.split_once("<<").unwrap_or((raw.as_str(), ""));
            (
                filler_to_spaces(primary),
                filler_to_spaces(secondary),
                !raw.ends_with('<'),
            )
        } else {
            let surname = self.field_text(Field::Surname);
            let given = self.field_text(Field::GivenNames);
            let truncated = !surname.ends_with('<') || !given.ends_with('<');
            (filler_to_spaces(&surname), filler_to_spaces(&given), truncated)
        };
        if surname.is_empty() && given.is_empty() {
            self.errors.push(Finding::new(
                err::MISSING_NAME,
                Some(Field::Names),
                "the name field is empty",
            ));
        }
        if truncated {
            self.warnings.push(Finding::new(
                warn::NAME_TRUNCATED,
                Some(Field::Names),
                "the name field is full to its last character; the issuer may have truncated the names",
            ));
        }
        (surname, given, truncated)
    }

    /// A document number is left-aligned and padded with fillers on the
    /// right; a filler inside it is a misreading (and the one change a
    /// check digit cannot see, since `<` and `0` both count as 0).
    fn validate_document_number(&mut self, number: &str) {
        if number.trim_end_matches('<').contains('<') {
            self.errors.push(Finding::new(
                err::INVALID_CHARACTER,
                Some(Field::DocumentNumber),
                format!("document number {number:?} has a filler before its end"),
            ));
        }
    }

    fn number_and_optional_data(&self) -> (String, String) {
        let number = self.field_text(Field::DocumentNumber);
        let optional = self.field_text(Field::OptionalData1);
        match &self.long_number {
            Some(long) => {
                let continuation: String = long
                    .continuation
                    .iter()
                    .filter_map(|p| char_at(&self.grid, *p))
                    .collect();
                let rest: String = long
                    .optional
                    .positions()
                    .filter(|p| p.column > long.digit.column)
                    .filter_map(|p| char_at(&self.grid, p))
                    .collect();
                (format!("{number}{continuation}"), filler_to_spaces(&rest))
            }
            None => (number.trim_end_matches('<').to_string(), filler_to_spaces(&optional)),
        }
    }

    fn birth_date(&mut self, raw: &str, reference: NaiveDate) -> Option<NaiveDate> {
        if let Some(date) = resolve_birth_date(raw, reference) {
            return Some(date);
        }
        // ICAO 9303-3 §4.6: an unknown day, or unknown month and day, is
        // written as fillers; nothing else may be.
        let partly_known = |pattern: &str| {
            raw.len() == 6
                && raw
                    .chars()
                    .zip(pattern.chars())
                    .all(|(c, p)| if p == 'd' { c.is_ascii_digit() } else { c == '<' })
        };
        if partly_known("dddd<<") || partly_known("dd<<<<") || partly_known("<<<<<<") {
            self.warnings.push(Finding::new(
                warn::PARTIAL_BIRTH_DATE,
                Some(Field::BirthDate),
                format!("birth date {raw} is only partly known"),
            ));
        } else {
            self.errors.push(Finding::new(
                err::INVALID_DATE,
                Some(Field::BirthDate),
                format!("birth date {raw} is not a calendar date"),
            ));
        }
        None
    }

    fn expiry_date(&mut self, raw: Option<&str>, reference: NaiveDate) -> Option<NaiveDate> {
        let Some(raw) = raw.filter(|r| !r.chars().all(|c| c == '<')) else {
            self.warnings.push(Finding::new(
                warn::NO_EXPIRY_DATE,
                Some(Field::ExpiryDate),
                "the MRZ carries no expiry date",
            ));
            return None;
        };
        let Some(date) = resolve_expiry_date(raw, reference) else {
            self.errors.push(Finding::new(
                err::INVALID_DATE,
                Some(Field::ExpiryDate),
                format!("expiry date {raw} is not a calendar date"),
            ));
            return None;
        };
        if date < reference {
            self.warnings.push(Finding::new(
                warn::DOCUMENT_EXPIRED,
                Some(Field::ExpiryDate),
                format!("the document expired on {date}"),
            ));
        }
        Some(date)
    }

    fn sex(&mut self) -> Option<Sex> {
        let raw = self.field_text(Field::Sex);
        let sex = match raw.as_str() {
            "M" => Some(Sex::Male),
            "F" => Some(Sex::Female),
            "X" | "<" => Some(Sex::Unspecified),
            _ => None,
        };
        if sex.is_none() {
            self.errors.push(Finding::new(
                err::INVALID_SEX,
                Some(Field::Sex),
                format!("sex {raw:?} is not M, F, X or <"),
            ));
        }
        sex
    }

    fn finish(self, fields: MrzFields) -> MrzReport {
        MrzReport {
            format: self.layout.format,
            valid: self.errors.is_empty(),
            fields,
            checks: self.checks,
            repairs: self.repairs,
            warnings: self.warnings,
            errors: self.errors,
            lines: self.grid.iter().map(|line| line.iter().collect()).collect(),
        }
    }
}

fn contains(span: Span, pos: Pos) -> bool {
    pos.line == span.line && (span.start..span.start + span.len).contains(&pos.column)
}

pub(crate) fn allowed(class: CharClass, c: char) -> bool {
    match class {
        CharClass::Alpha => c.is_ascii_uppercase() || c == '<',
        CharClass::Numeric => c.is_ascii_digit() || c == '<',
        CharClass::AlphaNumeric => c.is_ascii_uppercase() || c.is_ascii_digit() || c == '<',
        CharClass::Sex => matches!(c, 'M' | 'F' | 'X' | '<'),
    }
}

/// `SPECIMEN<TRAVEL<<` → `SPECIMEN TRAVEL`: fillers are spaces, runs of
/// them collapse, and padding at either end goes.
fn filler_to_spaces(raw: &str) -> String {
    raw.split('<')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
