#!/bin/bash
# The shipped rsyslog example (docs/watch/rsyslog-forward.conf on a gateway, rsyslog-collect.conf
# on the collector) carries watch's JSON lines intact: two real rsyslogd on loopback, the
# examples with only their paths and the collector's address rewritten, the lines of a real
# watch run appended to the followed file; every line must arrive at the collector, the same
# JSON. Both daemons are stopped by PID.
#
#   lab/watch-rsyslog.sh LINES.jsonl      (as root)
set -u
REPO_DIR=$(cd "$(dirname "$0")/.." && pwd)
LINES=$1
[ -s "$LINES" ] || { echo "watch-rsyslog: no lines in $LINES"; exit 1; }
command -v rsyslogd >/dev/null || { echo "watch-rsyslog: rsyslogd missing (scripts/install-deps.sh)"; exit 1; }
WORK=$(mktemp -d /tmp/ike-rsyslog.XXXXXX)
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT
PORT=16514
mkdir -p "$WORK"/{fwd,col,log}
sed -e "s|/var/spool/rsyslog|$WORK/fwd|; s|/var/log/ike-doctor/watch.jsonl|$WORK/watch.jsonl|; s|collector.example.net|127.0.0.1|; s|Port=\"6514\"|Port=\"$PORT\"|" \
    "$REPO_DIR/docs/watch/rsyslog-forward.conf" >"$WORK/forward.conf"
sed -e "s|/var/spool/rsyslog|$WORK/col|; s|/var/log/ike-doctor/|$WORK/log/|; s|Port=\"6514\"|Port=\"$PORT\" Address=\"127.0.0.1\"|" \
    "$REPO_DIR/docs/watch/rsyslog-collect.conf" >"$WORK/collect.conf"
: >"$WORK/watch.jsonl"
rsyslogd -n -f "$WORK/collect.conf" -i "$WORK/collect.pid" >"$WORK/collect.out" 2>&1 &
PIDS+=($!)
sleep 1
rsyslogd -n -f "$WORK/forward.conf" -i "$WORK/forward.pid" >"$WORK/forward.out" 2>&1 &
PIDS+=($!)
sleep 2
cat "$LINES" >>"$WORK/watch.jsonl"
want=$(grep -c . "$LINES")
for _ in $(seq 1 100); do
    got=$(cat "$WORK"/log/*.jsonl 2>/dev/null | grep -c .)
    [ "${got:-0}" -ge "$want" ] && break
    sleep 0.1
done
python3 - "$LINES" "$WORK/log" <<'PY' || { cat "$WORK"/*.out; exit 1; }
import glob, json, sys
sent = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
got = []
for f in glob.glob(sys.argv[2] + "/*.jsonl"):
    got += [json.loads(l) for l in open(f) if l.strip()]
if got != sent:
    print(f"watch-rsyslog: FAIL: {len(sent)} lines sent, {len(got)} arrived, equal: {got == sent}")
    sys.exit(1)
print(f"watch-rsyslog: PASS: {len(sent)} JSON lines of watch arrived intact at the collector")
PY
