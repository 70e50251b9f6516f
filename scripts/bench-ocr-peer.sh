#!/usr/bin/env bash
# Benchmarks openkyc's PP-OCRv4 page reading beside rapidocr's own Python
# pipeline (rapidocr-onnxruntime 1.4.4, the wheel the models come from) on the
# same images, alternating, in one run, and writes the "OCR beside rapidocr"
# section of docs/BENCHMARKS.md. Not part of `make test`.
#
# Usage: scripts/bench-ocr-peer.sh [ocr_peer options, e.g. --rounds 5 --docs 4]
#   PYTHON  the interpreter that builds the venv (default: python3; rapidocr
#           1.4.4 wants 3.6–3.12)
#
# Steps: a throwaway venv in target/ocr-peer-venv (git-ignored) with exact
# pins from PyPI, each installed with --no-deps: rapidocr's metadata asks for
# the GUI `opencv-python` (the headless build is pinned instead) and `tqdm`
# (never imported), and onnxruntime's (coloredlogs, flatbuffers, packaging,
# protobuf, sympy) are not needed to run a session; then the models
# (scripts/fetch-models.sh), the release binary, the run.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-python3}"
VENV="target/ocr-peer-venv"
# Exact pins. onnxruntime is the version whose C library openkyc loads
# (models/manifest.toml), so both sides run the same runtime.
PINS=(
  "rapidocr-onnxruntime==1.4.4"
  "onnxruntime==1.22.1"
  "numpy==2.2.6"
  "opencv-python-headless==4.12.0.88"
  "pyclipper==1.3.0.post6"
  "shapely==2.1.1"
  "Pillow==11.3.0"
  "PyYAML==6.0.2"
  "six==1.17.0"
)
STAMP="$VENV/.pins"

if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "${PINS[*]}" ]; then
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: "${PINS[@]}"
  echo "${PINS[*]}" >"$STAMP"
fi
# Fails here, not mid-run, when an import is missing.
"$VENV/bin/python" -c 'import rapidocr_onnxruntime, onnxruntime, cv2; print("peer:", onnxruntime.__version__, cv2.__version__)'

scripts/fetch-models.sh
cargo build --release --locked -p openkyc-evaluate --bin ocr_peer
target/release/ocr_peer --python "$VENV/bin/python" "$@"
