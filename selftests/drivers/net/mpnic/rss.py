#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Flows for the dispatch tests, and an independent model of the card's RSS.

  rss.py send IFACE DSTMAC KINDS N BASE [DPORT]
        (peer side) one frame for each of N flows of each kind (tcp4, udp4,
        tcp6, udp6): source ports BASE.., destination port DPORT or 9+i
  rss.py check DEV CARDDIR KINDS N BASE [DPORT]
        (host side) find each of those flows in the engines' flow tables and
        compare its engine with the one computed here from what `ethtool -x`
        and `ethtool -n rx-flow-hash` read back; prints a summary line and
        "spread MAX/MEAN" over the engines; exits 1 on any mismatch
"""
import ipaddress
import os
import re
import subprocess
import sys
import zlib

import frames

H4, P4 = "198.51.100.1", "198.51.100.2"
H6, P6 = "2001:db8::1", "2001:db8::2"


def flows(kinds, n, base, dport):
    for kind in kinds.split(","):
        for i in range(n):
            v6 = kind.endswith("6")
            src, dst = (P6, H6) if v6 else (P4, H4)
            yield kind, src, dst, base + i, dport if dport else 9 + i


def send(iface, mac, kinds, n, base, dport):
    src_mac, dst_mac = frames.iface_mac(iface), frames.mac_bytes(mac)
    frames.send(iface, (frames.build(src_mac, dst_mac, src, dst, kind[:3], sp, dp, b"r" * 16)
                        for kind, src, dst, sp, dp in flows(kinds, n, base, dport)))


def ethtool(*args):
    return subprocess.run(["ethtool", *args], check=True, capture_output=True, text=True).stdout


def rss_state(dev):
    out = ethtool("-x", dev)
    lines = out.splitlines()
    table = []
    for line in lines:
        m = re.match(r"^\s*\d+:\s+([\d\s]+)$", line)
        if m:
            table += [int(x) for x in m.group(1).split()]
    key = bytes.fromhex(lines[lines.index("RSS hash key:") + 1].replace(":", ""))
    hfunc = re.search(r"^\s+(\w+): on$", out, re.M).group(1)
    # ethtool >= 6.8 on a kernel >= 6.8: "RSS input transformation:"
    xfrm = re.search(r"^\s+(symmetric-xor|symmetric-or-xor): on$", out, re.M)
    hfunc = (hfunc, xfrm.group(1) if xfrm else None)
    fields = {}
    for kind in ("tcp4", "udp4", "tcp6", "udp6"):
        f = ethtool("-n", dev, "rx-flow-hash", kind)
        fields[kind] = ("IP SA" in f, "IP DA" in f, "L4 bytes 0 & 1" in f, "L4 bytes 2 & 3" in f)
    return key, table, hfunc, fields


def toeplitz(key, data):
    k = int.from_bytes(key, "big")
    kbits = len(key) * 8
    h = 0
    for i in range(len(data) * 8):
        if data[i // 8] & (0x80 >> (i % 8)):
            h ^= (k >> (kbits - 32 - i)) & 0xFFFFFFFF
    return h


def xor32(data):
    data = data + bytes(-len(data) % 4)
    h = 0
    for i in range(0, len(data), 4):
        h ^= int.from_bytes(data[i:i + 4], "big")
    return h


def symmetric(xfrm, s, d):
    """The pair (s, d) of equal-length fields after the input transform."""
    if xfrm is None:
        return s, d
    x = bytes(a ^ b for a, b in zip(s, d))
    if xfrm == "symmetric-xor":
        return x, x
    return bytes(a | b for a, b in zip(s, d)), x


def engine_of(state, kind, src, dst, sp, dp):
    key, table, (hfunc, xfrm), fields = state
    sa, da, l4s, l4d = fields[kind]
    src, dst = ipaddress.ip_address(src).packed, ipaddress.ip_address(dst).packed
    sp, dp = sp.to_bytes(2, "big"), dp.to_bytes(2, "big")
    if sa and da:
        src, dst = symmetric(xfrm, src, dst)
    if l4s and l4d:
        sp, dp = symmetric(xfrm, sp, dp)
    data = b""
    if sa:
        data += src
    if da:
        data += dst
    if l4s:
        data += sp
    if l4d:
        data += dp
    if not data:
        h = 0
    elif hfunc == "toeplitz":
        h = toeplitz(key, data)
    elif hfunc == "xor":
        h = xor32(data)
    else:
        h = zlib.crc32(data)
    return table[h % len(table)]


def tables(carddir):
    """{(proto, remote, local): engine} from debugfs"""
    seen = {}
    for e in sorted(os.listdir(carddir)):
        with open(os.path.join(carddir, e, "flows")) as f:
            next(f)
            for line in f:
                proto, remote, local = line.split()[:3]
                seen.setdefault((proto, remote, local), []).append(int(e[len("engine"):]))
    return seen


def endpoint(addr, port):
    return f"[{addr}]:{port}" if ":" in addr else f"{addr}:{port}"


def check(dev, carddir, kinds, n, base, dport):
    state = rss_state(dev)
    seen = tables(carddir)
    nengines = len(os.listdir(carddir))
    bad = missing = 0
    per_engine = [0] * nengines
    for kind, src, dst, sp, dp in flows(kinds, n, base, dport):
        want = engine_of(state, kind, src, dst, sp, dp)
        got = seen.get((kind, endpoint(src, sp), endpoint(dst, dp)))
        if not got:
            missing += 1
            print(f"# {kind} {src}:{sp} -> {dst}:{dp}: in no flow table")
            continue
        per_engine[got[0]] += 1
        if got != [want]:
            bad += 1
            if bad <= 10:
                print(f"# {kind} {src}:{sp} -> {dst}:{dp}: model says engine {want}, card used {got}")
    total = sum(per_engine)
    mean = total / nengines if nengines else 0
    print(f"# {state[2]}: {total} flows found, {missing} missing, {bad} misplaced; per engine {per_engine}")
    print(f"spread {max(per_engine) / mean if mean else 0:.3f}")
    return 1 if bad or missing else 0


def main():
    cmd = sys.argv[1]
    if cmd == "send":
        iface, mac, kinds, n, base = sys.argv[2:7]
        dport = int(sys.argv[7]) if len(sys.argv) > 7 else 0
        send(iface, mac, kinds, int(n), int(base), dport)
        return 0
    if cmd == "check":
        dev, carddir, kinds, n, base = sys.argv[2:7]
        dport = int(sys.argv[7]) if len(sys.argv) > 7 else 0
        return check(dev, carddir, kinds, int(n), int(base), dport)
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
