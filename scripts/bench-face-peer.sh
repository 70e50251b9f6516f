#!/usr/bin/env bash
# Benchmarks openkyc's face stage per selfie (decode -> CenterFace -> the
# largest face -> quality -> dlib descriptor) on the real photos of
# ../shared/fixtures/faces, and its liveness stage per 8-frame sequence
# (CenterFace, FaceMesh tracking, blendshapes, pose, dlib descriptors,
# thumbnails, the judgement) on windows of the H.264 clips of
# ../shared/fixtures/liveness/video, beside the same stages in Python
# (onnxruntime + dlib's Python binding, the same model files), alternating
# input by input in one run, once with one thread on both sides and once with
# two, and writes the "Face and liveness stages beside Python" section of
# docs/BENCHMARKS.md. Not part of `make test`.
#
# Usage: scripts/bench-face-peer.sh [face_peer measure options, e.g. --rounds 5,
#        --stages liveness, --windows-per-clip 6]
#   PYTHON   the interpreter that builds the venv (default: python3; the
#            dlib-bin wheel is built for CPython 3.11)
#   THREADS  the thread settings to measure (default: "1 2")
#
# Steps: a throwaway venv in target/face-peer-venv (git-ignored) with exact
# pins from PyPI, each installed with --no-deps (onnxruntime's own
# dependencies are not needed to run a session; onnx, for rewriting
# CenterFace's weights as constants as openkyc does, needs only protobuf and
# typing_extensions); the models
# (scripts/fetch-models.sh); the release binary; one measuring process per
# thread setting (OpenBLAS, under dlib on the Rust side, reads its thread
# count once, when the process starts); the report from their results.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-python3}"
VENV="target/face-peer-venv"
OUT="target/face-peer"
# Exact pins. onnxruntime is the version whose C library openkyc loads
# (models/manifest.toml), so both sides run the same runtime; dlib-bin
# 19.24.6 is a prebuilt wheel of dlib 19.24, the version of Debian's
# libdlib-dev that openkyc-faceembed links.
PINS=(
  "onnxruntime==1.22.1"
  "dlib-bin==19.24.6"
  "numpy==2.2.6"
  "opencv-python-headless==4.12.0.88"
  "onnx==1.18.0"
  "protobuf==5.29.5"
  "typing_extensions==4.16.0"
)
STAMP="$VENV/.pins"

if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "${PINS[*]}" ]; then
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: "${PINS[@]}"
  echo "${PINS[*]}" >"$STAMP"
fi
# Fails here, not mid-run, when an import is missing.
"$VENV/bin/python" -c 'import onnxruntime, dlib, cv2, onnx; print("peer: onnxruntime", onnxruntime.__version__, "dlib", dlib.__version__, "opencv", cv2.__version__, "onnx", onnx.__version__)'

scripts/fetch-models.sh
cargo build --release --locked -p openkyc-evaluate --bin face_peer
mkdir -p "$OUT"
results=()
for threads in ${THREADS:-1 2}; do
  OPENBLAS_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads" \
    target/release/face_peer measure --python "$VENV/bin/python" --threads "$threads" \
    --out "$OUT/threads-$threads.json" "$@"
  results+=("$OUT/threads-$threads.json")
done
target/release/face_peer report "${results[@]}"
