#!/bin/bash
# Watch mode over time: `ike-doctor watch` on one end of a veth pair in the lab's namespaces
# (lab/lib/common.sh), the other end replaying with tcpreplay, memory and CPU sampled every
# 5 s. Two runs: a gateway-kind capture (`ike-synth gateway`) looped at line rate, then a flood
# of half-open SAs (`ike-synth hostile --kind half-open-sas`) at 100,000 a minute. Passes when
# the peak RSS stays under 64 MB and the last third's peak is within 15% (+4 MB) of the middle
# third's (flat memory), and the flood gives a few aggregate lines, not one per SA.
#
#   bench/watch-soak.sh [SECONDS]     (as root; default 600 per run; CI runs 60)
# Environment: DOCTOR and SYNTH (default: the release builds, built first; given, used as
# they are: CI gives its debug builds), OUT_DIR.
set -u
LAB_DIR=$(cd "$(dirname "$0")/../lab" && pwd)
REPO_DIR=$(cd "$LAB_DIR/.." && pwd)
SECONDS_PER_RUN=${1:-600}
OUT_DIR=${OUT_DIR:-/tmp/ike-watch-soak}
SCENARIO=watch-soak
. "$LAB_DIR/lib/common.sh"
mkdir -p "$OUT_DIR"
WORK=$(mktemp -d /tmp/ike-soak.XXXXXX)
PIDS=(); NAMESPACES=()
trap 'teardown; rm -rf "$WORK"' EXIT

DOCTOR_GIVEN=${DOCTOR:-}
DOCTOR=${DOCTOR:-$REPO_DIR/target/release/ike-doctor}
SYNTH=${SYNTH:-$REPO_DIR/target/release/ike-synth}
if [ -z "${DOCTOR_GIVEN:-}" ]; then
    (cd "$REPO_DIR" && cargo build --release -q -p ike-doctor -p ike-synth) || die "build failed"
fi
for tool in tcpreplay; do command -v $tool >/dev/null || die "$tool missing (scripts/install-deps.sh)"; done

"$SYNTH" gateway --size 64M --peers 2000 --out "$WORK/gateway.pcap" || die "ike-synth gateway"
"$SYNTH" hostile --kind half-open-sas --count 600000 --out "$WORK/half-open.pcap" || die "ike-synth hostile"

