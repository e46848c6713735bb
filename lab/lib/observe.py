#!/usr/bin/env python3
"""What the daemons did in one lab run, read from their own logs only (never from ike-doctor):
established, or the phase and category of the first failure they hit.

    observe.py OUT_DIR   -> prints {"outcome", "phase", "category", "evidence"} as JSON

The patterns are the lab's verification patterns (the scenarios' proofs) for charon and pluto.
Pluto cannot install SAs in this kernel: a CHILD_SA it negotiated and then failed to add
("netlink response for Add SA") counts as negotiated, as the differential test requires.
A refused IKE proposal is told apart (algorithm or DH group) from the proposals the responder
logged: the received ones against its configured ones, DH groups left out.
"""
import json
import os
import re
import sys

CHILD_UP_CHARON = re.compile(r"CHILD_SA \S+\{\d+\} established with SPIs")
CHILD_UP_PLUTO = re.compile(r"(established Child SA|negotiated connection|netlink response for Add SA)")


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read().splitlines()
    except OSError:
        return []


def first(lines, pattern):
    rx = re.compile(pattern)
    for i, line in enumerate(lines):
        if rx.search(line):
            return i, line
    return None


def charon_transforms(text):
    """`IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048, ...` -> [(non-DH set, DH set)]"""
    out = []
    for proposal in text.split(", "):
        proposal = proposal.split(":", 1)[-1]
        parts = [p for p in proposal.split("/") if p]
        dh = {p for p in parts if re.match(r"(MODP|ECP|CURVE|ML_KEM|NONE)", p)}
        out.append(({p for p in parts if p not in dh and "EXT_SEQ" not in p}, dh))
    return out


def pluto_transforms(text, local):
    """Pluto's remote `1:IKE:ENCR=AES_CBC_128;INTEG=HMAC_SHA1_96;PRF=HMAC_SHA1;DH=MODP2048` or its
    local `1:IKE=AES_CBC_256-HMAC_SHA2_256-HMAC_SHA2_256_128-MODP2048` -> [(non-DH set, DH set)]"""
    out = []
    if local:
        body = text.split("=", 1)[-1]
        parts = body.split("-")
        if len(parts) >= 4:
            enc, prf, integ, dh = parts[0], parts[1], parts[2], parts[3]
            names = set()
            for e in enc.split("+"):
                names.add(("ENCR", e))
            for p in prf.split("+"):
                names.add(("PRF", p))
            for i in integ.split("+"):
                if i != "NONE":
                    names.add(("INTEG", i))
            out.append((names, set(dh.split("+"))))
        return out
    for proposal in re.split(r"\s\d+:IKE:", " " + text):
        fields = dict(f.split("=", 1) for f in proposal.split(";") if "=" in f)
        if not fields:
            continue
        names = set()
        for kind in ("ENCR", "PRF", "INTEG"):
            for v in fields.get(kind, "").split(","):
                if v and v != "NONE":
                    names.add((kind, re.sub(r"\[.*\]$", "", v)))
        out.append((names, set(re.sub(r"\[.*\]$", "", fields.get("DH", "")).split(","))))
    return out


def agree_without_dh(received, configured):
    """Whether some received proposal and some configured one share an algorithm of every
    transform type once DH groups are left out (a refusal then came from the groups)."""
    def by_type(names):
        out = {}
        for n in names:
            kind = n[0] if isinstance(n, tuple) else (
                "PRF" if n.startswith("PRF_") else
                "INTEG" if n.startswith(("HMAC_", "AES_XCBC", "AES_CMAC")) else "ENCR")
            value = n[1] if isinstance(n, tuple) else n
            out.setdefault(kind, set()).add(value)
        return out
    for r, _ in received:
        for c, _ in configured:
            rt, ct = by_type(r), by_type(c)
            if rt and ct and rt.keys() == ct.keys() and all(rt[k] & ct[k] for k in rt):
                return True
    return False


