#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Count what an interface receives, after GRO.

  sniff.py IFACE SIZE SECS READY   print "BIG ALL" after SECS: the packets
                                   IFACE received (not sent) that are longer
                                   than SIZE bytes, and all it received

A packet socket sees a packet after GRO: with SIZE the largest frame the
link carries, BIG counts the packets the receiver coalesced. READY is
created once the socket listens.
"""
import socket
import sys
import time

ETH_P_ALL = 3
PACKET_OUTGOING = 4


def main():
    iface, size, secs, ready = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.bind((iface, 0))
    sock.settimeout(0.2)
    open(ready, "w").close()
    buf = bytearray(128)
    big = total = 0
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            # MSG_TRUNC: the packet's length, not what fit in buf
            n, addr = sock.recvfrom_into(buf, len(buf), socket.MSG_TRUNC)
        except socket.timeout:
            continue
        if addr[2] == PACKET_OUTGOING:
            continue
        total += 1
        big += n > size
    print(big, total)


if __name__ == "__main__":
    main()
