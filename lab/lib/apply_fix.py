#!/usr/bin/env python3
"""Applies one configuration line of an ike-doctor fix to a swanctl.conf, as a user would.

    apply_fix.py SWANCTL_CONF SECTION LINE OTHER_SWANCTL_CONF

SECTION is a dotted path (connections.rw.children.net, secrets.<secret>, pools.rw_pool); the
placeholders <conn>, <child> and <secret> stand for the user's own names and resolve to the only
one the file has (for <secret>: the block of the kind the line is for, ike* or eap*). LINE is
`key = value`; it replaces the key in that section or is added to it. A value naming another
peer's secret ("<the initiator's key>", "<the password the server has for this user>") is
filled from OTHER_SWANCTL_CONF, the other peer's file: the user copies it from there.
"""
import re
import sys


def blocks(lines):
    """(path, open_line, close_line) for every `name {` ... `}` block."""
    out, stack = [], []
    for i, line in enumerate(lines):
        text = line.split("#", 1)[0].strip()
        m = re.match(r"^([\w.-]+)\s*\{$", text)
        if m:
            stack.append((m.group(1), i))
        elif text == "}" and stack:
            name, start = stack.pop()
            path = ".".join([n for n, _ in stack] + [name])
            out.append((path, start, i))
    return out


def resolve(path, found):
    """The concrete path for a path with placeholders, from the blocks the file has."""
    parts = path.split(".")
    concrete = []
    for part in parts:
        prefix = ".".join(concrete)
        if part.startswith("<") and part.endswith(">"):
            kind = part[1:-1]
            names = sorted({p.split(".")[len(concrete)] for p, _, _ in found
                            if p.startswith(prefix + ".") and p.count(".") >= len(concrete)})
            if kind == "secret-ike":
                names = [n for n in names if n.startswith("ike")]
            elif kind == "secret-eap":
                names = [n for n in names if n.startswith("eap")]
            if len(names) != 1:
                sys.exit(f"apply_fix: {path}: {part} is ambiguous or missing (found {names})")
            concrete.append(names[0])
        else:
            concrete.append(part)
    return ".".join(concrete)


def secret_of(path, kind):
    """The first secret of the kind (ike/eap) in a swanctl.conf."""
    lines = open(path).read().splitlines()
    for p, start, end in blocks(lines):
        if p.startswith("secrets." + kind):
            for line in lines[start + 1:end]:
                m = re.match(r"\s*secret\s*=\s*(.*)$", line)
                if m:
                    return m.group(1).strip()
    sys.exit(f"apply_fix: no {kind} secret in {path}")


def main():
    conf, section, line, other = sys.argv[1:5]
    key, value = [x.strip() for x in line.split("=", 1)]
    kind = "eap" if "password" in value else "ike"
    if section == "secrets.<secret>":
        section = "secrets.<secret-" + kind + ">"
    if value.startswith('"<') and value.endswith('>"'):
        value = secret_of(other, kind)
    lines = open(conf).read().splitlines()
    found = blocks(lines)
    target = resolve(section, found)
    matches = [(s, e) for p, s, e in found if p == target]
    if not matches:
        sys.exit(f"apply_fix: no section {target} in {conf}")
    start, end = matches[0]
    indent = re.match(r"\s*", lines[start]).group(0) + "    "
    for i in range(start + 1, end):
        if re.match(rf"\s*{re.escape(key)}\s*=", lines[i]):
            lines[i] = f"{indent}{key} = {value}"
            break
    else:
        lines.insert(end, f"{indent}{key} = {value}")
    open(conf, "w").write("\n".join(lines) + "\n")
    print(f"apply_fix: {conf}: {target}: {key} = {'<secret>' if 'secret' in key else value}")


if __name__ == "__main__":
    main()
