//! The Chinese Resident Identity Card part of the reading evaluation: both
//! sides of cards drawn by `openkyc-docgen`, photographed in the same ID-1
//! scenes and variants as the MRZ cards, scored field by field.

use crate::{degrade, median, pct, VARIANTS};
use chrono::NaiveDate;
use openkyc_docgen::{cn_identities, render_cn_back, render_cn_front, Fonts, Page};
use openkyc_read::{read_photo, DocumentKind, ReadOptions, ReadReport, Reader, ReasonCode};
use openkyc_synth::{render, DocumentSource, SampleSpec};
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

/// The two sides, as the report names the kinds.
pub(crate) const KINDS: [&str; 2] = ["cn_front", "cn_back"];

/// Fields each side prints, in report order.
const FRONT_FIELDS: [&str; 6] = ["name_native", "sex", "ethnicity", "birth_date", "address", "id_number"];
const BACK_FIELDS: [&str; 3] = ["issuing_authority", "valid_from", "valid_until"];

/// Reasons that mean the reading failed or wrongly blamed a genuine card
/// (expiry is the card's own state, not a reading outcome).
const READING_FAILURES: [ReasonCode; 5] = [
    ReasonCode::DocUnreadable,
    ReasonCode::DocUnsupported,
    ReasonCode::DocWrongSide,
    ReasonCode::IdNumberInvalid,
    ReasonCode::DataMismatch,
];

/// One photo of a card side to read.
pub(crate) struct CnJob {
    kind: &'static str,
    variant: &'static str,
    spec: SampleSpec,
    truth: BTreeMap<&'static str, String>,
    /// Every character the side prints is in the recogniser's table (a rare
    /// name character outside it cannot be read, only caught).
    spellable: bool,
    /// The side prints one of the generator's rare name characters.
    rare: bool,
}

/// The recogniser's character table (what PP-OCRv4 can emit at all).
pub(crate) fn recogniser_table(models: &openkyc_infer::ModelSet) -> anyhow::Result<HashSet<char>> {
    let model = models.load(
        openkyc_infer::ids::PPOCR_V4_REC,
        &openkyc_infer::SessionOptions::default(),
    )?;
    let characters = model.metadata("character")?.unwrap_or_default();
    Ok(openkyc_ocr::character_table(&characters)
        .iter()
        .filter_map(|entry| entry.chars().next())
        .collect())
}

