#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send hostile frames from the peer: hostile.py IFACE DSTMAC COUNT [SEED]

Builds a corpus of 2,000 frames from a seeded mix of malformed and unusual
kinds and sends it round until COUNT frames (at least 100,000 for the
robustness run) went out of a raw socket. Prints what it sent, per kind,
as JSON on stdout, and how many of them the receiving kernel drops before
any rx_handler sees them (core_drops: a VLAN tag cut short, which
skb_vlan_untag() refuses), so that the card's count can be checked
exactly.

Kinds: runts and oversize frames, truncated L2/L3/L4 headers, wrong IHL
and length fields, bad IPv4 header and L4 checksums, IP options, tiny,
overlapping and out-of-order fragments, long IPv6 extension-header
chains, QinQ, every TCP flag combination, zero-length UDP, and good
frames with random bytes flipped.
"""
import json
import random
import socket
import sys

# The layers it needs, not scapy.all: that loads every layer, seconds in the VM
from scapy.compat import raw  # noqa: E402
from scapy.layers.inet import IP, IPOption_RR, TCP, UDP, fragment  # noqa: E402
from scapy.layers.inet6 import (  # noqa: E402
    IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting,
)
from scapy.layers.l2 import Dot1AD, Dot1Q, Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402

H4, P4 = "198.51.100.1", "198.51.100.2"
H6, P6 = "2001:db8::1", "2001:db8::2"
MAX_FRAME = 9216            # a card buffer: longer is rx_oversize


def l4(rng, proto):
    sport, dport = rng.randrange(1024, 65535), rng.choice([9, 80, 5201, 40000])
    if proto == "tcp":
        return TCP(sport=sport, dport=dport, flags=rng.randrange(256),
                   seq=rng.getrandbits(32))
    return UDP(sport=sport, dport=dport)


def good(rng, mac):
    pay = Raw(bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 200))))
    if rng.random() < 0.5:
        return Ether(dst=mac) / IP(src=P4, dst=H4) / l4(rng, rng.choice(["tcp", "udp"])) / pay
    return Ether(dst=mac) / IPv6(src=P6, dst=H6) / l4(rng, rng.choice(["tcp", "udp"])) / pay


def kinds(rng, mac):
    """name -> a function returning a list of frames (bytes)"""
    eth = Ether(dst=mac)

    def b(*pkts):
        return [raw(p) for p in pkts]

    def truncate(pkt, cut):
        data = raw(pkt)
        return [data[:max(14, min(len(data), cut))]]

    return {
        # An Ethernet header only, or less than a minimum frame
        "runt": lambda: [raw(eth)[:14] + bytes(rng.randrange(0, 4))],
        "oversize": lambda: b(eth / IP(src=P4, dst=H4) / UDP(dport=9) /
                              Raw(b"o" * (MAX_FRAME + rng.randrange(1, 900)))),
        "jumbo_ok": lambda: b(eth / IP(src=P4, dst=H4) / UDP(dport=9) /
                              Raw(b"j" * rng.randrange(1500, 8900))),
        "trunc_l2_vlan": lambda: truncate(eth / Dot1Q(vlan=10) / IP(src=P4, dst=H4), 16),
        "trunc_l3_v4": lambda: truncate(eth / IP(src=P4, dst=H4) / UDP(), 14 + rng.randrange(1, 20)),
        "trunc_l3_v6": lambda: truncate(eth / IPv6(src=P6, dst=H6) / UDP(), 14 + rng.randrange(1, 40)),
        "trunc_l4_tcp": lambda: truncate(eth / IP(src=P4, dst=H4) / TCP(), 34 + rng.randrange(1, 20)),
        "trunc_l4_udp6": lambda: truncate(eth / IPv6(src=P6, dst=H6) / UDP(), 54 + rng.randrange(1, 8)),
        "bad_ihl": lambda: b(eth / IP(src=P4, dst=H4, ihl=rng.choice([0, 1, 4, 15])) / UDP(dport=9)),
        "bad_len_v4": lambda: b(eth / IP(src=P4, dst=H4, len=rng.choice([0, 19, 21, 1400, 65535])) /
                                UDP(dport=9) / Raw(b"l" * 20)),
        "bad_len_v6": lambda: b(eth / IPv6(src=P6, dst=H6, plen=rng.choice([0, 7, 3000, 65535])) /
                                UDP(dport=9) / Raw(b"l" * 20)),
        "bad_udp_len": lambda: b(eth / IP(src=P4, dst=H4) /
                                 UDP(dport=9, len=rng.choice([0, 1, 7, 300, 65535])) / Raw(b"u" * 20)),
        "bad_ip_csum": lambda: b(eth / IP(src=P4, dst=H4, chksum=rng.randrange(1, 65535)) / UDP(dport=9)),
        "bad_l4_csum": lambda: b(eth / IP(src=P4, dst=H4) /
                                 TCP(dport=80, chksum=rng.randrange(1, 65535)) / Raw(b"c" * 10),
                                 eth / IPv6(src=P6, dst=H6) /
                                 UDP(dport=9, chksum=rng.randrange(1, 65535)) / Raw(b"c" * 10)),
        "ip_options": lambda: b(eth / IP(src=P4, dst=H4, options=[IPOption_RR()]) /
                                l4(rng, "udp") / Raw(b"p" * 16)),
        "frag_tiny": lambda: [raw(eth / f) for f in
                              fragment(IP(src=P4, dst=H4, id=rng.getrandbits(16)) /
                                       UDP(dport=9) / Raw(b"t" * 64), fragsize=8)],
        "frag_overlap": lambda: b(eth / IP(src=P4, dst=H4, id=77, flags="MF", frag=0, proto=17) /
                                  Raw(b"a" * 24),
                                  eth / IP(src=P4, dst=H4, id=77, frag=1, proto=17) / Raw(b"b" * 24)),
        "frag_reorder": lambda: [raw(eth / f) for f in reversed(
            fragment(IP(src=P4, dst=H4, id=rng.getrandbits(16)) / UDP(dport=9) /
                     Raw(b"r" * 300), fragsize=128))],
        "frag_v6": lambda: b(eth / IPv6(src=P6, dst=H6) /
                             IPv6ExtHdrFragment(id=rng.getrandbits(32), m=1, offset=rng.randrange(0, 8)) /
                             Raw(b"f" * 40)),
        "v6_ext_chain": lambda: b(eth / IPv6(src=P6, dst=H6) / IPv6ExtHdrHopByHop() /
                                  IPv6ExtHdrDestOpt() / IPv6ExtHdrRouting() /
                                  IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() /
                                  IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() /
                                  IPv6ExtHdrDestOpt() / l4(rng, "udp") / Raw(b"e" * 8)),
        "qinq": lambda: b(eth / Dot1AD(vlan=100) / Dot1Q(vlan=10) / IP(src=P4, dst=H4) /
                          l4(rng, "udp") / Raw(b"q" * 8)),
        "tcp_flags": lambda: b(eth / IP(src=P4, dst=H4) / l4(rng, "tcp")),
        "udp_zero_len": lambda: b(eth / IP(src=P4, dst=H4) / UDP(dport=9),
                                  eth / IPv6(src=P6, dst=H6) / UDP(dport=9)),
        "not_ip": lambda: b(eth / Raw(bytes(rng.getrandbits(8) for _ in range(46)))),
        "mutated": lambda: [mutate(rng, raw(good(rng, mac)))],
        "good": lambda: b(good(rng, mac)),
    }


def mutate(rng, data):
    data = bytearray(data)
    # keep the destination MAC: the frame must reach the card's host side
    for _ in range(rng.randrange(1, 8)):
        data[rng.randrange(6, len(data))] = rng.getrandbits(8)
    if rng.random() < 0.3:
        data = data[:rng.randrange(14, len(data) + 1)]
    return bytes(data)


def main():
    iface, mac, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    makers = kinds(rng, mac)
    names = sorted(makers)
    # A corpus of templates, cycled with fresh randomness until COUNT
    frames = []
    while len(frames) < min(count, 2000):
        name = names[len(frames) % len(names)] if len(frames) < 4 * len(names) \
            else rng.choice(names)
        frames += [(name, f) for f in makers[name]()]
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((iface, 0))
    sent, refused, per_kind = 0, 0, {}
    i = 0
    while sent + refused < count:
        name, f = frames[i % len(frames)]
        i += 1
        try:
            sock.send(f)
            sent += 1
            per_kind[name] = per_kind.get(name, 0) + 1
        except OSError:
            # the sending side refused it (longer than its MTU): not on the wire
            refused += 1
    json.dump({"sent": sent, "refused": refused,
               "core_drops": per_kind.get("trunc_l2_vlan", 0), "kinds": per_kind}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
