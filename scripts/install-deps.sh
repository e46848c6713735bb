#!/usr/bin/env bash
# Installs what the tests, the failure lab and the benchmarks need on a fresh Debian 12 machine
# (run as root): every package of scripts/deps.sh, then Libreswan's pluto unpacked into a private
# prefix (lab/install-libreswan.sh). Idempotent: installs only what is missing.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export DEBIAN_FRONTEND=noninteractive

packages=()
dep() { packages+=("$1"); }
. "$repo/scripts/deps.sh"

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  apt-get update -qq
  # tshark's package asks whether non-root users may capture: answer "no" without a prompt.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  # Daemons installed here (rsyslog, prometheus) must not start as services: the tests start
  # their own, by PID, in namespaces.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/ike-install-deps.log 2>&1 \
    || { tail -n 30 /tmp/ike-install-deps.log >&2; echo "install-deps: apt-get install failed" >&2; exit 1; }
fi
bash "$repo/lab/install-libreswan.sh" >/dev/null
