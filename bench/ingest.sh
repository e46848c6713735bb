#!/usr/bin/env bash
# Ingest throughput benchmark: raw read vs `ike-doctor diagnose` vs `tshark -Y isakmp`
# on one large synthetic capture written by ike-synth. See bench/README.md.
#
# Usage: bench/ingest.sh [OUT_DIR]        (default OUT_DIR: /tmp/ike-bench)
# Environment:
#   KIND=mixed      mixed (a host: mostly TCP, a few tunnels) or gateway (tens of thousands of
#                   peers, a hundred thousand ESP flows; ike-synth gateway's defaults)
#   SIZE=600M       capture size (ike-synth suffixes; at least 500M for a meaningful result)
#   FORMAT=pcap     pcap or pcapng
#   SEED=1          generator seed (same seed, same bytes)
#   RUNS=5          timed runs for the fast tools (the median is reported)
#   TSHARK_RUNS=3   timed runs of tshark (median; its time varies by 2x between runs); 0 skips it
#   CORE=0          core that ike-doctor is pinned to (taskset)
#   SYNTH_ARGS=...  more ike-synth options (e.g. "--peers 4000 --esp-flows 20000")
#   DOCTOR_ARGS=... more ike-doctor options (e.g. "--max-sas 1000000" to reach no cap)
#   IKE_SYNTH=...   use this ike-synth binary instead of building one
#   IKE_DOCTOR=...  use this ike-doctor binary instead of building one
#   CLEAN=1         delete the capture when done
#   NO_HYPERFINE=1  time with /usr/bin/time loops even if hyperfine is installed
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out_dir=${1:-/tmp/ike-bench}
kind=${KIND:-mixed}
size=${SIZE:-600M}
format=${FORMAT:-pcap}
seed=${SEED:-1}
runs=${RUNS:-5}
tshark_runs=${TSHARK_RUNS:-3}
core=${CORE:-0}
read -r -a synth_args <<< "${SYNTH_ARGS:-}"
read -r -a doctor_args <<< "${DOCTOR_ARGS:-}"
invocation="$0${*:+ $*}"
env_used="KIND=$kind SIZE=$size FORMAT=$format SEED=$seed RUNS=$runs TSHARK_RUNS=$tshark_runs CORE=$core"
[ -n "${SYNTH_ARGS:-}" ] && env_used+=" SYNTH_ARGS=\"$SYNTH_ARGS\""
[ -n "${DOCTOR_ARGS:-}" ] && env_used+=" DOCTOR_ARGS=\"$DOCTOR_ARGS\""

die() { echo "ingest.sh: $*" >&2; exit 2; }

