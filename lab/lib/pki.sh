# Certificate authority and certificates for one scenario, made with strongSwan's pki.
# Keys stay in the scenario's work folder; only certificates (PEM) are published.

# pki with the lab's own plugin list (the system default list drags in tpm and friends).
pki() { STRONGSWAN_CONF="$LAB_DIR/lib/pki-strongswan.conf" command pki "$@"; }

# RSA keys are slow to make on 2 cores: they are kept across scenarios in a cache under the
# output folder (certificates are always issued afresh).
KEY_CACHE=${KEY_CACHE:-$OUT_ROOT/.keycache}

# pki_key NAME [TYPE] [SIZE]
pki_key() {
    local name=$1 type=${2:-ecdsa} size=${3:-256}
    if [ "$type" = rsa ]; then
        local cached=$KEY_CACHE/$name-rsa$size.key
        if [ ! -s "$cached" ]; then
            mkdir -p "$KEY_CACHE"
            pki --gen --type rsa --size "$size" --outform pem >"$cached.tmp" \
                && mv "$cached.tmp" "$cached" || die "pki --gen $name failed"
        fi
        cp "$cached" "$PKI/$name.key"
        return
    fi
    pki --gen --type "$type" --size "$size" --outform pem >"$PKI/$name.key" \
        || die "pki --gen $name failed"
}

# pki_ca NAME DN [ISSUER] [TYPE SIZE]   self-signed root, or an intermediate when ISSUER is given
pki_ca() {
    local name=$1 dn=$2 issuer=${3:-} type=${4:-ecdsa} size=${5:-256}
    pki_key "$name" "$type" "$size"
    if [ -z "$issuer" ]; then
        pki --self --ca --lifetime 3650 --in "$PKI/$name.key" --dn "$dn" --outform pem \
            >"$PKI/$name.pem" || die "pki --self $name failed"
    else
        pki --pub --in "$PKI/$name.key" | pki --issue --ca --lifetime 3650 \
            --cacert "$PKI/$issuer.pem" --cakey "$PKI/$issuer.key" --dn "$dn" --outform pem \
            >"$PKI/$name.pem" || die "pki --issue $name failed"
    fi
}

# pki_cert NAME DN ISSUER [pki --issue options...]   end-entity certificate
# The key type is taken from PKI_KEY_TYPE/PKI_KEY_SIZE (ecdsa 256 unless set).
pki_cert() {
    local name=$1 dn=$2 issuer=$3; shift 3
    pki_key "$name" "${PKI_KEY_TYPE:-ecdsa}" "${PKI_KEY_SIZE:-256}"
    pki --pub --in "$PKI/$name.key" | pki --issue --cacert "$PKI/$issuer.pem" \
        --cakey "$PKI/$issuer.key" --dn "$dn" --outform pem "$@" \
        >"$PKI/$name.pem" || die "pki --issue $name failed"
}

# Dates for pki --not-before/--not-after relative to now (UTC).
pki_date() { date -u -d "$1" '+%Y-%m-%d %H:%M:%S'; }
PKI_DATEFORM='%Y-%m-%d %H:%M:%S'

# The usual set: a root CA, the gateway's and the client's certificate.
pki_standard() {
    pki_ca ca "C=CH, O=ikelab, CN=ikelab Root CA"
    pki_cert gateway "C=CH, O=ikelab, CN=gateway.ikelab.test" ca \
        --san gateway.ikelab.test --flag serverAuth --flag ikeIntermediate --lifetime 365
    pki_cert client "C=CH, O=ikelab, CN=client.ikelab.test" ca \
        --san client.ikelab.test --flag clientAuth --lifetime 365
}

# Install a certificate into a daemon's swanctl tree: pki_install ROLE KIND NAME
# KIND is x509 (own certificate, with its key) or x509ca (trusted CA).
pki_install() {
    local role=$1 kind=$2 name=$3
    cp "$PKI/$name.pem" "$WORK/$role/swanctl/$kind/$name.pem"
    if [ "$kind" = x509 ]; then
        cp "$PKI/$name.key" "$WORK/$role/swanctl/private/$name.key"
    fi
}

# A chain big enough that IKE_AUTH does not fit in one 1500-byte datagram:
# RSA 4096 root and intermediate CA, RSA 4096 end-entity certificates, the client's with many
# SANs, so that the client's IKE_AUTH request is about 3.3 kB.
pki_big_chain() {
    local sans=() i
    for i in $(seq 1 30); do sans+=(--san "alias-$i.client-site.ikelab.test"); done
    pki_ca ca "C=CH, O=ikelab, CN=ikelab Root CA" "" rsa 4096
    pki_ca intermediate "C=CH, O=ikelab, OU=Remote Access, CN=ikelab Issuing CA 1" ca rsa 4096
    PKI_KEY_TYPE=rsa PKI_KEY_SIZE=4096 pki_cert gateway "C=CH, O=ikelab, CN=gateway.ikelab.test" intermediate \
        --san gateway.ikelab.test --flag serverAuth --flag ikeIntermediate --lifetime 365
    PKI_KEY_TYPE=rsa PKI_KEY_SIZE=4096 pki_cert client "C=CH, O=ikelab, CN=client.ikelab.test" intermediate \
        --san client.ikelab.test "${sans[@]}" --flag clientAuth --lifetime 365
}

# Both peers trust the root; each holds the intermediate so it can send it.
pki_install_big_chain() {
    local role
    for role in client gateway; do
        pki_install "$role" x509 "$role"
        pki_install "$role" x509ca ca
        pki_install "$role" x509ca intermediate
    done
}