/// What reading one photo gave.
pub(crate) struct CnOutcome {
    kind: &'static str,
    variant: &'static str,
    id: String,
    /// The card and the right side were recognised.
    recognised: bool,
    /// No reading failure among the reasons: the fields would be passed on.
    accepted: bool,
    /// See [`CnJob::spellable`].
    spellable: bool,
    /// See [`CnJob::rare`].
    rare: bool,
    /// Per field of the side, accepted and equal to the truth.
    fields_exact: Vec<(&'static str, bool)>,
    millis: f64,
    /// For the report: reasons, and fields that differ (`name: got ≠ want`).
    notes: Vec<String>,
    /// Every field value read (accepted or not): its confidence and whether
    /// it equals the truth.
    values: Vec<(f32, bool)>,
}

impl CnOutcome {
    fn exact(&self) -> bool {
        self.accepted && self.fields_exact.iter().all(|(_, e)| *e)
    }
}

/// Cards for the ID-1 photo scenes: each scene photographs a front and a
/// back, each in every variant.
pub(crate) fn plan(
    scenes: &[&SampleSpec],
    fonts: &Fonts,
    seed: u64,
    today: NaiveDate,
    scale: f32,
    dir: &Path,
    table: &HashSet<char>,
) -> anyhow::Result<Vec<CnJob>> {
    let people = cn_identities(seed, scenes.len(), today);
    let mut jobs = Vec::new();
    for (spec, person) in scenes.iter().zip(&people) {
        let card_seed = seed.wrapping_mul(31).wrapping_add(jobs.len() as u64);
        let sides: [(&'static str, Page); 2] = [
            ("cn_front", render_cn_front(person, fonts, 24.0, card_seed)),
            ("cn_back", render_cn_back(person, fonts, 24.0, card_seed)),
        ];
        for (kind, page) in sides {
            let spellable = page
                .truth
                .fields
                .values()
                .flat_map(|v| v.chars())
                .all(|c| c.is_ascii() || table.contains(&c));
            let rare = page
                .truth
                .fields
                .values()
                .flat_map(|v| v.chars())
                .any(openkyc_docgen::is_rare_name_character);
            let path = dir.join(format!("{}-{kind}.png", spec.id));
            page.image.save(&path)?;
            let source = DocumentSource::Specimen {
                path: path.to_string_lossy().into_owned(),
                crop: [0, 0, page.image.width(), page.image.height()],
            };
            for (i, variant) in VARIANTS.iter().enumerate() {
                let mut photo = (*spec).clone();
                if let Some(d) = &mut photo.document {
                    d.source = source.clone();
                }
                photo.id = format!("{}-{kind}-{variant}", spec.id);
                let mut photo = photo.scaled(scale);
                degrade(&mut photo, variant, i as u64 + card_seed);
                jobs.push(CnJob {
                    kind,
                    variant,
                    spec: photo,
                    truth: page.truth.fields.clone(),
                    spellable,
                    rare,
                });
            }
        }
    }
    Ok(jobs)
}

impl CnJob {
    /// The photo's id.
    pub(crate) fn id(&self) -> &str {
        &self.spec.id
    }
}

/// Renders and reads one photo.
pub(crate) fn read_one(job: &CnJob, reader: &Reader, options: &ReadOptions) -> CnOutcome {
    let sample = render(&job.spec);
    if let Some(dir) = std::env::var_os("READING_DUMP") {
        let path = Path::new(&dir).join(format!("{}.{}", job.spec.id, sample.format.extension()));
        if let Err(e) = std::fs::write(&path, &sample.bytes) {
            eprintln!("READING_DUMP: {}: {e}", path.display());
        }
    }
    match read_photo(reader, &sample.bytes, options) {
        Ok(report) => score(job, &report),
        Err(e) => CnOutcome {
            kind: job.kind,
            variant: job.variant,
            id: job.spec.id.clone(),
            recognised: false,
            accepted: false,
            spellable: job.spellable,
            rare: job.rare,
            fields_exact: fields_of(job.kind).iter().map(|f| (*f, false)).collect(),
            millis: 0.0,
            notes: vec![format!("error: {e}")],
            values: Vec::new(),
        },
    }
}

fn fields_of(kind: &str) -> &'static [&'static str] {
    if kind == "cn_front" {
        &FRONT_FIELDS
    } else {
        &BACK_FIELDS
    }
}

fn score(job: &CnJob, report: &ReadReport) -> CnOutcome {
    let want_side = if job.kind == "cn_front" { "front" } else { "back" };
    let recognised =
        report.kind == Some(DocumentKind::CnResidentId) && report.side.map(|s| s.as_str()) == Some(want_side);
    let accepted = recognised && !report.reasons.iter().any(|r| READING_FAILURES.contains(&r.code));
    let mut notes: Vec<String> = report
        .reasons
        .iter()
        .map(|r| format!("{} ({})", r.code.as_str(), r.detail))
        .collect();
    let mut values = Vec::new();
    let fields_exact = fields_of(job.kind)
        .iter()
        .map(|name| {
            let got = report.fields.get(name);
            let want = job.truth.get(name);
            if got.is_some() {
                values.push((report.confidence.get(name).copied().unwrap_or(0.0), got == want));
            }
            if got != want {
                notes.push(format!(
                    "{name}: `{}` ≠ `{}` ({:.2})",
                    got.map_or("–", String::as_str),
                    want.map_or("–", String::as_str),
                    report.confidence.get(name).copied().unwrap_or(0.0)
                ));
            }
            (*name, accepted && got.is_some() && got == want)
        })
        .collect();
    CnOutcome {
        kind: job.kind,
        variant: job.variant,
        id: job.spec.id.clone(),
        recognised,
        accepted,
        spellable: job.spellable,
        rare: job.rare,
        fields_exact,
        millis: report.timings_ms.total,
        notes,
        values,
    }
}

/// Appends the card's section to the report.
pub(crate) fn markdown(out: &mut String, outcomes: &[CnOutcome]) {
    let _ = writeln!(out, "\n## Chinese Resident Identity Card\n");
    let _ = writeln!(
        out,
        "Cards drawn by `openkyc-docgen` (`cn_identities`: names with rare characters and compound surnames, long addresses over two or three lines, numbers per GB 11643 with their check character, validity periods by the age rule, some long-term), front and back, photographed in the ID-1 scenes above in the same variants. Read by `openkyc-read` with the PP-OCRv4 detector and recogniser (`openkyc-ocr`); the number is checked with `openkyc-cnid` and against the printed birth date and sex, the validity period against the 5/10/20-year rule, the ethnicity against the 56 groups; a field read with a character below 0.5 confidence, or a name below 0.85 after each of its characters was read again alone, is `DOC_UNREADABLE`. *Accepted* = recognised as the right side and no `DOC_UNREADABLE`, `DOC_UNSUPPORTED`, `DOC_WRONG_SIDE`, `ID_NUMBER_INVALID` or `DATA_MISMATCH` (all of which would be wrong on these genuine cards); a field counts as exact only in an accepted reading.\n"
    );
    let wrong: Vec<&CnOutcome> = outcomes.iter().filter(|o| o.accepted && !o.exact()).collect();
    let _ = writeln!(out, "- **Read wrong but accepted: {}** (must be 0).", wrong.len());
    let unspellable: Vec<&CnOutcome> = outcomes.iter().filter(|o| !o.spellable).collect();
    let _ = writeln!(
        out,
        "- Card sides printing a character outside the recogniser's table (rare name characters such as 骉, 垚, 龑; they cannot be read, only caught): {} photos, rejected {}.",
        unspellable.len(),
        pct(unspellable.iter().filter(|o| !o.accepted).count(), unspellable.len())
    );
    let rare: Vec<&CnOutcome> = outcomes.iter().filter(|o| o.spellable && o.rare).collect();
    let _ = writeln!(
        out,
        "- Card sides with a rare name character the recogniser knows (珏, 琰, 燚, …; often read with low confidence, and a name needs each character read as itself at 0.85 in a cut on its own: a look-alike standing in for a character outside the table reads as low): {} photos, accepted {}, all fields exact {}.",
        rare.len(),
        pct(rare.iter().filter(|o| o.accepted).count(), rare.len()),
        pct(rare.iter().filter(|o| o.exact()).count(), rare.len())
    );
    let _ = writeln!(out, "- Field-exact rates over the other card sides (common characters only; the generator over-represents rare names, about one in five, to test the two groups above):");
    for kind in KINDS {
        let all: Vec<(&'static str, bool)> = outcomes
            .iter()
            .filter(|o| o.kind == kind && o.spellable && !o.rare)
            .flat_map(|o| o.fields_exact.iter().map(move |f| (o.variant, f.1)))
            .collect();
        let rate = |clean: bool| {
            let rows: Vec<bool> = all
                .iter()
                .filter(|(v, _)| (*v == "clean") == clean)
                .map(|(_, e)| *e)
                .collect();
            pct(rows.iter().filter(|e| **e).count(), rows.len())
        };
        let _ = writeln!(
            out,
            "  - `{kind}`: fields exact {} on clean photos (target ≥ 99%), {} on degraded ones (target ≥ 95%).",
            rate(true),
            rate(false)
        );
    }
    let _ = writeln!(
        out,
        "\n| side | variant | photos | recognised | accepted | all fields exact | wrong but accepted | median ms |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    for kind in KINDS {
        for variant in VARIANTS {
            let rows: Vec<&CnOutcome> = outcomes
                .iter()
                .filter(|o| o.kind == kind && o.variant == variant)
                .collect();
            let n = rows.len();
            let _ = writeln!(
                out,
                "| `{kind}` | {variant} | {n} | {} | {} | {} | {} | {:.0} |",
                pct(rows.iter().filter(|o| o.recognised).count(), n),
                pct(rows.iter().filter(|o| o.accepted).count(), n),
                pct(rows.iter().filter(|o| o.exact()).count(), n),
                rows.iter().filter(|o| o.accepted && !o.exact()).count(),
                median(rows.iter().map(|o| o.millis).collect()),
            );
        }
    }
    let _ = writeln!(out, "\n### Field-exact rates (clean / degraded)\n");
    let _ = writeln!(out, "| field | clean | degraded |");
    let _ = writeln!(out, "|---|---|---|");
    for name in FRONT_FIELDS.iter().chain(&BACK_FIELDS) {
        let cells: Vec<(&str, bool)> = outcomes
            .iter()
            .flat_map(|o| {
                o.fields_exact
                    .iter()
                    .filter(|f| f.0 == *name)
                    .map(move |f| (o.variant, f.1))
            })
            .collect();
        let rate = |clean: bool| {
            let rows: Vec<bool> = cells
                .iter()
                .filter(|(v, _)| (*v == "clean") == clean)
                .map(|(_, e)| *e)
                .collect();
            pct(rows.iter().filter(|e| **e).count(), rows.len())
        };
        let _ = writeln!(out, "| {name} | {} | {} |", rate(true), rate(false));
    }
    let _ = writeln!(
        out,
        "\n### Field confidence: right values lost and wrong values kept at each threshold\n"
    );
    let _ = writeln!(
        out,
        "Every field value read, accepted or not: a threshold rejects the values below it. Chosen: 0.5 for every character (0.85 for the name), with unread print marked (see `openkyc-read`'s `ink` module).\n"
    );
    let _ = writeln!(
        out,
        "| threshold | right values below (lost) | wrong values at or above (kept) |"
    );
    let _ = writeln!(out, "|---|---|---|");
    let values: Vec<(f32, bool)> = outcomes.iter().flat_map(|o| o.values.iter().copied()).collect();
    let right = values.iter().filter(|v| v.1).count();
    for t in [0.3f32, 0.5, 0.7, 0.9, 0.95, 0.97, 0.99] {
        let lost = values.iter().filter(|(c, ok)| *ok && *c < t).count();
        let kept = values.iter().filter(|(c, ok)| !*ok && *c >= t).count();
        let _ = writeln!(out, "| {t} | {} | {kept} |", pct(lost, right));
    }
    let misses: Vec<&CnOutcome> = outcomes.iter().filter(|o| !o.exact()).collect();
    if !misses.is_empty() {
        let _ = writeln!(out, "\n### Card photos not read exactly\n");
        for o in misses {
            let _ = writeln!(
                out,
                "- {} ({}{}): {}",
                o.id,
                if o.accepted { "ACCEPTED" } else { "rejected" },
                if o.spellable {
                    ""
                } else {
                    ", prints a character outside the table"
                },
                o.notes.join("; ")
            );
        }
    }
}
