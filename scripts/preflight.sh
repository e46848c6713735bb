#!/usr/bin/env bash
# Preflight: before any test runs, checks that every tool, charon plugin and library in
# scripts/deps.sh is present and works, and names the Debian package of anything missing, so that
# a missing piece fails here in seconds rather than minutes later as a failed assertion.
#
#   scripts/preflight.sh            check everything (as root: charon runs in a scratch namespace)
#   scripts/preflight.sh --mapping  print "package<TAB>check<TAB>path" for every file-backed check
#                                   (the mapping test compares it with dpkg -S)
#
# Environment: PREFLIGHT_PLUGIN_DIR (default /usr/lib/ipsec/plugins) is where plugin files are
# looked for; PLUTO_PREFIX (default /opt/ike-lab/libreswan) where Libreswan was unpacked.
# Exit status: 0 all present, 1 something missing (one line per missing piece on stderr).
set -u
REPO_DIR=$(cd "$(dirname "$0")/.." && pwd)
PLUGIN_DIR=${PREFLIGHT_PLUGIN_DIR:-/usr/lib/ipsec/plugins}

PACKAGES=()
declare -A WHY=()
CHECKS=()          # "package<TAB>check" for every check, in list order
dep() {
    local package=$1 why=$2 check
    shift 2
    PACKAGES+=("$package")
    WHY[$package]=$why
    for check in "$@"; do
        CHECKS+=("$package"$'\t'"$check")
    done
}
. "$REPO_DIR/scripts/deps.sh"

# How each command answers a version query (anything else: its libraries must resolve).
version_query() {
    case "$1" in
    tshark | editcap | rsyslogd) echo -v ;;
    tcpreplay | socat | ip) echo -V ;;
    tcpdump | nft | ike-scan | unshare | nsenter | taskset | iptables | faketime | python3 | jq | \
        chromium | prometheus) echo --version ;;
    ping) echo -V ;;
    openssl) echo version ;;
    *) echo "" ;;
    esac
}

# Resolves a check to the file it stands for (empty when absent).
check_path() {
    local check=$1 kind=${1%%:*} name=${1#*:}
    case "$kind" in
    cmd) command -v "$name" 2>/dev/null | head -n 1 ;;
    plugin) [ -e "$PLUGIN_DIR/libstrongswan-$name.so" ] && echo "$PLUGIN_DIR/libstrongswan-$name.so" ;;
    lib) ldconfig -p 2>/dev/null | awk -v so="$name" '$1 == so { print $NF; exit }' ;;
    file) [ -e "$name" ] && echo "$name" ;;
    *) echo "preflight: unknown check $check in scripts/deps.sh" >&2; return 1 ;;
    esac
}

if [ "${1:-}" = --mapping ]; then
    for entry in "${CHECKS[@]}"; do
        printf '%s\t%s\n' "$entry" "$(check_path "${entry#*$'\t'}")"
    done
    exit 0
fi

FAILED=0
missing() {   # missing PACKAGE WHAT DETAIL
    local package=$1 what=$2 detail=${3:-}
    printf 'preflight: MISSING %s%s -> install the Debian package %s (%s)\n' \
        "$what" "${detail:+: $detail}" "$package" "${WHY[$package]:-}" >&2
    FAILED=1
}

# 1. Every check of the list: present, and commands answer.
PLUGINS=()
for entry in "${CHECKS[@]}"; do
    package=${entry%%$'\t'*}
    check=${entry#*$'\t'}
    kind=${check%%:*}
    name=${check#*:}
    path=$(check_path "$check")
    if [ -z "$path" ]; then
        case "$kind" in
        cmd) missing "$package" "command $name" "not on PATH" ;;
        plugin) missing "$package" "strongSwan plugin $name" "no $PLUGIN_DIR/libstrongswan-$name.so" ;;
        lib) missing "$package" "library $name" "not known to the dynamic linker" ;;
        file) missing "$package" "file $name" ;;
        esac
        continue
    fi
    case "$kind" in
    cmd)
        query=$(version_query "$name")
        if [ -n "$query" ]; then
            if ! out=$(timeout 20 "$path" "$query" 2>&1 </dev/null); then
                missing "$package" "command $name" "'$name $query' failed: $(printf '%s' "$out" | tail -n 1)"
            fi
        elif unresolved=$(ldd "$path" 2>/dev/null | grep 'not found'); then
            missing "$package" "command $name" "unresolved libraries: $(echo $unresolved)"
        fi
        ;;
    plugin) PLUGINS+=("$name") ;;
    esac
