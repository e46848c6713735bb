#!/usr/bin/python3
"""Check a scenario's proofs against the daemons' own logs and the captures, then write truth.json.

Usage: verify.py OUTDIR EXPECT_TSV SCENARIO OUTCOME PHASE CATEGORY ROOT_CAUSE

EXPECT_TSV lines: kind<TAB>file<TAB>pattern-or-filter<TAB>min<TAB>max
  kind = log     a line of file matches the regular expression
         nolog   no line of file matches it
         frames  the tshark display filter selects between min and max frames (max empty = no limit)
Exit status 0 when every proof holds, 1 otherwise (the scenario did not reproduce).
"""
import json
import os
import re
import subprocess
import sys


def key_options(outdir):
    """tshark options that load the scenario's IKE SA keys (ike-keys.csv), if there are any."""
    opts = []
    try:
        with open(os.path.join(outdir, "ike-keys.csv"), encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    opts += ["-o", "uat:ikev2_decryption_table:" + line.strip()]
    except OSError:
        pass
    return opts


def count_frames(path, display_filter, opts=()):
    out = subprocess.run(
        ["tshark", "-n", "-r", path, *opts, "-Y", display_filter, "-T", "fields", "-e", "frame.number"],
        capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip())
    return [int(x) for x in out.stdout.split() if x.strip()]


def main():
    outdir, expect, scenario, outcome, phase, category, root_cause = sys.argv[1:8]
    proofs = []
    ok = True
    report = []
    keys = key_options(outdir)
    with open(expect, encoding="utf-8") as fh:
        for raw in fh:
            raw = raw.rstrip("\n")
            if not raw:
                continue
            kind, fname, pattern, lo, hi = (raw.split("\t") + ["", ""])[:5]
            path = os.path.join(outdir, fname)
            if kind in ("log", "nolog"):
                entry = {"file": fname, "pattern": pattern}
                if kind == "nolog":
                    entry["absent"] = True
                rx = re.compile(pattern)
                hit = None
                try:
                    with open(path, encoding="utf-8", errors="replace") as lf:
                        for n, line in enumerate(lf, 1):
                            if rx.search(line):
                                hit = (n, line.rstrip())
                                break
                except OSError as err:
                    report.append(f"  MISSING {fname}: {err}")
                    ok = False
                    proofs.append(entry)
                    continue
                good = (hit is not None) == (kind == "log")
                if good and hit:
                    report.append(f"  ok   {fname}:{hit[0]}: {hit[1][:150]}")
                elif good:
                    report.append(f"  ok   {fname}: no line matches /{pattern}/ (as expected)")
                elif hit:
                    report.append(f"  FAIL {fname}:{hit[0]} matches /{pattern}/ but must not: {hit[1][:150]}")
                else:
                    report.append(f"  FAIL {fname}: no line matches /{pattern}/")
                ok = ok and good
            elif kind == "frames":
                entry = {"file": fname, "filter": pattern, "min": int(lo)}
                if hi != "":
                    entry["max"] = int(hi)
                try:
                    frames = count_frames(path, pattern, keys)
                except (RuntimeError, OSError) as err:
                    report.append(f"  FAIL {fname}: tshark: {err}")
                    ok = False
                    proofs.append(entry)
                    continue
                good = len(frames) >= int(lo) and (hi == "" or len(frames) <= int(hi))
                shown = ",".join(str(f) for f in frames[:8]) + (",..." if len(frames) > 8 else "")
                rng = f"{lo}..{hi if hi != '' else 'inf'}"
                report.append(f"  {'ok  ' if good else 'FAIL'} {fname}: {len(frames)} frame(s) [{shown}] "
                              f"for {pattern!r} (want {rng})")
                ok = ok and good
            else:
                report.append(f"  FAIL unknown proof kind {kind}")
                ok = False
                continue
            proofs.append(entry)

    # The published keys must decrypt the IKE SA traffic without integrity errors.
    if keys:
        for cap in ("client.pcap", "gateway.pcap"):
            try:
                good = count_frames(os.path.join(outdir, cap), "isakmp.enc.decrypted", keys)
                bad = count_frames(os.path.join(outdir, cap), "isakmp.ikev2.integrity_checksum", keys)
            except (RuntimeError, OSError) as err:
                report.append(f"  FAIL {cap}: tshark with ike-keys.csv: {err}")
                ok = False
                continue
            report.append(f"  {'ok  ' if not bad else 'FAIL'} {cap}: ike-keys.csv decrypts {len(good)} frame(s), "
                          f"{len(bad)} integrity error(s)")
            ok = ok and not bad

    truth = {
        "scenario": scenario,
        "outcome": outcome,
        "phase": None if phase in ("", "null") else phase,
        "category": None if category in ("", "null") else category,
        "root_cause": root_cause,
        "proof": proofs,
    }
    with open(os.path.join(outdir, "truth.json"), "w", encoding="utf-8") as fh:
        json.dump(truth, fh, indent=2)
        fh.write("\n")
    with open(os.path.join(outdir, "verification.txt"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(report) + "\n")
    print("\n".join(report))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
