#!/usr/bin/env bash
# Runs the criterion benchmarks and writes docs/BENCHMARKS.md from their
# medians. Usage: scripts/bench.sh   (takes about three minutes)
set -euo pipefail
cd "$(dirname "$0")/.."

# BENCH_SKIP_RUN=1 only rewrites the report from the last run's results.
[ "${BENCH_SKIP_RUN:-0}" = 1 ] || for target in "openkyc-mrz mrz" "openkyc-cnid cnid" "openkyc-names names" "openkyc-precheck precheck"; do
  set -- $target
  cargo bench --locked -p "$1" --bench "$2" -- --warm-up-time 2 --measurement-time 5 --noplot
done

python3 - <<'PY'
import json, os, platform, subprocess, datetime
root = "target/criterion"
rows = []
for group in sorted(os.listdir(root)):
    gdir = os.path.join(root, group)
    if not os.path.isdir(gdir) or group == "report":
        continue
    for bench in sorted(os.listdir(gdir)):
        est = os.path.join(gdir, bench, "new", "estimates.json")
        if not os.path.exists(est):
            continue
        e = json.load(open(est))
        median_ns = e["median"]["point_estimate"]
        lo = e["median"]["confidence_interval"]["lower_bound"]
        hi = e["median"]["confidence_interval"]["upper_bound"]
        rows.append((group, bench, median_ns, lo, hi))
cpu = "unknown"
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
# Each group's ratios are to its simplest case, measured in the same run.
BASELINES = {"mrz_parse": "td3_clean", "cnid_parse": "eighteen_digits", "compare_names": "exact", "precheck": "phone_jpeg_12mp"}
base = {g: m for g, b, m, _, _ in rows if BASELINES.get(g) == b}
# Sections other scripts write (between <!-- name:begin --> and
# <!-- name:end --> markers: scripts/bench-ocr-peer.sh, scripts/bench-face-peer.sh)
# are kept, from the first of them to the end of the file.
kept = ""
try:
    previous = open("docs/BENCHMARKS.md").read()
    starts = [previous.find(m) for m in ("<!-- ocr-peer:begin", "<!-- face-peer:begin")]
    starts = [s for s in starts if s >= 0]
    if starts:
        kept = "\n" + previous[min(starts):]
except OSError:
    pass
with open("docs/BENCHMARKS.md", "w") as out:
    out.write("# Benchmarks\n\n")
    out.write("Reproduce with `scripts/bench.sh` (criterion; medians of 100 samples, all measured side by side in one run).\n")
    out.write("The machine is shared and noisy: compare ratios within one run, not absolute numbers across runs.\n\n")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    out.write(f"- date: {datetime.date.today()}\n- cpu: {cpu} ({os.cpu_count()} cores)\n- {rustc}\n"
              f"- load average when the report was written: {load:.1f} (other jobs share the cores; 0 would be a quiet machine)\n\n")
    out.write("| benchmark | median | 95% CI of median | calls/s (one core) | ratio to group baseline |\n|---|---|---|---|---|\n")
    def t(ns):
        return f"{ns/1e6:.1f} ms" if ns >= 1e6 else f"{ns/1000:.2f} µs"
    for group, bench, m, lo, hi in rows:
        ratio = m / base[group] if group in base else float("nan")
        out.write(f"| {group}/{bench} | {t(m)} | {t(lo)}–{t(hi)} | {1e9/m:,.0f} | {ratio:.2f}× |\n")
    out.write("\nTargets: `precheck/phone_jpeg_12mp` (a 4000×3000, 4.8 MB JPEG from `openkyc-synth`, decode included) should be ≤ 60 ms. "
              "Where its time goes, per stage: `cargo run --release -p openkyc-precheck --example stages` "
              "(the intake's entropy decoding is the largest part).\n")
    out.write(kept)
print(open("docs/BENCHMARKS.md").read())
PY
