#!/usr/bin/env bash
# Benchmarks Ringbolt's driver against the `scylla` crate on a canned-response CQL server.
#
# One command does everything: builds the harness in release, starts bench-server pinned to one
# core, runs every client pinned to another core, alternately (the order flips every repetition),
# REPS times per configuration, and prints the medians as a table. The last line printed is
#   ratio cpu_per_request ringbolt/scylla = X.XX      (concurrency 64, insert)
#
# Per run, each client reports over a measured window that follows a warm-up:
#   req/s        requests completed / wall time of the window
#   cpu_us/req   getrusage(RUSAGE_SELF) user+sys of the client process / requests
#   allocs/req   allocations (+ reallocations) counted by the client's #[global_allocator]
#   bytes/req    bytes those allocations asked for
#   sys/req      syscalls: `perf stat -e raw_syscalls:sys_enter` on the client, enabled only for
#                the window through `perf stat --control` (n/a when perf cannot count them)
#
# Settings (environment): REPS (5), WARMUP_MS (400), DURATION_MS (1200), CONCURRENCIES ("1 64 1024"),
# WORKLOADS ("insert select"), CLIENTS (every built client), PORT (0: any free port),
# CLIENT_CPU (0), SERVER_CPU (1).
set -euo pipefail
cd "$(dirname "$0")"

REPS=${REPS:-5}
WARMUP_MS=${WARMUP_MS:-400}
DURATION_MS=${DURATION_MS:-1200}
CONCURRENCIES=${CONCURRENCIES:-"1 64 1024"}
WORKLOADS=${WORKLOADS:-"insert select"}
PORT=${PORT:-0}
CLIENT_CPU=${CLIENT_CPU:-0}
SERVER_CPU=${SERVER_CPU:-1}
if [ "$(nproc)" -lt 2 ]; then
    echo "warning: fewer than 2 cores; client and server share core 0" >&2
    CLIENT_CPU=0 SERVER_CPU=0
fi

echo "building (release)..." >&2
cargo build --release --quiet --workspace >&2
BIN=${CARGO_TARGET_DIR:-target}/release
if [ -z "${CLIENTS:-}" ]; then
    CLIENTS=""
    for c in scylla ringbolt ringbolt-derive; do
        if [ -x "$BIN/bench-$c-client" ]; then CLIENTS="$CLIENTS $c"; fi
    done
fi

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

taskset -c "$SERVER_CPU" "$BIN/bench-server" --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do
    grep -q "listening" "$WORK/server.log" && break
    sleep 0.1
done
grep -q "listening" "$WORK/server.log" || { cat "$WORK/server.log" >&2; echo "server did not start" >&2; exit 1; }
ADDR=$(sed -n 's/^listening on //p' "$WORK/server.log")

PERF=0
if command -v perf >/dev/null && perf stat -x, -e raw_syscalls:sys_enter true >/dev/null 2>&1; then
    PERF=1
else
    echo "note: perf cannot count raw_syscalls:sys_enter here; syscalls column will be n/a" >&2
fi

# run CLIENT WORKLOAD CONCURRENCY -> appends "client workload conc rps cpu allocs bytes sys" to results
run_one() {
    local client=$1 workload=$2 conc=$3 out sys=n/a
    local cmd=(taskset -c "$CLIENT_CPU" "$BIN/bench-$client-client" --addr "$ADDR"
        --workload "$workload" --concurrency "$conc" --warmup-ms "$WARMUP_MS" --duration-ms "$DURATION_MS")
    if [ "$PERF" = 1 ]; then
        rm -f "$WORK/ctl" "$WORK/ack" "$WORK/perf.out"
        mkfifo "$WORK/ctl" "$WORK/ack"
        out=$(BENCH_PERF_CTL="$WORK/ctl" BENCH_PERF_ACK="$WORK/ack" \
            perf stat -x, -o "$WORK/perf.out" -e raw_syscalls:sys_enter -D -1 \
            --control "fifo:$WORK/ctl,$WORK/ack" -- "${cmd[@]}" 2> >(grep -v '^Events \(en\|dis\)abled$\|^TOTAL ' >&2))
    else
        out=$("${cmd[@]}" 2> >(grep -v '^TOTAL ' >&2))
    fi
    local line
    line=$(grep '^RESULT ' <<<"$out") || { echo "$client $workload $conc: no result" >&2; return 1; }
    field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
    if [ "$PERF" = 1 ]; then
        local count
        count=$(awk -F, '/raw_syscalls:sys_enter/ {print $1; exit}' "$WORK/perf.out")
        sys=$(awk -v c="$count" -v n="$(field requests)" 'BEGIN { if (n > 0 && c ~ /^[0-9]+$/) printf "%.3f", c / n; else print "n/a" }')
    fi
    echo "$client $workload $conc $(field rps) $(field cpu_us) $(field allocs) $(field bytes) $sys" >>"$WORK/results"
    echo "  rep $rep: $client $workload c=$conc rps=$(field rps) cpu_us=$(field cpu_us) allocs=$(field allocs) sys=$sys" >&2
}

