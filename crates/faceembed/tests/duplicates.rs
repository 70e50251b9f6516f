//! Duplicate faces with real descriptors: every photo of
//! `../shared/fixtures/faces` is an approved applicant of its own; each is
//! then scanned as a new applicant against all the others. Same-person
//! photos are the "second account"; `pairs.csv` says which pairs are the
//! same person. Templates go through their byte encoding on the way into
//! the store. Without the models or the photos the test says SKIPPED.

mod common;

use common::*;
use openkyc_faceembed::duplicates::{find_duplicates, ApplicantRef, FaceTemplate, STRICT_DUPLICATE_DISTANCE};

#[test]
fn same_person_on_two_accounts_is_found_and_strangers_are_not() {
    let test = "same_person_on_two_accounts_is_found_and_strangers_are_not";
    let (Some(embedder), Some(dir)) = (embedder(test), faces_dir(test)) else {
        return;
    };
    let pairs = pairs(&dir);
    let photos = photos_with_boxes(&dir, &pairs);
    // The store: one applicant per photo, its template as stored bytes.
    let store: Vec<(ApplicantRef, Vec<u8>)> = photos
        .iter()
        .filter_map(|(name, (image, face_box))| {
            let template = FaceTemplate::new(embedder.embed(image, (*face_box)?).unwrap());
            Some((ApplicantRef(name.clone()), template.to_bytes()))
        })
        .collect();
    assert!(store.len() >= 40, "descriptors for {} photos", store.len());
    let decoded = || {
        store
            .iter()
            .map(|(who, bytes)| (who.clone(), FaceTemplate::from_bytes(bytes).unwrap()))
    };
    let (mut same_found, mut same_total, mut stranger_found, mut stranger_total) = (0, 0, 0, 0);
    for (who, template) in decoded() {
        let matches = find_duplicates(&template, &who, decoded(), STRICT_DUPLICATE_DISTANCE);
        assert!(matches.iter().all(|m| m.applicant != who), "{who:?} matched itself");
        assert!(matches.windows(2).all(|w| w[0].distance <= w[1].distance));
        for pair in pairs.iter().filter(|p| p.a == who.0) {
            let found = matches.iter().any(|m| m.applicant.0 == pair.b);
            let known = store.iter().any(|(w, _)| w.0 == pair.b);
            if !known {
                continue;
            }
            if pair.same {
                same_total += 1;
                same_found += usize::from(found);
            } else {
                stranger_total += 1;
                stranger_found += usize::from(found);
            }
        }
    }
    eprintln!(
        "at {STRICT_DUPLICATE_DISTANCE}: same-person pairs found {same_found}/{same_total}, \
         different-person pairs found {stranger_found}/{stranger_total}"
    );
    assert_eq!(stranger_found, 0);
    assert!(
        same_total > 0 && same_found * 2 >= same_total,
        "{same_found}/{same_total}"
    );
}