def observe(out):
    client = read(os.path.join(out, "client.log"))
    gateway = read(os.path.join(out, "gateway.log"))
    both = [("client", client), ("gateway", gateway)]

    def in_either(pattern):
        """The first line matching `pattern` in the client's log, else the gateway's."""
        return first(client, pattern) or first(gateway, pattern)

    def result(outcome, phase=None, category=None, *evidence):
        return {"outcome": outcome, "phase": phase, "category": category,
                "evidence": [e for e in evidence if e]}

    # IKE_SA_INIT: the IKE version, then the IKE proposals.
    hit = in_either(r"no IKE config found for .* sending NO_PROPOSAL_CHOSEN|but no suitable connection found with IKEv2 policy")
    if hit:
        return result("failed", "IKE_SA_INIT", "config-other", hit[1])
    hit = first(gateway, r"received proposals unacceptable")
    if hit:
        received = [l for l in gateway[:hit[0]] if "received proposals: IKE:" in l]
        configured = [l for l in gateway[:hit[0]] if "configured proposals: IKE:" in l]
        category = "proposal-ike"
        if received and configured:
            r = charon_transforms(received[-1].split("received proposals: ", 1)[1])
            c = charon_transforms(configured[-1].split("configured proposals: ", 1)[1])
            if agree_without_dh(r, c):
                category = "proposal-dh"
        return result("failed", "IKE_SA_INIT", category, hit[1])
    hit = first(gateway, r"no local proposal matches remote proposals \d+:IKE:")
    if hit:
        remote = pluto_transforms(hit[1].split("remote proposals", 1)[1], local=False)
        local = [pluto_transforms(l.split('":', 1)[-1].strip(), local=True)
                 for l in gateway if re.search(r'":\s+\d+:IKE=', l)]
        local = [x for group in local for x in group]
        category = "proposal-dh" if agree_without_dh(remote, local) else "proposal-ike"
        return result("failed", "IKE_SA_INIT", category, hit[1])
    hit = first(client, r"received NO_PROPOSAL_CHOSEN notify error|IKE_SA_INIT.*NO_PROPOSAL_CHOSEN")
    if hit and not first(client, r"IKE_SA \S+ established|established IKE SA"):
        return result("failed", "IKE_SA_INIT", None, hit[1])

    # IKE_AUTH: certificates that do not verify, pre-shared key, identities (both ways), EAP.
    hit = in_either(r"certificate invalid|certificate was revoked|no issuer certificate found|certificate status is not available")
    if hit:
        return result("failed", "IKE_AUTH", "auth-cert", hit[1])
    hit = in_either(r"but MAC mismatched|authentication failed: computed hash does not match")
    if hit:
        return result("failed", "IKE_AUTH", "auth-psk", hit[1])
    hit = in_either(r"no matching peer config found|no suitable connection for peer|Peer ID '[^']*' mismatched|peer ID .* does not match|constraint check failed: identity|no trusted \S+ public key found for|IDr payload .* does not match")
    if hit:
        return result("failed", "IKE_AUTH", "auth-id", hit[1])
    hit = in_either(r"EAP-MS-CHAPv2 verification failed|EAP method \S+ failed")
    if hit:
        return result("failed", "IKE_AUTH", "auth-eap", hit[1])
    hit = first(client, r"received AUTHENTICATION_FAILED notify error|AUTHENTICATION_FAILED")
    if hit:
        return result("failed", "IKE_AUTH", None, hit[1])

    # The CHILD_SA made in IKE_AUTH. Pluto cannot add SAs in this kernel: once it tried to
    # (the CHILD_SA negotiated), what it then reports (often TS_UNACCEPTABLE) is that failure.
    hit = in_either(r"netlink response for Add SA")
    if hit:
        return result("established", None, None, hit[1])
    # charon negotiated the CHILD_SA but this lab's data plane (kernel-libipsec) could not
    # install it; the TS_UNACCEPTABLE it then sends is that failure, not a selector refusal.
    hit = in_either(r"unable to install IPsec policies \(SPD\) in kernel|unable to install inbound and outbound IPsec SA")
    if hit:
        return result("failed", "CHILD_SA", "implementation", hit[1])
    hit = in_either(r"received TS_UNACCEPTABLE notify|TS_UNACCEPTABLE")
    if hit:
        return result("failed", "CHILD_SA", "traffic-selectors", hit[1])
    hit = in_either(r"received INTERNAL_ADDRESS_FAILURE|pool '\S+' is full|no virtual IP found")
    if hit:
        return result("failed", "CHILD_SA", "config-other", hit[1])
    child_up = [first(log, CHILD_UP_CHARON.pattern) or first(log, CHILD_UP_PLUTO.pattern) for _, log in both]
    refused = first(client, r"received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built|rejected Child SA with NO_PROPOSAL_CHOSEN") or \
        first(gateway, r"no local proposal matches remote proposals \d+:ESP:") or \
        first(gateway, r"responding to IKE_AUTH .*NO_PROPOSAL_CHOSEN")
    if not refused:
        # charon as responder: its refusal of the ESP proposals it received in IKE_AUTH.
        hit = first(gateway, r"no acceptable proposal found")
        if hit and any("received proposals: ESP:" in l for l in gateway[max(0, hit[0] - 4):hit[0]]):
            refused = hit
    if refused and not any(child_up):
        return result("failed", "CHILD_SA", "proposal-esp", refused[1])

    # After establishment: a CHILD_SA rekey refused (the PFS group of the ESP proposals).
    if any(child_up):
        # Each log's rekey failure after that log's own CHILD_SA came up.
        for (_, log), up in zip(both, child_up):
            if not up:
                continue
            rekey = first(log[up[0] + 1:], r"CHILD_SA rekeying failed|received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built")
            if rekey:
                return result("failed", "CHILD_SA", "proposal-dh", rekey[1])
        if all(child_up):
            return result("established", None, None, child_up[0][1], child_up[1][1])
    return result("inconclusive")


if __name__ == "__main__":
    print(json.dumps(observe(sys.argv[1]), indent=1))
