#!/usr/bin/env bash
# Status reads under load: a release `openkyc serve` on a fresh data
# directory (no workers: nothing else competes for the CPU), one applicant
# and its access token, then wrk from a second process on
# GET /v1/applicants/{id} with the bearer token. Prints requests/s and the
# latency percentiles, and writes the "## serve" section of
# docs/BENCHMARKS.md (replacing it when present) with the command.
#
#   scripts/bench-serve.sh                 # 30 s, 2 wrk threads, 32 connections
#   DURATION=60s CONNECTIONS=64 scripts/bench-serve.sh
#   NO_WRITE=1 scripts/bench-serve.sh      # print only
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-30s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DOC=docs/BENCHMARKS.md

if ! command -v wrk >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get install -y wrk >/dev/null
    else
        echo "bench-serve: wrk is missing (Debian: apt-get install wrk)" >&2
        exit 1
    fi
fi
command -v openssl >/dev/null || { echo "bench-serve: openssl is needed to sign requests" >&2; exit 1; }

cargo build --release -p openkyc --bin openkyc
BIN=target/release/openkyc

DATA=$(mktemp -d)
LOG="$DATA/serve.log"
"$BIN" serve --listen 127.0.0.1:0 --data-dir "$DATA/data" --workers 0 >"$LOG" 2>"$DATA/serve.err" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$DATA"' EXIT

BASE=""
for _ in $(seq 1 100); do
    BASE=$(sed -n 's/^ *API: *//p' "$LOG" | head -n1)
    [ -n "$BASE" ] && break
    sleep 0.1
done
[ -n "$BASE" ] || { echo "bench-serve: the server did not start" >&2; cat "$DATA/serve.err" >&2; exit 1; }
ORIGIN=${BASE%/v1}

KEY_FILE="$DATA/data/demo-operator-key.txt"
KEY_ID=$(sed -n 's/^key_id: *//p' "$KEY_FILE")
SECRET=$(sed -n 's/^secret: *//p' "$KEY_FILE")

# An operator request, signed: hex HMAC-SHA256(secret, ts + METHOD + path + body).
signed() {
    local method=$1 path=$2 body=${3:-}
    local ts sig
    ts=$(date +%s)
    sig=$(printf '%s%s%s%s' "$ts" "$method" "$path" "$body" | openssl dgst -sha256 -hmac "$SECRET" | awk '{print $NF}')
    curl -sS -X "$method" "$ORIGIN$path" \
        -H "X-App-Key: $KEY_ID" -H "X-App-Access-Ts: $ts" -H "X-App-Access-Sig: $sig" \
        -H 'Content-Type: application/json' --data-binary "$body"
}

APPLICANT=$(signed POST /v1/applicants '{"external_user_id":"bench-1","level":"L2"}' |
    sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
[ -n "$APPLICANT" ] || { echo "bench-serve: creating the applicant failed" >&2; exit 1; }
TOKEN=$(signed POST "/v1/applicants/$APPLICANT/access-tokens" '{"ttl_secs":3600}' |
    sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || { echo "bench-serve: minting the token failed" >&2; exit 1; }

URL="$BASE/applicants/$APPLICANT"
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
OUT=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" "$URL")
LOAD_AFTER=$(cut -d' ' -f1 /proc/loadavg)
echo "$OUT"

RPS=$(awk '/^Requests\/sec:/ {print $2}' <<<"$OUT")
P50=$(awk '$1 == "50%" {print $2}' <<<"$OUT")
P99=$(awk '$1 == "99%" {print $2}' <<<"$OUT")
ERRORS=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$OUT")
ERRORS=${ERRORS:-0}
CPU=$(awk -F: '/model name/ {gsub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo)
CORES=$(nproc)

SECTION=$(cat <<EOF
## serve

Status reads under load (\`scripts/bench-serve.sh\`): a release \`openkyc serve --workers 0\` on a fresh data
directory (SQLite, WAL), one L2 applicant, and \`wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency\` from a second
process on \`GET /v1/applicants/{id}\` with the applicant's bearer token (each read verifies the token and runs
four SELECTs: applicant, latest report, latest challenge, uploads; the request log on, at its default
\`info\` level, to a file).

- $CPU, $CORES cores, load average $LOAD_BEFORE before and $LOAD_AFTER after (the machine is shared; wrk and the
  server share its cores)
- **$RPS requests/s**, latency median $P50, **p99 $P99**; non-2xx responses: $ERRORS
EOF
)

if [ -z "${NO_WRITE:-}" ]; then
    python3 - "$DOC" <<PY
import sys
path = sys.argv[1]
section = """$SECTION
"""
text = open(path).read()
start = text.find("\n## serve\n")
if start >= 0:
    end = text.find("\n## ", start + 1)
    text = text[:start + 1] + section + (text[end:] if end >= 0 else "")
else:
    text = text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
PY
    echo "bench-serve: wrote the serve section of $DOC"
fi
