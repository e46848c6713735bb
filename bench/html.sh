#!/usr/bin/env bash
# The HTML report at a gateway's size: a capture of about 20,000 IKE SAs made by ike-synth,
# its report written by the release build, then opened in headless Chromium through the
# DevTools protocol (the test `a_report_of_many_sas_stays_small_and_opens_fast` of
# crates/ike-doctor/tests/html_report.rs, on this capture): the report's size, the time until
# the page is usable, the time to draw one ladder and to follow a link to the last SA.
#
# Usage: bench/html.sh [OUT_DIR]            (default OUT_DIR: /tmp/ike-bench)
# Environment: SIZE=130M PEERS=20000
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out_dir=${1:-/tmp/ike-bench}
size=${SIZE:-130M}
peers=${PEERS:-20000}
die() { echo "html.sh: $*" >&2; exit 2; }
mkdir -p "$out_dir" || die "cannot create $out_dir"
command -v chromium > /dev/null || die "chromium is needed (scripts/install-deps.sh)"

echo "== building release binaries" >&2
(cd "$repo" && cargo build --release -p ike-synth -p ike-doctor \
    && cargo test --release -p ike-doctor --test html_report --no-run) || die "build failed"
capture="$out_dir/html-gateway-$size.pcap"
"$repo/target/release/ike-synth" gateway --size "$size" --peers "$peers" --out "$capture" \
    || die "ike-synth failed"

echo "== measuring" >&2
figures=$(cd "$repo" && IKE_HTML_CAPTURE="$capture" cargo test --release -q -p ike-doctor \
    --test html_report a_report_of_many_sas -- --nocapture --test-threads 1 2>&1)
status=$?
line=$(echo "$figures" | grep ' SAs, ' | head -1)
{
    echo "# ike-doctor HTML report at scale"
    echo
    echo "- date: $(date -u '+%Y-%m-%dT%H:%M:%SZ'), revision $(cd "$repo" && git rev-parse --short HEAD 2>/dev/null)"
    echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB, Linux $(uname -r), $(chromium --version 2>/dev/null)"
    echo "- capture: \`ike-synth gateway --size $size --peers $peers\`, $(stat -c %s "$capture") bytes"
    echo "- command: \`SIZE=$size PEERS=$peers bench/html.sh\`"
    echo
    echo "${line:-no figures: $figures}"
    echo
    echo "test: $([ $status = 0 ] && echo 'bounds met' || echo 'FAILED')"
} | tee "$out_dir/html-results.md"
exit $status
