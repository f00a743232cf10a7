#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send crafted frames from the peer: craft.py IFACE DSTMAC COUNT KIND...

Each KIND is one way a frame can be wrong (or right); the selftest checks
that the card counts each under its own name.
"""
import sys

# The layers it needs, not scapy.all: that loads every layer, seconds in the VM
from scapy.layers.inet import IP, TCP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.sendrecv import sendp  # noqa: E402

H4, P4 = "198.51.100.1", "198.51.100.2"
H6, P6 = "2001:db8::1", "2001:db8::2"


def frame(kind, mac, i):
    eth = Ether(dst=mac)
    pay = Raw(b"m" * 32)
    if kind == "good_udp4":
        return eth / IP(src=P4, dst=H4) / UDP(sport=1000 + i, dport=9) / pay
    if kind == "good_tcp6":
        return eth / IPv6(src=P6, dst=H6) / TCP(sport=1000 + i, dport=9, flags="A") / pay
    if kind == "bad_ip_csum":
        return eth / IP(src=P4, dst=H4, chksum=0x1234) / UDP(sport=1000 + i, dport=9) / pay
    if kind == "bad_udp4_csum":
        return eth / IP(src=P4, dst=H4) / UDP(sport=1000 + i, dport=9, chksum=0x1234) / pay
    if kind == "bad_tcp6_csum":
        return eth / IPv6(src=P6, dst=H6) / TCP(sport=1000 + i, dport=9, chksum=0x1234) / pay
    if kind == "zero_udp6_csum":
        return eth / IPv6(src=P6, dst=H6) / UDP(sport=1000 + i, dport=9, chksum=0) / pay
    if kind == "truncated_ip":
        return eth / IP(src=P4, dst=H4, len=400) / UDP(sport=1000 + i, dport=9) / pay
    if kind == "bad_ihl":
        return eth / IP(src=P4, dst=H4, ihl=4) / UDP(sport=1000 + i, dport=9) / pay
    if kind == "bad_tcp_doff":
        return eth / IP(src=P4, dst=H4) / TCP(sport=1000 + i, dport=9, dataofs=3) / pay
    if kind == "bad_udp_len":
        return eth / IP(src=P4, dst=H4) / UDP(sport=1000 + i, dport=9, len=200) / pay
    if kind == "gro_bad_middle":
        # Four segments of one flow, 100 bytes each: the second with a bad
        # checksum, the third the second again, good (count 4: i picks one)
        seq = 1000 + 100 * (0, 1, 1, 2)[i]
        bad = {"chksum": 0x1234} if i == 1 else {}
        return (eth / IP(src=P4, dst=H4) /
                TCP(sport=40000, dport=9, flags="A", seq=seq, ack=1, **bad) / Raw(b"g" * 100))
    raise SystemExit(f"unknown kind {kind}")


def main():
    iface, mac, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    frames = [frame(kind, mac, i) for kind in sys.argv[4:] for i in range(count)]
    sendp(frames, iface=iface, verbose=False)


if __name__ == "__main__":
    main()
