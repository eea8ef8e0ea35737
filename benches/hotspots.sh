#!/usr/bin/env bash
# Where a benchmark client allocates and spends CPU, per request.
#
#   benches/hotspots.sh [CLIENT] [WORKLOAD] [CONCURRENCY]     (default: ringbolt insert 64)
#
# Starts bench-server, then runs the client twice at the given concurrency:
# 1. under `valgrind --tool=dhat`: allocation sites with blocks per request (tools/dhat_sites.py);
# 2. under `perf record -e cpu-clock`: user/kernel/libc split and the top symbols.
# Needs valgrind, perf and python3. Outputs are kept in benches/target/hotspots/.
set -euo pipefail
cd "$(dirname "$0")"
CLIENT=${1:-ringbolt}
WORKLOAD=${2:-insert}
CONC=${3:-64}
BIN=${CARGO_TARGET_DIR:-target}/release
OUT=${CARGO_TARGET_DIR:-target}/hotspots
mkdir -p "$OUT"
cargo build --release --quiet --workspace >&2

"$BIN/bench-server" >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening "$OUT/server.log" && break; sleep 0.1; done
ADDR=$(sed -n 's/^listening on //p' "$OUT/server.log")
[ -n "$ADDR" ] || { cat "$OUT/server.log" >&2; exit 1; }
ARGS=(--addr "$ADDR" --workload "$WORKLOAD" --concurrency "$CONC")

tag="$CLIENT-$WORKLOAD-$CONC"
echo "== allocation sites ($tag, under valgrind: slow)"
valgrind -q --tool=dhat --dhat-out-file="$OUT/dhat-$tag.json" \
    "$BIN/bench-$CLIENT-client" "${ARGS[@]}" --warmup-ms 300 --duration-ms 1000 >/dev/null 2>"$OUT/dhat-$tag.log" ||
    { cat "$OUT/dhat-$tag.log" >&2; exit 1; }
REQUESTS=$(sed -n 's/^TOTAL requests=//p' "$OUT/dhat-$tag.log")
[ -n "$REQUESTS" ] || { echo "the client did not report its request count" >&2; cat "$OUT/dhat-$tag.log" >&2; exit 1; }
python3 tools/dhat_sites.py "$OUT/dhat-$tag.json" "$REQUESTS"

echo
echo "== CPU samples ($tag)"
perf record -q -e cpu-clock -F 4000 -o "$OUT/perf-$tag.data" -- \
    "$BIN/bench-$CLIENT-client" "${ARGS[@]}" --warmup-ms 100 --duration-ms 2000
perf report -i "$OUT/perf-$tag.data" --sort dso --stdio 2>/dev/null | grep -v '^#' | grep . | head -5
echo
perf report -i "$OUT/perf-$tag.data" --sort sym --stdio 2>/dev/null | grep -v '^#' | grep . | head -30 | cut -c1-150
