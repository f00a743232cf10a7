#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send crafted frames from the peer: craft.py IFACE DSTMAC COUNT KIND...

Each KIND is one way a frame can be wrong (or right); the selftest checks
that the card counts each under its own name.
"""
import sys

import frames

H4, P4 = "198.51.100.1", "198.51.100.2"
H6, P6 = "2001:db8::1", "2001:db8::2"
ACK = 0x10

# KIND: (source, destination, protocol, what is set wrong on purpose)
KINDS = {
    "good_udp4": (P4, H4, "udp", {}),
    "good_tcp6": (P6, H6, "tcp", {"flags": ACK}),
    "bad_ip_csum": (P4, H4, "udp", {"ip_csum": 0x1234}),
    "bad_udp4_csum": (P4, H4, "udp", {"l4_csum": 0x1234}),
    "bad_tcp6_csum": (P6, H6, "tcp", {"l4_csum": 0x1234}),
    "zero_udp6_csum": (P6, H6, "udp", {"l4_csum": 0}),
    "truncated_ip": (P4, H4, "udp", {"ip_len": 400}),
    "bad_ihl": (P4, H4, "udp", {"ihl": 4}),
    "bad_tcp_doff": (P4, H4, "tcp", {"doff": 3}),
    "bad_udp_len": (P4, H4, "udp", {"udp_len": 200}),
}


def frame(kind, src_mac, dst_mac, i):
    if kind == "gro_bad_middle":
        # Four segments of one flow, 100 bytes each: the second with a bad
        # checksum, the third the second again, good (count 4: i picks one)
        seq = 1000 + 100 * (0, 1, 1, 2)[i]
        bad = {"l4_csum": 0x1234} if i == 1 else {}
        return frames.build(src_mac, dst_mac, P4, H4, "tcp", 40000, 9, b"g" * 100,
                            flags=ACK, seq=seq, ack=1, **bad)
    if kind not in KINDS:
        raise SystemExit(f"unknown kind {kind}")
    src, dst, proto, wrong = KINDS[kind]
    return frames.build(src_mac, dst_mac, src, dst, proto, 1000 + i, 9, b"m" * 32, **wrong)


def main():
    iface, count = sys.argv[1], int(sys.argv[3])
    src_mac, dst_mac = frames.iface_mac(iface), frames.mac_bytes(sys.argv[2])
    frames.send(iface, [frame(kind, src_mac, dst_mac, i)
                        for kind in sys.argv[4:] for i in range(count)])


if __name__ == "__main__":
    main()
