//! What the peer benchmarks (`ocr_peer`, `face_peer`) share: medians, the
//! machine's description and load, and replacing their section of
//! `docs/BENCHMARKS.md` between its markers. Included by each binary with
//! `#[path]` (the evaluate crate has no library target).

/// The median (the mean of the middle two for an even count; NaN when
/// empty).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let at = |i: usize| sorted.get(i).copied().unwrap_or(f64::NAN);
    if n % 2 == 1 {
        at(n / 2)
    } else {
        (at((n / 2).wrapping_sub(1)) + at(n / 2)) / 2.0
    }
}

/// The CPU model and core count.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    format!("{cpu}, {cores} cores")
}

/// The 1-minute load average ("?" where unknown).
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// `report` with the part from `begin` to `end` (markers included)
/// replaced by `section`, or `section` appended when the markers are absent.
pub fn with_section(report: &str, section: &str, begin: &str, end: &str) -> String {
    match (report.find(begin), report.find(end)) {
        (Some(from), Some(to)) if to > from => {
            let after = report.get(to + end.len()..).unwrap_or("").trim_start_matches('\n');
            format!("{}{section}{after}", report.get(..from).unwrap_or(""))
        }
        _ => format!("{}\n\n{section}", report.trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_even_and_empty_lists() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn the_section_is_replaced_in_place_or_appended() {
        let (begin, end) = ("<!-- x:begin -->", "<!-- x:end -->");
        let first = with_section(
            "# Benchmarks\n\nold table\n",
            &format!("{begin}\none\n{end}\n"),
            begin,
            end,
        );
        assert_eq!(first, format!("# Benchmarks\n\nold table\n\n{begin}\none\n{end}\n"));
        let second = with_section(
            &format!("{first}\nlater text\n"),
            &format!("{begin}\ntwo\n{end}\n"),
            begin,
            end,
        );
        assert_eq!(
            second,
            format!("# Benchmarks\n\nold table\n\n{begin}\ntwo\n{end}\nlater text\n")
        );
    }
}
