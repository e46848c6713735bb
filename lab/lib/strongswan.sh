# strongSwan (charon + swanctl) peers: one charon per namespace, each with its own
# strongswan.conf, swanctl tree, log file and /run (unshare -m plus bind mounts).

SWAN_PLUGINS_BASE="random nonce openssl pem pkcs1 pkcs8 x509 revocation constraints pubkey sha1 sha2 hmac aes gcm kdf curve25519 eap-identity eap-mschapv2 socket-default vici"

# strongswan_conf ROLE LOGFILE  -> prints strongswan.conf for that role
strongswan_conf() {
    local role=$1 logfile=$2 plugins extra
    if [ "$role" = gateway ]; then
        plugins=${PLUGINS_G:-"$SWAN_PLUGINS_BASE kernel-libipsec kernel-netlink"}
        extra=${SWAN_EXTRA_G:-}
    else
        plugins=${PLUGINS_C:-"$SWAN_PLUGINS_BASE kernel-libipsec kernel-netlink"}
        extra=${SWAN_EXTRA_C:-}
    fi
    cat <<CONF
# strongswan.conf of the lab's $role
charon {
    load_modular = no
    load = $plugins
    # short timers so that a peer that never answers is given up within ~7 s
    retransmit_tries = ${RETRANSMIT_TRIES:-3}
    retransmit_timeout = 1
    retransmit_base = 1.4
    half_open_timeout = ${HALF_OPEN_TIMEOUT:-8}
    install_virtual_ip = yes
$extra
    filelog {
        charon {
            path = $logfile
            time_format = %b %e %T
            time_add_ms = yes
            ike_name = yes
            append = no
            flush_line = yes
            default = 1
            cfg = 2
            ike = 2
            knl = 2
        }
        # IKE key material (level 4) for ike-keys.csv; this file itself is never published.
        keys {
            path = $WORK/$role.keys.log
            ike_name = yes
            append = no
            flush_line = yes
            default = -1
            ike = 4
        }
    }
    syslog {
        daemon {
            default = -1
        }
        auth {
            default = -1
        }
    }
    plugins {
        vici {
            socket = unix:///run/charon.vici
        }
    }
}
swanctl {
    load = random nonce openssl pem pkcs1 pkcs8 x509 gmp sha1 sha2
    socket = unix:///run/charon.vici
}
CONF
}

# The auth rounds of one side. swan_auth ROLE SIDE(local|remote)
swan_auth() {
    local role=$1 side=$2
    case "$role:$side:$AUTH" in
    client:local:psk|gateway:local:psk|client:remote:psk|gateway:remote:psk)
        echo "auth = psk" ;;
    client:local:cert|gateway:local:cert|gateway:local:eap)
        echo "auth = pubkey"; echo "certs = $role.pem" ;;
    client:remote:cert|gateway:remote:cert|client:remote:eap)
        echo "auth = pubkey" ;;
    client:local:eap)
        echo "auth = eap-${EAP_METHOD_C:-mschapv2}"; echo "eap_id = $EAP_USER" ;;
    gateway:remote:eap)
        echo "auth = eap-${EAP_METHOD_G:-mschapv2}"; echo "eap_id = %any" ;;
    esac
}

# A scenario may redefine client_swanctl_conf and build on _base_client_conf.
client_swanctl_conf() { _base_client_conf; }

_base_client_conf() {
    cat <<CONF
# swanctl.conf of the lab's client
connections {
    home {
        version = $VERSION_C
        remote_addrs = $GW_ADDR
        ${VIPS_C:+vips = $VIPS_C}
        proposals = $IKE_PROPOSALS_C
        fragmentation = $FRAG_C
        encap = $ENCAP_C
        dpd_delay = $DPD_C
        rekey_time = $IKE_REKEY_C
        $CONN_EXTRA_C
        local {
            $(swan_auth client local)
            id = $ID_C
        }
        remote {
            $(swan_auth client remote)
            id = $REMOTE_ID_C
        }
        children {
            net {
                remote_ts = $TS_REMOTE_C
                esp_proposals = $ESP_PROPOSALS_C
                rekey_time = $CHILD_REKEY_C
                $CHILD_EXTRA_C
            }
        }
    }
}
secrets {
$(client_secrets)
}
CONF
}