# run NAME CAPTURE TCPREPLAY_RATE_ARGS...: one soak; prints its table and verdict.
run() {
    local name=$1 capture=$2; shift 2
    cleanup_stale
    ns_create "$NS_G"; ns_create "$NS_C"
    veth "$NS_G" eth0 10.99.2.2/24 "$NS_C" eth0 10.99.2.3/24
    local lines=$OUT_DIR/$name.jsonl
    start_bg watch "$WORK/$name.watch.stderr" ip netns exec "$NS_G" bash -c \
        'exec "$0" watch --interface eth0 --evidence "$1" --evidence-max-mb 32 --metrics 127.0.0.1:9814 >"$2"' \
        "$DOCTOR" "$WORK/$name-evidence" "$lines"
    sleep 1
    local watch_pid=$PID_watch
    start_bg replay "$WORK/$name.tcpreplay.txt" ip netns exec "$NS_C" \
        tcpreplay --intf1=eth0 --loop=0 "$@" "$capture"
    local table=$OUT_DIR/$name.tsv t=0 rx0 rx cpu0 cpu hz tracked
    hz=$(getconf CLK_TCK)
    rx0=$(nsx "$NS_G" cat /sys/class/net/eth0/statistics/rx_packets)
    cpu0=$(awk '{print $14 + $15}' "/proc/$watch_pid/stat")
    printf 'seconds\trss_mb\tcpu_percent\tpackets_per_s\tsas_tracked\n' >"$table"
    local flapped=no seen_at_flap=0
    while [ $t -lt "$SECONDS_PER_RUN" ]; do
        sleep 5; t=$((t + 5))
        # Halfway through the line-rate run, the interface goes down and comes back: the
        # watch must go on reading it.
        if [ "$name" = line-rate ] && [ "$flapped" = no ] && [ $((t * 2)) -ge "$SECONDS_PER_RUN" ]; then
            seen_at_flap=$(nsx "$NS_G" curl -sf http://127.0.0.1:9814/metrics | awk '/^ike_doctor_attempts_seen_total/ {print $2}')
            nsx "$NS_G" ip link set eth0 down; sleep 2; nsx "$NS_G" ip link set eth0 up
            flapped=yes
        fi
        kill -0 "$watch_pid" 2>/dev/null || die "$name: watch died: $(tail -3 "$WORK/$name.watch.stderr")"
        rx=$(nsx "$NS_G" cat /sys/class/net/eth0/statistics/rx_packets)
        cpu=$(awk '{print $14 + $15}' "/proc/$watch_pid/stat")
        # The SAs held beside the memory: a step in one follows a step in the other.
        tracked=$(nsx "$NS_G" curl -sf http://127.0.0.1:9814/metrics | awk '/^ike_doctor_sas_tracked/ {print $2}')
        printf '%s\t%s\t%s\t%s\t%s\n' "$t" \
            "$(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$watch_pid/status")" \
            "$(( (cpu - cpu0) * 100 / hz / 5 ))" "$(( (rx - rx0) / 5 ))" "${tracked:--}" >>"$table"
        rx0=$rx; cpu0=$cpu
    done
    local metrics
    local seen_at_end
    seen_at_end=$(nsx "$NS_G" curl -sf http://127.0.0.1:9814/metrics | awk '/^ike_doctor_attempts_seen_total/ {print $2}')
    metrics=$(nsx "$NS_G" curl -sf http://127.0.0.1:9814/metrics | grep -E '^ike_doctor_(attempts_seen|attempts_untracked|evidence_frames_not_kept|frames_dropped|sas_tracked)' | tr '\n' ' ')
    teardown
    python3 - "$name" "$table" "$lines" "$metrics" "$flapped" "${seen_at_flap:-0}" "${seen_at_end:-0}" <<'PY'
import json, sys
name, table, lines_file, metrics, flapped, seen_at_flap, seen_at_end = sys.argv[1:8]
rows = [l.split("\t") for l in open(table).read().splitlines()[1:]]
rss = [float(r[1]) for r in rows]
cpu = [int(r[2]) for r in rows]
pps = [int(r[3]) for r in rows]
# Flat: the last third's peak against the middle third's (the first third is warm-up: the
# queue and the evidence fill up).
third = max(len(rss) // 3, 1)
first, second = max(rss[third:2 * third] or [0]), max(rss[2 * third:] or [0])
lines = [json.loads(l) for l in open(lines_file) if l.startswith("{")]
events = {}
for l in lines:
    events[l["event"]] = events.get(l["event"], 0) + 1
aggregated = sum(l.get("count", 0) for l in lines if l["event"] == "aggregate")
ok = max(rss) < 64 and second <= first * 1.15 + 4
print(f"{name}: {len(rows) * 5} s, {sum(pps) // max(len(pps), 1)} packets/s on average, "
      f"CPU {sum(cpu) // max(len(cpu), 1)}% on average, peak RSS {max(rss):.1f} MB "
      f"(middle third {first:.1f}, last third {second:.1f}); lines {events}, {aggregated} diagnoses aggregated; {metrics}")
if flapped == "yes":
    went_on = float(seen_at_end) > float(seen_at_flap)
    print(f"{name}: interface down and up halfway: attempts seen {seen_at_flap} then {seen_at_end}: "
          f"{'still reading' if went_on else 'STOPPED reading'}")
    ok = ok and went_on
# watch writes at most 20 diagnoses a minute and aggregates the rest into one line a minute
# (ike_watch::Config::lines_per_window, window_ns): a flood aggregated as designed stays near
# 21 lines a minute, where one line per SA would be tens of thousands.
minutes = len(rows) * 5 // 60 + 1
if name == "flood" and len(lines) > max(200, 25 * minutes):
    print(f"{name}: {len(lines)} lines in {minutes} minutes: the flood was not aggregated"); ok = False
print(f"{name}: {'PASS' if ok else 'FAIL'}")
sys.exit(0 if ok else 1)
PY
}

status=0
run line-rate "$WORK/gateway.pcap" --topspeed || status=1
run flood "$WORK/half-open.pcap" --pps=1667 || status=1
exit $status
