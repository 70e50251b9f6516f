#!/usr/bin/env bash
# Debian packages the tests read at run time:
#   fonts-ocr-b  the OCR-B font (public domain) that the MRZ reader's glyph
#                templates and test renders are made from.
#   fonts-dejavu-core  DejaVu Sans, the visual-zone font of the test
#                documents openkyc-docgen draws.
#   fonts-wqy-zenhei  WenQuanYi Zen Hei, the CJK font of the Chinese
#                Resident Identity Cards openkyc-docgen draws.
# and, since openkyc-faceembed, libraries the build compiles against and
# links (so the workspace does not build without them):
#   libdlib-dev  dlib 19.24's headers and libdlib.so: the dlib-face-recognition
#                binding compiles a little C++ against them and links the
#                system dlib instead of building it. (It pulls in libdlib-data,
#                whose 68-point landmark model openkyc never loads.)
#   libopenblas-dev  OpenBLAS (libopenblas.so, and libblas.so/liblapack.so
#                through Debian's alternatives): dlib's network runs its
#                convolutions as BLAS matrix products, ~10x faster than with
#                the reference BLAS.
#   g++          the C++ compiler for that binding.
#   nasm         the assembler for OpenH264's x86 kernels (the openh264 crate
#                compiles Cisco's source; without nasm it builds the C-only
#                decoder, 1.2-1.45x slower on the liveness clips).
# and, for the browser tests of the review console
# (crates/server/tests/console_browser.rs, tests/browser/):
#   chromium     Debian's headless Chromium at /usr/bin/chromium, driven by
#                playwright-core from npm (make browser-deps), which never
#                downloads a browser of its own; the fonts above render the pages.
# A built binary needs libdlib19.1 and libopenblas0 at run time.
# Installs what is missing when run as root with apt; otherwise says what to
# install: until then the tests that need a font print SKIPPED, and
# openkyc-faceembed (and what depends on it) does not build.
set -euo pipefail

packages=(fonts-ocr-b fonts-dejavu-core fonts-wqy-zenhei libdlib-dev libopenblas-dev g++ nasm chromium)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} (Debian packages the build and the tests need)"
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
else
  echo "NOTE: install ${missing[*]} (e.g. sudo apt-get install --no-install-recommends ${missing[*]}); until then the fonts' tests print SKIPPED, the browser tests fail under make test (OPENKYC_REQUIRE_BROWSER=1), and the libraries' crate (openkyc-faceembed) does not build"
fi
