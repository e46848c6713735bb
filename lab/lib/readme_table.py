#!/usr/bin/python3
"""Print the README's scenario table (Markdown) from the committed fixtures.

Usage: readme_table.py FIXTURE_ROOT [--update README]
With --update, the table replaces what lies between the README's scenario-table markers.
Each row: scenario, how the failure is made, truth (outcome, phase, category), and the log lines
and frames that proved it when the fixture was made (from verification.txt).
"""
import json
import os
import re
import sys

# "Nov 26 22:50:50.186 13[IKE] <rw|1> text" or "Nov 26 22:59:15.394743: text" -> "text"
STAMP = re.compile(r"^[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d(\.\d+)?:? (\d\d\[[A-Z]+\] (<[^>]*> )?)?")
OK_LOG = re.compile(r"^\s+ok\s+([\w.-]+):(\d+): (.*)$")
OK_FRAMES = re.compile(r"^\s+ok\s+([\w.-]+\.pcap): (\d+) frame\(s\) \[[^\]]*\] for '(.*)' \(want ([^)]*)\)$")
OK_ABSENT = re.compile(r"^\s+ok\s+([\w.-]+): no line matches /(.*)/ \(as expected\)$")


def cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def proof_lines(path):
    out = []
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return out
    for line in lines:
        m = OK_LOG.match(line)
        if m:
            text = STAMP.sub("", m.group(3)).strip()
            if len(text) > 120:
                text = text[:117] + "..."
            out.append(f"{m.group(1)}: `{text}`")
            continue
        m = OK_FRAMES.match(line)
        if m:
            out.append(f"{m.group(1)}: {m.group(2)} frame(s) `{m.group(3)}` (want {m.group(4)})")
            continue
        m = OK_ABSENT.match(line)
        if m:
            out.append(f"{m.group(1)}: no line `{m.group(2)}`")
    return out


BEGIN = "<!-- scenario-table:begin -->"
END = "<!-- scenario-table:end -->"


def table(root):
    rows = []
    for name in sorted(os.listdir(root)):
        d = os.path.join(root, name)
        if not os.path.isfile(os.path.join(d, "truth.json")):
            continue
        with open(os.path.join(d, "truth.json"), encoding="utf-8") as fh:
            truth = json.load(fh)
        meta = {}
        try:
            with open(os.path.join(d, "scenario.json"), encoding="utf-8") as fh:
                meta = json.load(fh)
        except OSError:
            pass
        peers = f"{meta.get('client_implementation', '?')} → {meta.get('gateway_implementation', '?')}"
        how = f"{meta.get('how', '')} ({meta.get('topology', '?')}, {peers})"
        if truth["outcome"] == "established":
            verdict = "established"
        else:
            verdict = f"failed, `{truth['phase']}`, `{truth['category']}`"
        proofs = "<br>".join(cell(p) for p in proof_lines(os.path.join(d, "verification.txt")))
        rows.append(f"| `{name}` | {cell(how)} | {verdict}<br>{cell(truth['root_cause'])} | {proofs} |")
    head = ["| scenario | how it is made (topology, client → gateway) | truth | proving log lines and frames |",
            "|---|---|---|---|"]
    return "\n".join(head + rows) + "\n"


def main():
    text = table(sys.argv[1])
    if len(sys.argv) >= 4 and sys.argv[2] == "--update":
        with open(sys.argv[3], encoding="utf-8") as fh:
            readme = fh.read()
        start = readme.index(BEGIN) + len(BEGIN)
        end = readme.index(END)
        readme = readme[:start] + "\n" + text + readme[end:]
        with open(sys.argv[3], "w", encoding="utf-8") as fh:
            fh.write(readme)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
