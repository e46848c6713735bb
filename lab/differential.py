#!/usr/bin/env python3
"""Differential test of `ike-doctor config check` against the real daemons.

    lab/differential.py [--seed 7] [--count 200] [--sample N] [--out DIR] [--results FILE]

Draws COUNT pairs of client and gateway configurations with a fixed seed, stratified: pairs that
establish, and IKE-algorithm, DH-group, ESP, PFS (a rekey forced within seconds), PSK, identity,
certificate and traffic-selector mismatches; strongSwan-strongSwan pairs, strongSwan clients with
a Libreswan gateway and Libreswan clients with a strongSwan gateway. Each pair becomes a lab
scenario (the one harness, lab/run.sh --observe) run with real daemons in network namespaces;
what the daemons did is read from their own logs (lab/lib/observe.py), never from ike-doctor.
`config check` on the two configurations the run published must predict it: established, or
the phase and category of the first failure. --sample N runs a fixed, stratified N of the pairs
(CI); the whole set is run before a release and its result committed (--results).
Exit status 1 when a prediction differs from what the daemons did.
"""
import argparse
import collections
import json
import os
import random
import shutil
import subprocess
import sys

LAB = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(LAB)

# Algorithms both implementations accept, as (strongSwan keyword, Libreswan keyword).
ENCRYPTION = [("aes128", "aes128"), ("aes256", "aes256"), ("aes192", "aes192")]
AEAD = ["aes128gcm16", "aes256gcm16"]
INTEGRITY = [("sha1", "sha1"), ("sha256", "sha2_256"), ("sha384", "sha2_384"), ("sha512", "sha2_512")]
GROUPS = [("modp2048", "modp2048"), ("modp3072", "modp3072"), ("ecp256", "dh19"),
          ("ecp384", "dh20"), ("curve25519", "dh31")]

STRATA = [
    # (name, count, kinds it is drawn for)
    ("establishes", 44, ("ss-ss", "ss-ls", "ls-ss")),
    ("ike-algorithm", 20, ("ss-ss", "ss-ls", "ls-ss")),
    ("dh-group", 20, ("ss-ss", "ss-ls", "ls-ss")),
    ("esp", 20, ("ss-ss", "ss-ls", "ls-ss")),
    ("pfs", 12, ("ss-ss",)),
    ("psk", 20, ("ss-ss", "ss-ls", "ls-ss")),
    ("identity", 20, ("ss-ss", "ss-ls", "ls-ss")),
    ("certificate", 14, ("ss-ss",)),
    ("traffic-selectors", 30, ("ss-ss", "ss-ls", "ls-ss")),
]


class Proposal:
    def __init__(self, enc, integ, group, aead=None):
        self.enc, self.integ, self.group, self.aead = enc, integ, group, aead

    def swan_ike(self):
        if self.aead:
            return f"{self.aead}-prf{self.integ[0]}-{self.group[0]}"
        return f"{self.enc[0]}-{self.integ[0]}-{self.group[0]}"

    def swan_esp(self, pfs=False):
        base = self.aead if self.aead else f"{self.enc[0]}-{self.integ[0]}"
        return f"{base}-{self.group[0]}" if pfs else base

    def ls_ike(self):
        return f"{self.enc[1]}-{self.integ[1]};{self.group[1]}"

    def ls_esp(self):
        return f"{self.enc[1]}-{self.integ[1]}"


def draw_proposal(rng, kind, side_is_libreswan):
    aead = None
    if not side_is_libreswan and kind == "ss-ss" and rng.random() < 0.3:
        aead = rng.choice(AEAD)
    return Proposal(rng.choice(ENCRYPTION), rng.choice(INTEGRITY[1:]), rng.choice(GROUPS), aead)


def other(rng, pool, not_this):
    return rng.choice([x for x in pool if x != not_this])


