#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Ethernet frames built byte by byte, for the scripts that send from the peer.

The frames are the ones scapy builds with the same fields (compared byte
for byte when this was written: every craft.py kind and 1200 rss.py
flows), without scapy's import, which takes seconds in the VM. Any field may be set wrong on purpose; a checksum left as None
is computed.
"""
import ipaddress
import socket
import struct


def csum(data):
    """The Internet checksum of DATA (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def mac_bytes(mac):
    return bytes.fromhex(mac.replace(":", ""))


def iface_mac(iface):
    with open("/sys/class/net/%s/address" % iface, encoding="ascii") as f:
        return mac_bytes(f.read().strip())


# pylint: disable-next=too-many-arguments,too-many-locals
def build(src_mac, dst_mac, src, dst, proto, sport, dport, payload, flags=0x02,
          seq=0, ack=0, ip_csum=None, l4_csum=None, ip_len=None, ihl=5, doff=5,
          udp_len=None):
    """One TCP or UDP frame (PROTO "tcp" or "udp") over IPv4 or IPv6 by
    SRC's family, with the defaults of scapy's layers: a SYN, TTL 64."""
    tcp = proto == "tcp"
    ipproto = socket.IPPROTO_TCP if tcp else socket.IPPROTO_UDP
    l4len = (20 if tcp else 8) + len(payload)
    if tcp:
        l4 = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags, 8192, 0, 0)
    else:
        l4 = struct.pack("!HHHH", sport, dport, l4len if udp_len is None else udp_len, 0)
    sa, da = ipaddress.ip_address(src).packed, ipaddress.ip_address(dst).packed
    if len(sa) == 16:
        pseudo = sa + da + struct.pack("!IxxxB", l4len, ipproto)
        l3 = struct.pack("!IHBB", 6 << 28, l4len, ipproto, 64) + sa + da
        ethertype = 0x86dd
    else:
        # scapy sums a length set in the IP header, not the bytes there
        plen = l4len if ip_len is None else max(ip_len - 4 * ihl, 0)
        pseudo = sa + da + struct.pack("!xBH", ipproto, plen)
        l3 = struct.pack("!BBHHHBBH", 0x40 | ihl, 0, 20 + l4len if ip_len is None else ip_len,
                         1, 0, 64, ipproto, 0) + sa + da
        l3 = l3[:10] + struct.pack("!H", csum(l3) if ip_csum is None else ip_csum) + l3[12:]
        ethertype = 0x0800
    if l4_csum is None:
        l4_csum = csum(pseudo + l4 + payload)
        if not tcp and l4_csum == 0:
            l4_csum = 0xffff
    at = 16 if tcp else 6
    l4 = l4[:at] + struct.pack("!H", l4_csum) + l4[at + 2:]
    return dst_mac + src_mac + struct.pack("!H", ethertype) + l3 + l4 + payload


def send(iface, frames):
    """Send FRAMES (bytes) out of IFACE as they are."""
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as sock:
        sock.bind((iface, 0))
        for f in frames:
            sock.send(f)
