#!/bin/bash
# Install Libreswan's pluto into a private prefix (default /opt/ike-lab/libreswan).
# Debian's libreswan package conflicts with strongSwan's, so it is downloaded with apt-get and
# unpacked with dpkg -x; its shared-library dependencies are installed normally.
set -eu
PREFIX=${PLUTO_PREFIX:-/opt/ike-lab/libreswan}
if [ -x "$PREFIX/usr/libexec/ipsec/pluto" ]; then
    echo "libreswan already unpacked in $PREFIX"
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q libnss3-tools libldns3 libevent-core-2.1-7 libevent-pthreads-2.1-7 \
    libunbound8 libcurl3-nss libcap-ng0 libaudit1 libnspr4 libnss3 openssl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download libreswan)
mkdir -p "$PREFIX"
dpkg -x "$tmp"/libreswan_*.deb "$PREFIX"
missing=$(ldd "$PREFIX/usr/libexec/ipsec/pluto" | grep 'not found' || true)
if [ -n "$missing" ]; then
    echo "pluto is missing libraries:" >&2
    echo "$missing" >&2
    exit 1
fi
"$PREFIX/usr/libexec/ipsec/pluto" --version
