#!/bin/bash
# Install Libreswan's pluto into a private prefix (default /opt/ike-lab/libreswan).
# Debian's libreswan package conflicts with strongSwan's, so it is downloaded with apt-get and
# unpacked with dpkg -x; its shared libraries are in scripts/deps.sh, installed normally by
# scripts/install-deps.sh (which runs this script last).
set -eu
PREFIX=${PLUTO_PREFIX:-/opt/ike-lab/libreswan}
if [ -x "$PREFIX/usr/libexec/ipsec/pluto" ]; then
    echo "libreswan already unpacked in $PREFIX"
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
tmp=$(mktemp -d)
chown _apt "$tmp" 2>/dev/null || true   # apt-get download writes as _apt where it can
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -q libreswan) || { apt-get update -qq && (cd "$tmp" && apt-get download -q libreswan); }
mkdir -p "$PREFIX"
dpkg -x "$tmp"/libreswan_*.deb "$PREFIX"
missing=$(LD_LIBRARY_PATH="$PREFIX/usr/lib/x86_64-linux-gnu" ldd "$PREFIX/usr/libexec/ipsec/pluto" | grep 'not found' || true)
if [ -n "$missing" ]; then
    echo "pluto is missing libraries (scripts/install-deps.sh installs them):" >&2
    echo "$missing" >&2
    exit 1
fi
"$PREFIX/usr/libexec/ipsec/pluto" --version
