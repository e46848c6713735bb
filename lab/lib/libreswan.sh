# Libreswan (pluto) peers. Debian's libreswan package conflicts with strongSwan's, so it is
# unpacked (dpkg -x) into a private prefix; see lab/install-libreswan.sh.
# Each pluto runs in its namespace with its own /run (unshare -m plus a bind mount), its own
# NSS database, secrets file and log file; inside that mount namespace the prefix's
# usr/libexec is bound over /usr/libexec, where pluto looks for addconn and _updown.

LS_EXEC=$PLUTO_PREFIX/usr/libexec/ipsec
LS_LIB=$PLUTO_PREFIX/usr/lib/x86_64-linux-gnu

# A scenario with a Libreswan peer defines pluto_conf_ROLE (prints ipsec.conf) and, for
# PSK, pluto_secrets_ROLE (prints ipsec.secrets).
pluto_prepare() {
    local role=$1 d=$WORK/$1
    [ -x "$LS_EXEC/pluto" ] || die "Libreswan not found under $PLUTO_PREFIX (run lab/install-libreswan.sh)"
    mkdir -p "$d/run/pluto" "$d/nss" "$d/ipsec.d"
    "pluto_conf_$role" >"$d/ipsec.conf"
    if declare -F "pluto_secrets_$role" >/dev/null; then
        "pluto_secrets_$role" >"$d/ipsec.secrets"
    else
        : >"$d/ipsec.secrets"
    fi
    chmod 600 "$d/ipsec.secrets"
    certutil -N -d "sql:$d/nss" --empty-password >/dev/null 2>&1 || die "certutil -N failed"
}

# pluto_import_cert ROLE NAME : own certificate and key (PKCS#12) into the role's NSS db
pluto_import_cert() {
    local role=$1 name=$2 d=$WORK/$1
    openssl pkcs12 -export -in "$PKI/$name.pem" -inkey "$PKI/$name.key" -name "$name" \
        -out "$d/$name.p12" -passout pass:ikelab >/dev/null 2>&1 || die "pkcs12 export of $name failed"
    pk12util -i "$d/$name.p12" -d "sql:$d/nss" -W ikelab >/dev/null 2>&1 || die "pk12util import of $name failed"
}

# pluto_import_ca ROLE NAME : a trusted CA (or an intermediate with TRUST=",,")
pluto_import_ca() {
    local role=$1 name=$2 trust=${3:-CT,,} d=$WORK/$1
    certutil -A -d "sql:$d/nss" -n "$name" -t "$trust" -i "$PKI/$name.pem" || die "certutil -A $name failed"
}

pluto_start() {
    local role=$1 ns=$2 d=$WORK/$1
    start_bg "pluto_$role" "$d/pluto.stdout" ip netns exec "$ns" unshare -m --propagation private \
        sh -c 'mount --bind "$1/run" /run && mount --bind "$2/usr/libexec" /usr/libexec &&
               shift 2 && exec "$@"' sh "$d" "$PLUTO_PREFIX" \
        env LD_LIBRARY_PATH="$LS_LIB" "$LS_EXEC/pluto" --nofork --config "$d/ipsec.conf" \
        --logfile "$OUT/$role.log" --log-no-append --nssdir "$d/nss" --secretsfile "$d/ipsec.secrets" \
        --ipsecdir "$d/ipsec.d" --rundir /run/pluto --no-dnssec
    local i
    for i in $(seq 1 100); do
        [ -S "$d/run/pluto/pluto.ctl" ] && break
        kill -0 "$(eval echo "\$PID_pluto_$role")" 2>/dev/null || { log "pluto $role exited"; return 1; }
        sleep 0.1
    done
    [ -S "$d/run/pluto/pluto.ctl" ] || return 1
    pluto_whack "$role" --listen >>"$d/whack.txt" 2>&1
    pluto_ctl "$role" "$LS_EXEC/addconn" --config "$d/ipsec.conf" --ctlsocket /run/pluto/pluto.ctl --autoall \
        >>"$d/whack.txt" 2>&1 || { cat "$d/whack.txt" >&2; die "addconn failed for $role"; }
}

# run a command inside the role's pluto namespaces
pluto_ctl() {
    local role=$1; shift
    local pid
    pid=$(eval echo "\$PID_pluto_$role")
    nsenter -t "$pid" -m -n -- env LD_LIBRARY_PATH="$LS_LIB" "$@"
}

pluto_whack() {
    local role=$1; shift
    pluto_ctl "$role" "$LS_EXEC/whack" --ctlsocket /run/pluto/pluto.ctl "$@"
}

# The client's connect attempt (the connection is named "home"); whack waits for the outcome.
pluto_initiate() {
    local role=$1 pid
    pid=$(eval echo "\$PID_pluto_$role")
    timeout "${INIT_TIMEOUT:-30}" nsenter -t "$pid" -m -n -- env LD_LIBRARY_PATH="$LS_LIB" \
        "$LS_EXEC/whack" --ctlsocket /run/pluto/pluto.ctl --name home --initiate
}

