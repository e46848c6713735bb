#!/usr/bin/env bash
# Gateway scale benchmark: bench/ingest.sh on a gateway-kind and a mixed capture of the same
# size (ike-doctor, tshark -Y isakmp and a raw read, side by side), then ike-doctor's time per
# GB and peak RSS on gateway-kind captures from 100 MB to 2 GB. See bench/README.md.
#
# Usage: bench/scale.sh [OUT_DIR]          (default OUT_DIR: /tmp/ike-bench)
# Environment:
#   SIZE=500M               size of the two side-by-side captures
#   SIZES="100M 500M 1G 2G" sizes of the time-per-GB table (gateway kind): each capture has
#                           4,000 peers and 20,000 ESP SPIs per 100 MB (ike-synth gateway's
#                           defaults at 500 MB), so that every size has the same mix, and
#                           ike-doctor runs with its caps raised so that nothing is capped
#   RUNS=5 TSHARK_RUNS=3    as for ingest.sh
#   CLEAN=1                 delete each capture after use
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out_dir=${1:-/tmp/ike-bench}
size=${SIZE:-500M}
sizes=${SIZES:-100M 500M 1G 2G}
runs=${RUNS:-5}
invocation="$0${*:+ $*}"

die() { echo "scale.sh: $*" >&2; exit 2; }
mkdir -p "$out_dir" || die "cannot create $out_dir"
results="$out_dir/scale-results.md"

echo "== building release binaries" >&2
(cd "$repo" && cargo build --release -p ike-synth -p ike-doctor) || die "build failed"
export IKE_SYNTH="$repo/target/release/ike-synth" IKE_DOCTOR="$repo/target/release/ike-doctor"

status=0
for kind in gateway mixed; do
    KIND=$kind SIZE=$size RUNS=$runs "$repo/bench/ingest.sh" "$out_dir" > /dev/null || status=1
    # The size table below runs ingest.sh again at this size, without tshark: keep these.
    cp "$out_dir/ingest-results-$kind-$size.md" "$out_dir/side-by-side-$kind-$size.md" 2>/dev/null
done

# Time per GB: ike-doctor alone (tshark would take hours at 2 GB), median of RUNS.
rows="$out_dir/scale-sizes.tsv"
: > "$rows"
# Sizes in bytes as ike-synth reads them (K, M, G binary).
size_bytes() {
    local n=${1%[KMG]} unit=${1##*[0-9]}
    case "$unit" in K) echo $((n << 10)) ;; M) echo $((n << 20)) ;; G) echo $((n << 30)) ;; *) echo "$n" ;; esac
}
for s in $sizes; do
    hundreds=$(( ($(size_bytes "$s") + 52428800) / 104857600 ))
    [ "$hundreds" -ge 1 ] || hundreds=1
    SYNTH_ARGS="--peers $((hundreds * 4000)) --esp-flows $((hundreds * 20000))" \
    DOCTOR_ARGS="--max-sas 10000000 --max-messages 100000000 --max-flows 10000000" \
    KIND=gateway SIZE=$s RUNS=$runs TSHARK_RUNS=0 "$repo/bench/ingest.sh" "$out_dir" > /dev/null || status=1
    table="$out_dir/ingest-results-gateway-$s.md"
    bytes=$(grep -o ', [0-9]* bytes' "$table" | head -1 | tr -dc 0-9)
    row=$(grep '^| ike-doctor (1 core)' "$table" | head -1)
    row2=$(grep '^| ike-doctor (2 threads)' "$table" | head -1)
    secs2=$(echo "$row2" | awk -F'|' '{print $3}' | awk '{print $1}')
    sas=$(grep -o '"sa_init_requests":[0-9]*' "$table" | head -1 | tr -dc 0-9)
    msgs=$(grep -o '"ike_messages":[0-9]*' "$table" | head -1 | tr -dc 0-9)
    limits=$(grep -o "limits\` (what was capped; \`{}\`: nothing): \`[^\`]*" "$table" | sed 's/.*: `//')
    raw=$(grep '^| raw read (cat)' "$table" | head -1)
    secs=$(echo "$row" | awk -F'|' '{print $3}' | awk '{print $1}')
    rss=$(echo "$row" | awk -F'|' '{print $5}' | tr -d ' ')
    cat_secs=$(echo "$raw" | awk -F'|' '{print $3}' | awk '{print $1}')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$bytes" "$secs" "$rss" "$cat_secs" \
        "${secs2:--}" "${sas:--}" "${msgs:--}" "${limits:--}" >> "$rows"
    [ "${CLEAN:-0}" = 1 ] && rm -f "$out_dir"/gateway-"$s"-seed*.pcap
done

{
    echo "# ike-doctor scale benchmark"
    echo
    echo "- date: $(date -u '+%Y-%m-%dT%H:%M:%SZ'), revision $(cd "$repo" && git rev-parse --short HEAD 2>/dev/null)"
    echo "- command: \`SIZE=$size SIZES=\"$sizes\" RUNS=$runs $invocation\`"
    echo
    for kind in gateway mixed; do
        sed 's/^## /### /' "$out_dir/side-by-side-$kind-$size.md"
        echo
    done
    echo "### Time per GB (gateway kind, 4,000 peers and 20,000 ESP SPIs per 100 MB, caps raised; median of $runs runs)"
    echo
    echo "| size | bytes | IKE_SA_INIT requests | IKE messages | 1 core s | s/GB | vs raw read | 2 threads s | peak RSS MB (1 core) | limits |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    awk -F'\t' '{
        gb = $2 / 1e9; spg = (gb > 0) ? $3 / gb : 0
        ratio = ($5 + 0 > 0) ? sprintf("%.1fx", $3 / $5) : "-"
        printf "| %s | %s | %s | %s | %.3f | %.3f | %s | %s | %s | `%s` |\n", $1, $2, $7, $8, $3, spg, ratio, $6, $4, $9
    }' "$rows"
} | tee "$results"
echo "scale.sh: results saved to $results" >&2
exit $status