case "$out_dir" in
    "$repo"|"$repo"/*) die "OUT_DIR must be outside the repository (got $out_dir)" ;;
esac
case "$kind" in mixed|gateway) ;; *) die "KIND must be mixed or gateway (got $kind)" ;; esac
mkdir -p "$out_dir" || die "cannot create $out_dir"
capture="$out_dir/$kind-$size-seed$seed.$format"
results="$out_dir/ingest-results-$kind-$size.md"
work=$(mktemp -d "$out_dir/run.XXXXXX") || die "cannot create a scratch directory"
trap 'rm -rf "$work"' EXIT

[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install -y time)"
command -v taskset >/dev/null || die "taskset is missing (apt-get install -y util-linux)"
tshark=$(command -v tshark || true)
[ "$tshark_runs" -ge 1 ] 2>/dev/null || tshark=""
[ -n "$tshark" ] || echo "ingest.sh: tshark not found; its row will be skipped" >&2
hyperfine=$(command -v hyperfine || true)
[ "${NO_HYPERFINE:-0}" = 1 ] && hyperfine=""
[ -n "$hyperfine" ] || echo "ingest.sh: hyperfine not available or disabled; timing with /usr/bin/time loops" >&2

# ---- build -------------------------------------------------------------------------
doctor_build_failed=0
if [ -z "${IKE_SYNTH:-}" ] || [ -z "${IKE_DOCTOR:-}" ]; then
    echo "== building release binaries" >&2
    if ! (cd "$repo" && cargo build --release -p ike-synth -p ike-doctor); then
        echo "ingest.sh: building ike-doctor failed; trying ike-synth alone" >&2
        doctor_build_failed=1
        (cd "$repo" && cargo build --release -p ike-synth) || die "cannot build ike-synth"
    fi
fi
synth=${IKE_SYNTH:-$repo/target/release/ike-synth}
doctor=${IKE_DOCTOR:-$repo/target/release/ike-doctor}
[ -x "$synth" ] || die "no ike-synth binary at $synth"

# ---- generate + warm ---------------------------------------------------------------
echo "== generating $capture ($size, $format, seed $seed)" >&2
gen_start=$(date +%s%N)
"$synth" "$kind" --size "$size" --format "$format" --seed "$seed" --out "$capture" --stats "${synth_args[@]}" \
    2> "$work/synth-stats.json" || { cat "$work/synth-stats.json" >&2; die "ike-synth failed"; }
gen_end=$(date +%s%N)
bytes=$(stat -c %s "$capture")
[ "$bytes" -ge 500000000 ] || echo "ingest.sh: warning: capture is only $bytes bytes (< 500 MB)" >&2
echo "== warming the page cache" >&2
cat "$capture" > /dev/null

# ---- measurement helpers -------------------------------------------------------------
# Each measure_* call appends "name<TAB>mean<TAB>stddev<TAB>rss_kb<TAB>status<TAB>command" to rows.
rows="$work/rows.tsv"
: > "$rows"

quote_command() { local out="" word; for word in "$@"; do out+="$(printf '%q' "$word") "; done; echo "${out% }"; }

# Peak RSS (kB) and exit status of one run, stdout discarded.
rss_run() {
    /usr/bin/time -v -o "$work/time-v.txt" "$@" > /dev/null 2> "$work/stderr.txt"
    local status=$?
    local rss
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time-v.txt")
    echo "${rss:-0} $status"
}

# Wall time of one run in seconds (nanosecond clock), stdout discarded.
timed_run() {
    local start end
    start=$(date +%s%N)
    "$@" > /dev/null 2>> "$work/stderr.txt"
    local status=$?
    end=$(date +%s%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.6f\n", (e - s) / 1e9 }'
    return $status
}

# measure NAME OK_STATUSES RUNS COMMAND...  (OK_STATUSES: space separated exit codes accepted)
measure() {
    local name=$1 ok=$2 n=$3; shift 3
    local command_text; command_text=$(quote_command "$@")
    echo "== $name: $command_text" >&2
    local rss status
    read -r rss status < <(rss_run "$@")
    if ! [[ " $ok " == *" $status "* ]]; then
        echo "ingest.sh: $name exited with status $status:" >&2
        head -5 "$work/stderr.txt" >&2
        printf '%s\t-\t-\t%s\tfailed (exit %s)\t%s\n' "$name" "$rss" "$status" "$command_text" >> "$rows"
        return
    fi
    # The median: one slow run (another process, a cold CPU) moves it least.
    local mean stddev
    if [ -n "$hyperfine" ] && [ "$n" -ge 3 ]; then
        "$hyperfine" --style basic --warmup 1 --runs "$n" --ignore-failure -N \
            --export-json "$work/hyperfine.json" "$command_text" >&2 || true
        mean=$(grep -o '"median": *[0-9.e+-]*' "$work/hyperfine.json" | head -1 | awk '{print $2}')
        stddev=$(grep -o '"stddev": *[0-9.e+-]*' "$work/hyperfine.json" | head -1 | awk '{print $2}')
    else
        local times=()
        for _ in $(seq "$n"); do times+=("$(timed_run "$@")"); done
        read -r mean stddev < <(printf '%s\n' "${times[@]}" | sort -g |
            awk '{ t[NR] = $1; s += $1; q += $1 * $1 } END { m = s / NR; v = q / NR - m * m;
                   med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
                   printf "%.6f %.6f\n", med, (v > 0 ? sqrt(v) : 0) }')
    fi
    printf '%s\t%s\t%s\t%s\tok\t%s\n' "$name" "$mean" "${stddev:-0}" "$rss" "$command_text" >> "$rows"
}

# ---- run -----------------------------------------------------------------------------
measure "raw read (cat)" "0" "$runs" cat "$capture"
measure "raw read (dd bs=1M)" "0" "$runs" dd if="$capture" of=/dev/null bs=1M status=none
if [ "$doctor_build_failed" = 0 ] && [ -x "$doctor" ]; then
    # Exit status 1 means "a failure was diagnosed": a normal result for this capture.
    measure "ike-doctor (1 core)" "0 1" "$runs" taskset -c "$core" "$doctor" diagnose "$capture" --format json --threads 1 "${doctor_args[@]}"
    # Both cores, as a user runs it (reading beside building, then judging and writing).
    if [ "$(nproc)" -ge 2 ]; then
        measure "ike-doctor (2 threads)" "0 1" "$runs" "$doctor" diagnose "$capture" --format json --threads 2 "${doctor_args[@]}"
    fi
    # What the report says was capped (`limits`): empty when every SA and message was kept.
    # (exit 1, a failure diagnosed, is a normal result here)
    "$doctor" diagnose "$capture" --format json --threads 1 "${doctor_args[@]}" > "$work/report.json" 2> /dev/null
    python3 -c 'import json, sys; l = json.load(open(sys.argv[1])).get("limits", {}); print(json.dumps({k: v for k, v in l.items() if v}))' \
        "$work/report.json" > "$work/limits.json" 2> /dev/null || echo '"not read"' > "$work/limits.json"
    rm -f "$work/report.json"
else
    printf '%s\t-\t-\t-\tnot built\t%s\n' "ike-doctor (1 core)" \
        "$(quote_command taskset -c "$core" "$doctor" diagnose "$capture" --format json)" >> "$rows"
fi
if [ -n "$tshark" ]; then
    measure "tshark -Y isakmp" "0" "$tshark_runs" "$tshark" -r "$capture" -Y isakmp
fi

# ---- report --------------------------------------------------------------------------
tshark_seconds=$(awk -F'\t' '$1 == "tshark -Y isakmp" && $5 == "ok" {print $2}' "$rows")
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
revision=$(cd "$repo" && git rev-parse --short HEAD 2>/dev/null || echo "no commit")
gen_seconds=$(awk -v s="$gen_start" -v e="$gen_end" 'BEGIN { printf "%.2f", (e - s) / 1e9 }')
timing=$([ -n "$hyperfine" ] && echo "hyperfine ($("$hyperfine" --version | awk '{print $2}'), warmup 1, median of $runs runs; tshark: median of $tshark_runs)" ||
    echo "/usr/bin/time loop (median of $runs runs; tshark: median of $tshark_runs)")

{
    echo "## ike-doctor ingest benchmark: $kind capture"
    echo
    echo "- date: $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
    echo "- machine: $(nproc) cores, ${cpu:-unknown CPU}, $mem RAM, Linux $(uname -r)"
    echo "- revision: $revision"
    echo "- command: \`$env_used $invocation\`"
    echo "- capture: \`$capture\`, $bytes bytes ($format, seed $seed), written by ike-synth in ${gen_seconds} s, page cache warm"
    echo "- generator counts: \`$(tr -d '\n' < "$work/synth-stats.json")\`"
    echo "- timing: $timing; peak RSS from \`/usr/bin/time -v\`; ike-doctor (1 core) pinned with \`taskset -c $core\`"
    echo "- ike-doctor's \`limits\` (what was capped; \`{}\`: nothing): \`$(cat "$work/limits.json" 2> /dev/null || echo "not run")\`"
    echo
    echo "| tool | seconds (median) | GB/s | peak RSS MB | vs tshark |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    awk -F'\t' -v bytes="$bytes" -v ts="$tshark_seconds" '
        {
            if ($5 != "ok") { printf "| %s | %s | - | %s | - |\n", $1, $5, ($4 == "-" ? "-" : sprintf("%.1f", $4 / 1024)); next }
            secs = $2 + 0
            rate = secs > 0 ? bytes / secs / 1e9 : 0
            ratio = (ts != "" && secs > 0) ? sprintf("%.1fx faster", ts / secs) : "-"
            if ($1 == "tshark -Y isakmp") ratio = "1.0x"
            spread = ($3 + 0 > 0) ? sprintf(" ± %.3f", $3) : ""
            printf "| %s | %.3f%s | %.2f | %.1f | %s |\n", $1, secs, spread, rate, $4 / 1024, ratio
        }' "$rows"
    echo
    echo "Exact commands (stdout to /dev/null):"
    echo
    awk -F'\t' '{ printf "- %s: `%s`\n", $1, $6 }' "$rows"
} | tee "$results"
echo >&2
echo "ingest.sh: results saved to $results" >&2

if [ "${CLEAN:-0}" = 1 ]; then
    rm -f "$capture"
fi
if awk -F'\t' '$5 != "ok" { bad = 1 } END { exit !bad }' "$rows"; then
    exit 1
fi