done

# 2. charon loads the lab's plugins: run it in a scratch namespace with the lab's own
# strongswan.conf (lab/lib/strongswan.sh) and read what it says it loaded.
charon_loads_plugins() {
    local log=$WORK/charon.log loaded plugin reason
    (
        . "$REPO_DIR/lab/lib/common.sh"
        . "$REPO_DIR/lab/lib/strongswan.sh"
        SCENARIO=preflight
        NS_G=ikelab-preflight-$$
        trap teardown EXIT
        ns_create "$NS_G"
        mkdir -p "$WORK/gateway/run" "$WORK/gateway/swanctl"
        PLUGINS_G="${PLUGINS[*]}" strongswan_conf gateway "$log" >"$WORK/gateway/strongswan.conf"
        swan_start gateway "$NS_G" 2>>"$WORK/harness.txt"
    ) 2>>"$WORK/harness.txt"
    if [ ! -s "$log" ]; then
        echo "preflight: charon did not start in a scratch namespace:" >&2
        tail -n 5 "$WORK/harness.txt" "$WORK/gateway/charon.stdout" 2>/dev/null >&2
        FAILED=1
        return
    fi
    loaded=" $(sed -n 's/.*loaded plugins: //p' "$log" | tail -n 1) "
    for plugin in "${PLUGINS[@]}"; do
        case "$loaded" in *" $plugin "*) continue ;; esac
        reason=$(grep -m1 "plugin '$plugin'" "$log" | sed 's/.*plugin /plugin /')
        for entry in "${CHECKS[@]}"; do
            [ "${entry#*$'\t'}" = "plugin:$plugin" ] || continue
            missing "${entry%%$'\t'*}" "strongSwan plugin $plugin" "charon did not load it${reason:+ ($reason)}"
        done
    done
}

# 3. pluto (unpacked by lab/install-libreswan.sh) resolves its libraries and starts.
pluto_runs() {
    local prefix=${PLUTO_PREFIX:-/opt/ike-lab/libreswan}
    local pluto=$prefix/usr/libexec/ipsec/pluto libdir=$prefix/usr/lib/x86_64-linux-gnu so entry found
    if [ ! -x "$pluto" ]; then
        printf 'preflight: MISSING pluto under %s -> run lab/install-libreswan.sh (the Debian package libreswan, unpacked)\n' \
            "$prefix" >&2
        FAILED=1
        return
    fi
    for so in $(LD_LIBRARY_PATH=$libdir ldd "$pluto" 2>/dev/null | awk '/not found/ { print $1 }'); do
        found=no
        for entry in "${CHECKS[@]}"; do
            [ "${entry#*$'\t'}" = "lib:$so" ] || continue
            missing "${entry%%$'\t'*}" "library $so" "pluto cannot resolve it"
            found=yes
        done
        [ $found = yes ] || { echo "preflight: pluto cannot resolve $so (no package for it in scripts/deps.sh)" >&2; FAILED=1; }
    done
    if ! LD_LIBRARY_PATH=$libdir timeout 20 "$pluto" --version >/dev/null 2>&1; then
        echo "preflight: '$pluto --version' failed" >&2
        FAILED=1
    fi
}

pluto_runs
if [ ${#PLUGINS[@]} -gt 0 ] && [ $FAILED = 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "preflight: needs root to run charon in a scratch namespace" >&2
        FAILED=1
    else
        WORK=$(mktemp -d /tmp/ike-preflight.XXXXXX)
        trap '[ -n "${PREFLIGHT_KEEP:-}" ] || rm -rf "$WORK"' EXIT
        charon_loads_plugins
    fi
fi

if [ $FAILED = 0 ]; then
    echo "preflight: ${#CHECKS[@]} checks of ${#PACKAGES[@]} packages passed; charon loaded ${#PLUGINS[@]} plugins; pluto runs"
fi
exit $FAILED
