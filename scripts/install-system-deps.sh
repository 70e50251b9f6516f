#!/usr/bin/env bash
# Debian packages the tests read at run time (not libraries the build links):
#   fonts-ocr-b  the OCR-B font (public domain) that the MRZ reader's glyph
#                templates and test renders are made from.
#   fonts-dejavu-core  DejaVu Sans, the visual-zone font of the test
#                documents openkyc-docgen draws.
#   fonts-wqy-zenhei  WenQuanYi Zen Hei, the CJK font of the Chinese
#                Resident Identity Cards openkyc-docgen draws.
# Installs what is missing when run as root with apt; otherwise says what to
# install, and the tests that need it print SKIPPED.
set -euo pipefail

packages=(fonts-ocr-b fonts-dejavu-core fonts-wqy-zenhei)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} (Debian packages the tests read)"
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
else
  echo "NOTE: install ${missing[*]} (e.g. sudo apt-get install ${missing[*]}); until then the tests that need it print SKIPPED"
fi
