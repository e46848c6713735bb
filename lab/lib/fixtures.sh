# Fixtures: a trimmed copy of a scenario's output under tests/fixtures/lab/, and the
# structural comparison that proves the committed fixtures still match reality.

FIXTURE_MAX_FRAMES=${FIXTURE_MAX_FRAMES:-400}

fixture_write() {   # fixture_write SCENARIO OUTDIR
    local name=$1 src=$2 dst=$FIXTURE_ROOT/$1 f n
    rm -rf "$dst"
    mkdir -p "$dst"
    cp -r "$src"/. "$dst"/
    for f in "$dst"/*.pcap; do
        [ -f "$f" ] || continue
        n=$(capinfos -c -M "$f" 2>/dev/null | awk '/Number of packets/ {print $NF}')
        if [ -n "$n" ] && [ "$n" -gt "$FIXTURE_MAX_FRAMES" ]; then
            editcap -r "$f" "$f.tmp" "1-$FIXTURE_MAX_FRAMES" && mv "$f.tmp" "$f"
        fi
    done
    log "fixture written to $dst"
}

# The IKE exchanges of a capture as a sorted set of "exchange-type flags" lines.
ike_exchange_set() {
    tshark -n -r "$1" -Y isakmp -T fields -e isakmp.exchangetype -e isakmp.flags 2>/dev/null | sort -u
}

fixture_compare() {   # fixture_compare SCENARIO OUTDIR
    local name=$1 out=$2 fx=$FIXTURE_ROOT/$1 ok=0
    if [ ! -d "$fx" ]; then
        log "CHECK: no committed fixture for $name"
        return 1
    fi
    if ! diff <(jq -S . "$fx/truth.json") <(jq -S . "$out/truth.json") >&2; then
        log "CHECK: truth.json differs from the committed fixture"
        ok=1
    fi
    if ! diff <(ike_exchange_set "$fx/client.pcap") <(ike_exchange_set "$out/client.pcap") >&2; then
        log "CHECK: the IKE exchanges in client.pcap differ from the committed fixture"
        ok=1
    fi
    [ $ok = 0 ] && log "CHECK: output matches the committed fixture"
    return $ok
}
