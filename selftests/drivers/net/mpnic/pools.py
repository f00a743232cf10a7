#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Page pools that outlived their driver: "POOLS PAGES" on stdout.

  pools.py          detached pools and their pages in flight
  pools.py --all    every pool and its pages in flight
  pools.py -v       and one line per pool: its attributes by number

A page pool whose driver destroyed it while pages were still in flight
lingers, with a detach time, until they come back: netdev page-pool-get
(kernel 6.8 and later) lists it. This is that dump in raw generic netlink,
without YNL's spec parsing, which takes seconds under emulation. Prints
"0 0" where the kernel has no netdev family or no page-pool-get, and then
exits with status 3 (NO_POOL_GET): no later call can find a pool either.
"""
import errno
import socket
import struct
import sys

NETLINK_GENERIC = 16
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 16, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
NETDEV_CMD_PAGE_POOL_GET = 5
NETDEV_A_PAGE_POOL_INFLIGHT, NETDEV_A_PAGE_POOL_DETACH_TIME = 4, 6
NO_POOL_GET = 3


def attrs(buf):
    out, off = {}, 0
    while off + 4 <= len(buf):
        alen, atype = struct.unpack_from("HH", buf, off)
        if alen < 4:
            break
        out[atype & 0x3fff] = buf[off + 4:off + alen]
        off += (alen + 3) & ~3
    return out


def request(sock, family, cmd, flags, payload=b""):
    """Send one request; its replies, up to the ACK (NLM_F_ACK) or DONE."""
    msg = struct.pack("BBH", cmd, 1, 0) + payload
    sock.send(struct.pack("IHHII", 16 + len(msg), family, NLM_F_REQUEST | flags, 1, 0) + msg)
    replies = []
    while True:
        data = sock.recv(1 << 16)
        off = 0
        while off + 16 <= len(data):
            mlen, mtype = struct.unpack_from("IH", data, off)
            if mtype == NLMSG_DONE:
                return replies
            if mtype == NLMSG_ERROR:
                err = struct.unpack_from("i", data, off + 16)[0]
                if err:
                    raise OSError(-err, "netlink")
                return replies
            replies.append(attrs(data[off + 20:off + mlen]))
            off += (mlen + 3) & ~3


def main():
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    name = b"netdev\0"
    nla = struct.pack("HH", 4 + len(name), CTRL_ATTR_FAMILY_NAME) + name
    nla += b"\0" * (-len(nla) % 4)
    try:
        fam = request(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK, nla)
        family = struct.unpack("H", fam[0][CTRL_ATTR_FAMILY_ID][:2])[0]
        pools = request(sock, family, NETDEV_CMD_PAGE_POOL_GET, NLM_F_DUMP)
    except OSError as e:
        print("0 0")
        # no netdev family (before 6.3), or no page-pool-get in it (6.8)
        if e.errno in (errno.ENOENT, errno.EOPNOTSUPP):
            sys.exit(NO_POOL_GET)
        return
    except (IndexError, KeyError):
        print("0 0")
        return
    detached = [p for p in pools
                if "--all" in sys.argv or NETDEV_A_PAGE_POOL_DETACH_TIME in p]
    pages = 0
    for p in detached:
        v = p.get(NETDEV_A_PAGE_POOL_INFLIGHT, b"")
        pages += int.from_bytes(v, "little") if v else 0
    print(len(detached), pages)
    if "-v" in sys.argv:
        for p in detached:
            print("# pool", *(f"{k}={int.from_bytes(v, 'little')}" for k, v in sorted(p.items())))


if __name__ == "__main__":
    main()
