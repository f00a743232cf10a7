// SPDX-License-Identifier: GPL-2.0
/* Header fix-ups of TCP segmentation offload, per segment. */

#include "tso.h"

#define TCPF_FIN	0x01
#define TCPF_PSH	0x08
#define TCPF_CWR	0x80

static u32 mpnic_tso_get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static void mpnic_tso_put16(u8 *p, u32 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void mpnic_tso_put32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/**
 * mpnic_tso_start - read what segmentation needs from the large packet
 * @tso: state for the fix-ups
 * @hdr: the packet's headers, as they will start every segment
 * @l3_off: offset of its IP header
 * @l4_off: offset of its TCP header
 * @hdr_len: length of all its headers
 * @mss: payload bytes per segment
 * @fixed_id: IPv4: keep the ID of the first segment in all (GSO's FIXEDID)
 */
void mpnic_tso_start(struct mpnic_tso *tso, const u8 *hdr, u16 l3_off, u16 l4_off,
		     u16 hdr_len, u16 mss, bool fixed_id)
{
	tso->l3_off = l3_off;
	tso->l4_off = l4_off;
	tso->hdr_len = hdr_len;
	tso->mss = mss;
	tso->l3 = hdr[l3_off] >> 4;
	tso->fixed_id = fixed_id;
	tso->ip_id = tso->l3 == 4 ? (u16)(hdr[l3_off + 4] << 8 | hdr[l3_off + 5]) : 0;
	tso->seq = mpnic_tso_get32(hdr + l4_off + 4);
	tso->flags = hdr[l4_off + 13];
}

/**
 * mpnic_tso_fixup - make the headers of segment @idx right
 * @tso: from mpnic_tso_start()
 * @frame: the segment: the large packet's headers, then its payload slice
 * @idx: segment number, from 0
 * @payload: payload bytes in this segment
 * @last: this is the last segment
 *
 * Sets the IP length (and, for IPv4, the ID), the sequence number, and the
 * flags: FIN and PSH only on the last segment, CWR only on the first.
 * The IPv4 header checksum and the TCP checksum are left to the caller.
 */
void mpnic_tso_fixup(const struct mpnic_tso *tso, u8 *frame, u32 idx, u32 payload,
		     bool last)
{
	u8 *ip = frame + tso->l3_off;
	u8 *th = frame + tso->l4_off;
	u32 len = tso->hdr_len + payload;
	u8 flags = tso->flags;

	if (tso->l3 == 4) {
		mpnic_tso_put16(ip + 2, len - tso->l3_off);
		mpnic_tso_put16(ip + 4, tso->fixed_id ? tso->ip_id : (u16)(tso->ip_id + idx));
	} else {
		mpnic_tso_put16(ip + 4, len - tso->l3_off - 40);
	}
	mpnic_tso_put32(th + 4, tso->seq + idx * tso->mss);
	if (!last)
		flags &= ~(TCPF_FIN | TCPF_PSH);
	if (idx)
		flags &= ~TCPF_CWR;
	th[13] = flags;
}
