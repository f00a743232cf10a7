#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Count what an interface receives, after GRO.

  sniff.py IFACE SIZE READY STOP SECS
      print "BIG ALL": the packets IFACE received (not sent) that are
      longer than SIZE bytes, and all it received, from when the socket
      listens (it then creates READY) until STOP exists, SECS at most

A packet socket sees a packet after GRO: with SIZE the largest frame the
link carries, BIG counts the packets the receiver coalesced.
"""
import os
import socket
import sys
import time

ETH_P_ALL = 3
PACKET_OUTGOING = 4


def main():
    iface, size, ready, stop, secs = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], \
        float(sys.argv[5])
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.bind((iface, 0))
    sock.settimeout(0.2)
    open(ready, "w").close()
    buf = bytearray(128)
    big = total = 0
    end = time.monotonic() + secs
    while True:
        try:
            # MSG_TRUNC: the packet's length, not what fit in buf
            n, addr = sock.recvfrom_into(buf, len(buf), socket.MSG_TRUNC)
        except socket.timeout:
            n = None
        # look for STOP when idle and every 256 packets
        if (n is None or total % 256 == 0) and \
                (time.monotonic() >= end or os.path.exists(stop)):
            break
        if n is None:
            continue
        if addr[2] == PACKET_OUTGOING:
            continue
        total += 1
        big += n > size
    print(big, total)


if __name__ == "__main__":
    main()
