# The one list of what the project's tests, failure lab and benchmarks need on a Debian 12
# machine: one `dep` line per Debian package, saying who needs it and what the preflight checks
# to know the package is really there and works. Sourced by scripts/install-deps.sh (installs the
# packages) and scripts/preflight.sh (checks them, naming the package of anything missing).
#
#   dep PACKAGE "WHO NEEDS IT" CHECK...
#
# A CHECK is one word:
#   cmd:NAME         NAME is a command on PATH (or an absolute path) and answers its version query
#   plugin:NAME      charon's plugin NAME: /usr/lib/ipsec/plugins/libstrongswan-NAME.so, loaded
#                    by a real charon in a scratch namespace
#   lib:SONAME       a shared library the dynamic linker finds (pluto's libraries)
#   file:PATH        a file that must exist (a preloaded library)
# A package without checks is installed but not checked (a library pulled in for another one).
#
# Libreswan itself is not in this list: its package conflicts with strongSwan's, so
# lab/install-libreswan.sh downloads it and unpacks it into a private prefix; its libraries are
# here (the `lib:` checks) and the preflight checks that pluto starts.

# --- strongSwan: the lab's peers, the probe's responders, the lab's PKI ---
dep strongswan-charon "the charon daemon of every strongSwan peer (lab, probe tests)" \
    file:/usr/lib/ipsec/charon
dep strongswan-libcharon "charon's socket-default plugin (lab, probe tests)" \
    plugin:socket-default
dep libstrongswan "charon's base plugins in the lab's plugin list (lab, probe tests)" \
    plugin:random plugin:nonce plugin:pem plugin:pkcs1 plugin:pkcs8 plugin:x509 \
    plugin:revocation plugin:constraints plugin:pubkey plugin:sha1 plugin:sha2 plugin:hmac \
    plugin:aes plugin:kdf plugin:gmp plugin:kernel-netlink
dep libstrongswan-standard-plugins "the openssl plugin (MODP/ECP groups, AES-GCM) and gcm (lab, probe tests)" \
    plugin:openssl plugin:gcm
dep libstrongswan-extra-plugins "the curve25519 plugin (lab, probe tests)" \
    plugin:curve25519
dep libcharon-extra-plugins "kernel-libipsec (the data plane on a kernel without ESP in XFRM) and eap-identity (lab)" \
    plugin:kernel-libipsec plugin:eap-identity
dep libcharon-extauth-plugins "the eap-mschapv2 plugin (lab's EAP scenarios)" \
    plugin:eap-mschapv2
dep strongswan-swanctl "swanctl and the vici plugin that drives each lab peer" \
    cmd:swanctl plugin:vici
dep strongswan-pki "pki, which makes the lab's certificates" \
    cmd:pki

# --- Libreswan's runtime libraries (pluto is unpacked by lab/install-libreswan.sh) ---
dep libnss3-tools "certutil and pk12util: the NSS databases of the lab's pluto peers, host checks' NSS certificates" \
    cmd:certutil cmd:pk12util
dep libnss3 "pluto's crypto (NSS)" lib:libnss3.so lib:libsmime3.so
dep libnspr4 "pluto's NSS runtime" lib:libnspr4.so lib:libplc4.so
dep libldns3 "pluto's DNS library" lib:libldns.so.3
dep libunbound8 "pluto's DNSSEC resolver library" lib:libunbound.so.8
dep libevent-core-2.1-7 "pluto's event loop" lib:libevent_core-2.1.so.7
dep libevent-pthreads-2.1-7 "pluto's event loop threads" lib:libevent_pthreads-2.1.so.7
dep libcurl3-nss "pluto's CRL and OCSP fetching" lib:libcurl-nss.so.4
dep libcap-ng0 "pluto's capabilities" lib:libcap-ng.so.0
dep libaudit1 "pluto's audit log" lib:libaudit.so.1

# --- captures and packet tools ---
dep tshark "the tshark agreement and decryption tests, the lab's proofs, the benchmarks' side-by-side run" \
    cmd:tshark
dep wireshark-common "editcap (pcapng variants in the tshark agreement test)" \
    cmd:editcap
dep tcpdump "the lab's captures on both ends, the probe tests' packet counts" \
    cmd:tcpdump
dep xz-utils "the compressed-input tests make .xz files of the fixtures" \
    cmd:xz
dep gzip "the compressed-input tests make .gz files of the fixtures" \
    cmd:gzip
dep ike-scan "the probe's comparison with ike-scan" \
    cmd:ike-scan
dep tcpreplay "replaying captures onto an interface (watch mode's tests and soak)" \
    cmd:tcpreplay
dep socat "a process holding UDP 500 (lab's udp500-in-use, host checks)" \
    cmd:socat

# --- namespaces, firewalls, the host ---
dep iproute2 "ip netns, veth, ip xfrm: every namespace of the lab and the tests" \
    cmd:ip
dep util-linux "unshare and nsenter (each daemon's private /run), taskset (benchmarks)" \
    cmd:unshare cmd:nsenter cmd:taskset
dep iputils-ping "pings through the lab's tunnels" \
    cmd:ping
dep nftables "the lab's firewalls and NAT, host checks' rule sets" \
    cmd:nft
dep iptables "iptables rule sets of the host checks (iptables-nft, iptables-save, iptables-legacy)" \
    cmd:iptables cmd:iptables-save cmd:iptables-legacy-restore
dep libfaketime "a wrong clock for a daemon (lab's cert-not-yet-valid-clock, host clock checks)" \
    file:/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
dep faketime "the faketime command: certificates checked at a shifted clock (host checks)" \
    cmd:faketime

# --- scripting and certificates ---
dep python3-minimal "the interpreter of the lab's verification (lab/lib/verify.py) and key extraction" \
    file:/usr/bin/python3
dep python3 "the standard library those scripts import (json, subprocess)"
dep openssl "the lab's PKCS#12 exports for pluto, certificate tests" \
    cmd:openssl
dep jq "the lab's and benchmarks' JSON handling" \
    cmd:jq

# --- reports, monitoring, benchmarks ---
dep chromium "the HTML report's tests in headless Chromium" \
    cmd:chromium
dep prometheus "watch mode's metrics scraped by a real Prometheus" \
    cmd:prometheus
dep rsyslog "watch mode's JSON lines shipped by rsyslog" \
    cmd:rsyslogd
dep curl "scraping watch's metrics and querying Prometheus in the lab" \
    cmd:curl
dep time "peak memory (/usr/bin/time -v) in the hostile-input tests and benchmarks" \
    file:/usr/bin/time
dep hyperfine "benchmarks' repeated timings (outside CI)"
dep bc "benchmarks' arithmetic (outside CI)"
