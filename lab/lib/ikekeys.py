#!/usr/bin/python3
"""Write the IKE SA keys of a scenario as a Wireshark ikev2_decryption_table (ike-keys.csv).

Usage: ikekeys.py KEYS_LOG MAIN_LOG PCAP OUT_CSV

KEYS_LOG is charon's level-4 IKE log (Sk_* secrets per IKE SA, prefixed <name|N> or <N>), MAIN_LOG
the same daemon's ordinary log (for the selected IKE proposal), PCAP that daemon's capture. The
n-th IKE SA whose keys were derived is matched with the n-th IKE_SA_INIT response carrying a KE
payload in the capture (rekeyed IKE SAs, whose SPIs travel encrypted, are left out).

Each line of OUT_CSV: SPIi,SPIr,SK_ei,SK_er,"encryption",SK_ai,SK_ar,"integrity" (hex, no
separators), the format of Wireshark's IKEv2 decryption table file (ikev2_decryption_table);
tshark takes a line as -o "uat:ikev2_decryption_table:LINE".
Exit 0 also when there is nothing to write (no IKE SA got keys).
"""
import re
import subprocess
import sys

KEY = re.compile(r"<(?:[^|>]*\|)?(\d+)> (Sk_ei|Sk_er|Sk_ai|Sk_ar) secret => (\d+) bytes")
HEX = re.compile(r"^\d\d\[IKE\] <[^>]*>\s+\d+: ((?:[0-9A-F]{2} ){1,16})")
PROPOSAL = re.compile(r"<(?:[^|>]*\|)?(\d+)> selected proposal: IKE:([A-Z0-9_/]+)")

ENCRYPTION = {
    "AES_CBC_128": "AES-CBC-128 [RFC3602]", "AES_CBC_192": "AES-CBC-192 [RFC3602]",
    "AES_CBC_256": "AES-CBC-256 [RFC3602]", "AES_CTR_128": "AES-CTR-128 [RFC5930]",
    "AES_CTR_192": "AES-CTR-192 [RFC5930]", "AES_CTR_256": "AES-CTR-256 [RFC5930]",
    "AES_GCM_16_128": "AES-GCM-128 with 16 octet ICV [RFC5282]",
    "AES_GCM_16_192": "AES-GCM-192 with 16 octet ICV [RFC5282]",
    "AES_GCM_16_256": "AES-GCM-256 with 16 octet ICV [RFC5282]",
    "3DES_CBC": "3DES [RFC2451]",
}
INTEGRITY = {
    "HMAC_MD5_96": "HMAC_MD5_96 [RFC2403]", "HMAC_SHA1_96": "HMAC_SHA1_96 [RFC2404]",
    "HMAC_SHA2_256_128": "HMAC_SHA2_256_128 [RFC4868]",
    "HMAC_SHA2_384_192": "HMAC_SHA2_384_192 [RFC4868]",
    "HMAC_SHA2_512_256": "HMAC_SHA2_512_256 [RFC4868]",
}


def read_keys(path):
    """{ike_sa_number: {"Sk_ei": hex, ...}} in the order the keys were derived."""
    keys = {}
    order = []
    current = None
    want = 0
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            m = KEY.search(line)
            if m:
                number, name, size = m.group(1), m.group(2), int(m.group(3))
                if number not in keys:
                    keys[number] = {}
                    order.append(number)
                current = (number, name)
                keys[number][name] = ""
                want = size
                continue
            if current and want > 0:
                h = HEX.match(line)
                if h:
                    chunk = h.group(1).replace(" ", "").lower()
                    keys[current[0]][current[1]] += chunk
                    want -= len(chunk) // 2
                    if want <= 0:
                        current = None
                else:
                    current = None
    return [(n, keys[n]) for n in order if all(k in keys[n] for k in ("Sk_ei", "Sk_er", "Sk_ai", "Sk_ar"))]


def read_proposals(path):
    found = {}
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            m = PROPOSAL.search(line)
            if m:
                found[m.group(1)] = m.group(2).split("/")
    return found


def read_spis(pcap):
    out = subprocess.run(
        ["tshark", "-n", "-r", pcap, "-Y", "isakmp.exchangetype == 34 && isakmp.flags & 0x20 && isakmp.typepayload == 34",
         "-T", "fields", "-e", "isakmp.ispi", "-e", "isakmp.rspi"],
        capture_output=True, text=True, check=False)
    pairs = []
    for line in out.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and parts not in pairs:
            pairs.append(parts)
    return pairs


def main():
    keys_log, main_log, pcap, out_csv = sys.argv[1:5]
    try:
        sas = read_keys(keys_log)
    except OSError:
        sas = []
    proposals = read_proposals(main_log)
    spis = read_spis(pcap)
    lines = []
    for (number, k), (ispi, rspi) in zip(sas, spis):
        algs = proposals.get(number, [])
        enc = next((ENCRYPTION[a] for a in algs if a in ENCRYPTION), None)
        integ = next((INTEGRITY[a] for a in algs if a in INTEGRITY), "NONE [RFC4306]")
        if enc is None:
            continue
        # hex fields bare, names quoted, as Wireshark writes its UAT files
        lines.append(",".join((ispi.replace(":", ""), rspi.replace(":", ""), k["Sk_ei"], k["Sk_er"],
                               f'"{enc}"', k["Sk_ai"], k["Sk_ar"], f'"{integ}"')))
    if lines:
        with open(out_csv, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