def pair_spec(rng, stratum, kind, index):
    """One pair: the variables of a lab scenario (see lab/run.sh set_defaults)."""
    ls_c, ls_g = kind == "ls-ss", kind == "ss-ls"
    p = draw_proposal(rng, kind, ls_c or ls_g)
    c_ike, g_ike = Proposal(p.enc, p.integ, p.group, p.aead), Proposal(p.enc, p.integ, p.group, p.aead)
    c_esp, g_esp = Proposal(p.enc, p.integ, p.group, p.aead), Proposal(p.enc, p.integ, p.group, p.aead)
    v = {"AUTH": "psk", "PFS_C": False, "PFS_G": False}
    if stratum == "ike-algorithm":
        if rng.random() < 0.5:
            g_ike = Proposal(other(rng, ENCRYPTION, p.enc), p.integ, p.group)
        else:
            g_ike = Proposal(p.enc, other(rng, INTEGRITY, p.integ), p.group)
        c_ike.aead = g_ike.aead = None
    elif stratum == "dh-group":
        g_ike = Proposal(p.enc, p.integ, other(rng, GROUPS, p.group), p.aead)
    elif stratum == "esp":
        g_esp = Proposal(other(rng, ENCRYPTION, p.enc), other(rng, INTEGRITY, p.integ), p.group)
        c_esp.aead = None
    elif stratum == "pfs":
        choice = rng.choice(["client-only", "gateway-only", "different"])
        v["PFS_C"] = choice in ("client-only", "different")
        v["PFS_G"] = choice in ("gateway-only", "different")
        if choice == "different":
            g_esp = Proposal(p.enc, p.integ, other(rng, GROUPS, p.group), p.aead)
    elif stratum == "psk":
        v["PSK_C"] = f"ikelab-other-secret-{index}"
    elif stratum == "identity":
        if rng.random() < 0.5 or ls_g:
            v["ID_C"] = "laptop.ikelab.test"           # the gateway expects client.ikelab.test
        else:
            v["REMOTE_ID_C"] = "vpn.ikelab.test"       # the gateway presents gateway.ikelab.test
    elif stratum == "certificate":
        v["AUTH"] = "cert"
        if rng.random() < 0.5:
            v["REMOTE_ID_C"] = "vpn.ikelab.test"       # not the gateway certificate's identity
        else:
            v["REMOTE_ID_G"] = "other.ikelab.test"     # not the client certificate's identity
    elif stratum == "traffic-selectors":
        if ls_c and rng.random() < 0.5:
            # The gateway hands out virtual IPs and the Libreswan client asks for none.
            v["KEEP_POOL"] = True
        else:
            # 10.99.100.0/25 lies within the gateway's 10.99.100.0/24 (and holds its LAN address,
            # which kernel-libipsec needs to install the policy): a strongSwan gateway narrows
            # to it, a Libreswan gateway without narrowing refuses it.
            v["TS_REMOTE_C"] = rng.choice(["10.99.50.0/24", "10.98.0.0/16", "10.99.100.0/25", "10.99.101.0/24"])
    v.update(c_ike=c_ike, g_ike=g_ike, c_esp=c_esp, g_esp=g_esp)
    return v


def scenario_text(name, stratum, kind, v):
    c_ike, g_ike, c_esp, g_esp = v["c_ike"], v["g_ike"], v["c_esp"], v["g_esp"]
    lines = [
        f"# Generated by lab/differential.py: stratum {stratum}, {kind}.",
        f'DESCRIPTION="differential pair {name}: {stratum} ({kind})"',
        "TOPO=direct",
        f"AUTH={v['AUTH']}",
        f"IKE_PROPOSALS_C={c_ike.swan_ike()}",
        f"IKE_PROPOSALS_G={g_ike.swan_ike()}",
        f"ESP_PROPOSALS_C={c_esp.swan_esp(v['PFS_C'])}",
        f"ESP_PROPOSALS_G={g_esp.swan_esp(v['PFS_G'])}",
        "INIT_TIMEOUT=15",
    ]
    for key in ("PSK_C", "ID_C", "REMOTE_ID_C", "REMOTE_ID_G", "TS_REMOTE_C"):
        if key in v:
            lines.append(f"{key}={v[key]}")
    if stratum == "pfs":
        # A rekey within seconds, as lab/scenarios/pfs-rekey-mismatch.sh does.
        lines += ["CHILD_REKEY_C=6s", 'CHILD_EXTRA_C="rand_time = 0\n                life_time = 12s"',
                  "scenario_run() {", "    client_initiate", "    sleep 12", "}"]
    if kind == "ss-ls":
        lines += [
            "IMPL_G=libreswan",
            f"LS_IKE_G='{g_ike.ls_ike()}'",
            f"LS_ESP_G='{g_esp.ls_esp()}'",
            "pluto_conf_gateway() { pluto_gateway_conf_default; }",
            "pluto_secrets_gateway() { pluto_gateway_secrets_default; }",
            # No rekey happens in a run: PFS (Libreswan's default) is left to the pfs stratum.
            "LS_CONN_EXTRA_G=pfs=no",
        ]
        if "TS_REMOTE_C" in v:
            # A fixed peer side (the client's address, no virtual IP) so that Libreswan's
            # selector check, without narrowing, is what decides.
            lines += ["LS_NARROWING_G=no", "VIPS_C=", "LS_RIGHTSUBNET_G=10.99.2.3/32"]
    if kind == "ls-ss":
        remote_ts = v.get("TS_REMOTE_C", "$GW_LAN_NET")
        local_id = v.get("ID_C", "client.ikelab.test")
        remote_id = v.get("REMOTE_ID_C", "gateway.ikelab.test")
        if not v.get("KEEP_POOL"):
            # A Libreswan client asks for no virtual IP: the gateway's connection hands out none
            # and takes the client's network (not its address: kernel-libipsec on the gateway
            # cannot route the client's own address into the tunnel).
            lines += ['POOLS_G=""', 'CHILD_EXTRA_G="remote_ts = 10.99.150.0/24"']
        lines += [
            "IMPL_C=libreswan",
            "LS_RETRANSMIT_TIMEOUT_C=6s",
            "pluto_conf_client() {",
            "    cat <<CONF",
            "config setup",
            "    logtime=yes",
            "    logappend=no",
            "",
            "conn home",
            "    ikev2=yes",
            "    left=$CLIENT_ADDR",
            "    leftsubnet=10.99.150.0/24",
            f"    leftid=@{local_id}",
            "    right=$GW_ADDR",
            f"    rightid=@{remote_id}",
            f"    rightsubnet={remote_ts}",
            "    authby=secret",
            f"    ike={c_ike.ls_ike()}",
            f"    esp={c_esp.ls_esp()}",
            "    pfs=no",
            "    retransmit-interval=1000",
            "    retransmit-timeout=$LS_RETRANSMIT_TIMEOUT_C",
            "    keyingtries=1",
            "    auto=add",
            "CONF",
            "}",
            "pluto_secrets_client() {",
            f"    printf '@{local_id} @{remote_id} : PSK \"%s\"\\n' \"$PSK_C\"",
            "}",
        ]
    return "\n".join(lines) + "\n"


