#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""RFC 5961 probes at an offloaded connection, from the peer's side.

  toe_inject.py IFACE KIND...
      sniff IFACE for the connection's next segment from the offloaded end
      (payload-carrying, to learn its sequence numbers and timestamps),
      then send one crafted segment per KIND, 0.2 s apart:
        rst_out     RST far outside the window (RFC 5961 3.2: dropped)
        rst_inexact RST in the window, not at rcv_nxt (3.2: challenge ACK)
        syn         SYN on the connection (4.2: challenge ACK)
        data_out    data outside the window (RFC 9293: dropped, ACKed)
        data_old    data in the window, its ACK before snd_una - max window
                    (5.2: dropped, challenge ACK)
        bad_csum    data in the window with a wrong TCP checksum (dropped)
      Prints "seen SPORT DPORT SEQ ACK" and each KIND sent.
"""
import socket
import struct
import sys
import time

import frames

ETH_P_ALL = 3
PACKET_OUTGOING = 4
RST, SYN, ACK, PSH = 0x04, 0x02, 0x10, 0x08


def tcp_opts(tsval, tsecr):
    return struct.pack("!BBBBII", 1, 1, 8, 10, tsval, tsecr) if tsval is not None else b""


def segment(eth, ip, sport, dport, seq, ack, flags, payload, ts, bad_csum=False):
    """A TCP segment from the peer to the offloaded end, IPv4 or IPv6"""
    v6 = len(ip["src"]) == 16
    opts = tcp_opts(*ts) if ts else b""
    doff = 5 + len(opts) // 4
    l4 = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                     doff << 4, flags, 65535, 0, 0) + opts + payload
    if v6:
        pseudo = ip["src"] + ip["dst"] + struct.pack("!IxxxB", len(l4), 6)
        l3 = struct.pack("!IHBB", 6 << 28, len(l4), 6, 64) + ip["src"] + ip["dst"]
        et = 0x86dd
    else:
        pseudo = ip["src"] + ip["dst"] + struct.pack("!xBH", 6, len(l4))
        l3 = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(l4), 1, 0x4000, 64, 6, 0) + \
            ip["src"] + ip["dst"]
        l3 = l3[:10] + struct.pack("!H", frames.csum(l3)) + l3[12:]
        et = 0x0800
    l4 = l4[:16] + struct.pack("!H", frames.csum(pseudo + l4) ^ (0x5a5a if bad_csum else 0)) + \
        l4[18:]
    return eth + struct.pack("!H", et) + l3 + l4


def parse(pkt):
    """(ip addresses, sport, dport, seq, ack, flags, payload len, tsval, tsecr) or None"""
    et = struct.unpack_from("!H", pkt, 12)[0]
    if et == 0x0800 and pkt[23] == 6:
        ihl = (pkt[14] & 15) * 4
        src, dst = pkt[26:30], pkt[30:34]
        l4 = 14 + ihl
        end = 14 + struct.unpack_from("!H", pkt, 16)[0]
    elif et == 0x86dd and pkt[20] == 6:
        src, dst = pkt[22:38], pkt[38:54]
        l4 = 54
        end = 54 + struct.unpack_from("!H", pkt, 18)[0]
    else:
        return None
    sport, dport, seq, ack, off, flags = struct.unpack_from("!HHIIBB", pkt, l4)
    thl = (off >> 4) * 4
    tsval = tsecr = None
    o = l4 + 20
    while o < l4 + thl:
        kind = pkt[o]
        if kind == 0:
            break
        if kind == 1:
            o += 1
            continue
        if kind == 8:
            tsval, tsecr = struct.unpack_from("!II", pkt, o + 2)
        o += pkt[o + 1]
    return {"src": src, "dst": dst}, sport, dport, seq, ack, flags, end - l4 - thl, tsval, tsecr


def main():
    iface, kinds = sys.argv[1], sys.argv[2:]
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.bind((iface, 0))
    sock.settimeout(20)
    while True:
        pkt, addr = sock.recvfrom(65536)
        if addr[2] == PACKET_OUTGOING:
            continue
        p = parse(pkt)
        if p and p[6] > 0:
            break
    ip, sport, dport, seq, ack, flags, plen, tsval, tsecr = p
    # The offloaded end's next byte, and the one it waits for from us
    snd_nxt, rcv_nxt = seq + plen, ack
    print("seen", sport, dport, seq, ack, flush=True)
    eth = pkt[6:12] + pkt[0:6]
    me = {"src": ip["dst"], "dst": ip["src"]}
    # Far ahead of the peer's clock: PAWS (RFC 7323) must not be what
    # drops a probe, however long the probes take
    ts = (tsecr + 100000, tsval) if tsval is not None else None
    for kind in kinds:
        args = {
            "rst_out": (rcv_nxt + 0x40000000, 0, RST, b""),
            # in the window, past what the echoes add meanwhile
            "rst_inexact": (rcv_nxt + 3000, 0, RST, b""),
            "syn": (rcv_nxt + 3500, 0, SYN, b""),
            "data_out": (rcv_nxt + 0x20000000, snd_nxt, ACK | PSH, b"x" * 10),
            # in the window: the ACK check is what drops it
            "data_old": (rcv_nxt + 4000, snd_nxt - 0x60000000, ACK | PSH, b"y" * 10),
            "bad_csum": (rcv_nxt + 4500, snd_nxt, ACK | PSH, b"c" * 10),
        }[kind]
        seq_, ack_, fl, pl = args
        if fl & RST and not fl & ACK:
            ack_ = 0
        frames.send(iface, [segment(eth, me, dport, sport, seq_, ack_, fl, pl,
                                    None if fl & RST else ts, kind == "bad_csum")])
        print("sent", kind, flush=True)
        time.sleep(0.2)


if __name__ == "__main__":
    main()
