#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine (run as root). Idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(
  tshark tcpdump wireshark-common nftables iproute2 ike-scan libfaketime time
  strongswan-charon strongswan-swanctl strongswan-pki libcharon-extra-plugins libstrongswan-extra-plugins
  libnss3-tools
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq
  # tshark's package asks whether non-root users may capture: answer "no" without a prompt.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Libreswan's pluto, unpacked into a private prefix: the probe's integration tests
# (crates/ike-doctor/tests/probe_lab.rs) run it before the lab does.
bash "$(dirname "$0")/../lab/install-libreswan.sh" >/dev/null