client_secrets() {
    case "$AUTH" in
    psk) printf '    ike-lab {\n        secret = "%s"\n    }\n' "$PSK_C" ;;
    eap) printf '    eap-lab {\n        id = %s\n        secret = "%s"\n    }\n' "$EAP_USER" "$EAP_PASS_C" ;;
    esac
}

gateway_swanctl_conf() {
    cat <<CONF
# swanctl.conf of the lab's gateway
connections {
    rw {
        version = $VERSION_G
        local_addrs = $GW_ADDR
        ${POOLS_G:+pools = $POOLS_G}
        proposals = $IKE_PROPOSALS_G
        fragmentation = $FRAG_G
        dpd_delay = $DPD_G
        rekey_time = $IKE_REKEY_G
        $CONN_EXTRA_G
        local {
            $(swan_auth gateway local)
            id = $ID_G
        }
        remote {
            $(swan_auth gateway remote)
            id = $REMOTE_ID_G
            ${REMOTE_EXTRA_G:-}
        }
        children {
            net {
                local_ts = $TS_LOCAL_G
                esp_proposals = $ESP_PROPOSALS_G
                rekey_time = $CHILD_REKEY_G
                $CHILD_EXTRA_G
            }
        }
    }
}
pools {
    rw_pool {
        addrs = $POOL_ADDRS
    }
}
secrets {
$(gateway_secrets)
}
CONF
}

gateway_secrets() {
    case "$AUTH" in
    psk) printf '    ike-lab {\n        secret = "%s"\n    }\n' "$PSK_G" ;;
    eap) printf '    eap-lab {\n        id = %s\n        secret = "%s"\n    }\n' "$EAP_USER" "$EAP_PASS_G" ;;
    esac
}

# swan_prepare ROLE : lay out the role's folder (strongswan.conf, swanctl tree, run dir)
swan_prepare() {
    local role=$1 d=$WORK/$1
    mkdir -p "$d/run" "$d/swanctl"/{x509,x509ca,x509crl,private,conf.d}
    strongswan_conf "$role" "$OUT/$role.log" >"$d/strongswan.conf"
    if [ "$role" = gateway ]; then
        gateway_swanctl_conf >"$d/swanctl/swanctl.conf"
    else
        client_swanctl_conf >"$d/swanctl/swanctl.conf"
    fi
}

# swan_start ROLE NS [PREFIX...] : start charon in NS with its private /run and /etc views.
# PREFIX is prepended to the daemon command (e.g. env LD_PRELOAD=... for a wrong clock).
swan_start() {
    local role=$1 ns=$2; shift 2
    local d=$WORK/$role
    start_bg "charon_$role" "$d/charon.stdout" ip netns exec "$ns" unshare -m --propagation private \
        sh -c 'mount --bind "$1/run" /run && mount --bind "$1/swanctl" /etc/swanctl &&
               mount --bind "$1/strongswan.conf" /etc/strongswan.conf && shift && exec "$@"' \
        sh "$d" "$@" "$CHARON"
    local i
    for i in $(seq 1 100); do
        [ -S "$d/run/charon.vici" ] && return 0
        kill -0 "$(eval echo "\$PID_charon_$role")" 2>/dev/null || break
        sleep 0.1
    done
    log "charon $role did not open its vici socket"
    return 1
}

# swan_ctl ROLE ARGS... : run swanctl inside ROLE's namespaces
swan_ctl() {
    local role=$1; shift
    local pid
    pid=$(eval echo "\$PID_charon_$role")
    nsenter -t "$pid" -m -n -- swanctl "$@"
}

swan_load() {
    swan_ctl "$1" --load-all --noprompt >"$WORK/$1.load.txt" 2>&1 \
        || { cat "$WORK/$1.load.txt" >&2; die "swanctl --load-all failed for $1"; }
}

swan_publish() {   # copy configs (no keys) to the output
    local role=$1
    mkdir -p "$OUT/$role"
    cp "$WORK/$role/strongswan.conf" "$WORK/$role/swanctl/swanctl.conf" "$OUT/$role/"
}