pluto_publish() {
    local role=$1
    mkdir -p "$OUT/$role"
    cp "$WORK/$role/ipsec.conf" "$OUT/$role/"
    [ -s "$WORK/$role/ipsec.secrets" ] && cp "$WORK/$role/ipsec.secrets" "$OUT/$role/"
    return 0
}

# The usual Libreswan gateway facing the strongSwan road-warrior client: PSK or certificate,
# an address pool, the protected network 10.99.100.0/24. LS_* variables adjust it.
pluto_gateway_conf_default() {
    cat <<CONF
# ipsec.conf of the lab's Libreswan gateway
config setup
    logtime=yes
    logappend=no
    plutodebug=${LS_PLUTODEBUG_G:-none}
    ${LS_SETUP_EXTRA_G:-}

conn rw
    ikev2=${LS_IKEV2_G:-yes}
    left=$GW_ADDR
    leftid=@gateway.ikelab.test
    leftsubnet=${LS_LEFTSUBNET_G:-$GW_LAN_NET}
    right=%any
    rightid=@client.ikelab.test
    $(if [ -n "${LS_RIGHTSUBNET_G:-}" ]; then echo "rightsubnet=$LS_RIGHTSUBNET_G"; else echo "rightaddresspool=10.99.200.1-10.99.200.14"; fi)
    narrowing=${LS_NARROWING_G:-no}
    authby=secret
    ike=${LS_IKE_G:-aes256-sha2_256;modp2048}
    esp=${LS_ESP_G:-aes256-sha2_256}
    fragmentation=${LS_FRAG_G:-yes}
    retransmit-timeout=8s
    ${LS_CONN_EXTRA_G:-}
    auto=add
CONF
}

pluto_gateway_secrets_default() {
    printf '@gateway.ikelab.test @client.ikelab.test : PSK "%s"\n' "$PSK_G"
}

# A Libreswan road-warrior client (connection "home") with a pre-shared key, toward the
# strongSwan gateway; it asks for no virtual IP. Knobs: LS_LEFTID_C (its identity), LS_IKE_C,
# LS_ESP_C, LS_RIGHTSUBNET_C, LS_PFS_C (left out when unset: Libreswan's default, yes),
# LS_RETRANSMIT_TIMEOUT_C.
pluto_client_psk_conf_default() {
    cat <<CONF
# ipsec.conf of the lab's Libreswan client
config setup
    logtime=yes
    logappend=no

conn home
    ikev2=yes
    left=$CLIENT_ADDR
    leftid=@${LS_LEFTID_C:-client.ikelab.test}
    right=$GW_ADDR
    rightid=@gateway.ikelab.test
    rightsubnet=${LS_RIGHTSUBNET_C:-$GW_LAN_NET}
    authby=secret
    ike=${LS_IKE_C:-aes256-sha2_256;modp2048}
    esp=${LS_ESP_C:-aes256-sha2_256}
    $(if [ -n "${LS_PFS_C:-}" ]; then echo "pfs=$LS_PFS_C"; fi)
    retransmit-interval=1000
    retransmit-timeout=${LS_RETRANSMIT_TIMEOUT_C:-8s}
    keyingtries=1
    auto=add
CONF
}

pluto_client_psk_secrets_default() {
    printf '@%s @gateway.ikelab.test : PSK "%s"\n' "${LS_LEFTID_C:-client.ikelab.test}" "$PSK_C"
}

# A Libreswan road-warrior client (connection "home") with a certificate from the NSS db,
# toward the strongSwan gateway; site-to-site selectors (a client-side network 10.99.150.0/24,
# not its own address, which kernel-libipsec on the gateway could not route into the tunnel).
pluto_client_conf_default() {
    cat <<CONF
# ipsec.conf of the lab's Libreswan client
config setup
    logtime=yes
    logappend=no
    plutodebug=${LS_PLUTODEBUG_C:-none}

conn home
    ikev2=yes
    left=$CLIENT_ADDR
    leftid=@client.ikelab.test
    leftcert=client
    leftsubnet=${LS_LEFTSUBNET_C:-10.99.150.0/24}
    right=$GW_ADDR
    rightid=@gateway.ikelab.test
    rightsubnet=$GW_LAN_NET
    authby=rsasig
    ike=${LS_IKE_C:-aes256-sha2_256;modp2048}
    esp=${LS_ESP_C:-aes256-sha2_256}
    fragmentation=${LS_FRAG_C:-yes}
    retransmit-interval=1000
    retransmit-timeout=${LS_RETRANSMIT_TIMEOUT_C:-8s}
    keyingtries=1
    auto=add
CONF
}
