#!/usr/bin/env python3
"""Checks `ike-doctor watch` as the lab ran it (lab/run.sh --watch): for each scenario output
folder, the watch's JSON lines against the scenario's truth (one line of the right event, phase
and category; established scenarios: one attempt line, established, and no failure), the time of
that line against the moment a daemon gave up (its last IKE datagram on the gateway's interface,
or a "giving up" line in either daemon's log): at most 5 s; what a real Prometheus scraped from
--metrics (the counter of that phase and category at 1); and `ike-doctor diagnose` on the
evidence files the line names: the same verdict.

    lab/watch_check.py DOCTOR OUT_DIR SCENARIO...

Prints one line per scenario and "N passed, M failed"; exits 1 if any failed."""
import datetime
import json
import re
import subprocess
import sys

LIMIT_S = 5.0
GIVING_UP = re.compile(r"^(\w{3}\s+\d+ \d\d:\d\d:\d\d(?:\.\d+)?) .*(giving up after|establishing IKE_SA failed)")


def parse_rfc3339(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def gave_up_at(doctor, out, year):
    """The last moment a daemon acted on the failing SA: its last datagram at the gateway, or a
    'giving up' line of either log (the lab's clocks are UTC)."""
    times = []
    report = json.loads(subprocess.run([doctor, "diagnose", "--format", "json", f"{out}/gateway.pcap"],
                                       capture_output=True, text=True).stdout or "{}")
    for s in report.get("sessions", []):
        for m in s.get("messages", []):
            times.append(parse_rfc3339(m["time"]))
    for log in ("client.log", "gateway.log"):
        try:
            lines = open(f"{out}/{log}", encoding="utf-8", errors="replace").read().splitlines()
        except OSError:
            continue
        for line in lines:
            m = GIVING_UP.match(line)
            if m:
                stamp = " ".join(m.group(1).split())
                fmt = "%Y %b %d %H:%M:%S.%f" if "." in stamp else "%Y %b %d %H:%M:%S"
                t = datetime.datetime.strptime(f"{year} {stamp}", fmt).replace(tzinfo=datetime.timezone.utc)
                times.append(t)
    return max(times) if times else None


def prometheus_counters(out):
    try:
        data = json.load(open(f"{out}/watch-prometheus.json"))
    except (OSError, ValueError):
        return {}
    counters = {}
    for r in data.get("data", {}).get("result", []):
        metric = dict(r["metric"])
        name = metric.pop("__name__")
        metric.pop("job", None)
        metric.pop("instance", None)
        counters[(name, tuple(sorted(metric.items())))] = float(r["value"][1])
    return counters


def check(doctor, out_root, scenario):
    out = f"{out_root}/{scenario}"
    truth = json.load(open(f"{out}/truth.json"))
    lines = [json.loads(l) for l in open(f"{out}/watch.jsonl") if l.strip().startswith("{")]
    problems = []
    counters = prometheus_counters(out)
    if truth["outcome"] == "established":
        kinds = [(l["event"], l["verdict"]["outcome"]) for l in lines]
        if kinds != [("attempt", "established")]:
            problems.append(f"lines {kinds}, want one established attempt")
        if counters.get(("ike_doctor_attempts_total", (("outcome", "established"),))) != 1:
            problems.append(f"prometheus: {counters}")
        return problems, "established"
    event = "sa-lost" if truth["phase"] == "ESTABLISHED" else "attempt"
    failed = [l for l in lines if l["verdict"]["outcome"] == "failed"]
    if len(failed) != 1:
        return [f"{len(failed)} failure lines, want 1: {[l['verdict']['summary'] for l in lines]}"], "-"
    line = failed[0]
    got = (line["event"], line["verdict"]["phase"], line["verdict"]["category"])
    if got != (event, truth["phase"], truth["category"]):
        problems.append(f"line says {got}, truth {(event, truth['phase'], truth['category'])}")
    at = parse_rfc3339(line["time"])
    given_up = gave_up_at(doctor, out, at.year)
    delay = (at - given_up).total_seconds() if given_up else None
    if delay is None or delay > LIMIT_S:
        problems.append(f"line {delay} s after the daemon gave up (limit {LIMIT_S} s)")
    if event == "attempt":
        key = ("ike_doctor_failures_total", (("category", truth["category"]), ("phase", truth["phase"])))
    else:
        key = ("ike_doctor_sas_lost_total", (("category", truth["category"]),))
    if counters.get(key) != 1:
        problems.append(f"prometheus has {key[0]}{dict(key[1])} = {counters.get(key)}: {counters}")
    files = line.get("evidence") or {}
    paths = [p for p in (files.get("capture"), files.get("log"), files.get("host")) if p]
    again = json.loads(subprocess.run([doctor, "diagnose", "--format", "json", *paths],
                                      capture_output=True, text=True).stdout or "{}")
    v = again.get("verdict", {})
    if (v.get("outcome"), v.get("phase"), v.get("category")) != ("failed", truth["phase"], truth["category"]):
        problems.append(f"diagnose on the evidence says {v.get('outcome')} {v.get('phase')} {v.get('category')}")
    return problems, f"{delay:.1f} s" if delay is not None else "-"


def main():
    doctor, out_root, scenarios = sys.argv[1], sys.argv[2], sys.argv[3:]
    passed = failed = 0
    for scenario in scenarios:
        try:
            problems, delay = check(doctor, out_root, scenario)
        except (OSError, ValueError, KeyError) as e:
            problems, delay = [f"cannot check: {e}"], "-"
        if problems:
            failed += 1
            print(f"FAIL {scenario:<32} " + "; ".join(problems))
        else:
            passed += 1
            said = "one established attempt" if delay == "established" else f"line {delay} after the daemon gave up"
            print(f"PASS {scenario:<32} {said}; Prometheus and diagnose agree")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