def all_pairs(seed):
    rng = random.Random(seed)
    pairs = []
    for stratum, count, kinds in STRATA:
        for i in range(count):
            kind = kinds[i % len(kinds)]
            name = f"pair-{len(pairs):03d}"
            spec = pair_spec(rng, stratum, kind, len(pairs))
            pairs.append((name, stratum, kind, spec))
    return pairs


def sample(pairs, n):
    """A fixed, stratified sample: the first pairs of each stratum, in turn."""
    by = collections.OrderedDict()
    for p in pairs:
        by.setdefault(p[1], []).append(p)
    out = []
    i = 0
    while len(out) < n and any(i < len(v) for v in by.values()):
        for v in by.values():
            if i < len(v) and len(out) < n:
                out.append(v[i])
        i += 1
    return out


def predict(doctor, run_dir):
    out = subprocess.run([doctor, "config", "check", "--format", "json",
                          os.path.join(run_dir, "client"), os.path.join(run_dir, "gateway")],
                         capture_output=True, text=True)
    try:
        v = json.loads(out.stdout)["verdict"]
    except (ValueError, KeyError):
        return {"outcome": "error", "phase": None, "category": None, "summary": out.stderr[:300]}
    return {k: v.get(k) for k in ("outcome", "phase", "category", "summary")}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--sample", type=int, default=0, help="run a fixed stratified sample of N pairs")
    ap.add_argument("--out", default=os.path.join(LAB, "out", "differential"))
    ap.add_argument("--results", help="write the results table (markdown) here")
    ap.add_argument("--judge-only", action="store_true",
                    help="do not run the daemons again: read their logs of the last run in --out anew")
    ap.add_argument("--doctor", default=os.environ.get("IKE_DOCTOR", os.path.join(REPO, "target", "release", "ike-doctor")))
    args = ap.parse_args()

    pairs = all_pairs(args.seed)
    if args.sample:
        pairs = sample(pairs, args.sample)
    scen_dir = os.path.join(args.out, "scenarios")
    runs = os.path.join(args.out, "runs")
    os.makedirs(scen_dir, exist_ok=True)
    for f in os.listdir(scen_dir):
        os.remove(os.path.join(scen_dir, f))
    for name, stratum, kind, spec in pairs:
        with open(os.path.join(scen_dir, name + ".sh"), "w") as f:
            f.write(scenario_text(name, stratum, kind, spec))
    if not os.path.exists(args.doctor):
        sys.exit(f"no ike-doctor at {args.doctor} (cargo build --release -p ike-doctor, or --doctor)")
    if args.judge_only:
        for name, _, _, _ in pairs:
            run_dir = os.path.join(runs, name)
            if os.path.isdir(run_dir):
                seen = subprocess.run([sys.executable, os.path.join(LAB, "lib", "observe.py"), run_dir],
                                      capture_output=True, text=True, check=True).stdout
                with open(os.path.join(run_dir, "observed.json"), "w") as f:
                    f.write(seen)
    else:
        # A pair that does not run must not be judged on an earlier run's output.
        for name, _, _, _ in pairs:
            shutil.rmtree(os.path.join(runs, name), ignore_errors=True)
        subprocess.run([os.path.join(LAB, "run.sh"), "--out", runs, "--quiet", "--observe",
                        "--scenario-dir", scen_dir] + [p[0] for p in pairs])

    rows, wrong = [], []
    counts = collections.OrderedDict()
    for name, stratum, kind, _ in pairs:
        run_dir = os.path.join(runs, name)
        try:
            with open(os.path.join(run_dir, "observed.json")) as f:
                seen = json.load(f)
        except (OSError, ValueError):
            seen = {"outcome": "not-run", "phase": None, "category": None}
        said = predict(args.doctor, run_dir)
        agree = said["outcome"] == seen["outcome"] and said["phase"] == seen["phase"] and (
            seen["category"] is None or said["category"] == seen["category"])
        key = (stratum, kind)
        c = counts.setdefault(key, [0, 0])
        c[0] += 1
        c[1] += agree
        observed = f"{seen['outcome']} {seen['phase'] or ''} {seen['category'] or ''}".strip()
        predicted = f"{said['outcome']} {said['phase'] or ''} {said['category'] or ''}".strip()
        rows.append((name, stratum, kind, observed, predicted, agree))
        if not agree:
            wrong.append(f"{name} ({stratum}, {kind}): daemons {observed}; config check {predicted}: {said.get('summary', '')[:200]}")

    table = ["| stratum | pairs | strongSwan-strongSwan | strongSwan client, Libreswan gateway | Libreswan client, strongSwan gateway | prediction = daemons |",
             "|---|---:|---:|---:|---:|---:|"]
    for stratum, _, _ in STRATA:
        per = {k: counts.get((stratum, k), [0, 0]) for k in ("ss-ss", "ss-ls", "ls-ss")}
        total = sum(x[0] for x in per.values())
        if total == 0:
            continue
        ok = sum(x[1] for x in per.values())
        table.append(f"| {stratum} | {total} | {per['ss-ss'][0]} | {per['ss-ls'][0]} | {per['ls-ss'][0]} | {ok}/{total} |")
    total = sum(c[0] for c in counts.values())
    ok = sum(c[1] for c in counts.values())
    outcomes = collections.Counter(r[3] for r in rows)
    software = {}
    for name, _, kind, _ in pairs:
        try:
            with open(os.path.join(runs, name, "scenario.json")) as f:
                software.update(json.load(f).get("software", {}))
        except (OSError, ValueError):
            pass
    report = ["# Differential test: `config check` against the daemons", "",
              "Made by the command below on " + subprocess.run(["date", "-u", "+%Y-%m-%d"], capture_output=True, text=True).stdout.strip()
              + " with " + ", ".join(f"{k} {v}" for k, v in sorted(software.items())) + ".", "",
              f"`lab/differential.py --seed {args.seed}" + (f" --sample {args.sample}" if args.sample else "") + "`: "
              f"{total} pairs, {ok} predicted as the daemons did.", ""] + table + ["", "What the daemons did:", ""]
    report += [f"- {n}: {o}" for o, n in sorted(outcomes.items(), key=lambda x: -x[1])]
    unread = sum(1 for r in rows if r[3].startswith("failed") and len(r[3].split()) == 2)
    if unread:
        report += ["", f"For {unread} failures the logs name no category: the phase alone is compared."]
    if wrong:
        report += ["", "Disagreements:", ""] + [f"- {w}" for w in wrong]
    report += ["", "| pair | stratum | kind | daemons | config check |", "|---|---|---|---|---|"]
    report += [f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]}{'' if r[5] else ' **differs**'} |" for r in rows]
    text = "\n".join(report) + "\n"
    if args.results:
        with open(args.results, "w") as f:
            f.write(text)
    print("\n".join(table))
    print(f"{ok}/{total} pairs predicted as the daemons did")
    for w in wrong:
        print("DIFFERS " + w)
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main()