echo "clients:$CLIENTS; $REPS repetitions; client on CPU $CLIENT_CPU, server on CPU $SERVER_CPU" >&2
for rep in $(seq "$REPS"); do
    order=$CLIENTS
    if [ $((rep % 2)) = 0 ]; then order=$(tr ' ' '\n' <<<"$CLIENTS" | tac | tr '\n' ' '); fi
    for workload in $WORKLOADS; do
        for conc in $CONCURRENCIES; do
            for client in $order; do
                run_one "$client" "$workload" "$conc"
            done
        done
    done
done

# median CLIENT WORKLOAD CONC COLUMN [FORMAT]: the median of that column over the repetitions
median() {
    awk -v c="$1" -v w="$2" -v k="$3" -v col="$4" '$1 == c && $2 == w && $3 == k && $col != "n/a" { print $col }' "$WORK/results" |
        sort -g | awk -v fmt="${5:-%.3f}" '{ v[NR] = $1 } END {
            if (NR == 0) { print "n/a"; exit }
            m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf fmt "\n", m }'
}

# spread CLIENT WORKLOAD CONC COLUMN: "min-max" of that column over the repetitions
spread() {
    awk -v c="$1" -v w="$2" -v k="$3" -v col="$4" '$1 == c && $2 == w && $3 == k && $col != "n/a" { print $col }' "$WORK/results" |
        sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR == 0) print "n/a"; else printf "%.2f-%.2f\n", lo, hi }'
}

echo
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: nproc=$(nproc), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(uname -sr)"
echo "ringbolt: $(git rev-parse --short HEAD 2>/dev/null || echo unknown); scylla crate: $(awk '/^name = "scylla"$/ { getline; gsub(/[^0-9.]/, ""); print }' Cargo.lock)"
echo "medians of $REPS runs ($WARMUP_MS ms warm-up, $DURATION_MS ms measured each)"
printf "%-16s %-7s %6s %10s %11s %13s %11s %10s %9s\n" client workload conc "req/s" "cpu_us/req" "(min-max)" "allocs/req" "bytes/req" "sys/req"
for workload in $WORKLOADS; do
    for conc in $CONCURRENCIES; do
        for client in $CLIENTS; do
            printf "%-16s %-7s %6s %10s %11s %13s %11s %10s %9s\n" "$client" "$workload" "$conc" \
                "$(median "$client" "$workload" "$conc" 4 %.0f)" "$(median "$client" "$workload" "$conc" 5 %.2f)" \
                "$(spread "$client" "$workload" "$conc" 5)" \
                "$(median "$client" "$workload" "$conc" 6 %.2f)" "$(median "$client" "$workload" "$conc" 7 %.1f)" \
                "$(median "$client" "$workload" "$conc" 8 %.3f)"
        done
    done
done

ratio=n/a
if grep -qw ringbolt <<<"$CLIENTS" && grep -qw scylla <<<"$CLIENTS" && grep -qw 64 <<<"$CONCURRENCIES" && grep -qw insert <<<"$WORKLOADS"; then
    ratio=$(awk -v a="$(median ringbolt insert 64 5)" -v b="$(median scylla insert 64 5)" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
fi
echo
echo "ratio cpu_per_request ringbolt/scylla = $ratio"
